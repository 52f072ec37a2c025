"""Whole-export name learning: a person named once anywhere is replaced in every form, with one
``<NAME_k>``, in every message (before and after the one that named them); a given name that is
also a word is replaced only where it is a person. All names here are made up."""

from __future__ import annotations

from datetime import datetime

import pytest

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
from kakao2dataset.anonymize.anonymizer import denied_forms
from kakao2dataset.anonymize.names import shared_kiwi
from kakao2dataset.anonymize.people import liaison, person_forms, person_key
from kakao2dataset.model import Message, MessageKind

SPEAKERS = {"박준호": "<PERSONA>", "이서연": "<USER>"}


def _export(texts: list[str], **config) -> list[str]:
    """Both passes, as ``k2d parse`` runs them: learn from every text, then anonymize."""
    anon = Anonymizer(AnonymizerConfig(**config), speakers=SPEAKERS, kiwi=shared_kiwi())
    anon.learn(texts)
    t = datetime(2024, 1, 1)
    messages = [Message(t, "x", s, MessageKind.TEXT, "c.txt", i + 1, i + 1) for i, s in enumerate(texts)]
    return [m.text for m in anon.anonymize_messages(messages)]


def test_every_form_of_a_person_gets_one_placeholder_across_the_export() -> None:
    texts = [
        "가을이가 그러는데 내일 온대",  # before the message that names her in full
        "가으리가 또 웃더라",  # 연음 spelling
        "김가을 어제 왔어",
        "가을아 뭐해",
        "가을 씨 온대",
        "가을언니 온대",
        "가을비 오네 가을 좋다",  # the word, twice: never the person
    ]
    assert _export(texts) == [
        "<NAME_1>이가 그러는데 내일 온대",
        "<NAME_1>가 또 웃더라",
        "<NAME_1> 어제 왔어",
        "<NAME_1>아 뭐해",
        "<NAME_1> 씨 온대",
        "<NAME_1>언니 온대",
        "가을비 오네 가을 좋다",
    ]


def test_a_name_that_is_no_word_is_replaced_bare_and_in_unspaced_lines() -> None:
    texts = ["하준이랑 밥 먹었어", "하준 알지?", "어제하준이랑영화봤어", "하준이 왔어"]
    out = _export(texts)
    assert out[:2] == ["<NAME_1>이랑 밥 먹었어", "<NAME_1> 알지?"]
    assert "하준" not in out[2] and "하준" not in out[3]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["남궁민수 알지", "민수가 그랬어"], ["<NAME_1> 알지", "<NAME_1>가 그랬어"]),
        (["황보혜정 선배가 불렀어", "혜정이가 왔대"], ["<NAME_1> 선배가 불렀어", "<NAME_1>이가 왔대"]),
        (["제갈영이 왔대", "영이가 그러더라"], ["<NAME_1> 왔대", "<NAME_1>이가 그러더라"]),
        (["사공이 많으면 배가 산으로"], ["사공이 많으면 배가 산으로"]),
    ],
)
def test_two_syllable_surnames_are_part_of_one_person(texts, expected) -> None:
    assert _export(texts) == expected


def test_one_syllable_given_names_only_with_their_context() -> None:
    texts = ["훈이가 늦는대", "후니가 또 늦어", "민님 안녕하세요", "고민이 많아", "훈련 가야 돼"]
    out = _export(texts)
    assert out[0].startswith("<NAME_") and "훈" not in out[0] and "후니" not in out[1]
    assert out[2].startswith("<NAME_") and out[2].endswith("님 안녕하세요")
    assert out[3:] == ["고민이 많아", "훈련 가야 돼"]


@pytest.mark.parametrize("text", ["나도나도 하고 싶다", "나보다 잘해", "이삼일 걸려", "8호차 타", "바다 보러 가자"])
def test_fillers_particles_and_words_are_not_people(text) -> None:
    assert _export([text]) == [text]


def test_an_ordinary_word_name_learned_from_context_elsewhere() -> None:
    texts = ["바다 보러 가자", "바다한테 물어봐", "바다야 놀자", "바다가 넓다"]
    assert _export(texts) == ["바다 보러 가자", "<NAME_1>한테 물어봐", "<NAME_1>야 놀자", "바다가 넓다"]


def test_the_allow_list_keeps_a_learned_person() -> None:
    texts = ["은우한테 물어봐", "은우 알지?"]
    assert _export(texts, allow=["은우"]) == texts


def test_a_denied_name_goes_in_every_form() -> None:
    texts = ["김가을 왔어", "가으리가 웃더라", "가을이한테 줘"]
    out = _export(texts, deny=["김가을"], name_detection=False)
    assert out == ["<REDACTED> 왔어", "<REDACTED>가 웃더라", "<REDACTED>이한테 줘"]
    assert "가으리" in denied_forms(["김가을"]) and "훈" not in denied_forms(["김훈"])


def test_forms_and_keys() -> None:
    assert liaison("가을") == "가으리" and liaison("별") == "벼리" and liaison("민지") is None
    assert person_key("훈이") == "훈" and person_key("민지") == "민지"
    forms = person_forms("가을", ["김가을"], ordinary=True)
    assert "가을" not in forms.bare and forms.context["가을이가"] == 2 and "김가을" in forms.bare
    assert "은하" in person_forms("은하", ordinary=False).bare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("아름솔이랑 밥 먹음", "<NAME_1>이랑 밥 먹음"),
        ("은하수한테 말했어", "<NAME_1>한테 말했어"),
        ("새로미야 일어나", "<NAME_1>야 일어나"),
        ("고양이랑 놀았어", "고양이랑 놀았어"),
        ("여동생이랑 갔어", "여동생이랑 갔어"),
        ("강아지한테 줘", "강아지한테 줘"),
        ("선생님한테 혼남", "선생님한테 혼남"),
    ],
)
def test_three_syllable_given_names_by_the_name_model_and_kiwi(text, expected) -> None:
    assert _export([text]) == [expected]


def test_the_given_name_model_scores_name_syllables_above_words() -> None:
    from kakao2dataset.anonymize.given_names import NAME_LIKE, name_like, score

    for name in ("민준", "서진", "하람", "은결", "아름솔", "훈"):
        assert score(name) >= NAME_LIKE, name
    for word in ("마라", "찐친", "그냥", "진짜", "괜찮"):
        assert not name_like(word), word
