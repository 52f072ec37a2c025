"""``k2d parse``: exports → anonymized conversations + manifest."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click

from kakao2dataset.anonymize.config import read_word_list
from kakao2dataset.cli._common import format_options, quiet_option, warn, with_progress
from kakao2dataset.conversations import ConversationSettings
from kakao2dataset.pairs import PairSettings
from kakao2dataset.pipeline import CONSENT_NOTICE, ParseOptions, build_dataset, write_dataset
from kakao2dataset.turns import TurnSettings

HELP = """Turn chat exports into anonymized conversations for one persona.

\b
Private data is removed (names, phone / resident / card / account numbers, e-mails,
addresses, URLs, ...), bursts of messages merge into turns, long silences split sessions,
and each session becomes one record (a long one is cut into windows at turn boundaries):
its turns, each with role user (the other person) or persona, text, time and input lines.
The latest sessions form the validation split; training puts the loss on every persona turn.

\b
Writes OUTPUT/conversations.jsonl (or .parquet) and OUTPUT/manifest.json (counts per stage,
PII counts per type — never the values — and the token set). Several exports of the same
chat are merged and their overlap dropped.

\b
Examples:
  k2d parse KakaoTalkChats.txt --persona-speaker 민지 -o data/friend
  k2d parse old.txt new.zip --me 준호 -o data/friend
  k2d parse chat.txt --me 준호 -o - | head
"""


def with_word_files(words: tuple[str, ...], path: str | None) -> tuple[str, ...]:
    """``--allow``/``--deny`` words and those of the matching ``-file`` option, in order."""
    if path is None:
        return tuple(words)
    return tuple(dict.fromkeys([*words, *read_word_list(path)]))


def parse_speakers(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if len(names) != 2:
        raise click.BadParameter("expected two names separated by a comma, e.g. A,B")
    return names


def _nicknames(values: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values:
        name, sep, alias = value.partition("=")
        if not sep or not name or not alias:
            raise click.BadParameter(f"expected NAME=NICKNAME, got {value!r}")
        out.setdefault(name, []).append(alias)
    return out


PARSE_OPTIONS = [
    click.option("--persona-speaker", default=None, metavar="NAME",
                 help="The speaker whose replies the persona learns."),
    click.option("--me", default=None, metavar="NAME",
                 help="You (the other side); the persona is the other person. Also maps "
                      "회원님/you/You of older phone exports to NAME."),
    click.option("--speakers", default=None, metavar="A,B",
                 help="For a group chat: the two people to use."),
    format_options,
    click.option("--merge-gap", type=float, default=10, show_default=True, metavar="MINUTES",
                 help="Messages of one speaker closer than this merge into one turn."),
    click.option("--session-gap", type=float, default=6, show_default=True, metavar="HOURS",
                 help="A silence longer than this starts a new session."),
    click.option("--media", type=click.Choice(["tag", "drop"]), default="tag", show_default=True,
                 help="Photos, emoticons, ... become <photo>-style tags, or are dropped."),
    click.option("--max-context-turns", type=click.IntRange(1), default=8, show_default=True),
    click.option("--max-context-chars", type=click.IntRange(1), default=1200, show_default=True),
    click.option("--validation-fraction", type=click.FloatRange(0, 0.9), default=0.1,
                 show_default=True,
                 help="Share of persona turns (latest whole sessions) held out for validation."),
    click.option("--min-pairs", type=click.IntRange(1), default=10, show_default=True,
                 help="Fail if the persona has fewer replies than this."),
    click.option("--nickname", "nicknames", multiple=True, metavar="NAME=NICK",
                 help="Another form of a speaker's name to anonymize (repeatable)."),
    click.option("--allow", multiple=True, metavar="WORD", help="Never anonymize WORD (repeatable)."),
    click.option("--deny", multiple=True, metavar="WORD",
                 help="Always anonymize WORD (repeatable); a name goes in all its forms."),
    click.option("--allow-file", type=click.Path(exists=True, dir_okay=False), default=None,
                 metavar="FILE", help="Words never anonymized, one per line (# comments)."),
    click.option("--deny-file", type=click.Path(exists=True, dir_okay=False), default=None,
                 metavar="FILE", help="Your friends' names, one per line (# comments): each is "
                                      "removed in every form (김가을, 가을이가, 가으리가, 가을아, ...)."),
]
PARSE_PARAMS = ("persona_speaker", "me", "speakers", "format_", "encoding", "lenient", "merge_gap",
                "session_gap", "media", "max_context_turns", "max_context_chars",
                "validation_fraction", "min_pairs", "nicknames", "allow", "deny", "allow_file",
                "deny_file")


def parse_options(fn):
    """Every option of how an export becomes pairs: one list, shared by ``k2d parse`` and
    ``k2d personas new`` (which parses an export the same way), so the two never drift."""
    for option in reversed(PARSE_OPTIONS):
        fn = option(fn)
    return fn


def options_from(params: dict, *, anonymize: bool = True,
                 output_format: str = "jsonl") -> ParseOptions:
    """The :class:`ParseOptions` for the values of :func:`parse_options` in ``params``."""
    p = params
    return ParseOptions(
        persona_speaker=p["persona_speaker"], me=p["me"], speakers=parse_speakers(p["speakers"]),
        format=p["format_"], encoding=p["encoding"], lenient=p["lenient"], anonymize=anonymize,
        nicknames=_nicknames(p["nicknames"]),
        allow=with_word_files(p["allow"], p["allow_file"]),
        deny=with_word_files(p["deny"], p["deny_file"]),
        min_pairs=p["min_pairs"], output_format=output_format,
        turns=TurnSettings(timedelta(minutes=p["merge_gap"]), timedelta(hours=p["session_gap"]),
                           p["media"]),
        pairs=PairSettings(p["max_context_turns"], p["max_context_chars"],
                           validation_fraction=p["validation_fraction"]),
        conversations=ConversationSettings(context_turns=p["max_context_turns"],
                                           context_chars=p["max_context_chars"]),
    )


@click.command(help=HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", default=None, metavar="DIR",
              help="Output folder (default: ./<export name>-data). '-' streams the records to stdout.")
@parse_options
@click.option("--output-format", type=click.Choice(["jsonl", "parquet"]), default="jsonl",
              show_default=True, help="Dataset file format.")
@click.option("--no-anonymize", is_flag=True,
              help="Keep private data in the output (for your own inspection only; warns).")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON when done.")
@click.option("--dry-run", is_flag=True, help="Run everything, print the summary, write nothing.")
@quiet_option
def parse(inputs, output, output_format, no_anonymize, as_json, dry_run, quiet,
          **params) -> None:
    options = options_from(params, anonymize=not no_anonymize, output_format=output_format)
    if not quiet:
        click.echo(CONSENT_NOTICE, err=True)
    if no_anonymize:
        warn("--no-anonymize: names, numbers and addresses stay in the output. "
             "Never train or share a model on it.")
    def progress(source, messages, label):
        return with_progress(messages, source, label, quiet)

    dataset = build_dataset([Path(p) for p in inputs], options, warn=warn, progress=progress)
    out = output or f"{Path(inputs[0]).stem}-data"
    if not dry_run:
        target = write_dataset(dataset, out, output_format)
    if as_json:
        click.echo(json.dumps(dataset.manifest, ensure_ascii=False, indent=2), err=str(out) == "-")
    elif not quiet:
        _summary(dataset.manifest, None if dry_run else target)


def _summary(manifest: dict, target: Path | None) -> None:
    counts = manifest["counts"]
    splits = counts["splits"]
    click.echo(f"Conversations: {counts['conversations']} (train {splits['train']}, validation "
               f"{splits['validation']}) from {counts['turns']} turns in "
               f"{counts['sessions']} sessions; {counts['persona_turns']} persona turns, "
               f"{counts['pairs']} with context, {counts['persona_opened']} sessions opened "
               "by the persona", err=True)
    replaced = manifest["anonymization"].get("replaced", {})
    if replaced:
        click.echo("Anonymized: " + ", ".join(f"{k} {v}" for k, v in sorted(replaced.items())),
                   err=True)
    if target is not None and str(target) != "-":
        click.echo(f"Wrote {target} and {target.parent / 'manifest.json'}", err=True)
