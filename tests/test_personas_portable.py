"""A personas folder is movable: adapters name their prepared base relative to it, and
`personas list/show` report the base an adapter was really trained on."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

pytest.importorskip("torch")
pytest.importorskip("peft")

from test_bank_fixtures import make_personas  # noqa: E402

from finetune.bank import PersonaBank  # noqa: E402
from finetune.paths import portable_base, resolve_base  # noqa: E402
from kakao2dataset.cli import main  # noqa: E402


def k2d(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def test_portable_base_is_relative_inside_the_personas_dir_and_absolute_outside(tmp_path):
    adapter = tmp_path / "personas" / "friend" / "adapter"
    inside = tmp_path / "personas" / "bases" / "tiny-1234"
    assert portable_base(adapter, inside) == "bases/tiny-1234"
    assert resolve_base(adapter, "bases/tiny-1234") == str(tmp_path / "personas" / "bases" / "tiny-1234")
    outside = tmp_path / "elsewhere" / "base"
    assert portable_base(adapter, outside) == str(outside)
    assert resolve_base(adapter, str(outside)) == str(outside)
    # an adapter dir copied out of its personas folder falls back to where the base was
    copied = tmp_path / "app" / "models" / "friend-adapter"
    assert resolve_base(copied, "bases/tiny-1234", trained_path=str(inside)) == str(inside)
    inside.mkdir(parents=True)
    assert resolve_base(adapter, "bases/tiny-1234", trained_path="/gone") == str(inside)


def test_a_moved_personas_folder_keeps_every_persona_working(tmp_path):
    old = make_personas(tmp_path / "old" / "personas", slugs=("friend", "mom"))
    for slug in ("friend", "mom"):
        config = json.loads((old / slug / "adapter" / "adapter_config.json").read_text())
        meta = json.loads((old / slug / "adapter" / "k2d.json").read_text())
        assert config["base_model_name_or_path"] == meta["base"]["path"]
        assert config["base_model_name_or_path"].startswith("bases/")
    before = PersonaBank.from_personas_dir(old).reply("friend", [("user", "hi")],
                                                      temperature=0.0, max_new_tokens=6).text
    new = tmp_path / "moved" / "personas"
    new.parent.mkdir()
    shutil.move(str(old), str(new))
    bank = PersonaBank.from_personas_dir(new)
    assert sorted(bank.personas) == ["friend", "mom"]
    assert bank.reply("friend", [("user", "hi")], temperature=0.0, max_new_tokens=6).text == before
    chat = CliRunner().invoke(main, ["chat", "--persona", "mom", "--personas-dir", str(new),
                                     "--temperature", "0"], input="hi\n")
    assert chat.exit_code == 0, chat.output


def test_list_and_show_report_the_base_the_adapter_was_trained_on(tmp_path):
    root = make_personas(tmp_path / "personas", slugs=("friend",))
    trained_on = json.loads((root / "friend" / "adapter" / "k2d.json").read_text())["base"]
    persona_yaml = root / "friend.yaml"
    cfg = yaml.safe_load(persona_yaml.read_text()) if persona_yaml.exists() else {}
    cfg["base"] = "example-org/some-other-base"
    persona_yaml.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    rows = json.loads(k2d("personas", "list", "--personas-dir", root, "--json").stdout)
    row = rows["personas"][0]
    assert row["base"] == trained_on["source"] and row["config_base"] == "example-org/some-other-base"
    assert "yaml now says example-org/some-other-base" in k2d(
        "personas", "list", "--personas-dir", root).stdout
    shown = json.loads(k2d("personas", "show", "friend", "--personas-dir", root, "--json").stdout)
    assert shown["adapter_base"]["source"] == trained_on["source"]
    assert shown["adapter_base"]["path"] == str(root / trained_on["path"])
    assert "# trained on base: " + trained_on["source"] in k2d(
        "personas", "show", "friend", "--personas-dir", root).stdout
