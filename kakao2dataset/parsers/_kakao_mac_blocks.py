"""The block-level fast path of the KakaoTalk macOS CSV reader (rules in ``kakao_mac``).

Why: feeding :mod:`csv` line by line through a Python generator, and classifying each row in
Python, costs most of the parse budget. Here one ``findall`` cuts a decoded block into rows,
one per line, and a tight loop reads the row almost every export is made of: one line
``YYYY-MM-DD HH:MM:SS,"user","text"`` with no quote, NUL or line break inside the fields, whose
text does not start with the user's name (events do). Any other line (the header, multi-line
or ``""``-quoted messages, events, bad dates) is handed to the same :mod:`csv` reader as the
line-by-line path, which reads one record from there (pulling as many lines as the record
takes, across blocks too) before the fast loop goes on after it. Between two records the
:mod:`csv` reader keeps no state, so a fast row is read exactly as it would have read it.

Rows of the block pattern (``end`` is the line's terminator)::

    2024-12-09 14:30:12,"김민지","오늘 저녁 뭐 먹지"  → (stamp, user, text, end, "", "", "")
    둘째 줄"                                      → ("", "", "", "", '둘째 줄"', end, "")
    a last line without an end                    → ("", "", "", "", "", "", "a last line …")
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._kakao_kinds import maybe_placeholder
from kakao2dataset.parsers.base import LineClass, cursor_batches
from kakao2dataset.reading import Block, RawLine

TEXT = MessageKind.TEXT
FIELD = r'[^"\r\n\x00]*'
ROWS = re.compile(
    rf'([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}),"({FIELD})","({FIELD})"'
    r"(\r\n|\n|\r)|([^\r\n]*)(\r\n|\n|\r)|([^\r\n]+)"
).findall


def _raw(number: int, row: tuple[str, ...]) -> RawLine:
    stamp, user, text, end, other, oend, unended = row
    if stamp:
        return RawLine(number, f'{stamp},"{user}","{text}"', end)
    return RawLine(number, other, oend) if oend else RawLine(number, unended, "")


class _Cursor:
    """The file's rows, shared by the fast loop (``for row in cursor.rows``) and the csv
    reader (``next(cursor)``: the line's text as the line path feeds it, the line kept in
    ``consumed``). ``pending``: a row the fast loop took and hands to the csv reader."""

    def __init__(self, blocks: Iterable[Block], consumed: deque):
        self.blocks, self.consumed = iter(blocks), consumed
        self.rows: Iterator[tuple[str, ...]] = iter(())
        self.number = 1  # of the next row
        self.pending: tuple[str, ...] | None = None
        self.fast = True  # the current block may take the fast path

    def advance(self) -> bool:
        """Go to the next block; False at the end of the file."""
        block = next(self.blocks, None)
        if block is None:
            return False
        self.rows, self.number = iter(ROWS(block.text)), block.first
        self.fast = len(block.text) <= csv.field_size_limit()  # no field over the limit
        return True

    def __iter__(self) -> _Cursor:
        return self

    def __next__(self) -> str:
        row, self.pending = self.pending, None
        while row is None:
            row = next(self.rows, None)
            if row is None and not self.advance():
                raise StopIteration
        line = _raw(self.number, row)
        self.number += 1
        self.consumed.append(line)
        return line.text + "\n"


class MacBlocks:
    """Reads a K3 file from blocks with the rules of a :class:`KakaoMacParser` (``parser``)."""

    def __init__(self, parser, accounting):
        self.parser, self.acct = parser, accounting
        self.consumed: deque[RawLine] = deque()
        self.cursor = _Cursor((), self.consumed)
        self.reader = csv.reader(self.cursor, strict=True)

    def messages(self, blocks: Iterable[Block]) -> Iterator[Message]:
        self.cursor.blocks = iter(blocks)
        return itertools.chain.from_iterable(self._batches())

    def _batches(self) -> Iterator[list[Message]]:
        return cursor_batches(self.cursor, self._rows)  # a record may run into the next block

    def _rows(self, rows: Iterator[tuple[str, ...]], out: list[Message]) -> None:
        """The loop over a block's rows until it ends or a record read by csv runs past it."""
        cursor, source, kind_of = self.cursor, self.parser.source, self.parser._kind
        append, fromisoformat = out.append, datetime.fromisoformat
        number, messages = cursor.number, 0
        for row in rows if cursor.fast else ():
            stamp, user, text = row[0], row[1], row[2]
            if stamp and not text.startswith(user):
                try:
                    ts = fromisoformat(stamp)
                except ValueError:
                    ts = None
                if ts is not None:  # a message row (what _row does with it)
                    kind = TEXT if maybe_placeholder(text) is None else kind_of(text)
                    append(Message(ts, user, text, kind, source, number, number))
                    messages += 1
                    number += 1
                    continue
            cursor.pending, cursor.number = row, number
            self._record(out)
            number = cursor.number
            if cursor.rows is not rows:
                break
        else:
            cursor.number = number
            if not cursor.fast:
                self._by_csv(rows, out)
        self.acct.counts[LineClass.MESSAGE] += messages

    def _by_csv(self, rows, out: list[Message]) -> None:
        """A block the fast path may not read: record by record with csv."""
        cursor = self.cursor
        while cursor.rows is rows and (row := next(rows, None)) is not None:
            cursor.pending = row
            self._record(out)

    def _record(self, out: list[Message]) -> None:
        """One record by csv and the rules (what ``KakaoMacParser.parse`` does with it)."""
        try:
            row = next(self.reader)
        except StopIteration:
            return
        except csv.Error:  # unbalanced quotes (a truncated file, a hand edit)
            if self.consumed:
                self.parser._mark(self.consumed, self.acct, LineClass.UNPARSED)
            return
        message = self.parser._row(row, self.consumed, self.acct)
        if message is not None:
            out.append(message)
