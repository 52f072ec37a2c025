"""The gate in front of Kiwi: words no rule could turn into a name never reach the analyzer,
and names that only Kiwi's tags reveal are still found."""

from __future__ import annotations

import pytest
from kiwipiepy import Kiwi

from kakao2dataset.anonymize import Anonymizer
from kakao2dataset.anonymize.names import NameBook, NameFinder


@pytest.fixture(scope="module")
def kiwi() -> Kiwi:
    return Kiwi()


class CountingKiwi:
    """A seam: the real analyzer, with every word it is asked about recorded."""

    def __init__(self, kiwi: Kiwi) -> None:
        self.kiwi = kiwi
        self.words: list[str] = []

    def tokenize(self, words: list[str]):
        self.words.extend(words)
        return self.kiwi.tokenize(words)


def test_chat_without_candidates_never_reaches_kiwi(kiwi: Kiwi) -> None:
    counting = CountingKiwi(kiwi)
    anon = Anonymizer(speakers={"김민지": "<PERSONA>"}, kiwi=counting)
    for text in ("그냥 괜찮아 ㅋㅋㅋ", "응 알겠어~", "밥 먹었어?", "민지야 뭐해"):
        assert anon.anonymize_text(text) == text.replace("민지", "<PERSONA>")
    assert counting.words == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("도윤아 뭐해", "<NAME_1>아 뭐해"),  # noun + vocative: Kiwi's tags
        ("은우한테 물어봐", "<NAME_1>한테 물어봐"),  # a stem Kiwi cannot read as one word
        ("서진이가 온대", "<NAME_1>이가 온대"),  # euphonic 이
        ("김승훈께서 오셨어", "<NAME_1>훈께서 오셨어"),  # Kiwi's surname + short noun
    ],
)
def test_names_only_kiwi_finds_still_pass_the_gate(kiwi: Kiwi, text: str, expected: str) -> None:
    counting = CountingKiwi(kiwi)
    assert Anonymizer(kiwi=counting).anonymize_text(text) == expected
    assert text.split()[0] in counting.words


@pytest.mark.parametrize(
    "word",
    ["그냥", "괜찮아", "먹었어", "알겠어", "ㅋㅋ진짜", "어디야", "뭐해", "그러게", "몰라"],
)
def test_a_word_the_gate_drops_has_no_name_in_it(kiwi: Kiwi, word: str) -> None:
    finder = NameFinder(NameBook(), kiwi=kiwi)
    assert not finder._gate(word)
    assert finder._verdict(word, kiwi.tokenize(word)) is None


def test_allow_listed_and_speaker_forms_are_not_candidates(kiwi: Kiwi) -> None:
    finder = NameFinder(NameBook(), protected={"규리"}, kiwi=kiwi)
    assert not finder._gate("규리")
    assert finder._gate("규진이랑")
