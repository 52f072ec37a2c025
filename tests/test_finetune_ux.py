"""What a user sees during `k2d finetune`: stage lines, progress in a terminal and in a log,
Ctrl-C that leaves a checkpoint and the exact command to continue, and a fast offline error."""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from model_fixtures import make_persona

from finetune.progress import Progress
from kakao2dataset.cli import main

ROOT = Path(__file__).resolve().parents[1]


def k2d(*args: str):
    return CliRunner().invoke(main, list(args))


def test_plain_progress_lines_when_not_a_terminal(capsys):
    progress = Progress(20, tty=False)
    for step in range(1, 21):
        progress.update(step, 1.5, 100.0, None)
    progress.close()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split()[1] for line in lines] == ["2/20", "4/20", "6/20", "8/20", "10/20",
                                                   "12/20", "14/20", "16/20", "18/20", "20/20"]
    assert "\r" not in "".join(lines) and all(" eta " in line for line in lines)


def test_terminal_progress_is_one_bar_with_eta(capsys):
    progress = Progress(4, tty=True)
    for step in range(1, 5):
        progress.update(step, 1.0, 10.0, 3.0)
    progress.close()
    err = capsys.readouterr().err
    assert err.count("\r") == 4 and err.endswith("\n")
    assert "[####################] step 4/4 (100%)" in err and "val_ppl 3.00" in err


@pytest.mark.slow
def test_finetune_shows_its_stages_and_save_every_writes_checkpoints(tmp_path, tiny_gpt2_base):
    import torch

    root = make_persona(tmp_path, "nyang", tiny_gpt2_base, max_steps=3, eval_every=3)
    result = k2d("finetune", "--persona", "nyang", "--personas-dir", str(root),
                 "--save-every", "2")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("preparing base") < out.index("evaluating base on 12 validation pairs") \
        < out.index("training 3 steps") < out.index("step 3/3 (100%)")
    saved = torch.load(root / "nyang" / "train" / "checkpoint.pt", weights_only=True)
    assert saved["train_state"]["step"] == 2
    quiet = k2d("finetune", "--persona", "nyang", "--personas-dir", str(root), "-q")
    assert quiet.exit_code == 0 and "evaluating base" not in quiet.output
    assert "preparing base" not in quiet.output and "step 3/3 (" not in quiet.output


def test_offline_hub_base_fails_at_once_naming_base_dir(tmp_path, tiny_gpt2_base, monkeypatch):
    root = make_persona(tmp_path, "nyang", tiny_gpt2_base)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.monotonic()
    result = k2d("finetune", "--persona", "nyang", "--personas-dir", str(root),
                 "--base", "example-org/not-downloaded-model")
    assert result.exit_code == 1
    assert time.monotonic() - started < 5
    message = result.output.strip()
    assert "\n" not in message and "--base DIR" in message and "k2d base tiny DIR" in message
    assert "HF_HUB_OFFLINE" in message


def test_no_network_is_probed_once_not_retried(tmp_path, tiny_gpt2_base, monkeypatch):
    from finetune import offline

    calls = []
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(offline, "reachable", lambda *a: calls.append(a) or False)
    root = make_persona(tmp_path, "nyang", tiny_gpt2_base)
    result = k2d("finetune", "--persona", "nyang", "--personas-dir", str(root),
                 "--base", "example-org/not-downloaded-model", "--dry-run")
    assert result.exit_code == 1 and "cannot be reached" in result.output
    assert "--base DIR" in result.output and len(calls) == 1
    missing_dir = k2d("finetune", "--persona", "nyang", "--personas-dir", str(root),
                      "--base", "./no/such/model")
    assert missing_dir.exit_code == 1 and "does not exist" in missing_dir.output
    assert len(calls) == 1  # a path is never looked up on the network


def _read_until(fd: int, pattern: str, deadline: float, seen: bytearray) -> bool:
    while time.monotonic() < deadline:
        if re.search(pattern, seen.decode("utf-8", "replace")):
            return True
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                return bool(re.search(pattern, seen.decode("utf-8", "replace")))
            if not chunk:
                return False
            seen += chunk
    return False


@pytest.mark.slow
def test_ctrl_c_in_a_terminal_saves_a_checkpoint_and_prints_the_resume_command(
        tmp_path, tiny_gpt2_base):
    """Drive `k2d finetune` on a real pseudo-terminal and press Ctrl-C (byte 0x03: the tty
    sends SIGINT to the foreground process, as when a user presses the keys)."""
    root = make_persona(tmp_path, "nyang", tiny_gpt2_base, max_steps=100_000, eval_every=1000)
    args = [sys.executable, "-m", "kakao2dataset", "finetune", "--persona", "nyang",
            "--personas-dir", str(root), "--lr", "0.001"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", COLUMNS="200")
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin/stdout/stderr are the terminal
        os.chdir(tmp_path)
        os.execve(args[0], args, env)
    seen = bytearray()
    try:
        assert _read_until(fd, r"\] step \d+/100000", time.monotonic() + 180, seen), seen.decode()
        os.write(fd, b"\x03")
        _read_until(fd, r"--resume", time.monotonic() + 60, seen)
        _read_until(fd, r"$^", time.monotonic() + 5, seen)  # drain until exit
        _, status = os.waitpid(pid, 0)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
    out = seen.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 130, out
    assert "stopping after this step" in out and "Aborted!" not in out
    step = int(re.search(r"stopped at step (\d+)/100000", out).group(1))
    command = re.search(r"continue with:\s*\n\s*(k2d .*--resume)", out).group(1).strip()
    assert shlex.split(command) == ["k2d", "finetune", "--persona", "nyang", "--personas-dir",
                                    str(root), "--lr", "0.001", "--resume"]
    assert (root / "nyang" / "train" / "checkpoint.pt").exists()
    # The printed command continues the run (stopped again two steps later for the test).
    resumed = k2d(*shlex.split(command)[1:], "--stop-after", str(step + 2), "--json")
    assert resumed.exit_code == 0, resumed.output
    assert f"training 100000 steps from step {step}" in resumed.output
    assert f"stopped at step {step + 2}/100000" in resumed.output


def test_base_tiny_builds_a_loadable_local_base(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path / "tiny"
    result = k2d("base", "tiny", str(out), "--pretrain-steps", "2", "--arch", "llama")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out) and f"--base {out}" in result.output
    model = AutoModelForCausalLM.from_pretrained(out)
    assert model.config.model_type == "llama" and len(AutoTokenizer.from_pretrained(out)) > 256
    again = k2d("base", "tiny", str(out))
    assert again.exit_code == 1 and "--force" in again.output
