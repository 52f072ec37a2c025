"""`k2d parse` end to end on synthetic exports: outputs, errors, merging, determinism."""

from __future__ import annotations

import json
from dataclasses import replace

import polars as pl
import pytest
from click.testing import CliRunner

from kakao2dataset.cli import main
from kakao2dataset.synthetic import render
from kakao2dataset.synthetic.conversation import SyntheticMessage, generate_persona_chat

ME, FRIEND = "이준호", "김민지"


def write_export(tmp_path, conversation, name="chat.txt", variant="K1"):
    path = tmp_path / name
    path.write_bytes(render(conversation, variant).data)
    return path


@pytest.fixture
def chat(tmp_path):
    return write_export(tmp_path, generate_persona_chat(seed=1, sessions=30))


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def test_parse_writes_anonymized_conversations_and_a_manifest(chat, tmp_path):
    out = tmp_path / "out"
    result = run("parse", chat, "--persona-speaker", FRIEND, "-o", out)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "conversations.jsonl").read_text("utf-8").splitlines()]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))

    assert records and {r["split"] for r in records} == {"train", "validation"}
    last_train = max(r["session"] for r in records if r["split"] == "train")
    assert min(r["session"] for r in records if r["split"] == "validation") > last_train
    assert [r["session"] for r in records] == sorted(r["session"] for r in records)
    first = records[0]
    assert {t["role"] for r in records for t in r["turns"]} == {"user", "persona"}
    assert first["turns"][0]["lines"][0] <= first["turns"][-1]["lines"][1]
    assert all(t["at"][0] <= t["at"][1] for t in first["turns"])
    persona_turns = sum(t["role"] == "persona" for r in records for t in r["turns"])
    assert manifest["counts"]["persona_turns"] == persona_turns >= manifest["counts"]["pairs"]
    raw = (out / "conversations.jsonl").read_text("utf-8")
    assert "010-" not in raw and "@example.com" not in raw and "민지" not in raw
    assert ME not in raw and FRIEND not in raw
    assert manifest["speaker_tokens"] == {"user": "<usr>", "persona": "<sys>", "end_of_turn": "<eot>"}
    assert manifest["counts"]["splits"]["train"] + manifest["counts"]["splits"]["validation"] == len(records)
    assert manifest["anonymization"]["replaced"]["PHONE"] >= 1
    manifest_text = json.dumps(manifest, ensure_ascii=False)
    assert ME not in manifest_text and FRIEND not in manifest_text and "chat.txt" not in manifest_text
    assert "consent" in result.output  # the notice is shown once


def test_output_is_deterministic_and_streams_to_stdout(chat, tmp_path):
    run("parse", chat, "--me", ME, "-o", tmp_path / "a")
    run("parse", chat, "--me", ME, "-o", tmp_path / "b")
    a = (tmp_path / "a" / "conversations.jsonl").read_bytes()
    b = (tmp_path / "b" / "conversations.jsonl").read_bytes()
    assert a == b
    streamed = run("parse", chat, "--me", ME, "-o", "-", "-q")
    assert streamed.exit_code == 0
    assert streamed.stdout.encode("utf-8") == a


def test_unknown_persona_lists_the_speakers_and_writes_nothing(chat, tmp_path):
    result = run("parse", chat, "--persona-speaker", "Nobody", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "is not a speaker" in result.output and FRIEND in result.output and ME in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_group_chat_needs_two_speakers(tmp_path):
    conv = generate_persona_chat(seed=2, sessions=12)
    extra = [replace(m, speaker="박서준") for m in conv.messages[::7]]
    group = conv.with_messages(sorted(conv.messages + tuple(extra), key=lambda m: m.timestamp))
    path = write_export(tmp_path, group)
    result = run("parse", path, "--persona-speaker", FRIEND, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "group chat" in result.output and "--speakers" in result.output
    result = run("parse", path, "--speakers", f"{ME},{FRIEND}", "--persona-speaker", FRIEND,
                 "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["messages_dropped"]["other_speaker"] == len(extra)


def test_too_few_replies_is_an_error(tmp_path):
    path = write_export(tmp_path, generate_persona_chat(seed=3, sessions=2))
    result = run("parse", path, "--persona-speaker", FRIEND, "--min-pairs", "50", "-o", tmp_path / "o")
    assert result.exit_code == 1 and "only" in result.output and "--min-pairs" in result.output
    assert not (tmp_path / "o").exists()


def test_re_exports_of_the_same_chat_merge_without_duplicates(tmp_path):
    conv = generate_persona_chat(seed=4, sessions=30)
    n = len(conv.messages)
    old = write_export(tmp_path, conv.with_messages(conv.messages[: n * 2 // 3]), "old.txt")
    new = write_export(tmp_path, conv.with_messages(conv.messages[n // 3:]), "new.txt")
    full = write_export(tmp_path, conv, "full.txt")
    run("parse", full, "--me", ME, "-o", tmp_path / "full")
    result = run("parse", old, new, "--me", ME, "-o", tmp_path / "merged")
    assert result.exit_code == 0, result.output

    def responses(folder):
        lines = (tmp_path / folder / "conversations.jsonl").read_text("utf-8").splitlines()
        return [t["text"] for x in lines for t in json.loads(x)["turns"] if t["role"] == "persona"]

    assert responses("merged") == responses("full")
    manifest = json.loads((tmp_path / "merged" / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["messages_dropped"]["overlap"] == n * 2 // 3 - n // 3


def test_repeated_messages_inside_one_export_survive_the_merge(tmp_path):
    conv = generate_persona_chat(seed=5, sessions=20)
    first = conv.messages[0]
    doubled = conv.with_messages((first, SyntheticMessage(first.timestamp, first.speaker, first.text)) + conv.messages[1:])
    a = write_export(tmp_path, doubled, "a.txt")
    b = write_export(tmp_path, conv, "b.txt")
    run("parse", a, b, "--me", ME, "-o", tmp_path / "m")
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["messages_in"] == len(conv.messages) + 1


def test_parquet_output_and_no_anonymize_warning(chat, tmp_path):
    result = run("parse", chat, "--me", ME, "--output-format", "parquet", "--no-anonymize",
                 "-o", tmp_path / "pq")
    assert result.exit_code == 0, result.output
    assert "--no-anonymize" in result.output
    frame = pl.read_parquet(tmp_path / "pq" / "conversations.parquet")
    assert {"turns", "split", "session", "persona_opened"} <= set(frame.columns)
    texts = frame.explode("turns").unnest("turns")
    assert (texts["text"].str.contains("010-")).any()  # not anonymized, as asked
    exported = run("export", tmp_path / "pq", "--to", "messages", "-o", tmp_path / "m.jsonl")
    assert exported.exit_code == 0, exported.output  # a parquet parse exports too
    assert pl.read_ndjson(tmp_path / "m.jsonl").height >= 1


def test_inputs_are_never_modified(chat, tmp_path):
    before = chat.read_bytes()
    run("parse", chat, "--me", ME, "-o", tmp_path / "x")
    assert chat.read_bytes() == before
