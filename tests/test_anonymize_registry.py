"""The detector registry: one record per PII type, and everything that restates what a finder
reads (the gate chain, the plain path's cues, the leak guard) is derived from it.

The property: for every registered detector, a closed gate means the finder finds nothing.
Texts are built from the detector's own examples, pieces of them, its cue words (in either
case) and filler, so they sit right at the gate's edge."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig, registry
from kakao2dataset.anonymize.anonymizer import _detectors_for
from kakao2dataset.anonymize.guard import guard
from kakao2dataset.anonymize.plain import PlainWords
from kakao2dataset.anonymize.validators import count_digits

DETECTORS = registry.detectors()
FILLER = ["", " ", "  ", "-", ".", ":", "*", "/", "ㅋㅋ", "내일 ", "이야", "은 ", "으로 ", "번호 ",
          "0", "1", "12", "345", "9", "a", "x", "M", "동", "로 ", "가", "\n"]  # fmt: skip


def _pieces(record: registry.Detector) -> list[str]:
    pieces = list(FILLER)
    for example in record.examples:
        pieces.append(example)
        for size in (2, 3, 5):  # fragments: a positive cut short is a near miss
            pieces.extend(example[i : i + size] for i in range(0, len(example), size))
    for cue in (*record.cues, *record.words):
        pieces.extend([cue, cue.upper(), f" {cue} "])
    return pieces


def _text(record: registry.Detector):
    return st.lists(st.sampled_from(_pieces(record)), min_size=1, max_size=9).map("".join)


def _found(record: registry.Detector, text: str) -> list:
    return [(s.start, s.end, s.kind) for s in record.find(text, "")]


def test_every_type_is_registered_once_in_priority_order() -> None:
    kinds = [r.kind for r in DETECTORS]
    assert len(kinds) == len(set(kinds))
    assert {"EMAIL", "URL", "IP", "RRN", "CARD", "PHONE", "BRN", "PASSPORT", "LICENSE",
            "ACCOUNT", "ADDRESS", "PLATE", "SECRET"} <= set(kinds)  # fmt: skip
    assert [r.priority for r in DETECTORS] == sorted(r.priority for r in DETECTORS)


def test_every_example_opens_its_gate_and_is_found() -> None:
    for record in DETECTORS:
        assert record.examples, record.kind
        for example in record.examples:
            assert record.opens(example, count_digits(example)), (record.kind, example)
            assert any(k == record.kind for *_, k in _found(record, example)), example
            assert record.find in _detectors_for(example), (record.kind, example)


def test_closed_gates_leave_nothing_on_seeded_random_texts() -> None:
    """The same property without hypothesis' shrinking, on many texts; it also shows the
    texts are not all trivially empty: each detector finds something in some of them."""
    rng = random.Random(9)
    for record in DETECTORS:
        pieces, hits, closed = _pieces(record), 0, 0
        for _ in range(1500):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))
            found = _found(record, text)
            hits += bool(found)
            if not record.opens(text, count_digits(text)):
                closed += 1
                assert not found, (record.kind, text, found)
        assert hits > 50 and closed > 50, (record.kind, hits, closed)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_closed_gate_means_the_finder_finds_nothing(data) -> None:
    for record in DETECTORS:
        text = data.draw(_text(record), label=record.kind)
        if not record.opens(text, count_digits(text)):
            assert _found(record, text) == [], (record.kind, text)


def test_the_compiled_chain_opens_exactly_the_gates_that_open() -> None:
    """_detectors_for evaluates the gates through one cue search and integer compares; it
    must choose what asking every record would."""
    rng = random.Random(4)
    pieces = [p for r in DETECTORS for p in _pieces(r)]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        expected = [r.find for r in DETECTORS if r.opens(text, count_digits(text))]
        assert list(_detectors_for(text)) == expected, text


def test_the_gate_chain_runs_finders_in_priority_order() -> None:
    text = "minji@naver.com 010-1234-5678 서울 강남구 테헤란로 123 비번 abcd1234 https://x.kr/a"
    chosen = _detectors_for(text)
    order = {r.find: r.priority for r in DETECTORS}
    assert [order[f] for f in chosen] == sorted(order[f] for f in chosen)


def test_an_email_spelled_with_at_in_hangul_is_replaced() -> None:
    """``앳`` was read by the e-mail finder but not by the hand-kept gate in front of it."""
    anon = Anonymizer(AnonymizerConfig(name_detection=False))
    assert anon.anonymize_text("내 메일 minji 앳 naver 닷컴 이야") == "내 메일 <EMAIL> 이야"
    assert anon.anonymize_text("MINJI AT NAVER DOT COM") == "<EMAIL>"
    assert anon.anonymize_text("내일 앳홈 가자") == "내일 앳홈 가자"  # the cue alone is no e-mail


def test_the_guard_catches_a_spelled_email_left_in_the_output() -> None:
    out, hits = guard("메일 minji 앳 naver 닷컴", None, "<NUMBER>")
    assert (out, hits) == ("메일 <EMAIL>", ["EMAIL"])


def test_the_plain_path_stops_at_every_derived_cue() -> None:
    plain = PlainWords(triggers=registry.plain_cues(), learned=[], known=lambda w: [])
    for line in ("minji 앳 naver 닷컴", "minji at naver", "와이파이 passwd abcdefgh", "www.x.kr"):
        assert not plain.holds(line), line
    assert plain.holds("그래 내일 보자 ㅋㅋ")
    assert "앳" in registry.plain_cues() and "at" in registry.plain_words()
