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

``--methods`` compares instead the two ways of making training examples from the same chat (a
synthetic export run through ``k2d parse``): ``pairs`` (pair-per-reply, one example per
persona reply with its context, the method before conversations) and ``conversations`` (each
conversation packed into sequences with loss on every reply, ``finetune.data``). Both train
the k2d loop for the same number of useful tokens; the table gives useful tokens/s, the
validation loss (the same validation examples for both) and the dataset sizes::

    python benchmarks/bench_finetune.py --methods --models tiny --max-length 256
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


def chat_dialogues(sessions: int, seed: int = 0):
    """A synthetic chat through ``k2d parse``: its dialogues, and the sizes of the chat, of
    ``conversations.jsonl`` and of the format-1 ``pairs.jsonl`` the same replies made."""
    from finetune.data import pairs_of, read_dialogues
    from kakao2dataset.pipeline import ParseOptions, parse_to_dataset
    from kakao2dataset.speakers import render_example, render_prompt
    from kakao2dataset.synthetic import render
    from kakao2dataset.synthetic.conversation import generate_persona_chat

    tmp = Path(tempfile.mkdtemp(prefix="bench-ft-chat-"))
    conv = generate_persona_chat(seed=seed, sessions=sessions)
    chat = tmp / "chat.txt"
    chat.write_bytes(render(conv, "K1").data)
    path = parse_to_dataset([chat], tmp / "data", conv.other, ParseOptions(min_pairs=1))
    dialogues = read_dialogues([path])
    # format 1 stored each pair's context three times (context, prompt, text)
    pairs_bytes = sum(len(json.dumps({
        "id": "p0000000", "session": 0, "split": p.split,
        "context": [{"role": r, "text": t} for r, t in p.context], "response": p.response,
        "prompt": render_prompt(p.context), "text": render_example(p.context, p.response),
        "source": "chat.txt", "first_line": 1, "last_line": 1,
        "start": "2024-01-01T00:00:00", "end": "2024-01-01T00:00:00"},
        ensure_ascii=False, separators=(",", ":")).encode()) + 1 for p in pairs_of(dialogues))
    sizes = {"chat": chat.stat().st_size, "conversations": path.stat().st_size,
             "pairs_v1": pairs_bytes}
    return dialogues, sizes


def prefix_head_loss_sum(model, batch: dict, device: str, dtype):
    """The loss as the k2d loop computed it before the head ran on loss positions only (the
    baseline row ``pairs, head from 1st loss``): logits from the first position of the batch
    whose next token carries loss, to the end of every row. Same value, more head work."""
    import torch.nn.functional as F

    from finetune.trainer import autocast

    batch = {k: v.to(device) for k, v in batch.items()}
    labels = batch["labels"]
    with_loss = (labels[:, 1:] != -100).any(dim=0).nonzero()
    first = int(with_loss[0]) if len(with_loss) else labels.size(1) - 2
    with autocast(device, dtype):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       logits_to_keep=labels.size(1) - first).logits
    return F.cross_entropy(logits[:, :-1].float().reshape(-1, logits.size(-1)),
                           labels[:, first + 1 :].reshape(-1), ignore_index=-100,
                           reduction="sum")


# (method, loss): the pair-per-reply run as before, pairs and conversations with today's loss
METHOD_ROWS = (("pairs", "prefix"), ("pairs", "selected"), ("conversations", "selected"))
HEAD_LABEL = {"prefix": "head from 1st loss", "selected": "head on loss positions"}


def step_plan(pair_loss: float, conv_loss: float, batch_size: int, useful: int) -> dict:
    """Batch sizes with (nearly) the same loss tokens per optimizer step for both methods, and
    one step count, so both runs get the same lr schedule and about the same useful tokens.

    ``pair_loss`` / ``conv_loss``: mean loss tokens per pair / per packed sequence.

    >>> step_plan(16.4, 78.5, 8, 20_000)
    {'pairs': 10, 'conversations': 2, 'steps': 122}
    """
    conv = max(1, round(batch_size * pair_loss / conv_loss))
    pairs = max(1, round(conv * conv_loss / pair_loss))
    return {"pairs": pairs, "conversations": conv,
            "steps": max(2, round(useful / (pairs * pair_loss)))}


def run_method(spec: dict) -> dict:
    """Train the k2d loop on one method's examples for ``spec["useful"]`` loss tokens."""

    import torch

    import finetune.trainer as trainer_mod
    from finetune.config import LoraSettings, TrainSettings
    from finetune.data import encode_all
    from finetune.trainer import add_lora, eval_loss, train
    from kakao2dataset.speakers import DEFAULT_TOKENS

    torch.set_num_threads(spec["threads"]) if spec["threads"] else None
    tmp = Path(tempfile.mkdtemp(prefix="bench-ft-"))
    model, tok = build(spec["model"], tmp)
    dialogues, sizes = chat_dialogues(spec["sessions"])
    sets = {m: encode_all(dialogues, tok, DEFAULT_TOKENS, spec["max_length"], method=m)
            for m in ("pairs", "conversations")}
    train_set, val_set = sets[spec["method"]]
    mean_loss = {m: sum(e.n_loss for e in s[0]) / len(s[0]) for m, s in sets.items()}
    plan = step_plan(mean_loss["pairs"], mean_loss["conversations"], spec["batch_size"],
                     spec["useful"])
    model = add_lora(model, LoraSettings(r=8, alpha=16, dropout=0.05), seed=0)
    settings = TrainSettings(max_steps=plan["steps"], batch_size=plan[spec["method"]],
                             lr=spec["lr"], eval_every=10**9, save_every=0,
                             early_stopping_patience=None)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype, _ = trainer_mod.resolve_precision("auto", device)
    before = eval_loss(model, val_set, tok.pad_token_id, 32, device, dtype)
    loss_now = trainer_mod.loss_sum
    if spec["head"] == "prefix":
        trainer_mod.loss_sum = prefix_head_loss_sum  # training only; validation as the others
    try:
        train(model, train_set, [], tok.pad_token_id, settings, tmp / "work", quiet=True)
    finally:
        trainer_mod.loss_sum = loss_now
    log = [json.loads(x) for x in (tmp / "work" / "metrics.jsonl").read_text().splitlines()]
    steps_log = [r for r in log if "elapsed_s" in r]
    elapsed = steps_log[-1]["elapsed_s"] - steps_log[0]["elapsed_s"]  # step 1 excluded
    useful = sum(r["loss_tokens"] for r in steps_log[1:])
    return {
        "model": spec["model"], "method": spec["method"], "head": spec["head"],
        "steps": plan["steps"], "batch_size": plan[spec["method"]],
        "examples": len(train_set), "train_tokens": sum(len(e.ids) for e in train_set),
        "loss_tokens_epoch": sum(e.n_loss for e in train_set),
        "useful_tokens": sum(r["loss_tokens"] for r in steps_log),
        "useful_tok_s": useful / max(elapsed, 1e-9),
        "val_loss_before": before,
        "val_loss": eval_loss(model, val_set, tok.pad_token_id, 32, device, dtype),
        "val_replies": len(val_set), "val_tokens": sum(e.n_loss for e in val_set),
        "sizes": sizes,
        "device": torch.cuda.get_device_name() if device == "cuda"
        else f"cpu x{torch.get_num_threads()}",
        "peak_mem_mb": (torch.cuda.max_memory_allocated() / 2**20 if device == "cuda"
                        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def methods_table(rows: list[dict]) -> str:
    lines = ["| model | method | loss | examples | tokens / epoch | batch x steps | useful tokens "
             "| useful tok/s | val loss before → after | peak mem MB |",
             "|---|---|---|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['method']} | {HEAD_LABEL[r['head']]} | {r['examples']:,} "
            f"| {r['train_tokens']:,} | {r['batch_size']} x {r['steps']} | {r['useful_tokens']:,} "
            f"| {r['useful_tok_s']:,.0f} | {r['val_loss_before']:.3f} → {r['val_loss']:.3f} "
            f"| {r['peak_mem_mb']:,.0f} |")
    return "\n".join(lines)


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


def run_subprocess(spec: dict, flag: str = "--one") -> dict:
    proc = subprocess.run([sys.executable, __file__, flag, json.dumps(spec)],
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
    parser.add_argument("--methods", action="store_true",
                        help="compare pair-per-reply and conversation training instead")
    parser.add_argument("--sessions", type=int, default=300,
                        help="--methods: sessions of the synthetic chat")
    parser.add_argument("--useful", type=int, default=20_000,
                        help="--methods: useful (loss-carrying) tokens each method trains on")
    parser.add_argument("--lr", type=float, default=1e-3, help="--methods: learning rate")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--one-method", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(json.loads(args.one))))
        return
    if args.one_method:
        print(json.dumps(run_method(json.loads(args.one_method))))
        return
    if args.methods:
        compare_methods(args)
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


def compare_methods(args) -> None:
    rows = []
    for model in args.models:
        best: dict[tuple, dict] = {}
        for _ in range(args.repeat):  # alternating; best throughput kept (noise only slows)
            for method, head in METHOD_ROWS:
                spec = dict(model=model, method=method, head=head, max_length=args.max_length,
                            batch_size=args.batch_size, sessions=args.sessions,
                            useful=args.useful, lr=args.lr, threads=args.threads)
                row = run_subprocess(spec, "--one-method")
                print(f"done: {model} {method} ({HEAD_LABEL[head]}) {row['useful_tok_s']:,.0f} "
                      f"useful tok/s, val loss {row['val_loss']:.3f}", file=sys.stderr)
                key = (method, head)
                if key not in best or row["useful_tok_s"] > best[key]["useful_tok_s"]:
                    best[key] = row
        rows += [best[k] for k in METHOD_ROWS]
    print(f"device: {rows[0]['device']}; load average {os.getloadavg()[0]:.1f} at the end")
    print(summary(rows, args))
    print(methods_table(rows))
    if args.json:
        print(json.dumps(rows, indent=2))


def summary(rows: list[dict], args) -> str:
    sizes = rows[0]["sizes"]
    lines = [f"chat: {args.sessions} synthetic sessions, {sizes['chat']:,} bytes; "
             f"conversations.jsonl {sizes['conversations']:,} bytes "
             f"({sizes['conversations'] / sizes['chat']:.2f}x the chat), format-1 pairs.jsonl "
             f"{sizes['pairs_v1']:,} bytes ({sizes['pairs_v1'] / sizes['chat']:.2f}x); "
             f"max_length {args.max_length}, ~{args.useful:,} useful tokens each, lr {args.lr}, "
             f"best of {args.repeat}, step 1 excluded from tok/s; validation: "
             f"{rows[0]['val_replies']} replies, {rows[0]['val_tokens']:,} persona tokens"]
    for model in args.models:
        by = {(r["method"], r["head"]): r for r in rows if r["model"] == model}
        conv = by["conversations", "selected"]
        for key in (("pairs", "prefix"), ("pairs", "selected")):
            lines.append(f"{model}: conversations / pairs ({HEAD_LABEL[key[1]]}) useful tok/s = "
                         f"{conv['useful_tok_s'] / by[key]['useful_tok_s']:.2f}x, val loss "
                         f"{conv['val_loss']:.3f} vs {by[key]['val_loss']:.3f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
