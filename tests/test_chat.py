"""``k2d chat`` (piped, via CliRunner) and ``k2d export-merged``."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from click.testing import CliRunner  # noqa: E402
from test_bank_fixtures import make_personas  # noqa: E402

from finetune.bank import PersonaBank  # noqa: E402
from kakao2dataset.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def personas_dir(tmp_path_factory):
    return make_personas(tmp_path_factory.mktemp("chat") / "personas", slugs=("friend", "mom"))


def _chat(personas_dir, text, *args):
    result = CliRunner().invoke(
        main, ["chat", "--persona", "friend", "--personas-dir", str(personas_dir),
               "--temperature", "0", "--max-new-tokens", "6", *args], input=text)
    return result


def test_piped_chat_keeps_history_and_switches_persona(personas_dir):
    result = _chat(personas_dir, "hi\nwhat are you doing\n/persona mom\nhi\n/reset\nhi\n/quit\n"
                   "never read\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    bank = PersonaBank.from_personas_dir(personas_dir)
    kw = dict(temperature=0.0, max_new_tokens=6)
    first = bank.reply("friend", [("user", "hi")], **kw).text
    second = bank.reply("friend", [("user", "hi"), ("persona", first),
                                   ("user", "what are you doing")], **kw).text
    mom = bank.reply("mom", [("user", "hi")], **kw).text
    assert lines == [first, second, mom, mom]
    assert "now talking to mom" in result.stderr


def test_chat_unknown_persona_switch_is_reported_not_fatal(personas_dir):
    result = _chat(personas_dir, "/persona nobody\nhi\n")
    assert result.exit_code == 0
    assert "cannot switch to 'nobody'" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_chat_missing_persona_is_a_one_line_error(personas_dir):
    result = CliRunner().invoke(main, ["chat", "--persona", "ghost", "--personas-dir",
                                       str(personas_dir)], input="hi\n")
    assert result.exit_code == 1
    assert "k2d finetune --persona ghost" in result.stderr


@pytest.mark.parametrize("command", ["chat", "serve", "export-merged"])
def test_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "--personas-dir" in result.output


def test_export_merged_gives_the_adapters_logits(personas_dir, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path / "merged-friend"
    result = CliRunner().invoke(main, ["export-merged", "--persona", "friend", "-o", str(out),
                                       "--personas-dir", str(personas_dir)])
    assert result.exit_code == 0, result.output
    assert (out / "config.json").is_file() and (out / "tokenizer.json").is_file()
    assert not (out / "adapter_config.json").exists()
    assert json.loads((out / "k2d.json").read_text())["merged"]

    bank = PersonaBank.from_personas_dir(personas_dir, slugs=["friend"])
    history = [("user", "hi"), ("persona", "yo"), ("user", "what are you doing")]
    ids = bank.encode_prompt("friend", history, max_new_tokens=1)
    merged = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    assert AutoTokenizer.from_pretrained(out)("<usr>hi<eot><sys>")["input_ids"] == \
        bank.tokenizer("<usr>hi<eot><sys>")["input_ids"]
    with torch.no_grad():
        got = merged(torch.tensor([ids])).logits[0, -1]
    torch.testing.assert_close(got, bank.next_token_logits([("friend", history)])[0],
                               atol=1e-4, rtol=1e-4)
    base = AutoModelForCausalLM.from_pretrained(bank.base_path, dtype=torch.float32).eval()
    with torch.no_grad():
        assert (base(torch.tensor([ids])).logits[0, -1] - got).abs().max() > 1e-3

    again = CliRunner().invoke(main, ["export-merged", "--persona", "friend", "-o", str(out),
                                      "--personas-dir", str(personas_dir)])
    assert again.exit_code == 1 and "--force" in again.stderr


def test_piped_replies_with_newlines_stay_one_line_each(personas_dir, monkeypatch):
    from finetune import serve_cli

    replies = iter(["첫 줄\n둘째 줄", "ㅋㅋ\r\n"])
    monkeypatch.setattr(serve_cli.ChatSession, "say", lambda self, text: next(replies))
    result = _chat(personas_dir, "hi\nagain\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["첫 줄\\n둘째 줄", "ㅋㅋ\\n"]


def test_jsonl_gives_exact_replies_with_their_inputs(personas_dir, monkeypatch):
    result = _chat(personas_dir, "hi\n/persona mom\nwhat are you doing\n", "--jsonl", "-q")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    bank = PersonaBank.from_personas_dir(personas_dir)
    kw = dict(temperature=0.0, max_new_tokens=6)
    assert rows == [
        {"persona": "friend", "input": "hi",
         "reply": bank.reply("friend", [("user", "hi")], **kw).text},
        {"persona": "mom", "input": "what are you doing",
         "reply": bank.reply("mom", [("user", "what are you doing")], **kw).text},
    ]
    assert "now talking to mom" not in result.stderr  # -q
