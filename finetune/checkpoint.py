"""Resumable training state: one ``<work_dir>/checkpoint.pt``, replaced atomically.

It holds the LoRA weights, optimizer / scheduler / grad-scaler state, the RNG state (LoRA dropout)
and the early-stopping bookkeeping, so ``--resume`` continues bit-for-bit where the run stopped:
the data order is a pure function of ``(seed, epoch)`` and is replayed by skipping batches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kakao2dataset.errors import K2DError

NAME = "checkpoint.pt"


def lora_state(model) -> dict:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def load_lora_state(model, state: dict) -> None:
    import torch

    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in state.items():
            params[name].copy_(value)


@dataclass
class TrainState:
    step: int = 0
    base_loss: float | None = None
    best_loss: float | None = None
    best_step: int | None = None
    bad_evals: int = 0
    best_lora: dict = field(default_factory=dict, repr=False)

    def observe(self, step: int, loss: float, model) -> None:
        """Record an evaluation: keep a copy of the best LoRA weights (early stopping)."""
        if step == 0:
            self.base_loss = loss
        if self.best_loss is None or loss < self.best_loss:
            self.best_loss, self.best_step, self.bad_evals = loss, step, 0
            self.best_lora = lora_state(model)
        else:
            self.bad_evals += 1

    def restore_best(self, model) -> None:
        if self.best_lora:
            load_lora_state(model, self.best_lora)


def reset(work_dir: Path) -> None:
    """A fresh run: forget any earlier checkpoint and metrics."""
    work_dir.mkdir(parents=True, exist_ok=True)
    for name in (NAME, "metrics.jsonl"):
        (work_dir / name).unlink(missing_ok=True)


def save(work_dir: Path, state: TrainState, model, optimizer, scheduler, scaler,
         plan: dict) -> None:
    import torch

    payload = {
        "plan": plan,
        "train_state": {k: getattr(state, k) for k in
                        ("step", "base_loss", "best_loss", "best_step", "bad_evals")},
        "best_lora": state.best_lora,
        "lora": lora_state(model),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict(),
        "rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }
    tmp = work_dir / (NAME + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, work_dir / NAME)


def load(work_dir: Path, model, optimizer, scheduler, scaler, plan: dict) -> TrainState:
    import torch

    path = work_dir / NAME
    if not path.exists():
        raise K2DError("no checkpoint to resume from (train without --resume)", path=str(path))
    payload = torch.load(path, map_location="cpu", weights_only=True)
    if payload["plan"] != plan:
        raise K2DError(f"the checkpoint was made with {payload['plan']}, this run has {plan}; "
                       "resume with the same settings or train without --resume", path=str(path))
    load_lora_state(model, payload["lora"])
    optimizer.load_state_dict(payload["optimizer"])
    scheduler.load_state_dict(payload["scheduler"])
    scaler.load_state_dict(payload["scaler"])
    torch.set_rng_state(payload["rng"])
    if payload["cuda_rng"]:
        torch.cuda.set_rng_state_all(payload["cuda_rng"])
    state = TrainState(**payload["train_state"])
    state.best_lora = payload["best_lora"]
    _truncate_metrics(work_dir / "metrics.jsonl", state.step)
    return state


def _truncate_metrics(path: Path, step: int) -> None:
    """Drop log lines of steps after the checkpoint: the resumed run writes them again."""
    import json

    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if json.loads(x)["step"] <= step),
                        encoding="utf-8")
