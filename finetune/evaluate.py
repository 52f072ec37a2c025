"""``k2d eval``: is the adapter better than just prompting the base?

Three numbers on the same held-out responses (the validation split = the latest sessions, so
no leakage), token-weighted perplexity over response tokens + the closing ``<eot>``:

(a) base, zero-shot — the prepared base with the conversation context only;
(b) base, few-shot — k of the persona's own *training* pairs (the most recent ones) rendered
    in front of each context, so the base can copy the style from the prompt;
(c) adapter — the LoRA adapter with the context only.
"""

from __future__ import annotations

import math
from pathlib import Path

from finetune.data import Example, Pair, encode_pair, read_pairs
from finetune.personas import Persona, ensure_pairs
from kakao2dataset.errors import K2DError
from kakao2dataset.speakers import SpeakerTokens, render_example


def few_shot(example: Example, prefix_ids: list[int], limit: int) -> Example:
    """Put the demonstration ids in front; cut the demonstrations from the left to fit."""
    room = max(0, limit - len(example.ids))
    prefix = prefix_ids[len(prefix_ids) - room :] if room < len(prefix_ids) else prefix_ids
    return Example(prefix + example.ids, len(prefix) + example.n_prompt)


def demonstrations(train_pairs: list[Pair], k: int, tokens: SpeakerTokens) -> str:
    return "".join(render_example(p.context, p.response, tokens) for p in train_pairs[-k:]) if k else ""


def evaluate(persona: Persona, adapter_dir: Path, shots: int = 3, batch_size: int = 8,
             max_examples: int | None = None) -> dict:
    """→ ``{"rows": [{"setting", "loss", "ppl", "tokens"}], "pairs": n, "shots": k}``."""
    import torch

    from finetune.adapter import load_for_inference
    from finetune.run import max_positions
    from finetune.trainer import eval_loss

    model, tokenizer, meta = load_for_inference(adapter_dir)
    tokens = SpeakerTokens.from_dict(meta["speaker_tokens"])
    pairs = read_pairs(ensure_pairs(persona))
    train_pairs = [p for p in pairs if p.split == "train"]
    val_pairs = [p for p in pairs if p.split == "validation"][:max_examples]
    if not val_pairs:
        raise K2DError("no validation pairs to evaluate on", path=str(persona.file))
    limit = min(meta["train"]["max_length"], max_positions(model.config) or 10**9)
    zero = [encode_pair(p, tokenizer, tokens, limit) for p in val_pairs]
    prefix = tokenizer.encode(demonstrations(train_pairs, shots, tokens), add_special_tokens=False)
    limit_fs = max_positions(model.config) or limit + len(prefix)
    fs = [few_shot(e, prefix, limit_fs) for e in zero]
    pad = tokenizer.pad_token_id
    device = "cpu"
    with torch.no_grad():
        with model.disable_adapter():
            base_zero = eval_loss(model, zero, pad, batch_size, device)
            base_fs = eval_loss(model, fs, pad, batch_size, device)
        adapted = eval_loss(model, zero, pad, batch_size, device)
    n_tokens = sum(e.n_loss for e in zero)
    rows = [("base zero-shot", base_zero), (f"base {shots}-shot", base_fs), ("adapter", adapted)]
    return {
        "persona": persona.slug,
        "pairs": len(val_pairs),
        "shots": shots,
        "tokens": n_tokens,
        "rows": [{"setting": name, "loss": loss, "ppl": math.exp(min(loss, 50.0))}
                 for name, loss in rows],
    }


def format_table(report: dict) -> str:
    lines = [f"validation: {report['pairs']} pairs, {report['tokens']} response tokens",
             "| setting | loss | perplexity |", "|---|---:|---:|"]
    lines += [f"| {r['setting']} | {r['loss']:.4f} | {r['ppl']:.2f} |" for r in report["rows"]]
    return "\n".join(lines)
