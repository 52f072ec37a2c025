"""Sampling settings and the decode loop shared by PersonaBank, ``k2d chat`` and ``k2d serve``.

Why our own loop instead of ``model.generate``: one batch mixes personas, and each row keeps
*its own* settings (temperature, top-p, max tokens) and *its own* seeded random generator, so a
row sampled inside a mixed batch gives the same tokens as that persona run alone. ``generate``
has one setting and one global RNG per batch. The loop is plain: one prefill forward over the
left-padded prompts, then one forward per new token with the KV cache, every forward carrying
``adapter_names`` (peft routes each row through its own LoRA weights).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace

from finetune.utf8 import WHOLE, Utf8Guard
from kakao2dataset.errors import ConfigError


@dataclass(frozen=True)
class SamplingSettings:
    """How one reply is sampled. ``temperature=0`` means greedy (argmax)."""

    max_new_tokens: int = 64  # upper bound on reply length in tokens (the stop token not counted)
    temperature: float = 0.8  # 0 = greedy; higher = more varied
    top_p: float = 0.95  # nucleus sampling: keep the smallest set of tokens with this much mass
    top_k: int = 0  # keep only the k most likely tokens (0 = off)
    repetition_penalty: float = 1.0  # >1 discourages tokens already in the prompt or reply
    seed: int | None = None  # same seed + same prompt → same reply (None: fresh randomness)

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ConfigError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.temperature < 0:
            raise ConfigError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ConfigError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.top_k < 0 or self.repetition_penalty <= 0:
            raise ConfigError("top_k must be >= 0 and repetition_penalty > 0")

    @classmethod
    def from_dict(cls, data: dict | None) -> SamplingSettings:
        """From a ``k2d.json`` / persona ``generation`` block; keys we do not use are ignored
        (``do_sample: false`` maps to greedy)."""
        data = dict(data or {})
        if data.pop("do_sample", True) is False:
            data["temperature"] = 0.0
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known and v is not None})

    def override(self, **changes) -> SamplingSettings:
        """A copy with the given non-None values replaced; unknown names are an error."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ConfigError(f"unknown sampling setting(s) {unknown}; expected {sorted(known)}")
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RowOutput:
    token_ids: list[int]  # generated ids, stop token excluded
    finish_reason: str  # "stop" (hit a stop token) or "length" (hit max_new_tokens)


def _generator(seed: int | None):
    import torch

    gen = torch.Generator()
    gen.manual_seed(seed if seed is not None else int.from_bytes(os.urandom(8), "little") >> 1)
    return gen


def pick_token(logits, settings: SamplingSettings, generator, seen: Sequence[int],
               bias=None) -> int:
    """One next token for one row from its last-position logits (1-D, float); ``bias``: 0 for
    the tokens that may come at all, -inf for the others (see :mod:`finetune.utf8`)."""
    import torch

    logits = logits.float().clone() if bias is None else logits.float() + bias
    if settings.repetition_penalty != 1.0 and len(seen):
        idx = torch.tensor(sorted(set(seen)), dtype=torch.long)
        vals = logits[idx]
        logits[idx] = torch.where(vals > 0, vals / settings.repetition_penalty,
                                  vals * settings.repetition_penalty)
    if settings.temperature == 0:
        return int(logits.argmax())
    logits = logits / settings.temperature
    if settings.top_k > 0:
        kth = torch.topk(logits, min(settings.top_k, logits.numel())).values[-1]
        logits[logits < kth] = float("-inf")
    if settings.top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True)
        cum = sorted_logits.softmax(-1).cumsum(-1)
        drop = cum - sorted_logits.softmax(-1) > settings.top_p  # keeps at least the top token
        logits[order[drop]] = float("-inf")
    probs = logits.softmax(-1)
    return int(torch.multinomial(probs, 1, generator=generator))


def _forward_parameters(model) -> frozenset[str]:
    """Keyword names the (base) model's ``forward`` accepts.

    Checked rather than assumed because "any HF causal LM path works": architectures and
    transformers releases differ (5.24 renamed ``past_key_values`` to ``cache`` for GPT-2 and
    warns on the old name; other architectures still take the old one).
    """
    import inspect

    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return frozenset(inspect.signature(inner.forward).parameters)


def _cache_keyword(parameters: frozenset[str]) -> str:
    """The name this model's forward uses for the KV cache, in and out."""
    return "cache" if "cache" in parameters else "past_key_values"


def decode_rows(
    model,
    prompts: Sequence[Sequence[int]],
    adapter_names: Sequence[str] | None,
    settings: Sequence[SamplingSettings],
    *,
    stop_ids: set[int],
    pad_id: int,
    on_token: Callable[[int, int], None] | None = None,
    utf8: Utf8Guard | None = None,
) -> list[RowOutput]:
    """Generate for every row in one batch: each forward mixes the rows' adapters.

    ``prompts`` are token-id lists (no padding); rows are left-padded here so every row's last
    prompt token sits in the last column. ``adapter_names=None`` runs the active adapter(s) for
    every row (plain, unmixed forward). ``on_token(row, token_id)`` is called for each kept
    token as soon as it is sampled (streaming). ``utf8``: keep every reply valid UTF-8 (no
    token that breaks a character, no stop inside one; a reply cut by ``max_new_tokens``
    inside a character loses that character's first bytes).
    """
    import torch

    n, width = len(prompts), max(len(p) for p in prompts)
    input_ids = torch.full((n, width), pad_id, dtype=torch.long)
    mask = torch.zeros((n, width), dtype=torch.long)
    for i, ids in enumerate(prompts):
        input_ids[i, width - len(ids):] = torch.tensor(ids, dtype=torch.long)
        mask[i, width - len(ids):] = 1
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    generators = [_generator(s.seed) for s in settings]
    generated: list[list[int]] = [[] for _ in range(n)]
    finish: list[str | None] = [None] * n
    owed = [WHOLE] * n  # the UTF-8 state of each reply (utf8): continuation bytes it owes
    whole = [0] * n  # its tokens up to the end of its last whole character
    past = None
    extra = {} if adapter_names is None else {"adapter_names": list(adapter_names)}
    parameters = _forward_parameters(model)
    if "logits_to_keep" in parameters:  # the LM head only for the last position (long prompts)
        extra["logits_to_keep"] = 1
    cache_kw = _cache_keyword(parameters)
    step_ids, step_pos = input_ids, positions
    with torch.inference_mode():
        for _step in range(max(s.max_new_tokens for s in settings)):
            out = model(input_ids=step_ids, attention_mask=mask, position_ids=step_pos,
                        use_cache=True, **{cache_kw: past}, **extra)
            past, last = getattr(out, cache_kw), out.logits[:, -1, :]
            next_ids = torch.full((n, 1), pad_id, dtype=torch.long)
            for i in range(n):
                if finish[i] is not None:
                    continue
                bias = None if utf8 is None else utf8.bias(owed[i], last.shape[-1], last.device)
                tok = pick_token(last[i], settings[i], generators[i],
                                 list(prompts[i]) + generated[i], bias)
                next_ids[i, 0] = tok
                if tok in stop_ids:
                    finish[i] = "stop"
                    continue
                generated[i].append(tok)
                if utf8 is not None:
                    owed[i] = utf8.advance(owed[i], tok)
                    if owed[i] == WHOLE:
                        whole[i] = len(generated[i])
                if on_token is not None:
                    on_token(i, tok)
                if len(generated[i]) >= settings[i].max_new_tokens:
                    finish[i] = "length"
                    if owed[i] != WHOLE:  # cut inside a character: drop its first bytes
                        del generated[i][whole[i]:]
            if all(f is not None for f in finish):
                break
            mask = torch.cat([mask, torch.ones((n, 1), dtype=torch.long)], dim=1)
            step_ids, step_pos = next_ids, step_pos[:, -1:] + 1
    return [RowOutput(generated[i], finish[i] or "length") for i in range(n)]


class StackedLora:
    """Mixed-persona LoRA as two batched matmuls per layer, an alternative to peft's
    ``adapter_names`` path (which loops over the distinct adapters of a batch in every layer).

    Same math: row ``i`` of persona ``s`` gets ``scale_s * B_s @ A_s @ x_i`` added to the frozen
    layer's output. All loaded adapters are stacked once per layer (``A: [n, r, in]``,
    ``B: [n, out, r]``, smaller ranks zero-padded, scale folded into ``B``); a batch gathers its
    rows' slices once, then every decode step costs two ``bmm`` per layer whatever the number
    of personas. Plain LoRA only (no DoRA, trainable tokens or ``modules_to_save``).
    """

    def __init__(self, model):
        self.model = model
        self._stacks: dict | None = None  # layer module → (names, A, B); rebuilt after load/unload

    def invalidate(self) -> None:
        self._stacks = None

    def unsupported_reason(self) -> str | None:
        for _, module in self._lora_layers():
            if getattr(module, "lora_variant", None):
                return "a LoRA variant (e.g. DoRA) is in use"
        for name, _ in self.model.named_modules():
            if "modules_to_save" in name or "token_adapter" in name:
                return "an adapter trains whole modules or token rows"
        return None

    def _lora_layers(self):
        from peft.tuners.lora import LoraLayer

        return [(n, m) for n, m in self.model.named_modules()
                if isinstance(m, LoraLayer) and len(m.lora_A)]

    def _build(self) -> dict:
        import torch

        stacks = {}
        for _, layer in self._lora_layers():
            names = sorted(layer.lora_A.keys())
            rank = max(layer.lora_A[n].weight.shape[0] for n in names)
            a0, b0 = layer.lora_A[names[0]].weight, layer.lora_B[names[0]].weight
            A = torch.zeros(len(names), rank, a0.shape[1], dtype=a0.dtype)
            B = torch.zeros(len(names), b0.shape[0], rank, dtype=b0.dtype)
            for i, n in enumerate(names):
                r = layer.lora_A[n].weight.shape[0]
                A[i, :r] = layer.lora_A[n].weight.detach()
                B[i, :, :r] = layer.lora_B[n].weight.detach() * layer.scaling[n]
            stacks[layer] = ({n: i for i, n in enumerate(names)}, A, B)
        return stacks

    def rows(self, adapter_names):
        """Context manager: inside it, a forward of the model (adapters disabled) adds each
        row's own persona delta via forward hooks."""
        import contextlib

        import torch

        if self._stacks is None:
            self._stacks = self._build()

        @contextlib.contextmanager
        def ctx():
            hooks = []
            for layer, (pos, A, B) in self._stacks.items():
                keep = torch.tensor([n in pos for n in adapter_names], dtype=A.dtype)
                idx = torch.tensor([pos.get(n, 0) for n in adapter_names])
                At = A[idx].transpose(1, 2).contiguous()  # [rows, in, r]
                Bt = (B[idx] * keep[:, None, None]).transpose(1, 2).contiguous()  # [rows, r, out]

                def hook(_mod, args, out, At=At, Bt=Bt):
                    # peft keeps adapter weights in fp32 under a bf16/fp16 base
                    # (autocast_adapter_dtype): compute in theirs, add in the layer's.
                    delta = torch.bmm(torch.bmm(args[0].to(At.dtype), At), Bt)
                    return out + delta.to(out.dtype)

                hooks.append(layer.register_forward_hook(hook))
            try:
                with self.model.disable_adapter():
                    yield
            finally:
                for h in hooks:
                    h.remove()

        return ctx()
