"""``k2d formats``: the support table (data in ``kakao2dataset/parsers/support/*.json``)."""

from __future__ import annotations

import json
from importlib import resources

import click

COLUMNS = ("variant", "parser", "app", "platform", "ui_language", "message_line", "evidence")


def support_rows() -> list[dict]:
    rows = []
    folder = resources.files("kakao2dataset.parsers") / "support"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            rows.extend(json.loads(entry.read_text(encoding="utf-8")))
    return rows


@click.command(help="""List every supported export variant (app, platform, UI language).

\b
Example:
  k2d formats
  k2d formats --json | jq '.[].variant'
""")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--markdown", is_flag=True, help="A Markdown table (as in the README).")
def formats(as_json: bool, markdown: bool) -> None:
    rows = support_rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if markdown:
        click.echo("| " + " | ".join(COLUMNS) + " |")
        click.echo("|" + "---|" * len(COLUMNS))
        for row in rows:
            cells = (str(row.get(c, "")).replace("|", "\\|") for c in COLUMNS)
            click.echo("| " + " | ".join(f"`{c}`" if i == 5 and c else c for i, c in enumerate(cells)) + " |")
        return
    widths = {c: max([len(c)] + [len(str(r.get(c, ""))) for r in rows]) for c in COLUMNS}
    click.echo("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for row in rows:
        click.echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in COLUMNS))
    click.echo(f"\n{len(rows)} variants. Force one with --format PARSER.")
