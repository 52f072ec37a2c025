"""Training throughput of `k2d finetune`'s loop vs a plain transformers `Trainer` + peft.

Same data, same LoRA (r=8 on every linear layer), same batch size and optimizer steps, two model
sizes: the tiny test base (``finetune.tiny``) and a GPT-2-base-sized model (124M, random
weights: throughput does not depend on the weights). Each measurement runs in a fresh
subprocess so peak memory is its own.

Throughput is reported per *useful* token: a response token that carries loss (context,
padding and the ``<sys>`` cue excluded), plus all non-padding tokens for reference. MFU (GPU
only) uses 6 x params x tokens per second (forward + backward over every non-pad token; LoRA
skips the base weight-gradient matmuls, so this slightly overstates the work) against the
GPU's dense bf16 peak.

    python benchmarks/bench_finetune.py                     # ~3-5 min on a 2-core CPU
    python benchmarks/bench_finetune.py --steps 20 --max-length 128 --models gpt2-124m
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODELS = ("tiny", "gpt2-124m")
RUNNERS = ("k2d", "hf-trainer")
PEAK_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0, "L4": 121.0}  # dense bf16


def make_pairs(n: int, seed: int = 0):
    """Synthetic pairs (1-4 context turns) with varied lengths, like chat logs."""
    from finetune.data import Pair
    from finetune.tiny import synthetic_lines

    rng = random.Random(seed)
    lines = synthetic_lines(4000, seed=seed)
    pairs = []
    for i in range(n):
        turns = [
            (rng.choice(["user", "persona"]), " ".join(rng.sample(lines, rng.randint(1, 3))))
            for _ in range(rng.randint(1, 4))
        ]
        turns[-1] = ("user", turns[-1][1])
        reply = " ".join(rng.sample(lines, rng.randint(1, 3))) + " 냥"
        pairs.append(Pair(turns, reply, "train", f"bench:{i}"))
    return pairs


def build(model_name: str, tmp: Path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GPT2Config

    from finetune.prepared_base import add_speaker_tokens
    from finetune.tiny import build_tiny_base
    from kakao2dataset.speakers import DEFAULT_TOKENS

    base = build_tiny_base(tmp / "tiny")
    tok = AutoTokenizer.from_pretrained(base)
    add_speaker_tokens(tok, DEFAULT_TOKENS)
    torch.manual_seed(0)
    if model_name == "tiny":
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
        model.resize_token_embeddings(len(tok), mean_resizing=False)
    else:  # GPT-2 base shape (124M), random weights
        model = AutoModelForCausalLM.from_config(GPT2Config(vocab_size=50257), dtype=torch.float32)
    return model, tok


def run_one(spec: dict) -> dict:
    import torch

    from finetune.config import LoraSettings, TrainSettings
    from finetune.data import collate, encode_all
    from finetune.trainer import add_lora, train
    from kakao2dataset.speakers import DEFAULT_TOKENS

    torch.set_num_threads(spec["threads"]) if spec["threads"] else None
    tmp = Path(tempfile.mkdtemp(prefix="bench-ft-"))
    model, tok = build(spec["model"], tmp)
    n_params = sum(p.numel() for p in model.parameters())
    train_set, _ = encode_all(make_pairs(spec["pairs"]), tok, DEFAULT_TOKENS, spec["max_length"])
    model = add_lora(model, LoraSettings(r=8, alpha=16, dropout=0.05), seed=0)
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    seen = []  # batches actually collated, to count tokens

    def counting_collate(examples):
        batch = collate(examples, tok.pad_token_id)
        seen.append(
            (
                int((batch["labels"][:, 1:] != -100).sum()),
                int(batch["attention_mask"].sum()),
                batch["input_ids"].numel(),
            )
        )
        return batch

    steps, bs = spec["steps"], spec["batch_size"]
    if spec["runner"] == "k2d":
        import finetune.trainer as trainer_mod

        trainer_mod.collate = lambda ex, pad: counting_collate(ex)
        settings = TrainSettings(
            max_steps=steps,
            batch_size=bs,
            lr=2e-4,
            eval_every=10**9,
            save_every=0,
            early_stopping_patience=None,
        )
        train(model, train_set, [], tok.pad_token_id, settings, tmp / "work")
        log = [json.loads(x) for x in (tmp / "work" / "metrics.jsonl").read_text().splitlines()]
        ends = [r["elapsed_s"] for r in log if "elapsed_s" in r]
    else:
        from transformers import Trainer, TrainerCallback, TrainingArguments

        ends, t0 = [], time.perf_counter()

        class StepTimes(TrainerCallback):
            def on_step_end(self, *a, **kw):
                ends.append(time.perf_counter() - t0)

        args = TrainingArguments(
            output_dir=str(tmp / "hf"),
            per_device_train_batch_size=bs,
            max_steps=steps,
            learning_rate=2e-4,
            warmup_steps=0.1,
            lr_scheduler_type="cosine",
            save_strategy="no",
            report_to=[],
            logging_strategy="no",
            use_cpu=not cuda,
            bf16=cuda,
            dataloader_num_workers=0,
            remove_unused_columns=False,
            disable_tqdm=True,
        )
        Trainer(
            model=model,
            args=args,
            train_dataset=train_set,
            data_collator=counting_collate,
            callbacks=[StepTimes()],
        ).train()
    # Steady state: from the end of step 1 to the end of the last step (start-up and the
    # first step's one-off costs excluded for both runners).
    elapsed = ends[steps - 1] - ends[0]
    seen = seen[1:steps]  # the HF dataloader may have fetched one batch ahead
    useful, nonpad, slots = (sum(x[i] for x in seen) for i in range(3))
    out = {
        "model": spec["model"],
        "runner": spec["runner"],
        "params": n_params,
        "steps": steps,
        "seconds": elapsed,
        "useful_tok_s": useful / elapsed,
        "nonpad_tok_s": nonpad / elapsed,
        "padding": 1 - nonpad / max(slots, 1),
        "useful_share": useful / max(nonpad, 1),
        "peak_mem_mb": (
            torch.cuda.max_memory_allocated() / 2**20
            if cuda
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ),
        "device": torch.cuda.get_device_name() if cuda else f"cpu x{torch.get_num_threads()}",
    }
    if cuda:
        peak = next((v for k, v in PEAK_TFLOPS.items() if k in out["device"]), None)
        if peak:
            out["mfu"] = 6 * n_params * out["nonpad_tok_s"] / (peak * 1e12)
    return out


def table(rows: list[dict]) -> str:
    lines = [
        "| model | runner | steps | useful tok/s | non-pad tok/s | padding | peak mem MB |"
        + (" MFU |" if any("mfu" in r for r in rows) else ""),
        "|---|---|---:|---:|---:|---:|---:|" + ("---:|" if any("mfu" in r for r in rows) else ""),
    ]
    for r in rows:
        mfu = f" {r['mfu']:.1%} |" if "mfu" in r else ""
        lines.append(
            f"| {r['model']} ({r['params'] / 1e6:.1f}M) | {r['runner']} | {r['steps']} "
            f"| {r['useful_tok_s']:,.0f} | {r['nonpad_tok_s']:,.0f} | {r['padding']:.0%} "
            f"| {r['peak_mem_mb']:,.0f} |{mfu}"
        )
    return "\n".join(lines)


def run_subprocess(spec: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"benchmark run failed: {spec}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--steps", type=int, default=None,
                        help="optimizer steps (default: tiny 40, gpt2-124m 6 on CPU / 50 on GPU)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--pairs", type=int, default=512)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per runner; the best is kept")
    parser.add_argument("--json", action="store_true", help="print rows as JSON too")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(json.loads(args.one))))
        return
    import torch

    gpu = torch.cuda.is_available()
    rows = []
    for model in args.models:
        steps = args.steps or (40 if model == "tiny" else (50 if gpu else 6))
        best: dict[str, dict] = {}
        # Runners alternate and the best of --repeat runs is kept: on a shared machine the
        # noise is other processes, which only ever make a run slower.
        for _ in range(args.repeat):
            for runner in RUNNERS:
                spec = dict(model=model, runner=runner, steps=steps, batch_size=args.batch_size,
                            max_length=args.max_length, pairs=args.pairs, threads=args.threads)
                row = run_subprocess(spec)
                print(f"done: {model} {runner} {row['nonpad_tok_s']:,.0f} non-pad tok/s",
                      file=sys.stderr)
                if runner not in best or row["nonpad_tok_s"] > best[runner]["nonpad_tok_s"]:
                    best[runner] = row
        rows += [best[r] for r in RUNNERS]
    print(f"device: {rows[0]['device']}; batch {args.batch_size}, max_length {args.max_length}, "
          "LoRA r=8 on all linear layers, fp32 on CPU / bf16 autocast on GPU; "
          f"best of {args.repeat}, steady state (step 1 excluded)\n")
    print(table(rows))
    if args.json:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
