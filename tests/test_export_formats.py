"""Each trainer format, loaded back with polars and checked against its schema."""

from __future__ import annotations

import json

import polars as pl
from click.testing import CliRunner

from kakao2dataset.cli import main
from kakao2dataset.export_formats import to_alpaca

RECORDS = [
    {"id": "p0000000", "split": "train", "response": "응 먹었어",
     "context": [{"role": "user", "text": "밥 먹었어?"}],
     "prompt": "<usr>밥 먹었어?<eot><sys>"},
    {"id": "p0000001", "split": "validation", "response": "김치찌개",
     "context": [{"role": "persona", "text": "응"}, {"role": "user", "text": "뭐"},
                 {"role": "user", "text": "먹었어"}],
     "prompt": "<sys>응<eot><usr>뭐<eot><usr>먹었어<eot><sys>"},
]


def _export(tmp_path, target, split="all"):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "pairs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    out = tmp_path / f"{target}.jsonl"
    result = CliRunner().invoke(main, ["export", str(data), "--to", target, "--split", split,
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    return pl.read_ndjson(out), out.read_text(encoding="utf-8")


def test_messages_format_alternates_roles_and_ends_with_the_persona(tmp_path):
    frame, raw = _export(tmp_path, "messages")
    assert frame.columns == ["messages"]
    second = frame["messages"][1].to_list()
    assert [m["role"] for m in second] == ["assistant", "user", "assistant"]
    assert second[1]["content"] == "뭐\n먹었어"
    assert "밥 먹었어?" in raw  # Korean is not escaped


def test_sharegpt_prompt_completion_and_split_filter(tmp_path):
    frame, _ = _export(tmp_path, "sharegpt", split="train")
    assert frame.height == 1
    assert frame["conversations"][0].to_list()[0] == {"from": "human", "value": "밥 먹었어?"}
    frame, _ = _export(tmp_path, "prompt-completion")
    assert frame.columns == ["prompt", "completion"]
    assert frame["completion"].to_list() == ["응 먹었어<eot>", "김치찌개<eot>"]


def test_alpaca_puts_the_last_user_turn_in_the_instruction():
    record = {"response": "r2", "context": [
        {"role": "user", "text": "u1"}, {"role": "persona", "text": "r1"}, {"role": "user", "text": "u2"}]}
    assert to_alpaca(record) == {"instruction": "u2", "input": "", "output": "r2",
                                 "history": [["u1", "r1"]]}
