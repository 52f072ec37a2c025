"""``k2d export``: conversations → messages / sharegpt / alpaca / prompt-completion JSONL."""

from __future__ import annotations

import click

from kakao2dataset.export_formats import CONVERTERS, OPENER_CUE
from kakao2dataset.writers import data_file, read_conversations, write_jsonl

HELP = f"""Convert the conversations from `k2d parse` into a format other trainers read.

\b
  messages           {{"messages": [{{role, content}}, ...]}}   trl, axolotl, LLaMA-Factory
  sharegpt           {{"conversations": [{{from, value}}, ...]}}  human / gpt
  alpaca             {{instruction, input, output, history}}   LLaMA-Factory
  prompt-completion  {{prompt, completion}} with <usr>/<sys>/<eot>, one per persona turn   trl

The persona is the assistant. Every conversation starts with a user turn; one the persona
opened starts with the user turn {OPENER_CUE} (send it to make the persona open a chat).
DATA is the output folder of `k2d parse` or its conversations.jsonl / .parquet.

\b
Example:
  k2d export data/friend --to messages --split train -o friend-train.jsonl
"""


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
        out
        for _, record in read_conversations(data_file(data))
        if split in ("all", record.get("split", "train"))
        for out in convert(record)
    )
    count = write_jsonl(output, records)
    if output != "-":
        click.echo(f"Wrote {count} {target} records to {output}", err=True)
