"""Build ``dev.jsonl`` and ``test.jsonl`` of the PII evaluation set (seeded, reproducible).

    python benchmarks/pii_eval/make_eval.py

Each line is a case: one to four consecutive messages, gold spans ``{msg, start, end, type,
value, gid}`` (``value`` is what must not survive), a template id and a variant. Hard negatives
have no gold span and must come out unchanged. Every value is synthetic (values.py).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import values as V
from templates import NEGATIVE, POSITIVE, SPLIT

HERE = Path(__file__).parent
SPEAKERS = {
    "dev": ({"김민지": "<PERSONA>", "이준호": "<USER>"}, {"김민지": ["밍지"]}),
    "test": ({"박서연": "<PERSONA>", "최도윤": "<USER>"}, {"박서연": ["서연쓰"]}),
}
PER_TYPE = 36
ENGLISH = {
    "dev": ["Emily", "James", "Sarah", "Kevin", "Laura"],
    "test": ["Olivia", "Daniel", "Grace", "Ryan", "Chloe"],
}
JAPANESE = {"dev": ["田中", "佐藤", "ゆい"], "test": ["鈴木", "高橋", "ハルカ"]}


def batchim(word: str) -> bool:
    c = word[-1]
    return "가" <= c <= "힣" and (ord(c) - 0xAC00) % 28 != 0


def fill(template: str, value: str) -> tuple[str, int]:
    start = template.index("{v}")
    text = template.replace("{v}", value, 1)
    text = re.sub(
        r"\{P:([^/]+)/([^}]+)\}", lambda m: m.group(1) if batchim(value) else m.group(2), text
    )
    return text, start


def speaker_forms(split: str) -> list[str]:
    speakers, nicks = SPEAKERS[split]
    forms = []
    for name in speakers:
        forms += [name, name[1:], name[1:], name[1:]]
    for extra in nicks.values():
        forms += extra
    return forms


def third_party(rng: random.Random, split: str, kind: str) -> str:
    if kind == "NAME_EN":
        return rng.choice(ENGLISH[split])
    if kind == "NAME_JA":
        return rng.choice(JAPANESE[split])
    if kind == "NAME_TITLE":
        return rng.choice(V.SURNAMES)
    given = V.given_name(rng, split)
    return rng.choice(V.SURNAMES) + given if rng.random() < 0.3 else given


def positives(rng: random.Random, split: str) -> list[dict]:
    cases = []
    for kind, templates in POSITIVE[split].items():
        n = PER_TYPE if kind not in ("NAME_EN", "NAME_JA", "NAME_TITLE") else 8
        n = 60 if kind == "SPEAKER" else 80 if kind == "NAME" else n
        for i in range(n):
            template = templates[i % len(templates)]
            if kind in V.GENERATORS:
                gen, variants = V.GENERATORS[kind]
                variant = variants[i % len(variants)]
                surface, value = gen(rng, variant)
            elif kind == "SPEAKER":
                variant, surface = "form", rng.choice(speaker_forms(split))
                value = surface
            else:
                variant, surface = kind.lower(), third_party(rng, split, kind)
                value = surface
            text, start = fill(template, surface)
            gold_type = "NAME" if kind.startswith("NAME") else kind
            gold = [
                {
                    "msg": 0,
                    "start": start,
                    "end": start + len(surface),
                    "type": gold_type,
                    "value": value,
                    "gid": 0,
                }
            ]
            cases.append({"template": f"{split}:{kind}:{templates.index(template)}", "type": gold_type,
                          "variant": variant, "messages": [text], "gold": gold})  # fmt: skip
    return cases


def split_cases(rng: random.Random, split: str) -> list[dict]:
    cases = []
    for i in range(PER_TYPE):
        t_index = i % 2
        template = SPLIT[split][t_index]
        if t_index == 0:
            _, value = V.phone(rng, "hyphen")
            kind = "PHONE"
        else:
            _, value = V.rrn(rng, "hyphen")
            kind = "RRN"
        parts = value.split("-")
        slots = dict(zip("abc", parts, strict=False))
        messages, gold = [], []
        for m_i, line in enumerate(template):
            text = line
            for slot, part in slots.items():
                token = "{" + slot + "}"
                if token in text:
                    start = text.index(token)
                    text = text.replace(token, part)
                    gold.append(
                        {
                            "msg": m_i,
                            "start": start,
                            "end": start + len(part),
                            "type": kind,
                            "value": value,
                            "gid": 0,
                        }
                    )
            messages.append(text)
        cases.append({"template": f"{split}:SPLIT:{t_index}", "type": kind, "variant": "split",
                      "messages": messages, "gold": gold})  # fmt: skip
    return cases


def negative_filler(rng: random.Random, name: str) -> str:
    y, mo, d = rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28)
    return {
        "date": rng.choice(
            [
                f"{y}-{mo:02d}-{d:02d}",
                f"{y}.{mo:02d}.{d:02d}.",
                f"{y % 100}.{mo:02d}.{d:02d}",
                f"{mo}/{d}",
                f"{y}{mo:02d}{d:02d}",
            ]
        ),
        "time": rng.choice(
            [
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                f"오후 {rng.randint(1, 11)}:{rng.randint(0, 59):02d}",
            ]
        ),
        "money": rng.choice(
            [
                f"{rng.randint(1, 99)},000원",
                f"{rng.randint(1, 50)}만원",
                f"{rng.randint(1, 99)}000원",
                f"{rng.randint(1, 9)},{rng.randint(100, 999)},{rng.randint(100, 999)}원",
                f"{rng.randint(1, 99)}00000원",
            ]
        ),
        "count": str(rng.randint(2, 40)),
        "emoji": rng.choice(["😂", "🥹", "👍", "🎉", "❤️", "🙏"]),
        "n": str(rng.randint(1, 12)),
        "order": str(rng.randint(10**13, 10**14 - 1)),
        "year": str(rng.randint(1988, 2026)),
        "score": f"{rng.randint(0, 9)}:{rng.randint(0, 9)}",
        "version": f"{rng.randint(10, 140)}.0.{rng.randint(1000, 29999)}.{rng.randint(1, 999)}",
        "receipt": f"{y}-{rng.randint(100000, 999999)}",
        "tracking": rng.choice(
            [
                f"{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                str(rng.randint(10**11, 10**12 - 1)),
            ]
        ),
    }[name]


def negatives(rng: random.Random, split: str) -> list[dict]:
    cases = []
    templates = NEGATIVE[split]
    for i in range(300):
        t_index = i % len(templates)
        text = re.sub(r"\{(\w+)\}", lambda m: negative_filler(rng, m.group(1)), templates[t_index])
        cases.append({"template": f"{split}:NEG:{t_index}", "type": "NEGATIVE", "variant": "",
                      "messages": [text], "gold": []})  # fmt: skip
    return cases


def main() -> None:
    for seed, split in ((11, "dev"), (23, "test")):
        rng = random.Random(seed)
        cases = positives(rng, split) + split_cases(rng, split) + negatives(rng, split)
        rng.shuffle(cases)
        speakers, nicks = SPEAKERS[split]
        with (HERE / f"{split}.jsonl").open("w", encoding="utf-8") as f:
            f.write(
                json.dumps(
                    {"meta": {"split": split, "speakers": speakers, "nicknames": nicks}},
                    ensure_ascii=False,
                )
                + "\n"
            )
            for i, case in enumerate(cases):
                f.write(json.dumps({"id": f"{split}-{i:04d}", **case}, ensure_ascii=False) + "\n")
        print(split, len(cases), "cases")


if __name__ == "__main__":
    main()
