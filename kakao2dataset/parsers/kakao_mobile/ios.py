"""KakaoTalk for iOS exports (``Talk_2024.12.10 09:12-1.txt``, usually inside a zip).

K6 (Korean), K7 (English, 12-hour, ≤ 2015 style), K7' (English, ``at`` + 24-hour clock)::

    Talk_2024.12.10 09:12-1.txt                     KakaoTalk Chats with Alice-1.txt
    저장한 날짜 : 2024. 12. 10. 오전 9:12              Date Saved : Dec 10, 2024, 9:12 AM
    (one to three blank lines)
    2024년 12월 9일 월요일                            Monday, December 9, 2024
    2024. 12. 9. 오후 2:30, 김민지 : 텍스트            Dec 9, 2024, 2:30 PM, Alice : text
    2024. 12. 9. 오후 2:31: 김민지님이 …초대했습니다.   Feb 1, 2026 at 20:35, Alice : text (K7')

Line 1 is the file name (or the room title). Day lines are weekday lines (the weekday must fit
the date). System lines follow the stamp with ``": "``. Records end in CRLF and lines inside a
multi-line message in a bare LF, the strongest look-alike signal we have. U+202F / NBSP before
AM/PM is accepted. K6h is the same Korean record layout with no header at all (older exports,
or a file cut out of one), its exporting user shown as ``회원님``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from kakao2dataset.model import Message
from kakao2dataset.parsers.base import LineAccounting, Parser, Sniff, register
from kakao2dataset.parsers.kakao_kinds import SELF_NAMES
from kakao2dataset.parsers.kakao_mobile.grammar import (
    MONTH,
    STAMPS,
    WEEKDAYS_EN,
    dialect,
    sniff_mobile,
)
from kakao2dataset.parsers.kakao_mobile.reader import Reader
from kakao2dataset.reading import RawLine

KO_DAY = r"(?P<y>\d{4})년 (?P<mo>\d{1,2})월 (?P<d>\d{1,2})일 (?P<wd>[월화수목금토일])요일"
EN_DAY = rf"(?P<wd>{'|'.join(WEEKDAYS_EN)}), (?P<mo>{MONTH}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}})"
SEPS = (", ", ": ")
DIALECTS = {
    d.variant: d
    for d in (
        dialect("K6", "KakaoTalk iOS, Korean UI", STAMPS["K6"],
                month_names=False, day=KO_DAY, seps=SEPS, headerless="K6h"),
        dialect("K7", "KakaoTalk iOS, English UI, 12-hour clock (Jul 9, 2015, 8:34 PM)",
                STAMPS["K7"], month_names=True, day=EN_DAY, seps=SEPS),
        dialect("K7'", "KakaoTalk iOS, English UI, 'at' style (Feb 1, 2026 at 20:35)",
                STAMPS["K7'"], month_names=True, day=EN_DAY, seps=SEPS),
    )
}
DIALECTS["K6h"] = DIALECTS["K6"]
# Line 1 of an iOS export: the file name, or the room title (2026 builds).
TITLE = re.compile(r".+\.txt|.+ 님과 카카오톡 대화")


@register
class KakaoIosParser(Parser):
    name = "kakao-ios"
    app = "kakaotalk"
    self_names = SELF_NAMES
    description = "KakaoTalk for iOS .txt export (Korean or English UI)"

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        dialects = (DIALECTS["K6"], DIALECTS["K7"], DIALECTS["K7'"])
        return sniff_mobile(cls.name, head, dialects, TITLE, abbr=True, lf_signal=True)

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        d = DIALECTS[str(self.sniffed.options.get("dialect", self.sniffed.variant))]
        yield from Reader(d, self.source, self.sniffed).parse(lines, accounting)
