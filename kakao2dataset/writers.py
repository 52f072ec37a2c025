"""Writing outputs: atomically (temp file in the same folder, then ``os.replace``), as UTF-8
JSONL with Korean unescaped, or Parquet; and the conversation record schema.

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

from kakao2dataset.conversations import Conversation

RECORD_FIELDS = ("id", "session", "window", "split", "persona_opened", "context_turns", "source",
                 "start", "turns")
TURN_FIELDS = ("role", "text", "at", "lines")


def conversation_record(conversation: Conversation, split: str, source: str) -> dict:
    """The canonical JSON form of a conversation (see README "Dataset record"): the one
    serializer of ``k2d parse``. ``split`` is decided before the record is made; ``source``
    is the (anonymized) base name of the input file.

    ``start`` is the first turn's time; a turn's ``at`` is ``[start, end]`` in seconds after
    it, and ``lines`` its ``[first, last]`` input line. Offsets rather than a timestamp per turn
    keep the file near the input's size (a timestamp is ~20 bytes; a chat turn averages ~25)."""
    origin = conversation.turns[0].start
    turns = [
        {"role": role, "text": turn.text,
         "at": [int((turn.start - origin).total_seconds()), int((turn.end - origin).total_seconds())],
         "lines": [turn.first_line, turn.last_line]}
        for turn, role in zip(conversation.turns, conversation.roles, strict=True)
    ]
    return {
        "id": conversation.id,
        "session": conversation.session,
        "window": conversation.window,
        "split": split,
        "persona_opened": conversation.persona_opened,
        "context_turns": conversation.context_turns,
        "source": source,
        "start": origin.isoformat(timespec="seconds"),
        "turns": turns,
    }


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(record: dict) -> str:
    """One compact JSON line, Korean unescaped (one shared encoder: ``json.dumps`` builds a new
    one per call when given options)."""
    return _ENCODER.encode(record)


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


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: a reader sees the old file or the new one,
    never half of it. Returns ``path``."""
    with atomic_writer(path) as fh:
        fh.write(text)
    return Path(path)


def write_json(path: str | Path, data: dict) -> None:
    with atomic_writer(path) as fh:
        fh.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def write_parquet(path: str | Path, records: list[dict]) -> None:
    import polars as pl

    frame = pl.DataFrame(records, infer_schema_length=None)
    with atomic_writer(path, "wb") as fh:
        frame.write_parquet(fh)


def data_file(path: str | Path) -> Path:
    """The conversations file of a ``k2d parse`` output folder (``conversations.jsonl`` or
    ``.parquet``), or ``path`` itself when it is a file."""
    from kakao2dataset.errors import K2DError

    path = Path(path)
    if path.is_dir():
        for name in ("conversations.jsonl", "conversations.parquet"):
            if (path / name).is_file():
                return path / name
        if (path / "pairs.jsonl").is_file():
            raise K2DError("pairs.jsonl is the dataset of an older k2d (one record per reply); "
                           "run `k2d parse` again to get conversations.jsonl", path=str(path))
        raise K2DError("no conversations.jsonl here; run `k2d parse` first", path=str(path))
    if not path.is_file():
        raise K2DError("no such dataset file; run `k2d parse` first", path=str(path))
    return path


def read_records(path: str | Path) -> Iterator[dict]:
    """The records of a JSONL or Parquet file (by its suffix; a Parquet file is binary and is
    never read as text)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import polars as pl

        yield from pl.read_parquet(path).iter_rows(named=True)
    else:
        yield from read_jsonl(path)


def read_conversations(path: str | Path) -> Iterator[tuple[int, dict]]:
    """``(record number, record)`` of a conversations file; a record of another kind (an old
    pair record, a trainer export) is an error naming the file and record."""
    from kakao2dataset.errors import K2DError

    for number, record in enumerate(read_records(path), start=1):
        if not isinstance(record, dict) or not isinstance(record.get("turns"), list):
            hint = (" (a pair record of an older k2d; run `k2d parse` again)"
                    if isinstance(record, dict) and "response" in record else "")
            raise K2DError("expected a conversation record with 'turns' [{role, text, ...}]"
                           + hint, path=str(path), line=number)
        yield number, record
