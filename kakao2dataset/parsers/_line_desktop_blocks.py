"""The block-level fast path of the LINE desktop reader (rules in ``line_desktop``).

Why: a Python step per line (a regex match, a name search, a ``datetime``, a record) costs
most of the parse budget. Here one ``findall`` cuts a decoded block into rows, one per line,
and a tight loop with the reader's state in local variables reads the lines almost every
"Save chat" file is made of:

* a record ``HH:MM <name> <text>`` of a valid clock and time moving on (or no message open)
  whose first word is a learned one-word name that no longer name starts with, or an unsend
  notice (the rules' own ``unsent_by`` decides, where the last character could end one);
* a continuation line of an open message that cannot be a record or a day line (it does not
  start with a digit);
* a day line after the current day (the rules' ``day_of``, remembered per text).

Every other line (blank lines and the line after them, names with spaces or not learned,
time going back, the first line, the last line without an end) goes to the unchanged rules
of :class:`_Reader`, with the state written back first and read again after. The names are
learned from the first :data:`LEARN_LINES` lines first, as the rules do.

Rows of the block pattern (``end`` is the line's terminator)::

    14:30 Bob ramen?     → ("14:30", "Bob", "ramen?", end, "", "", "")
    the new place        → ("", "", "", "", "the new place", end, "")
    last line, no end    → ("", "", "", "", "", "", "last line, no end")
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._line_common import (
    UNSENT_LAST,
    MidnightOf,
    line_kind,
    maybe_line_placeholder,
    unsent_by,
)
from kakao2dataset.parsers.base import LineAccounting, LineClass
from kakao2dataset.parsers.line_desktop import LEARN_LINES, _Reader, day_of, learn_names
from kakao2dataset.reading import Block, RawLine, split_lines

TEXT = MessageKind.TEXT
STARTS_WITH_DIGIT = regex.compile(r"\d").match  # records and day lines do (the rules' \d)
_MISSING = object()
DAYS = 8192  # texts of lines starting with a digit → their day_of, kept
DELETED, SYSTEM = MessageKind.DELETED, MessageKind.SYSTEM
MESSAGE_LINE, SYSTEM_LINE, DATE_LINE = LineClass.MESSAGE, LineClass.SYSTEM, LineClass.DATE


def _rows_pattern(ends: str) -> re.Pattern:
    """One row per line; ``ends`` is the block's line ends (as in ``_line_mobile_blocks``).
    The clock has ASCII digits (a subset of the rules': other lines take the rules' path)."""
    end = {"\r\n": r"(\r\n)", "\n": r"(\n)"}.get(ends, r"(\r\n|\n|\r)")
    line = r".*" if ends in ("\r\n", "\n") else r"[^\r\n]*"
    return re.compile(
        rf"([0-9]{{1,2}}:[0-9]{{2}}) (([^ \r\n]*) ?({line})){end}|({line}){end}|([^\r\n]+)")


PATTERNS = {ends: _rows_pattern(ends).findall for ends in ("\r\n", "\n", "mixed")}


def _raw(number: int, row: tuple[str, ...]) -> RawLine:
    clock, rest, _, _, rend, other, oend, unended = row
    if clock:
        return RawLine(number, f"{clock} {rest}", rend)
    return RawLine(number, other, oend) if oend else RawLine(number, unended, "")


def read_blocks(source: str, blocks: Iterable[Block], acct: LineAccounting) -> Iterator[Message]:
    """The messages of a "Save chat" file from its blocks, names learned first as the rules
    do (a block's worth of messages at a time, chained in C)."""
    return itertools.chain.from_iterable(_batches(source, iter(blocks), acct))


def _batches(source: str, blocks: Iterator[Block], acct: LineAccounting) -> Iterator[list[Message]]:
    read: list[Block] = []
    texts: list[str] = []
    for block in blocks:
        read.append(block)
        texts += [line.text for line in split_lines(block.text, block.first)]
        if len(texts) >= LEARN_LINES:
            break
    reader = BlockReader(source, acct, learn_names(texts[:LEARN_LINES]))
    yield from reader.batches(itertools.chain(read, blocks))


class BlockReader(_Reader):
    """:class:`_Reader` reading whole blocks (see the module docstring)."""

    def __init__(self, source: str, acct: LineAccounting, names: list[str]):
        super().__init__(source, acct, names)
        # One-word names no longer name starts with: a record's first word names its speaker.
        self.plain = frozenset(name for name in names if " " not in name
                               and not any(other.startswith(name + " ") for other in names))
        self.deltas: dict[str, timedelta | None] = {}
        self.days: dict[str, date | None] = {}
        self.midnight_of = MidnightOf()

    def batches(self, blocks: Iterable[Block]) -> Iterator[list[Message]]:
        for block in blocks:
            crlf, lf, cr = block.ends
            ends = "\r\n" if not (lf or cr) else "\n" if not (crlf or cr) else "mixed"
            out: list[Message] = []
            self._rows(PATTERNS[ends](block.text), block.first, out)
            yield out
        for line in self.blanks:
            self.acct.mark(line, LineClass.BLANK)
        done = self.pending.finish()
        yield [] if done is None else [done]

    def _rows(self, rows: list[tuple[str, ...]], number: int, out: list[Message]) -> None:
        """The loop over one block's rows. ``head``/``parts``/``last_line`` are the pending
        message's (see PendingMessage); ``held``: blank lines wait for the next line. A line
        read here either continues the open message or ends it: a record or a notice starts
        the next one (``new``), a day line starts none (``new`` False)."""
        pending, plain, deltas, days, append = (self.pending, self.plain, self.deltas, self.days,
                                                out.append)
        source, gate = pending.source, maybe_line_placeholder
        head, parts, last_line, last = pending._head, pending._parts, pending._last_line, self.last
        day, midnight, held = self.day, self.midnight_of(self.day), bool(self.blanks)
        counts = dict.fromkeys((LineClass.MESSAGE, LineClass.SYSTEM, LineClass.DATE), 0)
        more = 0
        for row in rows:
            clock, rest, first, body, rend, other, oend, unended = row
            new = None
            if held:
                pass
            elif clock:
                delta = deltas.get(clock, _MISSING)
                if delta is _MISSING:
                    delta = self._delta(clock)
                ts = None if delta is None or midnight is None else midnight + delta
                if ts is not None and (head is None or ts >= last):  # as _record
                    who = None if rest[-1:] not in UNSENT_LAST else unsent_by(rest)
                    if who is not None:  # an unsend notice (what _unsent does with it)
                        new, body, cls = (ts, who, number, DELETED if who else SYSTEM), rest, SYSTEM_LINE
                    elif first in plain:  # a record of a known speaker
                        new, cls = (ts, first, number, None), MESSAGE_LINE
            elif other:
                if STARTS_WITH_DIGIT(other) is None:  # no record, no day line
                    if head is not None:  # a continuation line (what _line does with it)
                        parts.append(other)
                        last_line = number
                        more += 1
                        number += 1
                        continue
                else:
                    new_day = days.get(other, _MISSING)
                    if new_day is _MISSING:
                        new_day = self._day_of(other)
                    if new_day is not None and (day is None or new_day > day):  # a day line
                        self.day = day = new_day
                        midnight = self.midnight_of(self.day)
                        new, cls = False, DATE_LINE
            if new is None:  # by the rules
                pending._head, pending._parts, pending._last_line = head, parts, last_line
                self.last = last
                self._by_rules(_raw(number, row), out)
                head, parts, last_line = pending._head, pending._parts, pending._last_line
                last, day, midnight, held = self.last, self.day, self.midnight_of(self.day), bool(self.blanks)
                number += 1
                continue
            if head is not None:  # the open message is done
                first_ts, speaker, first_line, kind = head
                text = parts[0] if len(parts) == 1 else "\n".join(parts)
                if kind is None:
                    kind = TEXT if gate(text) is None else line_kind(text)
                append(Message(first_ts, speaker, text, kind, source, first_line, last_line))
                head = None
            if new:
                head, parts, last_line, last = new, [body], number, new[0]
            counts[cls] += 1
            number += 1
        pending._head, pending._parts, pending._last_line = head, parts, last_line
        self.last = last
        self.acct.counts.update(counts)
        self.acct.counts[LineClass.CONTINUATION] += more

    def _by_rules(self, line: RawLine, out: list[Message]) -> None:
        """One line by the rules (what ``run``'s loop does with it)."""
        text = line.text if line.number > 1 else line.text.lstrip("\ufeff")
        if not text:
            self._blank(line)
        elif (done := self._line(line, text)) is not None:
            out.append(done)

    def _delta(self, clock: str) -> timedelta | None:
        """The time of day of a clock text not met yet (None: no valid clock)."""
        hour, minute = map(int, clock.split(":"))
        delta = timedelta(hours=hour, minutes=minute) if hour <= 23 and minute <= 59 else None
        self.deltas[clock] = delta  # at most 10,000 clock texts
        return delta

    def _day_of(self, text: str) -> date | None:
        """``day_of`` of a line starting with a digit, remembered (a chat has a few thousand
        day lines)."""
        day = day_of(text)
        if len(self.days) < DAYS:
            self.days[text] = day
        return day
