"""The detection copy (folding + offset map), the validators and the name index: the pieces the
detectors stand on. Plus one property: no run of 7+ digits ever survives (the leak guard)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
from kakao2dataset.anonymize.names import FormIndex, name_key
from kakao2dataset.anonymize.normalize import normalize
from kakao2dataset.anonymize.validators import (
    brn_checksum,
    luhn_ok,
    phone_valid,
    rrn_checksum,
    rrn_plausible,
    yyyymmdd_date,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("０１０－１２３４－５６７８", "010-1234-5678"),
        ("010\u200b1234\u200b5678", "01012345678"),
        ("0 1 0 1 2 3 4 5 6 7 8", "01012345678"),
        ("⓪①⓪-①②③④-⑤⑥⑦⑧", "010-1234-5678"),
        ("0\ufe0f\u20e31\ufe0f\u20e30\ufe0f\u20e3", "010"),
        ("공일공 일이삼사 오육칠팔", "010 1234 5678"),
        ("빵일빵-1234-5678", "010-1234-5678"),
        ("010-일이삼사-5678", "010-1234-5678"),
        ("공일공 일이삼사 오육칠팔이야", "010 1234 5678이야"),
    ],
)
def test_folding(text: str, folded: str) -> None:
    assert normalize(text).text == folded


@pytest.mark.parametrize(
    "text",
    [
        "ㅋㅋㅋ ㅎㅎ",
        "오오오오오오오오",
        "일이삼사오육칠팔구",
        "이사 가서 사이좋게",
        "구일 오후 사시",
        "1 5 12 23",
    ],
)
def test_no_folding_where_nothing_is_hidden(text: str) -> None:
    n = normalize(text)
    assert n.text == text and n.offsets is None


def test_offsets_map_back_to_the_original() -> None:
    text = "번호 ０１０\u200b１２３４\u200b５６７８ 이야"
    n = normalize(text)
    start = n.text.index("0")
    end = start + len("01012345678")
    o_start, o_end = n.original_span(start, end)
    assert text[o_start:o_end] == "０１０\u200b１２３４\u200b５６７８"


def test_validators() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert rrn_plausible("9001011234568") and rrn_checksum("9001011234568")
    assert rrn_plausible("2103153918274")  # post-2020 style: date ok, checksum not required
    assert not rrn_plausible("9913321234567")  # month 13
    assert brn_checksum("1168200276") and not brn_checksum("1168200277")
    assert phone_valid("01012345678") and not phone_valid("0101234")
    assert yyyymmdd_date("20240105") and not yyyymmdd_date("20241305")


def test_form_index_grows_and_respects_boundaries() -> None:
    anchored, anywhere = FormIndex(batch=2), FormIndex(anywhere=True, batch=2)
    for form in ["혜인", "하윤", "서준", "Emily"]:  # more than one batch: pattern + pending
        anchored.add(form)
        anywhere.add(form)
    text = "주혜인 혜인이가 EMILY랑 emilyy 하윤"
    assert [f for _, _, f in anchored.find(text)] == ["혜인", "emily", "하윤"]
    assert [f for _, _, f in anywhere.find(text)] == ["혜인", "혜인", "emily", "하윤"]


def test_name_key() -> None:
    assert [name_key(n) for n in ["김민지", "민지", "남궁민수", "Emily"]] == [
        "민지",
        "민지",
        "민수",
        "Emily",
    ]


def test_names_numbered_in_order_within_one_message() -> None:
    anon = Anonymizer(AnonymizerConfig())
    assert anon.anonymize_text("혜인이랑 하윤이가 왔어") == "<NAME_1>이랑 <NAME_2>이가 왔어"


def test_trace_holds_positions_kinds_and_placeholders_only() -> None:
    anon = Anonymizer(AnonymizerConfig(name_detection=False))
    anon.trace = []
    anon.anonymize_text("번호 010-1234-5678")
    assert anon.trace == [[(3, 16, "PHONE", "<PHONE>")]]


_SEPARATORS = st.sampled_from(["", "-", " ", ".", "\u200b", " - "])


@settings(max_examples=150, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=7, max_size=19),
    sep=_SEPARATORS,
    group=st.integers(min_value=2, max_value=6),
    prefix=st.sampled_from(["", "번호 ", "카드", "계좌 ", "이거 "]),
    suffix=st.sampled_from(["", "이야", " 로 보내", "번"]),
)
def test_no_long_digit_run_survives(
    digits: str, sep: str, group: int, prefix: str, suffix: str
) -> None:
    grouped = sep.join(digits[i : i + group] for i in range(0, len(digits), group))
    out = Anonymizer(AnonymizerConfig(name_detection=False)).anonymize_text(
        prefix + grouped + suffix
    )
    folded = normalize(out).text
    for run in re.findall(r"[0-9](?:[0-9]|[-. ](?=[0-9]{3})|-(?=[0-9]))*", folded):
        number = re.sub(r"[^0-9]", "", run)
        assert len(number) < 7 or re.fullmatch(r"(19|20)\d{6}", number), (grouped, out)
