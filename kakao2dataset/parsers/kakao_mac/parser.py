"""KakaoTalk for macOS exports: a CSV file (support-table variant K3) and, designed from it, a
tab-separated .txt (K3t unquoted, K3tq quoted).

**K3, the CSV** (real exports)::

    Date,User,Message
    2024-12-09 14:30:12,"김민지","오늘 저녁 뭐 먹지"
    2024-12-09 14:31:40,"이준호","국밥?
    둘째 줄"
    2024-12-09 14:32:01,"이준호","그 책 제목이 ""채식주의자""였나"
    2024-12-09 14:33:15,"김민지","(사진)"

RFC 4180: any field may be quoted (the app quotes user and message, not the date), ``""`` is
a quote, newlines inside quotes belong to the message. Unlike the .txt formats there is no
look-alike problem: quoting is exact, so a message may contain anything. Timestamps keep
their seconds. The room name is not in the file. Events come as ordinary rows attributed to
the acting user (``"박영우","박영우 invited 김민기 and."``); a row whose text is such an event
about its own user is a system message (speaker ""). Placeholders are parenthesised:
``(사진)``, ``(Photo)``, ``(이모티콘)``.

Rows are read by :mod:`csv` (C speed) from the streamed lines; the lines each row consumed
are marked (first line MESSAGE or SYSTEM, the rest CONTINUATION). A row that is not
``date,user,message``, has unbalanced quotes or a field over the csv module's 128 KiB limit is
UNPARSED, by line number. A bare CR inside quotes reads back as a line break (``\n``).

**K3t / K3tq, the .txt** (designed, unverified: newer macOS builds may offer a .txt export;
one public parser mentions a tab-separated ``Date User Message`` variant, and no real file
has been seen, so this is the CSV's grammar with tabs, to be confirmed)::

    Date<TAB>User<TAB>Message
    2024-12-09 14:30:12<TAB>김민지<TAB>오늘 저녁 뭐 먹지
    2024-12-09 14:31<TAB>이준호<TAB>국밥?
    둘째 줄

* An optional BOM; the first non-blank line is the header ``Date<TAB>User<TAB>Message``
  (each field may be double-quoted). Rows are ``YYYY-MM-DD HH:MM:SS<TAB>User<TAB>Message``,
  also ``YYYY-MM-DD HH:MM`` without seconds (seconds are kept when present). LF or CRLF.
* Quoting is decided per file, by the sniffer: the file is *quoted* (K3tq) when the header
  has a quote or the first row's User field is double-quoted (as the CSV app quotes user and
  message). Quoted files are read exactly like K3 with a tab delimiter: ``""`` is a quote,
  newlines inside quotes belong to the message, a row with quotes still open at the end of
  the file is UNPARSED by line number.
* *Unquoted* files (K3t): a line is a new row when it matches the row grammar; any other line
  continues the message (joined with ``\n``), tabs and all. As in the Windows PC export, a
  row-shaped line whose time is earlier than the row before it is a pasted look-alike and
  stays text, whoever its speaker; one that keeps the time order is undecidable and is read
  as a row (quoting would settle it; the unquoted form cannot). A row-shaped line with an
  impossible date (2024-13-45) is UNPARSED, and so are the lines that would continue it.
  Blank lines inside a message are text when more text follows, else layout (BLANK): a
  message cannot end in an empty line. A User field cannot hold a tab; in the first row it
  cannot be wrapped in quotes (that makes the file quoted).
* Placeholders and event rows as in K3.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator, Sequence

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers.base import LineAccounting, LineClass, Parser, Sniff, register
from kakao2dataset.parsers.kakao_kinds import classify_kakao
from kakao2dataset.parsers.kakao_mac.grammar import (
    CSV_HEADER,
    CSV_ROW_START,
    EVENT_TAILS,
    TXT_HEADER,
    TXT_QUOTED_ROW,
    TXT_ROW_START,
    csv_stamp,
    is_event,
    txt_stamp,
)
from kakao2dataset.parsers.kakao_mac.txt_reader import TxtReader
from kakao2dataset.reading import RawLine

__all__ = ["EVENT_TAILS", "KakaoMacParser"]

# What the CSV reader needs per variant: the delimiter, the header, the timestamp reader.
# (K3t, unquoted, has a reader of its own and uses only the header and stamp of the .txt.)
GRAMMARS = {
    "K3": (",", CSV_HEADER, csv_stamp),
    "K3t": ("\t", TXT_HEADER, txt_stamp),
    "K3tq": ("\t", TXT_HEADER, txt_stamp),
}
NOTES = {
    "K3": "KakaoTalk macOS CSV; timestamps with seconds, ISO dates (no order to infer)",
    "K3t": "KakaoTalk macOS .txt, unquoted (a designed, unverified grammar): a line is a row "
           "when it is shaped like one and keeps the time order, else message text",
    "K3tq": "KakaoTalk macOS .txt, quoted fields (a designed, unverified grammar): read as the "
            "CSV with tabs",
}


@register
class KakaoMacParser(Parser):
    name = "kakao-mac"
    app = "kakaotalk"
    description = "KakaoTalk for macOS (.csv: Date,User,Message; .txt: the same, tab-separated)"

    def __init__(self, source: str, sniff: Sniff):
        super().__init__(source, sniff)
        self._delimiter, self._header, self._stamp = GRAMMARS[sniff.variant]

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        texts = [line.text for line in head if line.text]
        first = texts[0].lstrip("\ufeff") if texts else ""
        if CSV_HEADER.match(first):
            variant, row_start = "K3", CSV_ROW_START
        elif TXT_HEADER.match(first):
            quoted = '"' in first or (len(texts) > 1 and TXT_QUOTED_ROW.match(texts[1]))
            variant, row_start = ("K3tq" if quoted else "K3t"), TXT_ROW_START
        else:
            return None
        if len(texts) > 1 and not any(row_start.match(t) for t in texts[1:]):
            return None
        return Sniff(parser=cls.name, variant=variant, score=0.95, notes=(NOTES[variant],))

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        self._kinds: dict[str, MessageKind] = {}
        self._header_seen = False
        if self.sniffed.variant == "K3t":
            return TxtReader(self.source, self._kind, accounting).run(lines)
        return self._by_csv(lines, accounting)

    def _by_csv(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        consumed: deque[RawLine] = deque()

        def feed() -> Iterator[str]:
            for line in lines:
                consumed.append(line)
                yield line.text + "\n"

        reader = csv.reader(feed(), delimiter=self._delimiter, strict=True)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:  # unbalanced quotes (a truncated file, a hand edit)
                if consumed:
                    self._mark(consumed, accounting, LineClass.UNPARSED)
                continue
            message = self._row(row, consumed, accounting)
            if message is not None:
                yield message

    def _row(self, row: list[str], consumed: deque, acct: LineAccounting) -> Message | None:
        first = consumed[0]
        if not self._header_seen and self._header.match(first.text.lstrip("\ufeff")):
            self._header_seen = True  # the first one only; blank lines may precede it
            return self._mark(consumed, acct, LineClass.HEADER)
        if not row:
            return self._mark(consumed, acct, LineClass.BLANK)
        stamp = self._stamp(row[0]) if len(row) == 3 else None
        if stamp is None:
            return self._mark(consumed, acct, LineClass.UNPARSED)
        user, text = row[1], row[2]
        last = consumed[-1].number
        if is_event(user, text):
            self._mark(consumed, acct, LineClass.SYSTEM)
            return Message(stamp, "", text, MessageKind.SYSTEM, self.source, first.number, last)
        self._mark(consumed, acct, LineClass.MESSAGE)
        return Message(stamp, user, text, self._kind(text), self.source, first.number, last)

    def _kind(self, text: str) -> MessageKind:
        """classify_kakao, memoised for the short texts chats repeat all the time."""
        kinds = self._kinds
        kind = kinds.get(text)
        if kind is None:
            kind = classify_kakao(text)
            if len(text) <= 64 and len(kinds) < 65536:
                kinds[text] = kind
        return kind

    @staticmethod
    def _mark(consumed: deque, acct: LineAccounting, cls: LineClass) -> None:
        """Mark the lines of one row: the first as ``cls``, further ones as continuations
        (or all UNPARSED / BLANK), and forget them."""
        acct.mark(consumed.popleft(), cls)
        rest = cls if cls in (LineClass.UNPARSED, LineClass.BLANK) else LineClass.CONTINUATION
        while consumed:
            acct.mark(consumed.popleft(), rest)
