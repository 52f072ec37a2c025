"""Score `k2d parse`'s anonymizer on the independent PII set, through the public CLI only.

    python benchmarks/pii_independent/score.py            # all four renderings
    python benchmarks/pii_independent/score.py --json     # the same figures as JSON
    python benchmarks/pii_independent/score.py --rendering K4

Each rendering is parsed twice, once with each speaker as the persona, so every reply of
either speaker is some pair's response. Every labelled message must come back in some output
(else the run is reported and exits 2: a message the scorer cannot see is not "caught").

What counts (written from the README's promise, not from the rules):

* a **name mention leaks** when one of its keys (the given name, its 연음 spelling, a
  two-syllable surname) occurs in the anonymized message more often than it occurs in the
  original outside the labelled spans; a **person is safe** only when none of their mentions
  leaks; *inconsistent* people have a caught mention and a leaked one;
* a **structured value is caught** when none of its keys (every 4-digit window of its digit
  runs, spoken digits included; the user part of an e-mail, a URL's handle, an IP, the road or
  lot with its number) survives the same way;
* a **hard-negative line is damaged** when any span that must stay is no longer there intact.

"all" columns are the strict reading: a mention that leaks in any rendering leaks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SPEAKERS = ("배수아", "류태오")
RENDERINGS = {"K1": "pc_ko.txt", "K2": "pc_en.txt", "K4": "android_ko.txt", "K5'": "android_en.txt"}
NAME_CLASSES = ["ordinary_word", "common", "uncommon", "given_1syl", "given_2syl", "given_3syl",
                "two_syllable_surname", "spaced", "unspaced"]
FORMS = ["full", "given", "given_i", "particle", "vocative", "title", "full_title", "yeoneum"]


def load_set(path: Path = HERE / "messages.jsonl") -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def iter_output_turns(out_dir: Path) -> Iterator[tuple[int, int, str]]:
    """(first_line, last_line, text) of each turn in a `k2d parse` output folder.

    The one place that knows the dataset format. Format 2 (conversations.jsonl): one record per
    conversation, each turn with its own ``lines`` [first, last] and ``text`` (its messages
    joined by newlines). Format 1 (pairs.jsonl, older outputs): one record per pair, whose
    ``response`` is the reply turn ending at ``last_line``. The matcher only relies on a turn
    ending at its last line and starting no earlier than its first."""
    conversations = out_dir / "conversations.jsonl"
    if conversations.is_file():
        with conversations.open(encoding="utf-8") as fh:
            for line in fh:
                for turn in json.loads(line)["turns"]:
                    yield turn["lines"][0], turn["lines"][1], turn["text"]
        return
    with (out_dir / "pairs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            yield record["first_line"], record["last_line"], record["response"]


def match_turns(turns, messages: list[dict], variant: str) -> dict[int, str]:
    """Message id → its anonymized text: a turn of k lines is the k messages ending at its
    last line (every message of the set is one line of the export)."""
    by_line = sorted((m["lines"][variant], m["id"]) for m in messages)
    index = {line: i for i, (line, _) in enumerate(by_line)}
    found = {}
    for first, last, text in turns:
        if last not in index:
            raise SystemExit(f"{variant}: an output turn ends at line {last}, which holds no message")
        parts = text.split("\n")
        end = index[last]
        for k, part in enumerate(reversed(parts)):
            if end - k < 0 or by_line[end - k][0] < first:
                raise SystemExit(f"{variant}: turn ending at line {last} has more parts than lines")
            found[by_line[end - k][1]] = part
    return found


def _benign(text: str, spans: list[dict], key: str) -> int:
    masked = list(text)
    for s in spans:
        if s["type"] != "keep":
            masked[s["start"]:s["end"]] = "\0" * (s["end"] - s["start"])
    return "".join(masked).count(key)


def judge(message: dict, out: str) -> list[bool]:
    """Per span: True when it failed (a leak, or for a keep span, damage)."""
    text, spans = message["text"], message["spans"]
    verdicts = []
    for s in spans:
        if s["type"] == "keep":
            verdicts.append(out.count(s["keys"][0]) < text.count(s["keys"][0]))
        else:
            verdicts.append(any(out.count(k) > _benign(text, spans, k) for k in s["keys"]))
    return verdicts


def run_parse(export: Path, persona: str, out_dir: Path, extra: tuple[str, ...] = ()) -> float:
    """Run `k2d parse` in its own process; returns its CPU seconds (user + system)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "kakao2dataset", "parse", str(export), "--persona-speaker", persona,
           "-o", str(out_dir), "-q", "--min-pairs", "1", *extra]
    with (out_dir.parent / f"{out_dir.name}.log").open("wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = (out_dir.parent / f"{out_dir.name}.log").read_text(errors="replace")[-2000:]
        raise SystemExit(f"k2d parse {export.name} --persona-speaker {persona} failed:\n{tail}")
    return usage.ru_utime + usage.ru_stime


def collect(variants: list[str], messages: list[dict], jobs: int, work: Path):
    """Parse every rendering with each persona → ({variant: {id: text}}, cpu seconds, bytes,
    cpu seconds of the same runs with --no-anonymize: the difference is the anonymizer's)."""
    runs = [(v, p, work / f"{v.replace(chr(39), 'p')}-{i}") for v in variants for i, p in enumerate(SPEAKERS)]
    plain = [(v, p, d.with_name(d.name + "-plain"), ("--no-anonymize",)) for v, p, d in runs]
    with ThreadPoolExecutor(jobs) as pool:
        cpus = list(pool.map(lambda r: run_parse(HERE / "renderings" / RENDERINGS[r[0]], *r[1:]), runs + plain))
    outputs = defaultdict(dict)
    for variant, _, out_dir in runs:
        outputs[variant].update(match_turns(iter_output_turns(out_dir), messages, variant))
    size = sum((HERE / "renderings" / RENDERINGS[v]).stat().st_size for v, _, _ in runs)
    return outputs, sum(cpus[:len(runs)]), size, sum(cpus[len(runs):])


def verdicts(messages, outputs: dict[int, str]) -> dict[tuple[int, int], bool]:
    out = {}
    for m in messages:
        if m["spans"] and m["id"] in outputs:
            for i, failed in enumerate(judge(m, outputs[m["id"]])):
                out[(m["id"], i)] = failed
    return out


def _ratio(good: int, total: int) -> dict:
    return {"ok": good, "total": total, "rate": round(good / total, 3) if total else None}


def summarize(messages: list[dict], failed: dict[tuple[int, int], bool]) -> dict:
    """The figures from span verdicts (True = leaked / damaged)."""
    spans = [(m, i, s) for m in messages for i, s in enumerate(m["spans"]) if (m["id"], i) in failed]
    names = [(s, failed[(m["id"], i)]) for m, i, s in spans if s["type"] == "name"]
    by_person = defaultdict(list)
    for s, leak in names:
        by_person[s["person"]].append(leak)
    counts = lambda rows: _ratio(sum(not f for _, f in rows), len(rows))  # noqa: E731
    structured = [(s, failed[(m["id"], i)]) for m, i, s in spans if s["type"] not in ("name", "speaker", "keep")]
    keep_lines = defaultdict(list)
    for m, i, s in spans:
        if s["type"] == "keep":
            keep_lines[(m["id"], s["form"])].append(failed[(m["id"], i)])
    damaged = {}
    for (mid, _form), fs in keep_lines.items():
        damaged[mid] = damaged.get(mid, False) or any(fs)
    return {
        "names_per_mention": counts(names),
        "people_safe": _ratio(sum(not any(v) for v in by_person.values()), len(by_person)),
        "people_inconsistent": sum(any(v) and not all(v) for v in by_person.values()),
        "names_by_class": {c: counts([r for r in names if c in r[0]["classes"]]) for c in NAME_CLASSES},
        "names_by_form": {f: counts([r for r in names if r[0]["form"] == f]) for f in FORMS},
        "speakers": counts([(s, failed[(m["id"], i)]) for m, i, s in spans if s["type"] == "speaker"]),
        "structured_all": counts(structured),
        "structured_by_type": {t: counts([r for r in structured if r[0]["type"] == t])
                               for t in sorted({s["type"] for s, _ in structured})},
        "structured_by_form": {f"{t}/{f}": counts([r for r in structured if (r[0]["type"], r[0]["form"]) == (t, f)])
                               for t, f in sorted({(s["type"], s["form"]) for s, _ in structured})},
        "hard_negative_lines": {"damaged": sum(damaged.values()), "lines": len(damaged),
                                "damaged_pct": round(100 * sum(damaged.values()) / max(len(damaged), 1), 2)},
        "hard_negatives_by_class": {form: _ratio(sum(not any(fs) for (_, f2), fs in keep_lines.items() if f2 == form),
                                                 sum(1 for (_, f2) in keep_lines if f2 == form))
                                    for form in sorted({f for _, f in keep_lines})},
    }


def unlabelled_changed(messages, outputs: dict[int, str]) -> dict:
    rows = [m for m in messages if not m["spans"] and m["id"] in outputs]
    return _ratio(sum(outputs[m["id"]] != m["text"] for m in rows), len(rows))


def score(variants: list[str], jobs: int = 2) -> dict:
    messages = load_set()
    with tempfile.TemporaryDirectory(prefix="pii_independent-") as tmp:
        outputs, cpu, size, cpu_plain = collect(variants, messages, jobs, Path(tmp))
    labelled = [m["id"] for m in messages if m["spans"]]
    per = {v: verdicts(messages, outputs[v]) for v in variants}
    strict = defaultdict(bool)
    for v in variants:
        for key, f in per[v].items():
            strict[key] |= f
    return {
        "renderings": variants,
        "set": {"messages": len(messages), "labelled": len(labelled),
                "people": len({s["person"] for m in messages for s in m["spans"] if s["type"] == "name"})},
        "missing": {v: sum(1 for i in labelled if i not in outputs[v]) for v in variants},
        "all": summarize(messages, dict(strict)),
        "per_rendering": {v: summarize(messages, per[v]) for v in variants},
        "unlabelled_lines_changed": {v: unlabelled_changed(messages, outputs[v]) for v in variants},
        "throughput": {"bytes": size, "cpu_s": round(cpu, 2),
                       "mb_per_cpu_s": round(size / 1e6 / cpu, 3) if cpu else None,
                       "cpu_s_no_anonymize": round(cpu_plain, 2),
                       "anonymizer_mb_per_cpu_s": round(size / 1e6 / (cpu - cpu_plain), 3) if cpu > cpu_plain else None},
    }


def _fmt(r: dict) -> str:
    return f"{r['rate']:.3f} ({r['ok']}/{r['total']})" if r["total"] else "—"


def report(result: dict) -> str:
    a, lines = result["all"], []
    lines.append(f"independent PII set: {result['set']['messages']} messages, {result['set']['labelled']} "
                 f"labelled, {result['set']['people']} third-party people; renderings {', '.join(result['renderings'])}")
    lines.append(f"missing from every output: {result['missing']}")
    lines.append("measure (strict: failed in any rendering) | " + " | ".join(result["renderings"]))
    row = lambda label, get: lines.append(  # noqa: E731
        f"  {label:<38} {get(a):<22}" + "".join(f" {get(r):<22}" for r in result["per_rendering"].values()))
    row("third-party names, per mention", lambda s: _fmt(s["names_per_mention"]))
    row("people with no leaked mention", lambda s: _fmt(s["people_safe"]))
    row("people caught once and missed once", lambda s: str(s["people_inconsistent"]))
    for c in NAME_CLASSES:
        row(f"  names: {c}", lambda s, c=c: _fmt(s["names_by_class"][c]))
    for f in FORMS:
        row(f"  names form: {f}", lambda s, f=f: _fmt(s["names_by_form"][f]))
    row("speakers' names", lambda s: _fmt(s["speakers"]))
    row("structured values, all types", lambda s: _fmt(s["structured_all"]))
    for t in a["structured_by_type"]:
        row(f"  {t}", lambda s, t=t: _fmt(s["structured_by_type"][t]))
    for t in a["structured_by_form"]:
        row(f"    {t}", lambda s, t=t: _fmt(s["structured_by_form"][t]))
    row("hard-negative lines damaged (%)", lambda s: f"{s['hard_negative_lines']['damaged_pct']} "
        f"({s['hard_negative_lines']['damaged']}/{s['hard_negative_lines']['lines']})")
    for c in a["hard_negatives_by_class"]:
        row(f"  kept intact: {c}", lambda s, c=c: _fmt(s["hard_negatives_by_class"][c]))
    lines.append("unlabelled (filler) lines changed: " + ", ".join(
        f"{v} {_fmt(r)}" for v, r in result["unlabelled_lines_changed"].items()))
    t = result["throughput"]
    lines.append(f"throughput: {t['bytes'] / 1e6:.2f} MB of chat in {t['cpu_s']} CPU-s of k2d parse processes "
                 f"= {t['mb_per_cpu_s']} MB/CPU-s (whole process: start-up, parsing, pairing included)")
    lines.append(f"  the same runs with --no-anonymize: {t['cpu_s_no_anonymize']} CPU-s; anonymizer alone "
                 f"(the difference, kiwipiepy's load included): {t['anonymizer_mb_per_cpu_s']} MB/CPU-s")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rendering", action="append", choices=list(RENDERINGS), help="default: all")
    ap.add_argument("--jobs", type=int, default=2, help="k2d parse processes at once")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    result = score(args.rendering or list(RENDERINGS), args.jobs)
    print(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) if args.json else report(result))
    return 2 if any(result["missing"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
