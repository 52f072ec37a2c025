"""The support table (data) and the code agree: every row has a parser and a renderer."""

from __future__ import annotations

from click.testing import CliRunner

from kakao2dataset.cli import main
from kakao2dataset.cli.formats_cmd import support_rows
from kakao2dataset.parsers.base import registered
from kakao2dataset.synthetic import variants

KEYS = {"variant", "app", "platform", "ui_language", "parser", "header", "day_line",
        "message_line", "line_ends", "evidence", "notes"}


def test_every_row_is_complete_and_backed_by_a_parser_and_a_renderer():
    rows = support_rows()
    assert rows
    parsers, renderers = registered(), set(variants())
    for row in rows:
        assert set(row) >= KEYS, row["variant"]
        assert row["parser"] in parsers, row["variant"]
        assert row["variant"] in renderers, row["variant"]
        assert row["evidence"] in {"real export", "public parser", "designed, unverified"}


def test_every_renderer_and_parser_appears_in_the_table():
    rows = support_rows()
    assert set(variants()) == {row["variant"] for row in rows}
    assert set(registered()) == {row["parser"] for row in rows}
    assert len({row["variant"] for row in rows}) == len(rows)  # no duplicates


def test_k2d_formats_prints_every_variant():
    result = CliRunner().invoke(main, ["formats", "--markdown"])
    assert result.exit_code == 0
    for row in support_rows():
        assert f"| {row['variant']} |" in result.output


def test_readme_table_is_the_one_k2d_formats_prints():
    """The README's table is pasted from ``k2d formats --markdown``; editing the data without
    re-pasting it (or the other way round) fails here."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = CliRunner().invoke(main, ["formats", "--markdown"]).output.strip()
    assert table in readme


def test_every_variant_has_the_example_file_regenerate_py_writes():
    """examples/formats/ holds one small rendering per variant; regenerating must not change a
    byte, so the shipped examples stay what the synthetic writer makes."""
    import runpy
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    regenerate = runpy.run_path(str(examples / "regenerate.py"))
    assert set(regenerate["FORMAT_EXAMPLES"]) == {row["variant"] for row in support_rows()}
    for variant in regenerate["FORMAT_EXAMPLES"]:
        name, data = regenerate["format_example"](variant)
        assert (examples / "formats" / name).read_bytes() == data, name
