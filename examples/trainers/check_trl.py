"""Does trl's SFTTrainer build k2d's loss mask on your exports? Runs trl's own data preparation.

    python examples/trainers/check_trl.py DATA --base personas/bases/<base-slug> [--max-length 512]

DATA is a ``k2d parse`` output folder; ``--base`` the prepared base (its tokenizer has the speaker
tokens and ``chat_template_training.jinja``). Both exports are checked with the settings the
README gives:

* ``messages``: ``SFTConfig(assistant_only_loss=True, chat_template_path=<base>/chat_template_training.jinja)``,
* ``prompt-completion``: ``SFTConfig(eos_token="<eot>")`` (else trl appends ``<|endoftext|>`` to
  every completion and trains it).

Prints, per export, how many records agree with k2d token for token, and how many are over
``max_length`` (trl cuts those at ``max_length`` and silently drops one left with no loss).
Exit status 1 when a record within ``max_length`` differs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from k2d_masks import Tally, k2d_conversation, k2d_pair, read_export  # noqa: E402


def trl_rows(rows: list[dict], base: Path, max_length: int, **config) -> list[dict]:
    """trl's prepared train dataset (``input_ids``, ``labels``) for these records, in order.
    Each row carries its record number so a dropped record shows."""
    import datasets
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    datasets.disable_progress_bars()
    logging.getLogger("trl").setLevel(logging.ERROR)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForCausalLM.from_pretrained(base)
    # trl 1.16's SFTConfig itself sets the deprecated `gradient_checkpointing` (a FutureWarning
    # from transformers 5.24 that is trl's to fix, not the user's)
    with tempfile.TemporaryDirectory() as out, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        args = SFTConfig(output_dir=out, max_length=max_length, report_to=[], use_cpu=True,
                         shuffle_dataset=False, **config)
        data = datasets.Dataset.from_list([dict(r, record=n) for n, r in enumerate(rows)])
        trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer)
        return list(trainer.train_dataset)


def check_messages(data: Path, base: Path, max_length: int) -> Tally:
    from transformers import AutoTokenizer

    from finetune.prepared_base import TRAINING_TEMPLATE, read_prepared

    tokens = read_prepared(base).tokens
    tokenizer = AutoTokenizer.from_pretrained(base)
    rows = read_export(data, "messages")
    prepared = {r["record"]: r for r in trl_rows(
        rows, base, max_length, assistant_only_loss=True,
        chat_template_path=str(base / TRAINING_TEMPLATE))}
    tally = Tally()
    for n, row in enumerate(rows):
        got = prepared.get(n)
        tally.add(n, got and (got["input_ids"], got["labels"]),
                  k2d_conversation(row["messages"], tokenizer, tokens, max_length))
    return tally


def check_prompt_completion(data: Path, base: Path, max_length: int) -> Tally:
    """k2d's pair for each exported pair: the same context (8 turns / 1200 characters) is
    checked too, since a record whose prompt k2d would not build has no k2d mask."""
    from transformers import AutoTokenizer

    from finetune.data import Dialogue, pairs_of
    from finetune.prepared_base import read_prepared
    from kakao2dataset.export_formats import alternating, to_prompt_completion
    from kakao2dataset.speakers import render_prompt, render_response
    from kakao2dataset.writers import read_records

    tokens = read_prepared(base).tokens
    tokenizer = AutoTokenizer.from_pretrained(base)
    path = data / "conversations.jsonl"
    if not path.exists():
        path = data / "conversations.parquet"
    rows, ours = [], []
    for record in read_records(path):
        pairs = {(render_prompt(p.context, tokens), render_response(p.response, tokens)): p
                 for p in pairs_of([Dialogue(alternating(record), 0, "train", "export")])}
        for row in to_prompt_completion(record):
            rows.append(row)
            pair = pairs.get((row["prompt"], row["completion"]))
            ours.append(("not a pair k2d trains", []) if pair is None else
                        k2d_pair(pair.context, pair.response, tokenizer, tokens, max_length))
    prepared = {r["record"]: r for r in trl_rows(rows, base, max_length,
                                                 eos_token=tokens.end_of_turn)}
    tally = Tally()
    for n, our in enumerate(ours):
        got = prepared.get(n)
        tally.add(n, got and (got["input_ids"], got["labels"]), our)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a `k2d parse` output folder")
    parser.add_argument("--base", type=Path, required=True, help="the prepared base folder")
    parser.add_argument("--max-length", type=int, default=512)
    args = parser.parse_args(argv)
    ok = True
    for name, check in (("messages", check_messages),
                        ("prompt-completion", check_prompt_completion)):
        tally = check(args.data, args.base, args.max_length)
        print(tally.report(f"trl, {name} export, max_length={args.max_length}"))
        ok = ok and tally.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
