"""The adapter directory: a plain PEFT dir that other apps load with transformers + peft only.

    <personas_dir>/<slug>/adapter/
      adapter_config.json        base_model_name_or_path = the prepared base, relative to the
                                 personas dir (``bases/<base-slug>``; see paths.portable_base)
      adapter_model.safetensors  LoRA weights only (save_embedding_layers=False, always)
      tokenizer.json, tokenizer_config.json, chat_template.jinja   (save_pretrained)
      README.md                  model card: no personal data, the base's licence
      k2d.json                   format_version, persona, speaker tokens + ids, base, generation,
                                 data stats, eval figures

Loading elsewhere::

    # relative = under the personas dir, i.e. adapter_dir/../.. (absolute in older adapters)
    base_dir = Path(adapter_dir).parent.parent / cfg["base_model_name_or_path"]
    base = AutoModelForCausalLM.from_pretrained(base_dir)
    model = PeftModel.from_pretrained(base, adapter_dir)

The directory is written to a temp dir beside it and renamed into place, so a crash never
leaves a half-written adapter.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from finetune.config import DEFAULT_BASE, DEFAULT_BASE_LICENSE
from finetune.paths import portable_base, resolve_base
from finetune.tokenizer_files import save_tokenizer
from kakao2dataset.errors import K2DError

FORMAT_VERSION = 1
META = "k2d.json"
EXPECTED_FILES = frozenset({"adapter_config.json", "adapter_model.safetensors", "tokenizer.json",
                            "tokenizer_config.json", "chat_template.jinja", "README.md", META})


def licence_note(source_base: str) -> str:
    if source_base == DEFAULT_BASE:
        return DEFAULT_BASE_LICENSE + " This adapter is a derivative: the same terms apply."
    return (f"Base model: {source_base}. Check its licence; this adapter is a derivative "
            "work of it and follows its terms.")


def trained_on(stats: dict) -> str:
    """The card's training line from the real counts (older metas have only ``pairs``).

    >>> trained_on({"pairs": 12, "sequences": 12, "conversations": 5, "persona_turns": 40,
    ...             "loss_tokens": 900})
    'Trained on 40 persona turns from 5 conversations (12 sequences; loss on 900 tokens: the persona turns and their end-of-turn token, none on the other side).'
    """
    if "persona_turns" not in stats:
        return f"Trained on {stats['pairs']} examples ({stats['loss_tokens']} loss tokens)."
    return (f"Trained on {stats['persona_turns']} persona turns from {stats['conversations']} "
            f"conversations ({stats['sequences']} sequences; loss on {stats['loss_tokens']} "
            "tokens: the persona turns and their end-of-turn token, none on the other side).")


def model_card(meta: dict) -> str:
    """README.md with what the adapter is and how to load it — no chat text, no real names."""
    base = meta["base"]
    gen = meta["generation"]
    stats = meta["data"]["train"]
    ev = meta.get("eval", {})
    ppl = ""
    if ev.get("adapter_val_ppl") is not None:
        ppl = (f"\nValidation perplexity (held-out latest sessions, per persona token): "
               f"base {ev['base_val_ppl']:.2f} → adapter {ev['adapter_val_ppl']:.2f}.\n")
    return f"""---
library_name: peft
base_model: {base['source']}
tags: [k2d, lora, persona]
---
# Persona adapter: {meta['persona']['display_name']}

A LoRA adapter made with kakao2dataset (`k2d finetune`) from an anonymized chat export.
It imitates one person's chat style; it does not know facts about them and can be wrong.

- **Licence**: {licence_note(base['source'])}
- Base: `{base['source']}`, prepared with speaker tokens {meta['speaker_tokens']}
  (vocab size {base['vocab_size']}); `adapter_config.json` points at the prepared base.
- {trained_on(stats)}
{ppl}
## Use

```python
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel
base = AutoModelForCausalLM.from_pretrained("{base['path']}")  # relative: in the personas dir
model = PeftModel.from_pretrained(base, "path/to/this/adapter")
tok = AutoTokenizer.from_pretrained("path/to/this/adapter")
ids = tok.apply_chat_template([{{"role": "user", "content": "..."}}],
                              add_generation_prompt=True, return_tensors="pt")
```

Suggested sampling: temperature {gen['temperature']}, top_p {gen['top_p']},
max_new_tokens {gen['max_new_tokens']}; stop at `{meta['speaker_tokens']['end_of_turn']}`.
"""


def save_adapter(model, tokenizer, out_dir: Path, meta: dict) -> Path:
    """Write the adapter dir atomically (temp dir beside it, then rename)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    trained_path = _absolute_base(model, meta)
    stored = portable_base(out_dir, trained_path)
    meta["base"].update(path=stored, trained_path=trained_path)
    for cfg in model.peft_config.values():
        cfg.base_model_name_or_path = stored
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        # Explicit False: "auto" may hit the network and copy whole embeddings (research §1.8).
        model.save_pretrained(tmp, save_embedding_layers=False)
        save_tokenizer(tokenizer, tmp)
        (tmp / "README.md").write_text(model_card(meta), encoding="utf-8")
        (tmp / META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _absolute_base(model, meta: dict) -> str:
    """Where the prepared base is now, for a ``meta`` that may come from another adapter's
    k2d.json (its ``path`` then relative to *that* adapter's personas dir)."""
    path = meta["base"]["path"]
    if Path(path).is_absolute():
        return str(Path(path).resolve())
    if meta["base"].get("trained_path"):
        return meta["base"]["trained_path"]
    recorded = [c.base_model_name_or_path for c in model.peft_config.values()]
    absolute = [p for p in recorded if p and Path(p).is_absolute()]
    return absolute[0] if absolute else str(Path(path).resolve())


def read_meta(adapter_dir: Path) -> dict:
    """``k2d.json`` of an adapter, checked for a format we understand."""
    path = Path(adapter_dir) / META
    if not path.exists():
        raise K2DError("not a k2d adapter (no k2d.json); run `k2d finetune` first", path=str(path))
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise K2DError(f"unsupported adapter format_version {meta.get('format_version')}",
                       path=str(path))
    return meta


def check_base(meta: dict, tokenizer) -> None:
    """Refuse a base whose vocabulary differs from the one the adapter was trained on."""
    if len(tokenizer) != meta["base"]["vocab_size"]:
        raise K2DError(f"base vocab size {len(tokenizer)} != {meta['base']['vocab_size']} "
                       "the adapter was trained with; use the prepared base in k2d.json")
    for role, token in meta["speaker_tokens"].items():
        if tokenizer.convert_tokens_to_ids(token) != meta["speaker_token_ids"][role]:
            raise K2DError(f"speaker token {token!r} has a different id in this base")


def load_for_inference(adapter_dir: Path, adapter_name: str = "default"):
    """→ ``(peft_model, tokenizer, meta)`` on CPU, fp32, eval mode."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    meta = read_meta(adapter_dir)
    tokenizer = AutoTokenizer.from_pretrained(adapter_dir)
    check_base(meta, tokenizer)
    base = AutoModelForCausalLM.from_pretrained(resolve_base(adapter_dir, meta["base"]["path"],
                                                             meta["base"].get("trained_path")),
                                                dtype=torch.float32)
    with warnings.catch_warnings():  # peft 0.21 reads a property transformers 5 deprecated
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing")
        model = PeftModel.from_pretrained(base, adapter_dir, adapter_name=adapter_name)
    return model.eval(), tokenizer, meta


QUALITY_HEADING = "## Quality card (k2d eval --report)"


def quality_card(report: dict) -> str:
    """The persona report summarized for the model card: figures only, never reply text."""
    ppl = " · ".join(f"{r['setting']} {r['ppl']:.2f}" for r in report["perplexity"]["rows"])
    mem = report["memorization"]

    def num(v):
        return "—" if v is None else f"{v:.3f}"

    rows = "\n".join(f"| {r['label']} | {num(r['real'])} | {num(r['adapter'])} "
                     f"| {num(r['few_shot'])} | {r['closer']} |" for r in report["verdict"]["rows"])
    return f"""{QUALITY_HEADING}

On {report['contexts']} held-out validation contexts (latest sessions), seed {report['seed']},
few-shot = base with {report['shots']} training turns in the prompt.

- The adapter is {report['verdict']['summary']}.
- Perplexity per persona token: {ppl}.
- Memorization: {mem['adapter']['share']:.1%} of adapter replies reproduce >= {mem['min_tokens']}
  morphemes of a training turn verbatim (few-shot {mem['few-shot']['share']:.1%}, the real
  replies {mem['real']['share']:.1%}).

| figure | real | adapter | few-shot | closer |
|---|---:|---:|---:|---|
{rows}
"""


def add_quality_card(adapter_dir: Path, report: dict) -> Path:
    """Put (or replace) the quality card at the end of the adapter's README.md, atomically."""
    path = Path(adapter_dir) / "README.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if QUALITY_HEADING in text:
        text = text[:text.index(QUALITY_HEADING)]
    text = text.rstrip("\n") + "\n\n" + quality_card(report)
    from kakao2dataset.writers import write_text

    return write_text(path, text)
