"""One shared "prepared base" per base model: the base + our speaker tokens, saved once.

Why: an adapter trained on a resized vocabulary only loads on a base resized the same way
(the #1 load failure in peft/transformers issues). So the speaker tokens are a property of a
shared base, not of each persona: they are added once, in a fixed order (same ids every time),
their new embedding rows initialized deterministically, and the result saved with
``save_pretrained`` to ``<personas_dir>/bases/<base-slug>/``. Every persona of that base trains
LoRA on linear layers only against this frozen copy, so adapters stay a few MB and load with
plain ``PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_dir), adapter)``.

Tokens the base already has as single ids (KoGPT2's ``<usr>``/``<sys>``) are reused, not added,
and only registered as special so they are never split.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from finetune.tokenizer_files import save_tokenizer
from kakao2dataset.errors import K2DError
from kakao2dataset.speakers import SpeakerTokens

BASE_META = "k2d_base.json"
FORMAT_VERSION = 1
# A new token's embedding starts as the mean embedding of these words' tokens: a deterministic,
# in-distribution start instead of a random row.
DESCRIPTIONS = {"user": "user", "persona": "reply", "end_of_turn": "\n"}


@dataclass(frozen=True)
class PreparedBase:
    path: Path
    source: str
    tokens: SpeakerTokens
    token_ids: dict[str, int]
    vocab_size: int
    added: list[str]

    def to_json(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "source_base": self.source,
            "speaker_tokens": self.tokens.to_dict(),
            "speaker_token_ids": self.token_ids,
            "added_tokens": self.added,
            "vocab_size": self.vocab_size,
        }


TRAINING_TEMPLATE = "chat_template_training.jinja"


def chat_template(tokens: SpeakerTokens, training: bool = False) -> str:
    """A Jinja chat template equal to :func:`kakao2dataset.speakers.render_prompt` /
    ``render_example``.

    Roles: ``user`` → user turn, ``assistant`` → persona turn; every other role (``system``,
    ``developer``, ``tool``, unknown ones) is left out, exactly as ``k2d serve`` leaves it out
    (``finetune.serve.ROLE_MAP``): the persona was never trained on them. The plain template
    (the tokenizer's, for inference) is plain Jinja, so jinja2, minijinja (TGI) and llama.cpp
    render it; ``training=True`` marks the persona's turns with ``{% generation %}`` so
    transformers' ``return_assistant_tokens_mask`` gives the loss mask (saved beside the
    tokenizer as ``chat_template_training.jinja``). One line: whitespace would leak in.
    """
    u, s, e = tokens.user, tokens.persona, tokens.end_of_turn
    start, end = ("{% generation %}", "{% endgeneration %}") if training else ("", "")
    return (
        "{% for m in messages %}{% if m['role'] == 'user' %}"
        f"{{{{ '{u}' + m['content'] + '{e}' }}}}"
        f"{{% elif m['role'] == 'assistant' %}}{{{{ '{s}' }}}}{start}{{{{ m['content'] + '{e}' }}}}"
        f"{end}{{% endif %}}{{% endfor %}}"
        f"{{% if add_generation_prompt %}}{{{{ '{s}' }}}}{{% endif %}}"
    )


def base_slug(base: str) -> str:
    """``skt/kogpt2-base-v2`` → ``skt--kogpt2-base-v2``; a local path gets a hash suffix so two
    different ``./model`` dirs never share a prepared base."""
    local = Path(base).expanduser()
    if local.exists():
        digest = hashlib.sha1(str(local.resolve()).encode()).hexdigest()[:8]
        return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', local.resolve().name)}-{digest}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", base.replace("/", "--"))


def read_prepared(path: Path) -> PreparedBase:
    meta = json.loads((path / BASE_META).read_text(encoding="utf-8"))
    return PreparedBase(
        path=path,
        source=meta["source_base"],
        tokens=SpeakerTokens.from_dict(meta["speaker_tokens"]),
        token_ids=meta["speaker_token_ids"],
        vocab_size=meta["vocab_size"],
        added=meta["added_tokens"],
    )


def prepare_base(base: str, tokens: SpeakerTokens, bases_root: Path) -> PreparedBase:
    """Return the prepared base for ``base`` under ``bases_root``, building it on first use."""
    target = bases_root / base_slug(base)
    if (target / BASE_META).exists():
        prepared = read_prepared(target)
        if prepared.tokens != tokens:
            raise K2DError(
                f"prepared base has speaker tokens {prepared.tokens.as_list()}, the data uses "
                f"{tokens.as_list()}; re-parse the data or remove the prepared base",
                path=str(target),
            )
        return prepared
    return _build(base, tokens, target)


def _load_source(base: str):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    import torch

    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    except OSError as exc:
        raise K2DError(
            f"cannot load base model {base!r} (no local copy and no network?): "
            + " ".join(str(exc).split())
        ) from None
    return tokenizer, model


def add_speaker_tokens(tokenizer, tokens: SpeakerTokens) -> list[str]:
    """Register the speaker tokens as special; returns the ones that were new to the vocab."""
    from tokenizers import AddedToken

    vocab = tokenizer.get_vocab()
    missing = [t for t in tokens.as_list() if t not in vocab]
    existing = [t for t in tokens.as_list() if t in vocab]
    # Existing tokens keep their id; registering them as special stops BPE from splitting them.
    tokenizer.add_tokens([AddedToken(t, special=True, normalized=False) for t in existing],
                         special_tokens=True)
    tokenizer.add_special_tokens({"additional_special_tokens": tokens.as_list()},
                                 replace_extra_special_tokens=False)
    for t in tokens.as_list():
        ids = tokenizer.encode(t, add_special_tokens=False)
        if len(ids) != 1:
            raise K2DError(f"speaker token {t!r} is not a single token id in the base: {ids}")
    return missing


def _init_new_rows(model, tokenizer, tokens: SpeakerTokens, added: list[str]) -> None:
    """New rows = mean embedding of a descriptive word's tokens (deterministic)."""
    import torch

    role_of = {tok: role for role, tok in tokens.to_dict().items()}
    inp = model.get_input_embeddings().weight
    out_layer = model.get_output_embeddings()
    out = out_layer.weight if out_layer is not None else None
    with torch.no_grad():
        for token in added:
            new_id = tokenizer.convert_tokens_to_ids(token)
            word_ids = tokenizer.encode(DESCRIPTIONS[role_of[token]], add_special_tokens=False)
            rows = word_ids or list(range(new_id))  # no pieces for the word: mean of all rows
            inp[new_id] = inp[rows].mean(dim=0)
            if out is not None and out.data_ptr() != inp.data_ptr():
                out[new_id] = out[rows].mean(dim=0)


def _build(base: str, tokens: SpeakerTokens, target: Path) -> PreparedBase:
    tokenizer, model = _load_source(base)
    added = add_speaker_tokens(tokenizer, tokens)
    if len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
        model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    _init_new_rows(model, tokenizer, tokens, added)
    if tokenizer.pad_token is None:  # batching needs one; pads never carry loss or attention
        tokenizer.pad_token = tokenizer.eos_token or tokens.end_of_turn
    tokenizer.chat_template = chat_template(tokens)
    ids = {role: tokenizer.convert_tokens_to_ids(t) for role, t in tokens.to_dict().items()}
    # Plain `generate` in other apps should stop at the end of the persona's turn.
    eos = [ids["end_of_turn"]] + ([tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else [])
    model.generation_config.eos_token_id = eos
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    prepared = PreparedBase(target, base, tokens, ids, len(tokenizer), added)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        model.save_pretrained(tmp)
        save_tokenizer(tokenizer, tmp)
        (tmp / TRAINING_TEMPLATE).write_text(chat_template(tokens, training=True), encoding="utf-8")
        (tmp / BASE_META).write_text(json.dumps(prepared.to_json(), indent=2) + "\n",
                                     encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return prepared
