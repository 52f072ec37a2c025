"""The line-by-line reader of unquoted KakaoTalk macOS .txt exports (K3t; rules in
``kakao_mac.parser``). Quoted ones (K3tq) go through the CSV reader with a tab delimiter.

Why a reader of its own: without quoting, a line inside a message is told from a new row only
by its shape and its time, as in the Windows PC export, not by a quote that is still open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers.base import LineAccounting, LineClass
from kakao2dataset.parsers.kakao_mac.grammar import TXT_HEADER, TXT_ROW, is_event, txt_stamp
from kakao2dataset.reading import RawLine


class TxtReader:
    """Reads the rows of an unquoted K3t file. The message being read is ``head`` (its first
    line, marked MESSAGE or SYSTEM once its text is complete), ``stamp``, ``user`` and
    ``parts`` (its lines of text); ``blanks`` are blank lines whose role the next line
    decides. ``last`` is the time of the last row read, for the look-alike rule."""

    def __init__(self, source: str, kind_of: Callable[[str], MessageKind], acct: LineAccounting):
        self.source, self.kind_of, self.mark = source, kind_of, acct.mark
        self.head: RawLine | None = None
        self.stamp: datetime | None = None
        self.user = ""
        self.parts: list[str] = []
        self.end = 0  # the number of the message's last line
        self.blanks: list[RawLine] = []
        self.last: datetime | None = None
        self.header_seen = False
        self.out: list[Message] = []

    def run(self, lines: Iterable[RawLine]) -> Iterator[Message]:
        out = self.out
        for line in lines:
            self._line(line)
            if out:
                yield from out
                out.clear()
        self._finish()
        yield from out

    def _line(self, line: RawLine) -> None:
        text = line.text.lstrip("\ufeff") if line.number == 1 else line.text
        match = TXT_ROW.match(text)
        if match is not None:
            stamp = txt_stamp(match[1])
            if stamp is None:  # an impossible date: report the row, never guess
                return self._unreadable(line)
            if self.last is None or stamp >= self.last:
                return self._row(line, stamp, match[2], text[match.end():])
            # time going backwards: a pasted look-alike, text of the message being read
        if self.head is not None:
            return self._continue(line, text)
        if text == "":
            return self.mark(line, LineClass.BLANK)
        if not self.header_seen and self.last is None and TXT_HEADER.match(text):
            self.header_seen = True
            return self.mark(line, LineClass.HEADER)
        self.mark(line, LineClass.UNPARSED)  # before the first row, or part of an unreadable one

    def _row(self, line: RawLine, stamp: datetime, user: str, text: str) -> None:
        self._finish()
        self.head, self.stamp, self.user, self.parts = line, stamp, user, [text]
        self.end, self.last = line.number, stamp

    def _continue(self, line: RawLine, text: str) -> None:
        if text == "":
            return self.blanks.append(line)
        for blank in self.blanks:  # text follows: the blank lines were part of the message
            self.mark(blank, LineClass.CONTINUATION)
            self.parts.append("")
        self.blanks.clear()
        self.mark(line, LineClass.CONTINUATION)
        self.parts.append(text)
        self.end = line.number

    def _unreadable(self, line: RawLine) -> None:
        """A row that cannot be read: it ends the message, and the lines that would continue
        it are unparsed too (as the CSV reader reports a bad record whole)."""
        self._finish()
        self.mark(line, LineClass.UNPARSED)

    def _finish(self) -> None:
        """Emit the message being read; blank lines after it were layout."""
        if self.head is not None:
            text = "\n".join(self.parts)
            if is_event(self.user, text):
                self.mark(self.head, LineClass.SYSTEM)
                speaker, kind = "", MessageKind.SYSTEM
            else:
                self.mark(self.head, LineClass.MESSAGE)
                speaker, kind = self.user, self.kind_of(text)
            self.out.append(Message(self.stamp, speaker, text, kind, self.source,
                                    self.head.number, self.end))
            self.head = None
        for blank in self.blanks:
            self.mark(blank, LineClass.BLANK)
        self.blanks.clear()
