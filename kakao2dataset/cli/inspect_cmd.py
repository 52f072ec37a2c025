"""``k2d inspect EXPORT``: what is in an export, and every line accounted for."""

from __future__ import annotations

import json

import click

from kakao2dataset.cli._common import format_options, quiet_option, warn, with_progress
from kakao2dataset.exports import parse_sources
from kakao2dataset.summary import SourceSummary, summarize

HELP = """Show what is in a chat export: the detected format and encoding, the speakers with
message counts, the date range, message kinds, and how every line was read.

\b
EXPORT is a .txt/.csv export, a .zip from the phone, or a folder of exports.
The line counts add up to the file's line count; unreadable lines are listed by number and,
above a small threshold, make the command fail (exit 1) unless --lenient. A file that is not
consistent (times that go back, day lines missing, repeated, out of order or disagreeing with
their records) is read by fixed rules, and each rule taken is counted and listed by line
("Decided:"), never a failure.

\b
Examples:
  k2d inspect KakaoTalkChats.txt
  k2d inspect export.zip --json | jq .speakers
"""


@click.command(help=HELP)
@click.argument("export", type=click.Path(exists=True, dir_okay=True))
@format_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (stable keys).")
@quiet_option
def inspect(export: str, format_: str | None, encoding: str | None, lenient: bool,
            as_json: bool, quiet: bool) -> None:
    summaries = []
    for parsed in parse_sources(export, format_, encoding):
        wrap = lambda items, p=parsed: with_progress(items, p.source, "Reading", quiet)  # noqa: E731
        summaries.append(summarize(parsed, lenient=lenient, wrap=wrap))
    if as_json:
        data = [_summary_dict(s) for s in summaries]
        click.echo(json.dumps(data if len(data) > 1 else data[0], ensure_ascii=False, indent=2))
    else:
        for summary in summaries:
            _print(summary)
    for summary in summaries:
        for message in summary.warnings:
            warn(message)


def _summary_dict(summary: SourceSummary) -> dict:
    """The summary plus the rules taken on an inconsistent file, counted by line number."""
    return summary.to_dict() | {"decisions": summary.parsed.accounting.decisions_dict()}


def _print(summary: SourceSummary) -> None:
    d = _summary_dict(summary)
    click.echo(f"File:      {d['file']}")
    notes = f" ({'; '.join(d['detection_notes'])})" if d["detection_notes"] else ""
    click.echo(f"Format:    {d['format']} / variant {d['variant']}{notes}")
    newlines = ", ".join(f"{k!r}: {v}" for k, v in d["newlines"].items())
    click.echo(f"Encoding:  {d['encoding']}; line ends {newlines}")
    click.echo(f"Dates:     {d['first']} → {d['last']}")
    click.echo(f"Messages:  {d['messages']}" + ("  (group chat)" if d["group_chat"] else ""))
    for name, count in d["speakers"].items():
        click.echo(f"  {count:>8}  {name}")
    click.echo("Kinds:     " + ", ".join(f"{k} {v}" for k, v in d["kinds"].items()))
    lines = d["lines"]
    parts = ", ".join(f"{k} {v}" for k, v in lines.items() if k != "total" and v)
    click.echo(f"Lines:     {lines['total']} = {parts}")
    if d["unparsed_lines"]:
        click.echo("Unparsed:  lines " + ", ".join(map(str, d["unparsed_lines"])))
    for name, info in d["decisions"].items():
        more = ", …" if info["count"] > len(info["lines"]) else ""
        click.echo(f"Decided:   {info['count']} × {name}: lines "
                   + ", ".join(map(str, info["lines"])) + more)
    click.echo("")
