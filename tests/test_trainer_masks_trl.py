"""trl's own SFTTrainer data preparation, on k2d exports of a synthetic chat, builds exactly
k2d's loss mask (examples/trainers/check_trl.py); skipped where trl is not installed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("trl")
pytest.importorskip("datasets")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "trainers"))

import check_trl  # noqa: E402

from finetune.prepared_base import prepare_base  # noqa: E402
from kakao2dataset.speakers import DEFAULT_TOKENS  # noqa: E402


def turn(role, text):
    return {"role": role, "text": text, "at": [0, 0], "lines": [1, 1]}


RECORDS = [  # made-up chat: a user-opened talk, a persona opener, a later window, a long one
    {"id": "c0", "session": 0, "window": 0, "split": "train", "persona_opened": False,
     "context_turns": 0, "turns": [turn("user", "밥 먹었어?"), turn("persona", "응 먹었다냥 ㅋㅋㅋ"),
                                   turn("user", "뭐"), turn("user", "먹었어"),
                                   turn("persona", "김치찌개다냥"), turn("user", "맛있겠다")]},
    {"id": "c1", "session": 1, "window": 0, "split": "validation", "persona_opened": True,
     "context_turns": 0, "turns": [turn("persona", "자?"), turn("user", "아니"),
                                   turn("persona", "ㅋㅋ 나도")]},
    {"id": "c2", "session": 1, "window": 1, "split": "train", "persona_opened": False,
     "context_turns": 2, "turns": [turn("user", "아니"), turn("persona", "ㅋㅋ 나도"),
                                   turn("persona", "뭐해"), turn("user", "공부"),
                                   turn("persona", "화이팅이다냥")]},
    {"id": "c3", "session": 2, "window": 0, "split": "train", "persona_opened": False,
     "context_turns": 0,
     "turns": [turn("user" if k % 2 == 0 else "persona", f"hello {k} 오늘 어때? 좋다냥 ㅋㅋㅋ")
               for k in range(12)]},
]


@pytest.fixture(scope="module")
def data_and_base(tmp_path_factory, tiny_gpt2_base):
    root = tmp_path_factory.mktemp("trl")
    (root / "data").mkdir()
    (root / "data" / "conversations.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    base = prepare_base(str(tiny_gpt2_base), DEFAULT_TOKENS, root / "bases").path
    return root / "data", base


def test_trl_assistant_only_loss_on_the_messages_export_is_k2ds_mask(data_and_base):
    data, base = data_and_base
    tally = check_trl.check_messages(data, base, max_length=512)
    assert tally.differ == [] and tally.agree == 4 and tally.over_long == 0


def test_trl_completion_loss_on_the_prompt_completion_export_is_k2ds_mask(data_and_base):
    data, base = data_and_base
    tally = check_trl.check_prompt_completion(data, base, max_length=512)
    assert tally.differ == [] and tally.agree == 2 + 2 + 2 + 6  # one per persona turn and tally.over_long == 0


def test_over_long_records_are_counted_not_compared(data_and_base):
    data, base = data_and_base
    tally = check_trl.check_messages(data, base, max_length=40)
    assert tally.over_long >= 1 and tally.differ == []


def test_without_the_readme_settings_the_masks_differ(data_and_base, monkeypatch):
    """The check can fail: trl's default eos (``<|endoftext|>`` appended to each completion and
    trained) is not k2d's mask."""
    data, base = data_and_base
    real = check_trl.trl_rows
    monkeypatch.setattr(check_trl, "trl_rows",
                        lambda rows, b, n, **cfg: real(rows, b, n))
    assert check_trl.check_prompt_completion(data, base, max_length=512).differ
