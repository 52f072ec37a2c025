"""Small helpers shared by the CLI commands: progress on long work, warnings to stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import click

PROGRESS_MIN_BYTES = 8 << 20  # no bar for small files


def warn(message: str) -> None:
    click.secho(f"Warning: {message}", fg="yellow", err=True)


def with_progress(items: Iterable, source, label: str, quiet: bool = False) -> Iterator:
    """Iterate ``items`` showing a byte progress bar for ``source`` (a TextSource) on a
    terminal, for large files only; stdout stays clean for data."""
    show = (not quiet and sys.stderr.isatty() and source.size >= PROGRESS_MIN_BYTES)
    if not show:
        yield from items
        return
    with click.progressbar(length=source.size, label=label, file=sys.stderr) as bar:
        done = 0
        for count, item in enumerate(items):
            if count % 2048 == 0:
                bar.update(source.bytes_read - done)
                done = source.bytes_read
            yield item
        bar.update(source.size - done)


def quiet_option(fn):
    return click.option("-q", "--quiet", is_flag=True, help="No progress bars or notices.")(fn)


def format_options(fn):
    """``--format`` / ``--encoding`` / ``--lenient``, shared by inspect and parse."""
    fn = click.option("--lenient", is_flag=True,
                      help="Warn about unreadable lines instead of failing.")(fn)
    fn = click.option("--encoding", default=None, metavar="NAME",
                      help="Force the text encoding (utf-8, utf-8-sig, utf-16, cp949). "
                           "Default: detected and reported.")(fn)
    fn = click.option("--format", "format_", default=None, metavar="NAME",
                      help="Force a parser (see `k2d formats`). Default: detected from content.")(fn)
    return fn
