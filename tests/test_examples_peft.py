"""Other apps: the peft-only example runs on a tiny adapter, and adapters are vLLM-shaped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("peft")

from test_bank_fixtures import make_personas  # noqa: E402

from finetune.bank import PersonaBank  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "use_persona_with_peft.py"
# What the example may import; anything of ours would mean apps need k2d installed.
RUNNER = """
import runpy, sys
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
ours = sorted(m for m in sys.modules if m.split(".")[0] in {"finetune", "kakao2dataset"})
assert not ours, ours
"""
# Module names vLLM's LoRA support declares for Llama-style models.
VLLM_LLAMA_MODULES = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                      "down_proj", "qkv_proj", "gate_up_proj"}


@pytest.fixture(scope="module", params=["gpt2", "llama"])
def personas_dir(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"ex-{request.param}") / "personas"
    return make_personas(root, slugs=("friend",), arch=request.param)


def test_example_runs_with_only_transformers_and_peft(personas_dir, tmp_path):
    adapter = personas_dir / "friend" / "adapter"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(EXAMPLE), str(adapter), "밥 먹었어?", "--greedy",
         "--max-new-tokens", "8"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    bank = PersonaBank.from_personas_dir(personas_dir)
    guarded = bank.reply("friend", [("user", "밥 먹었어?")], temperature=0.0, max_new_tokens=8)
    assert "\ufffd" not in guarded.text
    # The example decodes plainly; without its UTF-8 guard the bank picks the same tokens.
    bank.utf8 = None
    expected = bank.reply("friend", [("user", "밥 먹었어?")], temperature=0.0, max_new_tokens=8)
    assert proc.stdout.strip() == expected.text


def test_adapter_files_are_the_lora_only_form_vllm_accepts(personas_dir):
    from safetensors import safe_open

    adapter = personas_dir / "friend" / "adapter"
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA"
    assert not config.get("modules_to_save")
    assert not config.get("trainable_token_indices")
    # relative to the personas dir (a movable folder); vLLM never reads it (it serves its base)
    assert (personas_dir / config["base_model_name_or_path"] / "config.json").is_file()
    with safe_open(adapter / "adapter_model.safetensors", "pt") as f:
        keys = list(f.keys())
    assert keys and all(k.endswith(("lora_A.weight", "lora_B.weight")) for k in keys), keys
    banned = ("embed", "wte", "lm_head", "modules_to_save", "trainable_tokens", "token_adapter")
    assert not [k for k in keys if any(b in k for b in banned)]
    assert not (adapter / "model.safetensors").exists()  # never a full model copy
    if "llama" in str(personas_dir):
        targets = set(config["target_modules"])
        assert targets <= VLLM_LLAMA_MODULES, targets
        assert config["r"] <= 16  # vLLM's default --max-lora-rank
