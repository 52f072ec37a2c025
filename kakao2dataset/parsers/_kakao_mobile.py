"""What KakaoTalk's Android and iOS exports share: one line grammar, several date dialects.

Both apps write a record as ``<timestamp>, <name> : <text>`` (Android system lines:
``<timestamp>, <notice>``; iOS system lines: ``<timestamp>: <notice>``), continuation lines
verbatim, and day lines: on Android the bare timestamp of the day's first message, on iOS a
weekday line. A :class:`Dialect` holds the compiled patterns of one variant; :class:`Reader`
streams one file with them.

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

**Speaker / text split** (names and texts may both contain ``" : "``): if the part after the
timestamp holds one ``" : "``, it splits there and the name is learned. With several, the
longest prefix that is a known speaker (the header's partner, ``회원님``/``you``/``You``, names
learned from unambiguous lines, also in the sniffed head) wins; with none known, the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._clock import hour24, month_number
from kakao2dataset.parsers._kakao_kinds import SELF_NAMES, classify_kakao
from kakao2dataset.parsers.base import LineAccounting, LineClass, PendingMessage, Sniff
from kakao2dataset.reading import RawLine

MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
         r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)")
SP = "[ \u00a0\u202f\u2009]"  # iOS may put U+202F / NBSP before AM/PM
EN_TIME = rf", (?P<h>\d{{1,2}}):(?P<mi>\d{{2}}){SP}(?P<ap>AM|PM|am|pm)"
KO_TIME = r" (?P<ap>오전|오후) (?P<h>\d{1,2}):(?P<mi>\d{2})"
WEEKDAYS_KO = "월화수목금토일"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TITLE = re.compile(r"(?:(?P<ko>.+) 님과 카카오톡 대화|KakaoTalk Chats with (?P<en>.+?)"
                   r"(?: \(\d+ people\))?(?:-\d+\.txt)?|.+과 카카오톡 대화|KakaoTalk Chats .*|.+\.txt)")
HEADER_LINE = re.compile(r"(?:저장한 날짜|Date Saved) : .*")
HEADER_ZONE = 8  # title / save stamp lines are only looked for this near the top
PARTIAL = re.compile(rf"\d{{4}}(?:년|\.)|\d{{1,2}} {MONTH}|{MONTH}\.? \d")
SYSTEM_ENDINGS = ("님이 들어왔습니다.", "님이 나갔습니다.", "초대했습니다.", "초대하였습니다.",
                  "방장이 되었습니다.", "joined this chatroom.", "left this chatroom.")
MESSAGE, DAY, CONT = "message", "day", "continuation"


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


def dialect(variant: str, description: str, stamp: str, *, month_names: bool, day: str = "",
            seps: tuple[str, ...] = (", ",), headerless: str | None = None, note: str = ""):
    """Compile one variant's patterns; its header's save stamp has the messages' format."""
    return Dialect(variant, description, re.compile(stamp),
                   re.compile(rf"(?:저장한 날짜|Date Saved) : {stamp}\s*$"),
                   re.compile(day + "$") if day else None, seps, month_names, headerless, note)


def stamp_datetime(match: re.Match, month_names: bool) -> datetime | None:
    """The timestamp of a stamp match, or None when it is no real time (``오후 15:18``)."""
    y, mo, d, h, mi, ap = match.group("y", "mo", "d", "h", "mi", "ap")
    try:
        month = month_number(mo) if month_names else int(mo)
        hour = hour24(int(h), ap) if ap else int(h)
        return datetime(int(y), month, int(d), hour, int(mi))
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


def is_system(body: str, known: set[str]) -> bool:
    """A notice that happens to contain ``" : "`` (an invitee's name) is still a notice."""
    return body.endswith(SYSTEM_ENDINGS) and not any(body.startswith(n + " : ") for n in known)


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
    """A title or save-stamp line (never a record, whatever its text says)."""
    return bool(TITLE.fullmatch(text) or HEADER_LINE.match(text)) and not d.stamp.match(text)


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


# ---------------------------------------------------------------- reading

_CONT = (CONT, None, 0)


class Reader:
    """Streams one file: header lines, then records, day lines and continuation lines, with a
    one-line lookahead (an Android day line is confirmed by the record that repeats it)."""

    def __init__(self, d: Dialect, source: str, sniff: Sniff):
        self.d = d
        self.pending = PendingMessage(source, classify_kakao)
        self.known = set(SELF_NAMES) | set(sniff.options.get("speakers", ()))
        self.lf_inside = bool(sniff.options.get("lf_inside"))
        self.last: datetime | None = None
        self.day: date | None = None
        self.prev_end = "\r\n"
        self._cached: tuple[str, datetime | None] = ("", None)
        self.acct = LineAccounting()

    def parse(self, lines: Iterable[RawLine], acct: LineAccounting) -> Iterator[Message]:
        self.acct = acct
        it = iter(lines)
        cur, blanks = self._skip_header(it), []
        while cur is not None:
            nxt = next(it, None)
            if cur.text == "" and not self._glued():
                blanks.append(cur)
            else:
                decision = self._decide(cur, nxt)
                self._settle(blanks, decision[0])
                blanks = []
                if (done := self._apply(cur, decision)) is not None:
                    yield done
            self.prev_end, cur = cur.end, nxt
        for line in blanks:
            acct.mark(line, LineClass.BLANK)
        if (done := self.pending.finish()) is not None:
            yield done

    def _skip_header(self, it: Iterator[RawLine]) -> RawLine | None:
        for line in it:
            text = line.text.lstrip("\ufeff") if line.number == 1 else line.text
            if text == "":
                self.acct.mark(line, LineClass.BLANK)
            elif line.number <= HEADER_ZONE and is_header(text, self.d):
                self.acct.mark(line, LineClass.HEADER)
            else:
                return line if text == line.text else RawLine(line.number, text, line.end)
        return None

    def _glued(self) -> bool:
        """iOS: after a bare LF in a CRLF file we are inside a multi-line message."""
        return self.lf_inside and self.prev_end == "\n" and self.pending.active

    def _decide(self, cur: RawLine, nxt: RawLine | None) -> tuple[str, object, int]:
        text = cur.text
        first = text[:1]
        if self._glued() or not ("0" <= first <= "9" or "A" <= first <= "Z"):
            return _CONT
        m = self.d.stamp.match(text)
        if m is None:
            return self._weekday_day(text, nxt)
        dt = self._datetime(m)
        end = m.end()
        if dt is None:
            return _CONT
        if end == len(text):
            ok = self.d.day is None and self._android_day_ok(dt, text, nxt)
            return (DAY, dt.date(), 0) if ok else _CONT
        if text.startswith(self.d.seps, end) and self._plausible(dt):
            return MESSAGE, dt, end
        return _CONT

    def _datetime(self, m: re.Match) -> datetime | None:
        key = m.group(0)
        if key != self._cached[0]:
            self._cached = (key, stamp_datetime(m, self.d.month_names))
        return self._cached[1]

    def _plausible(self, dt: datetime) -> bool:
        return (self.last is None or dt >= self.last) and (self.day is None or dt.date() == self.day)

    def _new_day(self, day: date) -> bool:
        return (self.day is None or day > self.day) and (self.last is None or day >= self.last.date())

    def _android_day_ok(self, dt: datetime, text: str, nxt: RawLine | None) -> bool:
        if not self._new_day(dt.date()) or (self.last is not None and dt < self.last):
            return False
        if nxt is None or not self.pending.active:
            return True
        return nxt.text.startswith(text) and nxt.text.startswith(self.d.seps, len(text))

    def _weekday_day(self, text: str, nxt: RawLine | None) -> tuple[str, object, int]:
        w = self.d.day.match(text) if self.d.day is not None else None
        day = day_date(w, self.d.month_names) if w else None
        if day is None or not self._new_day(day):
            return _CONT
        if nxt is None or not self.pending.active:
            return DAY, day, 0
        m = self.d.stamp.match(nxt.text)
        first = stamp_datetime(m, self.d.month_names) if m else None
        return (DAY, day, 0) if first is not None and first.date() == day else _CONT

    def _settle(self, blanks: list[RawLine], kind: str) -> None:
        """Blank lines before a day line: the last separates; all others are message text."""
        for line in blanks:
            if self.pending.active and not (kind == DAY and line is blanks[-1]):
                self.pending.add("", line.number)
                self.acct.mark(line, LineClass.CONTINUATION)
            else:
                self.acct.mark(line, LineClass.BLANK)

    def _apply(self, cur: RawLine, decision: tuple[str, object, int]) -> Message | None:
        kind, value, end = decision
        if kind == MESSAGE:
            return self._record(cur, value, end)  # type: ignore[arg-type]
        if kind == DAY:
            self.day = value  # type: ignore[assignment]
            self.acct.mark(cur, LineClass.DATE)
        elif self.pending.active and not (cur.end == "" and PARTIAL.match(cur.text)):
            self.pending.add(cur.text, cur.number)
            self.acct.mark(cur, LineClass.CONTINUATION)
        else:  # text before any message, or a truncated last line
            self.acct.mark(cur, LineClass.UNPARSED)
        return None

    def _record(self, cur: RawLine, dt: datetime, end: int) -> Message | None:
        text = cur.text
        body = text[end + 2:]
        parts = None
        if text[end] == "," and not is_system(body, self.known):
            parts = split_speaker(body, self.known)
        if parts is None and cur.end == "" and text[end] == "," and not body.endswith(SYSTEM_ENDINGS):
            self.acct.mark(cur, LineClass.UNPARSED)  # a message cut off before " : "
            return None
        self.last = dt
        if parts is None:
            self.acct.mark(cur, LineClass.SYSTEM)
            return self.pending.start(dt, "", body, cur.number, MessageKind.SYSTEM)
        self.acct.mark(cur, LineClass.MESSAGE)
        return self.pending.start(dt, parts[0], parts[1], cur.number)
