"""``k2d export``: pairs → messages / sharegpt / alpaca / prompt-completion JSONL."""

from __future__ import annotations

from pathlib import Path

import click

from kakao2dataset.errors import K2DError
from kakao2dataset.export_formats import CONVERTERS
from kakao2dataset.writers import read_jsonl, write_jsonl

HELP = """Convert pairs from `k2d parse` into a format other trainers read.

\b
  messages           {"messages": [{role, content}, ...]}   trl, axolotl, LLaMA-Factory
  sharegpt           {"conversations": [{from, value}, ...]}
  alpaca             {instruction, input, output, history}   LLaMA-Factory
  prompt-completion  {prompt, completion} with <usr>/<sys>/<eot>   trl

The persona is the assistant. DATA is the output folder of `k2d parse` or its pairs.jsonl.

\b
Example:
  k2d export data/friend --to messages --split train -o friend-train.jsonl
"""


def _pairs_file(data: str) -> Path:
    path = Path(data)
    if path.is_dir():
        path = path / "pairs.jsonl"
    if not path.is_file():
        raise K2DError("no pairs.jsonl here; run `k2d parse` first", path=str(path))
    return path


@click.command(help=HELP)
@click.argument("data", type=click.Path(exists=True))
@click.option("--to", "target", type=click.Choice(sorted(CONVERTERS)), required=True)
@click.option("--split", type=click.Choice(["train", "validation", "all"]), default="all",
              show_default=True)
@click.option("-o", "--output", default="-", show_default=True,
              help="Output JSONL file ('-' for stdout).")
def export(data: str, target: str, split: str, output: str) -> None:
    convert = CONVERTERS[target]
    records = (
        convert(r) for r in read_jsonl(_pairs_file(data)) if split in ("all", r["split"])
    )
    count = write_jsonl(output, records)
    if output != "-":
        click.echo(f"Wrote {count} {target} records to {output}", err=True)
