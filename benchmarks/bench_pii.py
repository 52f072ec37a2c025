"""PII anonymizer benchmark: per-type precision / recall / F2 on the labelled eval set,
hard-negative damage, throughput (MB/s, one process) and peak RSS.

    python benchmarks/bench_pii.py              # the test split (report these)
    python benchmarks/bench_pii.py --split dev  # the split rules may be tuned on
    python benchmarks/bench_pii.py --before f240a66 --speed-only  # throughput, then vs now

``--before REF`` measures the same throughput on a throw-away ``git worktree`` of REF, in a
subprocess, and prints it beside this tree's (run in a subprocess too, so both peak RSS figures
are the throughput measure's alone). The input lines come from *this* tree's eval generator, so
both sides anonymize the same text.

Recall counts a gold value as caught only if nothing identifying survives in the output (for
numbers: no run of 4+ of its digits, after folding full-width/Hangul digits; for names: the name;
for e-mails/URLs: the local part / token). Precision counts replaced spans that overlap no gold
span as false positives. F2 weighs recall twice (Presidio's choice for PII).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent
# The code measured: this tree, or (``--before``) another checkout whose kakao2dataset is used
# with this tree's eval data and throughput measure.
CODE = Path(os.environ.get("K2D_BENCH_CODE", HERE.parent))
sys.path.insert(0, str(CODE))
sys.path.insert(0, str(HERE / "pii_eval"))

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig  # noqa: E402
from kakao2dataset.anonymize.names import name_key, shared_kiwi  # noqa: E402
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
    if kind in ("NAME", "SPEAKER"):
        # The whole name must be gone: no syllable of it may stick to a placeholder
        # (``<NAME_1>훈`` leaks; a swallowed euphonic 이 in ``<NAME_1>랑`` does not).
        key = value[1:] if len(value) == 3 and not value.isascii() else value
        target = normalize(outputs[gold["msg"]]).text
        chars = re.escape(key.replace("이", "")) if key != "이" else ""
        stuck = bool(chars) and not value.isascii() and re.search(rf">[{chars}]|[{chars}]<", target)
        return value.lower() in out.lower() or key.lower() in out.lower() or bool(stuck)
    return value.lower() in out.lower()


def f_beta(p: float, r: float, beta: float = 2.0) -> float:
    return 0.0 if p + r == 0 else (1 + beta**2) * p * r / (beta**2 * p + r)


def evaluate(split: str, cold: bool = False) -> dict:
    """Score one split as one export (names learned in one case help later ones); ``cold``:
    a fresh anonymizer per case, so every name is a first mention."""
    meta, cases = load(split)
    anon = Anonymizer(AnonymizerConfig(), speakers=meta["speakers"], nicknames=meta["nicknames"])
    anon.trace = []
    kiwi = shared_kiwi()
    caught, total = Counter(), Counter()
    tp, fp = Counter(), Counter()
    damaged = negatives = 0
    misses: dict[str, list[str]] = defaultdict(list)
    given: dict[str, set[str]] = defaultdict(set)  # third party's given name → placeholders used
    if not cold:  # k2d parse's first pass: learn the people of the whole export
        anon.learn(text for case in cases for text in case["messages"])
    for case in cases:
        if cold:
            anon = Anonymizer(AnonymizerConfig(), meta["speakers"], meta["nicknames"], kiwi=kiwi)
            anon.trace = []
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
            for start, end, kind, placeholder in spans:
                golds = [
                    g
                    for g in case["gold"]
                    if g["msg"] == i and start < g["end"] and end > g["start"]
                ]
                hit = bool(golds)
                for g in golds:
                    # surname + title (이 대리 / 이 과장) are different people by design
                    if (
                        g["type"] == "NAME"
                        and len(g["value"]) > 1
                        and placeholder.startswith("<NAME_")
                    ):
                        given[name_key(g["value"])].add(placeholder)
                (tp if hit else fp)[kind] += 1
                if not hit:
                    misses["FP:" + kind].append(
                        f"{case['id']}: {case['messages'][i][max(0, start - 8) : end + 8]}"
                    )
        if case["type"] == "NEGATIVE":
            negatives += 1
            damaged += outputs != case["messages"]
    return {"caught": caught, "total": total, "tp": tp, "fp": fp, "damaged": damaged,
            "negatives": negatives, "misses": misses, "stats": anon.stats(), "given": given}  # fmt: skip


def _lines(text: str) -> list[str]:
    return text.split(" | ")


CHATTER = _lines(
    "ㅋㅋㅋㅋ 진짜? | 오늘 뭐 먹지 | 퇴근하고 연락할게 | 아 그거 완전 웃기다 | 내일 몇 시에 봐? | ㅇㅋ | 헐 대박 | "
    "집에 가는 중 | 밥 먹었어? | 아직 회사야 ㅠㅠ | 주말에 영화 볼래? | 그럼 7시에 강남역에서 보자 | 좋아좋아 | "
    "나 방금 일어남 | 비 온대 우산 챙겨 | 그거 어디서 샀어? | 배고프다 | 오늘 너무 피곤해 | 고마워 ❤️ | "
    "ㄴㄴ 괜찮아 | 사진 보내줄게 | 이모티콘 | 사진 | 잘 자 | 굿밤 | 출근했어? | 점심 뭐 먹었어 | 떡볶이 ㄱ? | "
    "엄마가 김치 보내주셨어 | 시험 망했어 ㅠ | 카페 왔어 | 커피 한 잔 할래 | 아 맞다 그거 내일까지야 | "
    "회의 길어진다 | 버스 놓쳤어 | 10분 늦을 듯 | 미안미안 | 생일 축하해!! 🎉 | 선물 고마워 | 다음 주에 여행 가자 | "
    "숙소 예약했어 | 기차표 끊었어? | 날씨 좋다 | 산책 갈래? | 운동하고 올게 | 넷플 뭐 볼까 | 드라마 다 봤어 | "
    "그 노래 좋더라 | 콘서트 티켓 구했어 | 아 졸려 | 곧 도착 | 문 열어줘 | 택배 왔어 | 장 보러 갈까 | 청소했어 | "
    "빨래 돌렸어 | 고양이가 자꾸 울어 | 강아지 산책 시켰어 | 병원 다녀왔어 | 약 먹었어? | 감기 조심해 | "
    "오늘 3만원 썼어 | 15000원이면 싸다 | 오후 2:30에 봐 | 2024-11-24 예약 | 1층 로비에서 | 3호선 타고 가"
)


def throughput(novel: bool, n_lines: int = 30000, seed: int = 5) -> tuple[float, float, float]:
    """MB/s of anonymize_messages on synthetic chat: 90 % everyday lines (1–3 joined), 10 %
    eval lines carrying PII. ``novel``: every line also carries made-up Hangul words, so the name
    analyzer's word cache never helps (a lower bound: kiwipiepy runs on every word)."""
    from make_eval import negatives, positives

    rng = random.Random(seed)
    pii = [c["messages"][0] for c in positives(rng, "test") + positives(rng, "dev")]
    syll = [chr(c) for c in range(0xAC00, 0xD7A4, 37)]
    lines = []
    for _ in range(n_lines):
        if rng.random() < 0.1:
            line = rng.choice(pii)
        else:
            line = " ".join(rng.choice(CHATTER) for _ in range(rng.randint(1, 3)))
        if novel:
            line += (
                " "
                + "".join(rng.choice(syll) for _ in range(rng.randint(2, 3)))
                + rng.choice(["가", "는", "랑", ""])
            )
        lines.append(line)
    del negatives
    size = sum(len(s.encode()) for s in lines)
    anon = Anonymizer(AnonymizerConfig(), speakers={"박서연": "<PERSONA>", "최도윤": "<USER>"})
    anon.anonymize_text("워밍업 김철수")  # load Kiwi outside the timed part
    start, cpu = time.perf_counter(), time.process_time()
    anon.learn(lines)  # both passes of k2d parse are timed: the first learns the people
    for _ in anon.anonymize_messages(to_messages(lines)):
        pass
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return size / cpu_seconds / 1e6, size / seconds / 1e6, size / 1e6


def _speed_worker() -> None:
    """Print one JSON line: both throughput mixes and the peak RSS of this process."""
    row = {}
    for novel in (False, True):
        cpu, wall, mb = throughput(novel)
        row["novel" if novel else "chat"] = {"cpu": cpu, "wall": wall, "mb": mb}
    row["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(row))


def _measure(code: Path) -> dict:
    env = {**os.environ, "K2D_BENCH_CODE": str(code), "PYTHONPATH": str(code)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--speed-worker"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def _repo_root() -> Path:
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=HERE, check=True,
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    return Path(top)


def compare_before(ref: str, repeats: int) -> None:
    """Throughput of ``ref`` and of this tree, measured alternately ``repeats`` times each (the
    median is printed): on a shared machine, load drifts, and alternating spreads it evenly."""
    root = _repo_root()
    tmp = Path(tempfile.mkdtemp(prefix="k2d-before-"))
    tree = tmp / "tree"
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "worktree", "add", "--detach", "--quiet", str(tree), ref], check=True)
    try:
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for _ in range(repeats):
            runs["before"].append(_measure(tree))
            runs["after"].append(_measure(HERE.parent))
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    sha = subprocess.run([*git, "rev-parse", "--short", ref], check=True, capture_output=True,
                         text=True).stdout.strip()  # fmt: skip
    print(f"\n== throughput before ({ref} = {sha}) and after (this tree), median of {repeats}")
    print(f"{'measure':<40}{'before':>10}{'after':>10}{'after/before':>14}")
    rows = [
        ("chat mix, MB per CPU-second", "chat", "cpu"),
        ("novel-word mix, MB per CPU-second", "novel", "cpu"),
        ("chat mix, MB per wall-second", "chat", "wall"),
        ("novel-word mix, MB per wall-second", "novel", "wall"),
    ]
    for label, mix, key in rows:
        b = statistics.median(r[mix][key] for r in runs["before"])
        a = statistics.median(r[mix][key] for r in runs["after"])
        print(f"{label:<40}{b:>10.3f}{a:>10.3f}{a / b:>14.3f}")
    b = statistics.median(r["rss_mib"] for r in runs["before"])
    a = statistics.median(r["rss_mib"] for r in runs["after"])
    print(f"{'peak RSS of the measuring process, MiB':<40}{b:>10.0f}{a:>10.0f}{a / b:>14.3f}")
    mb = runs["after"][0]["chat"]["mb"]
    print(f"input: {mb:.2f} MB per mix; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--misses", action="store_true", help="print missed / false-positive cases")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument(
        "--no-independent",
        action="store_true",
        help="skip the independent set (benchmarks/pii_independent/score.py)",
    )
    parser.add_argument(
        "--before",
        nargs="?",
        const="f240a66",
        default=None,
        metavar="REF",
        help="also measure throughput on a throw-away git worktree of REF "
        "(default f240a66) and print before and after side by side",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="with --before: alternate before/after runs this many times",
    )
    parser.add_argument(
        "--speed-only",
        action="store_true",
        help="skip the labelled sets (with --before: only the comparison)",
    )
    parser.add_argument("--speed-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_worker:
        _speed_worker()
        return
    if args.speed_only:
        if args.before:
            compare_before(args.before, args.repeat)
        else:
            _speed_worker()
        return
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
    consistent = sum(len(p) == 1 for p in r["given"].values())
    print(f"third-party consistency: {consistent}/{len(r['given'])} people kept one <NAME_k>")
    if args.misses:
        for key, placeholders in r["given"].items():
            if len(placeholders) > 1:
                print(f"  [SPLIT NAME] {key}: {sorted(placeholders)}")
    print(
        f"hard negatives damaged: {r['damaged']}/{r['negatives']} = {r['damaged'] / r['negatives']:.3%}"
    )
    print(f"leak guard flagged lines: {r['stats']['leak_guard_flagged']}")
    cold = evaluate(args.split, cold=True)
    for kind in ("NAME", "SPEAKER"):
        rec = cold["caught"][kind] / cold["total"][kind]
        pred = cold["tp"][kind] + cold["fp"][kind]
        print(
            f"{kind} first-mention (fresh anonymizer per case): recall {rec:.3f}, precision {cold['tp'][kind] / pred:.3f}"
        )
    if args.misses:
        for kind, rows in sorted(r["misses"].items()):
            for row in rows:
                print(f"  [{kind}] {row}")
    if not args.no_speed:
        for novel in (False, True):
            cpu, wall, mb = throughput(novel)
            label = "novel words (cache-miss bound)" if novel else "chat mix"
            print(
                f"throughput {label}: {cpu:.2f} MB/s per CPU-second ({wall:.2f} MB/s wall) on {mb:.2f} MB"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB (whole benchmark process; kiwipiepy's model is most of it)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.before:
        compare_before(args.before, args.repeat)
    if not args.no_independent:
        # The set whose author never read the rules comes first in the README; this one is the
        # tuning set. It runs `k2d parse` itself, so it is a separate process.
        print("\n== independent set (benchmarks/pii_independent/), through k2d parse", flush=True)
        script = Path(__file__).parent / "pii_independent" / "score.py"
        subprocess.run([sys.executable, str(script)], check=True)


if __name__ == "__main__":
    main()
