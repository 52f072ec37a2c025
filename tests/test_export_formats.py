"""Each trainer format from conversation records, loaded back with polars: roles as each trainer
names them, a user turn first, no empty turns, persona openers and later windows."""

from __future__ import annotations

import json

import polars as pl
from click.testing import CliRunner

from kakao2dataset.cli import main
from kakao2dataset.export_formats import OPENER_CUE, to_alpaca, to_messages, to_prompt_completion


def turn(role, text):
    return {"role": role, "text": text, "at": [0, 0], "lines": [1, 1]}


RECORDS = [
    {"id": "c0000000", "session": 0, "window": 0, "split": "train", "persona_opened": False,
     "context_turns": 0, "turns": [turn("user", "밥 먹었어?"), turn("persona", "응 먹었어"),
                                   turn("user", "뭐"), turn("user", "먹었어"),
                                   turn("persona", "김치찌개"), turn("user", "맛있겠다")]},
    {"id": "c0000001", "session": 1, "window": 0, "split": "validation", "persona_opened": True,
     "context_turns": 0, "turns": [turn("persona", "자?"), turn("user", " "), turn("user", "아니"),
                                   turn("persona", "ㅋㅋ")]},
    {"id": "c0000002", "session": 1, "window": 1, "split": "validation", "persona_opened": False,
     "context_turns": 2, "turns": [turn("user", "아니"), turn("persona", "ㅋㅋ"),
                                   turn("persona", "뭐해"), turn("user", "공부"),
                                   turn("persona", "화이팅")]},
    {"id": "c0000003", "session": 2, "window": 0, "split": "train", "persona_opened": False,
     "context_turns": 0, "turns": [turn("user", "여보세요")]},  # the persona never answered
]


def _export(tmp_path, target, split="all"):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "conversations.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    out = tmp_path / f"{target}.jsonl"
    result = CliRunner().invoke(main, ["export", str(data), "--to", target, "--split", split,
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    return pl.read_ndjson(out), out.read_text(encoding="utf-8")


def test_messages_start_with_the_user_alternate_and_end_with_the_persona(tmp_path):
    frame, raw = _export(tmp_path, "messages")
    assert frame.columns == ["messages"] and frame.height == 3  # the unanswered one is left out
    first, opened, window = (m.to_list() for m in frame["messages"])
    assert [m["role"] for m in first] == ["user", "assistant", "user", "assistant"]
    assert first[2]["content"] == "뭐\n먹었어"  # one role's turns joined
    assert opened == [{"role": "user", "content": OPENER_CUE}, {"role": "assistant", "content": "자?"},
                      {"role": "user", "content": "아니"}, {"role": "assistant", "content": "ㅋㅋ"}]
    assert [m["content"] for m in window] == ["아니", "ㅋㅋ\n뭐해", "공부", "화이팅"]
    assert all(m["content"].strip() for ms in frame["messages"] for m in ms.to_list())
    assert "밥 먹었어?" in raw  # Korean is not escaped


def test_a_later_window_drops_the_persona_turns_it_repeats_from_the_last_one():
    messages = to_messages(RECORDS[2])["messages"]
    assert messages[0] == {"role": "user", "content": "아니"}
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]


def test_sharegpt_names_the_roles_human_and_gpt_and_filters_the_split(tmp_path):
    frame, _ = _export(tmp_path, "sharegpt", split="train")
    assert frame.height == 1
    conversation = frame["conversations"][0].to_list()
    assert {c["from"] for c in conversation} == {"human", "gpt"}
    assert conversation[0] == {"from": "human", "value": "밥 먹었어?"}


def test_prompt_completion_has_one_record_per_persona_turn(tmp_path):
    frame, _ = _export(tmp_path, "prompt-completion", split="train")
    assert frame.columns == ["prompt", "completion"]
    assert frame["completion"].to_list() == ["응 먹었어<eot>", "김치찌개<eot>"]
    assert frame["prompt"][1] == "<usr>밥 먹었어?<eot><sys>응 먹었어<eot><usr>뭐\n먹었어<eot><sys>"
    assert list(to_prompt_completion(RECORDS[3])) == []


def test_alpaca_puts_the_last_exchange_in_the_instruction_and_has_no_empty_turn():
    assert to_alpaca(RECORDS[0]) == {"instruction": "뭐\n먹었어", "input": "", "output": "김치찌개",
                                     "history": [["밥 먹었어?", "응 먹었어"]]}
    opened = to_alpaca(RECORDS[1])
    assert opened["history"] == [[OPENER_CUE, "자?"]] and opened["instruction"] == "아니"
    assert to_alpaca(RECORDS[3]) is None


def test_an_old_pairs_file_is_a_clear_error(tmp_path):
    (tmp_path / "pairs.jsonl").write_text('{"context": [], "response": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["export", str(tmp_path), "--to", "messages"])
    assert result.exit_code == 1 and "run `k2d parse` again" in result.output
    assert "Traceback" not in result.output
