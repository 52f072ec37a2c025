"""Tiny personas for the bank / chat / serve / example tests, built offline in a second.

A tiny base (``finetune.tiny``: byte-level BPE on synthetic chat + 2-layer GPT-2 or Llama) is
prepared once (``finetune.prepared_base``: speaker tokens added, saved with save_pretrained),
then each persona gets a LoRA adapter made with plain peft, ``init_lora_weights=False`` (random,
non-zero weights, so personas really differ), saved in the layout the trainer writes:
``<personas_dir>/<slug>/adapter/`` + ``k2d.json``. No training: these tests are about serving.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

LORA_TARGETS = {"gpt2": ["c_attn", "c_proj", "c_fc"],
                "llama": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                          "down_proj"]}


def make_personas(root: Path, slugs=("friend", "mom"), arch: str = "gpt2",
                  generation: dict | None = None) -> Path:
    """``root`` becomes a personas dir with one prepared base and an adapter per slug."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from finetune.prepared_base import prepare_base
    from finetune.tiny import build_tiny_base
    from kakao2dataset.speakers import DEFAULT_TOKENS

    root.mkdir(parents=True, exist_ok=True)
    raw = build_tiny_base(root.parent / f"raw-{arch}-{root.name}", arch=arch)
    prepared = prepare_base(str(raw), DEFAULT_TOKENS, root / "bases")
    for i, slug in enumerate(slugs):
        base = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
        torch.manual_seed(100 + i)
        config = LoraConfig(r=4, lora_alpha=16, target_modules=LORA_TARGETS[arch],
                            init_lora_weights=False, fan_in_fan_out=arch == "gpt2")
        with warnings.catch_warnings():  # peft 0.21 reads a property transformers 5 deprecated
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing")
            model = get_peft_model(base, config)
        out = root / slug / "adapter"
        model.save_pretrained(out, save_embedding_layers=False)
        from transformers import AutoTokenizer

        AutoTokenizer.from_pretrained(prepared.path).save_pretrained(out)
        meta = {
            "format_version": 1,
            "persona": slug,
            "speaker_tokens": DEFAULT_TOKENS.to_dict(),
            "speaker_token_ids": prepared.token_ids,
            "base": {"path": str(prepared.path), "vocab_size": prepared.vocab_size},
            "generation": generation or {"temperature": 0.0, "max_new_tokens": 12},
        }
        (out / "k2d.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return root
