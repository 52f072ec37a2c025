"""Reading whole exports: detect the format, stream messages, check the line accounting.

>>> # for message in read_export("KakaoTalkChats.txt"): ...
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kakao2dataset.errors import FormatError, UnparsedLinesError
from kakao2dataset.model import Message
from kakao2dataset.parsers.base import LineAccounting, LineClass, Parser, Sniff, registered
from kakao2dataset.reading import RawLine, TextSource, open_sources

HEAD_LINES = 80
DEFAULT_MAX_UNPARSED_RATIO = 0.001  # above this (and above MIN_UNPARSED) the run fails
MIN_UNPARSED = 3
_END = operator.itemgetter(2)  # RawLine.end


def sniff_all(head: list[RawLine]) -> list[Sniff]:
    """Every parser's claim on these first lines, best first. A parser that raises here is a
    bug, and is not swallowed."""
    claims = [s for cls in registered().values() if (s := cls.sniff(head)) is not None]
    return sorted(claims, key=lambda s: s.score, reverse=True)


def detect(source: TextSource, forced: str | None = None) -> Sniff:
    """Pick the parser for ``source`` (or check the forced one)."""
    head = source.head(HEAD_LINES)
    parsers = registered()
    if forced is not None:
        if forced not in parsers:
            raise FormatError(f"unknown format {forced!r}; known: {', '.join(parsers)}")
        claim = parsers[forced].sniff(head)
        if claim is None:
            others = [s.parser for s in sniff_all(head)]
            hint = f" It looks like {others[0]!r}." if others else ""
            raise FormatError(
                f"the first lines do not match the forced format {forced!r} "
                f"({parsers[forced].description}).{hint}",
                path=source.name,
            )
        return claim
    claims = sniff_all(head)
    if not claims:
        raise FormatError(
            "not a recognized KakaoTalk or LINE export (tried: "
            + ", ".join(parsers) + "); see `k2d formats`, or force one with --format",
            path=source.name,
        )
    return claims[0]


@dataclass
class ParsedSource:
    """One file being parsed. Iterate :meth:`messages`; afterwards ``accounting`` and
    ``newlines`` describe every line."""

    source: TextSource
    sniff: Sniff
    accounting: LineAccounting = field(default_factory=LineAccounting)
    newlines: Counter = field(default_factory=Counter)
    last_line_end: str = "\n"

    @property
    def parser(self) -> type[Parser]:
        return registered()[self.sniff.parser]

    def messages(self) -> Iterator[Message]:
        """The file's messages; the line accounting is checked once they are all read. (A
        chain, not a generator: each message then costs no Python frame here.)"""
        parser = self.parser(self.source.name, self.sniff)
        stream = parser.parse(self._lines(), self.accounting)
        return itertools.chain(stream, self._checked())

    def _checked(self) -> Iterator[Message]:
        """Yields nothing; raises when the parser did not account for every line."""
        if self.accounting.total != self.accounting.lines_seen:
            raise RuntimeError(
                f"parser {self.sniff.parser!r} accounted for {self.accounting.total} of "
                f"{self.accounting.lines_seen} lines of {self.source.name} (a bug; please report)"
            )
        yield from ()

    def _lines(self) -> Iterator[RawLine]:
        """The source's lines for the parser, counted a batch at a time (no Python code runs
        between two lines of a batch)."""
        return itertools.chain.from_iterable(self._counted_batches())

    def _counted_batches(self) -> Iterator[Iterator[RawLine]]:
        it: Iterator[RawLine] = iter(())
        batch: list[RawLine] = []
        try:
            for batch in self.source.batches():
                it = iter(batch)
                yield it
                self._count(batch)
                batch = []
        finally:  # also when the consumer stops early: only the lines it took
            if batch:
                self._count(batch[: len(batch) - operator.length_hint(it)])

    def _count(self, batch: list[RawLine]) -> None:
        if not batch:
            return
        self.accounting.lines_seen += len(batch)
        self.last_line_end = batch[-1].end
        ends = Counter(map(_END, batch))
        for key, count in ends.items():
            self.newlines[key or "none"] += count

    def check(self, lenient: bool = False, max_ratio: float = DEFAULT_MAX_UNPARSED_RATIO) -> list[str]:
        """Raise (or, lenient, return warnings) when lines could not be read. The decisions
        taken on an inconsistent file (:class:`~kakao2dataset.parsers.base.Decision`) are
        warnings, never a failure."""
        acct = self.accounting
        warnings = [f"{self.source.name}: {info['count']} × {name} (lines "
                    f"{', '.join(map(str, info['lines'][:5]))}{', …' if info['count'] > 5 else ''})"
                    for name, info in acct.decisions_dict().items()]
        if acct.unparsed == 0:
            return warnings
        lines = ", ".join(map(str, acct.unparsed_lines[:5]))
        message = (
            f"{acct.unparsed} of {acct.lines_seen} lines could not be read as "
            f"{self.sniff.parser} ({self.sniff.variant}); first at lines {lines}. "
            f"Formats tried: {', '.join(registered())}"
        )
        truncated = self.last_line_end == "" and acct.last_class is LineClass.UNPARSED
        if truncated:
            message = "the file ends in the middle of a line (truncated?); " + message
        too_many = acct.unparsed > max(MIN_UNPARSED, max_ratio * acct.lines_seen)
        if (too_many or truncated) and not lenient:
            raise UnparsedLinesError(message + " (use --lenient to continue anyway)",
                                     path=self.source.name)
        warnings.append(f"{self.source.name}: {message}")
        return warnings


def parse_sources(
    path: str | Path, format: str | None = None, encoding: str | None = None
) -> list[ParsedSource]:
    """Open an export (file, zip or folder) and detect each file's format."""
    return [ParsedSource(source, detect(source, format)) for source in open_sources(path, encoding)]


def read_export(
    path: str | Path,
    format: str | None = None,
    encoding: str | None = None,
    lenient: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Message]:
    """Stream the normalized messages of an export (file, ``.zip`` or folder)."""
    for parsed in parse_sources(path, format, encoding):
        yield from parsed.messages()
        for warning in parsed.check(lenient=lenient):
            if on_warning:
                on_warning(warning)


MESSAGE_SCHEMA = {
    "timestamp": "datetime",
    "speaker": "str",
    "text": "str",
    "kind": "str",
    "source": "str",
    "first_line": "int",
    "last_line": "int",
}


def messages_frame(path: str | Path, **kwargs):
    """The messages of an export as a polars DataFrame (one row per message)."""
    import polars as pl

    rows = [m.to_dict() for m in read_export(path, **kwargs)]
    schema = {
        "timestamp": pl.Utf8, "speaker": pl.Utf8, "text": pl.Utf8, "kind": pl.Utf8,
        "source": pl.Utf8, "first_line": pl.Int64, "last_line": pl.Int64,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    return frame.with_columns(pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%S"))
