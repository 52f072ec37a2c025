"""KakaoTalk for macOS exports (support-table variant K3): a CSV file.

::

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
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._kakao_kinds import classify_kakao
from kakao2dataset.parsers._kakao_mac_blocks import MacBlocks
from kakao2dataset.parsers.base import LineAccounting, LineClass, Parser, Sniff, register
from kakao2dataset.reading import Block, RawLine

HEADER = regex.compile(r'^"?Date"?,"?User"?,"?Message"?$')
ROW_START = regex.compile(r'^"?\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"?,')
# Events, told apart from speech by starting with the row's own user name.
EVENT_TAILS = regex.compile(
    r" (?:invited .*|joined this chatroom|left this chatroom)\.$"
    r"|님이 (?:.+님을 초대(?:하였|했)습니다|들어왔습니다|나갔습니다)\.$"
)


def _is_event(user: str, text: str) -> bool:
    return text.startswith(user) and EVENT_TAILS.match(text, len(user)) is not None


def _stamp(text: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` → datetime; None for anything else (2024-13-45 included:
    report, never guess)."""
    if len(text) != 19 or text[10] != " " or text[4] != "-":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


@register
class KakaoMacParser(Parser):
    name = "kakao-mac"
    app = "kakaotalk"
    description = "KakaoTalk for macOS (.csv: Date,User,Message)"

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        texts = [line.text for line in head if line.text]
        if not texts or not HEADER.match(texts[0].lstrip("\ufeff")):
            return None
        rows = sum(1 for t in texts[1:] if ROW_START.match(t))
        if len(texts) > 1 and rows == 0:
            return None
        notes = ("KakaoTalk macOS CSV; timestamps with seconds, ISO dates (no order to infer)",)
        return Sniff(parser=cls.name, variant="K3", score=0.95, notes=notes)

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        consumed: deque[RawLine] = deque()
        self._kinds: dict[str, MessageKind] = {}
        self._header_seen = False

        def feed() -> Iterator[str]:
            for line in lines:
                consumed.append(line)
                yield line.text + "\n"

        reader = csv.reader(feed(), strict=True)
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

    block_reader = True

    def parse_blocks(self, blocks: Iterable[Block], accounting: LineAccounting) -> Iterator[Message]:
        self._kinds = {}
        self._header_seen = False
        return MacBlocks(self, accounting).messages(blocks)

    def _row(self, row: list[str], consumed: deque, acct: LineAccounting) -> Message | None:
        first = consumed[0]
        if not self._header_seen and HEADER.match(first.text.lstrip("\ufeff")):
            self._header_seen = True  # the first one only; blank lines may precede it
            return self._mark(consumed, acct, LineClass.HEADER)
        if not row:
            return self._mark(consumed, acct, LineClass.BLANK)
        stamp = _stamp(row[0]) if len(row) == 3 else None
        if stamp is None:
            return self._mark(consumed, acct, LineClass.UNPARSED)
        user, text = row[1], row[2]
        last = consumed[-1].number
        if _is_event(user, text):
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
