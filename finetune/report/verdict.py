"""The verdict table: on each figure, is the adapter closer to the real person than few-shot?

"Closer" is the absolute difference to the real replies' figure; a difference below
``tie`` (relative to the larger of the two gaps) counts as a tie, so two identical numbers
never read as a win.

>>> rows = compare({"a": 1.0, "b": 5.0}, {"a": 1.1, "b": 2.0}, {"a": 3.0, "b": 4.0},
...                {"a": "A", "b": "B"})
>>> [r["closer"] for r in rows], summary(rows)
(['adapter', 'few-shot'], 'closer to the real person than few-shot on 1 of 2 figures (1 closer for few-shot, 0 ties)')
"""

from __future__ import annotations


def compare(real: dict, adapter: dict, few_shot: dict, labels: dict[str, str],
            tie: float = 1e-9) -> list[dict]:
    rows = []
    for key, label in labels.items():
        r, a, f = real[key], adapter[key], few_shot[key]
        gap_a, gap_f = abs(a - r), abs(f - r)
        if abs(gap_a - gap_f) <= tie * max(gap_a, gap_f, 1.0):
            closer = "tie"
        else:
            closer = "adapter" if gap_a < gap_f else "few-shot"
        rows.append({"figure": key, "label": label, "real": r, "adapter": a, "few_shot": f,
                     "closer": closer})
    return rows


def summary(rows: list[dict]) -> str:
    wins = sum(r["closer"] == "adapter" for r in rows)
    losses = sum(r["closer"] == "few-shot" for r in rows)
    ties = len(rows) - wins - losses
    return (f"closer to the real person than few-shot on {wins} of {len(rows)} figures "
            f"({losses} closer for few-shot, {ties} ties)")
