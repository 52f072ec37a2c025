"""Parse throughput: ours (parse only and full ``k2d parse``) vs a naive regex baseline and the
public KakaoTalk parsers on PyPI, on large synthetic exports of every KakaoTalk layout.

::

    python benchmarks/bench_parse.py                  # 10 + 100 MB of K1 K2 K3 K4 K5 K6 K7, peers
    python benchmarks/bench_parse.py --variants all   # every K layout variants() lists (~2x time)
    python benchmarks/bench_parse.py --sizes 10,100,1000 --no-peers  # + 1 GB: RSS stays flat
    python benchmarks/bench_parse.py --quick --no-peers --variants K1   # 1 MB smoke run

Rows per layout and size (every measurement in a fresh subprocess, so peak RSS is its own):

* ``baseline (regex/line)``: one compiled ``re`` match of the layout's message-line regex per
  line, counting matches; no classification, no continuation lines, no timestamps built. Its
  "messages" count look-alike lines inside multi-line messages too.
* ``ours: parse only``: :func:`kakao2dataset.exports.parse_sources` + ``messages()`` +
  ``check()`` (detection, decoding, line accounting, look-alike rules, kinds).
* ``ours: full k2d parse``: :func:`kakao2dataset.pipeline.build_dataset` + ``write_dataset``
  (one or two passes over the file, anonymizer, turns, pairs, split, manifest) — by default on the
  sizes in ``--full-sizes`` (10 MB) only; the anonymizer dominates.
* ``ours: k2d parse --no-anonymize``: the same with the anonymizer off (turns, pairs, writing:
  the ceiling of the full parse), on the same sizes.
* ``ours: k2d inspect``: ``k2d inspect -q`` in the worker (parsing dominates it).
* with ``--before TREE`` (a checkout of an earlier commit, e.g. ``git worktree add
  /tmp/parse-before f240a66``), every ``ours`` row is measured on that tree too (its package on
  ``PYTHONPATH``), labelled ``(before)``, in the same run on the same files, and the goals
  table gives after / before.
* each installed peer that claims the layout (see ``benchmarks/_peers.py``), with a timeout.

``--repeat N`` measures each row N times (fresh processes, interleaved per row) and keeps the
fastest: on a loaded machine the best run is the one least disturbed by other jobs.

Message texts (``--text``): ``varied`` (default) composes them from a synthetic Korean/English
vocabulary with third-party names, numbers, URLs and a realistic length spread
(``benchmarks/_chat_text.py``; ~100k distinct texts per 10 MB), so the anonymizer's caches and
the morphological analyzer work as on a real chat; ``phrases`` keeps the conversation
generator's ~40 fixed phrases (the data of earlier reports, which flattered the full parse).

MB = 10^6 bytes. The table goes to stdout and ``bench-out/bench_parse.md``; generated exports
are cached in ``bench-out/parse-data/`` keyed by layout, size, seed, text mode and the sources
that render them.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
DATA = OUT / "parse-data"
sys.path.insert(0, str(Path(__file__).resolve().parent))

MB = 1_000_000
CHUNK_MESSAGES = 5_000
TIME_SQUEEZE = 20  # the generator's gaps average ~86 min; a 100 MB chat would span centuries
# After the dates inside the generator's pasted look-alike lines ("2024년 1월 5일 오후 3:04, …"):
# a real paste quotes the past. (Starting earlier, a 100 MB K4 chat crosses 2024-01-05 and the
# paste is *future*-dated on that day — impossible in a real export — and swallows that day's
# earlier messages.)
START = datetime(2024, 6, 1, 22, 50)
GEN_VERSION = 3  # bump when the generation scheme changes (part of the cache key)
# ``varied``: text messages composed by benchmarks/_chat_text.py (tens of thousands of distinct
# texts and words, names, numbers, URLs): what the anonymizer faces in a real chat. ``phrases``:
# the conversation generator's ~40 fixed phrases (the old data; flatters the anonymizer's caches).
TEXT_MODES = ("varied", "phrases")
# Distinct texts are counted in the first 10 MB only: the workers are forked from this process,
# and Linux carries its peak RSS into theirs (ru_maxrss survives exec).
DISTINCT_SAMPLE = 10 * MB
DEFAULT_VARIANTS = ("K1", "K2", "K3", "K4", "K5", "K6", "K7")
BASELINE = "baseline (regex/line)"
OURS = "ours: parse only"
FULL = "ours: full k2d parse"
# The same pipeline with the anonymizer off: what turns, pairs and writing alone cost, so the
# full/parse-only ratio can be read against its ceiling.
FULL_PLAIN = "ours: k2d parse --no-anonymize"
# `k2d inspect -q FILE`: the user-visible command that is mostly parsing (detection, every line
# read and counted, the summary), so a parser change shows in it.
INSPECT = "ours: k2d inspect"
BEFORE = " (before)"  # suffix of a row measured on the --before tree, same run, same files

_KO = "(오전|오후) (\\d{1,2}):(\\d{2})"
_EN = "(\\d{1,2}):(\\d{2}) (AM|PM)"
# The message-line regex of each layout, for the naive baseline (stdlib re, groups captured).
MESSAGE_LINE = {
    "K1": rf"\[(.+?)\] \[{_KO}\]",
    "K1'": rf"\[(.+?)\] \[{_KO}\]",
    "K1h": rf"\[(.+?)\] \[{_KO}\]",
    "K2": rf"\[(.+?)\] \[{_EN}\]",
    "K2h": rf"\[(.+?)\] \[{_EN}\]",
    "K3": r'(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),"',
    "K3t": r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?\t",
    "K3tq": r'"?(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?"?\t',
    "K4": rf"(\d{{4}})년 (\d{{1,2}})월 (\d{{1,2}})일 {_KO}, (.+?) : ",
    "K5": rf"([A-Z][a-z]+) (\d{{1,2}}), (\d{{4}}), {_EN}, (.+?) : ",
    "K5'": rf"(\d{{1,2}}) ([A-Z][a-z]+) (\d{{4}}), {_EN}, (.+?) : ",
    "K6": rf"(\d{{4}})\. (\d{{1,2}})\. (\d{{1,2}})\. {_KO}, (.+?) : ",
    "K6h": rf"(\d{{4}})\. (\d{{1,2}})\. (\d{{1,2}})\. {_KO}, (.+?) : ",
    "K7": rf"([A-Z][a-z]{{2}}) (\d{{1,2}}), (\d{{4}}), {_EN}, (.+?) : ",
    "K7'": r"([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) at (\d{2}):(\d{2}), (.+?) : ",
}


# --------------------------------------------------------------------------- generation


def _fingerprint(variant: str) -> str:
    """Hash of the code that renders ``variant`` (its module + the conversation generator), so
    cached files are remade when a renderer changes."""
    from kakao2dataset import synthetic
    from kakao2dataset.synthetic import conversation

    synthetic.variants()
    fn = synthetic._RENDERERS[variant]  # noqa: SLF001  (read-only look at the registry)
    import _chat_text

    sources = [
        inspect.getsource(sys.modules[fn.__module__]),
        inspect.getsource(conversation),
        inspect.getsource(_chat_text),
    ]
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:10]


def _tag(variant: str) -> str:
    return variant.replace("'", "p")


def _squeezed(conv, start: datetime):
    """The chunk's messages with gaps divided by TIME_SQUEEZE (floored to the minute), so the
    conversation stays monotonic and spans years, not centuries."""
    first = conv.messages[0].timestamp if conv.messages else start
    out = []
    for m in conv.messages:
        minutes = int((m.timestamp - first).total_seconds() // 60) // TIME_SQUEEZE
        out.append(type(m)(start + timedelta(minutes=minutes), m.speaker, m.text, m.kind))
    return out


def generate(
    variant: str, size_mb: float, seed: int, log=print, text: str = "varied"
) -> tuple[Path, dict]:
    """A synthetic export of ``variant`` of at least ``size_mb`` MB (cached): one long
    monotonic conversation rendered chunk by chunk, so memory stays small. ``text`` is one of
    ``TEXT_MODES``.

    Chunk *i > 0* is rendered together with the last message of chunk *i − 1*; the lines that
    rendering of that one message takes (header, day line, the message) are cut, so day lines,
    blank lines before them and header appear exactly as in a one-piece rendering."""
    from _chat_text import vary

    from kakao2dataset.model import MessageKind
    from kakao2dataset.synthetic import generate_conversation, render

    stem = f"{_tag(variant)}_{size_mb:g}MB_s{seed}_{text}"
    key = f"{stem}_{_fingerprint(variant)}_g{GEN_VERSION}"
    meta_path = DATA / f"{key}.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        path = DATA / meta["file"]
        if path.exists() and path.stat().st_size == meta["bytes"]:
            return path, meta
    DATA.mkdir(parents=True, exist_ok=True)
    for stale in DATA.glob(f"{stem}_*"):
        if not stale.name.endswith(".part"):
            stale.unlink(missing_ok=True)
    log(f"generating {variant} {size_mb:g} MB (seed {seed}, {text} text) …")
    started = time.perf_counter()
    target = int(size_mb * MB)
    suffix = Path(render(generate_conversation(seed, 2), variant).filename).suffix or ".txt"
    path = DATA / f"{key}{suffix}"
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")  # concurrent runs: no mixing
    written, messages, chunk, prev, speakers = 0, 0, 0, None, None
    distinct: set[str] = set()
    when = START
    with open(partial, "wb") as fh:
        while written < target:
            conv = generate_conversation(seed * 100_003 + chunk, CHUNK_MESSAGES, start=when)
            body = _squeezed(conv, when if prev is None else prev.timestamp)
            if text == "varied":
                body = vary(body, random.Random(f"{seed}/{chunk}"))
            speakers = conv.speakers
            if prev is None:
                data = render(conv.with_messages(body), variant).data
            else:
                lead = render(conv.with_messages([prev]), variant).data.count(b"\n")
                data = render(conv.with_messages([prev, *body]), variant).data
                cut = 0
                for _ in range(lead):
                    cut = data.index(b"\n", cut) + 1
                data = data[cut:]
            fh.write(data)
            written += len(data)
            messages += len(body)
            if written <= DISTINCT_SAMPLE:  # a set over 100 MB would inflate the workers' RSS
                distinct.update(m.text for m in body if m.kind is MessageKind.TEXT)
            prev, when, chunk = body[-1], body[-1].timestamp, chunk + 1
    meta = {
        "variant": variant,
        "file": path.name,
        "bytes": written,
        "messages": messages,
        "speakers": list(speakers),
        "seed": seed,
        "size_mb": size_mb,
        "text": text,
        "distinct_texts_first_10MB": len(distinct),
        "generated_s": round(time.perf_counter() - started, 1),
    }
    os.replace(partial, path)
    meta_tmp = meta_path.with_name(f"{meta_path.name}.{os.getpid()}.part")
    meta_tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    os.replace(meta_tmp, meta_path)
    return path, meta


# --------------------------------------------------------------------------- workers


def _peak_rss_mb() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib * 1024 / MB


def _baseline(path: str, variant: str) -> dict:
    pattern = re.compile(MESSAGE_LINE[variant])
    match, found = pattern.match, 0
    with open(path, encoding="utf-8", newline="") as fh:
        for line in fh:
            if match(line):
                found += 1
    return {"messages": found}


def _ours(path: str, variant: str) -> dict:
    from kakao2dataset.exports import parse_sources

    found, warnings, detected = 0, [], []
    for parsed in parse_sources(path):
        detected.append(parsed.sniff.variant)
        for _ in parsed.messages():
            found += 1
        warnings += parsed.check(lenient=True)
    return {"messages": found, "detected": detected, "warnings": warnings[:3]}


def _full(path: str, variant: str, persona: str, anonymize: bool = True) -> dict:
    from kakao2dataset.pipeline import ParseOptions, build_dataset, write_dataset

    options = ParseOptions(persona_speaker=persona, lenient=True, anonymize=anonymize)
    dataset = build_dataset([Path(path)], options)
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        write_dataset(dataset, Path(tmp) / "out")
    entry = dataset.manifest["inputs"][0]
    return {
        "messages": entry["lines"].get("message", 0),
        "detected": [entry["variant"]],
        "pairs": dataset.manifest["counts"].get("pairs"),
    }


def _inspect(path: str) -> dict:
    import contextlib
    import io

    from kakao2dataset.cli import main

    with contextlib.redirect_stdout(io.StringIO()) as out:
        main.main(["inspect", "-q", "--lenient", path], standalone_mode=False)
    return {"messages": -1, "output_chars": len(out.getvalue())}


def worker(args) -> None:
    """One measurement; prints one JSON line. Imports happen before the clock starts."""
    tool, path, variant = args.worker, args.file, args.variant
    if tool == "baseline":
        run = lambda: _baseline(path, variant)  # noqa: E731
    elif tool == "ours":
        import kakao2dataset.exports  # noqa: F401
        from kakao2dataset.parsers.base import registered

        registered()
        run = lambda: _ours(path, variant)  # noqa: E731
    elif tool == "inspect":
        import kakao2dataset.cli  # noqa: F401
        from kakao2dataset.parsers.base import registered

        registered()
        run = lambda: _inspect(path)  # noqa: E731
    elif tool in ("full", "full-plain"):
        import kakao2dataset.anonymize  # noqa: F401
        import kakao2dataset.pipeline  # noqa: F401
        from kakao2dataset.parsers.base import registered

        registered()
        anonymize = tool == "full"
        run = lambda: _full(path, variant, args.persona, anonymize)  # noqa: E731
    else:
        from _peers import prepare_in_worker

        fn = prepare_in_worker(OUT, tool)
        run = lambda: {"messages": fn(path)}  # noqa: E731
    started = time.perf_counter()
    result = run()
    result["seconds"] = time.perf_counter() - started
    result["rss_mb"] = _peak_rss_mb()
    print(json.dumps(result, ensure_ascii=False))


def measure(tool: str, path: Path, variant: str, timeout: float, persona: str = "",
            tree: str | None = None) -> dict:
    """One measurement in a fresh process; ``tree``: import kakao2dataset from that checkout."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        tool,
        "--file",
        str(path),
        "--variant",
        variant,
        "--persona",
        persona,
    ]
    env = dict(os.environ, PYTHONUTF8="1", PYTHONHASHSEED="0")
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join([tree, *filter(None, [env.get("PYTHONPATH")])])
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout ({timeout:g} s)"}
    if done.returncode != 0:
        last = [x for x in done.stderr.strip().splitlines() if x.strip()]
        return {"error": "crashed: " + (last[-1] if last else f"exit {done.returncode}")[:110]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _best(results) -> dict:
    """The fastest of repeated measurements (an error only when every one failed)."""
    results = list(results)
    timed = [r for r in results if "seconds" in r]
    return min(timed, key=lambda r: r["seconds"]) if timed else results[0]


# --------------------------------------------------------------------------- table


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _row(variant, size, tool, result, meta) -> dict:
    row = {"layout": variant, "size": f"{size:g} MB", "tool": tool, **result}
    if result.get("messages") == -1:  # k2d inspect: counts printed, not returned
        row["messages"] = meta["messages"]
    if "seconds" in result:
        seconds = max(result["seconds"], 1e-9)
        row["mb_s"] = meta["bytes"] / MB / seconds
        row["msg_s"] = row["messages"] / seconds
    row["expected"] = meta["messages"]
    return row


def render_table(rows: list[dict]) -> str:
    head = (
        "| layout | size | tool | MB/s | messages/s | peak RSS MB | messages found / expected "
        "| vs baseline |"
    )
    out = [head, "|---|---|---|---:|---:|---:|---:|---:|"]
    base = {(r["layout"], r["size"]): r.get("mb_s") for r in rows if r["tool"] == BASELINE}
    for r in rows:
        if "mb_s" not in r:
            error = str(r.get("error", "n/a")).replace("|", "/")
            out.append(f"| {r['layout']} | {r['size']} | {r['tool']} | {error} | | | | |")
            continue
        found = f"{r['messages']:,} / {r['expected']:,}"
        if r["messages"] != r["expected"]:
            found += f" ({100 * r['messages'] / max(r['expected'], 1):.1f}%)"
        ref = base.get((r["layout"], r["size"]))
        ratio = f"{r['mb_s'] / ref:.2f}×" if ref else "–"
        out.append(
            f"| {r['layout']} | {r['size']} | {r['tool']} | {_fmt(r['mb_s'])} | "
            f"{_fmt(r['msg_s'], 0)} | {_fmt(r['rss_mb'], 0)} | {found} | {ratio} |"
        )
    return "\n".join(out)


# The fastest PyPI parser per layout in the README's last full run (10 MB, MB/s), for runs
# without --no-peers' measurements; a run that measures the peers uses its own figures.
PEER_REFERENCE_MB_S = {"K1": 5.5, "K3": 4.6, "K4": 7.2, "K5": 6.1, "K6": 0.6}
PEER_GOAL = 2.0  # issue #10: parse-only at least 2x the fastest PyPI parser of the layout


def render_goals(rows: list[dict]) -> str:
    """One line per layout and size: ours vs baseline (no goal since issue #10 withdrew the
    0.5x one), full vs parse-only next to its ceiling (the pipeline without the anonymizer vs
    parse-only), ours vs the fastest peer that ran or, without peers, the README's figure for
    it (goal: 2x)."""
    out = [
        "| layout | size | ours / baseline | full / parse-only "
        "| without anonymizer / parse-only | ours / fastest peer (≥ 2) "
        "| after / before: parse-only, full, inspect |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    keys = list(dict.fromkeys((r["layout"], r["size"]) for r in rows))
    for key in keys:
        group = {r["tool"]: r for r in rows if (r["layout"], r["size"]) == key}
        ours = group.get(OURS, {}).get("mb_s")
        base = group.get(BASELINE, {}).get("mb_s")
        base_ratio = f"{ours / base:.2f}" if ours and base else "–"
        full = group.get(FULL, {}).get("mb_s")
        full_ratio = f"{full / ours:.2f}" if full and ours else "–"
        plain = group.get(FULL_PLAIN, {}).get("mb_s")
        plain_ratio = f"{plain / ours:.2f}" if plain and ours else "–"
        ours_rows = (BASELINE, OURS, FULL, FULL_PLAIN, INSPECT)
        peers = [r["mb_s"] for t, r in group.items()
                 if t not in ours_rows and not t.endswith(BEFORE) and "mb_s" in r]
        peer, where = (max(peers), "") if peers else (PEER_REFERENCE_MB_S.get(key[0]), " (README)")
        if ours and peer:
            value = ours / peer
            peer_ratio = f"{value:.2f} {'✓' if value >= PEER_GOAL else '✗'}{where}"
        else:
            peer_ratio = "–"
        speedups = []
        for tool in (OURS, FULL, INSPECT):
            after = group.get(tool, {}).get("mb_s")
            before = group.get(tool + BEFORE, {}).get("mb_s")
            speedups.append(f"{after / before:.2f}" if after and before else "–")
        out.append(f"| {key[0]} | {key[1]} | {base_ratio} | {full_ratio} | {plain_ratio} | "
                   f"{peer_ratio} | {' / '.join(speedups)} |")
    return "\n".join(out)


# --------------------------------------------------------------------------- main

_TEXT_NOTE = {
    "varied": "text messages composed from a synthetic Korean/English vocabulary with names, "
    "numbers and URLs, see benchmarks/_chat_text.py",
    "phrases": "the conversation generator's ~40 fixed phrases; flatters the anonymizer",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10,100", help="export sizes in MB (default 10,100)")
    ap.add_argument(
        "--full-sizes",
        default="10",
        help="sizes (MB) on which the full k2d parse is measured too (default 10; "
        "'all' for every size)",
    )
    ap.add_argument(
        "--variants",
        default=",".join(DEFAULT_VARIANTS),
        help="comma-separated layouts, or 'all' for every K layout variants() "
        f"lists (default: {','.join(DEFAULT_VARIANTS)}: one per app and UI "
        "language, so the default run stays near 15 min on 2 cores)",
    )
    ap.add_argument("--no-peers", action="store_true", help="skip the PyPI parsers")
    ap.add_argument("--no-full", action="store_true", help="skip the full k2d parse rows")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="1 MB files (full parse included): a smoke run of a few seconds",
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--text",
        choices=TEXT_MODES,
        default="varied",
        help="message texts: 'varied' (default; composed chat, tens of thousands of distinct "
        "texts per 10 MB) or 'phrases' (the generator's ~40 fixed phrases, the old data)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds before a peer's run is reported as a timeout (default 60)",
    )
    ap.add_argument(
        "--before",
        help="a checkout of an earlier commit: every 'ours' row is measured on it too, "
        "labelled (before), in the same run (e.g. git worktree add /tmp/parse-before f240a66)",
    )
    ap.add_argument("--repeat", type=int, default=1,
                    help="measure each row N times and keep the fastest (default 1)")
    ap.add_argument("--no-inspect", action="store_true", help="skip the k2d inspect rows")
    ap.add_argument("--out", default=str(OUT / "bench_parse.md"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--persona", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return 0

    from _peers import PEERS, install

    from kakao2dataset.synthetic import variants as all_variants

    sizes = [1.0] if args.quick else [float(s) for s in args.sizes.split(",") if s.strip()]
    full_sizes = (
        set(sizes)
        if args.quick or args.full_sizes == "all"
        else {float(s) for s in args.full_sizes.split(",") if s.strip()}
    )
    if args.no_full:
        full_sizes = set()
    known = [v for v in all_variants() if v.startswith("K")]
    chosen = (
        known
        if args.variants.strip() == "all"
        else [v.strip() for v in args.variants.split(",") if v.strip()] or known
    )
    unknown = [v for v in chosen if v not in known]
    if unknown and args.variants != ",".join(DEFAULT_VARIANTS):
        ap.error(f"unknown layouts {unknown}; known: {', '.join(known)}")
    chosen = [v for v in chosen if v in known]

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    peer_state: dict[str, str | None] = {}
    if not args.no_peers:
        for name, peer in PEERS.items():
            if any(v in chosen for v in peer.variants):
                peer_state[name] = install(OUT, peer, log)
                if peer_state[name]:
                    log(f"{name}: {peer_state[name]}")

    rows: list[dict] = []
    started = time.perf_counter()
    for variant in chosen:
        for size in sizes:
            path, meta = generate(variant, size, args.seed, log, args.text)
            persona = meta["speakers"][1]
            ours: list[tuple[str, str]] = [(OURS, "ours")]
            if size in full_sizes:
                ours += [(FULL, "full"), (FULL_PLAIN, "full-plain")]
            if not args.no_inspect:
                ours.append((INSPECT, "inspect"))
            plan: list[tuple[str, str, str | None]] = []
            if variant in MESSAGE_LINE:
                plan.append((BASELINE, "baseline", None))
            for label, tool in ours:
                plan.append((label, tool, None))
                if args.before:
                    plan.append((label + BEFORE, tool, args.before))
            for name, peer in PEERS.items():
                if name in peer_state and variant in peer.variants:
                    plan.append((f"{name} {peer.version}", name, None))
            for label, tool, tree in plan:
                if tool in PEERS and peer_state.get(tool):
                    result = {"error": peer_state[tool]}
                else:
                    timeout = args.timeout if tool in PEERS else max(args.timeout, 3600)
                    result = _best(measure(tool, path, variant, timeout, persona, tree)
                                   for _ in range(max(1, args.repeat)))
                row = _row(variant, size, label, result, meta)
                rows.append(row)
                shown = (
                    f"{row['mb_s']:.1f} MB/s, {row['rss_mb']:.0f} MB RSS, "
                    f"{row['messages']}/{row['expected']}"
                    if "mb_s" in row
                    else row["error"]
                )
                log(f"  {variant:4} {size:g} MB  {label:38} {shown}")
                for warning in result.get("warnings", []):
                    log(f"    warning: {warning[:160]}")
    elapsed = time.perf_counter() - started

    command = "python benchmarks/bench_parse.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    notes = [
        f"Command: `{command.strip()}` — {datetime.now():%Y-%m-%d %H:%M}, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, {elapsed / 60:.1f} min.",
        f"Text: {args.text} ({_TEXT_NOTE[args.text]}).",
        "MB = 10^6 bytes; peak RSS is the measuring subprocess's (interpreter and imports "
        "included); every row is a fresh process. Baseline: one stdlib `re` match of the "
        "layout's message-line regex per line, counting matches (look-alike lines inside "
        "messages count too).",
    ]
    if args.before:
        notes.append(f"Before: `{args.before}` (rows marked (before), its kakao2dataset on "
                     "PYTHONPATH); after: this tree. "
                     f"Each row is the fastest of {max(1, args.repeat)} run(s); load average at "
                     f"the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.")
    if peer_state:
        notes.append(
            "Peers: "
            + "; ".join(
                f"{n} {PEERS[n].version} ({'not available: ' + s if s else 'installed'}; runs on "
                f"{', '.join(PEERS[n].variants)})"
                for n, s in peer_state.items()
            )
        )
    text = (
        "\n\n".join(
            [
                "## Parse throughput",
                *notes,
                render_table(rows),
                "### Goals (MB/s ratios of the same run)",
                render_goals(rows),
            ]
        )
        + "\n"
    )
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    (out.with_suffix(".json")).write_text(
        json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
