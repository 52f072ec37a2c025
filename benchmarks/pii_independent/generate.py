"""Write the independent PII set: ``messages.jsonl`` (labelled truth) and ``renderings/``.

Run ``python benchmarks/pii_independent/generate.py`` (seeded: the same files every time).
The chat is a 1:1 between two made-up people over about a month: everyday filler, third-party
people mentioned in several forms each, the speakers calling each other by name, structured
values of every type the README promises and hard negatives that must stay. About a third of
the labelled lines are typed without spaces. Each session opens with an unlabelled greeting so
that every labelled message is a reply that some persona's pairs carry as a response.

One JSON line per message::

    {"id": 17, "speaker": "배수아", "text": "어제가을이랑밥먹었어", "unspaced": true,
     "lines": {"K1": 31, ...},
     "spans": [{"start": 2, "end": 5, "type": "name", "person": "T00", "form": "particle",
                "classes": ["ordinary_word", "given_2syl", "unspaced"], "keys": ["가을"]}]}

``keys`` are the strings whose survival in the anonymized message counts as a leak (names: the
given name or its 연음 spelling; digit values: every 4-digit window; e-mail / URL / IP /
address: the identifying part); for ``keep`` spans, the surface that must stay.
"""

from __future__ import annotations

import json
import random
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if not __package__:  # run as a script: make the package and the project importable
    sys.path[:0] = [str(HERE.parents[1])]
    __package__ = "benchmarks.pii_independent"  # noqa: A001

from kakao2dataset.synthetic import Conversation, SyntheticMessage, render  # noqa: E402

from .people import SPEAKERS, TITLES, Person, final_consonant, forms, leak_keys, people, yeoneum  # noqa: E402
from .phrases import FILLER, FILLER_TAILS, FORM_SLOTS, NAME_TEMPLATES, OPENERS, SPEAKER_LINES  # noqa: E402
from .values import BUILDERS, HARD_NEGATIVES, KO_DIGITS  # noqa: E402

VARIANTS = {"K1": "pc_ko", "K2": "pc_en", "K4": "android_ko", "K5'": "android_en"}
SEED = 20250301


def digit_windows(surface: str) -> list[str]:
    """Every 4-character window of each run of digits (or spoken Korean digits) in a value."""
    runs = re.findall(r"[0-9]{4,}", surface) + re.findall(f"[{KO_DIGITS}]{{4,}}", surface)
    return sorted({r[i:i + 4] for r in runs for i in range(len(r) - 3)})


def assemble(segments, unspaced: bool, speaker: str) -> dict:
    """Segments → text with spans; spaces dropped everywhere when the line is typed unspaced."""
    text, spans = "", []
    for piece, label in segments:
        piece = piece.replace(" ", "") if unspaced else piece
        if label is not None:
            span = {"start": len(text), "end": len(text) + len(piece), **label}
            core = [c.replace(" ", "") if unspaced else c for c in span.pop("core", [])]
            span["keys"] = _keys(span, piece, core)
            span["classes"] = span.get("classes", []) + ["unspaced" if unspaced else "spaced"]
            spans.append(span)
        text += piece
    return {"speaker": speaker, "text": text, "unspaced": unspaced, "spans": spans}


def _keys(span: dict, surface: str, core: list[str]) -> list[str]:
    if span["type"] in ("keep",):
        return [surface]
    if span["type"] in ("name", "speaker"):
        return span.pop("leak")
    return sorted(set(core) | set(digit_windows(surface))) or [surface]


def name_message(rng, person: Person, form: str, speaker: str, unspaced: bool) -> dict:
    slot = rng.choice(FORM_SLOTS[form])
    part, suffix = _surface(rng, person, form, slot)
    before, after = rng.choice(NAME_TEMPLATES[slot]).split("{}")
    label = {"type": "name", "person": person.pid, "form": form, "classes": person.classes(),
             "leak": leak_keys(person, part)}
    return assemble([(before, None), (part, label), (suffix + after, None)], unspaced, speaker)


PARTICLE = {"subj": ["가"], "topic": ["는"], "with": ["랑", "하고"], "to": ["한테"]}


def _surface(rng, p: Person, form: str, slot: str) -> tuple[str, str]:
    """The labelled name part and the unlabelled particle / title after it, fit to the slot."""
    g, cons = p.given, final_consonant(p.given[-1]) != 0
    gi = g + "이" if cons else g
    if form == "full":
        return p.full, "" if slot == "bare" else _josa(p.full, slot)
    if form == "given":
        return g, _josa(g, "topic") if slot == "topic" else ""
    if form == "given_i":
        return gi, ""
    if form == "particle":
        return gi, rng.choice(PARTICLE[slot])
    if form == "vocative":
        return g, "아" if cons else "야"
    if form in ("title", "full_title"):
        title = rng.choice(TITLES if form == "title" else [" 선생님", "씨", " 님", " 대리님"])
        name = p.full if form == "full_title" else g + ("이" if title == "형" and cons else "")
        return name, title + ("" if slot == "bare" else _josa(title, slot))
    if slot == "voc":
        return yeoneum(g, 0), ""
    return yeoneum(g, 20), rng.choice(PARTICLE[slot])


def _josa(word: str, slot: str) -> str:
    cons = (ord(word[-1]) - 0xAC00) % 28 != 0 if "가" <= word[-1] <= "힣" else False
    return {"subj": "이" if cons else "가", "topic": "은" if cons else "는",
            "with": "이랑" if cons else "랑", "to": "한테"}[slot]


def plan_mentions(rng, everyone: list[Person]) -> list[tuple[Person, str]]:
    """4-6 mentions per person, at least 3 different form classes; full names for every
    ordinary-word name (the issue: they leak even written in full)."""
    plan = []
    for person in everyone:
        available = list(forms(person))
        chosen = rng.sample(available, 3)
        if person.ordinary and "full" not in chosen:
            chosen[0] = "full"
        if "yeoneum" in available and "yeoneum" not in chosen and rng.random() < 0.7:
            chosen.append("yeoneum")
        chosen += rng.choices(available, k=rng.randint(1, 3))
        plan += [(person, form) for form in chosen]
    rng.shuffle(plan)
    return plan


def speaker_message(rng, speaker_idx: int, unspaced: bool) -> dict:
    other = SPEAKERS[1 - speaker_idx]
    template = rng.choice(SPEAKER_LINES)
    part = rng.choice([other, other[1:], other[1:]])
    before, after = template.split("{}")
    if after.startswith("아") and (ord(part[-1]) - 0xAC00) % 28 == 0:
        after = "야" + after[1:]
    if after.startswith("야") and (ord(part[-1]) - 0xAC00) % 28 != 0:
        after = "아" + after[1:]
    label = {"type": "speaker", "person": f"S{1 - speaker_idx}", "form": "full" if part == other else "given",
             "leak": [other[1:]]}
    return assemble([(before, None), (part, label), (after, None)], unspaced, SPEAKERS[speaker_idx])


def hard_negative(rng, cls: str, speaker: str, unspaced: bool) -> dict:
    sentence = rng.choice(HARD_NEGATIVES[cls])
    segments = []
    for i, piece in enumerate(re.split(r"\[\[|\]\]", sentence)):
        segments.append((piece, {"type": "keep", "form": cls} if i % 2 else None))
    return assemble(segments, unspaced and cls not in ("surname_word", "money", "count"), speaker)


def filler(rng, speaker: str, unspaced: bool) -> dict:
    text = rng.choice(FILLER) + rng.choice(FILLER_TAILS)
    return assemble([(text, None)], unspaced, speaker)


def build(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    everyone = people()
    items = [("name", m) for m in plan_mentions(rng, everyone)]
    items += [("speaker", None)] * 60
    items += [("value", (kind, i)) for kind in BUILDERS for i in range(12)]
    items += [("keep", cls) for cls in HARD_NEGATIVES for _ in range(14)]
    items += [("filler", None)] * (1150 - len(items))
    rng.shuffle(items)
    messages, who = [], 0
    for i, (kind, what) in enumerate(items):
        who = 1 - who if rng.random() < 0.65 else who
        if i % 45 == 0:  # the other speaker opens, so the first labelled line is a reply
            messages.append({**assemble([(rng.choice(OPENERS), None)], False, SPEAKERS[1 - who]), "opener": True})
        messages += _item(rng, kind, what, who, rng.random() < 0.35)
    return messages


def _item(rng, kind, what, who, unspaced) -> list[dict]:
    speaker = SPEAKERS[who]
    if kind == "name":
        return [name_message(rng, what[0], what[1], speaker, unspaced)]
    if kind == "speaker":
        return [speaker_message(rng, who, unspaced)]
    if kind == "keep":
        return [hard_negative(rng, what, speaker, unspaced)]
    if kind == "value":
        spaced_only = what[0] in ("phone", "passport", "email")  # their spaced forms are the point
        return [assemble(segs, unspaced and not spaced_only, speaker)
                for segs in BUILDERS[what[0]](rng, what[1])]
    return [filler(rng, speaker, unspaced)]


def timestamps(rng, messages: list[dict]) -> list[datetime]:
    """A few minutes apart; every opener follows a night's silence (a new session)."""
    now, out = datetime(2025, 3, 1, 9, 12), []
    for m in messages:
        now += timedelta(hours=rng.randint(9, 30)) if m.get("opener") else timedelta(minutes=rng.choice([0, 1, 1, 2, 3, 5, 8, 12, 25]))
        out.append(now)
    return out


def line_numbers(data: bytes, messages: list[dict]) -> list[int]:
    """1-based line of each message in a rendering (every message is one line)."""
    lines, out, j = data.decode("utf-8").split("\r\n" if b"\r\n" in data else "\n"), [], 0
    for no, line in enumerate(lines, 1):
        if j < len(messages) and line.endswith(messages[j]["text"]) and messages[j]["speaker"] in line:
            out.append(no)
            j += 1
    if j != len(messages):
        raise SystemExit(f"line map: matched {j} of {len(messages)} messages")
    return out


def main() -> None:
    messages = build()
    stamps = timestamps(random.Random(SEED + 1), messages)
    conv = Conversation(SPEAKERS, tuple(SyntheticMessage(t, m["speaker"], m["text"]) for m, t in zip(messages, stamps, strict=True)))
    out = HERE / "renderings"
    out.mkdir(exist_ok=True)
    for m_id, m in enumerate(messages):
        m["id"], m["lines"] = m_id, {}
    for variant, tag in VARIANTS.items():
        rendered = render(conv, variant)
        (out / f"{tag}.txt").write_bytes(rendered.data)
        for m, no in zip(messages, line_numbers(rendered.data, messages), strict=True):
            m["lines"][variant] = no
    tmp = HERE / "messages.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for m in messages:
            m.pop("opener", None)
            fh.write(json.dumps({k: m[k] for k in ("id", "speaker", "text", "unspaced", "lines", "spans")},
                                ensure_ascii=False) + "\n")
    tmp.replace(HERE / "messages.jsonl")
    print(f"{len(messages)} messages, {sum(len(m['spans']) for m in messages)} spans → {HERE}")


if __name__ == "__main__":
    main()
