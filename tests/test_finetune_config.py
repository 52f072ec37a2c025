"""Persona YAML → strict dataclasses: unknown keys and bad values name the file and the key."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from click.testing import CliRunner

from finetune.config import PersonaConfig, describe, from_dict, load_config
from finetune.run import Overrides
from kakao2dataset.cli import main
from kakao2dataset.errors import ConfigError


def write(path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_defaults_fill_in_and_known_keys_load(tmp_path):
    f = tmp_path / "friend.yaml"
    write(f, {"display_name": "친구", "data": {"pairs": ["a.jsonl"]}, "lora": {"r": 16}})
    cfg = load_config(f)
    assert cfg.lora.r == 16 and cfg.lora.alpha == 16  # given, default
    assert cfg.base == "skt/kogpt2-base-v2"
    assert cfg.display_name == "친구" and cfg.data.pairs == ["a.jsonl"]


@pytest.mark.parametrize("data, key", [
    ({"lora": {"rank": 8}}, "lora.rank"),
    ({"epochs": 3}, "epochs"),
    ({"train": {"learning_rate": 1e-4}}, "train.learning_rate"),
    ({"generation": {"temp": 0.5}}, "generation.temp"),
])
def test_unknown_key_names_file_and_key(tmp_path, data, key):
    f = tmp_path / "friend.yaml"
    write(f, data)
    with pytest.raises(ConfigError) as info:
        load_config(f)
    assert str(f) in str(info.value) and f"'{key}'" in str(info.value)


@pytest.mark.parametrize("data, key", [
    ({"lora": {"r": "eight"}}, "lora.r"),
    ({"train": {"batch_size": 2.5}}, "train.batch_size"),
    ({"data": {"pairs": "one.jsonl"}}, "data.pairs"),
    ({"train": {"gradient_checkpointing": "yes"}}, "train.gradient_checkpointing"),
])
def test_wrong_type_names_key(tmp_path, data, key):
    f = tmp_path / "p.yaml"
    write(f, data)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(f)


def test_bad_values_and_bad_yaml(tmp_path):
    f = tmp_path / "p.yaml"
    write(f, {"train": {"precision": "fp8"}})
    with pytest.raises(ConfigError, match="precision"):
        load_config(f)
    f.write_text("lora: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(f)


def test_yaml_exponent_without_dot_is_a_float(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("train:\n  lr: 2e-4\n", encoding="utf-8")  # YAML 1.1 reads this as a string
    assert load_config(f).train.lr == pytest.approx(2e-4)


def test_every_key_has_help():
    rows = describe()
    assert {"lora.r", "train.lr", "generation.top_p", "data.pairs", "base"} <= {r[0] for r in rows}
    assert all(help_text for _, _, help_text in rows)


def test_overrides_change_only_what_was_given():
    cfg = from_dict(PersonaConfig, {"train": {"lr": 1e-4, "batch_size": 4}}, "x.yaml")
    new = Overrides(max_steps=7, base="other/base").apply(cfg, "x.yaml")
    assert new.train.max_steps == 7 and new.base == "other/base"
    assert dataclasses.replace(new.train, max_steps=None) == cfg.train  # nothing else moved
    assert cfg.train.max_steps is None  # the loaded config is untouched


def test_cli_reports_unknown_key_as_one_line(tmp_path):
    write(tmp_path / "friend.yaml", {"lora": {"rnak": 8}})
    result = CliRunner().invoke(
        main, ["finetune", "--persona", "friend", "--personas-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "friend.yaml" in result.output and "'lora.rnak'" in result.output
    assert "Traceback" not in result.output


def test_example_persona_file_documents_the_defaults():
    """personas/example.yaml lists every key with its default: keep it in sync."""
    from pathlib import Path

    from finetune.config import to_dict

    path = Path(__file__).resolve().parents[1] / "personas" / "example.yaml"
    loaded = to_dict(load_config(path))
    expected = to_dict(PersonaConfig(display_name="Example"))
    expected["data"]["pairs"] = ["example/data/pairs.jsonl"]
    assert loaded == expected
