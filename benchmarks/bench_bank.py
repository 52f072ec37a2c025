"""Benchmark: many personas on one base (PersonaBank) vs the alternatives, on CPU.

    python benchmarks/bench_bank.py                  # ~2-4 min on 2 CPU cores
    python benchmarks/bench_bank.py --quick          # smaller, for a smoke run

Builds a synthetic GPT-2 (6 layers x 384 by default, random weights, byte-level BPE from
``finetune.tiny``), prepares it with the speaker tokens, and writes 32 persona adapters the
way the trainer does (LoRA r=8 on every linear layer, random non-zero weights). Then:

1. memory with 1, 8 and 32 personas loaded in one bank (process RSS and parameter bytes);
2. 8 concurrent requests to 8 different personas, decoded three ways:
   mixed batch (one forward per token, ``adapter_names``), switching adapters per request
   (``set_adapter`` + batch of 1, one after the other), and one merged model per persona;
3. per-token latency of each.

Every request generates exactly ``--new-tokens`` tokens (stop tokens off) so the three ways do
the same work. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402
import torch  # noqa: E402

from finetune.generation import SamplingSettings, decode_rows  # noqa: E402

MB = 1024 * 1024
PROMPTS = ["밥 먹었어?", "what are you doing", "今どこ", "see you tomorrow", "영화 봤어 ㅋㅋㅋ",
           "call me later", "いいね", "good morning"]


def rss() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / MB


def param_bytes(module, lora_only: bool = False) -> int:
    return sum(p.numel() * p.element_size() for n, p in module.named_parameters()
               if not lora_only or "lora_" in n)


def build(work: Path, n_personas: int, hidden: int, layers: int, rank: int,
          vocab: int) -> Path:
    """Prepared base + ``n_personas`` adapters under ``work/personas``. The synthetic tokenizer
    has only a few hundred tokens; the embedding is padded to ``vocab`` rows so the embedding
    and LM-head cost look like a real small model's (GPT-2 has 50,257, Llama 2 32,000)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from finetune.adapter import save_adapter
    from finetune.config import LoraSettings
    from finetune.prepared_base import prepare_base
    from finetune.tiny import build_tiny_base
    from finetune.trainer import add_lora
    from kakao2dataset.speakers import DEFAULT_TOKENS

    hf_logging.disable_progress_bar()
    raw = build_tiny_base(work / "raw", hidden=hidden, layers=layers, heads=hidden // 64,
                          max_positions=512, vocab_size=2048)
    padded = AutoModelForCausalLM.from_pretrained(raw, dtype=torch.float32)
    if vocab > padded.get_input_embeddings().num_embeddings:
        padded.resize_token_embeddings(vocab, mean_resizing=False)
        padded.save_pretrained(raw)
    root = work / "personas"
    prepared = prepare_base(str(raw), DEFAULT_TOKENS, root / "bases")
    tokenizer = AutoTokenizer.from_pretrained(prepared.path)
    base = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing")
        model = add_lora(base, LoraSettings(r=rank, alpha=2 * rank, dropout=0.0), seed=0)
    for i in range(n_personas):
        gen = torch.Generator().manual_seed(i)
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "lora_" in name:
                    p.copy_(torch.randn(p.shape, generator=gen) * 0.05)
        meta = {"format_version": 1, "persona": {"slug": f"p{i:02d}", "display_name": f"P{i}"},
                "speaker_tokens": prepared.tokens.to_dict(),
                "speaker_token_ids": prepared.token_ids,
                "base": {"source": "synthetic", "path": str(prepared.path.resolve()),
                         "vocab_size": prepared.vocab_size},
                "generation": {"temperature": 0.0, "top_p": 1.0, "max_new_tokens": 32},
                "data": {"train": {"pairs": 0, "loss_tokens": 0}}}
        save_adapter(model, tokenizer, root / f"p{i:02d}" / "adapter", meta)
    return root


def memory_child(root: Path, n: int) -> None:
    """Run in a fresh process: load the base and ``n`` personas, print RSS and param MB."""
    import peft  # noqa: F401  (imports are not what we measure)
    import transformers  # noqa: F401

    from finetune.bank import PersonaBank

    before = rss()
    bank = PersonaBank(str(next((root / "bases").iterdir())))
    for slug in [f"p{i:02d}" for i in range(n)]:
        bank.load(slug, root / slug / "adapter")
    model = bank.model if bank.model is not None else bank.base_model
    print(f"{rss():.1f} {rss() - before:.1f} {param_bytes(model) / MB:.2f}")


def measure_memory(root: Path, counts=(0, 1, 8, 32)) -> dict[int, tuple[float, float, float]]:
    """``{n: (rss_mb, rss_growth_mb, param_mb)}``, each from a fresh process."""
    import subprocess

    out = {}
    for n in counts:
        proc = subprocess.run([sys.executable, __file__, "--memory-child", str(root), str(n)],
                              capture_output=True, text=True, check=True)
        out[n] = tuple(float(x) for x in proc.stdout.split()[-3:])
    return out


def timed(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, default=384)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    # 1 thread by default: on a shared or busy machine, 2 OpenMP threads stall each other
    # (measured 3-10x slower per step); pass --threads 2 on a quiet machine.
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--vocab", type=int, default=32000, help="embedding rows (padded)")
    ap.add_argument("--quick", action="store_true", help="2 layers x 128, 1 repeat")
    ap.add_argument("--memory-child", nargs=2, metavar=("ROOT", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(Path(args.memory_child[0]), int(args.memory_child[1]))
        return
    if args.quick:
        args.hidden, args.layers, args.repeats, args.vocab = 128, 2, 1, 4096
    torch.set_num_threads(args.threads)
    from finetune.bank import PersonaBank
    from finetune.merge import load_merged

    with tempfile.TemporaryDirectory(prefix="k2d-bench-") as tmp:
        t0 = time.perf_counter()
        root = build(Path(tmp), 32, args.hidden, args.layers, args.rank, args.vocab)
        build_s = time.perf_counter() - t0
        slugs = [f"p{i:02d}" for i in range(32)]

        # --- memory (fresh process per count: in-process RSS never shrinks) ----------------
        mem = measure_memory(root)
        bank = PersonaBank(str(next((root / "bases").iterdir())))
        base_bytes = param_bytes(bank.base_model)
        for slug in slugs[:8]:
            bank.load(slug, root / slug / "adapter")
        lora_per_persona = param_bytes(bank.model, lora_only=True) / 8

        # --- throughput: 8 requests to 8 personas -----------------------------------------
        eight = slugs[:8]
        prompts = [bank.encode_prompt(s, [("user", PROMPTS[i])], args.new_tokens)
                   for i, s in enumerate(eight)]
        greedy = SamplingSettings(temperature=0.0, max_new_tokens=args.new_tokens)
        pad = bank.tokenizer.pad_token_id
        utf8 = bank.utf8  # what every bank reply applies (a byte-level vocabulary here)
        n_tok = 8 * args.new_tokens

        def mixed():  # peft's adapter_names: each adapter runs on its slice of the batch
            decode_rows(bank.model, prompts, eight, [greedy] * 8, stop_ids=set(), pad_id=pad, utf8=utf8)

        def mixed_stacked():  # the bank's default here: all rows' LoRA as two bmm per layer
            bank.mixing = "stacked"
            try:
                with bank.mixed(eight) as names:
                    decode_rows(bank.model, prompts, names, [greedy] * 8, stop_ids=set(),
                                pad_id=pad, utf8=utf8)
            finally:
                bank.mixing = "peft"

        def one_persona_batch():  # upper bound: 8 rows, one adapter
            decode_rows(bank.model, prompts, [eight[0]] * 8, [greedy] * 8, stop_ids=set(),
                        pad_id=pad, utf8=utf8)

        def switching():
            for slug, prompt in zip(eight, prompts, strict=True):
                bank.model.set_adapter(slug)
                decode_rows(bank.model, [prompt], None, [greedy], stop_ids=set(), pad_id=pad, utf8=utf8)

        t_mixed = timed(mixed, args.repeats)
        t_stacked = timed(mixed_stacked, args.repeats)
        t_homog = timed(one_persona_batch, args.repeats)
        t_switch = timed(switching, args.repeats)

        rss_before_merged = rss()
        merged = [load_merged(root / s / "adapter")[0] for s in eight]
        merged_mb = rss() - rss_before_merged

        def merged_models():
            for model, prompt in zip(merged, prompts, strict=True):
                decode_rows(model, [prompt], None, [greedy], stop_ids=set(), pad_id=pad, utf8=utf8)

        t_merged = timed(merged_models, args.repeats)

    print(f"\n## PersonaBank benchmark (CPU, {args.threads} threads, torch "
          f"{torch.__version__})\n")
    print(f"GPT-2 {args.layers} layers x {args.hidden}, embedding {args.vocab} rows "
          f"(tokenizer {bank.vocab_size}); base params "
          f"{base_bytes / MB:.1f} MB fp32; LoRA r={args.rank} on all linear layers: "
          f"{lora_per_persona / MB:.2f} MB per persona "
          f"({100 * lora_per_persona / base_bytes:.1f} % of the base). "
          f"Setup (build base + 32 adapters) {build_s:.0f} s.\n")
    print("| personas loaded | process RSS (MB) | RSS growth from loading (MB) | parameter MB "
          "| vs 1 persona (params / RSS) |")
    print("|---|---|---|---|---|")
    for n, (total, grow, params) in mem.items():
        print(f"| {n if n else 'base only'} | {total:.0f} | {grow:.1f} | {params:.1f} | "
              f"{params / mem[1][2]:.3f}x / {total / mem[1][0]:.3f}x |")
    print(f"\n8 requests, 8 different personas, prompt ~{statistics.mean(map(len, prompts)):.0f} "
          f"tokens, {args.new_tokens} new tokens each (greedy, median of {args.repeats}):\n")
    print("| strategy | wall s | tokens/s | ms per token (per request) | memory for 8 personas |")
    print("|---|---|---|---|---|")
    rows = [("mixed batch, stacked LoRA (PersonaBank default, `mixing=\"auto\"`)", t_stacked,
             t_stacked / args.new_tokens, f"{mem[8][2]:.1f} MB params"),
            ("mixed batch, peft `adapter_names` (`mixing=\"peft\"`)", t_mixed,
             t_mixed / args.new_tokens, "same bank"),
            ("switch adapter per request (batch 1, serial)", t_switch,
             t_switch / n_tok, "same bank"),
            ("one merged model per persona (batch 1, serial)", t_merged, t_merged / n_tok,
             f"{8 * base_bytes / MB:.1f} MB params (+{merged_mb:.0f} MB RSS)"),
            ("(reference) 8 rows, all one persona", t_homog, t_homog / args.new_tokens, "-")]
    for name, wall, per_tok, memory in rows:
        print(f"| {name} | {wall:.2f} | {n_tok / wall:.0f} | {1000 * per_tok:.1f} | {memory} |")
    print(f"\nmixed (default, stacked) / switching throughput: {t_switch / t_stacked:.2f}x "
          f"(goal >= 3x), peft adapter_names {t_switch / t_mixed:.2f}x; "
          f"mixed / merged: {t_merged / t_stacked:.2f}x; "
          f"params for 8 personas vs 1: {mem[8][2] / mem[1][2]:.3f}x, RSS {mem[8][0] / mem[1][0]:.3f}x "
          "(goal < 1.1x)")


if __name__ == "__main__":
    main()
