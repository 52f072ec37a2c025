"""PII anonymizer benchmark: per-type precision / recall / F2 on the labelled eval set,
hard-negative damage, throughput (MB/s, one process) and peak RSS.

    python benchmarks/bench_pii.py              # the test split (report these)
    python benchmarks/bench_pii.py --split dev  # the split rules may be tuned on

Recall counts a gold value as caught only if nothing identifying survives in the output (for
numbers: no run of 4+ of its digits, after folding full-width/Hangul digits; for names: the name;
for e-mails/URLs: the local part / token). Precision counts replaced spans that overlap no gold
span as false positives. F2 weighs recall twice (Presidio's choice for PII).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "pii_eval"))

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig  # noqa: E402
from kakao2dataset.anonymize.normalize import normalize  # noqa: E402
from kakao2dataset.model import Message, MessageKind  # noqa: E402

NUMERIC = {"PHONE", "RRN", "CARD", "ACCOUNT", "BRN", "LICENSE", "PASSPORT", "PLATE"}


def load(split: str) -> tuple[dict, list[dict]]:
    lines = (HERE / "pii_eval" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0])["meta"], [json.loads(line) for line in lines[1:]]


def to_messages(texts: list[str]) -> list[Message]:
    t = datetime(2024, 1, 1)
    return [Message(t, "x", s, MessageKind.TEXT, "eval", i + 1, i + 1) for i, s in enumerate(texts)]


def leaked(gold: dict, case: dict, outputs: list[str]) -> bool:
    """True when an identifying part of the gold value survives in the (folded) output."""
    out = "\n".join(normalize(o).text for o in outputs)
    value, kind = gold["value"], gold["type"]
    if kind in NUMERIC:
        digits = re.sub(r"[^0-9]", "", normalize(value).text)
        windows = {digits[i : i + 4] for i in range(len(digits) - 3)} or {digits}
        runs = re.findall(r"[0-9]{4,}", out)
        return any(r[i : i + 4] in windows for r in runs for i in range(len(r) - 3))
    if kind == "IP":
        if ":" in value:
            return any(g in out for g in value.split(":")[1:] if len(g) >= 3)
        octets = value.split(".")
        return any(f"{a}.{b}" in out for a, b in zip(octets, octets[1:], strict=False))
    if kind == "ADDRESS":
        return value in out or any(
            re.search(rf"(?<![0-9]){d}(?![0-9])", out) for d in re.findall(r"[0-9]{2,}", value)
        )
    if kind == "NAME" and len(value) == 1:  # surname + title: the surname before the title
        message = case["messages"][gold["msg"]]
        return message[gold["start"] : gold["end"] + 3] in out
    return value.lower() in out.lower()


def f_beta(p: float, r: float, beta: float = 2.0) -> float:
    return 0.0 if p + r == 0 else (1 + beta**2) * p * r / (beta**2 * p + r)


def evaluate(split: str) -> dict:
    meta, cases = load(split)
    anon = Anonymizer(AnonymizerConfig(), speakers=meta["speakers"], nicknames=meta["nicknames"])
    anon.trace = []
    caught, total = Counter(), Counter()
    tp, fp = Counter(), Counter()
    damaged = negatives = 0
    misses: dict[str, list[str]] = defaultdict(list)
    for case in cases:
        anon.trace.clear()
        outputs = [m.text for m in anon.anonymize_messages(to_messages(case["messages"]))]
        by_gid: dict[int, list[dict]] = defaultdict(list)
        for g in case["gold"]:
            by_gid[g["gid"]].append(g)
        for golds in by_gid.values():
            kind = golds[0]["type"]
            total[kind] += 1
            if any(leaked(g, case, outputs) for g in golds):
                misses[kind].append(f"{case['id']} {case['variant']}: {' | '.join(outputs)}")
            else:
                caught[kind] += 1
        for i, spans in enumerate(anon.trace):
            for start, end, kind in spans:
                hit = any(
                    g["msg"] == i and start < g["end"] and end > g["start"] for g in case["gold"]
                )
                (tp if hit else fp)[kind] += 1
                if not hit:
                    misses["FP:" + kind].append(
                        f"{case['id']}: {case['messages'][i][max(0, start - 8) : end + 8]}"
                    )
        if case["type"] == "NEGATIVE":
            negatives += 1
            damaged += outputs != case["messages"]
    return {"caught": caught, "total": total, "tp": tp, "fp": fp, "damaged": damaged,
            "negatives": negatives, "misses": misses, "stats": anon.stats()}  # fmt: skip


def throughput(novel: bool, n_lines: int = 20000, seed: int = 5) -> tuple[float, float]:
    """MB/s of anonymize_messages on synthetic chat lines. ``novel``: every line carries fresh
    made-up Hangul words, so the name analyzer's word cache never helps (a lower bound)."""
    import values as V
    from make_eval import negatives, positives

    rng = random.Random(seed)
    pool = [
        c["messages"][0]
        for c in positives(rng, "test")
        + positives(rng, "dev")
        + negatives(rng, "test")
        + negatives(rng, "dev")
    ]
    chatter = [
        "ㅋㅋㅋㅋ 진짜?",
        "오늘 뭐 먹지",
        "퇴근하고 연락할게",
        "아 그거 완전 웃기다",
        "내일 몇 시에 봐?",
        "ㅇㅋ",
        "헐 대박",
        "집에 가는 중",
    ]
    syll = [chr(c) for c in range(0xAC00, 0xD7A4, 37)]
    lines = []
    for _ in range(n_lines):
        line = rng.choice(pool) if rng.random() < 0.3 else rng.choice(chatter)
        if novel:
            line += " " + " ".join(
                "".join(rng.choice(syll) for _ in range(rng.randint(2, 3)))
                + rng.choice(["가", "는", "랑", "도", ""])
                for _ in range(3)
            )
        lines.append(line)
    del V
    size = sum(len(s.encode()) for s in lines)
    anon = Anonymizer(AnonymizerConfig(), speakers={"박서연": "<PERSONA>", "최도윤": "<USER>"})
    anon.anonymize_text("워밍업 김철수")  # load Kiwi outside the timed part
    start = time.perf_counter()
    for _ in anon.anonymize_messages(to_messages(lines)):
        pass
    seconds = time.perf_counter() - start
    return size / seconds / 1e6, size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--misses", action="store_true", help="print missed / false-positive cases")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    r = evaluate(args.split)
    print(f"split={args.split}  cases={sum(r['total'].values()) + r['negatives']}")
    print(f"{'type':<10}{'gold':>6}{'recall':>9}{'pred':>6}{'precision':>11}{'F2':>7}")
    for kind in sorted(r["total"]):
        rec = r["caught"][kind] / r["total"][kind]
        pred = r["tp"][kind] + r["fp"][kind]
        prec = r["tp"][kind] / pred if pred else float("nan")
        print(
            f"{kind:<10}{r['total'][kind]:>6}{rec:>9.3f}{pred:>6}{prec:>11.3f}{f_beta(prec, rec) if pred else 0:>7.3f}"
        )
    extra = sorted(set(r["fp"]) - set(r["total"]))
    for kind in extra:
        print(
            f"{kind:<10}{'-':>6}{'-':>9}{r['fp'][kind] + r['tp'][kind]:>6}{r['tp'][kind] / (r['fp'][kind] + r['tp'][kind]):>11.3f}"
        )
    struct = [k for k in r["total"] if k not in ("NAME", "SPEAKER")]
    s_rec = sum(r["caught"][k] for k in struct) / sum(r["total"][k] for k in struct)
    print(f"structured recall (all types) {s_rec:.3f}")
    print(
        f"hard negatives damaged: {r['damaged']}/{r['negatives']} = {r['damaged'] / r['negatives']:.3%}"
    )
    print(f"leak guard flagged lines: {r['stats']['leak_guard_flagged']}")
    if args.misses:
        for kind, rows in sorted(r["misses"].items()):
            for row in rows:
                print(f"  [{kind}] {row}")
    if not args.no_speed:
        for novel in (False, True):
            mbs, mb = throughput(novel)
            label = "novel words (cache-miss bound)" if novel else "template chat"
            print(f"throughput {label}: {mbs:.2f} MB/s on {mb:.2f} MB, one process")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
