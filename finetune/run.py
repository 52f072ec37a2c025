"""``k2d finetune`` end to end: persona → data → prepared base → LoRA → train → adapter dir.

Kept apart from the loop (``finetune.trainer``) so the loop stays readable and this file says
what is wired to what.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from finetune import adapter as adapter_mod
from finetune.config import PersonaConfig, validate
from finetune.data import Example, encode_all, read_dialogues, read_manifest_tokens, render_masked
from finetune.data import stats as data_stats
from finetune.personas import Persona, ensure_pairs
from kakao2dataset.errors import K2DError
from kakao2dataset.speakers import SpeakerTokens


@dataclass
class Overrides:
    """Command-line flags that override the persona file for one run (None = keep)."""

    base: str | None = None
    max_steps: int | None = None
    epochs: float | None = None
    lr: float | None = None
    batch_size: int | None = None
    seed: int | None = None
    eval_every: int | None = None
    save_every: int | None = None

    def apply(self, cfg: PersonaConfig, source: str) -> PersonaConfig:
        train = cfg.train
        for name in ("max_steps", "epochs", "lr", "batch_size", "seed", "eval_every",
                     "save_every"):
            value = getattr(self, name)
            if value is not None:
                train = dataclasses.replace(train, **{name: value})
        cfg = dataclasses.replace(cfg, train=train, base=self.base or cfg.base)
        return validate(cfg, source)


def dataset_tokens(paths: list[Path]) -> SpeakerTokens:
    tokens = {read_manifest_tokens(p) for p in paths}
    if len(tokens) != 1:
        raise K2DError("the pair files use different speaker tokens; re-parse them together")
    return tokens.pop()


def max_positions(config) -> int | None:
    for key in ("n_positions", "max_position_embeddings"):
        if getattr(config, key, None):
            return getattr(config, key)
    return None


def load_examples(persona: Persona, cfg: PersonaConfig, tokenizer, tokens: SpeakerTokens,
                  limit: int | None):
    dialogues = read_dialogues(ensure_pairs(persona))
    max_len = min(cfg.train.max_length, limit or cfg.train.max_length)
    train_set, val_set = encode_all(dialogues, tokenizer, tokens, max_len)
    if not train_set:
        raise K2DError("no training pairs (split 'train') in the data", path=str(persona.file))
    return train_set, val_set


def _lora_param_count(model, targets: list[str], r: int) -> int:
    from transformers.pytorch_utils import Conv1D

    total = 0
    for name, module in model.named_modules():
        if name.rsplit(".", 1)[-1] not in targets:
            continue
        if isinstance(module, Conv1D):
            total += r * sum(module.weight.shape)
        elif hasattr(module, "in_features"):
            total += r * (module.in_features + module.out_features)
    return total


def dry_run(persona: Persona, cfg: PersonaConfig) -> str:
    """Token counts, one masked sample and the plan — loads only the tokenizer and config."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from finetune.prepared_base import add_speaker_tokens, base_slug
    from finetune.trainer import lora_targets, total_steps

    tokens = dataset_tokens(ensure_pairs(persona))
    prepared = persona.bases_dir / base_slug(cfg.base)
    source = prepared if prepared.exists() else cfg.base
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model_config = AutoConfig.from_pretrained(source)
    except OSError as exc:
        raise K2DError(f"cannot load base {cfg.base!r}: " + " ".join(str(exc).split())) from None
    added = [] if prepared.exists() else add_speaker_tokens(tokenizer, tokens)
    train_set, val_set = load_examples(persona, cfg, tokenizer, tokens, max_positions(model_config))
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(model_config)
    targets, conv1d = lora_targets(model)
    if cfg.lora.target_modules != "auto":
        targets = list(cfg.lora.target_modules)
    st, t = data_stats(train_set, val_set), cfg.train
    sample = sorted(train_set[:51], key=lambda e: len(e.ids))[len(train_set[:51]) // 2]  # typical
    steps = total_steps(t, len(train_set))
    lines = [
        f"persona      {persona.slug} ({persona.display_name})",
        f"base         {cfg.base}  (prepared: {prepared}{'' if prepared.exists() else ', not built yet'})",
        f"speaker      {tokens.as_list()}  new to the base: {added or 'none'}",
        f"train        {st['train']['sequences']} sequences from {st['train']['conversations']} "
        f"conversations, {st['train']['persona_turns']} persona turns, "
        f"{st['train']['tokens']} tokens, {st['train']['loss_tokens']} with loss",
        f"validation   {st['validation']['sequences']} sequences, "
        f"{st['validation']['persona_turns']} persona turns, {st['validation']['tokens']} tokens, "
        f"{st['validation']['loss_tokens']} with loss",
        f"lora         r={cfg.lora.r} alpha={cfg.lora.alpha} dropout={cfg.lora.dropout} "
        f"targets={targets} fan_in_fan_out={conv1d} "
        f"params={_lora_param_count(model, targets, cfg.lora.r):,}",
        f"plan         {steps} steps x {t.batch_size} sequences x {t.grad_accum} accum "
        f"(~{steps * t.batch_size * t.grad_accum / len(train_set):.2f} epochs), lr {t.lr} "
        f"warm-up {t.warmup} + cosine, eval every {t.eval_every}, "
        f"patience {t.early_stopping_patience}, precision {t.precision}",
        f"output       {persona.adapter_dir}",
        "sample (loss on [bracketed] tokens):",
        "  " + render_masked(sample, tokenizer),
    ]
    return "\n".join(lines)


def build_meta(persona: Persona, cfg: PersonaConfig, prepared, train_set: list[Example],
               val_set: list[Example], result) -> dict:
    return {
        "format_version": adapter_mod.FORMAT_VERSION,
        "persona": {"slug": persona.slug, "display_name": persona.display_name},
        "speaker_tokens": prepared.tokens.to_dict(),
        "speaker_token_ids": prepared.token_ids,
        "base": {"source": prepared.source, "path": str(prepared.path.resolve()),
                 "vocab_size": prepared.vocab_size},
        "lora": dataclasses.asdict(cfg.lora),
        "train": dataclasses.asdict(cfg.train),
        "generation": dataclasses.asdict(cfg.generation),
        "data": data_stats(train_set, val_set),
        "eval": result.eval_summary(),
    }


def run_finetune(persona: Persona, cfg: PersonaConfig, *, output: Path | None = None,
                 resume: bool = False, stop_after: int | None = None,
                 quiet: bool = False) -> dict:
    """Train the persona's adapter and write it; returns ``k2d.json``'s content, with
    ``"interrupted": True`` when Ctrl-C (or ``stop_after``) ended the run at a checkpoint."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from finetune.prepared_base import base_slug, prepare_base
    from finetune.progress import Progress, StopRequest
    from finetune.trainer import add_lora, train

    stage = Progress(1, quiet=quiet).stage
    tokens = dataset_tokens(ensure_pairs(persona))
    if not (persona.bases_dir / base_slug(cfg.base)).exists():
        stage(f"preparing base {cfg.base} (once per base: speaker tokens added) ...")
    prepared = prepare_base(cfg.base, tokens, persona.bases_dir)
    stage(f"loading base {prepared.path}")
    tokenizer = AutoTokenizer.from_pretrained(prepared.path)
    model = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
    train_set, val_set = load_examples(persona, cfg, tokenizer, tokens,
                                       max_positions(model.config))
    model = add_lora(model, cfg.lora, cfg.train.seed)
    with StopRequest() as stop_request:
        result = train(model, train_set, val_set, tokenizer.pad_token_id, cfg.train,
                       persona.work_dir, resume=resume, stop_after=stop_after, quiet=quiet,
                       stop_request=stop_request)
    meta = build_meta(persona, cfg, prepared, train_set, val_set, result)
    if result.interrupted:
        return meta | {"interrupted": True, "checkpoint": str(persona.work_dir)}
    if stop_after is not None and result.steps == stop_after and result.steps < _steps(cfg, train_set):
        return meta | {"interrupted": True}  # checkpoint written; resume with --resume
    adapter_mod.save_adapter(model.cpu(), tokenizer, output or persona.adapter_dir, meta)
    return meta


def _steps(cfg: PersonaConfig, train_set) -> int:
    from finetune.trainer import total_steps

    return total_steps(cfg.train, len(train_set))

