"""The main job, end to end on the shipped example exports (`make demo`).

    export ─► k2d inspect ─► k2d parse ─► k2d personas new ─► k2d finetune ─► k2d eval
           ─► two personas answering through ONE PersonaBank (one base in memory) ─► k2d chat
           ─► k2d eval --report (the persona report + blind-test page)

With no model hub reachable (the default here) it first builds a tiny local GPT-2 base: the
replies are then a smoke run of the real pipeline, not a real persona. Pass a real base to
train real personas, e.g.  python examples/demo.py --base skt/kogpt2-base-v2  (downloads it
once; KoGPT2 is CC-BY-NC-SA 4.0, non-commercial).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHATS = HERE / "chats"
PERSONAS = [  # (slug, export, the persona's name in the export)
    ("friend", CHATS / "friend_kakaotalk_android.txt", "김민지"),
    ("senpai", CHATS / "senpai_kakaotalk_pc.txt", "박서준"),
]


def k2d(*args: object, stdin: str | None = None, show: bool = True) -> str:
    """Run one k2d command, echoing it (and what is piped into it) like a tutorial would."""
    argv = [str(a) for a in args]
    piped = ("printf '%s\\n' " + shlex.join(stdin.splitlines()) + " | ") if stdin else ""
    print(f"\n$ {piped}k2d {shlex.join(argv)}", flush=True)
    done = subprocess.run([sys.executable, "-m", "kakao2dataset", *argv], input=stdin,
                          text=True, stdout=subprocess.PIPE, check=False)
    if show:
        print(done.stdout, end="", flush=True)
    if done.returncode != 0:
        sys.exit(f"demo: `k2d {argv[0]}` failed with exit {done.returncode}")
    return done.stdout


def tiny_base(out: Path) -> Path:
    from finetune.tiny import build_tiny_base, generic_chat_lines, pretrain_tiny_base

    print("\nNo model hub here: building a tiny local GPT-2 base (2 layers, pretrained for a few "
          "seconds on generic synthetic chat lines, in no one's style). Its replies are a SMOKE "
          "RUN of the real pipeline, not a real persona (use --base for that).", flush=True)
    corpus = generic_chat_lines()
    path = build_tiny_base(out / "tiny-gpt2-base", arch="gpt2", corpus=corpus)
    loss = pretrain_tiny_base(path, steps=300, corpus=corpus)
    print(f"tiny base: {path} (next-token loss on synthetic lines {loss:.2f})", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default=None, help="Base model id or path (default: a tiny local base).")
    parser.add_argument("--out", default="demo-out", help="Work folder (default: ./demo-out).")
    parser.add_argument("--max-steps", type=int, default=200, help="Training steps per persona.")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    out = Path(args.out).resolve()
    personas_dir = out / "personas"
    started = time.perf_counter()

    base = args.base or str(tiny_base(out))
    for slug, export, speaker in PERSONAS:
        k2d("inspect", export)
        k2d("parse", export, "--persona-speaker", speaker, "-o", out / "data" / slug, "-q")
        k2d("personas", "new", slug, "--from", out / "data" / slug, "--base", base,
            "--display-name", slug.capitalize(), "--force", "--personas-dir", personas_dir)
        k2d("finetune", "--persona", slug, "--personas-dir", personas_dir,
            "--max-steps", args.max_steps, "--eval-every", max(10, args.max_steps // 3))
        k2d("eval", "--persona", slug, "--personas-dir", personas_dir)

    bank_demo(personas_dir)
    chat_demo(personas_dir, ["밥 먹었어?", "/persona senpai", "주말에 뭐 해?", "/quit"])
    print("\n# The persona report (open report.html in a browser). On the tiny offline base this "
          "is a SMOKE RUN: it shows the report works, not how the persona sounds.", flush=True)
    k2d("eval", "--persona", "friend", "--personas-dir", personas_dir, "--report",
        out / "report" / "friend", "--blind", out / "report" / "friend", "--limit", 12)
    print(f"\nDone in {time.perf_counter() - started:.0f} s. Personas, adapters and the shared "
          f"prepared base are in {personas_dir}.")


def chat_demo(personas_dir: Path, lines: list[str]) -> None:
    """Piped `k2d chat`, shown as a conversation: each input next to its reply (--jsonl
    carries both), seeded so every run of the demo shows the same replies."""
    out = k2d("chat", "--persona", "friend", "--personas-dir", personas_dir, "--seed", 0,
              "--jsonl", "-q", stdin="".join(f"{line}\n" for line in lines), show=False)
    replies = iter(json.loads(row) for row in out.splitlines())
    for line in lines:
        if line.startswith("/"):
            print(f"you> {line}")
            continue
        row = next(replies)
        print(f"you> {row['input']}\n{row['persona']}> {row['reply']}")


def bank_demo(personas_dir: Path) -> None:
    """Both personas answer in ONE batch on ONE base: peft mixes the adapters per row."""
    from finetune.bank import PersonaBank

    print("\n# One PersonaBank, one base in memory, two adapters, one mixed batch:")
    bank = PersonaBank.from_personas_dir(personas_dir)
    rows = [("friend", [("user", "오늘 뭐해?")]), ("senpai", [("user", "내일 시간 돼?")])]
    for (slug, history), reply in zip(rows, bank.reply_batch(rows, seed=0), strict=True):
        print(f"  [{slug}] {history[-1][1]} → {reply.text!r}")
    print(f"  personas loaded: {bank.personas}")


if __name__ == "__main__":
    main()
