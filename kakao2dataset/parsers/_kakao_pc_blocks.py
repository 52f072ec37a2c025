"""The block-level fast path of the KakaoTalk PC reader (rules in ``kakao_pc``).

Why: a Python step per line that matches, looks up and builds a record already costs most of
the parse budget. Here one ``findall`` cuts a whole decoded block into rows, one per line, and
a tight loop with the reader's state in local variables reads the two lines that make up
almost every export: an ordinary message line (a known speaker, time moving on) and a plain
continuation line. Every other line (day and system lines, blank lines, a third name, time
going back, look-alikes, brackets in names, a clock of a new day without a day line, the last
line without an end, blocks with mixed line ends) goes to the line-by-line rules of
:class:`_PcReader` unchanged, with the state written back first and read again after.

Rows of the block pattern, one per line (``nl`` is the block's only line end)::

    [김민지] [오후 2:31] 국밥?   → ("김민지", "오후 2:31", " ", "국밥?", "", "")
    둘째 줄                     → ("", "", "", "", "둘째 줄", "")
    last line without an end    → ("", "", "", "", "", "last line without an end")

The message alternative accepts a subset of what the line rules call a message line (no
``]`` in the name, so its first ``] [`` ends it: the same name the rules' shortest match
finds); any other line starting with ``[`` takes the rules' path.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import timedelta

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._kakao_kinds import maybe_placeholder
from kakao2dataset.parsers._kakao_pc_grammar import LANGS, _clock
from kakao2dataset.parsers._kakao_pc_reader import _MISSING, _PcReader
from kakao2dataset.parsers.base import LineClass
from kakao2dataset.reading import Block, RawLine, split_lines

TEXT = MessageKind.TEXT


def _rows_pattern(clock: str, nl: str) -> re.Pattern:
    end = re.escape(nl)
    return re.compile(rf"\[([^\]\n]+)\] \[({clock})\](?:( )|(?={end}))(.*){end}|(.*){end}|(.+)")


class _PcBlockReader(_PcReader):
    """:class:`_PcReader` reading whole blocks (see the module docstring)."""

    def __init__(self, source: str, options, accounting):
        super().__init__(source, options, accounting)
        clock = LANGS[self.lang]["clock"]
        self.rows = {nl: _rows_pattern(clock, nl).findall for nl in ("\r\n", "\n")}
        self.system_tail = LANGS[self.lang]["system_tail"]

    def run_blocks(self, blocks: Iterable[Block]) -> Iterator[Message]:
        """The messages, a block's worth at a time chained in C (no Python frame per
        message)."""
        return itertools.chain.from_iterable(self._batches(blocks))

    def _batches(self, blocks: Iterable[Block]) -> Iterator[list[Message]]:
        out, blocks = self.out, iter(blocks)
        for block in blocks:  # the header and the first line: by the rules
            lines = split_lines(block.text, block.first)
            at = next((i for i, line in enumerate(lines) if not self._header(line)), None)
            if at is not None:
                self._first_line(lines[at])
                for line in lines[at + 1:]:
                    self._line(line)
                break
        for block in blocks:
            crlf, lf, cr = block.ends
            if cr or (crlf and lf):  # mixed line ends: rare, by the rules
                for line in split_lines(block.text, block.first):
                    self._line(line)
            else:
                nl = "\r\n" if crlf else "\n"
                self._rows(self.rows[nl](block.text), block.first, nl)
            self.out = []
            yield out
            out = self.out
        self._flush_blanks(layout=False)
        self._end_message()
        yield self.out

    def _rows(self, rows: list[tuple[str, ...]], number: int, nl: str) -> None:
        """The loop over one block's rows: ``c_*``/``t_*`` as in :class:`_PcReader`; a
        tentative line read here is ``t_line is None`` with ``t_num`` set, and becomes a
        RawLine only when the rules need it (:meth:`_save`). ``ready``: a current and a
        tentative message and no held blank lines, as after every line read here."""
        known, kind_of, append, deltas = self.known, self._kind, self.out.append, self.clocks
        source, tail, bbd = self.source, self.system_tail, self.blank_before_day
        confirmed = more = 0
        (c_ts, c_speaker, c_text, c_first, c_last, c_more, t_line, t_num, t_ts, t_speaker,
         t_text, t_last, t_more, last_ts, blanks, base) = self._load()
        ready = bool(t_num and c_ts is not None and not blanks)
        t_clock = t_sp = ""
        for speaker, clock, sp, body, other, unended in rows:
            if speaker:
                delta = deltas.get(clock)
                if delta is None:
                    delta = self._delta(clock)
                if ready and base is not None and delta is not None and speaker in known:
                    stamp = base + delta
                    if stamp >= t_ts:
                        # A known speaker, time moving on: the current message is done, the
                        # tentative one confirmed, this line the new tentative one.
                        done = c_text if c_more is None else "\n".join([c_text, *c_more])
                        kind = TEXT if maybe_placeholder(done) is None else kind_of(done)
                        append(Message(c_ts, c_speaker, done, kind, source, c_first, c_last))
                        confirmed += 1
                        if t_line is not None:  # a tentative line of the rules: maybe a new name
                            known.add(t_speaker)
                            t_line = None
                        c_ts = t_ts
                        c_speaker = t_speaker
                        c_text = t_text
                        c_first = t_num
                        c_last = t_last
                        c_more = t_more
                        t_num = t_last = number
                        t_ts = last_ts = stamp
                        t_speaker = speaker
                        t_text = body
                        t_more = None
                        t_clock = clock
                        t_sp = sp
                        number += 1
                        continue
                line = RawLine(number, f"[{speaker}] [{clock}]{sp}{body}", nl)
            elif (not unended and c_ts is not None and not blanks and (other or not bbd)
                  and other[:1] != "[" and other[:3] != "---" and not other.endswith(tail)):
                # A continuation line (what _other → _continue do for it)
                more += 1
                if t_num:
                    if not t_more:
                        t_more = []
                    t_more.append(other)
                    t_last = number
                else:
                    if not c_more:
                        c_more = []
                    c_more.append(other)
                    c_last = number
                number += 1
                continue
            else:
                line = RawLine(number, other, nl) if not unended else RawLine(number, unended, "")
            self._save(c_ts, c_speaker, c_text, c_first, c_last, c_more, t_line, t_num, t_ts,
                       t_speaker, t_text, t_last, t_more, last_ts, t_clock, t_sp, nl)
            self._line(line)
            (c_ts, c_speaker, c_text, c_first, c_last, c_more, t_line, t_num, t_ts, t_speaker,
             t_text, t_last, t_more, last_ts, blanks, base) = self._load()
            ready = bool(t_num and c_ts is not None and not blanks)
            number += 1
        self._save(c_ts, c_speaker, c_text, c_first, c_last, c_more, t_line, t_num, t_ts,
                   t_speaker, t_text, t_last, t_more, last_ts, t_clock, t_sp, nl)
        self.counts[LineClass.MESSAGE] += confirmed
        self.counts[LineClass.CONTINUATION] += more

    def _delta(self, clock: str) -> timedelta | None:
        """The time of day of a clock text not met yet (None for an impossible one)."""
        delta = self.clocks.get(clock, _MISSING)
        if delta is _MISSING:
            delta = self.clocks[clock] = _clock(clock)
        return delta

    def _load(self) -> tuple:
        t_line = self.t_line
        return (self.c_ts, self.c_speaker, self.c_text, self.c_first, self.c_last, self.c_more,
                t_line, 0 if t_line is None else t_line.number, self.t_ts, self.t_speaker,
                self.t_text, self.t_last, self.t_more, self.last_ts, self.blanks,
                None if self.dateless else self.base)

    def _save(self, c_ts, c_speaker, c_text, c_first, c_last, c_more, t_line, t_num, t_ts,
              t_speaker, t_text, t_last, t_more, last_ts, t_clock, t_sp, nl) -> None:
        if t_line is None and t_num:  # read here: the line as the rules would have it
            t_line = RawLine(t_num, f"[{t_speaker}] [{t_clock}]{t_sp}{t_text}", nl)
        self.c_ts, self.c_speaker, self.c_text = c_ts, c_speaker, c_text
        self.c_first, self.c_last, self.c_more = c_first, c_last, c_more
        self.t_line, self.t_ts, self.t_speaker, self.t_text = t_line, t_ts, t_speaker, t_text
        self.t_last, self.t_more, self.last_ts = t_last, t_more, last_ts
