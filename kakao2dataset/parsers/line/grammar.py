"""Pieces shared by the LINE parsers (mobile ``line-mobile``, desktop ``line-desktop``).

* clock times as LINE writes them: ``19:42``, ``9:20``, ``午前11:24``, ``午後05:38``, ``8:15AM``,
  ``04:35PM``, ``12:00 AM``, ``오후 3:04``, ``下午04:46``; 12-hour forms are exact
  (``午前12:03`` → 00:03, as the Japanese convention and :mod:`..clock`);
* day lines of the mobile exports (``2018/07/10(火)``, ``2015/12/25 Fri``, ``Mon, 11/03/2025``,
  ``Wed, 10/07/2562 BE``) and of desktop "Save chat" (``2017.09.03 Sunday``, ``2021.1.1 金曜日``);
* placeholder texts → :class:`MessageKind` (research §1.6 / §1.7), and "unsent" notices (the
  readers make them system lines).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import date, datetime

import regex

from kakao2dataset.model import MessageKind
from kakao2dataset.parsers.base import placeholder_classifier, placeholder_gate
from kakao2dataset.parsers.clock import hour24
from kakao2dataset.reading import RawLine

# A clock time at the start of a line (group names shared by both parsers).
TIME = (r"(?:(?P<mp>午前|午後|오전|오후|上午|下午) ?)?(?P<h>\d{1,2}):(?P<mi>\d{2})"
        r"(?: ?(?P<ms>AM|PM|am|pm))?")

EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_DAYS_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
JA_DAYS = "月火水木金土日"
KO_DAYS = "월화수목금토일"
ZH_DAYS = "一二三四五六日"
# weekday word → 0..6 (Monday = 0), every language we know of
WEEKDAY = (
    {d: i for i, d in enumerate(EN_DAYS)} | {d: i for i, d in enumerate(EN_DAYS_LONG)}
    | {d: i for i, d in enumerate(JA_DAYS)} | {d + "曜日": i for i, d in enumerate(JA_DAYS)}
    | {d: i for i, d in enumerate(KO_DAYS)} | {d + "요일": i for i, d in enumerate(KO_DAYS)}
    | {"星期" + d: i for i, d in enumerate(ZH_DAYS)} | {"周" + d: i for i, d in enumerate(ZH_DAYS)}
    | {"星期天": 6, "周天": 6}
)


def clock(m: regex.Match) -> tuple[int, int] | None:
    """(hour, minute) of a :data:`TIME` match, or None when it is not a valid time."""
    hour, minute = int(m.group("h")), int(m.group("mi"))
    meridiem = m.group("mp") or m.group("ms")
    if minute > 59 or (meridiem is not None and m.group("mp") and m.group("ms")):
        return None
    try:
        hour = hour24(hour, meridiem)
    except ValueError:
        return None
    return (hour, minute) if hour < 24 else None


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def weekday_fits(day: date, word: str | None) -> bool:
    """True when ``word`` is the weekday of ``day`` (or unknown / absent: not checked)."""
    if not word:
        return True
    index = WEEKDAY.get(word.strip("()（） "))
    return index is None or index == day.weekday()


# ---------------------------------------------------------------- kinds

EXACT = {
    "[写真]": MessageKind.PHOTO, "[Photo]": MessageKind.PHOTO, "[사진]": MessageKind.PHOTO,
    "[照片]": MessageKind.PHOTO, "Photos": MessageKind.PHOTO, "[アルバム]": MessageKind.PHOTO,
    "[スタンプ]": MessageKind.EMOTICON, "[Sticker]": MessageKind.EMOTICON,
    "[스티커]": MessageKind.EMOTICON, "[貼圖]": MessageKind.EMOTICON,
    "Stickers": MessageKind.EMOTICON,
    "[動画]": MessageKind.VIDEO, "[Video]": MessageKind.VIDEO, "[동영상]": MessageKind.VIDEO,
    "[影片]": MessageKind.VIDEO, "Videos": MessageKind.VIDEO,
    "[ファイル]": MessageKind.FILE, "[File]": MessageKind.FILE, "[파일]": MessageKind.FILE,
    "[檔案]": MessageKind.FILE,
    "[ボイスメッセージ]": MessageKind.VOICE, "[Voice message]": MessageKind.VOICE,
    "[음성메시지]": MessageKind.VOICE, "[語音訊息]": MessageKind.VOICE, "Audio": MessageKind.VOICE,
}
PREFIXES = {"☎ ": MessageKind.CALL}
PATTERNS = [(regex.compile(r"https?://\S+"), MessageKind.LINK)]
line_kind = placeholder_classifier(EXACT, PREFIXES, PATTERNS)
maybe_line_placeholder = placeholder_gate(EXACT, PREFIXES, PATTERNS)  # None: certainly TEXT

# "X unsent a message": who (group "who", may be absent) → a DELETED message of X.
UNSENT = regex.compile(
    r"(?:(?P<who>.+?)がメッセージの送信を取り消しました。?"
    r"|(?P<who>.+?) unsent a message\.?"
    r"|(?P<who>.+?)님이 메시지 전송을 취소했습니다\.?"
    r"|(?P<who>.+?) ?已收回訊息|(?P<who>.+?) ?撤回了一条消息"
    r"|メッセージの送信を取り消しました。?|Message unsent\.?|已收回訊息)"
)


# The last characters of every UNSENT form: any other text is no notice, without a regex.
UNSENT_LAST = frozenset("した.。息다e")


def unsent_by(text: str) -> str | None:
    """The name in an "unsent a message" notice ("" when it names nobody), else None."""
    if text[-1:] not in UNSENT_LAST:
        return None
    m = UNSENT.fullmatch(text)
    if m is None:
        return None
    return m.group("who") or ""


# ---------------------------------------------------------------- quotes (mobile)

OPEN, CLOSE, BAD = 0, 1, 2


def scan_quotes(text: str) -> int:
    """Quote state of one line of a quoted text: ``OPEN`` (only doubled quotes), ``CLOSE`` (a
    lone quote at the very end) or ``BAD`` (a lone quote elsewhere: not LINE's quoting)."""
    if '"' not in text:
        return OPEN
    rest = text.replace('""', "")
    if '"' not in rest:
        return OPEN
    return CLOSE if rest.count('"') == 1 and rest[-1] == '"' else BAD


class Lookahead:
    """A line iterator that can take lines back after a failed look ahead."""

    def __init__(self, lines: Iterable[RawLine]):
        self._it = iter(lines)
        self._back: deque[RawLine] = deque()

    def __iter__(self) -> Lookahead:
        return self

    def __next__(self) -> RawLine:
        if self._back:
            return self._back.popleft()
        return next(self._it)

    def push(self, lines: list[RawLine]) -> None:
        self._back.extendleft(reversed(lines))

    @property
    def backlog(self) -> int:
        """How many lines taken back wait to be read again."""
        return len(self._back)


class MidnightOf:
    """``midnight_of(day)``: the start of ``day`` as a datetime (None for None), remembered for
    the last day asked: the block readers ask for every record, and a day has many."""

    def __init__(self) -> None:
        self.day: date | None = None
        self.midnight: datetime | None = None

    def __call__(self, day: date | None) -> datetime | None:
        if day != self.day:
            self.day = day
            self.midnight = None if day is None else datetime(day.year, day.month, day.day)
        return self.midnight
