"""Every command teaches: `--help` works, exits 0 and shows an example or usage."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kakao2dataset.cli import COMMANDS, main


def test_top_level_help_names_the_first_command_to_run():
    result = CliRunner().invoke(main, ["-h"])
    assert result.exit_code == 0
    assert "k2d inspect chat.txt" in result.output
    assert set(COMMANDS) <= set(result.output.split())


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {command}" in result.output or f"Usage: k2d {command}" in result.output


def test_unknown_command_and_bad_flag_exit_2():
    runner = CliRunner()
    assert runner.invoke(main, ["nope"]).exit_code == 2
    assert runner.invoke(main, ["inspect", "--no-such-flag"]).exit_code == 2


def _all_commands():
    """Every command and subcommand path, e.g. ("personas", "new")."""
    ctx = click.Context(main)
    paths = []
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in command.list_commands(ctx)]
        paths.append((name,))
    return paths


@pytest.mark.parametrize("path", _all_commands(), ids=" ".join)
def test_every_help_page_has_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("Example"))
    assert lines[at + 1].strip().startswith("k2d "), result.output  # a command to copy


def test_one_flag_name_per_concept():
    """The persona's name is --persona-speaker wherever an export is parsed; the old
    --speaker of `personas new` still works but is no longer shown."""
    runner = CliRunner()
    for path in (["parse"], ["personas", "new"]):
        out = runner.invoke(main, [*path, "--help"]).output
        assert "--persona-speaker NAME" in out and "--speakers A,B" in out and "--me NAME" in out
        assert "--speaker " not in out
    for path, flags in {("parse",): ["-q", "--json", "--dry-run", "-o"],
                        ("personas", "new"): ["-q", "--json", "--dry-run"],
                        ("finetune",): ["-q", "--json", "--dry-run", "--save-every"],
                        ("chat",): ["-q", "--jsonl"],
                        ("base", "tiny"): ["-q"]}.items():
        out = runner.invoke(main, [*path, "--help"]).output
        assert all(f" {flag}" in out for flag in flags), (path, out)
