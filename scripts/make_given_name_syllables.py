"""Rebuild ``given_name_syllables.txt`` from korean-name-generator 1.0.1 (MIT, see README.md).

    pip download korean-name-generator==1.0.1 --no-deps -d /tmp/kng && unzip /tmp/kng/*.whl -d /tmp/kng
    python scripts/make_given_name_syllables.py /tmp/kng/korean_name_generator/trained_data.py

The package holds, per sex and per given-name position (first, second syllable), jamo counts
over a list of real names: initial consonant, vowel given initial, final given vowel and final
given initial (arrays with runs of zeros stored as one negative number). The probability of a
syllable at a position is the generator's own product P(cho) P(jung|cho) P(jong|jung) P(jong|cho),
normalised over all 11,172 syllables; both sexes are averaged. Not used at run time.
"""

from __future__ import annotations

import math
import runpy
import sys
from pathlib import Path


def _uncompress(values: list[int]) -> list[int]:
    out: list[int] = []
    for v in values:
        out.extend([0] * -v if v < 0 else [v])
    return out


def _position(tables: list[list[int]]) -> list[float]:
    cho, jung, jong_v, jong_c = (_uncompress(t) for t in tables)
    pad = lambda a, n: a + [0] * (n - len(a))  # noqa: E731
    cho, jung, jong_v, jong_c = pad(cho, 19), pad(jung, 19 * 21), pad(jong_v, 21 * 28), pad(jong_c, 19 * 28)
    scores = []
    total_cho = sum(cho) or 1
    for c in range(19):
        row = jung[c * 21 : c * 21 + 21]
        total_row = sum(row) or 1
        for v in range(21):
            weights = [jong_v[v * 28 + f] * jong_c[c * 28 + f] for f in range(28)]
            total_w = sum(weights) or 1
            for f in range(28):
                scores.append(cho[c] / total_cho * row[v] / total_row * weights[f] / total_w)
    return scores


def main(path: str) -> None:
    data = runpy.run_path(path)
    first = [0.0] * 11172
    second = [0.0] * 11172
    for sex in data["firstNames"]:
        for pos, acc in ((0, first), (1, second)):
            for i, p in enumerate(_position(sex[pos])):
                acc[i] += p / 2
    out = Path(__file__).resolve().parent.parent / "kakao2dataset" / "data" / "given_name_syllables.txt"
    lines = [
        "# Korean given-name syllable probabilities, first and second syllable (log10).",
        "# Derived from korean-name-generator 1.0.1 (PyPI), trained_data.py, MIT licence,",
        "# Copyright (c) 2019 Jinui You; see kakao2dataset/data/README.md for the licence and the derivation.",
        "# syllable\tlog10_p_first\tlog10_p_second",
    ]
    for i in range(11172):
        if first[i] >= 1e-6 or second[i] >= 1e-6:
            f = f"{math.log10(first[i]):.2f}" if first[i] > 0 else "-9"
            s = f"{math.log10(second[i]):.2f}" if second[i] > 0 else "-9"
            lines.append(f"{chr(0xAC00 + i)}\t{f}\t{s}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(lines) - 4} syllables)")


if __name__ == "__main__":
    main(sys.argv[1])
