"""Tiny personas for the bank / chat / serve / example tests, built offline in seconds.

A tiny base (``finetune.tiny``: byte-level BPE on synthetic chat + 2-layer GPT-2 or Llama) is
prepared once (``finetune.prepared_base``: speaker tokens added, saved with save_pretrained).
Each persona then gets LoRA on every linear layer the way the trainer adds it
(``finetune.trainer.add_lora``), with random non-zero ``lora_B`` so personas really differ
(no training: these tests are about serving), written by the trainer's own writer
(``finetune.adapter.save_adapter``) into ``<personas_dir>/<slug>/adapter/``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _meta(slug: str, prepared, generation: dict) -> dict:
    return {
        "format_version": 1,
        "persona": {"slug": slug, "display_name": slug.title()},
        "speaker_tokens": prepared.tokens.to_dict(),
        "speaker_token_ids": prepared.token_ids,
        "base": {"source": prepared.source, "path": str(Path(prepared.path).resolve()),
                 "vocab_size": prepared.vocab_size},
        "generation": {"temperature": 0.0, "top_p": 1.0, "top_k": 0, "max_new_tokens": 12,
                       "repetition_penalty": 1.0, **generation},
        "data": {"train": {"pairs": 0, "loss_tokens": 0}},
    }


def make_personas(root: Path, slugs=("friend", "mom"), arch: str = "gpt2",
                  generation: dict | None = None, rank: int = 4) -> Path:
    """``root`` becomes a personas dir with one prepared base and an adapter per slug."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from finetune.adapter import save_adapter
    from finetune.config import LoraSettings
    from finetune.prepared_base import prepare_base
    from finetune.tiny import build_tiny_base
    from finetune.trainer import add_lora
    from kakao2dataset.speakers import DEFAULT_TOKENS

    root.mkdir(parents=True, exist_ok=True)
    raw = build_tiny_base(root.parent / f"raw-{arch}-{root.name}", arch=arch)
    prepared = prepare_base(str(raw), DEFAULT_TOKENS, root / "bases")
    tokenizer = AutoTokenizer.from_pretrained(prepared.path)
    for i, slug in enumerate(slugs):
        base = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
        with warnings.catch_warnings():  # peft 0.21 reads a property transformers 5 deprecated
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing")
            model = add_lora(base, LoraSettings(r=rank, alpha=2 * rank, dropout=0.0), seed=i)
        gen = torch.Generator().manual_seed(100 + i)
        with torch.no_grad():
            for name, param in model.named_parameters():
                if "lora_B" in name:
                    param.copy_(torch.randn(param.shape, generator=gen) * 0.1)
        save_adapter(model, tokenizer, root / slug / "adapter",
                     _meta(slug, prepared, generation or {}))
    return root
