"""``k2d eval``: is the adapter better than just prompting the base?

Three numbers on the same held-out responses (the validation split = the latest sessions, so
no leakage), token-weighted perplexity over response tokens + the closing ``<eot>``:

(a) base, zero-shot — the prepared base with the conversation context only;
(b) base, few-shot — k of the persona's own *training* pairs (the most recent ones) rendered
    in front of each context, so the base can copy the style from the prompt;
(c) adapter — the LoRA adapter with the context only.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from finetune.data import Example, Pair, encode_pair, read_pairs
from finetune.personas import Persona, ensure_pairs
from kakao2dataset.errors import K2DError
from kakao2dataset.speakers import SpeakerTokens, render_example, render_prompt


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
    from finetune.adapter import load_for_inference

    model, tokenizer, meta = load_for_inference(adapter_dir)
    train_pairs, val_pairs = _splits(persona, max_examples)
    return perplexities(persona, model, tokenizer, meta, train_pairs, val_pairs, shots,
                        batch_size)


def _splits(persona: Persona, limit: int | None) -> tuple[list[Pair], list[Pair]]:
    """Training pairs and the first ``limit`` time-ordered validation pairs (via data.py)."""
    pairs = read_pairs(ensure_pairs(persona))
    train_pairs = [p for p in pairs if p.split == "train"]
    val_pairs = [p for p in pairs if p.split == "validation"][:limit]
    if not val_pairs:
        raise K2DError("no validation pairs to evaluate on", path=str(persona.file))
    return train_pairs, val_pairs


def perplexities(persona: Persona, model, tokenizer, meta: dict, train_pairs: list[Pair],
                 val_pairs: list[Pair], shots: int, batch_size: int = 8) -> dict:
    """The three perplexities on ``val_pairs`` with an already loaded adapter model."""
    import torch

    from finetune.run import max_positions
    from finetune.trainer import eval_loss

    tokens = SpeakerTokens.from_dict(meta["speaker_tokens"])
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


# --- the persona report (``k2d eval --report`` / ``--blind``) --------------------------------

REPORT_VERSION = 1
MIN_COPY_TOKENS = 8


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal (never in logs
    or pipes, where carriage returns become noise)."""

    def __init__(self, total: int, label: str, stream=None):
        import sys

        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.on:
            width = 30
            fill = width * self.done // max(self.total, 1)
            self.stream.write(f"\r{self.label} [{'#' * fill}{'.' * (width - fill)}] "
                              f"{self.done}/{self.total}")
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()


def generate_replies(model, tokenizer, meta: dict, prompts: list[list[int]], *, adapter: bool,
                     seed: int, batch_size: int = 8, progress: Progress | None = None
                     ) -> list[str]:
    """One sampled reply per prompt (the persona's generation settings, row ``i`` seeded with
    ``seed + i`` so a report is reproducible and does not depend on the batch size)."""
    import contextlib

    from finetune.generation import SamplingSettings, decode_rows
    from finetune.utf8 import Utf8Guard

    tokens = SpeakerTokens.from_dict(meta["speaker_tokens"])
    settings = SamplingSettings.from_dict(meta.get("generation"))
    stop = {tokenizer.convert_tokens_to_ids(tokens.end_of_turn)}
    if tokenizer.eos_token_id is not None:
        stop.add(tokenizer.eos_token_id)
    guard = Utf8Guard.for_tokenizer(tokenizer)  # as chat/serve do: no half characters
    out: list[str] = []
    scope = contextlib.nullcontext() if adapter else model.disable_adapter()
    with scope:
        for start in range(0, len(prompts), batch_size):
            chunk = prompts[start:start + batch_size]
            rows = decode_rows(model, chunk, None,
                               [settings.override(seed=seed + start + i) for i in range(len(chunk))],
                               stop_ids=stop, pad_id=tokenizer.pad_token_id, utf8=guard)
            out += [tokenizer.decode(r.token_ids, skip_special_tokens=True).strip() for r in rows]
            if progress is not None:
                progress.update(len(chunk))
    return out


def _is_tiny(meta: dict) -> bool:
    """A base built by :mod:`finetune.tiny` (the offline demo / tests): the report is a smoke run."""
    from finetune.tiny import MARKER

    base = meta["base"]
    return any((Path(p) / MARKER).is_file() for p in (base["source"], base["path"]))


def persona_report(persona: Persona, adapter_dir: Path, *, shots: int = 3, limit: int | None = None,
                   seed: int = 0, batch_size: int = 8) -> dict:
    """Everything ``report.json`` holds: perplexities, side-by-side replies, style figures,
    memorization and the verdict, all on the first ``limit`` validation contexts."""
    from finetune.adapter import load_for_inference
    from finetune.report import memorization, style, verdict
    from finetune.run import max_positions

    model, tokenizer, meta = load_for_inference(adapter_dir)
    train_pairs, val_pairs = _splits(persona, limit)
    ppl = perplexities(persona, model, tokenizer, meta, train_pairs, val_pairs, shots, batch_size)
    tokens = SpeakerTokens.from_dict(meta["speaker_tokens"])
    max_new = _max_new_tokens(meta)
    room = (max_positions(model.config) or 10**9) - max_new
    prompts = [tokenizer.encode(render_prompt(p.context, tokens), add_special_tokens=False)[-room:]
               for p in val_pairs]
    prefix = tokenizer.encode(demonstrations(train_pairs, shots, tokens), add_special_tokens=False)
    fs_prompts = [(prefix + ids)[-room:] for ids in prompts]
    bar = Progress(2 * len(prompts), "generating replies")
    adapted = generate_replies(model, tokenizer, meta, prompts, adapter=True, seed=seed,
                               batch_size=batch_size, progress=bar)
    fewshot = generate_replies(model, tokenizer, meta, fs_prompts, adapter=False, seed=seed,
                               batch_size=batch_size, progress=bar)
    real = [p.response for p in val_pairs]

    train_replies = [p.response for p in train_pairs]
    others = [t for p in train_pairs for role, t in p.context if role != "persona"]
    vocab = style.distinctive_words(train_replies, others)
    figs = {"real": style.figures(real, vocab), "adapter": style.figures(adapted, vocab),
            "few-shot": style.figures(fewshot, vocab)}

    train_texts = list(dict.fromkeys(train_replies + [t for p in train_pairs for _, t in p.context]))
    encode = memorization.morphemes
    index = memorization.SpanIndex([encode(t) for t in train_texts], MIN_COPY_TOKENS)
    mem: dict = {"min_tokens": MIN_COPY_TOKENS, "unit": "kiwipiepy morphemes", "worst": []}
    for name, replies in (("real", real), ("adapter", adapted), ("few-shot", fewshot)):
        share, copies = memorization.check([encode(r) for r in replies], index)
        mem[name] = {"share": share, "copies": len(copies)}
        if name != "real":
            mem["worst"] += [{"generator": name, "tokens": c.tokens, "context_index": c.reply,
                              "reply": replies[c.reply], "training_turn": train_texts[c.train]}
                             for c in copies]
    mem["worst"] = sorted(mem["worst"], key=lambda c: -c["tokens"])[:10]

    rows = verdict.compare(figs["real"], figs["adapter"], figs["few-shot"], style.SCALARS)
    by = {r["setting"]: r["ppl"] for r in ppl["rows"]}
    rows.append({"figure": "perplexity", "label": "perplexity on the real replies (lower)",
                 "real": None, "adapter": by["adapter"], "few_shot": by[f"base {shots}-shot"],
                 "closer": "adapter" if by["adapter"] < by[f"base {shots}-shot"] else "few-shot"})
    return {
        "report_version": REPORT_VERSION,
        "persona": persona.slug,
        "display_name": persona.display_name,
        "base": meta["base"]["source"],
        "smoke_run": _is_tiny(meta),
        "split": "validation",
        "contexts": len(val_pairs),
        "shots": shots,
        "seed": seed,
        "generation": meta.get("generation"),
        "perplexity": ppl,
        "distinctive_words": vocab,
        "style": figs,
        "memorization": mem,
        "verdict": {"rows": rows, "summary": verdict.summary(rows)},
        "samples": [{"context": [list(t) for t in p.context], "real": r, "adapter": a,
                     "few_shot": f} for p, r, a, f in zip(val_pairs, real, adapted, fewshot, strict=True)],
    }


def _max_new_tokens(meta: dict) -> int:
    from finetune.generation import SamplingSettings

    return SamplingSettings.from_dict(meta.get("generation")).max_new_tokens


def write_report(report: dict, out_dir: Path) -> tuple[Path, Path]:
    """report.json + report.html into ``out_dir``, each written to a temp file and renamed."""
    from finetune.report.html import render

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = (out_dir / "report.json", out_dir / "report.html")
    _atomic_write(paths[0], json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    _atomic_write(paths[1], render(report))
    return paths


def _atomic_write(path: Path, text: str) -> None:
    from kakao2dataset.writers import write_text

    write_text(path, text)
