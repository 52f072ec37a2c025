"""Session-scoped model/data fixtures for the fine-tuning tests (imported by conftest.py).

Tiny bases are built in the suite with ``finetune.tiny`` (synthetic BPE + 2-layer model), never
downloaded. The synthetic persona has a style a model can learn in a few steps: every reply
ends with "냥" and laughs "ㅋㅋㅋ".
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

__all__ = ["tiny_gpt2_base", "tiny_llama_base", "write_persona_pairs", "make_persona",
           "synthetic_persona_dir"]

_USER = ["밥 먹었어?", "뭐해?", "오늘 어때?", "어디야?", "주말에 뭐 해?", "잘 자", "hello",
         "영화 볼래?", "배고파", "내일 봐"]
_REPLY = ["밥 먹었다냥 ㅋㅋㅋ", "누워 있다냥 ㅋㅋㅋ", "좋다냥 ㅋㅋㅋ", "집이다냥 ㅋㅋㅋ",
          "잠 잘 거다냥 ㅋㅋㅋ", "너도 잘 자라냥 ㅋㅋㅋ", "안녕이다냥 ㅋㅋㅋ"]


@pytest.fixture(scope="session")
def tiny_gpt2_base(tmp_path_factory) -> Path:
    from finetune.tiny import build_tiny_base

    return build_tiny_base(tmp_path_factory.mktemp("tiny") / "gpt2", arch="gpt2")


@pytest.fixture(scope="session")
def tiny_llama_base(tmp_path_factory) -> Path:
    from finetune.tiny import build_tiny_base

    return build_tiny_base(tmp_path_factory.mktemp("tiny") / "llama", arch="llama")


def write_persona_pairs(out_dir: Path, n_train: int = 48, n_val: int = 12, seed: int = 0) -> Path:
    """pairs.jsonl + manifest.json in the `k2d parse` schema; validation = the last sessions."""
    from kakao2dataset.speakers import render_example, render_prompt

    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n_train + n_val):
        session = i // 4
        context = [{"role": "user", "text": rng.choice(_USER)}]
        if rng.random() < 0.4:
            context = [{"role": "persona", "text": rng.choice(_REPLY)}] + context
        response = rng.choice(_REPLY)
        turns = [(t["role"], t["text"]) for t in context]
        lines.append({
            "id": f"s{session:04d}-p{i:04d}", "session": session,
            "split": "train" if i < n_train else "validation",
            "context": context, "response": response,
            "prompt": render_prompt(turns), "text": render_example(turns, response),
            "source": "synthetic.txt", "first_line": 2 * i + 1, "last_line": 2 * i + 2,
            "start": f"2024-01-{1 + session % 28:02d}T10:00:00",
            "end": f"2024-01-{1 + session % 28:02d}T10:01:00",
        })
    pairs = out_dir / "pairs.jsonl"
    pairs.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                     encoding="utf-8")
    manifest = {"format_version": 1, "persona": "냥이",
                "speaker_tokens": {"user": "<usr>", "persona": "<sys>", "end_of_turn": "<eot>"},
                "counts": {"train": n_train, "validation": n_val}}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                           encoding="utf-8")
    return pairs


def make_persona(root: Path, slug: str, base: Path, **train) -> Path:
    """A personas dir with ``<slug>.yaml`` over synthetic pairs and a tiny base."""
    import yaml

    write_persona_pairs(root / slug / "data")
    settings = {"max_steps": 30, "batch_size": 8, "lr": 3e-3, "eval_every": 10,
                "max_length": 64, "save_every": 0, "warmup": 0.1} | train
    cfg = {"display_name": "Nyang", "base": str(base),
           "data": {"pairs": [f"{slug}/data/pairs.jsonl"]},
           "lora": {"r": 4, "alpha": 8, "dropout": 0.0},
           "train": settings, "generation": {"temperature": 0.7, "max_new_tokens": 16}}
    (root / f"{slug}.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def synthetic_persona_dir(tmp_path_factory, tiny_gpt2_base) -> Path:
    """A personas dir with persona 'nyang' on the tiny GPT-2 (not trained)."""
    return make_persona(tmp_path_factory.mktemp("personas"), "nyang", tiny_gpt2_base)
