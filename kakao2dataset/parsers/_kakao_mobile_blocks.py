"""The block-level fast path of the KakaoTalk Android / iOS reader (rules in ``_kakao_mobile``).

Why: a Python step per line (regex, lookups, a record) costs most of the parse budget. Here
one ``findall`` cuts a decoded block into rows, one per line, and a tight loop with the
reader's state in local variables reads the lines almost every export is made of: a record
``<stamp>, <name> : <text>`` of the current day, not earlier than the record before it, with
one ``" : "`` and no notice ending; and a continuation line (not starting like a stamp, or
after a bare LF on iOS). Every other line (day lines, system lines, blank lines, look-alikes,
several ``" : "``, the last line without an end) goes to the unchanged rules of
:class:`Reader`, with the state handed over and read back. The rules look one line ahead (a
day line is confirmed by the next line), so a line for the rules is *held* until the next row
is known.

Rows of the block pattern (``end`` is the line's terminator)::

    2024년 12월 9일 오후 2:30, 김민지 : 텍스트  → (stamp, "김민지 : 텍스트", end, "", "", "")
    둘째 줄                                   → ("", "", "", "둘째 줄", end, "")
    a last line without an end                → ("", "", "", "", "", "a last line …")
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._kakao_kinds import maybe_placeholder
from kakao2dataset.parsers._kakao_mobile import SYSTEM_ENDINGS, kakao_kind, stamp_datetime
from kakao2dataset.parsers._kakao_mobile_reader import MESSAGE, Reader
from kakao2dataset.parsers.base import LineAccounting, LineClass
from kakao2dataset.reading import Block, RawLine, split_lines

TEXT = MessageKind.TEXT
STAMP_CACHE = 4096  # stamps of the current day → their time (emptied when full)


def _rows_pattern(stamp: str, ends: str) -> re.Pattern:
    """One row per line; ``ends`` is the block's line ends. With a single kind of end, ``.``
    (fast) cannot swallow one; with several, lines are ``[^\\r\\n]*``."""
    end = {"\r\n": r"(\r\n)", "\n": r"(\n)"}.get(ends, r"(\r\n|\n|\r)")
    line = r".*" if ends in ("\r\n", "\n") else r"[^\r\n]*"
    stamp = re.sub(r"\(\?P<\w+>", "(?:", stamp)  # the stamp as one group
    return re.compile(rf"({stamp}), ({line}){end}|({line}){end}|([^\r\n]+)")


class BlockReader(Reader):
    """:class:`Reader` reading whole blocks (see the module docstring)."""

    def parse_blocks(self, blocks: Iterable[Block], acct: LineAccounting) -> Iterator[Message]:
        """The messages, a block's worth at a time chained in C."""
        self.acct = acct
        self.blanks: list[RawLine] = []
        self.out: list[Message] = []
        self.stamps: dict[str, datetime] = {}
        self.stamps_day = self.day
        self.date_key: str | None = None  # see _stamp_time
        self.midnight = datetime.min
        self.deltas: dict[str, timedelta] = {}
        self.rows = {ends: _rows_pattern(self.d.stamp.pattern, ends).findall
                     for ends in ("\r\n", "\n", "mixed")}
        return itertools.chain.from_iterable(self._batches(blocks))

    def _batches(self, blocks: Iterable[Block]) -> Iterator[list[Message]]:
        held: RawLine | None = None  # a line for the rules, waiting for the next line
        blocks = iter(blocks)
        for block in blocks:  # the header and the first lines: by the rules
            lines = iter(split_lines(block.text, block.first))
            held = self._skip_header(lines)
            if held is not None:
                for line in lines:
                    self._step(held, line)
                    held = line
                break
        for block in blocks:
            crlf, lf, cr = block.ends
            ends = "\r\n" if not (lf or cr) else "\n" if not (crlf or cr) else "mixed"
            held = self._rows(self.rows[ends](block.text), block.first, held)
            yield self.out
            self.out = []
        if held is not None:
            self._step(held, None)
        for line in self.blanks:
            self.acct.mark(line, LineClass.BLANK)
        if (done := self.pending.finish()) is not None:
            self.out.append(done)
        yield self.out

    def _step(self, cur: RawLine, nxt: RawLine | None) -> None:
        """One line by the rules (what ``parse``'s loop does with it)."""
        if cur[1] or self._glued():
            kind, value, end = self._decide(cur, nxt)
            if self.blanks:
                self._settle(self.blanks, kind)
                self.blanks = []
            if kind is MESSAGE:
                if (done := self._record(cur, value, end)) is not None:  # type: ignore[arg-type]
                    self.out.append(done)
            else:
                self._other(cur, kind, value)
        else:
            self.blanks.append(cur)
        self.prev_end = cur[2]

    def _rows(self, rows: list[tuple[str, ...]], number: int, held: RawLine | None):
        """The loop over one block's rows; returns the line still held for the rules.
        ``head``/``parts``/``last_line`` are the pending message's (see PendingMessage)."""
        pending, known, append = self.pending, self.known, self.out.append
        source, stamps, lf_inside = pending.source, self._day_stamps(), self.lf_inside
        head, parts, last_line = pending._head, pending._parts, pending._last_line
        last, prev_end, blanks = self.last, self.prev_end, bool(self.blanks)
        records = more = 0
        for stamp, rest, rend, other, oend, unended in rows:
            if held is not None:  # the rules' line needs this one as its next line
                self._save(head, parts, last_line, last, prev_end)
                self._step(held, self._line(number, stamp, rest, rend, other, oend, unended))
                head, parts, last_line = pending._head, pending._parts, pending._last_line
                last, prev_end, blanks = self.last, self.prev_end, bool(self.blanks)
                stamps = self._day_stamps()
                held = None
            if stamp:
                dt = stamps.get(stamp)
                if dt is None:
                    dt = self._stamp_time(stamp)
                at = rest.find(" : ")
                if (dt is not None and not blanks and (last is None or dt >= last) and at >= 0
                        and not (lf_inside and prev_end == "\n" and head is not None)
                        and rest.find(" : ", at + 1) < 0 and not rest.endswith(SYSTEM_ENDINGS)):
                    # A record of today, in time order, one " : ": a message (as _record).
                    if head is not None:
                        ts, speaker, first, kind = head
                        text = parts[0] if len(parts) == 1 else "\n".join(parts)
                        if kind is None:
                            kind = TEXT if maybe_placeholder(text) is None else kakao_kind(text)
                        append(Message(ts, speaker, text, kind, source, first, last_line))
                    name = rest[:at]
                    known.add(name)
                    head, parts, last_line = (dt, name, number, None), [rest[at + 3:]], number
                    last, prev_end = dt, rend
                    records += 1
                    number += 1
                    continue
            elif (oend and head is not None and not blanks
                  and ((lf_inside and prev_end == "\n")
                       or (other and not ("0" <= other[0] <= "9" or "A" <= other[0] <= "Z")))):
                # A continuation line (what _decide → _other do with it)
                parts.append(other)
                last_line, prev_end = number, oend
                more += 1
                number += 1
                continue
            held = self._line(number, stamp, rest, rend, other, oend, unended)
            number += 1
        self._save(head, parts, last_line, last, prev_end)
        self.acct.counts[LineClass.MESSAGE] += records
        self.acct.counts[LineClass.CONTINUATION] += more
        return held

    @staticmethod
    def _line(number, stamp, rest, rend, other, oend, unended) -> RawLine:
        if stamp:
            return RawLine(number, f"{stamp}, {rest}", rend)
        return RawLine(number, other, oend) if oend else RawLine(number, unended, "")

    def _save(self, head, parts, last_line, last, prev_end) -> None:
        pending = self.pending
        pending._head, pending._parts, pending._last_line = head, parts, last_line
        self.last, self.prev_end = last, prev_end

    def _day_stamps(self) -> dict[str, datetime]:
        if self.stamps_day != self.day:  # a new day line: other stamps are today's
            self.stamps = {}
            self.stamps_day = self.day
        return self.stamps

    def _stamp_time(self, stamp: str) -> datetime | None:
        """The time of a stamp not in the cache; None (the rules decide) when it is no real
        time or not of the current day. A stamp is a date part, then a time part (from the
        meridiem or hour on); most stamps repeat the date part of the one before, so only the
        time part is looked up (one of at most a few thousand)."""
        key = self.date_key
        if key is not None and stamp.startswith(key):
            delta = self.deltas.get(stamp[len(key):])
            dt = None if delta is None else self.midnight + delta
        else:
            dt = None
        if dt is None:
            dt = self._parse_stamp(stamp)
        if dt is None or (self.day is not None and dt.date() != self.day):
            return None
        if len(self.stamps) >= STAMP_CACHE:
            self.stamps.clear()
        self.stamps[stamp] = dt
        return dt

    def _parse_stamp(self, stamp: str) -> datetime | None:
        """A stamp by the dialect's pattern (the authority); remembers its date and time parts."""
        match = self.d.stamp.fullmatch(stamp)
        dt = stamp_datetime(match, self.d.month_names) if match else None
        if dt is not None:
            cut = min(at for at in (match.start("ap"), match.start("h")) if at >= 0)
            midnight = datetime(dt.year, dt.month, dt.day)
            if stamp[:cut] != self.date_key:
                self.date_key, self.midnight = stamp[:cut], midnight
            if len(self.deltas) < STAMP_CACHE:
                self.deltas[stamp[cut:]] = dt - midnight
        return dt
