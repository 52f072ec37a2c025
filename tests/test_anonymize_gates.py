"""Cheap gates in front of costly patterns drop only texts the patterns could never match:
with and without a gate, a detector finds the same spans."""

from __future__ import annotations

import random

import pytest

from kakao2dataset.anonymize import address
from kakao2dataset.anonymize.validators import count_digits


class _Open:
    """A gate that lets every text through."""

    @staticmethod
    def search(_text: str) -> bool:
        return True


PIECES = [
    *"로길동리가산호 -0123456789",
    "지하",
    "번지",
    "번길",
    "대로",
    "으로",
    "서울 ",
    "강남구 ",
    "테헤란",
    "동부",
    "\u3000",
    "\u0663",  # ARABIC-INDIC DIGIT THREE: a \d for the patterns and the gates alike
    "ㅋㅋ",
]
KNOWN = [
    "서울 강남구 테헤란로 123",
    "테헤란로 지하 12",
    "세종대로 23번길 4",
    "동부리 388-2",
    "동부리 산 12-3",
    "강남구 역삼동 12",
    "래미안 101동 1203호",
    "집으로 3시에",
    "1가 2",
]


def _spans(text: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.kind) for s in address.find_address(text)]


def test_address_gates_never_hide_a_match(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    texts = KNOWN + [
        "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(4000)
    ]
    gated = [_spans(t) for t in texts]
    monkeypatch.setattr(address, "_ROAD_GATE", _Open)
    monkeypatch.setattr(address, "_LOT_GATE", _Open)
    assert [_spans(t) for t in texts] == gated
    assert sum(map(bool, gated)) > 400  # the random texts do hold addresses


def test_count_digits_counts_what_ten_str_counts_count() -> None:
    rng = random.Random(2)
    alphabet = "0123456789 가-.\uff10\u0663\u00b2a"  # full-width 0, Arabic-Indic 3, superscript 2
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert count_digits(text) == sum(map(text.count, "0123456789")), text
