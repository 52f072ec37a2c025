"""Training end to end through the CLI on tiny GPT-2 and Llama bases (seconds, offline)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch
from click.testing import CliRunner
from model_fixtures import make_persona
from safetensors.torch import load_file

from finetune.adapter import EXPECTED_FILES, load_for_inference
from kakao2dataset.cli import main
from kakao2dataset.speakers import render_prompt

pytestmark = pytest.mark.slow


def k2d(*args: str) -> dict | str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(result.stdout) if "--json" in args else result.output


@pytest.fixture(scope="module", params=["gpt2", "llama"])
def trained(request, tmp_path_factory, tiny_gpt2_base, tiny_llama_base):
    """Persona 'nyang' (yaml says the GPT-2 base) trained with `--base` picking the arch."""
    root = make_persona(tmp_path_factory.mktemp(request.param), "nyang", tiny_gpt2_base,
                        lr=1e-2)
    base = tiny_gpt2_base if request.param == "gpt2" else tiny_llama_base
    meta = k2d("finetune", "--persona", "nyang", "--personas-dir", str(root), "--base",
               str(base), "--json")
    return root, meta


def test_validation_loss_drops_on_a_distinctive_style(trained):
    _, meta = trained
    ev = meta["eval"]
    assert ev["adapter_val_loss"] < 0.8 * ev["base_val_loss"], ev
    assert ev["best_step"] > 0 and ev["steps"] > 0


def test_adapter_dir_has_exactly_the_expected_files(trained):
    root, meta = trained
    adapter = root / "nyang" / "adapter"
    assert {p.name for p in adapter.iterdir()} == EXPECTED_FILES
    weights = load_file(adapter / "adapter_model.safetensors")
    assert weights and all(".lora_A." in k or ".lora_B." in k for k in weights)  # LoRA only
    assert (adapter / "adapter_model.safetensors").stat().st_size < 200_000  # no base copy
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == meta["base"]["path"]
    assert config["base_model_name_or_path"].startswith("bases/")  # relative: a movable folder
    assert (root / config["base_model_name_or_path"] / "config.json").is_file()
    assert (root / "bases").is_dir() and list((root / "nyang").iterdir())
    assert not list(adapter.parent.parent.glob(".adapter.*"))  # no temp dir left behind


def test_k2d_json_and_model_card(trained):
    root, meta = trained
    adapter = root / "nyang" / "adapter"
    assert json.loads((adapter / "k2d.json").read_text(encoding="utf-8")) == meta
    assert {"format_version", "persona", "speaker_tokens", "speaker_token_ids", "base", "lora",
            "train", "generation", "data", "eval"} <= set(meta)
    assert meta["persona"] == {"slug": "nyang", "display_name": "Nyang"}
    assert meta["data"]["train"]["pairs"] == 48 and meta["data"]["validation"]["pairs"] == 12
    card = (adapter / "README.md").read_text(encoding="utf-8")
    assert "Licence" in card and "Nyang" in card
    st = meta["data"]["train"]
    assert f"Trained on {st['persona_turns']} persona turns from {st['conversations']} " \
        "conversations" in card and st["persona_turns"] == 48  # one reply per format-1 pair
    assert "냥" not in card and "밥" not in card  # no chat text in the card


def test_plain_transformers_peft_script_gets_identical_logits(trained, tmp_path):
    """An app with only transformers + peft (nothing of ours) loads base + adapter."""
    root, _ = trained
    adapter = root / "nyang" / "adapter"
    script = tmp_path / "app.py"
    script.write_text(textwrap.dedent("""
        import json, os, sys, torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from peft import PeftModel
        adapter, out = sys.argv[1], sys.argv[2]
        cfg = json.load(open(adapter + "/adapter_config.json"))
        root = os.path.dirname(os.path.dirname(os.path.abspath(adapter)))  # the personas dir
        base = AutoModelForCausalLM.from_pretrained(
            os.path.join(root, cfg["base_model_name_or_path"]), dtype=torch.float32)
        model = PeftModel.from_pretrained(base, adapter).eval()
        tok = AutoTokenizer.from_pretrained(adapter)
        enc = tok.apply_chat_template([{"role": "user", "content": "밥 먹었어?"}],
                                      add_generation_prompt=True, return_dict=True,
                                      return_tensors="pt")
        with torch.no_grad():
            logits = model(input_ids=enc["input_ids"]).logits
        assert not any(m.split(".")[0] in ("finetune", "kakao2dataset") for m in sys.modules)
        torch.save({"ids": enc["input_ids"], "logits": logits}, out)
    """), encoding="utf-8")
    out = tmp_path / "out.pt"
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    subprocess.run([sys.executable, "-I", str(script), str(adapter), str(out)], check=True,
                   cwd=tmp_path, env=env, capture_output=True, timeout=120)
    theirs = torch.load(out)
    model, tok, _ = load_for_inference(adapter)
    ids = tok.encode(render_prompt([("user", "밥 먹었어?")]), add_special_tokens=False)
    assert theirs["ids"][0].tolist() == ids
    with torch.no_grad():
        ours = model(input_ids=torch.tensor([ids])).logits
    assert torch.equal(ours, theirs["logits"])
    with model.disable_adapter(), torch.no_grad():
        assert not torch.equal(model(input_ids=torch.tensor([ids])).logits, ours)


def test_eval_compares_base_few_shot_and_adapter(trained):
    root, meta = trained
    report = k2d("eval", "--persona", "nyang", "--personas-dir", str(root), "--json")
    rows = {r["setting"]: r for r in report["rows"]}
    assert set(rows) == {"base zero-shot", "base 3-shot", "adapter"}
    assert rows["adapter"]["ppl"] < rows["base zero-shot"]["ppl"]
    assert rows["adapter"]["loss"] == pytest.approx(meta["eval"]["adapter_val_loss"], rel=1e-4)
    assert rows["base zero-shot"]["loss"] == pytest.approx(meta["eval"]["base_val_loss"], rel=1e-4)
    table = k2d("eval", "--persona", "nyang", "--personas-dir", str(root))
    assert "| adapter |" in table


def test_personas_list_and_show_see_the_trained_adapter(trained):
    root, _ = trained
    listing = k2d("personas", "list", "--personas-dir", str(root), "--json")
    assert [p["slug"] for p in listing["personas"]] == ["nyang"]
    assert listing["personas"][0]["trained"] is True
    shown = k2d("personas", "show", "nyang", "--personas-dir", str(root), "--json")
    assert shown["eval"]["adapter_val_ppl"] is not None


def test_resume_gives_the_same_adapter_as_an_uninterrupted_run(tmp_path, tiny_gpt2_base):
    settings = dict(max_steps=8, eval_every=2, batch_size=4, grad_accum=2)
    lora_dropout = {"lora": {"dropout": 0.1}}  # resume must restore the dropout RNG too
    straight = make_persona(tmp_path / "a", "nyang", tiny_gpt2_base, **settings)
    resumed = make_persona(tmp_path / "b", "nyang", tiny_gpt2_base, **settings)
    for root in (straight, resumed):
        _set_dropout(root / "nyang.yaml", lora_dropout)
    k2d("finetune", "--persona", "nyang", "--personas-dir", str(straight))
    out = k2d("finetune", "--persona", "nyang", "--personas-dir", str(resumed), "--stop-after", "3")
    assert not (resumed / "nyang" / "adapter").exists()
    assert (resumed / "nyang" / "train" / "checkpoint.pt").exists()
    changed = CliRunner().invoke(main, ["finetune", "--persona", "nyang", "--personas-dir",
                                        str(resumed), "--resume", "--max-steps", "9"])
    assert changed.exit_code == 1 and "resume with the same settings" in changed.output
    with (resumed / "nyang" / "train" / "metrics.jsonl").open("a") as log:  # died after step 3
        log.write(json.dumps({"step": 4, "loss": 1.0}) + "\n")
    k2d("finetune", "--persona", "nyang", "--personas-dir", str(resumed), "--resume")
    a = load_file(straight / "nyang" / "adapter" / "adapter_model.safetensors")
    b = load_file(resumed / "nyang" / "adapter" / "adapter_model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    ma = json.loads((straight / "nyang" / "adapter" / "k2d.json").read_text())
    mb = json.loads((resumed / "nyang" / "adapter" / "k2d.json").read_text())
    assert ma["eval"] == mb["eval"]
    steps = [json.loads(x)["step"] for x in
             (resumed / "nyang" / "train" / "metrics.jsonl").read_text().splitlines()
             if "loss" in json.loads(x)]
    assert steps == list(range(1, 9)) and "resume" in out


def _set_dropout(path, patch) -> None:
    import yaml

    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    cfg["lora"].update(patch["lora"])
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")


def test_dry_run_shows_counts_mask_and_plan_and_writes_nothing(synthetic_persona_dir):
    root = synthetic_persona_dir
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    out = k2d("finetune", "--persona", "nyang", "--personas-dir", str(root), "--dry-run",
              "--max-steps", "5")
    # format-1 pairs: one short conversation each, so one sequence each
    assert "train        48 sequences from 48 conversations, 48 persona turns" in out
    assert "validation   12 sequences, 12 persona turns" in out
    assert "<usr>" in out and "<sys>[[" in out and "<eot>]]" in out  # loss span = reply + <eot>
    assert "ids trained (persona turns + <eot>)" in out and "5 steps" in out
    assert "fan_in_fan_out=True" in out and "c_attn" in out
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_output_flag_writes_the_adapter_elsewhere(tmp_path, tiny_gpt2_base):
    root = make_persona(tmp_path / "p", "nyang", tiny_gpt2_base, max_steps=2)
    out = tmp_path / "elsewhere"
    k2d("finetune", "--persona", "nyang", "--personas-dir", str(root), "--output", str(out))
    assert {p.name for p in out.iterdir()} == EXPECTED_FILES
    assert not (root / "nyang" / "adapter").exists()
