"""The LoRA training loop: data → model → optimizer → loop → save. Read it top to bottom.

One process, one device (a GPU when there is one, else the CPU): a persona's chat log is small
enough that this is the normal case. Multi-GPU is not wired in: ``accelerate launch`` on this
loop would start N independent copies (same data, same result), not data parallelism. To use
several GPUs, wrap it with 🤗 Accelerate — ``accelerator = Accelerator()``,
``model, optimizer = accelerator.prepare(model, optimizer)``, ``accelerator.backward(loss)``,
and give each rank every N-th batch of :func:`micro_batches` — then run it with
``accelerate launch --num_processes N``. k2d ships no launcher.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from finetune import checkpoint as ckpt
from finetune.config import LoraSettings, TrainSettings
from finetune.data import Example, batch_order, collate
from finetune.progress import Progress, StopRequest


@dataclass
class TrainResult:
    steps: int = 0
    stopped_early: bool = False
    best_step: int | None = None
    base_eval_loss: float | None = None  # step 0: LoRA B = 0, so this is the base zero-shot
    best_eval_loss: float | None = None
    train_tokens_per_s: float = 0.0
    interrupted: bool = False  # Ctrl-C: stopped at a step boundary, checkpoint saved

    def eval_summary(self) -> dict:
        def ppl(loss):
            return None if loss is None else math.exp(min(loss, 50.0))

        return {
            "base_val_loss": self.base_eval_loss, "base_val_ppl": ppl(self.base_eval_loss),
            "adapter_val_loss": self.best_eval_loss, "adapter_val_ppl": ppl(self.best_eval_loss),
            "best_step": self.best_step, "steps": self.steps, "stopped_early": self.stopped_early,
        }


def lora_targets(model) -> tuple[list[str], bool]:
    """Names of the linear layers inside the transformer blocks, found in the model (not
    hard-coded), and whether they are GPT-2 style ``Conv1D`` (→ ``fan_in_fan_out=True``)."""
    import torch
    from transformers.pytorch_utils import Conv1D

    skip = {id(model.get_output_embeddings())}
    names, conv1d = set(), False
    for name, module in model.named_modules():
        if id(module) in skip or not isinstance(module, torch.nn.Linear | Conv1D):
            continue
        names.add(name.rsplit(".", 1)[-1])
        conv1d = conv1d or isinstance(module, Conv1D)
    return sorted(names), conv1d


def add_lora(model, settings: LoraSettings, seed: int):
    """Freeze the base and wrap it with LoRA adapters on the linear layers only."""
    import torch
    from peft import LoraConfig, get_peft_model

    targets, conv1d = lora_targets(model)
    if settings.target_modules != "auto":
        targets = list(settings.target_modules)
    config = LoraConfig(r=settings.r, lora_alpha=settings.alpha, lora_dropout=settings.dropout,
                        target_modules=targets, fan_in_fan_out=conv1d, task_type="CAUSAL_LM")
    torch.manual_seed(seed)  # LoRA A init
    with warnings.catch_warnings():  # peft 0.21 reads a property transformers 5 deprecated
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing")
        return get_peft_model(model, config)


def lr_factor(step: int, total: int, warmup: float) -> float:
    """Linear warm-up then cosine decay to 10 % of the peak."""
    warm = int(warmup * total) if warmup < 1 else int(warmup)
    if step < warm:
        return (step + 1) / warm
    progress = (step - warm) / max(1, total - warm)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def resolve_precision(precision: str, device: str):
    """→ (autocast dtype or None, use a GradScaler). fp32 on CPU unless asked otherwise."""
    import torch

    if precision == "auto":
        if device != "cuda":
            return None, False
        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return {"fp32": (None, False), "bf16": (torch.bfloat16, False),
            "fp16": (torch.float16, True)}[precision]


def autocast(device: str, dtype):
    import torch

    return torch.autocast(device, dtype=dtype) if dtype else contextlib.nullcontext()


def loss_sum(model, batch: dict, device: str, dtype):
    """Summed next-token NLL over the positions whose next token carries a label (persona
    turns + their closing <eot>), the same code for training and validation, every method.

    The output head (vocab x hidden: with GPT-2's 50k vocab about a third of a step) and the
    cross-entropy run only at those positions: a boolean ``logits_to_keep`` mask (transformers
    5) makes the model's own forward pick the hidden states there, row by row, before its head,
    so whatever the model does after the head (Gemma's logit soft-capping) still applies and a
    LoRA on the head (if one is asked for) still runs. Same loss as the full forward: only the
    positions the cross-entropy ignores are skipped (``test_finetune_loss.py``).
    """
    import torch
    import torch.nn.functional as F

    batch = {k: v.to(device) for k, v in batch.items()}
    labels = batch["labels"]
    keep = torch.zeros_like(labels, dtype=torch.bool)
    keep[:, :-1] = labels[:, 1:] != -100
    with autocast(device, dtype):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       logits_to_keep=keep).logits  # (loss positions, vocab)
    return F.cross_entropy(logits.float(), labels[:, 1:][keep[:, :-1]], reduction="sum")


def eval_loss(model, examples: list[Example], pad_id: int, batch_size: int, device: str,
              dtype=None) -> float:
    """Token-weighted mean NLL over response tokens (``exp`` of it = perplexity)."""
    import torch

    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            batch = collate([examples[i] for i in order[start : start + batch_size]], pad_id)
            total += loss_sum(model, batch, device, dtype).item()
            count += int((batch["labels"][:, 1:] != -100).sum())
    model.train(was_training)
    return total / max(count, 1)


def micro_batches(lengths: list[int], batch_size: int, seed: int, skip: int):
    """Endless stream of index batches over epochs, skipping the first ``skip`` (resume)."""
    epoch, seen = 0, 0
    while True:
        for batch in batch_order(lengths, batch_size, seed, epoch):
            if seen >= skip:
                yield batch
            seen += 1
        epoch += 1


def total_steps(s: TrainSettings, n_train: int) -> int:
    if s.max_steps:
        return s.max_steps
    per_epoch = math.ceil(n_train / s.batch_size)
    return max(1, math.ceil(s.epochs * per_epoch / s.grad_accum))


def train(model, train_set: list[Example], val_set: list[Example], pad_id: int,
          s: TrainSettings, work_dir: Path, *, resume: bool = False,
          stop_after: int | None = None, quiet: bool = False,
          stop_request: StopRequest | None = None) -> TrainResult:
    """Train the LoRA weights of ``model`` (a PeftModel) in place; leaves the best weights in
    it. Checkpoints and ``metrics.jsonl`` go to ``work_dir``. ``stop_request`` (a Ctrl-C
    handler the caller installed) ends the run at a step boundary with a checkpoint."""
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype, use_scaler = resolve_precision(s.precision, device)
    model.to(device).train()
    if s.gradient_checkpointing:
        # Recompute block activations in backward; non-reentrant works with frozen inputs.
        model.activation_checkpointing_enable({"use_reentrant": False})
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=s.lr, weight_decay=s.weight_decay)
    steps = total_steps(s, len(train_set))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: lr_factor(i, steps, s.warmup))
    scaler = torch.amp.GradScaler(device, enabled=use_scaler)
    torch.manual_seed(s.seed)  # dropout stream

    res, state = TrainResult(), ckpt.TrainState()
    # What must match for a resumed run to continue the same run.
    plan = {"steps": steps, "batch_size": s.batch_size, "grad_accum": s.grad_accum,
            "seed": s.seed, "lr": s.lr, "train_pairs": len(train_set)}
    if resume:
        state = ckpt.load(work_dir, model, optimizer, scheduler, scaler, plan)
    else:
        ckpt.reset(work_dir)
    log = (work_dir / "metrics.jsonl").open("a", encoding="utf-8")
    stream = micro_batches([len(e.ids) for e in train_set], s.batch_size, s.seed,
                           skip=state.step * s.grad_accum)
    progress = Progress(steps, start=state.step, quiet=quiet)
    val_ppl, started, tokens = None, time.perf_counter(), 0
    stop_request = stop_request or StopRequest()

    def evaluate(step: int) -> bool:
        """Eval on the validation split; keep the best LoRA weights; True = stop early."""
        nonlocal val_ppl
        if not val_set:
            return False
        loss = eval_loss(model, val_set, pad_id, s.batch_size, device, dtype)
        val_ppl = math.exp(min(loss, 50.0))
        state.observe(step, loss, model)
        log.write(json.dumps({"step": step, "eval_loss": loss, "eval_ppl": val_ppl}) + "\n")
        return bool(s.early_stopping_patience and state.bad_evals >= s.early_stopping_patience)

    if state.step == 0:
        if val_set:
            progress.stage(f"evaluating base on {len(val_set)} validation pairs ...")
        evaluate(0)
    progress.stage(f"training {steps} steps" + (f" from step {state.step}" if state.step else ""))
    while state.step < steps:
        if stop_request.asked:  # Ctrl-C: a checkpoint at this step boundary
            res.interrupted = True
            ckpt.save(work_dir, state, model, optimizer, scheduler, scaler, plan)
            break
        # One optimizer step = grad_accum micro-batches; the loss is normalized by the number
        # of response tokens in the whole step, so every token weighs the same.
        batches = [collate([train_set[i] for i in next(stream)], pad_id)
                   for _ in range(s.grad_accum)]
        n_loss = sum(int((b["labels"][:, 1:] != -100).sum()) for b in batches)
        step_loss = 0.0
        for batch in batches:
            loss = loss_sum(model, batch, device, dtype) / max(n_loss, 1)
            scaler.scale(loss).backward()
            step_loss += loss.item()
            tokens += int(batch["attention_mask"].sum())
        scaler.unscale_(optimizer)
        if s.grad_clip:
            torch.nn.utils.clip_grad_norm_(params, s.grad_clip)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        scheduler.step()
        state.step += 1
        elapsed = time.perf_counter() - started
        tok_s = tokens / elapsed
        log.write(json.dumps({"step": state.step, "loss": step_loss, "lr": scheduler.get_last_lr()[0],
                              "loss_tokens": n_loss, "tokens_per_s": tok_s,
                              "elapsed_s": elapsed}) + "\n")
        progress.update(state.step, step_loss, tok_s, val_ppl)
        stop = (state.step % s.eval_every == 0 or state.step == steps) and evaluate(state.step)
        if stop:
            res.stopped_early = True
        if stop or (s.save_every and state.step % s.save_every == 0) or state.step == stop_after:
            ckpt.save(work_dir, state, model, optimizer, scheduler, scaler, plan)
        if stop or state.step == stop_after:
            break
    progress.close()
    log.close()
    state.restore_best(model)
    res.steps, res.best_step = state.step, state.best_step
    res.base_eval_loss, res.best_eval_loss = state.base_loss, state.best_loss
    res.train_tokens_per_s = tokens / max(time.perf_counter() - started, 1e-9)
    return res
