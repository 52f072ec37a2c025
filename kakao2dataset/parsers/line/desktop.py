"""LINE for Windows / macOS "Save chat" text (L3): no header, no quotes, single spaces::

    2024.12.09 Monday
    14:30 Alice Kim what's for dinner
    14:31 Bob ramen?
    the new place near the station
    14:32 Bob Stickers
    14:40 Alice Kim unsent a message
    2024.12.10 Tuesday

**Speakers** are learned before parsing from the first :data:`LEARN_LINES` lines: a name is
the word sequence that the message lines of one first word share before their texts diverge
(``Alice Kim …`` ×3 → ``Alice Kim``), extended only with 3+ lines that almost all agree. A
record's speaker is the longest known name its text starts with.

**Multi-line texts are not quoted**, so a line is a record only when its time is valid, and
it starts with a known name or the first word of one (a name learned too long), or is an
unsend notice, or no message is open; a record whose time goes back is one only with a
learned name (counted as "time goes back", issue #10). Otherwise it continues the open
message, whatever it looks like. A day line counts only if its date is not before the current
day (the same day again: counted as repeated) and its weekday fits. Blank lines belong to the
open message unless they end the file or come right before a day line (the last one is then
layout). Undecidable: a pasted line ``HH:MM <known name>
…`` with a time not earlier than the message's is read as a new message; a speaker first seen
after the learning window, while a message is open, is read as a continuation (1:1 chats have
learned both names long before).

Unsend notices (``Alice unsent a message``, glued ``Bがメッセージの送信を取り消しました``) are
system lines (no sender field, no turn of the person named); placeholders ``Photos`` / ``Stickers`` / ``Videos`` /
``Audio`` map to kinds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers.base import (
    Decision,
    LineAccounting,
    LineClass,
    Parser,
    PendingMessage,
    Sniff,
    register,
)
from kakao2dataset.parsers.line.grammar import (
    WEEKDAY,
    line_kind,
    make_date,
    unsent_by,
    weekday_fits,
)
from kakao2dataset.reading import RawLine

DAY = regex.compile(r"(?P<y>\d{4})\.(?P<mo>\d{1,2})\.(?P<d>\d{1,2}) (?P<w>\S{1,9})")
RECORD = regex.compile(r"(?P<h>\d{1,2}):(?P<mi>\d{2}) ")
LEARN_LINES = 2000
MIN_EXTEND = 3  # lines that must share a longer name before a name is extended


def day_of(text: str) -> date | None:
    """The date of a day line with a known weekday that fits, else None.

    >>> day_of("2021.1.1 金曜日"), day_of("2021.1.1 Monday")
    (datetime.date(2021, 1, 1), None)
    """
    m = DAY.fullmatch(text)
    if m is None or m["w"] not in WEEKDAY:
        return None
    day = make_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return day if day is not None and weekday_fits(day, m["w"]) else None


def learn_names(texts: Iterable[str]) -> list[str]:
    """Speaker names from record lines, longest first (rule in the module docstring).

    >>> learn_names(["14:30 Alice Kim hi", "14:31 Alice Kim ok", "14:32 Alice Kim so",
    ...              "14:33 Bob yes", "14:34 Bob no"])
    ['Alice Kim', 'Bob']
    """
    rests = [rest.split(" ") for t in texts if (m := RECORD.match(t))
             and unsent_by(rest := t[m.end():]) is None]
    firsts = Counter(words[0] for words in rests if words[0])
    names = [_extend(first, [w for w in rests if w[0] == first]) for first in firsts]
    return sorted(names, key=len, reverse=True)


def _extend(first: str, lines: list[list[str]]) -> str:
    """Grow ``first`` word by word while 95 % of its lines (3 or more) continue alike."""
    depth = 1
    while True:
        longer = [w for w in lines if len(w) > depth + 1]
        nexts = Counter(w[depth] for w in longer)
        if not nexts:
            break
        word, count = nexts.most_common(1)[0]
        if count < MIN_EXTEND or count < 0.95 * len(lines):
            break
        lines = [w for w in longer if w[depth] == word]
        depth += 1
    return " ".join(lines[0][:depth]) if lines else first


@register
class LineDesktopParser(Parser):
    name = "line-desktop"
    app = "line"
    description = "LINE for Windows/macOS 'Save chat' .txt (no header, space-separated)"

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        texts = [line.text.lstrip("\ufeff") for line in head]
        first = next((t for t in texts if t), "")
        if day_of(first) is None:
            return None
        records = sum(1 for t in texts if RECORD.match(t))
        if not records:
            return None
        names = learn_names(texts)
        notes = (f"{len(names)} speaker name(s) in the first lines",)
        return Sniff(cls.name, "L3", min(0.9, 0.75 + 0.01 * records), notes)

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        it = iter(lines)
        first = list(islice(it, LEARN_LINES))
        reader = _Reader(self.source, accounting, learn_names(line.text for line in first))
        yield from reader.run(chain(first, it))


class _Reader:
    def __init__(self, source: str, acct: LineAccounting, names: list[str]):
        self.acct = acct
        self.names = names
        self.first_words = frozenset(name.split(" ", 1)[0] for name in names)
        self.pending = PendingMessage(source, line_kind)
        self.blanks: list[RawLine] = []
        self.day: date | None = None
        self.last: datetime | None = None

    def run(self, lines: Iterable[RawLine]) -> Iterator[Message]:
        for number, line in enumerate(lines):
            text = line.text if number else line.text.lstrip("\ufeff")
            if not text:
                self._blank(line)
                continue
            done = self._line(line, text)
            if done is not None:
                yield done
        for line in self.blanks:
            self.acct.mark(line, LineClass.BLANK)
        done = self.pending.finish()
        if done is not None:
            yield done

    def _blank(self, line: RawLine) -> None:
        if self.pending.active:
            self.blanks.append(line)
        else:
            self.acct.mark(line, LineClass.BLANK)

    def _take_blanks(self) -> None:
        """Blank lines before a non-blank line belong to the open message."""
        for line in self.blanks:
            self.acct.mark(line, LineClass.CONTINUATION)
            self.pending.add("", line.number)
        self.blanks.clear()

    def _line(self, line: RawLine, text: str) -> Message | None:
        day = day_of(text) if text[:1].isdigit() and RECORD.match(text) is None else None
        if day is not None and (self.day is None or day >= self.day):
            if self.blanks:  # the last blank before a day line is layout (issue #10 item 4)
                self.acct.mark(self.blanks.pop(), LineClass.BLANK)
            self._take_blanks()
            if day == self.day:
                self.acct.decide(line.number, Decision.DAY_REPEATED)
            self.acct.mark(line, LineClass.DATE)
            self.day = day
            return self.pending.finish()
        self._take_blanks()
        if self.day is not None and (m := RECORD.match(text)) is not None:
            done = self._record(line, text, m)
            if done is not False:
                return done
        if self.pending.active:
            self.acct.mark(line, LineClass.CONTINUATION)
            self.pending.add(text, line.number)
        else:
            self.acct.mark(line, LineClass.UNPARSED)
        return None

    def _record(self, line: RawLine, text: str, m) -> Message | None | bool:
        """The message this record finishes, or False when the line is no record."""
        hour, minute = int(m["h"]), int(m["mi"])
        if hour > 23 or minute > 59:
            return False
        ts = datetime(self.day.year, self.day.month, self.day.day, hour, minute)
        back = self.pending.active and ts < self.last
        rest = text[m.end():]
        if unsent_by(rest) is not None:
            return self._unsent(line, ts, rest)  # a notice names no sender: in doubt, a record
        name = self._speaker(rest)
        if name is None or (back and name not in self.names):
            return False  # time back and no known name: text of the open message
        if self.last is not None and ts < self.last:
            self.acct.decide(line.number, Decision.TIME_BACK)
        self.last = ts
        self.acct.mark(line, LineClass.MESSAGE)
        return self.pending.start(ts, name, rest[len(name) + 1:], line.number)

    def _speaker(self, rest: str) -> str | None:
        """The longest known name ``rest`` starts with; else its first word when that begins a
        known name (a name learned too long) or no message is open; else None."""
        for name in self.names:
            if rest.startswith(name) and rest[len(name):len(name) + 1] in (" ", ""):
                return name
        first = rest.split(" ", 1)[0]
        if self.pending.active and first not in self.first_words:
            return None
        return first

    def _unsent(self, line: RawLine, ts: datetime, text: str) -> Message | None:
        """An unsend notice is a system line (no sender field; no turn of the one named)."""
        if self.last is not None and ts < self.last:
            self.acct.decide(line.number, Decision.TIME_BACK)
        self.last = ts
        self.acct.mark(line, LineClass.SYSTEM)
        done = self.pending.finish()
        self.pending.start(ts, "", text, line.number, MessageKind.SYSTEM)
        return done
