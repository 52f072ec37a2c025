"""KakaoTalk for Android exports (``KakaoTalkChats.txt``, usually inside a zip).

K4 (Korean), K5 (English, US dates) and K5' (English, day-first dates)::

    김민지 님과 카카오톡 대화                          KakaoTalk Chats with Alice
    저장한 날짜 : 2024년 12월 10일 오전 9:12          Date Saved : December 10, 2024, 9:12 AM
    (two blank lines)
    2024년 12월 9일 오후 2:30                         December 9, 2024, 2:30 PM
    2024년 12월 9일 오후 2:30, 김민지 : 텍스트        December 9, 2024, 2:30 PM, Alice : text
    2024년 12월 9일 오후 2:40, 이준호님이 나갔습니다.   9 December 2024, 2:40 PM, you : (K5')

The day line is the bare timestamp of the day's first message (exactly a message prefix); it
counts as a day line only when the next line repeats it and its date is new. System lines share
the prefix and have no ``" : "``. The exporting user may appear as ``회원님`` / ``you``. How
look-alike lines and ``" : "`` in names are decided: :mod:`.grammar`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from kakao2dataset.model import Message
from kakao2dataset.parsers.base import LineAccounting, Parser, Sniff, register
from kakao2dataset.parsers.kakao_kinds import SELF_NAMES
from kakao2dataset.parsers.kakao_mobile.grammar import (
    STAMPS,
    dialect,
    sniff_mobile,
)
from kakao2dataset.parsers.kakao_mobile.reader import Reader
from kakao2dataset.reading import RawLine

DIALECTS = {
    d.variant: d
    for d in (
        dialect("K4", "KakaoTalk Android, Korean UI", STAMPS["K4"], month_names=False),
        dialect("K5", "KakaoTalk Android, English UI; dates month-first (US): Month D, YYYY",
                STAMPS["K5"], month_names=True),
        dialect("K5'", "KakaoTalk Android, English UI; dates day-first: D Month YYYY",
                STAMPS["K5'"], month_names=True),
    )
}
# Line 1 of an Android export: the room title (never a file name, unlike iOS).
TITLE = re.compile(r"(?!.*\.txt$)(?:.+ 님과 카카오톡 대화|KakaoTalk Chats .+)")


@register
class KakaoAndroidParser(Parser):
    name = "kakao-android"
    app = "kakaotalk"
    self_names = SELF_NAMES
    description = "KakaoTalk for Android .txt export (Korean or English UI)"

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        return sniff_mobile(cls.name, head, tuple(DIALECTS.values()), TITLE, abbr=False)

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        d = DIALECTS[str(self.sniffed.options.get("dialect", self.sniffed.variant))]
        yield from Reader(d, self.source, self.sniffed).parse(lines, accounting)
