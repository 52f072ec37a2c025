"""Repeated messages are answered from memory, and the answer is always what a fresh run of
the anonymizer would give: same text, same counts, and no stale result once a name is learned."""

from __future__ import annotations

import pytest
from kiwipiepy import Kiwi

from kakao2dataset.anonymize import Anonymizer


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
