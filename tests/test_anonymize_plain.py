"""The plain path: a text the anonymizer returns untouched without running its rules must be
one the full path would also have returned untouched, with nothing counted. Each test compares
the anonymizer with the same anonymizer whose plain path is switched off."""

from __future__ import annotations

import random
import sys
import unicodedata
from datetime import datetime

import pytest

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
from kakao2dataset.anonymize import plain as plain_module
from kakao2dataset.anonymize.names import shared_kiwi
from kakao2dataset.anonymize.normalize import normalize
from kakao2dataset.model import Message, MessageKind

SPEAKERS = {"김민지": "<PERSONA>", "이준호": "<USER>"}
NICKNAMES = {"김민지": ["작은 곰"]}  # a form with a space: matched across two words


def _anonymizer(plain: bool, **config) -> Anonymizer:
    anon = Anonymizer(
        AnonymizerConfig(**config), speakers=SPEAKERS, nicknames=NICKNAMES, kiwi=shared_kiwi()
    )
    if not plain:
        anon._plain.holds = lambda text: False  # noqa: SLF001 (the full path for every text)
    return anon


def _messages(texts: list[str]) -> list[Message]:
    return [
        Message(datetime(2024, 1, 5, 14, i % 60), "김민지", t, MessageKind.TEXT, "chat.txt", i, i)
        for i, t in enumerate(texts)
    ]


def _both(texts: list[str], **config) -> tuple[list[str], list[str], Anonymizer]:
    """(outputs with the plain path, outputs without, the anonymizer with it); stats equal."""
    fast, full = _anonymizer(True, **config), _anonymizer(False, **config)
    fast.trace, full.trace = [], []
    out_fast = [m.text for m in fast.anonymize_messages(_messages(texts))]
    out_full = [m.text for m in full.anonymize_messages(_messages(texts))]
    assert fast.stats() == full.stats()
    assert fast.trace == full.trace
    assert fast.book.index == full.book.index
    return out_fast, out_full, fast


# Lines that must take the full path, each for the reason in its comment.
NOT_PLAIN = [
    "민지야 뭐해",  # a speaker's given name
    "어제 김민지 봤어",  # a speaker's full name
    "우리 작은 곰 어디 갔어",  # a nickname spanning two words
    "준호한테 물어봐",  # the other speaker
    "공일공 일이삼사 오육칠팔이야",  # a phone number in Hangul numerals, over three words
    "공일공일이삼사오육칠팔",  # the same in one word
    "010 1234 5678",  # digits split by spaces: the number rules read across words
    "테헤란로 12 앞에서 봐",  # an address: 3 digits are plain, the road before them is not
    "101동 1203호",  # an apartment unit
    "은우 씨 왔어",  # an honorific after a name
    "김 대리님이 그러던데",  # a surname and a job title in two words
    "와이파이 비번 qwer1234",  # a secret cue
    "minji at naver dot com",  # a spelled e-mail
    "www.example 가봐",  # a URL start
    "Mr Kim 왔어",  # upper case: English names
    "さくらさん 来た",  # kana: Japanese names
    "민\u200b지야",  # a zero-width split inside a name (normalize folds it)
]

PLAIN = ["ㅋㅋ 그래 내일 보자", "밥 먹었어?", "3시에 보자", "5월 17일 ㅎㅎ", "ok 알겠어~ 👍"]


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_lines_a_rule_reads_take_the_full_path(text: str) -> None:
    fast, full, anon = _both(["그냥 안녕", text])
    assert fast == full
    assert not anon._plain.holds(text)  # noqa: SLF001


@pytest.mark.parametrize("text", PLAIN)
def test_plain_lines_come_back_untouched(text: str) -> None:
    fast, full, anon = _both([text])
    assert fast == full == [text]
    assert anon._plain.holds(text)  # noqa: SLF001


def test_allow_and_deny_words_are_never_plain() -> None:
    config = {"allow": ["구름이"], "deny": ["우리 회사", "빵집"]}
    texts = ["구름이 산책 갔어", "우리 회사 앞", "회사 앞", "빵집 가자", "그냥 걷자"]
    fast, full, anon = _both(texts, **config)
    assert fast == full
    assert [anon._plain.holds(t) for t in texts] == [False, False, False, False, True]  # noqa: SLF001


def test_a_word_seen_plain_stops_being_plain_once_a_name_in_it_is_learned() -> None:
    texts = ["은우표 나왔어", "은우 씨 왔어", "은우표 나왔어"]  # Kiwi: 은우표 holds no name
    fast, full, anon = _both(texts)
    assert fast == full
    assert fast[2] != texts[2]  # the learned name is replaced at the start of the word
    assert not anon._plain.holds("은우표 나왔어")  # noqa: SLF001


def test_a_learned_name_that_is_an_ordinary_word_stays_out_of_longer_words() -> None:
    texts = ["지원금 나왔어", "지원 씨 왔어", "지원금 나왔어", "지원이가 그러던데"]
    fast, full, _ = _both(texts)
    assert fast == full == ["지원금 나왔어", "<NAME_1> 씨 왔어", "지원금 나왔어", "<NAME_1>이가 그러던데"]


def test_a_word_first_seen_after_the_name_in_it_was_learned_is_not_plain() -> None:
    fast, full, _ = _both(["은우 씨 왔어", "은우표 나왔어"])  # Kiwi: 은우표 holds no name
    assert fast == full == ["<NAME_1> 씨 왔어", "<NAME_1>표 나왔어"]


def test_names_learned_later_unmark_the_words_and_lines_that_hold_them() -> None:
    names = ["하윤", "서준", "지호", "도윤", "시우", "하준", "예준", "은결", "혜인", "은우"]
    texts = ["은우표 나왔어", "그 은우표 나왔어"]
    texts += [*(f"{n} 씨 왔어" for n in names), *texts]
    fast, full, anon = _both(texts)
    assert fast == full
    assert fast[-2:] == ["<NAME_10>표 나왔어", "그 <NAME_10>표 나왔어"]
    assert anon._plain.holds("나왔어") and not anon._plain.holds("은우표")  # noqa: SLF001


@pytest.mark.parametrize("max_words", [1, 2, 3])
def test_forgetting_everything_when_full_keeps_the_answers_right(max_words: int) -> None:
    """With room for a word or two, words are forgotten while a line is being checked: the
    line must not be kept as plain past a name learned in a word no longer remembered."""
    fast, full = _anonymizer(True), _anonymizer(False)
    fast._plain._max_words = max_words  # noqa: SLF001
    texts = ["은우표 가방 밥", "은우 씨 왔어", "은우표 가방 밥"]
    out = [m.text for m in fast.anonymize_messages(_messages(texts))]
    assert out == [m.text for m in full.anonymize_messages(_messages(texts))]
    assert out[2] == "<NAME_1>표 가방 밥"


def test_split_number_fragments_still_caught() -> None:
    fast, full, _ = _both(["내 번호", "010", "1234", "5678", "저장해"])
    assert fast == full == ["내 번호", "<PHONE>", "<PHONE>", "<PHONE>", "저장해"]


def test_name_detection_off_never_loads_kiwi_for_the_plain_path() -> None:
    class NoKiwi:
        def tokenize(self, words):
            raise AssertionError("Kiwi asked while name detection is off")

    anon = Anonymizer(AnonymizerConfig(name_detection=False), speakers=SPEAKERS, kiwi=NoKiwi())
    assert anon.anonymize_text("하윤이랑 밥 먹었어") == "하윤이랑 밥 먹었어"
    assert anon._plain.holds("하윤이랑 밥 먹었어")  # noqa: SLF001


def test_random_lines_equal_the_full_path() -> None:
    """Words from every class above, shuffled into lines: same output, counts and numbering."""
    rng = random.Random(11)
    words = [w for line in NOT_PLAIN + PLAIN for w in line.split()]
    words += ["하윤이랑", "서연아", "민수", "씨", "님", "대리", "at", "0", "7", "@", "김", "1", "\n"]  # fmt: skip
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 7))) for _ in range(600)]
    fast, full, anon = _both(texts)
    assert fast == full
    assert 0 < sum(anon._plain.holds(t) for t in texts) < len(texts)  # noqa: SLF001


def test_plain_characters_are_never_folded_and_whitespace_never_is() -> None:
    """Every character a plain word may hold is left alone by normalize, is no upper-case
    letter and no kana/Han; every character ``str.split`` splits on is left alone too."""
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if plain_module._PLAIN_CHARS.fullmatch(ch):  # noqa: SLF001
            assert normalize(f"가{ch}가").text == f"가{ch}가", hex(cp)
            assert not ch.isupper() and ch not in "@/:*", hex(cp)
            assert not unicodedata.name(ch, "").startswith(("HIRAGANA", "KATAKANA", "CJK"))
        elif ch.isspace():
            assert normalize(f"가{ch}가").text == f"가{ch}가", hex(cp)
