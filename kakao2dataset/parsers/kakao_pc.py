"""KakaoTalk for Windows PC exports (support-table variants K1, K1', K2, K1h, K2h).

::

    김민지 님과 카카오톡 대화                          ← header (K1; K1'/K2: "X with KakaoTalk Chats")
    저장한 날짜 : 2024-12-09 14:35:02                  ← header ("Date Saved : …" in K1'/K2)

    --------------- 2024년 12월 9일 월요일 ---------------     ← day line (any run of ≥ 3 hyphens)
    [이준호] [오후 2:31] 국밥?                          ← message: [name] [time] text
    첫 줄 다음에 이어지는 둘째 줄                        ← continuation (CRLF like every line)
    김민지님이 나갔습니다.                              ← system line: no brackets, no time

K1h/K2h are the same lines without the header (older PC versions, copied chats); a file
without any day line gets placeholder dates (1900-01-01, advancing a day whenever the clock
goes backwards), reported in the sniff notes.

**Names** may contain ``]``, ``[`` and spaces: the *time bracket* is the anchor, the name is
the shortest text before the first ``] [<valid time>]``.

**Look-alike lines.** The PC export writes CRLF everywhere, so (unlike iOS/LINE) no bare-LF
signal tells a line inside a message from a new record. Plausibility decides, in this order:

1. A day line is real only if its date is valid, its weekday matches, and it is later than the
   current day; otherwise it is text of the message being read.
2. A message-like line inside a message stays text when its time is earlier than the message
   it follows, or when its speaker is unknown while two speakers are already known and the
   chat is not a group (a group: ≥ 3 speakers with ≥ 2 lines each, or a join/invite line, in
   the first lines; a file name ending in ``_group.txt``; any system line met so far; or a
   third name met inside two different messages, so a group is not read as text for long).
3. A message-like line accepted *inside* a message is tentative. If the next message-like line
   is earlier than it but not earlier than the message before it, the tentative one was a
   future-dated look-alike (typically yesterday afternoon's line pasted into this morning's
   message) and folds back into that message as text. A copy of the *previous* message pasted
   into the tentative one (same minute) looks the same and is read this way too: same-minute
   bursts are far more common than such quotes.

A look-alike that fits the time order exactly is undecidable and is read as a message.
System lines carry no time: they get the time of the last message of the same day, else
midnight. K1' puts a blank line before each day line; that blank is layout, other blank lines
are text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers._clock import MONTH_PATTERN, hour24, month_number
from kakao2dataset.parsers._kakao_kinds import classify_kakao
from kakao2dataset.parsers.base import LineAccounting, LineClass, Parser, Sniff, register
from kakao2dataset.reading import RawLine

TITLE_KO = regex.compile(r"^(?P<title>.*) 님과 카카오톡 대화$")
TITLE_EN = regex.compile(r"^(?P<title>.*) with KakaoTalk Chats$")
SAVED = regex.compile(r"^(?:저장한 날짜|Date Saved) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
WEEKDAYS_KO = "월화수목금토일"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LANGS = {
    "ko": {
        "day": regex.compile(
            r"^-{3,} (?P<y>\d{4})년 (?P<mo>\d{1,2})월 (?P<d>\d{1,2})일 (?P<wd>[월화수목금토일])요일 -{3,}$"
        ),
        "message": re.compile(r"\[(.+?)\] \[((?:오전|오후) \d{1,2}:\d{2})\](?: |$)"),
        "system": [
            regex.compile(r"^.+님이 (?:들어왔습니다|나갔습니다|방장이 되었습니다)\.$"),
            regex.compile(r"^.+님이 .+님을 초대(?:하였|했)습니다\.$"),
        ],
        "system_tail": "습니다.",
    },
    "en": {
        "day": regex.compile(
            rf"^-{{3,}} (?P<wd>[A-Z][a-z]+), (?P<mo>{MONTH_PATTERN}) (?P<d>\d{{1,2}}), "
            r"(?P<y>\d{4}) -{3,}$"
        ),
        "message": re.compile(r"\[(.+?)\] \[(\d{1,2}:\d{2} (?:AM|PM))\](?: |$)"),
        "system": [
            regex.compile(r"^.+ (?:joined|left) this chatroom\.$"),
            regex.compile(r"^.+ invited .+\.$"),
        ],
        "system_tail": ".",
    },
}
DATELESS_DAY = date(1900, 1, 1)
GROUP_SPEAKERS = 3


def _day(match, lang: str) -> date | None:
    """The date of a day-line match, or None when it is not a real calendar day."""
    try:
        month = int(match["mo"]) if lang == "ko" else month_number(match["mo"])
        day = date(int(match["y"]), month, int(match["d"]))
    except (ValueError, KeyError):
        return None
    names = WEEKDAYS_KO if lang == "ko" else WEEKDAYS_EN
    return day if names[day.weekday()] == match["wd"] else None


def _is_day(text: str, lang: str) -> bool:
    match = LANGS[lang]["day"].match(text)
    return match is not None and _day(match, lang) is not None


CLOCK = regex.compile(r"(?:(?P<mer>오전|오후) )?(?P<h>\d{1,2}):(?P<mi>\d{2})(?: (?P<mer2>AM|PM))?")


def _clock(text: str) -> timedelta | None:
    """Time of day of a message line's clock text (``오후 2:30``, ``2:30 PM``); None for an
    impossible one (``오후 15:18``).

    >>> _clock("오전 12:05"), _clock("12:05 PM"), _clock("오후 15:18")
    (datetime.timedelta(seconds=300), datetime.timedelta(seconds=43500), None)
    """
    match = CLOCK.fullmatch(text)
    minute = int(match["mi"])
    try:
        hour = hour24(int(match["h"]), match["mer"] or match["mer2"])
    except ValueError:
        return None
    return timedelta(hours=hour, minutes=minute) if minute < 60 else None


def _is_system(text: str, lang: str) -> bool:
    spec = LANGS[lang]
    return text.endswith(spec["system_tail"]) and any(p.match(text) for p in spec["system"])


@register
class KakaoPcParser(Parser):
    name = "kakao-pc"
    app = "kakaotalk"
    description = "KakaoTalk for Windows PC (.txt: [name] [time] text, day lines of hyphens)"

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        texts = [line.text for line in head]
        if texts:
            texts[0] = texts[0].lstrip("\ufeff")
        return _HeadFacts(texts).claim(cls.name)

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        return _PcReader(self.source, self.sniffed.options, accounting).run(lines)


class _HeadFacts:
    """What the first lines show: header, language, layout, speakers; turned into a claim."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.title = next((m for m in map(_title, texts[:2]) if m), None)
        self.saved = any(SAVED.match(t) for t in texts[:4])
        self.other_saved = not self.saved and any(
            t.startswith(("저장한 날짜", "Date Saved")) for t in texts[:4])
        self.lang = max(LANGS, key=self._evidence)
        spec = LANGS[self.lang]
        self.days = _rising_days(texts, self.lang)
        names = Counter(m[1] for t in texts if (m := spec["message"].match(t)))
        self.speakers = {name for name, n in names.items() if n >= 2}  # not a one-off paste
        self.messages = sum(names.values())
        self.system = any(_is_system(t, self.lang) for t in texts)

    def _evidence(self, lang: str) -> int:
        spec = LANGS[lang]
        return sum(bool(spec["day"].match(t) or spec["message"].match(t)) for t in self.texts)

    def claim(self, parser: str) -> Sniff | None:
        score = self._score()
        if score is None:
            return None
        variant = self._variant()
        options = self._options(variant)
        return Sniff(parser=parser, variant=variant, score=score,
                     notes=self._notes(variant, options), options=options)

    def _score(self) -> float | None:
        """Strict: a title needs the ISO save stamp (mobile exports write a localised one), or
        day lines and messages; without a title the file must start with PC records."""
        if self.title and self.saved:
            return 0.95
        if self.title and not self.other_saved and self.days and self.messages:
            return 0.9
        first = next((t for t in self.texts if t), "")
        starts = _is_day(first, self.lang) or bool(LANGS[self.lang]["message"].match(first))
        if self.title is None and starts and self.messages >= 2:
            return 0.6 + (0.1 if self.days else 0.0)
        return None

    def _variant(self) -> str:
        if self.title is None:
            return "K1h" if self.lang == "ko" else "K2h"
        if self.title[0] == "ko":
            return "K1"
        return "K1'" if self._evidence("ko") > self._evidence("en") else "K2"

    def _options(self, variant: str) -> dict:
        return {
            "lang": "ko" if variant in ("K1", "K1'", "K1h") else "en",
            "blank_before_day": self._blank_before_day(variant),
            "group": len(self.speakers) >= GROUP_SPEAKERS or self.system,
        }

    def _blank_before_day(self, variant: str) -> bool:
        """K1' (2015) writes a blank line before every day line but the first; K1 does not.
        The head overrides the variant's default only when two or more day lines agree (one
        blank line may just end a message)."""
        blanks = [self.texts[i - 1] == "" for i in self.days[1:]]
        if len(blanks) >= 2 and len(set(blanks)) == 1:
            return blanks[0]
        return variant == "K1'"

    def _notes(self, variant: str, options: dict) -> tuple[str, ...]:
        notes = [f"KakaoTalk PC {variant}, {options['lang']} times (12-hour)"]
        if options["blank_before_day"]:
            notes.append("a blank line before each day line is layout (2015 style)")
        if options["group"]:
            notes.append("group chat (3+ speakers or join/invite lines): new names are "
                         "always accepted as speakers")
        if self.title is None:
            notes.append("no header (older PC version or copied lines)")
        if not self.days:
            notes.append("no day lines in the first lines: messages before the first day line "
                         f"are dated {DATELESS_DAY.isoformat()} + n days (the clock's rollovers)")
        return tuple(notes)


def _rising_days(texts: list[str], lang: str) -> list[int]:
    """Indices of the day lines that move the date forward (look-alikes in messages don't)."""
    found, last = [], None
    for index, text in enumerate(texts):
        match = LANGS[lang]["day"].match(text)
        day = _day(match, lang) if match else None
        if day and (last is None or day > last):
            found.append(index)
            last = day
    return found


def _title(text: str) -> tuple[str, str] | None:
    for lang, pattern in (("ko", TITLE_KO), ("en", TITLE_EN)):
        if m := pattern.match(text):
            return lang, m["title"]
    return None


_MISSING = object()


class _PcReader:
    """The line-by-line state machine, written for speed (it runs once per input line): plain
    attributes instead of per-line objects, clock texts and kinds memoised. Finished messages
    go to ``out``; ``run`` yields them as they come.

    ``c_*`` is the current message (confirmed, not yet emitted), ``t_*`` the tentative one
    (rule 3); ``*_more`` holds their further lines (None while a message has one line).
    """

    def __init__(self, source: str, options, accounting: LineAccounting):
        self.source, self.mark = source, accounting.mark
        self.lang = options.get("lang", "ko")
        self.day_re, self.msg_re = LANGS[self.lang]["day"], LANGS[self.lang]["message"]
        self.blank_before_day = bool(options.get("blank_before_day", False))
        # PC export names end in "_group.txt" for group rooms (KakaoTalk_20210108_0846_18_555_group)
        self.group = bool(options.get("group", False)) or source.lower().endswith("_group.txt")
        self.clocks: dict[str, timedelta | None] = {}
        self.kinds: dict[str, MessageKind] = {}
        self.out: list[Message] = []
        self.c_ts: datetime | None = None
        self.c_speaker = self.c_text = ""
        self.c_first = self.c_last = 0
        self.c_more: list[str] | None = None
        self.t_line: RawLine | None = None
        self.t_ts: datetime | None = None
        self.t_speaker = self.t_text = ""
        self.t_last = 0
        self.t_more: list[str] | None = None
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
        msg_match, on_message, on_other = self.msg_re.match, self._message_line, self._non_message
        for line in lines:
            text = line.text
            if text[:1] == "[" and (match := msg_match(text)) is not None:
                on_message(line, match, text)
            else:
                on_other(line, text)
            if out:
                yield from out
                out.clear()
        self._flush_blanks(layout=False)
        self._end_message()
        yield from out

    def _header(self, line: RawLine) -> bool:
        text = line.text.lstrip("\ufeff") if line.number == 1 else line.text
        if line.number <= 2 and (_title(text) or SAVED.match(text)):
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
        elif text and _is_system(text, self.lang):
            return self._system(line)
        self._other(line)

    # -- day lines --------------------------------------------------------------------------
    def _day_line(self, line: RawLine, match) -> bool:
        day = _day(match, self.lang)
        if day is None or (self.base is not None and day <= self.base.date()):
            return False  # a look-alike (rule 1): handled as an ordinary line
        self._flush_blanks(layout=self.blank_before_day)
        self._end_message()
        self.base, self.dateless = datetime(day.year, day.month, day.day), False
        self.last_clock = None  # a new day: the clock cache no longer applies
        self.mark(line, LineClass.DATE)
        return True

    # -- message lines ----------------------------------------------------------------------
    def _message_line(self, line: RawLine, match, text: str) -> None:
        stamp = self._stamp(match[2])
        if stamp is None:  # an impossible clock (오후 15:18): never guess, report
            return self.mark(line, LineClass.UNPARSED)
        speaker, body, tent = match[1], text[match.end():], self.t_line
        if (self.c_ts is not None and speaker in self.known and not self.blanks
                and stamp >= (self.c_ts if tent is None else self.t_ts)):
            # The common case, inlined: a known speaker, time moving on: the tentative
            # message is confirmed and this line becomes the new tentative one.
            if tent is not None:
                self._emit()
                self.mark(tent, LineClass.MESSAGE)
                self.known.add(self.t_speaker)
                self.c_ts, self.c_speaker, self.c_text = self.t_ts, self.t_speaker, self.t_text
                self.c_first, self.c_last, self.c_more = tent.number, self.t_last, self.t_more
            self.t_line, self.t_ts, self.t_speaker, self.t_text = line, stamp, speaker, body
            self.t_last, self.t_more, self.last_ts = line.number, None, stamp
            return None
        self._message_rules(line, stamp, speaker, body)

    def _message_rules(self, line: RawLine, stamp: datetime, speaker: str, body: str) -> None:
        if self.c_ts is None:
            self._flush_blanks(layout=True)
            return self._start(line, stamp, speaker, body)
        if self._speaker_ok(speaker):
            if stamp >= (self.c_ts if self.t_line is None else self.t_ts):
                if self.t_line is not None:
                    self._promote()
                return self._tentative(line, stamp, speaker, body)
            if self.t_line is not None and stamp >= self.c_ts:
                self._fold()  # rule 3: the tentative line was a future-dated look-alike
                return self._tentative(line, stamp, speaker, body)
        self._other(line)

    def _stamp(self, clock: str) -> datetime | None:
        """The timestamp of a clock text on the current day (the last one is reused: messages
        come in bursts within a minute)."""
        if clock == self.last_clock and not self.dateless:
            return self.last_stamp
        delta = self.clocks.get(clock, _MISSING)
        if delta is _MISSING:
            delta = self.clocks[clock] = _clock(clock)
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
        if speaker in self.known or self.group:
            return True
        tentative = self.t_line is not None
        if tentative and speaker == self.t_speaker:
            return True
        if len(self.known) + (tentative and self.t_speaker not in self.known) < 2:
            return True
        return self._strike(speaker)

    def _strike(self, speaker: str) -> bool:
        """A third name met inside two different messages is a speaker after all (a group whose
        first lines showed two people): from then on the chat counts as a group."""
        where = self.c_first if self.t_line is None else self.t_line.number
        if self.strikes.setdefault(speaker, where) != where:
            self.group = True
        return self.group

    def _tentative(self, line: RawLine, stamp: datetime, speaker: str, body: str) -> None:
        if self.blanks:
            self._flush_blanks(layout=False)
        self.t_line, self.t_ts, self.t_speaker, self.t_text = line, stamp, speaker, body
        self.t_last, self.t_more, self.last_ts = line.number, None, stamp

    def _fold(self) -> None:
        self.mark(self.t_line, LineClass.CONTINUATION)
        more = self.c_more if self.c_more is not None else []
        more.append(self.t_line.text)
        more.extend(self.t_more or ())
        self.c_more, self.c_last, self.last_ts = more, self.t_last, self.c_ts
        self.t_line = None

    def _promote(self) -> None:
        line, more, last = self.t_line, self.t_more, self.t_last
        self.t_line = None
        self._start(line, self.t_ts, self.t_speaker, self.t_text)
        self.c_more, self.c_last = more, last

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
        if kind is None:
            kind = classify_kakao(text)
            if len(text) <= 64 and len(self.kinds) < 65536:  # chat repeats short texts a lot
                self.kinds[text] = kind
        self.out.append(Message(self.c_ts, self.c_speaker, text, kind, self.source,
                                self.c_first, self.c_last))
        self.c_ts = None

    def _end_message(self) -> None:
        if self.t_line is not None:
            self._promote()
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
        if line.text == "" and self.blank_before_day:
            return self.blanks.append(line)  # layout or text: the next line decides
        if self.blanks:
            self._flush_blanks(layout=False)
        self._continue(line)

    def _continue(self, line: RawLine) -> None:
        self.mark(line, LineClass.CONTINUATION)
        if self.t_line is not None:
            self.t_more = self.t_more or []
            self.t_more.append(line.text)
            self.t_last = line.number
        else:
            self.c_more = self.c_more or []
            self.c_more.append(line.text)
            self.c_last = line.number

    def _flush_blanks(self, layout: bool) -> None:
        """Held blank lines: the last is layout before a day line (K1'), the rest are text."""
        if not self.blanks:
            return
        blanks, self.blanks = self.blanks, []
        for blank in blanks[:-1] if layout else blanks:
            self._continue(blank) if self.c_ts is not None else self.mark(blank, LineClass.BLANK)
        if layout:
            self.mark(blanks[-1], LineClass.BLANK)
