"""Does axolotl's ``chat_template`` strategy build k2d's loss mask on your ``messages`` export?
Runs axolotl's own tokenizing strategy (``axolotl.prompt_strategies.chat_template.load``).

    pip install --no-deps --target SITE axolotl==0.19.0 addict colorama
    PYTHONPATH=SITE python examples/trainers/check_axolotl.py DATA --base personas/bases/<base-slug>

axolotl does not install next to this project's pins (it pins transformers 5.16 / peft 0.20),
so only its wheel is put on the path, without its dependencies; the chat-template strategy
imports cleanly that way (pydantic, transformers, addict, colorama). The settings checked are
the README's: ``type: chat_template``, ``roles_to_train: ["assistant"]``, the tokenizer's own
template, and top-level ``eot_tokens: ["<eot>"]``. Exit status 1 when a record within
``--max-length`` (axolotl's ``sequence_len``) differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from k2d_masks import Tally, k2d_conversation, read_export  # noqa: E402


def axolotl_strategy(tokenizer, sequence_len: int, eot_tokens: list[str] | None):
    from axolotl.prompt_strategies.chat_template import load
    from axolotl.utils.dict import DictDefault

    cfg = DictDefault({"sequence_len": sequence_len, "train_on_inputs": False,
                       "chat_template": "tokenizer_default", "eot_tokens": eot_tokens})
    dataset = DictDefault({"type": "chat_template", "field_messages": "messages",
                           "roles_to_train": ["assistant"]})
    return load(tokenizer, cfg, dataset)


def check_messages(data: Path, base: Path, max_length: int,
                   eot_tokens: list[str] | None = ("<eot>",)) -> Tally:
    from transformers import AutoTokenizer

    from finetune.prepared_base import read_prepared

    tokens = read_prepared(base).tokens
    tokenizer = AutoTokenizer.from_pretrained(base)
    strategy = axolotl_strategy(tokenizer, max_length, list(eot_tokens) if eot_tokens else None)
    tally = Tally()
    for n, row in enumerate(read_export(data, "messages")):
        out = strategy.tokenize_prompt({"messages": row["messages"]})
        tally.add(n, (out["input_ids"], out["labels"]),
                  k2d_conversation(row["messages"], tokenizer, tokens, max_length))
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a `k2d parse` output folder")
    parser.add_argument("--base", type=Path, required=True, help="the prepared base folder")
    parser.add_argument("--max-length", type=int, default=512, help="axolotl's sequence_len")
    args = parser.parse_args(argv)
    tally = check_messages(args.data, args.base, args.max_length)
    print(tally.report(f"axolotl chat_template, messages export, sequence_len={args.max_length}"))
    return 0 if tally.ok else 1


if __name__ == "__main__":
    sys.exit(main())
