"""Use a k2d persona from your own app with transformers + peft only (nothing of k2d needed).

    python examples/use_persona_with_peft.py personas/friend/adapter "밥 먹었어?"
    python examples/use_persona_with_peft.py personas/friend/adapter "hi" --greedy

An adapter directory is a plain PEFT dir: ``adapter_config.json`` names the (prepared) base,
the tokenizer files carry the speaker tokens and a chat template, and ``k2d.json`` suggests
sampling settings. The chat template renders ``user`` / ``assistant`` messages exactly as k2d
built the training examples: ``<usr>text<eot><sys>reply<eot>...<sys>``.

Plain ``generate`` may stop or go on in the middle of a character with a byte-level base (GPT-2
style BPE): the reply then shows U+FFFD. k2d's own PersonaBank masks such tokens while
sampling (``finetune/utf8.py``, a logits mask you can copy into a ``LogitsProcessor``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer


def load(adapter_dir: Path):
    config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    # k2d writes the prepared base relative to the personas dir (bases/<name>), so a moved
    # personas folder keeps working; the personas dir is the adapter's grandparent. An
    # absolute path (older adapters) stays as it is: Path("/x") / "/abs" == Path("/abs").
    # (PeftModel.from_pretrained never reads this field; AutoPeftModelForCausalLM would take
    # it relative to the working directory, i.e. it works when run from the personas dir.)
    base_dir = adapter_dir.resolve().parent.parent / config["base_model_name_or_path"]
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = PeftModel.from_pretrained(base, str(adapter_dir)).eval()
    tokenizer = AutoTokenizer.from_pretrained(adapter_dir)
    meta_file = adapter_dir / "k2d.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    return model, tokenizer, meta


def reply(model, tokenizer, meta: dict, messages: list[dict], greedy: bool = False,
          max_new_tokens: int | None = None) -> str:
    tokens = meta.get("speaker_tokens", {"user": "<usr>", "persona": "<sys>",
                                         "end_of_turn": "<eot>"})
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                           return_dict=True, return_tensors="pt")
    # Stop at the end of the persona's turn, or if it starts another speaker's turn.
    stop = tokenizer.convert_tokens_to_ids([tokens["end_of_turn"], tokens["user"],
                                            tokens["persona"]]) + [tokenizer.eos_token_id]
    gen = meta.get("generation", {})
    sample = not greedy and gen.get("temperature", 0.8) > 0
    kwargs = dict(do_sample=sample, max_new_tokens=max_new_tokens or gen.get("max_new_tokens", 64),
                  eos_token_id=stop, pad_token_id=tokenizer.pad_token_id,
                  repetition_penalty=gen.get("repetition_penalty", 1.0))
    if sample:
        kwargs.update(temperature=gen.get("temperature", 0.8), top_p=gen.get("top_p", 0.9),
                      top_k=gen.get("top_k") or None)
    with torch.no_grad():
        out = model.generate(**inputs, **kwargs)
    new = out[0, inputs["input_ids"].shape[1]:]
    return tokenizer.decode(new, skip_special_tokens=True).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adapter_dir", type=Path)
    parser.add_argument("message", nargs="+", help="user messages (one turn each)")
    parser.add_argument("--greedy", action="store_true", help="no sampling (reproducible)")
    parser.add_argument("--max-new-tokens", type=int, default=None)
    args = parser.parse_args()
    model, tokenizer, meta = load(args.adapter_dir)
    messages = [{"role": "user", "content": m} for m in args.message]
    print(reply(model, tokenizer, meta, messages, args.greedy, args.max_new_tokens))


if __name__ == "__main__":
    main()
