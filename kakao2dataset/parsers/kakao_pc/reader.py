"""The line-by-line reader of KakaoTalk Windows PC exports (rules in ``kakao_pc.parser``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers.base import Decision, LineAccounting, LineClass
from kakao2dataset.parsers.kakao_kinds import classify_kakao
from kakao2dataset.parsers.kakao_pc.grammar import (
    DATELESS_DAY,
    LANGS,
    SAVED,
    clock_delta,
    is_system,
    pc_day,
    title_of,
)
from kakao2dataset.reading import RawLine

_MISSING = object()


class PcReader:
    """The line-by-line state machine (it runs once per input line, so plain attributes
    instead of per-line objects, clock texts and kinds memoised). Finished messages go to
    ``out``; ``run`` yields them as they come. ``c_*`` is the message being read (not yet
    emitted); ``c_more`` holds its further lines (None while it has one line)."""

    def __init__(self, source: str, options, accounting: LineAccounting):
        self.source, self.mark, self.acct = source, accounting.mark, accounting
        self.lang = options.get("lang", "ko")
        self.day_re, self.msg_re = LANGS[self.lang]["day"], LANGS[self.lang]["message"]
        # PC export names end in "_group.txt" for group rooms (KakaoTalk_20210108_0846_18_555_group)
        self.group = bool(options.get("group", False)) or source.lower().endswith("_group.txt")
        self.clocks: dict[str, timedelta | None] = {}
        self.kinds: dict[str, MessageKind] = {}
        self.out: list[Message] = []
        self.c_ts: datetime | None = None
        self.c_speaker = self.c_text = ""
        self.c_first = self.c_last = 0
        self.c_more: list[str] | None = None
        self.blanks: list[RawLine] = []
        self.base: datetime | None = None  # midnight of the current day
        self.dateless = False
        self.last_ts: datetime | None = None
        self.last_clock: str | None = None
        self.last_stamp: datetime | None = None
        self.known: set[str] = set()
        self.strikes: dict[str, int] = {}  # unknown name → the message it was first met in

    def run(self, lines: Iterable[RawLine]) -> Iterator[Message]:
        out, lines = self.out, iter(lines)
        for line in lines:
            if not self._header(line):
                self._first_line(line)
                break
        read = self._line
        for line in lines:
            read(line)
            if out:
                yield from out
                out.clear()
        self._flush_blanks(layout=False)
        self._end_message()
        yield from out

    def _line(self, line: RawLine) -> None:
        """One line after the first, by the rules."""
        text = line[1]
        if text[:1] != "[" or (match := self.msg_re.match(text)) is None:
            self._non_message(line, text)
        else:
            self._message_line(line, match, text)

    def _header(self, line: RawLine) -> bool:
        text = line.text.lstrip("\ufeff") if line.number == 1 else line.text
        if line.number <= 2 and (title_of(text) or SAVED.match(text)):
            self.mark(line, LineClass.HEADER)
            return True
        if text == "" and line.number <= 4:
            self.mark(line, LineClass.BLANK)
            return True
        return False

    def _first_line(self, line: RawLine) -> None:
        if line.number == 1 and line.text.startswith("\ufeff"):
            line = RawLine(1, line.text.lstrip("\ufeff"), line.end)
        match = self.msg_re.match(line.text)
        if match is not None:
            return self._message_line(line, match, line.text)
        self._non_message(line, line.text)

    def _non_message(self, line: RawLine, text: str) -> None:
        if text[:3] == "---" and (match := self.day_re.match(text)) is not None:
            if self._day_line(line, match):
                return
        elif text and is_system(text, self.lang):
            return self._system(line)
        self._other(line)

    # -- day lines --------------------------------------------------------------------------
    def _day_line(self, line: RawLine, match) -> bool:
        day = pc_day(match, self.lang)
        if day is None or (self.base is not None and day < self.base.date()):
            return False  # a look-alike (rule 1): handled as an ordinary line
        if self.base is not None and day == self.base.date() and not self.dateless:
            self.acct.decide(line.number, Decision.DAY_REPEATED)  # the same day again: layout
        self._flush_blanks(layout=True)
        self._end_message()
        self.base, self.dateless = datetime(day.year, day.month, day.day), False
        self.last_clock = None  # a new day: the clock cache no longer applies
        self.mark(line, LineClass.DATE)
        return True

    # -- message lines ----------------------------------------------------------------------
    def _message_line(self, line: RawLine, match, text: str) -> None:
        self._stamped(line, self._stamp(match[2]), match[1], text[match.end():])

    def _stamped(self, line: RawLine, stamp: datetime | None, speaker: str, body: str) -> None:
        """Rule 2: a record-shaped line is a record, even when its time goes back (counted);
        only an unknown name in a 1:1 chat makes it pasted text."""
        if stamp is None:  # an impossible clock (오후 15:18): never guess, report
            return self.mark(line, LineClass.UNPARSED)
        if self.c_ts is not None and speaker not in self.known and not self._speaker_ok(speaker):
            return self._other(line)
        if self.last_ts is not None and stamp < self.last_ts:
            self.acct.decide(line.number, Decision.TIME_BACK)
        if self.blanks:
            self._flush_blanks(layout=False)
        self._start(line, stamp, speaker, body)

    def _stamp(self, clock: str) -> datetime | None:
        """The timestamp of a clock text on the current day (the last one is reused: messages
        come in bursts within a minute)."""
        if clock == self.last_clock and not self.dateless:
            return self.last_stamp
        delta = self.clocks.get(clock, _MISSING)
        if delta is _MISSING:
            delta = self.clocks[clock] = clock_delta(clock)
        if delta is None:
            return None
        if self.base is None or self.dateless:
            return self._dateless(delta)
        self.last_clock, self.last_stamp = clock, self.base + delta
        return self.last_stamp

    def _dateless(self, delta: timedelta) -> datetime:
        """No day line yet: placeholder dates, a day further whenever the clock goes back."""
        if self.base is None:
            self.base, self.dateless = datetime(DATELESS_DAY.year, 1, 1), True
        stamp = self.base + delta
        if self.last_ts is not None and stamp < self.last_ts:
            self.base += timedelta(days=1)
            stamp += timedelta(days=1)
        return stamp

    def _speaker_ok(self, speaker: str) -> bool:
        """Rule 2: in a 1:1 chat, a third name is a pasted line."""
        if speaker in self.known or self.group or len(self.known) < 2:
            return True
        return self._strike(speaker)

    def _strike(self, speaker: str) -> bool:
        """A third name met inside two different messages is a speaker after all (a group whose
        first lines showed two people): from then on the chat counts as a group."""
        if self.strikes.setdefault(speaker, self.c_first) != self.c_first:
            self.group = True
        return self.group

    def _start(self, line: RawLine, stamp: datetime, speaker: str, body: str) -> None:
        if self.c_ts is not None:
            self._emit()
        self.mark(line, LineClass.MESSAGE)
        self.known.add(speaker)
        self.c_ts, self.c_speaker, self.c_text = stamp, speaker, body
        self.c_first = self.c_last = line.number
        self.c_more, self.last_ts = None, stamp

    def _emit(self) -> None:
        text = self.c_text if self.c_more is None else "\n".join([self.c_text, *self.c_more])
        kind = self.kinds.get(text)
        self.out.append(Message(self.c_ts, self.c_speaker, text,
                                kind if kind is not None else self._kind(text), self.source,
                                self.c_first, self.c_last))
        self.c_ts = None

    def _kind(self, text: str) -> MessageKind:
        kind = classify_kakao(text)
        if len(text) <= 64 and len(self.kinds) < 65536:  # chat repeats short texts a lot
            self.kinds[text] = kind
        return kind

    def _end_message(self) -> None:
        if self.c_ts is not None:
            self._emit()

    # -- everything else --------------------------------------------------------------------
    def _system(self, line: RawLine) -> None:
        self._flush_blanks(layout=False)
        self._end_message()
        self.group = True  # joins and invites happen in group rooms only
        self.mark(line, LineClass.SYSTEM)
        base = self.base or datetime(DATELESS_DAY.year, 1, 1)
        stamp = self.last_ts if self.last_ts and self.last_ts >= base else base
        self.out.append(Message(stamp, "", line.text, MessageKind.SYSTEM, self.source,
                                line.number, line.number))

    def _other(self, line: RawLine) -> None:
        if self.c_ts is None:
            return self.mark(line, LineClass.BLANK if line.text == "" else LineClass.UNPARSED)
        if line.text == "":
            return self.blanks.append(line)  # layout or text: the next line decides
        if self.blanks:
            self._flush_blanks(layout=False)
        self._continue(line)

    def _continue(self, line: RawLine) -> None:
        self.mark(line, LineClass.CONTINUATION)
        self.c_more = self.c_more or []
        self.c_more.append(line.text)
        self.c_last = line.number

    def _flush_blanks(self, layout: bool) -> None:
        """Held blank lines: the last is layout before a day line (K1' writes one; other
        layouts may too: issue #10 item 4), the rest are text of the message."""
        if not self.blanks:
            return
        blanks, self.blanks = self.blanks, []
        for blank in blanks[:-1] if layout else blanks:
            self._continue(blank) if self.c_ts is not None else self.mark(blank, LineClass.BLANK)
        if layout:
            self.mark(blanks[-1], LineClass.BLANK)
