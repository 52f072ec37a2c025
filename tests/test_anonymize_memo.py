"""Remembered answers equal fresh ones: the known-name search the leak guard reuses, the
generation that retires it, and the C-level gate in front of ``FormIndex.find``."""

from __future__ import annotations

import random
import re

import pytest

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig, known
from kakao2dataset.anonymize.known import FormIndex, NameBook
from kakao2dataset.anonymize.names import NameFinder
from kakao2dataset.anonymize.spans import Claims, Span

# more than one batch of the index, so both the pattern and the pending forms answer
LEARNED = ("혜인", "하윤", "Emily", "서준", "지호", "은결", "도윤", "시우", "하준", "예준")


def _gate_by_loop(index: FormIndex, text: str) -> bool:
    """The gate as first written: one Python step per pair of characters."""
    native = any(text[i : i + 2] in index._native_heads for i in range(len(text) - 1))  # noqa: SLF001
    folded = text.casefold()
    latin = any(folded[i : i + 2] in index._latin_heads for i in range(len(folded) - 1))  # noqa: SLF001
    return native or (bool(index._latin_first) and latin)  # noqa: SLF001


def test_gate_equals_the_loop_it_replaced() -> None:
    rng = random.Random(3)
    alphabet = "혜인하윤민지호랑 ｅmilyEMIKate\u212aſ가나다ㅋ@."
    index = FormIndex(batch=3)
    for form in ["혜인", "Emily", "kate", "민지", "지호", "호랑", "Sam"]:
        index.add(form)
        for _ in range(300):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            assert index._may_hit(text) == _gate_by_loop(index, text), (form, text)  # noqa: SLF001


def test_generation_moves_with_every_change_to_the_answer() -> None:
    index = FormIndex(batch=1)
    start = index.generation
    index.add("혜인")
    assert index.generation > start
    seen = index.generation
    index.add("혜인")  # already known: nothing changes
    index.add("x")  # too short: never added
    assert index.generation == seen
    index.rebuild()  # pending forms move into the pattern
    assert index.generation > seen


@pytest.mark.parametrize("text", ["혜인이가 왔어", "주혜인", "그냥 밥", "", "혜인 하윤 emily"])
def test_known_hits_are_the_search_and_follow_new_names(text: str) -> None:
    book = NameBook()
    finder = NameFinder(book)
    assert finder.known_hits(text) == book.anchored.find(text) == []
    for surface in LEARNED:
        book.learn(surface, surface)
        first = finder.known_hits(text)
        assert first == book.anchored.find(text)  # a fresh search, after a name was learned
        assert finder.known_hits(text) == first  # remembered: the same answer


def test_a_name_learned_later_reaches_the_guard_of_a_text_checked_before() -> None:
    anon = Anonymizer(AnonymizerConfig(name_detection=False))
    assert anon.anonymize_text("은결 그거 알아") == "은결 그거 알아"
    anon.book.learn("은결", "은결")  # learned from some other message
    assert anon.anonymize_text("은결 그거 알아") == "<NAME_1> 그거 알아"
    assert anon.stats()["replaced"] == {"GUARD_NAME": 1}


def test_the_guard_searches_afresh_when_the_output_differs() -> None:
    # 은결 is replaced by the finder's known-name pass, so the guard sees a new text; it still
    # catches the speaker's form inside a word, which only the guard looks for
    anon = Anonymizer(speakers={"김민지": "<PERSONA>"})
    anon.book.learn("은결", "은결")
    assert anon.anonymize_text("은결 그민지") == "<NAME_1> 그<PERSONA>"
    assert anon.stats()["replaced"] == {"GUARD_NAME": 1, "NAME": 1}


@pytest.mark.parametrize(
    "text",
    [
        "은결아 어디야",
        "그냥 밥 먹자 ㅋㅋ",
        "",
        "ㅋㅋ",
        "내일 서진이랑 하윤이가 온대",
        "은결아 어제 서진이랑 봤어",
    ],
)
def test_words_read_as_strings_give_the_spans_of_match_objects(text: str) -> None:
    # no claims: the string path; a claim far past the text: the match-object path
    finder = NameFinder(NameBook())
    fresh = list(finder._word_names(text, Claims()))  # noqa: SLF001
    far = Claims()
    far.add(Span(len(text) + 5, len(text) + 6, "DENY", 1.0))
    assert list(finder._word_names(text, far)) == fresh  # noqa: SLF001
    assert list(finder._word_names(text, Claims())) == fresh  # verdicts now cached  # noqa: SLF001
    names = [n for word in text.split() for n in ("은결", "서진", "하윤") if word.startswith(n)]
    assert [text[s.start : s.end] for s in fresh] == names


@pytest.mark.parametrize("anywhere", [False, True])
def test_native_forms_searched_apart_find_what_one_alternation_finds(
    anywhere: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(5)
    forms = [
        "혜인",
        "혜인이",
        "인하",
        "Emily",
        "kate",
        "Sam",
        "is",
        "민지",
        "さくら",
        "田中",
        "ミキ",
        "Mr. Kim",
    ]
    alphabet = [
        *"혜인하민지이가 aAkKsSmMiIeElLyY.\u212a\u017f\u0130さくら田中ミキ",
        "Mr. Kim",
        "ㅋ",
    ]
    split, whole = known.FormIndex(anywhere, batch=4), known.FormIndex(anywhere, batch=4)
    with monkeypatch.context() as patched:  # no form counts as plain: one alternation for all
        patched.setattr(known, "_PLAIN_SCRIPT", re.compile(r"(?!)"))
        for form in forms:
            whole.add(form)
        whole.rebuild()
    for form in forms:
        split.add(form)
    split.rebuild()
    assert split._native_re is not None and whole._native_re is None  # noqa: SLF001
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert split.find(text) == whole.find(text), text


@pytest.mark.parametrize("plain", [True, False])
def test_no_gate_hides_a_hit(plain: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # plain: native forms in the trie and Latin ones in the regex pattern; else one alternation.
    # Pending forms (batch=3) are searched with str.find. All behind the same gate.
    rng = random.Random(7)
    forms = ["혜인", "Emily", "kate", "Sam", "민지", "지호", "Tom", "호랑", "さくら", "Mr. Kim"]
    if not plain:
        forms.append("★민지")
    alphabet = [
        *"혜인민지호랑 eEmMiIlLyYkKaAtTsSoO.\u212a\u017f\u0130★",
        "さくら",
        "Mr. Kim",
        "ｅｍｉｌｙ",
    ]
    gated, open_ = known.FormIndex(batch=3), known.FormIndex(batch=3)
    monkeypatch.setattr(open_, "_may_hit", lambda _text: True)
    for form in forms:
        gated.add(form)
        open_.add(form)
        for _ in range(200):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
            assert gated.find(text) == open_.find(text), (form, text)
    gated.rebuild()
    open_.rebuild()
    assert (gated._native_re is not None) is plain  # noqa: SLF001
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert gated.find(text) == open_.find(text), text
