"""Number-shaped PII: resident numbers, cards, phones, business numbers, passports,
licences and bank accounts.

Each rule is a pattern bounded by digit lookarounds — never ``\\b``, because Hangul counts as a
word character and particles glue onto numbers (``카드4111111111111111이야``) — plus a validator
that raises the score, and cue words matched as plain substrings near the match (pii.md §1.4:
lemma matching does not work for Korean). Every function takes the detection copy and a
``context`` string (the previous message, for cues like ``계좌 불러줘`` ⏎ ``110 234 567890``)
and yields :class:`Span` objects.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from kakao2dataset.anonymize.registry import Detector, cue_search, register
from kakao2dataset.anonymize.spans import Span
from kakao2dataset.anonymize.validators import (
    brn_checksum,
    digits_of,
    luhn_ok,
    phone_valid,
    rrn_checksum,
    rrn_plausible,
    yymmdd_plausible,
)

_SEP = r"(?:\s?[-.~]\s?|\s)?"
_NOT_UNIT = r"(?!\s?(?:원|만|천|억|달러|개|명|년|회|시|분|초|번째|등|위|점|%|km|kg))"
# Between the halves: nothing, spaces, or a dash with spaces either side (``900101 - 1234568``;
# ``ㅡ`` is the Hangul vowel typed as a dash on a phone keyboard; ``_ . /`` as other keyboards'
# dashes); the back half may be split
# after its gender digit (``900101 1 234568``, read out as "birth date, gender, the rest").
_RRN = regex.compile(
    r"(?<![0-9])\d{6}(?:\s{0,3}[-ㅡ~_./·]\s{0,3}|\s{1,3})?[1-8](?:\s|-)?\d{6}(?![0-9])"
)
_RRN_MASKED = regex.compile(r"(?<![0-9])\d{6}\s?-?\s?[1-8][*xX●○]{6}")
_PHONE_MASKED = regex.compile(
    r"(?<![0-9])01[016789][-. ]?(?:[*xX●]{3,4}[-. ]?\d{4}|\d{3,4}[-. ]?[*xX●]{4})(?![0-9])"
)
_CARD_GROUPED = regex.compile(
    r"(?<![0-9*])(?:[0-9*]{4}([- ])[0-9*]{4}\1[0-9*]{4}\1[0-9*]{4}(?:\1[0-9]{1,3})?"
    r"|\d{4}([- ])\d{6}\2\d{5}|\d{4}([- ])\d{6}\3\d{4})(?![0-9*])"
)
_CARD_PLAIN = regex.compile(r"(?<![0-9])\d{13,19}(?![0-9])")
_PHONE = regex.compile(
    r"(?<![0-9+])(?<![0-9][-.])(?:"
    rf"(?:\+\s?|00)82{_SEP}(?:\(0\))?0?(?:1[016789]|2|[3-6][1-5]|70){_SEP}\d{{3,4}}{_SEP}\d{{4}}"
    rf"|01[016789]{_SEP}\d{{3,4}}{_SEP}\d{{4}}"
    rf"|0(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80|60|50[2-8]){_SEP}\d{{3,4}}{_SEP}\d{{4}}"
    rf"|1[5-8][0-9]{{2}}{_SEP}\d{{4}}{_NOT_UNIT}"
    r")(?![0-9])"
)
_PHONE_INTL = regex.compile(r"(?<![0-9])\+\s?[1-9]\d{0,2}(?:[\s.\-]?\(?\d{1,4}\)?){2,5}(?![0-9])")
_PHONE_JP = regex.compile(r"(?<![0-9])0\d{1,4}-\d{1,4}-\d{4}(?![0-9])")
_BRN = regex.compile(r"(?<![0-9])(?<![0-9][-.])\d{3}\s?-\s?\d{2}\s?-\s?\d{5}(?![0-9])")
_BRN_PLAIN = regex.compile(r"(?<![0-9])\d{10}(?![0-9])")
# Typed with spaces (``M 1234 5678``, ``M 123 A 4567``) only with an upper-case letter: ``m 1234``
# is a size or a unit far more often.
_PASSPORT = regex.compile(
    r"(?<![A-Za-z0-9])(?:[MSRODGmsrodg]\d{3}[A-Za-z]\d{4}|[MSRODmsrod]\d{8}"
    r"|[MSRODG] ?\d{3} ?[A-Z] ?\d{4}|[MSROD] ?\d{4} ?\d{4})(?![A-Za-z0-9])"
)
# Half a resident number sent alone after a cue (``앞자리 900101``, ``뒷자리는 1234567``): the
# front half is a birth date, the back half starts with the gender digit.
# 생년월일 asks for the same six digits (and forms ask for it next to the name); ``19900101``
# after it is the same birth date, which the leak guard would let through as a date.
RRN_HALF_CUES = ("앞자리", "뒷자리", "주민", "생년월일")
_RRN_HALF_CUE = cue_search(RRN_HALF_CUES)
_RRN_FRONT = regex.compile(r"(?<![0-9])(?:19|20)?\d{6}(?![0-9])")
_RRN_BACK = regex.compile(r"(?<![0-9])[1-8]\d{6}(?![0-9])")
_LICENSE = regex.compile(
    r"(?<![0-9])(?:(?:1[1-9]|2[0-8])|(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산)\s?)"
    r"[- ]?\d{2}[- ]?\d{6}[- ]?\d{2}(?![0-9])"
)
_ACCOUNT = regex.compile(
    r"(?<![0-9])\d{2,6}(?:(?:\s?-\s?|\s)\d{2,8}){1,4}(?![0-9])|(?<![0-9])\d{10,16}(?![0-9])"
)

_DIGIT_GROUP = regex.compile(r"\d+")
_DATE_INSIDE = regex.compile(
    r"(?<![0-9])(?:19|20)\d{2}\s?[-./]\s?\d{1,2}\s?[-./]\s?\d{1,2}(?![0-9])"
)
_CONTINUES = regex.compile(r"[:,][0-9]|\s?(?:원|만|천|억|달러|불|엔|시|분|개|명|번째)")
_BANK_CUES = (
    "계좌", "입금", "송금", "이체", "예금주", "보내줘", "보내 줘", "붙여줘", "은행", "뱅크", "카뱅",
    "국민", "신한", "우리", "하나", "농협", "기업", "토스", "케뱅", "새마을", "신협", "우체국",
    "수협", "SC", "씨티", "KB", "NH", "IBK", "account",
)  # fmt: skip
_BRN_CUES = ("사업자", "법인", "등록번호")
_LICENSE_CUES = ("면허",)
# Numbers a cue word says are an order, a receipt, a booking or a parcel: not a person's.
# The leak guard reads the same list (guard._ORDER_BEFORE).
ORDER_CUES = ("주문", "송장", "운송장", "택배", "배송", "order", "영수증", "승인번호", "예약번호",
              "접수번호", "접수 번호", "예매번호", "결제번호", "거래번호", "티켓번호", "tracking")  # fmt: skip
_ORDER_CUES = ORDER_CUES


CONTEXT_CUES = (*_BANK_CUES, *_BRN_CUES, *_LICENSE_CUES, *_ORDER_CUES)
CONTEXT_READ = 40  # the most of the previous message any rule reads (find_account)
_CUE = regex.compile("|".join(regex.escape(cue) for cue in CONTEXT_CUES))
_CUE_HEADS = tuple(cue[:i] for cue in CONTEXT_CUES for i, ch in enumerate(cue) if ch == " ")


def reads_context(context: str) -> bool:
    """Whether some rule could find a cue that involves ``context`` (the previous message).
    If not, every detector gives the same spans with it as with no context at all: a cue in
    the window ``context[-before:] + " " + ...`` either lies in that tail or spans the space
    after it, which only a cue with a space can (``보내`` + `` 줘``).

    >>> reads_context("계좌 불러줘"), reads_context("밥 먹자"), reads_context("돈 보내")
    (True, False, True)
    """
    tail = context[-CONTEXT_READ:]
    return bool(tail) and (_CUE.search(tail) is not None or tail.endswith(_CUE_HEADS))


def _near(
    text: str, context: str, start: int, end: int, cues: tuple[str, ...], before: int = 25
) -> bool:
    window = (
        context[-before:] + " " + text[max(0, start - before) : start] + " " + text[end : end + 12]
    )
    return any(cue in window for cue in cues)


def find_rrn(text: str, context: str = "") -> Iterator[Span]:
    """``900101-1234568``, ``9001011234568``, ``900101 - 1234568``, ``900101 1 234568``;
    post-2020 numbers too; half-masked ``900101-1******`` (birth date + gender still identify);
    one half alone after a cue (``앞자리 900101``, ``생년월일 19900101``, ``뒷자리 1234568``)."""
    for m in _RRN.finditer(text):
        number = digits_of(m.group())
        if rrn_plausible(number):
            yield Span(m.start(), m.end(), "RRN", 1.0 if rrn_checksum(number) else 0.7)
    for m in _RRN_MASKED.finditer(text):
        yield Span(m.start(), m.end(), "RRN", 0.8)
    if _RRN_HALF_CUE.search(text):
        for pattern, ok in ((_RRN_FRONT, yymmdd_plausible), (_RRN_BACK, bool)):
            for m in pattern.finditer(text):
                if ok(m.group()[-6:] if ok is yymmdd_plausible else m.group()) and _near(
                    text, "", m.start(), m.end(), RRN_HALF_CUES, 12
                ):
                    yield Span(m.start(), m.end(), "RRN", 0.7)


def find_card(text: str, context: str = "") -> Iterator[Span]:
    """Grouped 4-4-4-4 (or AMEX 4-6-5) is a card whatever Luhn says; a plain 13–19-digit run
    needs Luhn and no order cue (``주문번호 1234567890123456`` stays an order number)."""
    for m in _CARD_GROUPED.finditer(text):
        number = digits_of(m.group())
        if len(number) >= 8:
            yield Span(m.start(), m.end(), "CARD", 1.0 if luhn_ok(number) else 0.6)
    for m in _CARD_PLAIN.finditer(text):
        if luhn_ok(m.group()) and not _near(text, context, m.start(), m.end(), _ORDER_CUES):
            yield Span(m.start(), m.end(), "CARD", 0.9)


def find_phone(text: str, context: str = "") -> Iterator[Span]:
    """Korean mobile/landline/VoIP/050X/UAN numbers, +82 forms, other ``+`` numbers and JP."""
    for m in _PHONE.finditer(text):
        yield Span(m.start(), m.end(), "PHONE", 1.0 if phone_valid(digits_of(m.group())) else 0.6)
    for m in _PHONE_INTL.finditer(text):
        if phone_valid("+" + digits_of(m.group())):
            yield Span(m.start(), m.end(), "PHONE", 1.0)
    for m in _PHONE_MASKED.finditer(text):
        yield Span(m.start(), m.end(), "PHONE", 0.7)
    for m in _PHONE_JP.finditer(text):
        if phone_valid(m.group(), "JP"):
            yield Span(m.start(), m.end(), "PHONE", 0.9)


def find_brn(text: str, context: str = "") -> Iterator[Span]:
    """``116-82-00276``: the 3-2-5 shape with a valid check digit or a 사업자 cue."""
    for m in _BRN.finditer(text):
        ok = brn_checksum(digits_of(m.group()))
        if ok or _near(text, context, m.start(), m.end(), _BRN_CUES):
            yield Span(m.start(), m.end(), "BRN", 1.0 if ok else 0.6)
    for m in _BRN_PLAIN.finditer(text):
        if _near(text, context, m.start(), m.end(), _BRN_CUES):
            yield Span(m.start(), m.end(), "BRN", 0.8)


def find_passport(text: str, context: str = "") -> Iterator[Span]:
    """``M123A4567`` (since 2021) and ``M12345678`` (older booklets)."""
    for m in _PASSPORT.finditer(text):
        yield Span(m.start(), m.end(), "PASSPORT", 0.9)


def find_license(text: str, context: str = "") -> Iterator[Span]:
    """``11-19-123456-12`` (region code 11–28) or ``서울 19-123456-12``; a bare 12-digit run
    needs a 면허 cue."""
    for m in _LICENSE.finditer(text):
        grouped = not m.group().isdigit()
        if grouped or _near(text, context, m.start(), m.end(), _LICENSE_CUES):
            yield Span(m.start(), m.end(), "LICENSE", 0.9)


def find_account(text: str, context: str = "") -> Iterator[Span]:
    """10–14 digits (no checksum exists): hyphen-grouped into 3+ groups, or any grouping with a
    bank/transfer cue in this or the previous message."""
    for m in _ACCOUNT.finditer(text):
        if _DATE_INSIDE.search(m.group()) or _CONTINUES.match(text, m.end()):
            continue  # "2024-11-22 14:30", "2024-11-22 61,000원": a date then a time or money
        number = digits_of(m.group())
        if not 10 <= len(number) <= 16:
            continue
        groups = len(_DIGIT_GROUP.findall(m.group()))
        cue = _near(text, context, m.start(), m.end(), _BANK_CUES, before=CONTEXT_READ)
        if cue or ("-" in m.group() and groups >= 3 and len(number) <= 14):
            if not cue and _near(text, context, m.start(), m.end(), _ORDER_CUES):
                continue  # "운송장 123-456-7890": a parcel, not an account
            yield Span(m.start(), m.end(), "ACCOUNT", 0.9 if cue else 0.6)


def _rrn_gate(text: str, digits: int) -> bool:
    return digits >= 7 or (digits >= 6 and _RRN_HALF_CUE.search(text) is not None)


REGISTERED = register(
    "structured",
    Detector("RRN", 30, find_rrn, min_digits=6, cues=RRN_HALF_CUES, gate=_rrn_gate, context=True,
             group="number", examples=("900101-1234568", "900101-1******", "앞자리 900101",
                                       "주민번호 뒷자리 1234568", "생년월일 900101",
                                       "900101 - 1234568", "900101 1 234568")),
    Detector("CARD", 31, find_card, min_digits=8, context=True, group="number",
             examples=("4111-1111-1111-1111", "카드4111111111111111이야", "****-****-1234-5678")),
    Detector("PHONE", 32, find_phone, min_digits=7, context=True, group="number",
             examples=("010-1234-5678", "+82 10 1234 5678", "010-****-5678", "1588-1234",
                       "03-1234-5678")),
    Detector("BRN", 33, find_brn, min_digits=10, context=True, group="number",
             examples=("116-82-00276", "사업자 1234567890")),
    Detector("PASSPORT", 34, find_passport, min_digits=7, context=True, group="number",
             examples=("M123A4567", "M12345678", "M 1234 5678")),
    Detector("LICENSE", 35, find_license, min_digits=10, context=True, group="number",
             examples=("11-19-123456-12", "서울 19-123456-12", "면허 111912345612")),
    Detector("ACCOUNT", 36, find_account, min_digits=10, context=True, group="number",
             examples=("110-234-567890", "계좌 110234567890")),
)  # fmt: skip
NUMBER_DETECTORS = tuple(r.find for r in REGISTERED)
