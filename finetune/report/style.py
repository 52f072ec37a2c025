"""Style figures of a set of replies: the numbers a person reads a voice off.

Every function takes a list of reply strings (one persona turn each; the messages of a turn
are joined with ``\\n`` by ``k2d parse``) and returns plain numbers, so "real", "adapter" and
"few-shot" replies are measured by exactly the same code.

>>> char_rate(["ㅋㅋ 좋아", "ㅋ"], "ㅋ")   # 3 of 5 characters (spaces do not count)
0.6
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence

LAUGH_SETS = {"ㅋ": "ㅋ", "ㅎ": "ㅎ", "ㅠ": "ㅠㅜ"}  # ㅠ and ㅜ are both crying
PUNCTUATION = set(".,!?~…;:")
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F900-\U0001F9FF\u2764\u263A\u2665]")
_POLITE = re.compile(r"(요|죠|니다|니까|십시오|세요)$")


def _chars(replies: Iterable[str]) -> list[str]:
    """All non-whitespace characters: the denominator of every rate, so a reply padded with
    spaces or newlines does not look calmer."""
    return [c for r in replies for c in r if not c.isspace()]


def char_rate(replies: Sequence[str], chars: str) -> float:
    """Share of non-space characters that are one of ``chars`` (0.0 for no text)."""
    every = _chars(replies)
    return sum(c in chars for c in every) / len(every) if every else 0.0


def emoji_rate(replies: Sequence[str]) -> float:
    every = _chars(replies)
    return sum(bool(_EMOJI.match(c)) for c in every) / len(every) if every else 0.0


def punctuation_rate(replies: Sequence[str]) -> float:
    return char_rate(replies, "".join(sorted(PUNCTUATION)))


def mean_chars(replies: Sequence[str]) -> float:
    """Mean reply length in characters, newlines between messages not counted."""
    return sum(len(r.replace("\n", "")) for r in replies) / len(replies) if replies else 0.0


def mean_messages(replies: Sequence[str]) -> float:
    """Mean number of messages per turn (non-empty ``\\n``-separated lines)."""
    if not replies:
        return 0.0
    return sum(max(1, sum(bool(x.strip()) for x in r.split("\n"))) for r in replies) / len(replies)


@functools.cache
def _kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


def sentence_endings(replies: Sequence[str]) -> list[str]:
    """The final endings (kiwipiepy tag ``EF``) of every sentence, in order of appearance."""
    kiwi = _kiwi()
    out = []
    for reply in replies:
        for line in reply.split("\n"):
            if line.strip():
                out += [t.form for t in kiwi.tokenize(line) if t.tag == "EF"]
    return out


def is_polite(ending: str) -> bool:
    """존댓말 endings: -요, -죠, -(습)니다, -(습)니까, -세요, -십시오. Everything else is 반말."""
    return bool(_POLITE.search(ending))


def ending_figures(replies: Sequence[str], top: int = 5) -> dict:
    """→ ``{"endings": n, "polite_share": share of 존댓말 endings, "top": [[ending, share]]}``."""
    endings = sentence_endings(replies)
    if not endings:
        return {"endings": 0, "polite_share": 0.0, "top": []}
    counts = Counter(endings)
    return {"endings": len(endings),
            "polite_share": sum(is_polite(e) for e in endings) / len(endings),
            "top": [[e, n / len(endings)] for e, n in counts.most_common(top)]}


_CONTENT_TAGS = ("NNG", "NNP", "VV", "VA", "MAG", "IC", "XR")


def words(text: str) -> list[str]:
    """Content words (nouns, verb/adjective stems, adverbs, interjections) of one text."""
    return [t.form for t in _kiwi().tokenize(text) if t.tag.startswith(_CONTENT_TAGS)]


def distinctive_words(persona_texts: Sequence[str], other_texts: Sequence[str],
                      top: int = 20, min_count: int = 2) -> list[str]:
    """The persona's top words: frequent in their own turns and rarer in what others wrote.

    Score = persona frequency x log-ratio against the others' frequency (add-one smoothed);
    only words the persona used at least ``min_count`` times.
    """
    import math

    mine = Counter(w for t in persona_texts for w in words(t))
    theirs = Counter(w for t in other_texts for w in words(t))
    n_mine, n_theirs = sum(mine.values()) or 1, sum(theirs.values()) or 1
    scored = []
    for w, n in mine.items():
        if n < min_count:
            continue
        ratio = (n / n_mine) / ((theirs[w] + 1) / (n_theirs + len(mine)))
        if ratio > 1:
            scored.append((n * math.log(ratio), w))
    return [w for _, w in sorted(scored, key=lambda x: (-x[0], x[1]))[:top]]


def distinctive_usage(replies: Sequence[str], vocabulary: Sequence[str]) -> float:
    """Share of the persona's top words that appear at least once in the replies."""
    if not vocabulary:
        return 0.0
    used = {w for r in replies for w in words(r)}
    return sum(w in used for w in vocabulary) / len(vocabulary)


def _tokens(reply: str) -> list[str]:
    return reply.split()


def distinct_n(replies: Sequence[str], n: int = 2) -> float:
    """Unique word n-grams / all word n-grams over the whole set (1.0 = nothing repeats)."""
    grams = [tuple(t[i:i + n]) for r in replies for t in [_tokens(r)]
             for i in range(len(t) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def repetition(replies: Sequence[str]) -> float:
    """Share of replies that are an exact copy of another reply in the same set (a model stuck
    on one answer scores high; a person rarely sends the very same turn twice)."""
    if not replies:
        return 0.0
    counts = Counter(r.strip() for r in replies)
    return sum(counts[r.strip()] > 1 for r in replies) / len(replies)


# The scalar figures compared in the verdict: key -> (label, function of the replies).
SCALARS = {
    "chars_per_turn": "reply length (characters)",
    "messages_per_turn": "messages per turn",
    "rate_ㅋ": "ㅋ per character",
    "rate_ㅎ": "ㅎ per character",
    "rate_ㅠ": "ㅠ/ㅜ per character",
    "emoji_rate": "emoji per character",
    "punctuation_rate": "punctuation per character",
    "polite_share": "존댓말 share of endings",
    "distinctive_usage": "persona's top words used",
    "distinct_2": "distinct-2 (variety)",
    "repetition": "repeated replies",
}


def figures(replies: Sequence[str], vocabulary: Sequence[str]) -> dict:
    """All style figures of one reply set (the keys of :data:`SCALARS` plus ``endings``)."""
    endings = ending_figures(replies)
    out = {"replies": len(replies),
           "chars_per_turn": mean_chars(replies),
           "messages_per_turn": mean_messages(replies)}
    for key, chars in LAUGH_SETS.items():
        out[f"rate_{key}"] = char_rate(replies, chars)
    out |= {"emoji_rate": emoji_rate(replies),
            "punctuation_rate": punctuation_rate(replies),
            "polite_share": endings["polite_share"],
            "top_endings": endings["top"],
            "distinctive_usage": distinctive_usage(replies, vocabulary),
            "distinct_1": distinct_n(replies, 1),
            "distinct_2": distinct_n(replies, 2),
            "repetition": repetition(replies)}
    return out
