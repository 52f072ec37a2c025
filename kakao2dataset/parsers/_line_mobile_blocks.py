"""The block-level fast path of the LINE mobile reader (rules in ``line_mobile``).

Why: a Python step per line (a regex match, a clock, a ``datetime``, a record) costs most of
the parse budget. Here one ``findall`` cuts a decoded block into rows, one per line, and a
tight loop with the reader's state in local variables reads the lines almost every export is
made of:

* a record ``<time><TAB><sender><TAB><text>`` of a valid clock, a non-empty sender and time
  moving on (or no message open), whose text does not open a quote;
* a quoted multi-line text that closes within the block, where no line under the bare-LF
  guard is a plausible record or a later day line (the rules' own check decides that);
* a plain continuation line (it cannot start a clock or a day line) of an open message;
* a blank line (always just blank for the rules).

Every other line (the header, day and system lines, time going back, a quote that is raw text
or runs past the block, look-alikes, the last line without an end) goes to the unchanged rules
of :class:`_Reader`, with the state written back first and read again after. The rules' quote
look-ahead reads on from the same rows (across blocks too) through a :class:`_Cursor`; lines
it takes back are read again by the rules before the fast loop goes on.

Rows of the block pattern (``end`` is the line's terminator)::

    14:30<TAB>佐藤<TAB>今日どうする？  → ("14:30", "佐藤", "今日どうする？", end, "", "", "")
    駅前の新しいところ"               → ("", "", "", "", '駅前の新しいところ"', end, "")
    a last line without an end        → ("", "", "", "", "", "", "a last line …")
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._line_common import (
    BAD,
    CLOSE,
    OPEN,
    TIME,
    Lookahead,
    MidnightOf,
    clock,
    line_kind,
    maybe_line_placeholder,
    scan_quotes,
)
from kakao2dataset.parsers.base import LineClass, cursor_batches
from kakao2dataset.parsers.line_mobile import MAX_QUOTED, RECORD, _Reader
from kakao2dataset.reading import Block, RawLine

TEXT = MessageKind.TEXT
DELTAS = 4096  # clock texts → time of day, kept (a chat has at most a few thousand)
_MISSING = object()
# A superset of the lines the rules may read as a record or a day line (same ``\d`` as theirs).
MAYBE_DATED = regex.compile(rf"[\dA-Z]|{TIME}").match


def _rows_pattern(ends: str) -> re.Pattern:
    """One row per line; ``ends`` is the block's line ends. With a single kind of end, ``.``
    (fast) cannot swallow one; with several, lines are ``[^\\r\\n]*``. The clock is the rules'
    with ASCII digits (a subset: other lines take the rules' path)."""
    end = {"\r\n": r"(\r\n)", "\n": r"(\n)"}.get(ends, r"(\r\n|\n|\r)")
    line = r".*" if ends in ("\r\n", "\n") else r"[^\r\n]*"
    stamp = re.sub(r"\(\?P<\w+>", "(?:", TIME).replace(r"\d", "[0-9]")
    return re.compile(rf"({stamp})\t([^\t\r\n]+)\t({line}){end}|({line}){end}|([^\r\n]+)")


PATTERNS = {ends: _rows_pattern(ends).findall for ends in ("\r\n", "\n", "mixed")}


def _raw(number: int, row: tuple[str, ...]) -> RawLine:
    stamp, sender, body, rend, other, oend, unended = row
    if stamp:
        return RawLine(number, f"{stamp}\t{sender}\t{body}", rend)
    return RawLine(number, other, oend) if oend else RawLine(number, unended, "")


class _Cursor:
    """The file's rows, shared by the fast loop (``for row in cursor.rows``) and the rules'
    look-ahead (``next(cursor)``: the next line as a RawLine, from the next block if need
    be). ``number`` is the number of the next row of ``rows``."""

    def __init__(self, blocks: Iterable[Block]):
        self.blocks = iter(blocks)
        self.rows: Iterator[tuple[str, ...]] = iter(())
        self.number = 1

    def advance(self) -> bool:
        """Go to the next block; False at the end of the file."""
        block = next(self.blocks, None)
        if block is None:
            return False
        crlf, lf, cr = block.ends
        ends = "\r\n" if not (lf or cr) else "\n" if not (crlf or cr) else "mixed"
        self.rows, self.number = iter(PATTERNS[ends](block.text)), block.first
        return True

    def __iter__(self) -> _Cursor:
        return self

    def __next__(self) -> RawLine:
        row = next(self.rows, None)
        while row is None:
            if not self.advance():
                raise StopIteration
            row = next(self.rows, None)
        self.number += 1
        return _raw(self.number - 1, row)


class BlockReader(_Reader):
    """:class:`_Reader` reading whole blocks (see the module docstring)."""

    def parse_blocks(self, blocks: Iterable[Block]) -> Iterator[Message]:
        """The messages, a block's worth at a time chained in C."""
        self.cursor = _Cursor(blocks)
        self.look = Lookahead(self.cursor)
        self.deltas: dict[str, timedelta | None] = {}
        self.midnight_of = MidnightOf()
        return itertools.chain.from_iterable(self._batches())

    def _batches(self) -> Iterator[list[Message]]:
        yield from cursor_batches(self.cursor, self._rows)  # the quote look-ahead reads on
        done = self.pending.finish()
        yield [] if done is None else [done]

    def _rows(self, rows: Iterator[tuple[str, ...]], out: list[Message]) -> None:
        """The loop over a block's rows until they end or the rules read past them.
        ``head``/``parts``/``last_line`` are the pending message's (see PendingMessage)."""
        pending, cursor, append, deltas = self.pending, self.cursor, out.append, self.deltas
        source, gate = pending.source, maybe_line_placeholder
        head, parts, last_line, last = pending._head, pending._parts, pending._last_line, self.last
        midnight, number = self.midnight_of(self.day), cursor.number
        records = more = blanks = 0
        for row in rows:
            stamp, sender, body, rend, other, oend, unended = row
            if stamp:
                delta = deltas.get(stamp, _MISSING)
                if delta is _MISSING:
                    delta = self._delta(stamp)
                ts = None if delta is None or midnight is None else midnight + delta
                if ts is not None and (head is None or ts >= last):
                    quoted: list[str] | None = []
                    if body[:1] == '"' and scan_quotes(body[1:]) == OPEN:
                        quoted = self._closed_quote(rows, number, ts, self.crlf and rend == "\n")
                    if quoted is not None:
                        # A record (what _record does with it): the open message is done.
                        if head is not None:
                            first_ts, speaker, first, kind = head
                            text = parts[0] if len(parts) == 1 else "\n".join(parts)
                            if kind is None:
                                kind = TEXT if gate(text) is None else line_kind(text)
                            append(Message(first_ts, speaker, text, kind, source, first, last_line))
                        last = ts
                        records += 1
                        if quoted:  # a quoted text, done at once (what _accept does)
                            text = "\n".join([body, *quoted])[1:-1].replace('""', '"')
                            append(Message(ts, sender, text, line_kind(text), source, number,
                                           number + len(quoted)))
                            head = None
                            more += len(quoted)
                            number += 1 + len(quoted)
                        else:
                            head, parts, last_line = (ts, sender, number, None), [body], number
                            number += 1
                        continue
            elif oend:
                if not other:
                    blanks += 1
                    number += 1
                    continue
                if head is not None and MAYBE_DATED(other) is None:
                    # A continuation line (what _line does with it)
                    parts.append(other)
                    last_line = number
                    more += 1
                    number += 1
                    continue
            pending._head, pending._parts, pending._last_line = head, parts, last_line
            self.last = last
            cursor.number = number + 1 + self.look.backlog  # after the lines taken back
            self._by_rules(_raw(number, row), out)
            head, parts, last_line, last = pending._head, pending._parts, pending._last_line, self.last
            midnight, number = self.midnight_of(self.day), cursor.number
            if cursor.rows is not rows:
                break
        else:
            cursor.number = number
        pending._head, pending._parts, pending._last_line = head, parts, last_line
        self.last = last
        counts = self.acct.counts
        counts[LineClass.MESSAGE] += records
        counts[LineClass.CONTINUATION] += more
        counts[LineClass.BLANK] += blanks

    def _by_rules(self, line: RawLine, out: list[Message]) -> None:
        """One line by the rules, then the lines their look-ahead took back (as ``run``)."""
        look = self.look
        out.extend(self._line(line, look))
        while look.backlog:
            out.extend(self._line(next(look), look))

    def _closed_quote(self, rows: Iterator[tuple[str, ...]], number: int, ts: datetime,
                      after_lf: bool) -> list[str] | None:
        """The lines after quote opener ``number`` (at ``ts``) up to its closing line, when the
        rules' ``_quoted`` would accept them all; else None, with the lines taken back for the
        rules to decide."""
        self.last = ts  # as _record sets it before its look-ahead
        crlf, texts, taken = self.crlf, [], []
        for row in rows:
            taken.append(row)
            stamp, sender, body, rend, text, end, _ = row
            if stamp:
                text, end = f"{stamp}\t{sender}\t{body}", rend
            if not end or len(taken) >= MAX_QUOTED:  # the last line, or too long: the rules
                break
            texts.append(text)
            if not after_lf and MAYBE_DATED(text) is not None and self._ends_false_opening(text):
                break
            if '"' in text:
                state = scan_quotes(text)
                if state == CLOSE:
                    return texts
                if state == BAD:
                    break
            after_lf = crlf and end == "\n"
        self.look.push([_raw(n, row) for n, row in enumerate(taken, number + 1)])
        return None

    def _delta(self, stamp: str) -> timedelta | None:
        """The time of day of a clock text not met yet (None: no valid clock)."""
        m = RECORD.match(stamp + "\t")
        hm = clock(m) if m is not None and m.end() == len(stamp) + 1 else None
        delta = None if hm is None else timedelta(hours=hm[0], minutes=hm[1])
        if len(self.deltas) < DELTAS:
            self.deltas[stamp] = delta
        return delta
