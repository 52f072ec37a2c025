"""Smoke test of benchmarks/bench_parse.py: a 1 MB run of one layout, no peers, no timings
checked — only that every expected row is there and ours found the messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "bench_parse.py"


def test_quick_run_has_the_expected_rows(tmp_path):
    out = tmp_path / "bench_parse.md"
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--quick",
            "--no-peers",
            "--variants",
            "K1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = out.read_text()
    assert table in done.stdout + "\n"
    header = (
        "| layout | size | tool | MB/s | messages/s | peak RSS MB "
        "| messages found / expected | vs baseline |"
    )
    assert header in table
    rows = [line for line in table.splitlines() if line.startswith("| K1 | 1 MB |")]
    tools = [row.split("|")[3].strip() for row in rows[:4]]
    assert tools == [
        "baseline (regex/line)",
        "ours: parse only",
        "ours: full k2d parse",
        "ours: k2d parse --no-anonymize",
    ]
    assert "kakaotalkparse" not in table  # --no-peers

    results = json.loads(out.with_suffix(".json").read_text())
    by_tool = {r["tool"]: r for r in results}
    for tool in ("baseline (regex/line)", "ours: parse only", "ours: full k2d parse",
                 "ours: k2d parse --no-anonymize"):
        row = by_tool[tool]
        assert "error" not in row, row
        assert row["mb_s"] > 0 and row["rss_mb"] > 0
    ours = by_tool["ours: parse only"]
    # Look-alike lines pasted inside messages may be read as messages when they fit the
    # time order exactly (documented as undecidable); nothing may be lost.
    assert ours["expected"] <= ours["messages"] <= ours["expected"] * 1.001
    assert ours["detected"] == ["K1"]


def test_floor_run_builds_one_record_per_message(tmp_path):
    """benchmarks/bench_parse_floor.py on a 1 MB K1 export: every row is there, the record
    floor built exactly one Message per message and our parser found them all."""
    out = tmp_path / "floor.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_parse_floor.py"), "--variants", "K1",
         "--size", "1", "--repeats", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["row"]: r for r in json.loads(out.with_suffix(".json").read_text())}
    assert list(rows) == [
        "baseline (regex/line)",
        "floor: read + decode",
        "floor: + split lines",
        "floor: + one Message per message",
        "floor: + one regex pass",
        "ours: parse only",
    ]
    expected = rows["ours: parse only"]["messages"]
    assert rows["floor: + one Message per message"]["count"] == expected
    assert rows["floor: + one regex pass"]["count"] == expected
    assert expected <= rows["ours: parse only"]["count"] <= expected * 1.001
    assert rows["baseline (regex/line)"]["vs_baseline"] == 1.0
    assert all(r["seconds"] > 0 for r in rows.values())
