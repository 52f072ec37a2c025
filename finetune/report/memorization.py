"""Memorization: does a generated reply reproduce a long span of a training turn verbatim?

A persona that answers "want to eat together?" with a real line about a class schedule has
copied its training data — a quality problem (the line is torn from its situation) and a
privacy one (the line may say something about a real day). The check works on token
sequences: a reply is flagged when it shares a run of at least ``min_tokens`` consecutive
tokens with one training turn. The report uses kiwipiepy morphemes (:func:`morphemes`), not
the model's tokenizer: a byte-level BPE splits one Hangul syllable into up to three ids, so
"8 tokens" would mean three characters on one base and a sentence on another.

>>> index = SpanIndex([[1, 2, 3, 4, 5]], min_tokens=3)
>>> index.longest([9, 2, 3, 4, 8])
(3, 0)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


class SpanIndex:
    """All ``min_tokens``-grams of the training turns → the turns they occur in."""

    def __init__(self, train: Sequence[Sequence[Hashable]], min_tokens: int = 8):
        if min_tokens < 1:
            raise ValueError(f"min_tokens must be >= 1, got {min_tokens}")
        self.train = [list(t) for t in train]
        self.n = min_tokens
        self.grams: dict[tuple, list[int]] = {}
        for i, turn in enumerate(self.train):
            for j in range(len(turn) - self.n + 1):
                owners = self.grams.setdefault(tuple(turn[j:j + self.n]), [])
                if not owners or owners[-1] != i:
                    owners.append(i)

    def longest(self, reply: Sequence[Hashable]) -> tuple[int, int | None]:
        """→ ``(length of the longest verbatim run shared with one training turn, that turn's
        index)``; ``(0, None)`` when no run reaches ``min_tokens``."""
        reply = list(reply)
        best, where = 0, None
        for start in range(len(reply) - self.n + 1):
            for turn_i in self.grams.get(tuple(reply[start:start + self.n]), ()):
                length = _extend(reply, start, self.train[turn_i])
                if length > best:
                    best, where = length, turn_i
        return best, where


def _extend(reply: list, start: int, turn: list) -> int:
    """Longest run starting at ``reply[start]`` that occurs in ``turn`` (naive, turns are short)."""
    best = 0
    for j in range(len(turn)):
        k = 0
        while start + k < len(reply) and j + k < len(turn) and reply[start + k] == turn[j + k]:
            k += 1
        best = max(best, k)
    return best


def morphemes(text: str) -> list[str]:
    """The morpheme forms of a text (kiwipiepy), punctuation and ㅋㅋ included."""
    from finetune.report.style import _kiwi

    return [t.form for t in _kiwi().tokenize(text)]


@dataclass(frozen=True)
class Copy:
    reply: int  # index of the generated reply
    train: int  # index of the training turn it copies from
    tokens: int  # length of the shared run


def check(replies: Sequence[Sequence[Hashable]], index: SpanIndex) -> tuple[float, list[Copy]]:
    """→ ``(share of replies with a verbatim run >= min_tokens, copies longest first)``."""
    copies = []
    for i, reply in enumerate(replies):
        length, where = index.longest(reply)
        if where is not None:
            copies.append(Copy(i, where, length))
    copies.sort(key=lambda c: (-c.tokens, c.reply))
    return (len(copies) / len(replies) if replies else 0.0), copies
