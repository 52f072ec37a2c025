"""`k2d personas new / list / show / path` and the persona folder layout."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner
from model_fixtures import write_persona_pairs

from finetune.config import load_config
from kakao2dataset.cli import main


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output + repr(result.exception)
    return result


@pytest.fixture
def fake_parse(monkeypatch):
    """Stand-in for `k2d parse` (kakao2dataset.pipeline): writes synthetic pairs, records calls."""
    import kakao2dataset.pipeline as pipeline

    calls = []

    def parse_to_dataset(inputs, out_dir, persona_speaker, options=None, warn=None):
        calls.append((list(inputs), out_dir, persona_speaker))
        return write_persona_pairs(out_dir)

    monkeypatch.setattr(pipeline, "parse_to_dataset", parse_to_dataset)
    return calls


def test_new_parses_into_the_persona_folder_and_writes_yaml(tmp_path, fake_parse,
                                                             tiny_gpt2_base):
    export = tmp_path / "chat.txt"
    export.write_text("synthetic", encoding="utf-8")
    root = tmp_path / "personas"
    out = run("personas", "new", "friend", "--from", str(export), "--persona-speaker", "냥이",
              "--base", str(tiny_gpt2_base), "--personas-dir", str(root)).output
    assert "k2d finetune --persona friend" in out
    assert fake_parse == [([export], root / "friend" / "data", "냥이")]
    cfg = load_config(root / "friend.yaml")
    assert cfg.data.pairs == ["friend/data/pairs.jsonl"] and cfg.data.speaker == "냥이"
    assert cfg.base == str(tiny_gpt2_base) and cfg.display_name == "friend"
    # exists → refuses without --force, and leaves the file alone
    before = (root / "friend.yaml").read_bytes()
    err = run("personas", "new", "friend", "--from", str(export), "--speaker", "x",
              "--personas-dir", str(root), code=1).output
    assert "--force" in err and (root / "friend.yaml").read_bytes() == before
    # and the new persona is ready for a dry run
    plan = run("finetune", "--persona", "friend", "--personas-dir", str(root), "--dry-run").output
    assert "train        48 sequences" in plan  # format-1 pairs: a sequence each


def test_list_show_path(tmp_path, fake_parse):
    root = tmp_path / "p"
    export = tmp_path / "chat.txt"
    export.write_text("synthetic", encoding="utf-8")
    run("personas", "new", "friend", "--from", str(export), "--speaker", "A",
        "--display-name", "Buddy", "--personas-dir", str(root))
    (root / "broken.yaml").write_text("lora: {rank: 1}\n", encoding="utf-8")
    listing = json.loads(run("personas", "list", "--personas-dir", str(root), "--json").stdout)
    rows = {r["slug"]: r for r in listing["personas"]}
    assert rows["friend"]["display_name"] == "Buddy" and rows["friend"]["trained"] is False
    assert "lora.rank" in rows["broken"]["error"]  # listed with its error, not hidden
    shown = run("personas", "show", "friend", "--personas-dir", str(root)).stdout
    assert yaml.safe_load(shown)["display_name"] == "Buddy"
    assert "lora:" in shown and "generation:" in shown  # defaults filled in
    assert run("personas", "path", "--personas-dir", str(root)).stdout.strip() == str(root)
    assert run("personas", "path", "friend", "--personas-dir", str(root)).stdout.strip() == str(
        root / "friend.yaml")
    assert run("personas", "path", "friend", "--adapter", "--personas-dir",
               str(root)).stdout.strip() == str(root / "friend" / "adapter")
    keys = run("personas", "show", "--keys").stdout
    assert "train.lr" in keys and "lora.target_modules" in keys


def test_unknown_persona_and_bad_slug_are_one_line_errors(tmp_path):
    out = run("finetune", "--persona", "nobody", "--personas-dir", str(tmp_path), code=1).output
    assert "no persona 'nobody'" in out and "k2d personas new" in out
    out = run("personas", "path", "Bad Name", "--personas-dir", str(tmp_path), code=1).output
    assert "lowercase" in out


def test_personas_dir_defaults_to_local_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("K2D_HOME", str(tmp_path / "home"))
    assert run("personas", "path").stdout.strip() == str(tmp_path / "home" / "personas")
    (tmp_path / "personas").mkdir()
    assert run("personas", "path").stdout.strip() == str(tmp_path / "personas")


@pytest.mark.parametrize("args", [
    ["personas"], ["personas", "new"], ["personas", "list"], ["personas", "show"],
    ["personas", "path"], ["finetune"], ["eval"],
])
def test_help(args):
    out = run(*args, "--help").output
    assert "Usage:" in out
    if args == ["finetune"]:
        assert "CC-BY-NC-SA 4.0" in out and "--resume" in out and "--dry-run" in out


def test_new_with_the_real_parse_pipeline(tmp_path):
    """Integration with `k2d parse` on a synthetic export (skipped until renderers exist)."""
    synthetic = pytest.importorskip("kakao2dataset.synthetic")
    variants = synthetic.variants()
    if not variants:
        pytest.skip("no synthetic export renderers registered yet")
    conv = synthetic.generate_conversation(seed=3, n_messages=300)
    rendered = synthetic.render(conv, variants[0])
    export = tmp_path / rendered.filename
    export.write_bytes(rendered.data)
    root = tmp_path / "personas"
    run("personas", "new", "friend", "--from", str(export), "--speaker", conv.speakers[1],
        "--personas-dir", str(root))
    records = (root / "friend" / "data" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
    assert records and {"turns", "session", "split"} <= set(json.loads(records[0]))


def test_finetune_parses_exports_on_demand(tmp_path, fake_parse, tiny_gpt2_base):
    """A yaml with `data.exports` + `speaker` and no pairs: parsed once into <slug>/data/."""
    root = tmp_path / "p"
    root.mkdir()
    (tmp_path / "chat.txt").write_text("synthetic", encoding="utf-8")
    (root / "pal.yaml").write_text(yaml.safe_dump({
        "base": str(tiny_gpt2_base),
        "data": {"exports": ["../chat.txt"], "speaker": "냥이"},
    }, allow_unicode=True), encoding="utf-8")
    for _ in range(2):
        run("finetune", "--persona", "pal", "--personas-dir", str(root), "--dry-run")
    assert len(fake_parse) == 1 and fake_parse[0][1] == root / "pal" / "data"
    assert (root / "pal" / "data" / "pairs.jsonl").exists()


def test_model_card_states_the_default_base_licence():
    from finetune.adapter import model_card

    meta = {"base": {"source": "skt/kogpt2-base-v2", "path": "/x", "vocab_size": 51200},
            "persona": {"slug": "a", "display_name": "A"}, "speaker_tokens": {"end_of_turn": "<eot>"},
            "generation": {"temperature": 0.8, "top_p": 0.9, "max_new_tokens": 64},
            "data": {"train": {"pairs": 3, "loss_tokens": 10}}, "eval": {}}
    card = model_card(meta)
    assert "CC-BY-NC-SA 4.0" in card and "non-commercial" in card
    meta["base"]["source"] = "someone/other-model"
    assert "Check its licence" in model_card(meta)


def _group_export(tmp_path):
    from dataclasses import replace

    from kakao2dataset.synthetic import render
    from kakao2dataset.synthetic.conversation import generate_persona_chat

    conv = generate_persona_chat(seed=2, sessions=12)
    extra = [replace(m, speaker="박서준") for m in conv.messages[::7]]
    group = conv.with_messages(sorted(conv.messages + tuple(extra), key=lambda m: m.timestamp))
    path = tmp_path / "group.txt"
    path.write_bytes(render(group, "K1").data)
    return path


def test_new_from_a_group_export_takes_the_parse_flags(tmp_path):
    """The group-chat hint names --speakers, and `personas new` accepts it (issue #13 item 1)."""
    export, root = _group_export(tmp_path), tmp_path / "personas"
    hint = run("personas", "new", "team", "--from", str(export), "--persona-speaker", "김민지",
               "--personas-dir", str(root), code=1).output
    assert "--speakers" in hint and not (root / "team.yaml").exists()
    result = run("personas", "new", "team", "--from", str(export), "--speakers", "이준호,김민지",
                 "--persona-speaker", "김민지", "--merge-gap", "5", "--personas-dir", str(root))
    assert result.output.count("Note: a persona learns the OTHER") == 1
    assert result.output.count("Conversations: ") == 1 and result.output.count("Anonymized: ") == 1
    manifest = json.loads((root / "team" / "data" / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["messages_dropped"]["other_speaker"] > 0
    assert load_config(root / "team.yaml").data.pairs == ["team/data/conversations.jsonl"]


def test_new_from_a_parse_output_folder_copies_it_without_parsing_again(tmp_path):
    export, root = _group_export(tmp_path), tmp_path / "personas"
    data = tmp_path / "data" / "team"
    run("parse", str(export), "--speakers", "이준호,김민지", "--persona-speaker", "김민지",
        "-o", str(data), "-q")
    result = run("personas", "new", "team", "--from", str(data), "--personas-dir", str(root))
    assert "Note: a persona learns" not in result.output  # told once, by `k2d parse`
    assert result.output.count("Conversations: ") == 1
    copied = root / "team" / "data"
    assert (copied / "conversations.jsonl").read_bytes() == (data / "conversations.jsonl").read_bytes()
    assert (copied / "manifest.json").read_bytes() == (data / "manifest.json").read_bytes()
    cfg = load_config(root / "team.yaml")
    assert cfg.data.pairs == ["team/data/conversations.jsonl"] and cfg.data.exports == []
    bad = run("personas", "new", "other", "--from", str(data), "--merge-gap", "3",
              "--personas-dir", str(root), code=2).output
    assert "already parsed" in bad and "--merge-gap" in bad


def test_new_dry_run_and_json_write_nothing(tmp_path):
    export, root = _group_export(tmp_path), tmp_path / "personas"
    out = run("personas", "new", "team", "--from", str(export), "--speakers", "이준호,김민지",
              "--persona-speaker", "김민지", "--dry-run", "--json", "--personas-dir", str(root))
    assert json.loads(out.stdout)["counts"]["pairs"] > 0 and not root.exists()


def test_speaker_is_a_deprecated_alias_of_persona_speaker(tmp_path, fake_parse):
    export = tmp_path / "chat.txt"
    export.write_text("synthetic", encoding="utf-8")
    result = run("personas", "new", "friend", "--from", str(export), "--speaker", "냥이",
                 "--personas-dir", str(tmp_path / "p"))
    assert "deprecated" in result.output and fake_parse[0][2] == "냥이"
    assert "--speaker " not in run("personas", "new", "--help").output
