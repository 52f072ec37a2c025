"""KakaoTalk for Windows PC exports (support-table variants K1, K1', K2, K1h, K2h).

::

    김민지 님과 카카오톡 대화                          ← header (K1; K1'/K2: "X with KakaoTalk Chats")
    저장한 날짜 : 2024-12-09 14:35:02                  ← header ("Date Saved : …" in K1'/K2)

    --------------- 2024년 12월 9일 월요일 ---------------     ← day line (any run of ≥ 3 hyphens)
    [이준호] [오후 2:31] 국밥?                          ← message: [name] [time] text
    첫 줄 다음에 이어지는 둘째 줄                        ← continuation (CRLF like every line)
    김민지님이 나갔습니다.                              ← system line: no brackets, no time

K1h/K2h are the same lines without the header (older PC versions, copied chats); a file
without any day line gets placeholder dates (1900-01-01, advancing a day whenever the clock
goes backwards), reported in the sniff notes.

**Names** may contain ``]``, ``[`` and spaces: the *time bracket* is the anchor, the name is
the shortest text before the first ``] [<valid time>]``.

**Look-alike lines.** The PC export writes CRLF everywhere, so (unlike iOS/LINE) no bare-LF
signal tells a line inside a message from a new record. Plausibility decides, in this order:

1. A day line is real only if its date is valid, its weekday matches, and it is later than the
   current day; otherwise it is text of the message being read.
2. A message-like line inside a message stays text when its speaker is unknown while two
   speakers are already known and the chat is not a group (≥ 3 speakers with ≥ 2 lines each,
   or a join/invite line, in the first lines), when its time is earlier than the message it
   follows.
3. A message-like line accepted *inside* a message is tentative. If the next message-like line
   is earlier than it but not earlier than the message before it, the tentative one was a
   future-dated look-alike and folds back into that message as text.

   (Typical source: yesterday's afternoon line pasted into this morning's message.) A copy of
   the *previous* message pasted into the tentative one (same minute) looks the same and is
   read this way too; same-minute bursts are far more common than such quotes.

A look-alike that fits the time order exactly is undecidable and is read as a message.
System lines carry no time: they get the time of the last message of the same day, else
midnight. K1' puts a blank line before each day line; that blank is layout, other blank lines
are text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._clock import MONTH_PATTERN, hour24, month_number
from kakao2dataset.parsers._kakao_kinds import classify_kakao
from kakao2dataset.parsers.base import (
    LineAccounting,
    LineClass,
    Parser,
    PendingMessage,
    Sniff,
    register,
)
from kakao2dataset.reading import RawLine

TITLE_KO = regex.compile(r"^(?P<title>.*) 님과 카카오톡 대화$")
TITLE_EN = regex.compile(r"^(?P<title>.*) with KakaoTalk Chats$")
SAVED = regex.compile(r"^(?:저장한 날짜|Date Saved) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
WEEKDAYS_KO = "월화수목금토일"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LANGS = {
    "ko": {
        "day": regex.compile(
            r"^-{3,} (?P<y>\d{4})년 (?P<mo>\d{1,2})월 (?P<d>\d{1,2})일 (?P<wd>[월화수목금토일])요일 -{3,}$"
        ),
        "message": regex.compile(
            r"^\[(?P<name>.+?)\] \[(?P<mer>오전|오후) (?P<h>\d{1,2}):(?P<mi>\d{2})\](?: |$)"
        ),
        "system": [
            regex.compile(r"^.+님이 (?:들어왔습니다|나갔습니다|방장이 되었습니다)\.$"),
            regex.compile(r"^.+님이 .+님을 초대(?:하였|했)습니다\.$"),
        ],
        "system_tail": "습니다.",
    },
    "en": {
        "day": regex.compile(
            rf"^-{{3,}} (?P<wd>[A-Z][a-z]+), (?P<mo>{MONTH_PATTERN}) (?P<d>\d{{1,2}}), "
            r"(?P<y>\d{4}) -{3,}$"
        ),
        "message": regex.compile(
            r"^\[(?P<name>.+?)\] \[(?P<h>\d{1,2}):(?P<mi>\d{2}) (?P<mer>AM|PM)\](?: |$)"
        ),
        "system": [
            regex.compile(r"^.+ (?:joined|left) this chatroom\.$"),
            regex.compile(r"^.+ invited .+\.$"),
        ],
        "system_tail": ".",
    },
}
DATELESS_DAY = date(1900, 1, 1)
GROUP_SPEAKERS = 3


def _day(match, lang: str) -> date | None:
    """The date of a day-line match, or None when it is not a real calendar day."""
    try:
        month = int(match["mo"]) if lang == "ko" else month_number(match["mo"])
        day = date(int(match["y"]), month, int(match["d"]))
    except (ValueError, KeyError):
        return None
    names = WEEKDAYS_KO if lang == "ko" else WEEKDAYS_EN
    return day if names[day.weekday()] == match["wd"] else None


def _is_day(text: str, lang: str) -> bool:
    match = LANGS[lang]["day"].match(text)
    return match is not None and _day(match, lang) is not None


def _clock(match) -> tuple[int, int] | None:
    """(hour, minute) of a message-line match; None for an impossible clock (오후 15:18)."""
    minute = int(match["mi"])
    try:
        hour = hour24(int(match["h"]), match["mer"])
    except ValueError:
        return None
    return (hour, minute) if minute < 60 else None


def _is_system(text: str, lang: str) -> bool:
    spec = LANGS[lang]
    return text.endswith(spec["system_tail"]) and any(p.match(text) for p in spec["system"])


@register
class KakaoPcParser(Parser):
    name = "kakao-pc"
    app = "kakaotalk"
    description = "KakaoTalk for Windows PC (.txt: [name] [time] text, day lines of hyphens)"

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        texts = [line.text for line in head]
        if texts:
            texts[0] = texts[0].lstrip("\ufeff")
        return _HeadFacts(texts).claim(cls.name)

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        reader = _PcReader(self.source, self.sniffed.options, accounting)
        out = reader.out
        for line in lines:
            reader.feed(line)
            if out:
                yield from out
                out.clear()
        reader.close()
        yield from out


class _HeadFacts:
    """What the first lines show: header, language, layout, speakers; turned into a claim."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.title = next((m for m in map(_title, texts[:2]) if m), None)
        self.saved = any(SAVED.match(t) for t in texts[:4])
        self.other_saved = not self.saved and any(
            t.startswith(("저장한 날짜", "Date Saved")) for t in texts[:4])
        self.lang = max(LANGS, key=self._evidence)
        spec = LANGS[self.lang]
        self.days = _rising_days(texts, self.lang)
        names = Counter(m["name"] for t in texts if (m := spec["message"].match(t)))
        self.speakers = {name for name, n in names.items() if n >= 2}  # not a one-off paste
        self.messages = sum(names.values())
        self.system = any(_is_system(t, self.lang) for t in texts)

    def _evidence(self, lang: str) -> int:
        spec = LANGS[lang]
        return sum(bool(spec["day"].match(t) or spec["message"].match(t)) for t in self.texts)

    def claim(self, parser: str) -> Sniff | None:
        score = self._score()
        if score is None:
            return None
        variant = self._variant()
        return Sniff(parser=parser, variant=variant, score=score, notes=self._notes(variant),
                     options=self._options(variant))

    def _score(self) -> float | None:
        """Strict: a title needs the ISO save stamp (mobile exports write a localised one), or
        day lines and messages; without a title the file must start with PC records."""
        if self.title and self.saved:
            return 0.95
        if self.title and not self.other_saved and self.days and self.messages:
            return 0.9
        first = next((t for t in self.texts if t), "")
        starts = _is_day(first, self.lang) or bool(LANGS[self.lang]["message"].match(first))
        if self.title is None and starts and self.messages >= 2:
            return 0.6 + (0.1 if self.days else 0.0)
        return None

    def _variant(self) -> str:
        if self.title is None:
            return "K1h" if self.lang == "ko" else "K2h"
        if self.title[0] == "ko":
            return "K1"
        return "K1'" if self._evidence("ko") > self._evidence("en") else "K2"

    def _options(self, variant: str) -> dict:
        return {
            "lang": "ko" if variant in ("K1", "K1'", "K1h") else "en",
            "blank_before_day": self._blank_before_day(variant),
            "group": len(self.speakers) >= GROUP_SPEAKERS or self.system,
        }

    def _blank_before_day(self, variant: str) -> bool:
        """K1' (2015) writes a blank line before every day line but the first; K1 does not.
        The head overrides the variant's default only when two or more day lines agree (one
        blank line may just end a message)."""
        blanks = [self.texts[i - 1] == "" for i in self.days[1:]]
        if len(blanks) >= 2 and len(set(blanks)) == 1:
            return blanks[0]
        return variant == "K1'"

    def _notes(self, variant: str) -> tuple[str, ...]:
        notes = [f"KakaoTalk PC {variant}, {self.lang} times (12-hour)"]
        if self.title is None:
            notes.append("no header (older PC version or copied lines)")
        if not self.days:
            notes.append("no day lines in the first lines: messages before the first day line "
                         f"are dated {DATELESS_DAY.isoformat()} + n days (the clock's rollovers)")
        return tuple(notes)


def _rising_days(texts: list[str], lang: str) -> list[int]:
    """Indices of the day lines that move the date forward (look-alikes in messages don't)."""
    found, last = [], None
    for index, text in enumerate(texts):
        match = LANGS[lang]["day"].match(text)
        day = _day(match, lang) if match else None
        if day and (last is None or day > last):
            found.append(index)
            last = day
    return found


def _title(text: str) -> tuple[str, str] | None:
    for lang, pattern in (("ko", TITLE_KO), ("en", TITLE_EN)):
        if m := pattern.match(text):
            return lang, m["title"]
    return None


class _Tentative:
    """A message-like line accepted inside another message, not yet confirmed (rule 3)."""

    __slots__ = ("line", "timestamp", "speaker", "text", "rest")

    def __init__(self, line: RawLine, timestamp: datetime, speaker: str, text: str):
        self.line, self.timestamp, self.speaker, self.text = line, timestamp, speaker, text
        self.rest: list[RawLine] = []


class _PcReader:
    """The line-by-line state machine; finished messages are appended to ``out``."""

    def __init__(self, source: str, options, accounting: LineAccounting):
        self.source, self.acct, self.out = source, accounting, []
        self.spec = LANGS[options.get("lang", "ko")]
        self.lang = options.get("lang", "ko")
        self.blank_before_day = bool(options.get("blank_before_day", False))
        self.group = bool(options.get("group", False))
        self.cur = PendingMessage(source, classify_kakao)
        self.tent: _Tentative | None = None
        self.blanks: list[RawLine] = []
        self.day: date | None = None
        self.last_ts: datetime | None = None
        self.known: set[str] = set()
        self.in_header = True
        self.dateless = False

    # -- dispatch ---------------------------------------------------------------------------
    def feed(self, line: RawLine) -> None:
        text = line.text
        if line.number == 1:
            text = text.lstrip("\ufeff")
        if self.in_header and self._header(line, text):
            return
        self.in_header = False
        if text[:3] == "---" and (m := self.spec["day"].match(text)):
            if self._day_line(line, m):
                return
        elif text[:1] == "[" and (m := self.spec["message"].match(text)):
            return self._message_line(line, m, text[m.end():])
        elif text and _is_system(text, self.lang):
            return self._system(line)
        self._other(line)

    def _header(self, line: RawLine, text: str) -> bool:
        if line.number <= 2 and (_title(text) or SAVED.match(text)):
            self.acct.mark(line, LineClass.HEADER)
            return True
        if text == "" and line.number <= 4:
            self.acct.mark(line, LineClass.BLANK)
            return True
        return False

    # -- day lines --------------------------------------------------------------------------
    def _day_line(self, line: RawLine, match) -> bool:
        day = _day(match, self.lang)
        if day is None or (self.day is not None and day <= self.day):
            return False  # a look-alike (rule 1): handled as an ordinary line
        self._flush_blanks(layout=self.blank_before_day)
        self._end_message()
        self.day = day
        self.acct.mark(line, LineClass.DATE)
        return True

    # -- message lines ----------------------------------------------------------------------
    def _message_line(self, line: RawLine, match, text: str) -> None:
        clock = _clock(match)
        if clock is None:  # an impossible clock: never guess, report
            return self._other(line, unreadable=True)
        timestamp, speaker = self._timestamp(*clock), match["name"]
        if not self.cur.active:
            self._flush_blanks(layout=True)
            self._confirm(line, timestamp, speaker, text)
        elif self._plausible(speaker, timestamp):
            self._flush_blanks(layout=False)
            self._accept(line, timestamp, speaker, text)
        else:
            self._other(line)

    def _timestamp(self, hour: int, minute: int) -> datetime:
        if self.day is None:  # dateless file: advance a placeholder day on clock rollover
            self.day = DATELESS_DAY
            self.dateless = True
        stamp = datetime(self.day.year, self.day.month, self.day.day, hour, minute)
        if self.dateless and self.last_ts and stamp < self.last_ts:
            self.day += timedelta(days=1)
            stamp += timedelta(days=1)
        return stamp

    def _plausible(self, speaker: str, timestamp: datetime) -> bool:
        known = (self.known | {self.tent.speaker}) if self.tent else self.known
        if speaker not in known and len(known) >= 2 and not self.group:
            return False
        latest = self.tent.timestamp if self.tent else self.cur.timestamp
        return timestamp >= latest or (self.tent is not None and timestamp >= self.cur.timestamp)

    def _accept(self, line: RawLine, timestamp: datetime, speaker: str, text: str) -> None:
        tent = self.tent
        if tent is not None and timestamp < tent.timestamp:
            self._fold(tent)  # rule 3: the tentative line was a future-dated look-alike
        elif tent is not None:
            self._confirm_tentative()
        self.tent = _Tentative(line, timestamp, speaker, text)
        self.last_ts = timestamp

    def _fold(self, tent: _Tentative) -> None:
        self.acct.mark(tent.line, LineClass.CONTINUATION)
        self.cur.add(tent.line.text, tent.line.number)
        for rest in tent.rest:
            self.cur.add(rest.text, rest.number)
        self.tent = None
        self.last_ts = self.cur.timestamp

    def _confirm_tentative(self) -> None:
        tent, self.tent = self.tent, None
        self._confirm(tent.line, tent.timestamp, tent.speaker, tent.text)
        for rest in tent.rest:
            self.cur.add(rest.text, rest.number)

    def _confirm(self, line: RawLine, timestamp: datetime, speaker: str, text: str) -> None:
        self.acct.mark(line, LineClass.MESSAGE)
        self.known.add(speaker)
        self.last_ts = timestamp
        if done := self.cur.start(timestamp, speaker, text, line.number):
            self.out.append(done)

    def _end_message(self) -> None:
        if self.tent is not None:
            self._confirm_tentative()
        if done := self.cur.finish():
            self.out.append(done)

    # -- everything else --------------------------------------------------------------------
    def _system(self, line: RawLine) -> None:
        self._flush_blanks(layout=False)
        self._end_message()
        self.group = True  # joins and invites happen in group rooms only
        self.acct.mark(line, LineClass.SYSTEM)
        stamp = self.last_ts if self.last_ts and self.last_ts.date() == self.day else None
        stamp = stamp or datetime.combine(self.day or DATELESS_DAY, datetime.min.time())
        self.out.append(Message(stamp, "", line.text, MessageKind.SYSTEM, self.source,
                                line.number, line.number))

    def _other(self, line: RawLine, unreadable: bool = False) -> None:
        if unreadable or not self.cur.active:
            cls = LineClass.BLANK if line.text == "" and not unreadable else LineClass.UNPARSED
            return self.acct.mark(line, cls)
        if line.text == "" and self.blank_before_day:
            return self.blanks.append(line)  # layout or text: the next line decides
        self._flush_blanks(layout=False)
        self._continue(line)

    def _continue(self, line: RawLine) -> None:
        self.acct.mark(line, LineClass.CONTINUATION)
        if self.tent is not None:
            self.tent.rest.append(line)
        else:
            self.cur.add(line.text, line.number)

    def _flush_blanks(self, layout: bool) -> None:
        """Held blank lines: the last is layout before a day line (K1'), the rest are text."""
        if not self.blanks:
            return
        blanks, self.blanks = self.blanks, []
        keep = blanks[:-1] if layout else blanks
        for blank in keep:
            self._continue(blank) if self.cur.active else self.acct.mark(blank, LineClass.BLANK)
        if layout:
            self.acct.mark(blanks[-1], LineClass.BLANK)

    def close(self) -> None:
        self._flush_blanks(layout=False)
        self._end_message()
