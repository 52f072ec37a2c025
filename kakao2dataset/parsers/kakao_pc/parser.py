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
signal tells a line inside a message from a new record, and a record carries only a time of
day. The rules (issue #10), in this order:

1. A day line is real only if its date is valid, its weekday matches, and it is not earlier
   than the current day; otherwise it is text of the message being read (a record has no date
   of its own to overrule it). The current day's line again is a repeated day line (counted).
2. A record-shaped line is a record, **even when its time goes back** (late delivery, a clock
   change, a hand edit: counted as "time goes back" and listed by ``k2d inspect``). Pasted text
   needs stronger evidence, and the one a PC export can show is a name that is not a speaker:
   in a chat that is not a group, once two speakers are known, a third name is text (a group:
   ≥ 3 speakers with ≥ 2 lines each, or a join/invite line, in the first lines; a file name
   ending in ``_group.txt``; any system line met so far; or a third name met inside two
   different messages, so a group is not read as text for long). In doubt, a record.

System lines carry no time: they get the time of the last message of the same day, else
midnight. A blank line right before a day line is layout (K1' writes one before each; other
layouts sometimes do); other blank lines are text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from kakao2dataset.model import Message
from kakao2dataset.parsers.base import LineAccounting, Parser, Sniff, register
from kakao2dataset.parsers.kakao_pc.grammar import (
    DATELESS_DAY,
    GROUP_SPEAKERS,
    LANGS,
    SAVED,
    is_day,
    is_system,
    pc_day,
    title_of,
)
from kakao2dataset.parsers.kakao_pc.reader import PcReader
from kakao2dataset.reading import RawLine


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
        return PcReader(self.source, self.sniffed.options, accounting).run(lines)



class _HeadFacts:
    """What the first lines show: header, language, layout, speakers; turned into a claim."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.title = next((m for m in map(title_of, texts[:2]) if m), None)
        self.saved = any(SAVED.match(t) for t in texts[:4])
        self.other_saved = not self.saved and any(
            t.startswith(("저장한 날짜", "Date Saved")) for t in texts[:4])
        self.lang = max(LANGS, key=self._evidence)
        spec = LANGS[self.lang]
        self.days = _rising_days(texts, self.lang)
        names = Counter(m[1] for t in texts if (m := spec["message"].match(t)))
        self.speakers = {name for name, n in names.items() if n >= 2}  # not a one-off paste
        self.messages = sum(names.values())
        self.system = any(is_system(t, self.lang) for t in texts)

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
        starts = is_day(first, self.lang) or bool(LANGS[self.lang]["message"].match(first))
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
        day = pc_day(match, lang) if match else None
        if day and (last is None or day > last):
            found.append(index)
            last = day
    return found
