"""``k2d names``: the people the anonymizer would learn from an export, and what it left.

The list holds real names, so it goes only to the terminal or to a file the user names (``-o``),
written atomically; never into a dataset, a manifest or a log. It exists so the user, who knows
their friends, can check it and feed ``k2d parse --deny-file`` / ``--allow-file``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
import regex

from kakao2dataset.cli._common import format_options, quiet_option, warn
from kakao2dataset.cli.parse_cmd import parse_speakers, with_word_files
from kakao2dataset.pipeline import ParseOptions, anonymizer_for, scan_inputs
from kakao2dataset.speaker_roles import resolve_roles
from kakao2dataset.writers import write_text

HELP = """List the third-party people the anonymizer learns from an export, with the forms
it saw and their counts, and the name-like words it left alone.

\b
Each person becomes one <NAME_k> in every form (김가을, 가을이가, 가으리가, 가을아, ...).
Put a missed friend in a --deny-file and a wrongly caught word in an --allow-file for
`k2d parse`. The list holds real names: it is printed, or written to -o FILE, and never
into the dataset or a log.

\b
Examples:
  k2d names KakaoTalkChats.txt --persona-speaker 민지
  k2d names chat.txt --me 준호 -o my-names.txt
  k2d names chat.txt --me 준호 --json -o my-names.json
"""

# A stem then what follows people: euphonic 이 + particle, a person particle, a vocative, 씨/님.
_SHAPE = regex.compile(r"([가-힣]{1,3}?)(이(?:가|는|랑|한테|에게|야)|한테|에게|랑|야|아|씨|님)")


def candidates(anonymizer, words: Counter, limit: int = 100) -> list[dict]:
    """Words shaped like a name + what follows people, whose stem the given-name model scores
    as name-like, that no learned person covers: the ones worth a look."""
    from kakao2dataset.anonymize.given_names import name_like

    finder, book = anonymizer._names, anonymizer.book  # noqa: SLF001
    found: Counter = Counter()
    for word, count in words.items():
        m = _SHAPE.fullmatch(word)
        if m is None or book.find(word):
            continue
        stem = m.group(1)
        if len(stem) >= 2 and finder.ordinary(stem):
            continue
        if name_like(stem) and stem not in finder.protected:
            found[stem] += count
    return [{"name": s, "count": c} for s, c in found.most_common(limit)]


def _report(anonymizer, people, left) -> dict:
    out = []
    for person in people:
        out.append({
            "placeholder": anonymizer.config.placeholders["NAME"].format(
                n=anonymizer.book.index[person.key]),
            "name": person.key,
            "full_names": sorted(person.full_names),
            "context_only": person.ordinary,
            "seen": dict(person.seen.most_common()),
        })
    return {"people": out, "candidates": left}


def _text(report: dict) -> str:
    lines = [f"People the anonymizer learned ({len(report['people'])}); each becomes one "
             "placeholder in every form:"]
    for p in report["people"]:
        note = "  (also a word: replaced only as a person)" if p["context_only"] else ""
        seen = ", ".join(f"{w} x{c}" for w, c in p["seen"].items())
        lines.append(f"  {p['placeholder']:<10} {p['name']}{note}")
        lines.append(f"             seen: {seen}")
    lines.append("")
    lines.append(f"Name-like words it left ({len(report['candidates'])}); a person? put it in "
                 "a --deny-file:")
    lines += [f"  {c['name']} x{c['count']}" for c in report["candidates"]]
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    write_text(path, text)


@click.command(help=HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--persona-speaker", default=None, metavar="NAME",
              help="The speaker whose replies the persona learns.")
@click.option("--me", default=None, metavar="NAME", help="You (the other side).")
@click.option("--speakers", default=None, metavar="A,B", help="For a group chat: the two people to use.")
@format_options
@click.option("--allow-file", type=click.Path(exists=True, dir_okay=False), default=None,
              metavar="FILE", help="Words never anonymized, one per line (as for k2d parse).")
@click.option("-o", "--output", default=None, metavar="FILE",
              help="Write the list to FILE (yours to keep) instead of the terminal.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@quiet_option
def names(inputs, persona_speaker, me, speakers, format_, encoding, lenient, allow_file, output,
          as_json, quiet) -> None:
    options = ParseOptions(persona_speaker=persona_speaker, me=me, speakers=parse_speakers(speakers),
                           format=format_, encoding=encoding, lenient=lenient,
                           allow=with_word_files((), allow_file))
    words: Counter = Counter()
    _, counts = scan_inputs([Path(p) for p in inputs], options, keep=False, warn=warn, words=words)
    roles = resolve_roles(counts, options.persona_speaker, options.me, options.speakers)
    anonymizer = anonymizer_for(roles, options)
    people = anonymizer.learn_words(words)
    report = _report(anonymizer, people, candidates(anonymizer, words))
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n" if as_json else _text(report)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_atomic(Path(output), text)
        if not quiet:
            click.echo(f"Wrote {len(report['people'])} people and {len(report['candidates'])} "
                       f"candidates to {output}", err=True)
