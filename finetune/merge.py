"""``k2d export-merged``: one persona folded into a standalone model directory.

For apps and servers that cannot load adapters (or when one persona gets a process of its own):
``merge_and_unload`` adds the LoRA deltas into the base weights, then the model and tokenizer
are written with ``save_pretrained``. The result loads with
``AutoModelForCausalLM.from_pretrained(dir)`` and nothing else, and gives the same logits as
base + adapter (within float rounding). It costs a full base copy per persona, which is what a
PersonaBank avoids; see docs/serving.md.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from finetune.bank import META_FILE, AdapterInfo, BaseMismatchError
from finetune.generation import SamplingSettings
from finetune.tokenizer_files import save_tokenizer
from kakao2dataset.errors import K2DError, MissingExtraError


def load_merged(adapter_dir: str | os.PathLike):
    """``(merged_model, tokenizer, info)``: base + adapter with the LoRA weights folded in."""
    try:
        import torch
        from peft import PeftModel
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ModuleNotFoundError as exc:
        raise MissingExtraError("train", exc.name or "torch") from None
    info = AdapterInfo.read(adapter_dir)
    if not Path(info.base_path).is_dir():
        raise K2DError(f"the adapter's base {info.base_path!r} is not on this machine",
                       path=str(info.path))
    base = AutoModelForCausalLM.from_pretrained(info.base_path, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(info.path)
    vocab = len(tokenizer)
    if info.vocab_size is not None and info.vocab_size != vocab:
        raise BaseMismatchError(f"adapter expects {info.vocab_size} tokens, base has {vocab}",
                                path=str(info.path))
    with warnings.catch_warnings():  # peft 0.21 reads a property transformers 5 deprecated
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing")
        model = PeftModel.from_pretrained(base, str(info.path))
    merged = model.merge_and_unload()
    return merged.eval(), tokenizer, info


def _generation_config(model, tokenizer, info: AdapterInfo) -> None:
    """Stop at the end of the persona's turn and carry the persona's sampling settings, so a
    plain ``model.generate`` (or vLLM reading generation_config.json) behaves like k2d."""
    settings = SamplingSettings.from_dict(info.generation)
    gen = model.generation_config
    ids = tokenizer.convert_tokens_to_ids(info.speaker_tokens.as_list())
    gen.eos_token_id = ids[2:] + ids[:2] + (
        [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else [])
    gen.pad_token_id = tokenizer.pad_token_id
    gen.max_new_tokens = settings.max_new_tokens
    if settings.temperature > 0:
        gen.do_sample, gen.temperature, gen.top_p = True, settings.temperature, settings.top_p
        gen.top_k = settings.top_k or None
    if settings.repetition_penalty != 1.0:
        gen.repetition_penalty = settings.repetition_penalty


def export_merged(adapter_dir: str | os.PathLike, out_dir: str | os.PathLike, *,
                  force: bool = False) -> Path:
    """Write base + adapter merged into ``out_dir`` (atomically: temp dir, then rename)."""
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise K2DError("output directory exists and is not empty (use --force)", path=str(out))
    model, tokenizer, info = load_merged(adapter_dir)
    _generation_config(model, tokenizer, info)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        model.save_pretrained(tmp)
        save_tokenizer(tokenizer, tmp)
        meta = dict(info.meta, merged={"from_adapter": str(Path(info.path).resolve())})
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
        card = Path(info.path) / "README.md"
        if card.is_file():
            note = ("> Merged model: the LoRA adapter below was folded into the base weights "
                    "with `k2d export-merged`; load it with `AutoModelForCausalLM` alone.\n\n")
            (tmp / "README.md").write_text(note + card.read_text(encoding="utf-8"),
                                           encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
