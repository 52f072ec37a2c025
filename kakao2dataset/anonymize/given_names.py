"""A Korean given-name model: how name-like a string of syllables is, from syllable statistics.

Word lists only know the names someone wrote down; people are called 아름솔, 은결, 하람. The
model scores a candidate given name by the log probability of its syllables at their positions
(first syllable, then second) in real given names (``data/given_name_syllables.txt``, with its
source and licence in ``data/README.md``), averaged per syllable, so one-, two- and
three-syllable names are compared on one scale. A name needs the syllables of names *and* a
context that says person (a particle people take, a title, a vocative): the model only answers
the first question.

>>> score("민준") > NAME_LIKE > score("마라")
True
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import regex

NAME_LIKE = -3.4  # mean log10 per syllable: 민준 -1.5, 하람 -2.8, 아름솔 -3.3; 마라 -4.0, 찐친 -9
_UNSEEN = -9.0


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[float, float]]:
    text = resources.files("kakao2dataset").joinpath("data/given_name_syllables.txt").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            syllable, first, second = line.split("\t")
            table[syllable] = (float(first), float(second))
    return table


def score(given: str) -> float:
    """Mean log10 probability per syllable of ``given`` as a given name (first syllable at the
    first position, every later one at the second; a one-syllable name takes its better one)."""
    if not given:
        return _UNSEEN
    table = _table()
    if len(given) == 1:
        return max(table.get(given, (_UNSEEN, _UNSEEN)))
    total = table.get(given[0], (_UNSEEN, _UNSEEN))[0]
    total += sum(table.get(c, (_UNSEEN, _UNSEEN))[1] for c in given[1:])
    return total / len(given)


def name_like(given: str) -> bool:
    return score(given) >= NAME_LIKE


# A three-syllable stem then what follows people: euphonic 이 + particle, a person particle, a
# vocative, 씨/님 (아름솔이랑, 빛나리한테, 은하수야).
_THREE = regex.compile(r"([가-힣]{3})(이(?:가|는|랑|한테|에게|야|를|도)|한테|에게|랑|야|아|씨|님)")


def three_syllable_stem(word: str) -> str | None:
    """The stem of ``word`` when it is a name-like three-syllable given name followed by what
    follows people, the 이 / 아 forms after a final consonant and 야 / 랑 after a vowel only.
    The name finder adds Kiwi's say (an unknown or rare word, not 고양이랑); the candidate gate
    uses this alone, so it is a necessary condition of that rule.

    >>> three_syllable_stem("아름솔이랑"), three_syllable_stem("아름솔야"), three_syllable_stem("그러니까")
    ('아름솔', None, None)
    """
    m = _THREE.fullmatch(word)
    if m is None:
        return None
    stem, tail = m.groups()
    final = (ord(stem[-1]) - 0xAC00) % 28 != 0
    if (tail[0] == "이" or tail == "아") and not final:
        return None
    if tail in ("야", "랑") and final:
        return None
    return stem if name_like(stem) else None
