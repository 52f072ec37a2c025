"""The message-level API: numbers split over consecutive messages, the leak guard, settings,
and counts that never hold a value."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import pytest

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
from kakao2dataset.anonymize.guard import guard
from kakao2dataset.anonymize.normalize import normalize
from kakao2dataset.model import Message, MessageKind


def msgs(*texts: str, speaker: str = "김민지") -> list[Message]:
    return [
        Message(datetime(2024, 1, 5, 14, i), speaker, t, MessageKind.TEXT, "chat.txt", i + 1, i + 1)
        for i, t in enumerate(texts)
    ]


@pytest.fixture
def anon() -> Anonymizer:
    return Anonymizer(AnonymizerConfig(name_detection=False), speakers={"김민지": "<PERSONA>"})


def texts(anon: Anonymizer, *lines: str) -> list[str]:
    return [m.text for m in anon.anonymize_messages(msgs(*lines))]


def test_message_keeps_everything_but_text(anon: Anonymizer) -> None:
    (m,) = msgs("민지야 010-1234-5678")
    out = anon.anonymize_message(m)
    assert out.text == "<PERSONA>야 <PHONE>"
    assert dataclasses.replace(out, text=m.text) == m


def test_phone_split_over_three_messages(anon: Anonymizer) -> None:
    assert texts(anon, "내 번호", "010", "1234", "5678", "저장해") == [
        "내 번호", "<PHONE>", "<PHONE>", "<PHONE>", "저장해",
    ]  # fmt: skip


def test_phone_split_mid_number(anon: Anonymizer) -> None:
    assert texts(anon, "010-1234", "-5678 이야") == ["<PHONE>", "<PHONE> 이야"]


def test_rrn_split_after_hyphen(anon: Anonymizer) -> None:
    assert texts(anon, "주민번호 900101-", "1234568") == ["주민번호 <RRN>", "<RRN>"]


def test_account_cue_in_previous_message(anon: Anonymizer) -> None:
    assert texts(anon, "계좌 불러줘", "110 234 567890") == ["계좌 불러줘", "<ACCOUNT>"]


def test_short_numbers_in_a_row_stay(anon: Anonymizer) -> None:
    lines = ["몇 시에 봐?", "3", "아니 4", "2024", "ㅋㅋ 10,000원"]
    assert texts(anon, *lines) == lines


def test_stream_yields_every_message_in_order(anon: Anonymizer) -> None:
    lines = ["a 010", "b", "1234", "5678", "c"]
    out = list(anon.anonymize_messages(msgs(*lines)))
    assert [m.first_line for m in out] == [1, 2, 3, 4, 5]


def test_leak_guard_replaces_and_counts(anon: Anonymizer) -> None:
    out = anon.anonymize_text("코드 8812345 알려줄게, 적어둬")
    assert out == "코드 <NUMBER> 알려줄게, 적어둬"
    assert anon.flagged == 1 and anon.stats()["leak_guard_flagged"] == 1


def test_leak_guard_flag_mode_keeps_text_but_counts() -> None:
    anon = Anonymizer(AnonymizerConfig(leak_guard="flag", name_detection=False))
    assert anon.anonymize_text("코드 8812345") == "코드 8812345"
    assert anon.flagged == 1


def test_leak_guard_catches_known_name_inside_a_word(anon: Anonymizer) -> None:
    # "X민지" has a Hangul letter before the name, so the dictionary pass skips it; the guard doesn't.
    assert anon.anonymize_text("우리민지 최고") == "우리<PERSONA> 최고"
    assert anon.flagged == 1


def test_guard_function_exemptions() -> None:
    assert guard("2024-11-24 15000000원 ₩1234567", None, "<N>") == (
        "2024-11-24 15000000원 ₩1234567", [],
    )  # fmt: skip
    assert guard("메일 a.b@c.com", None, "<N>", placeholders={"EMAIL": "<E>"}) == (
        "메일 <E>",
        ["EMAIL"],
    )


def test_counts_hold_types_never_values(anon: Anonymizer) -> None:
    values = ["010-1234-5678", "minji@naver.com", "900101-1234568", "4111111111111111"]
    anon.anonymize_text(" ".join(values) + " 민지야")
    dumped = json.dumps(anon.stats(), ensure_ascii=False)
    assert anon.stats()["replaced"] == {"CARD": 1, "EMAIL": 1, "PHONE": 1, "RRN": 1, "SPEAKER": 1}
    assert not any(v in dumped for v in [*values, "민지"])


def test_custom_placeholders_and_disabled_types() -> None:
    config = AnonymizerConfig(
        placeholders={"PHONE": "[전화]", "NAME": "[이름{n}]"},
        disabled=["ADDRESS"],
        name_detection=False,
    )
    anon = Anonymizer(config)
    assert anon.anonymize_text("010-1234-5678 테헤란로 123") == "[전화] 테헤란로 123"


@pytest.mark.parametrize(
    "bad",
    [{"placeholders": {"NAME": "<NAME>"}}, {"leak_guard": "drop"}, {"disabled": ["PHONES"]}],
)
def test_config_rejects_bad_values(bad: dict) -> None:
    with pytest.raises(ValueError):
        AnonymizerConfig(**bad)


def test_normalized_text_never_leaks_into_output(anon: Anonymizer) -> None:
    # ㅋ (compatibility jamo) would change under NFKC; full-width text stays as typed.
    text = "ㅋㅋㅋ ＡＢＣ 공일공 일이삼사 오육칠팔"
    assert anon.anonymize_text(text) == "ㅋㅋㅋ ＡＢＣ <PHONE>"
    n = normalize("０１０－１２３４－５６７８")
    assert n.text == "010-1234-5678" and n.original_span(0, 13) == (0, 13)


def test_config_from_dict_names_the_unknown_key() -> None:
    from kakao2dataset.errors import ConfigError

    config = AnonymizerConfig.from_dict({"allow": ["초코"], "leak_guard": "flag"}, path="p.yaml")
    assert config.allow == ["초코"] and config.leak_guard == "flag"
    with pytest.raises(ConfigError, match="p.yaml: unknown anonymize setting 'alow'"):
        AnonymizerConfig.from_dict({"alow": ["초코"]}, path="p.yaml")
    with pytest.raises(ConfigError, match="leak_guard"):
        AnonymizerConfig.from_dict({"leak_guard": "drop"}, path="p.yaml")


def test_display_name_with_emoji_and_brackets() -> None:
    anon = Anonymizer(
        AnonymizerConfig(name_detection=False), speakers={"★민지🌸 [디자인팀]": "<PERSONA>"}
    )
    assert anon.anonymize_text("민지야 안녕") == "<PERSONA>야 안녕"
