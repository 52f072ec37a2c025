"""The independent PII set itself (benchmarks/pii_independent/) and its scorer's matching.

These hold the set to what issue #9 asks of it (size, people, forms, every failure class,
labels on the right characters) and check that the scorer counts a leak as a leak and a clean
line as clean on a tiny hand-made output folder. They say nothing about how well today's
anonymizer does: that is the scorer's printout, not a test.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from benchmarks.pii_independent import generate, people, score

MESSAGES = score.load_set()
STRUCTURED = {"phone", "rrn", "foreign_reg", "card", "account", "brn", "passport", "driver_licence",
              "email", "ip", "url", "address", "car_plate"}


def spans(type_=None):
    return [(m, s) for m in MESSAGES for s in m["spans"] if type_ is None or s["type"] == type_]


def test_size_people_and_forms():
    assert len(MESSAGES) >= 1000
    forms = defaultdict(set)
    for _, s in spans("name"):
        forms[s["person"]].add(s["form"])
    assert len(forms) >= 50
    assert all(len(f) >= 3 for f in forms.values()), {p: f for p, f in forms.items() if len(f) < 3}


def test_every_class_is_present():
    names = spans("name")
    for cls in score.NAME_CLASSES:
        assert sum(cls in s["classes"] for _, s in names) >= 10, cls
    assert {s["form"] for _, s in names} == set(score.FORMS)
    assert {s["type"] for _, s in spans()} - {"name", "speaker", "keep"} == STRUCTURED
    special = {(s["type"], s["form"]) for _, s in spans()}
    for case in [("phone", "spoken_korean"), ("phone", "split_over_two"), ("rrn", "front_only"),
                 ("passport", "spaced"), ("email", "at_korean"), ("car_plate", "unspaced_line"),
                 ("keep", "iya_after_number"), ("keep", "order_no"), ("keep", "version"),
                 ("keep", "name_word"), ("keep", "filler"), ("keep", "surname_word")]:
        assert case in special, case
    texts = " ".join(m["text"] for m in MESSAGES)
    for needle in ["ㅋㅋ", "2024-118732", "131.0.6778.86", "프로2", "가을비", "나도나도", "이삼일", "8호차", "M ", " 앳 "]:
        assert needle in texts, needle
    assert sum(m["unspaced"] for m in MESSAGES) > len(MESSAGES) / 5


def _expected_surfaces(p: people.Person) -> set[str]:
    g = p.given
    gi = g + "이" if people.final_consonant(g[-1]) else g
    return {g, gi, p.full} | {y for y in (people.yeoneum(g, 20), people.yeoneum(g, 0)) if y}


def test_labels_point_at_the_right_substrings():
    by_id = {p.pid: p for p in people.people()}
    for m, s in spans():
        surface = m["text"][s["start"]:s["end"]]
        assert surface and surface == surface.strip(), (m["id"], s)
        if s["type"] == "name":
            assert surface in _expected_surfaces(by_id[s["person"]]), (m["text"], surface)
        if s["type"] == "speaker":
            assert surface in {n for sp in people.SPEAKERS for n in (sp, sp[1:])}
        assert all(k in surface or k in m["text"] for k in s["keys"]), (m["text"], s)
        if s["type"] in STRUCTURED:
            assert all(k in surface for k in s["keys"]), (m["text"], s)


def test_spans_do_not_overlap():
    for m in MESSAGES:
        ordered = sorted(m["spans"], key=lambda s: s["start"])
        for a, b in zip(ordered, ordered[1:], strict=False):
            assert a["end"] <= b["start"], m["text"]
        assert all(0 <= s["start"] < s["end"] <= len(m["text"]) for s in ordered)


def test_committed_data_is_what_the_seeded_script_writes():
    built = generate.build()
    assert [(m["speaker"], m["text"], m["spans"]) for m in built] == [
        (m["speaker"], m["text"], m["spans"]) for m in MESSAGES]


@pytest.mark.parametrize("variant", list(score.RENDERINGS))
def test_line_numbers_point_at_the_message_lines(variant):
    lines = (score.HERE / "renderings" / score.RENDERINGS[variant]).read_text(encoding="utf-8").splitlines()
    for m in MESSAGES:
        line = lines[m["lines"][variant] - 1]
        assert line.endswith(m["text"]) and m["speaker"] in line


# --- the scorer's matching on a hand-made output folder ---------------------------------

TINY = [
    {"id": 0, "speaker": "A", "text": "ㅎㅇ", "lines": {"K4": 5}, "spans": []},
    {"id": 1, "speaker": "B", "text": "어제 가을이랑 밥 먹었어", "lines": {"K4": 6},
     "spans": [{"start": 3, "end": 6, "type": "name", "person": "T0", "form": "particle",
                "classes": ["ordinary_word"], "keys": ["가을"]}]},
    {"id": 2, "speaker": "B", "text": "가을비 온다", "lines": {"K4": 7},
     "spans": [{"start": 0, "end": 3, "type": "keep", "form": "name_word", "keys": ["가을비"]}]},
    {"id": 3, "speaker": "A", "text": "김가을 알지? 번호 010-1234-5678", "lines": {"K4": 9},
     "spans": [{"start": 0, "end": 3, "type": "name", "person": "T0", "form": "full", "classes": [],
                "keys": ["가을"]},
               {"start": 11, "end": 24, "type": "phone", "form": "dashed", "classes": [],
                "keys": ["1234", "5678"]}]},
]


def _write_pairs(out_dir, records):
    out_dir.mkdir()
    with (out_dir / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for first, last, response in records:
            fh.write(json.dumps({"first_line": first, "last_line": last, "response": response},
                                ensure_ascii=False) + "\n")


def test_matching_counts_a_leak_as_a_leak_and_a_clean_line_as_clean(tmp_path):
    # B's turn is two messages (lines 6 and 7) in one pair; A's reply is line 9
    _write_pairs(tmp_path / "out", [(5, 7, "어제 <NAME_1>랑 밥 먹었어\n<NAME_1>비 온다"),
                                    (5, 9, "김가을 알지? 번호 <PHONE>")])
    found = score.match_turns(score.iter_output_turns(tmp_path / "out"), TINY, "K4")
    assert found == {1: "어제 <NAME_1>랑 밥 먹었어", 2: "<NAME_1>비 온다", 3: "김가을 알지? 번호 <PHONE>"}
    assert score.judge(TINY[1], found[1]) == [False]  # caught
    assert score.judge(TINY[2], found[2]) == [True]  # the word 가을비 was damaged
    assert score.judge(TINY[3], found[3]) == [True, False]  # the name leaked, the phone did not
    figures = score.summarize(TINY, score.verdicts(TINY, found))
    assert figures["names_per_mention"] == {"ok": 1, "total": 2, "rate": 0.5}
    assert figures["people_safe"]["ok"] == 0 and figures["people_inconsistent"] == 1
    assert figures["structured_all"]["ok"] == 1
    assert figures["hard_negative_lines"] == {"damaged": 1, "lines": 1, "damaged_pct": 100.0}


def test_a_key_present_elsewhere_in_the_original_is_not_a_leak():
    message = {"text": "가을이 가을 타나봐", "spans": [
        {"start": 0, "end": 3, "type": "name", "person": "T0", "form": "given_i", "keys": ["가을"]}]}
    assert score.judge(message, "<NAME_1> 가을 타나봐") == [False]
    assert score.judge(message, "가을이 가을 타나봐") == [True]


def test_a_turn_ending_on_a_line_without_a_message_is_an_error(tmp_path):
    _write_pairs(tmp_path / "out", [(5, 8, "??")])
    with pytest.raises(SystemExit, match="line 8"):
        score.match_turns(score.iter_output_turns(tmp_path / "out"), TINY, "K4")
