"""Repeated messages are answered from memory, and the answer is always what a fresh run of
the anonymizer would give: same text, same counts, and no stale result once a name is learned."""

from __future__ import annotations

import random

import pytest
from kiwipiepy import Kiwi

from kakao2dataset.anonymize import Anonymizer
from kakao2dataset.anonymize.structured import (
    CONTEXT_CUES,
    NUMBER_DETECTORS,
    find_account,
    reads_context,
)


@pytest.fixture(scope="module")
def kiwi() -> Kiwi:
    return Kiwi()


def test_a_repeat_counts_like_the_first_time(kiwi: Kiwi) -> None:
    anon = Anonymizer(speakers={"김민지": "<PERSONA>"}, kiwi=kiwi)
    for _ in range(3):
        assert anon.anonymize_text("민지야 ㅋㅋㅋ") == "<PERSONA>야 ㅋㅋㅋ"
        assert anon.anonymize_text("코드 8812345 확인") == "코드 <NUMBER> 확인"
    assert anon.stats() == {"replaced": {"GUARD_NUMBER": 3, "SPEAKER": 3}, "leak_guard_flagged": 3}


def test_a_name_learned_later_reaches_a_repeated_message(kiwi: Kiwi) -> None:
    anon = Anonymizer(kiwi=kiwi)
    assert anon.anonymize_text("은결 그거 알아") == "은결 그거 알아"  # a bare word: not a name yet
    assert anon.anonymize_text("은결아 어디야") == "<NAME_1>아 어디야"
    assert anon.anonymize_text("은결 그거 알아") == "<NAME_1> 그거 알아"


def test_cue_words_in_the_previous_message_are_not_replayed(kiwi: Kiwi) -> None:
    anon = Anonymizer(kiwi=kiwi)
    number = "110 234 567890"
    assert anon.anonymize_text(number, context="계좌 불러줘") == "<ACCOUNT>"
    # no cue: not an account, only the leak guard's run of digits
    assert anon.anonymize_text(number, context="몇 개 샀어?") == "<NUMBER>"


def test_a_number_line_after_a_line_without_cues_is_replayed_as_a_fresh_run(kiwi: Kiwi) -> None:
    """Lines a number rule reads are kept too, when the previous line held no cue word; they
    are replayed after such a line only, and equal what a fresh anonymizer gives."""
    lines = [("몇 개 샀어?", "110 234 567890"), ("밥 먹자", "110 234 567890")]
    lines += [("계좌 불러줘", "110 234 567890"), ("돈 보내", "줘 110 234 567890")]
    lines += [("그래", "110 234 567890"), ("사업자 번호는", "1168200276"), ("음", "1168200276")]
    anon = Anonymizer(kiwi=kiwi)
    for context, text in lines * 2:
        fresh = Anonymizer(kiwi=kiwi).anonymize_text(text, context=context)
        assert anon.anonymize_text(text, context=context) == fresh, (context, text)
    assert anon.anonymize_text("110 234 567890", context="계좌 불러줘") == "<ACCOUNT>"
    assert anon.anonymize_text("110 234 567890", context="ㅋㅋ") == "<NUMBER>"


def test_a_context_without_cues_changes_no_number_rule() -> None:
    """What the repeat cache relies on: ``reads_context(c)`` False means every rule that reads
    the previous message gives the same spans with ``c`` as with none."""
    rng = random.Random(13)
    pieces = [*CONTEXT_CUES, "보내", "보", "줘", " ", "ㅋㅋ", "밥", "번호", "은", "카", "뱅", "x"]
    pieces += ["ㅋ" * 10] * 8  # cues 25 to 40 characters back: only find_account reads them
    numbers = ["110 234 567890", "1168200276", "4111111111111111", "11-19-123456-12", "110-23-4567"]
    seen = {True: 0, False: 0}
    for _ in range(3000):
        context = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        text = (
            rng.choice(["", "줘 ", "계좌 ", "주문 "]) + rng.choice(numbers) + rng.choice(["", "원"])
        )
        reads = reads_context(context)
        seen[reads] += 1
        if not reads:
            for detect in NUMBER_DETECTORS:
                assert list(detect(text, context)) == list(detect(text, "")), (context, text)
    assert seen[True] > 100 and seen[False] > 100
    # A cue with a space can span the two messages: "보내" + " " + "줘".
    spanning = ("줘 110 234 567890", "돈 보내")
    assert reads_context(spanning[1])
    assert list(find_account(*spanning)) != list(find_account(spanning[0], ""))
