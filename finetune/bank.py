"""PersonaBank: one frozen base in memory, any number of persona LoRA adapters on it.

    bank = PersonaBank.from_personas_dir("personas")          # base loaded once
    bank.reply("friend", [("user", "밥 먹었어?")]).text
    bank.reply_batch([("friend", hist1), ("mom", hist2)])     # ONE forward per token, mixed

Adapters are loaded with peft's ``load_adapter`` under the persona's slug and removed with
``delete_adapter``; the base module is never reloaded or copied. A batch whose rows name
different personas runs as one forward pass per decode step with ``adapter_names=[...]``
(peft splits each LoRA layer's input by adapter; the frozen base matmuls are shared).

Prompts are rendered by :func:`kakao2dataset.speakers.render_prompt`, the same function that
built the training examples, and cut from the left (oldest turns first) to fit the model.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from finetune.generation import SamplingSettings, StackedLora, decode_rows
from finetune.paths import adapter_dir as adapter_dir_for
from finetune.paths import persona_file, resolve_base
from finetune.utf8 import Utf8Guard
from kakao2dataset.errors import ConfigError, K2DError, MissingExtraError
from kakao2dataset.speakers import DEFAULT_TOKENS, ROLES, SpeakerTokens, render_prompt

META_FILE = "k2d.json"
History = Sequence[tuple[str, str]]


class UnknownPersonaError(K2DError):
    """A persona slug that is not loaded in the bank."""


class BaseMismatchError(K2DError):
    """An adapter trained on a different base (path or vocabulary) than the bank's."""


class PromptTooLongError(K2DError):
    """Even the newest turn alone does not fit the model's context."""


@dataclass(frozen=True)
class AdapterInfo:
    """What an adapter directory says about itself (``adapter_config.json`` + ``k2d.json``)."""

    path: Path
    base_path: str  # base_model_name_or_path, as written by the trainer
    vocab_size: int | None  # vocabulary the adapter was trained with (k2d.json), if recorded
    speaker_tokens: SpeakerTokens
    generation: dict
    meta: dict

    @classmethod
    def read(cls, adapter_dir: str | os.PathLike) -> AdapterInfo:
        path = Path(adapter_dir)
        cfg_file = path / "adapter_config.json"
        if not cfg_file.is_file():
            raise K2DError("not an adapter directory (no adapter_config.json)", path=str(path))
        config = json.loads(cfg_file.read_text(encoding="utf-8"))
        meta_file = path / META_FILE
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        base = meta.get("base") if isinstance(meta.get("base"), dict) else {}
        vocab = base.get("vocab_size", meta.get("vocab_size", meta.get("base_vocab_size")))
        tokens = meta.get("speaker_tokens")
        return cls(
            path=path,
            base_path=resolve_base(path, str(config.get("base_model_name_or_path")
                                             or base.get("path") or ""), base.get("trained_path")),
            vocab_size=int(vocab) if vocab is not None else None,
            speaker_tokens=SpeakerTokens.from_dict(tokens) if tokens else DEFAULT_TOKENS,
            generation=dict(meta.get("generation") or {}),
            meta=meta,
        )


@dataclass(frozen=True)
class Reply:
    persona: str
    text: str
    finish_reason: str  # "stop" or "length"
    prompt_tokens: int
    completion_tokens: int

    def __str__(self) -> str:
        return self.text


@dataclass
class BankStats:
    """Counters for tests and ``/metrics``: how requests were batched."""

    batches: int = 0  # calls that ran the model (one mixed batch each)
    rows: int = 0
    max_batch_rows: int = 0
    max_batch_personas: int = 0  # most distinct personas seen in one batch
    generated_tokens: int = 0

    def record(self, rows: int, personas: int, tokens: int) -> None:
        self.batches += 1
        self.rows += rows
        self.max_batch_rows = max(self.max_batch_rows, rows)
        self.max_batch_personas = max(self.max_batch_personas, personas)
        self.generated_tokens += tokens


def _same_path(a: str, b: str) -> bool:
    if a == b:
        return True
    return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)


def _persona_generation(adapter: Path, slug: str) -> dict:
    """The ``generation`` block of ``<personas_dir>/<slug>.yaml`` next to the adapter, if any."""
    yaml_path = persona_file(slug, adapter.parent.parent)
    if not yaml_path.is_file():
        return {}
    import yaml

    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8")) or {}
    block = data.get("generation") if isinstance(data, dict) else None
    return dict(block) if isinstance(block, dict) else {}


MIXING_MODES = ("auto", "stacked", "peft")


class PersonaBank:
    """One base model, many persona adapters; replies one at a time or as mixed batches."""

    def __init__(self, base_path: str | os.PathLike, *, max_prompt_tokens: int | None = None,
                 max_turns: int | None = 32, dtype: str = "float32", mixing: str = "auto"):
        """``mixing``: how a batch mixes personas. ``"peft"`` passes ``adapter_names`` to
        peft, which runs each adapter on its slice of the batch; ``"stacked"`` gathers every
        row's LoRA weights and runs two batched matmuls per layer
        (:class:`~finetune.generation.StackedLora`; same logits, faster with many personas per
        batch, plain LoRA only); ``"auto"`` (default) uses stacked when every loaded adapter is
        plain LoRA and peft otherwise (see :attr:`mixing_in_use`)."""
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ModuleNotFoundError as exc:
            raise MissingExtraError("train", exc.name or "torch") from None
        self.base_path = str(base_path)
        if not Path(self.base_path).is_dir():
            raise K2DError("prepared base not found (run `k2d finetune` first)",
                           path=self.base_path)
        self.tokenizer = AutoTokenizer.from_pretrained(self.base_path)
        self.base_model = AutoModelForCausalLM.from_pretrained(
            self.base_path, dtype=getattr(torch, dtype))
        self.base_model.eval()
        # The tokenizer's length, as prepared_base records it (embeddings may be padded beyond).
        self.vocab_size = len(self.tokenizer)
        # Byte-level vocabularies can split a character over tokens: replies stay valid UTF-8.
        self.utf8 = Utf8Guard.for_tokenizer(self.tokenizer)
        config = self.base_model.config
        self.context_size = int(getattr(config, "max_position_embeddings", 1024) or 1024)
        self.max_prompt_tokens = max_prompt_tokens
        self.max_turns = max_turns
        if mixing not in MIXING_MODES:
            raise ConfigError(f"mixing must be one of {', '.join(MIXING_MODES)}, got {mixing!r}")
        self.mixing = mixing
        self.model = None  # the PeftModel wrapping base_model, created by the first load()
        self._stacked: StackedLora | None = None
        self.stats = BankStats()
        self._personas: dict[str, AdapterInfo] = {}
        self._sampling: dict[str, SamplingSettings] = {}
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ construction helpers
    @classmethod
    def for_adapter(cls, adapter_dir: str | os.PathLike, slug: str | None = None,
                    **kwargs) -> PersonaBank:
        """A bank on the base an adapter names, with that adapter loaded."""
        info = AdapterInfo.read(adapter_dir)
        bank = cls(info.base_path, **kwargs)
        bank.load(slug or Path(adapter_dir).resolve().parent.name, adapter_dir)
        return bank

    @classmethod
    def from_personas_dir(cls, root: str | os.PathLike, slugs: Iterable[str] | None = None,
                          **kwargs) -> PersonaBank:
        """Every trained persona in ``root`` (or only ``slugs``) on their one shared base."""
        found = discover_personas(root)
        wanted = list(slugs) if slugs else sorted(found)
        if not wanted:
            raise K2DError("no trained personas found (expected <slug>/adapter/)", path=str(root))
        missing = [s for s in wanted if s not in found]
        if missing:
            raise UnknownPersonaError(f"no trained adapter for persona(s) {missing}; "
                                      f"available: {sorted(found)}", path=str(root))
        infos = {s: AdapterInfo.read(found[s]) for s in wanted}
        bases = sorted({i.base_path for i in infos.values()})
        if len(bases) > 1:
            raise BaseMismatchError(f"these personas use {len(bases)} different bases {bases}; "
                                    "one bank serves one base: pick personas with --persona")
        bank = cls(bases[0], **kwargs)
        for slug in wanted:
            bank.load(slug, found[slug])
        return bank

    # ------------------------------------------------------------------ adapters
    @property
    def personas(self) -> list[str]:
        return sorted(self._personas)

    def info(self, slug: str) -> AdapterInfo:
        self._require(slug)
        return self._personas[slug]

    def sampling(self, slug: str) -> SamplingSettings:
        self._require(slug)
        return self._sampling[slug]

    def load(self, slug: str, adapter_dir: str | os.PathLike) -> AdapterInfo:
        """Add a persona adapter under ``slug``; the base stays as it is. Refuses an adapter
        trained on another base (path or vocabulary size) or with other speaker tokens."""
        if not slug or slug == "__base__" or slug in self._personas:
            raise ConfigError(f"persona slug {slug!r} is empty, reserved or already loaded")
        info = AdapterInfo.read(adapter_dir)
        self._check_base(slug, info)
        with self._lock, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*should not be contained in the prefix")
            # peft 0.21 reads a property transformers 5.23 deprecated; not ours to fix.
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing",
                                    category=FutureWarning)
            if self.model is None:
                from peft import PeftModel

                self.model = PeftModel.from_pretrained(self.base_model, str(info.path),
                                                       adapter_name=slug)
            else:
                self.model.load_adapter(str(info.path), adapter_name=slug)
            self.model.eval()
            self._stacked = None
            self._personas[slug] = info
            generation = {**info.generation, **_persona_generation(info.path, slug)}
            self._sampling[slug] = SamplingSettings.from_dict(generation)
        return info

    def unload(self, slug: str) -> None:
        """Remove a persona's adapter weights; other personas and the base are untouched."""
        self._require(slug)
        with self._lock, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*was active which is now deleted")
            self.model.delete_adapter(slug)
            self._stacked = None
            del self._personas[slug], self._sampling[slug]

    def _check_base(self, slug: str, info: AdapterInfo) -> None:
        where = str(info.path)
        if not _same_path(info.base_path, self.base_path):
            raise BaseMismatchError(
                f"persona {slug!r} was trained on base {info.base_path!r}, but this bank runs "
                f"{self.base_path!r}; serve it from its own bank", path=where)
        if info.vocab_size is not None and info.vocab_size != self.vocab_size:
            raise BaseMismatchError(
                f"persona {slug!r} expects a vocabulary of {info.vocab_size} tokens, the loaded "
                f"base has {self.vocab_size}; re-prepare the base or retrain", path=where)
        recorded = info.meta.get("speaker_token_ids") or {}
        for role, token in info.speaker_tokens.to_dict().items():
            ids = self.tokenizer.encode(token, add_special_tokens=False)
            if len(ids) != 1 or ids[0] != recorded.get(role, ids[0]):
                raise BaseMismatchError(f"speaker token {token!r} of persona {slug!r} is not the "
                                        "same single token in the base tokenizer", path=where)

    def _require(self, slug: str) -> None:
        if slug not in self._personas:
            raise UnknownPersonaError(f"persona {slug!r} is not loaded; loaded: {self.personas}")

    # ------------------------------------------------------------------ prompts
    def stop_ids(self, slug: str) -> set[int]:
        tokens = self._personas[slug].speaker_tokens.as_list()
        ids = set(self.tokenizer.convert_tokens_to_ids(tokens))
        if self.tokenizer.eos_token_id is not None:
            ids.add(self.tokenizer.eos_token_id)
        return ids

    def encode_prompt(self, slug: str, history: History, max_new_tokens: int) -> list[int]:
        """Token ids of ``render_prompt(history)``, oldest turns dropped until it fits
        ``context_size - max_new_tokens`` (and ``max_prompt_tokens`` / ``max_turns``)."""
        self._require(slug)
        if not history:
            raise ConfigError("a reply needs at least one turn of history")
        budget = self.context_size - max_new_tokens
        if self.max_prompt_tokens is not None:
            budget = min(budget, self.max_prompt_tokens)
        turns = list(history)[-self.max_turns:] if self.max_turns else list(history)
        bad = sorted({role for role, _ in turns if role not in ROLES})
        if bad:
            raise ConfigError(f"unknown role(s) {bad} in history; expected {list(ROLES)}")
        tokens = self._personas[slug].speaker_tokens
        while True:
            ids = self.tokenizer(render_prompt(turns, tokens), add_special_tokens=False)[
                "input_ids"]
            if len(ids) <= budget:
                return ids
            if len(turns) == 1:
                raise PromptTooLongError(
                    f"the last message is {len(ids)} tokens; at most {budget} fit with "
                    f"max_new_tokens={max_new_tokens} (context {self.context_size})")
            turns = turns[1:]

    # ------------------------------------------------------------------ generation
    def reply(self, slug: str, history: History, **overrides) -> Reply:
        """The persona's next turn after ``history`` (list of ``(role, text)``, role ``user``
        or ``persona``). ``overrides``: any :class:`SamplingSettings` field."""
        return self.reply_batch([(slug, history)], **overrides)[0]

    def reply_batch(self, rows: Sequence[tuple[str, History]], *,
                    settings: Sequence[SamplingSettings] | None = None,
                    on_token: Callable[[int, int], None] | None = None,
                    **overrides) -> list[Reply]:
        """One reply per ``(slug, history)`` row, all rows decoded together in one mixed-adapter
        batch. Each row samples with its persona's settings (+ ``overrides``), or with
        ``settings[i]`` when given; a seed makes a row reproducible whatever else is in the batch."""
        if not rows:
            return []
        for slug, _ in rows:
            self._require(slug)
        if settings is None:
            settings = [self._sampling[slug].override(**overrides) for slug, _ in rows]
        prompts = [self.encode_prompt(slug, hist, s.max_new_tokens)
                   for (slug, hist), s in zip(rows, settings, strict=True)]
        slugs = [slug for slug, _ in rows]
        stop = set().union(*(self.stop_ids(s) for s in set(slugs)))
        pad = self._pad_id()
        with self._lock, self.mixed(slugs) as names:
            outputs = decode_rows(self.model, prompts, names, settings, stop_ids=stop,
                                  pad_id=pad, on_token=on_token, utf8=self.utf8)
            self.stats.record(len(rows), len(set(slugs)),
                              sum(len(o.token_ids) for o in outputs))
        return [Reply(slug, self.decode(o.token_ids), o.finish_reason, len(p), len(o.token_ids))
                for slug, o, p in zip(slugs, outputs, prompts, strict=True)]

    @contextlib.contextmanager
    def mixed(self, slugs: list[str]):
        """Yields the ``adapter_names`` to pass to forward (peft mixing), or None when the
        stacked path's hooks do the mixing."""
        if self.mixing_in_use == "peft":
            yield list(slugs)
            return
        with self._stacked.rows(slugs):
            yield None

    @property
    def mixing_in_use(self) -> str:
        """``"peft"`` or ``"stacked"``: what ``mixing`` resolves to for the loaded adapters
        (decided again after every load/unload)."""
        if self.mixing == "peft" or self.model is None:
            return "peft"
        if self._stacked is None:
            stacked = StackedLora(self.model)
            reason = stacked.unsupported_reason()
            if reason is None:
                self._stacked = stacked
            elif self.mixing == "stacked":
                raise ConfigError(f"mixing='stacked' is not possible: {reason}; use 'peft'")
            else:
                return "peft"
        return "stacked"

    def _pad_id(self) -> int:
        pad = self.tokenizer.pad_token_id
        return pad if pad is not None else self.tokenizer.eos_token_id

    def decode(self, token_ids: Sequence[int]) -> str:
        return self.tokenizer.decode(list(token_ids), skip_special_tokens=True).strip()

    def next_token_logits(self, rows: Sequence[tuple[str, History]], max_new_tokens: int = 1):
        """Last-position logits ``[len(rows), vocab]`` of one mixed, left-padded forward (for
        tests and debugging: compare a row here with the same persona alone)."""
        import torch

        prompts = [self.encode_prompt(s, h, max_new_tokens) for s, h in rows]
        width = max(len(p) for p in prompts)
        pad = self._pad_id()
        ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
        with self._lock, self.mixed([s for s, _ in rows]) as names, torch.inference_mode():
            extra = {} if names is None else {"adapter_names": names}
            out = self.model(input_ids=ids, attention_mask=mask,
                             position_ids=(mask.cumsum(-1) - 1).clamp(min=0), **extra)
        return out.logits[:, -1, :].float()


def discover_personas(root: str | os.PathLike) -> dict[str, Path]:
    """``{slug: adapter_dir}`` for every ``<root>/<slug>/adapter/adapter_config.json``."""
    root = Path(root)
    if not root.is_dir():
        raise K2DError("personas directory not found", path=str(root))
    found = {}
    for child in sorted(root.iterdir()):
        if child.name == "bases" or not child.is_dir():
            continue
        adapter = adapter_dir_for(child.name, root)
        if (adapter / "adapter_config.json").is_file():
            found[child.name] = adapter
    return found
