"""What KakaoTalk's Android and iOS exports share: one line grammar, several date dialects.

Both apps write a record as ``<timestamp>, <name> : <text>`` (Android system lines:
``<timestamp>, <notice>``; iOS system lines: ``<timestamp>: <notice>``), continuation lines
verbatim, and day lines: on Android the bare timestamp of the day's first message, on iOS a
weekday line. A :class:`Dialect` holds the compiled patterns of one variant;
:class:`.reader.Reader` streams one file with them.

**Look-alike lines** (a pasted chat inside a message) are decided by several signals, never one:

* iOS marks lines inside a multi-line message with a bare LF in a CRLF file: a line after a
  bare LF continues the message, whatever it looks like (only when the head is CRLF-dominant).
* A record must have a valid timestamp (``오후 15:18`` is not one), not earlier than the previous
  record's, and on the date of the current day line (every date change is announced by one).
* A day line must carry a later date than the current day and be confirmed by the next line:
  on Android that line repeats it as its prefix; on iOS its weekday must fit the date and the
  next line is a record of that date. (With no message open, a plausible day line is one.)
* Blank lines before a day line: the last one is the separator, earlier ones belong to the
  message. Blank lines before a record or a text line belong to the message; at the end of the
  file they are blank lines.

Undecidable without the bare-LF signal, and read as a new message: a pasted line in this file's
own stamp format dated *later* the same day (real pastes quote earlier text, so this is rare),
and a pasted later day line followed by its repeated record (Android).

**Speaker / text split** (names and texts may both contain ``" : "``): if the part after the
timestamp holds one ``" : "``, it splits there and the name is learned. With several, the
longest prefix that is a known speaker (the header's partner, ``회원님``/``you``/``You``, names
learned from unambiguous lines, also in the sniffed head) wins; with none known, the first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import regex

from kakao2dataset.model import MessageKind
from kakao2dataset.parsers.base import Sniff
from kakao2dataset.parsers.clock import PM_WORDS, month_number
from kakao2dataset.parsers.kakao_kinds import EXACT, PATTERNS, PREFIXES
from kakao2dataset.reading import RawLine

MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
         r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)")
SP = "[ \u00a0\u202f\u2009]"  # iOS may put U+202F / NBSP before AM/PM
EN_TIME = rf", (?P<h>\d{{1,2}}):(?P<mi>\d{{2}}){SP}(?P<ap>AM|PM|am|pm)"
KO_TIME = r" (?P<ap>오전|오후) (?P<h>\d{1,2}):(?P<mi>\d{2})"
PM = frozenset(PM_WORDS)  # 오후 / PM / pm: 12-hour clocks as in clock.hour24, inlined for speed
WEEKDAYS_KO = "월화수목금토일"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TITLE = re.compile(r"(?:(?P<ko>.+) 님과 카카오톡 대화|KakaoTalk Chats with (?P<en>.+?)"
                   r"(?: \(\d+ people\))?(?:-\d+\.txt)?|.+과 카카오톡 대화|KakaoTalk Chats .*|.+\.txt)")
HEADER_LINE = re.compile(r"(?:저장한 날짜|Date Saved) : .*")
HEADER_ZONE = 8  # title / save stamp lines are only looked for this near the top
PARTIAL = re.compile(rf"\d{{4}}(?:년|\.)|\d{{1,2}} {MONTH}|{MONTH}\.? \d")
SYSTEM_ENDINGS = ("님이 들어왔습니다.", "님이 나갔습니다.", "초대했습니다.", "초대하였습니다.",
                  "방장이 되었습니다.", "joined this chatroom.", "left this chatroom.")


@dataclass(frozen=True)
class Dialect:
    """One variant's patterns. ``stamp`` has the groups y, mo (digits or month name), d, h, mi
    and ap (meridiem, may be absent); ``day`` (iOS) adds wd, the weekday. ``day is None`` means
    Android day lines: the bare stamp. ``seps`` are what may follow a record's stamp."""

    variant: str
    description: str
    stamp: re.Pattern
    saved: re.Pattern
    day: re.Pattern | None
    seps: tuple[str, ...]
    month_names: bool
    headerless_variant: str | None = None
    note: str = ""


EN_DATE = rf"(?P<mo>{MONTH}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}})"
# The record stamp of every mobile dialect, as data (Android: K4, K5, K5'; iOS: K6, K7, K7').
STAMPS = {
    "K4": rf"(?P<y>\d{{4}})년 (?P<mo>\d{{1,2}})월 (?P<d>\d{{1,2}})일{KO_TIME}",
    "K5": rf"(?P<mo>{MONTH}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}}){EN_TIME}",
    "K5'": rf"(?P<d>\d{{1,2}}) (?P<mo>{MONTH}) (?P<y>\d{{4}}){EN_TIME}",
    "K6": (r"(?P<y>\d{4})\. (?P<mo>\d{1,2})\. (?P<d>\d{1,2})\. "
           r"(?:(?P<ap>오전|오후) )?(?P<h>\d{1,2}):(?P<mi>\d{2})"),
    "K7": EN_DATE + EN_TIME,
    "K7'": rf"{EN_DATE} at (?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?:{SP}(?P<ap>AM|PM|am|pm))?",
}
# A line that starts with any dialect's stamp is never a header, whichever dialect is sniffing
# (a headerless iOS file whose first message quotes an Android title,
# ``2023. 12. 31. 오후 11:50, 회원님 : 김민지 님과 카카오톡 대화``).
ALL_STAMPS = tuple(re.compile(stamp) for stamp in STAMPS.values())


def dialect(variant: str, description: str, stamp: str, *, month_names: bool, day: str = "",
            seps: tuple[str, ...] = (", ",), headerless: str | None = None, note: str = ""):
    """Compile one variant's patterns; its header's save stamp has the messages' format."""
    compiled = re.compile(stamp)
    return Dialect(variant, description, compiled,
                   re.compile(rf"(?:저장한 날짜|Date Saved) : {stamp}\s*$"),
                   re.compile(day + "$") if day else None, seps, month_names, headerless, note)


def stamp_datetime(match: re.Match, month_names: bool) -> datetime | None:
    """The timestamp of a stamp match, or None when it is no real time (``오후 15:18``)."""
    y, mo, d, h, mi, ap = match.group("y", "mo", "d", "h", "mi", "ap")
    hour = int(h)
    if ap is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ap in PM else 0)
    try:
        return datetime(int(y), month_number(mo) if month_names else int(mo), int(d), hour, int(mi))
    except (ValueError, KeyError):
        return None


def day_date(match: re.Match, month_names: bool) -> date | None:
    """The date of a weekday day line, or None when the weekday does not fit the date."""
    y, mo, d, wd = match.group("y", "mo", "d", "wd")
    try:
        day = date(int(y), month_number(mo) if month_names else int(mo), int(d))
    except (ValueError, KeyError):
        return None
    weekday = WEEKDAYS_KO.find(wd) if len(wd) == 1 else WEEKDAYS_EN.index(wd)
    return day if day.weekday() == weekday else None


def split_speaker(body: str, known: set[str]) -> tuple[str, str] | None:
    """``"name : text"`` → (name, text) by the rule in the module docstring; None when the
    body has no separator (a system notice).

    >>> split_speaker("김민지 : 회의 : 2시", {"김민지"})
    ('김민지', '회의 : 2시')
    >>> split_speaker("A : B : hi", {"A : B"})
    ('A : B', 'hi')
    """
    first = body.find(" : ")
    if first < 0:
        return (body[:-2], "") if body.endswith(" :") else None
    if body.find(" : ", first + 1) < 0:
        known.add(body[:first])
        return body[:first], body[first + 3:]
    best, at = first, first
    while at >= 0:
        if body[:at] in known:
            best = at
        at = body.find(" : ", at + 1)
    return body[:best], body[best + 3:]


def _pattern_classifier():
    """The Kakao placeholder table as one exact-text dict, a prefix tuple and one alternation:
    the same answers as :data:`classify_kakao` (exact, then prefixes, then patterns, in
    order) with one regex call per message instead of one per pattern."""
    exact = dict(EXACT)
    prefixes = tuple(PREFIXES)
    combined = regex.compile("|".join(f"(?P<k{i}>{p.pattern})" for i, (p, _) in
                                      enumerate(PATTERNS)))

    def classify(text: str) -> MessageKind:
        stripped = text.strip()
        kind = exact.get(stripped)
        if kind is not None:
            return kind
        if stripped.startswith(prefixes):
            return next(k for p, k in PREFIXES.items() if stripped.startswith(p))
        m = combined.fullmatch(stripped)
        return PATTERNS[int(m.lastgroup[1:])][1] if m else MessageKind.TEXT

    # Chats repeat short texts (ㅋㅋ, 사진, ok) all the time: remember the recent answers.
    return functools.lru_cache(maxsize=4096)(classify)


kakao_kind = _pattern_classifier()


# ---------------------------------------------------------------- sniffing


@dataclass
class _Evidence:
    dialect: Dialect
    saved: bool = False
    title: bool = False
    records: int = 0
    days: int = 0
    month_fit: int = 0  # records whose month spelling fits the dialect (full vs abbreviated)
    first: bool = False  # the first line after the header is this dialect's record or day line

    @property
    def score(self) -> float:
        """The first body line weighs most: any other dialect would have to leave it unread."""
        if not (self.saved or self.records >= 2 or (self.records and self.days)):
            return 0.0
        return min(0.99, 0.4 + 0.2 * self.saved + 0.05 * self.title + 0.3 * self.first
                   + 0.1 * bool(self.days) + 0.01 * min(self.records, 10)
                   + 0.03 * (self.month_fit * 2 > self.records))


def is_header(text: str, d: Dialect) -> bool:
    """A title or save-stamp line (never a record of any mobile dialect, whatever its text
    says)."""
    return (bool(TITLE.fullmatch(text) or HEADER_LINE.match(text)) and not d.stamp.match(text)
            and not any(stamp.match(text) for stamp in ALL_STAMPS))


def _header_zone(texts: Sequence[str], d: Dialect) -> Sequence[str]:
    """The leading title / save-stamp / blank lines: a header is only looked for there."""
    for i, text in enumerate(texts[:HEADER_ZONE]):
        if text and not is_header(text, d):
            return texts[:i]
    return texts[:HEADER_ZONE]


def _evidence(d: Dialect, texts: Sequence[str], title: re.Pattern, abbr: bool | None):
    zone = _header_zone(texts, d)
    ev = _Evidence(d, saved=any(d.saved.match(t) for t in zone),
                   title=any(title.fullmatch(t) for t in zone))
    for i, text in enumerate(texts):
        before = ev.records + ev.days
        m = d.stamp.match(text)
        if m is None:
            ev.days += bool(d.day and (w := d.day.match(text)) and day_date(w, d.month_names))
        elif m.end() == len(text):
            ev.days += d.day is None
        elif text.startswith(d.seps, m.end()) and stamp_datetime(m, d.month_names):
            ev.records += 1
            ev.month_fit += d.month_names and abbr is not None and _abbreviated(m.group("mo")) is abbr
        ev.first |= i == len(zone) and ev.records + ev.days > before
    return ev


def _abbreviated(month: str) -> bool | None:
    """``Jul`` → True, ``July`` → False, ``May`` → None (both spellings)."""
    return None if month == "May" else len(month) == 3 or month == "Sept"


def _learned_speakers(d: Dialect, texts: Sequence[str]) -> set[str]:
    names = {n for t in _header_zone(texts, d) if (m := TITLE.fullmatch(t)) for n in m.group("ko", "en")
             if n}
    for text in texts:
        m = d.stamp.match(text)
        if m and text.startswith(", ", m.end()):
            split_speaker(text[m.end() + 2:], names)
    return names


def sniff_mobile(parser: str, head: Sequence[RawLine], dialects: Sequence[Dialect],
                 title: re.Pattern, abbr: bool | None = None, lf_signal: bool = False):
    """Claim a file for the best-fitting dialect: a save stamp in that dialect's format, or at
    least two of its record lines (or one and a day line). Scores rank the header, day lines and
    month spelling, so Android and iOS (and other families) do not claim each other's files."""
    texts = [line.text.lstrip("\ufeff") if i == 0 else line.text for i, line in enumerate(head)]
    best = max((_evidence(d, texts, title, abbr) for d in dialects), key=lambda e: e.score)
    if not best.score:
        return None
    d, notes = best.dialect, [best.dialect.description]
    variant = d.variant
    if not (best.saved or best.title):
        variant = d.headerless_variant or d.variant
        notes.append("no header found: the file starts with messages")
    crlf = sum(line.end == "\r\n" for line in head)
    lf_inside = lf_signal and crlf > sum(line.end == "\n" for line in head)
    if lf_inside:
        notes.append("CRLF file: a line after a bare LF continues the message")
    notes += [d.note] if d.note else []
    options = {"dialect": d.variant, "speakers": tuple(sorted(_learned_speakers(d, texts))),
               "lf_inside": lf_inside}
    return Sniff(parser=parser, variant=variant, score=best.score, notes=tuple(notes),
                 options=options)
