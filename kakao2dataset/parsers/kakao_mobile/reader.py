"""Streaming one KakaoTalk Android / iOS export with the patterns of its :class:`Dialect`.

The rules that tell records, day lines and continuation lines apart are listed in
:mod:`.grammar`. This module is the hot loop, so it keeps per-line work small: a first
character test before any regex, and a line that starts with the stamp read last (messages of
the same minute) skips the regex and the datetime construction altogether.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers.base import Decision, LineAccounting, LineClass, PendingMessage, Sniff
from kakao2dataset.parsers.kakao_kinds import SELF_NAMES
from kakao2dataset.parsers.kakao_mobile.grammar import (
    HEADER_ZONE,
    PARTIAL,
    SYSTEM_ENDINGS,
    Dialect,
    day_date,
    is_header,
    kakao_kind,
    split_speaker,
    stamp_datetime,
)
from kakao2dataset.reading import RawLine

MESSAGE, DAY, CONT = "message", "day", "continuation"
_CONT = (CONT, None, 0)


class Reader:
    """Streams one file: header lines, then records, day lines and continuation lines, with a
    one-line lookahead (a day line is confirmed by the line after it)."""

    def __init__(self, d: Dialect, source: str, sniff: Sniff):
        self.d = d
        self.pending = PendingMessage(source, kakao_kind)
        self.known = set(SELF_NAMES) | set(sniff.options.get("speakers", ()))
        self.lf_inside = bool(sniff.options.get("lf_inside"))
        self.last: datetime | None = None  # the last record's time
        self.day: date | None = None  # the current day line's date
        self.prev_end = "\r\n"
        self.after_blank = False  # the line being decided follows a blank line
        self._stamp, self._dt, self._date = "\x00", datetime.min, date.min  # the stamp read last
        self.acct = LineAccounting()

    def parse(self, lines: Iterable[RawLine], acct: LineAccounting) -> Iterator[Message]:
        self.acct = acct
        it = iter(lines)
        cur, blanks = self._skip_header(it), []
        pending = self.pending
        decide, record, other = self._decide, self._record, self._other
        while cur is not None:
            nxt = next(it, None)
            text = cur[1]
            if text or self._glued():
                self.after_blank = bool(blanks)
                kind, value, end = decide(cur, nxt)
                if blanks:
                    self._settle(blanks, kind)
                    blanks = []
                if kind is MESSAGE:
                    if (done := record(cur, value, end)) is not None:  # type: ignore[arg-type]
                        yield done
                else:
                    other(cur, kind, value)
            else:
                blanks.append(cur)
            self.prev_end, cur = cur[2], nxt
        for line in blanks:
            acct.mark(line, LineClass.BLANK)
        if (done := pending.finish()) is not None:
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
        if not ("0" <= first <= "9" or "A" <= first <= "Z"):
            return _CONT
        if self.lf_inside and self._glued():
            return _CONT
        end = len(self._stamp)
        if not (text.startswith(self._stamp) and text.startswith(self.d.seps, end)):
            m = self.d.stamp.match(text)
            if m is None:
                return self._weekday_day(text, nxt)
            dt, end = stamp_datetime(m, self.d.month_names), m.end()
            if dt is None:
                return _CONT
            self._stamp, self._dt, self._date = text[:end], dt, dt.date()
            if end == len(text):
                return self._android_day(text, nxt)
        if not text.startswith(self.d.seps, end):
            return _CONT
        last = self.last
        if last is None or self._dt >= last:
            return MESSAGE, self._dt, end
        # The time goes back: a record of a known speaker (or a notice) of the last record's
        # day or of the day line just read; else (another day, or an unknown name) a paste.
        if self._date == last.date() or self._date == self.day:
            body = text[end + 2:]
            if body.endswith(SYSTEM_ENDINGS) or any(body.startswith(n + " : ") for n in self.known):
                return MESSAGE, self._dt, end
        return _CONT

    def _new_day(self, day: date) -> bool:
        return (self.day is None or day > self.day) and (self.last is None or day >= self.last.date())

    def _is_record(self, line: RawLine | None) -> bool:
        """Whether ``line`` starts with a valid stamp and a separator (any date)."""
        m = self.d.stamp.match(line.text) if line is not None else None
        return (m is not None and line.text.startswith(self.d.seps, m.end())  # type: ignore[union-attr]
                and stamp_datetime(m, self.d.month_names) is not None)

    def _android_day(self, text: str, nxt: RawLine | None) -> tuple[str, object, int]:
        """A bare stamp is a day line, whatever its date, if the next line repeats it (as a
        record's prefix, or the same bare line: a repeated day line), or if it follows a blank
        line (the layout before a day line) and a record follows; with no message open, or at
        the end of the file, if its date is new."""
        if self.d.day is not None:
            return _CONT
        if nxt is not None and nxt.text.startswith(text) and (
                len(nxt.text) == len(text) or nxt.text.startswith(self.d.seps, len(text))):
            return DAY, self._date, 0
        if self.after_blank and self._is_record(nxt):
            return DAY, self._date, 0
        if (nxt is None or not self.pending.active) and self._new_day(self._date):
            return DAY, self._date, 0
        return _CONT

    def _weekday_day(self, text: str, nxt: RawLine | None) -> tuple[str, object, int]:
        """An iOS weekday line is a day line if the weekday fits and the next line is a record
        of that date, whatever the date; with no message open, or at the end of the file, if
        the date is new."""
        w = self.d.day.match(text) if self.d.day is not None else None
        day = day_date(w, self.d.month_names) if w else None
        if day is None:
            return _CONT
        m = self.d.stamp.match(nxt.text) if nxt is not None else None
        first = stamp_datetime(m, self.d.month_names) if m else None
        if first is not None and (first.date() == day or (
                self.after_blank and nxt.text.startswith(self.d.seps, m.end()))):  # type: ignore[union-attr]
            return DAY, day, 0  # of its records' date, or after a blank with a record below
        if (nxt is None or not self.pending.active) and self._new_day(day):
            return DAY, day, 0
        return _CONT

    def _settle(self, blanks: list[RawLine], kind: str) -> None:
        """Blank lines before a day line: the last separates; all others are message text."""
        for line in blanks:
            if self.pending.active and not (kind is DAY and line is blanks[-1]):
                self.pending.add("", line.number)
                self.acct.mark(line, LineClass.CONTINUATION)
            else:
                self.acct.mark(line, LineClass.BLANK)

    def _other(self, cur: RawLine, kind: str, value: object) -> None:
        if kind is DAY:
            # the current day: the later of the last day line's and the last record's date
            current = max((d for d in (self.day, self.last and self.last.date()) if d), default=None)
            if self.day is not None and value == self.day:
                self.acct.decide(cur.number, Decision.DAY_REPEATED)
            elif current is not None and value < current:  # type: ignore[operator]
                self.acct.decide(cur.number, Decision.DAY_OUT_OF_ORDER)
            self.day = value  # type: ignore[assignment]
            self.acct.mark(cur, LineClass.DATE)
        elif self.pending.active and not (cur.end == "" and PARTIAL.match(cur.text)):
            self.pending.add(cur.text, cur.number)
            self.acct.mark(cur, LineClass.CONTINUATION)
        else:  # text before any message, or a truncated last line
            self.acct.mark(cur, LineClass.UNPARSED)

    def _record(self, cur: RawLine, dt: datetime, end: int) -> Message | None:
        text = cur.text
        body, comma = text[end + 2:], text[end] == ","
        notice = body.endswith(SYSTEM_ENDINGS)
        at = body.find(" : ")
        if comma and not notice and at >= 0 and body.find(" : ", at + 1) < 0:
            parts: tuple[str, str] | None = (body[:at], body[at + 3:])  # the common case
            self.known.add(parts[0])  # type: ignore[index]
        elif comma and not (notice and not any(body.startswith(n + " : ") for n in self.known)):
            parts = split_speaker(body, self.known)
        else:
            parts = None
        if parts is None and comma and cur.end == "" and not notice:
            self.acct.mark(cur, LineClass.UNPARSED)  # a message cut off before " : "
            return None
        if self.last is not None and dt < self.last:
            self.acct.decide(cur.number, Decision.TIME_BACK)
        day = dt.date()
        if day != self.day and (self.last is None or day != self.last.date()):
            # a date no day line announced (counted once per date change): its own date wins
            missing = self.day is None
            self.acct.decide(cur.number, Decision.NO_DAY_LINE if missing else Decision.DAY_DISAGREES)
        self.last = dt
        if parts is None:
            self.acct.mark(cur, LineClass.SYSTEM)
            return self.pending.start(dt, "", body, cur.number, MessageKind.SYSTEM)
        self.acct.mark(cur, LineClass.MESSAGE)
        return self.pending.start(dt, parts[0], parts[1], cur.number)
