"""Writing outputs: atomically (temp file in the same folder, then ``os.replace``), as UTF-8
JSONL with Korean unescaped, or Parquet; and the pair record schema.

A crash or an error midway never leaves a half-written file behind, and never touches inputs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from kakao2dataset.model import TurnPair
from kakao2dataset.speakers import (
    DEFAULT_TOKENS,
    PERSONA,
    ROLES,
    SpeakerTokens,
    render_example,
    render_prompt,
)

PAIR_FIELDS = (
    "id", "session", "split", "context", "response", "prompt", "text",
    "source", "first_line", "last_line", "start", "end",
)


def pair_record(pair: TurnPair, tokens: SpeakerTokens = DEFAULT_TOKENS) -> dict:
    """The canonical JSON form of a pair (see README "Pair schema"). Keep ``id``, ``session``
    and ``split`` first: the pipeline assigns the split by patching the encoded line."""
    return {
        "id": pair.id,
        "session": pair.session,
        "split": pair.split,
        "context": [{"role": role, "text": text} for role, text in pair.context],
        "response": pair.response,
        "prompt": render_prompt(pair.context, tokens),
        "text": render_example(pair.context, pair.response, tokens),
        "source": pair.source,
        "first_line": pair.first_line,
        "last_line": pair.last_line,
        "start": pair.start.isoformat(timespec="seconds"),
        "end": pair.end.isoformat(timespec="seconds"),
    }


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(record: dict) -> str:
    """One compact JSON line, Korean unescaped (one shared encoder: ``json.dumps`` builds a new
    one per call when given options)."""
    return _ENCODER.encode(record)


_STR = json.encoder.c_encode_basestring or json.encoder.py_encode_basestring  # what _ENCODER uses


class PairEncoder:
    """``encode(pair, source)`` == ``dumps(pair_record(replace(pair, source=source)))``, built
    from strings encoded once per context turn.

    Consecutive pairs of a session share most of their context (a sliding window), and each
    context turn appears three times in a record (``context``, ``prompt``, ``text``). JSON
    string escaping works character by character, so the encoding of a concatenation is the
    concatenation of the encodings: each turn's pieces are encoded once, cached by its
    ``(role, text)`` item, and joined. ``pair_record`` stays the reference form.

    >>> from datetime import datetime
    >>> t = datetime(2024, 1, 1, 9, 30)
    >>> pair = TurnPair("p0000000", 0, "train", (("user", 'a "b"'),), "c", "x", 1, 2, t, t)
    >>> PairEncoder().encode(pair, "y") == dumps(pair_record(pair).copy() | {"source": "y"})
    True
    """

    def __init__(self, tokens: SpeakerTokens = DEFAULT_TOKENS, max_cached: int = 4096) -> None:
        self.max_cached = max_cached
        self._end = _STR(tokens.end_of_turn)[1:-1]
        self._open = {role: _STR(tokens.for_role(role))[1:-1] for role in ROLES}
        self._prompt_end = self._open[PERSONA] + '",'
        self._items: dict[tuple[str, str], tuple[str, str]] = {}

    def _item(self, item: tuple[str, str]) -> tuple[str, str]:
        """``(role, text)`` → (its ``context`` entry, its rendered turn), JSON-encoded."""
        cached = self._items.get(item)
        if cached is None:
            if len(self._items) >= self.max_cached:
                self._items.clear()
            role, text = item
            body = _STR(text)
            cached = (
                f'{{"role":{_STR(role)},"text":{body}}}',
                self._open[role] + body[1:-1] + self._end,
            )
            self._items[item] = cached
        return cached

    def encode(self, pair: TurnPair, source: str) -> str:
        items = [self._item(item) for item in pair.context]
        rendered = "".join(piece for _, piece in items)
        response = _STR(pair.response)
        return "".join((
            f'{{"id":{_STR(pair.id)},"session":{int.__repr__(pair.session)},'
            f'"split":{_STR(pair.split)},"context":[',
            ",".join(entry for entry, _ in items),
            '],"response":', response, ',"prompt":"', rendered, self._prompt_end,
            '"text":"', rendered, self._open[PERSONA], response[1:-1], self._end,
            f'","source":{_STR(source)},"first_line":{int.__repr__(pair.first_line)},'
            f'"last_line":{int.__repr__(pair.last_line)},'
            f'"start":{_STR(pair.start.isoformat(timespec="seconds"))},'
            f'"end":{_STR(pair.end.isoformat(timespec="seconds"))}}}',
        ))


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temp file beside ``path``; on success rename it over ``path``, on error delete it.
    ``path == "-"`` writes to stdout instead."""
    if str(path) == "-":
        yield sys.stdout if "b" not in mode else sys.stdout.buffer
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_jsonl(path: str | Path, records: Iterable[dict]) -> int:
    count = 0
    with atomic_writer(path) as fh:
        for record in records:
            fh.write(dumps(record) + "\n")
            count += 1
    return count


def read_jsonl(path: str | Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    from kakao2dataset.errors import K2DError

                    raise K2DError(f"not valid JSON ({exc.msg})", path=str(path), line=number) from exc


def write_json(path: str | Path, data: dict) -> None:
    with atomic_writer(path) as fh:
        fh.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def write_parquet(path: str | Path, records: list[dict]) -> None:
    import polars as pl

    frame = pl.DataFrame(records)
    with atomic_writer(path, "wb") as fh:
        frame.write_parquet(fh)
