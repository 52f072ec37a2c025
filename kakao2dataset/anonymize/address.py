"""Street (도로명) and lot (지번) addresses, apartment 동·호, and car plates.

Addresses in chat are partial (``테헤란로 123``, ``101동 1203호``); the identifying part is the
building number or the 동·호, so the rule needs a road/lot word *with a number*. A district
name alone (``강남``) stays (pii.md §2.1). ``X로 3`` is also "to X, 3 …": the number must not be
followed by a unit (시, 분, 명, 번, 원, …) and ``으로`` is never a road. Plates use the closed set
of Hangul letters on Korean plates, so ``25도 1234`` style accidents are rare.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from kakao2dataset.anonymize.registry import Detector, register
from kakao2dataset.anonymize.spans import Span

_UNITS = r"(?!\s?(?:시|분|초|번|개|명|원|살|년|월|일|주|층|시간|등|위|차|회|배|잔|병|인|cm|km|kg|m\b|%|:|\.\d|,\d))"
# 시/도, then up to two of 시/군/구 (``경기도 성남시 분당구``), then 읍/면; each level optional and
# typed with or without a space (``서울강남구테헤란로123``).
_PROVINCE = (
    r"(?:[\p{Hangul}]{1,6}(?:특별시|광역시|특별자치시|특별자치도|시|도)|서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주"
    # cities that have 구 of their own, named without 시 before one (``성남 분당구``)
    r"|수원|성남|안양|안산|고양|용인|부천|청주|천안|전주|포항|창원)"
)
_REGION = rf"(?:{_PROVINCE}\s?)?(?:[\p{{Hangul}}]{{1,6}}(?:구|군|시)\s?){{0,2}}(?:[\p{{Hangul}}]{{1,5}}(?:읍|면)\s?)?"
# What follows the number in a full address goes with it: the reference 동 in brackets
# (``여의대로 24 (여의도동)``) and the home's 동·호 (``양화로 45 302호``, ``B동 1201호``), but not a
# subway line, train car or branch (``종로 3 5호선``, ``8호차``, ``2호점``).
_TAIL = (
    r"(?:\s?\([\p{Hangul}0-9]{1,8}(?:동|가|리)(?:,\s?[^()\n]{1,20})?\))?"
    r"(?:,?\s?(?:(?:\d{1,4}|[A-Za-z])\s?동\s?)?\d{1,4}\s?호(?![0-9]|선|차|기|점|수))?"
)
_ROAD = regex.compile(
    rf"(?<![\p{{Hangul}}]){_REGION}(?P<road>[\p{{Hangul}}0-9]{{1,12}}(?:대로|로|길))\s?"
    rf"(?:\d{{1,3}}번?길\s?)?(?:지하\s?)?\d{{1,4}}(?:-\d{{1,4}})?(?:\s?번지)?(?![0-9]){_UNITS}{_TAIL}"
)
_LOT = regex.compile(
    rf"(?<![\p{{Hangul}}]){_REGION}[\p{{Hangul}}0-9]{{1,8}}(?:동|리|가)\s?(?:산\s?)?"
    rf"\d{{1,4}}(?:-\d{{1,4}}(?:\s?번지)?|\s?번지)(?![0-9]|\s?호){_UNITS}{_TAIL}"
)
_LOT_WITH_DISTRICT = regex.compile(
    rf"(?<![\p{{Hangul}}])(?:{_PROVINCE}\s)?(?:[\p{{Hangul}}]{{1,6}}(?:구|군|시)\s)?[\p{{Hangul}}]{{1,6}}(?:구|군|시|읍|면)\s"
    rf"[\p{{Hangul}}0-9]{{1,8}}(?:동|리|가)\s?(?:산\s?)?\d{{1,4}}(?![0-9]|\s?동\s?\d){_UNITS}{_TAIL}"
)
# The building's name goes with its 동·호 (``래미안 아파트 101동 1203호``, ``한빛마을3단지 302동``);
# ``101-1203호`` is the same 동·호 typed short (a year range such as ``2024-2025호`` is an issue).
_UNIT = regex.compile(
    r"(?:(?<![0-9])(?:[\p{Hangul}A-Za-z][\p{Hangul}A-Za-z0-9]{0,14}\s?)?(?:아파트|빌라|오피스텔|맨션|타워|빌|하이츠|자이|래미안|힐스테이트|푸르지오|아이파크|단지)\s?)?"
    r"(?:(?<![0-9A-Za-z])(?:\d{1,4}|[A-Za-z])\s?동\s?\d{1,4}\s?호|(?<![0-9-])(?!(?:19|20)\d\d-(?:19|20)\d\d)\d{2,4}-\d{3,4}\s?호)"
)
# No Hangul look-behind: plates are typed glued to words (``집앞에12가3456차세워놨어``); the digit
# look-behind keeps ``1234가 5678`` out.
_PLATE_CORE = r"\d{2,3}\s?[가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주바사아자배하허호]\s?\d{4}"
_PLATE = regex.compile(
    r"(?<![0-9])(?:(?:서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주)\s?)?"
    rf"{_PLATE_CORE}(?![0-9])(?!\s?(?:원|억|만|명|개|번|년|년도|km|m))"
)
# Every plate holds its core; searching for the core alone skips the region prefix, which the
# full pattern tries at every position (half the cost on lines with none, bench_pii's profile).
_PLATE_GATE = regex.compile(_PLATE_CORE)


# What every road / lot match holds right after its suffix (a digit, maybe after 지하 or 산):
# a search for it costs far less than the patterns, whose region prefix is tried at every
# Hangul letter, and 가/로 end many ordinary words.
_ROAD_GATE = regex.compile(r"[로길]\s?(?:지하\s?)?\d")
_LOT_GATE = regex.compile(r"[동리가]\s?(?:산\s?)?\d")


# Words ending in 로/길 that name products, not roads: ``아이폰 프로2``, ``제로3``.
_NOT_ROADS = ("프로", "제로", "마이크로", "매크로", "히어로", "레트로", "에어로", "유로")


def find_address(text: str, context: str = "") -> Iterator[Span]:
    """``서울 강남구 테헤란로 123``, ``동부리 388-2``, ``OO아파트 101동 1203호``."""
    if ("로" in text or "길" in text) and _ROAD_GATE.search(text):
        for m in _ROAD.finditer(text):
            if not m.group("road").endswith(("으로", *_NOT_ROADS)):
                yield Span(m.start(), m.end(), "ADDRESS", 0.8)
    if any(c in text for c in "동리가") and _LOT_GATE.search(text):
        for pattern in (_LOT, _LOT_WITH_DISTRICT):
            for m in pattern.finditer(text):
                yield Span(m.start(), m.end(), "ADDRESS", 0.7)
    # Last: a road or lot match may already hold this 동·호 in its tail, and the first span
    # claimed wins (``공릉로 232, 101동 1203호`` is one address, not a road left beside a 호).
    if "호" in text and ("동" in text or "-" in text):
        for m in _UNIT.finditer(text):
            yield Span(m.start(), m.end(), "ADDRESS", 0.9)


def find_plate(text: str, context: str = "") -> Iterator[Span]:
    """``12가 3456``, ``123가4567``, ``서울 12가 3456``."""
    if _PLATE_GATE.search(text) is None:
        return
    for m in _PLATE.finditer(text):
        yield Span(m.start(), m.end(), "PLATE", 0.9)


REGISTERED = register(
    "address",
    Detector("ADDRESS", 50, find_address, min_digits=1, plain_runs=True,
             examples=("서울 강남구 테헤란로 123", "동부리 388-2", "래미안 101동 1203호", "종로 3")),
    Detector("PLATE", 60, find_plate, min_digits=6,
             examples=("12가 3456", "서울 12가 3456", "123가4567")),
)  # fmt: skip
PLACE_DETECTORS = tuple(r.find for r in REGISTERED)
