"""Where parse-only time goes: the floor that any pure-Python reader yielding one record per
message stands on, measured next to the naive baseline and our parser in the same run.

Why: issue #2 asks the parser for half the baseline's throughput (one ``re`` match per line,
nothing built). This script shows what part of that budget the unavoidable steps already
take, so a reader can tell a slow parser from a goal out of reach for the design:

* ``baseline (regex/line)``: as in ``bench_parse.py`` (text file iteration + one match per line);
* ``floor: read + decode``: the file read and decoded in 64 KiB blocks (``TextSource.blocks``);
* ``floor: + split lines``: each block also cut into line strings (``str.split``, in C);
* ``floor: + one Message per message``: also one :class:`~kakao2dataset.model.Message` built per
  message, with constant fields (the record alone: no matching, no timestamps, no kinds);
* ``floor: + one regex pass``: also the layout's message-line regex (the baseline's) found in
  each block with one ``findall`` (in C): matching plus records, with no rule applied;
* ``ours: parse only``: :func:`kakao2dataset.exports.parse_sources` + ``messages()`` +
  ``check()``, as in ``bench_parse.py``.

Every row runs in the same process on the same cached file (``bench_parse.generate``), best of
``--repeats``; µs per message = time / messages in the export. Peak memory is not the point
here (see ``bench_parse.py``). The table goes to stdout and ``bench-out/bench_parse_floor.md``
(rows also as JSON next to it)::

    python benchmarks/bench_parse_floor.py                 # K1, K4, K6 at 10 MB
    python benchmarks/bench_parse_floor.py --variants K3 --size 100
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_parse  # noqa: E402  (benchmarks/ is not a package)

from kakao2dataset.model import Message, MessageKind  # noqa: E402
from kakao2dataset.reading import open_sources  # noqa: E402

ROWS = (
    "baseline (regex/line)",
    "floor: read + decode",
    "floor: + split lines",
    "floor: + one Message per message",
    "floor: + one regex pass",
    "ours: parse only",
)


def _read_decode(path: Path, messages: int) -> int:
    for source in open_sources(path):
        for _ in source.blocks():
            pass
    return messages


def _split(path: Path, messages: int) -> int:
    lines = 0
    for source in open_sources(path):
        for block in source.blocks():
            lines += len(block.text.split("\n"))
    return messages


def _lines(path: Path) -> int:
    return sum(sum(block.ends) for source in open_sources(path) for block in source.blocks())


def _records(path: Path, messages: int, lines: int, pattern: re.Pattern | None = None) -> int:
    """Decode and split as above, then build one record per message, spread over the blocks
    in proportion to their lines (``lines``: the file's line count, counted beforehand); with
    ``pattern``, also find its matches in each block."""
    stamp, text, kind = datetime(2024, 1, 5, 15, 4), "국밥?", MessageKind.TEXT
    built, due = 0, 0.0
    for source in open_sources(path):
        for block in source.blocks():
            split = block.text.split("\n")
            if pattern is not None:
                pattern.findall(block.text)
            due += len(split) * messages / lines
            share = min(messages, round(due)) - built
            out = [Message(stamp, "김민지", text, kind, "x.txt", i, i) for i in range(share)]
            built += len(out)
    return built


def _baseline(path: Path, variant: str) -> int:
    return bench_parse._baseline(str(path), variant)["messages"]  # noqa: SLF001


def _ours(path: Path, variant: str) -> int:
    return bench_parse._ours(str(path), variant)["messages"]  # noqa: SLF001


def _best(fn, repeats: int) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure(variant: str, size_mb: float, seed: int, repeats: int, log=print) -> list[dict]:
    path, meta = bench_parse.generate(variant, size_mb, seed, log=log)
    messages = meta["messages"]
    lines = _lines(path)
    pattern = re.compile("^" + bench_parse.MESSAGE_LINE[variant], re.MULTILINE)
    runs = {
        ROWS[0]: lambda: _baseline(path, variant),
        ROWS[1]: lambda: _read_decode(path, messages),
        ROWS[2]: lambda: _split(path, messages),
        ROWS[3]: lambda: _records(path, messages, lines),
        ROWS[4]: lambda: _records(path, messages, lines, pattern),
        ROWS[5]: lambda: _ours(path, variant),
    }
    rows = []
    for name, fn in runs.items():
        seconds, count = _best(fn, repeats)
        rows.append({"variant": variant, "size_mb": size_mb, "row": name, "seconds": seconds,
                     "messages": messages, "count": count, "bytes": meta["bytes"]})
    base = rows[0]["seconds"]
    for row in rows:
        row["vs_baseline"] = base / row["seconds"]
    return rows


def render(rows: list[dict]) -> str:
    head = ("| layout | size | row | MB/s | µs / message | throughput vs baseline |\n"
            "|---|---|---|---:|---:|---:|")
    body = [
        f"| {r['variant']} | {r['size_mb']:g} MB | {r['row']} | {r['bytes'] / r['seconds'] / 1e6:.1f}"
        f" | {r['seconds'] / r['messages'] * 1e6:.2f} | {r['vs_baseline']:.2f}× |"
        for r in rows
    ]
    return "\n".join([head, *body])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variants", default="K1,K4,K6", help="layouts (default K1,K4,K6)")
    ap.add_argument("--size", type=float, default=10.0, help="export size in MB (default 10)")
    ap.add_argument("--repeats", type=int, default=3, help="best of N (default 3)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=str(bench_parse.OUT / "bench_parse_floor.md"))
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    rows: list[dict] = []
    for variant in [v.strip() for v in args.variants.split(",") if v.strip()]:
        log(f"{variant} {args.size:g} MB …")
        rows += measure(variant, args.size, args.seed, args.repeats, log)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    command = " ".join(["python benchmarks/bench_parse_floor.py", *(argv or sys.argv[1:])])
    text = (
        f"## Parse floor\n\nCommand: `{command}` — {stamp}, Python "
        f"{platform.python_version()}, one process, best of {args.repeats}.\n\n{render(rows)}\n"
    )
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
