"""Every command teaches: `--help` works, exits 0 and shows an example or usage."""

from __future__ import annotations

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
