"""Persona configuration: ``personas/<slug>.yaml`` ↔ strict dataclasses.

Every field carries its help text (``metadata["help"]``), so ``k2d personas show`` and the docs
say what a key means. Loading is strict: an unknown key, or a value of the wrong type, is a
:class:`~kakao2dataset.errors.ConfigError` naming the file and the dotted key.

A complete file (every key optional except ``data``)::

    display_name: Friend          # a pseudonym; never a real name
    base: skt/kogpt2-base-v2       # any HF causal LM id or local path
    data:
      pairs: [friend/data/pairs.jsonl]   # from `k2d parse`; relative to this file
      exports: []                        # or raw exports + the persona's speaker name
      speaker: null
    lora: {r: 8, alpha: 16, dropout: 0.05, target_modules: auto}
    train: {epochs: 3, max_steps: null, batch_size: 8, lr: 0.0002, ...}
    generation: {temperature: 0.8, top_p: 0.9, max_new_tokens: 64, ...}
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kakao2dataset.errors import ConfigError

DEFAULT_BASE = "skt/kogpt2-base-v2"
DEFAULT_BASE_LICENSE = (
    "The default base skt/kogpt2-base-v2 (KoGPT2) is licensed CC-BY-NC-SA 4.0: "
    "non-commercial use only, share-alike."
)


def _f(default: Any, help: str, **kw: Any) -> Any:
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"help": help}, **kw)
    return field(default=default, metadata={"help": help}, **kw)


@dataclass
class DataConfig:
    pairs: list[str] = _f([], "pairs.jsonl files from `k2d parse` (relative to the yaml file)")
    exports: list[str] = _f([], "raw chat exports, parsed on `k2d finetune` if pairs is empty")
    speaker: str | None = _f(None, "the persona's display name in the exports")


@dataclass
class LoraSettings:
    r: int = _f(8, "LoRA rank")
    alpha: int = _f(16, "LoRA alpha (scale = alpha / r)")
    dropout: float = _f(0.05, "dropout on the LoRA input")
    target_modules: str | list[str] = _f(
        "auto", "'auto' = every linear layer of the transformer blocks, found in the model "
        "(GPT-2 c_attn/c_proj/c_fc, Llama q/k/v/o/gate/up/down_proj); or a list of names"
    )


@dataclass
class TrainSettings:
    epochs: float = _f(3.0, "passes over the training pairs (ignored when max_steps is set)")
    max_steps: int | None = _f(None, "optimizer steps; overrides epochs")
    batch_size: int = _f(8, "pairs per micro-batch")
    grad_accum: int = _f(1, "micro-batches per optimizer step")
    lr: float = _f(2e-4, "peak learning rate (AdamW)")
    weight_decay: float = _f(0.0, "AdamW weight decay on LoRA weights")
    warmup: float = _f(0.1, "linear warm-up, fraction of steps (<1) or number of steps (>=1)")
    max_length: int = _f(256, "max tokens per pair (context is cut from the left)")
    eval_every: int = _f(50, "evaluate on the validation split every N optimizer steps")
    early_stopping_patience: int | None = _f(
        3, "stop after N evaluations without improvement (null = never)"
    )
    save_every: int = _f(100, "write a resumable checkpoint every N steps (0 = only at the end)")
    seed: int = _f(0, "seed for LoRA init, data order and dropout")
    precision: str = _f("auto", "auto (bf16/fp16 autocast on GPU, fp32 on CPU), fp32, bf16, fp16")
    gradient_checkpointing: bool = _f(False, "trade compute for memory on long contexts")
    grad_clip: float = _f(1.0, "clip the gradient norm (0 = off)")


@dataclass
class GenerationSettings:
    temperature: float = _f(0.8, "sampling temperature (0 = greedy)")
    top_p: float = _f(0.9, "nucleus sampling")
    top_k: int = _f(50, "top-k sampling (0 = off)")
    max_new_tokens: int = _f(64, "max tokens of one reply")
    repetition_penalty: float = _f(1.1, "penalty for repeating tokens (1 = off)")


@dataclass
class PersonaConfig:
    display_name: str = _f("", "the persona's pseudonym shown in lists and model cards")
    base: str = _f(DEFAULT_BASE, "base model: HF id or local path (default KoGPT2, CC-BY-NC-SA)")
    data: DataConfig = field(default_factory=DataConfig, metadata={"help": "training data"})
    lora: LoraSettings = field(default_factory=LoraSettings, metadata={"help": "LoRA"})
    train: TrainSettings = field(default_factory=TrainSettings, metadata={"help": "training"})
    generation: GenerationSettings = field(
        default_factory=GenerationSettings, metadata={"help": "reply sampling"}
    )


def _type_ok(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_type_ok(v, item) for v in value)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def from_dict(cls: type, data: Any, source: str, prefix: str = "") -> Any:
    """Build dataclass ``cls`` from a mapping; unknown keys and wrong types raise ConfigError."""
    if not isinstance(data, dict):
        raise ConfigError(f"'{prefix or '(top level)'}' must be a mapping", path=source)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in fields:
            known = ", ".join(fields)
            raise ConfigError(f"unknown key '{dotted}' (expected one of: {known})", path=source)
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            kwargs[key] = from_dict(hint, value, source, f"{dotted}.")
        elif hint is float and isinstance(value, str) and _is_float(value):
            kwargs[key] = float(value)  # YAML 1.1 reads `2e-4` (no dot) as a string
        elif not _type_ok(value, hint):
            raise ConfigError(f"'{dotted}' has a wrong type: {value!r}", path=source)
        else:
            kwargs[key] = float(value) if hint is float else value
    return cls(**kwargs)


def to_dict(config: Any) -> dict:
    return dataclasses.asdict(config)


def validate(cfg: PersonaConfig, source: str) -> PersonaConfig:
    """Value checks that types alone cannot express."""
    checks = [
        (cfg.lora.r > 0, "lora.r must be > 0"),
        (cfg.train.batch_size > 0, "train.batch_size must be > 0"),
        (cfg.train.grad_accum > 0, "train.grad_accum must be > 0"),
        (cfg.train.lr > 0, "train.lr must be > 0"),
        (cfg.train.max_length >= 8, "train.max_length must be >= 8"),
        (cfg.train.precision in ("auto", "fp32", "bf16", "fp16"), "train.precision: bad value"),
        (cfg.train.max_steps is None or cfg.train.max_steps > 0, "train.max_steps must be > 0"),
        (cfg.train.eval_every > 0, "train.eval_every must be > 0"),
        (0 <= cfg.lora.dropout < 1, "lora.dropout must be in [0, 1)"),
    ]
    for ok, message in checks:
        if not ok:
            raise ConfigError(message, path=source)
    if isinstance(cfg.lora.target_modules, str) and cfg.lora.target_modules != "auto":
        raise ConfigError("lora.target_modules must be 'auto' or a list of names", path=source)
    return cfg


def load_config(path: Path) -> PersonaConfig:
    """Read and validate a persona yaml file."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("persona file not found", path=str(path)) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ConfigError("not valid YAML", path=str(path),
                          line=None if line is None else line + 1) from None
    return validate(from_dict(PersonaConfig, data or {}, str(path)), str(path))


def dump_config(cfg: PersonaConfig) -> str:
    import yaml

    return yaml.safe_dump(to_dict(cfg), allow_unicode=True, sort_keys=False)


def describe(cls: type = PersonaConfig, prefix: str = "") -> list[tuple[str, str, str]]:
    """``[(dotted key, default, help)]`` for docs and ``k2d personas show --keys``."""
    rows = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[f.name]):
            rows += describe(hints[f.name], f"{prefix}{f.name}.")
        else:
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            rows.append((prefix + f.name, repr(default), f.metadata.get("help", "")))
    return rows
