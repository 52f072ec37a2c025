"""`k2d inspect`: the summary, the line accounting, and one clear line for every bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kakao2dataset.cli import main
from kakao2dataset.synthetic import generate_conversation, render


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def export(tmp_path):
    rendered = render(generate_conversation(seed=9, n_messages=80), "K4")
    path = tmp_path / "KakaoTalkChats.txt"
    path.write_bytes(rendered.data)
    return path, rendered


def test_json_summary_accounts_for_every_line(export):
    path, rendered = export
    result = invoke("inspect", path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "kakao-android" and data["variant"] == "K4"
    assert data["encoding"] == "utf-8"
    assert data["messages"] == len(rendered.expected)
    assert data["lines"]["total"] == len(path.read_bytes().splitlines())
    assert sum(v for k, v in data["lines"].items() if k != "total") == data["lines"]["total"]
    assert data["lines"]["unparsed"] == 0 and data["unparsed_lines"] == []
    assert set(data["speakers"]) <= {"이준호", "김민지"}
    assert data["group_chat"] is False


def test_text_summary(export):
    result = invoke("inspect", export[0])
    assert result.exit_code == 0
    assert "kakao-android / variant K4" in result.stdout and "Lines:" in result.stdout


def one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_bad_inputs_each_get_one_clear_line(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    one_line_error(invoke("inspect", empty), "empty.txt", "empty")

    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    one_line_error(invoke("inspect", binary), "image.txt", "binary")

    unknown = tmp_path / "notes.txt"
    unknown.write_text("shopping list\n- milk\n- eggs\n", encoding="utf-8")
    one_line_error(invoke("inspect", unknown), "notes.txt", "not a recognized", "tried")


def test_wrong_forced_format_and_wrong_encoding(export):
    path, _ = export
    one_line_error(invoke("inspect", path, "--format", "kakao-pc"), "forced format", "kakao-android")
    one_line_error(invoke("inspect", path, "--format", "nope"), "unknown format")
    result = invoke("inspect", path, "--encoding", "utf-16")
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_unparsed_lines_fail_unless_lenient_and_are_listed(export, tmp_path):
    path, _ = export
    lines = path.read_bytes().split(b"\r\n")
    damaged = tmp_path / "damaged.txt"
    # garbage lines before any message are not continuations: they cannot be read
    damaged.write_bytes(b"\r\n".join(lines[:4] + [b"@@@ not a chat line", b"%%% nor this"] * 3 + lines[4:]))
    one_line_error(invoke("inspect", damaged), "damaged.txt", "could not be read", "--lenient")
    result = invoke("inspect", damaged, "--lenient", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["lines"]["unparsed"] == 6 and data["unparsed_lines"] == [5, 6, 7, 8, 9, 10]
    assert "could not be read" in result.output  # warning on stderr


def test_debug_shows_the_traceback(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["--debug", "inspect", str(empty)])
    assert result.exit_code != 0 and result.exception is not None


def test_group_chat_is_reported(tmp_path):
    from dataclasses import replace

    conv = generate_conversation(seed=2, n_messages=60, tricky=False)
    third = tuple(replace(m, speaker="박서준") for m in conv.messages[::5])
    conv = conv.with_messages(sorted(conv.messages + third, key=lambda m: m.timestamp))
    path = tmp_path / "group.txt"
    path.write_bytes(render(conv, "K4").data)
    result = invoke("inspect", path, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["group_chat"] is True
    assert "group chat" in result.output


def test_decisions_on_an_inconsistent_file_are_counted_and_listed(tmp_path):
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "exports" / "K4_messy_day_lines_time_back.txt"
    result = invoke("inspect", path, "--json")
    assert result.exit_code == 0, result.output  # never a refusal
    data = json.loads(result.stdout)
    assert data["decisions"]["day line repeated"] == {"count": 2, "lines": [10, 11]}
    assert data["decisions"]["time goes back"] == {"count": 2, "lines": [13, 20]}
    text = invoke("inspect", path)
    assert "Decided:   2 × day line repeated: lines 10, 11" in text.stdout
    assert "1 × records without a day line" in text.output  # also a warning line


def test_a_consistent_export_has_no_decisions(export):
    data = json.loads(invoke("inspect", export[0], "--json").stdout)
    assert data["decisions"] == {}
