"""Numbers split over consecutive messages: ``010`` ⏎ ``1234`` ⏎ ``5678``, ``900101-`` ⏎ ``1234568``.

Each message alone holds too few digits for any rule (and 3–4 digit runs must stay: times,
prices, room numbers), so the stream joins the trailing digit fragment of one message with the
leading fragment of the next (through messages that are nothing but a fragment) and runs the number
detectors on the joined string. A match — or 10+ digits in all — makes every fragment a forced
span of that type in its own message.
"""

from __future__ import annotations

import regex

from kakao2dataset.anonymize import registry
from kakao2dataset.anonymize.normalize import normalize
from kakao2dataset.anonymize.validators import digits_of

_TAIL = regex.compile(r"(?<![0-9A-Za-z])\+?[0-9](?:[0-9]|[ .\-](?=[0-9]))*[ .\-]?\s*$")
_HEAD = regex.compile(r"^\s*[.\-]?\s*[0-9](?:[0-9]|[ .\-](?=[0-9]))*(?![0-9A-Za-z])")
# A phone read out in Hangul numerals over two messages (``공일공`` ⏎ ``일이삼사 오육칠팔``): each
# part is too short for normalize to decode, so the fragments are decoded here. A numeral tail
# starts a word with a zero numeral and holds 3+ numerals; a numeral head holds 3+ numerals and
# is followed by nothing but a particle; the joined chain must then be a number a detector
# accepts (no 10-digit fallback: numerals are ordinary words too often).
_NUMERALS = "공영빵일이삼사오육륙칠팔구"
_ZEROS = frozenset("공영빵")
_NUMERAL_DIGIT = str.maketrans(_NUMERALS, "0001234566789")
_NUMERAL_TAIL = regex.compile(
    rf"(?<![\p{{Hangul}}0-9])[공영빵][{_NUMERALS}]{{2}}(?:[ \-]?[{_NUMERALS}]{{3,4}})?[ \-]?\s*$"
)
_NUMERAL_HEAD = regex.compile(
    rf"^\s*[\-]?\s*[{_NUMERALS}]{{3,4}}(?:[ \-]?[{_NUMERALS}]{{4}})?"
    r"(?=(?:이야|이고|이요|이에요|야|요)?(?![\p{Hangul}0-9]))"
)
MAX_CHAIN = 4
NUMBER_DETECTORS = registry.group("number")  # in priority order


def tail(text: str) -> tuple[int, int] | None:
    last = text.rstrip()[-1:]
    if last in _NUMERALS:  # many words end in 이, 일, 사, 오: a zero numeral first, cheaply
        end = text.rstrip()[-12:]  # a numeral tail is at most 3 + 1 + 4 + 1 characters long
        if _ZEROS.isdisjoint(end) or not _NUMERAL_TAIL.search(end):
            return None
        m = _NUMERAL_TAIL.search(normalize(text).text)
        return (m.start(), m.end()) if m else None
    if not (last.isdigit() or last in ("-", ".") or "\u20e3" in text[-3:]):
        return None
    m = _TAIL.search(normalize(text).text)
    return (m.start(), m.end()) if m else None


def _head(norm: str) -> regex.Match | None:
    return _HEAD.search(norm) or _NUMERAL_HEAD.search(norm)


def head(text: str) -> tuple[int, int] | None:
    m = _head(normalize(text).text)
    return (m.start(), m.end()) if m else None


def whole(text: str) -> bool:
    norm = normalize(text).text
    m = _head(norm)
    return m is not None and not norm[m.end() :].strip(" .-")


def classify(fragments: list[str], context: str) -> str | None:
    """The PII type of the joined fragments, or None. ``["010", "1234", "5678"]`` → ``PHONE``."""
    spoken = any(c in _NUMERALS for f in fragments for c in f)
    joined = "-".join(digits_of(f.translate(_NUMERAL_DIGIT)) for f in fragments)
    for detect in NUMBER_DETECTORS:
        for span in detect(joined, context):
            if span.start == 0 and span.end == len(joined):
                return span.kind
    return "NUMBER" if len(joined.replace("-", "")) >= 10 and not spoken else None


def forced_spans(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """For a window of consecutive message texts, the fragment spans (normalized coordinates of
    each message) that belong to a number split across messages."""
    forced: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    i = 0
    while i < len(texts) - 1:
        first = tail(texts[i])
        if first is None or head(texts[i + 1]) is None:
            i += 1
            continue
        parts = [(i, first)]
        j = i + 1
        while j < len(texts) and len(parts) < MAX_CHAIN:
            span = head(texts[j])
            if span is None:
                break
            parts.append((j, span))
            if not whole(texts[j]) or j + 1 >= len(texts):
                break
            j += 1
        norms = [normalize(texts[k]).text for k, _ in parts]
        kind = classify([n[s:e] for n, (_, (s, e)) in zip(norms, parts, strict=False)], texts[i])
        if kind is not None:
            for k, (s, e) in parts:
                forced[k].append((s, e, kind))
        i = max(j, i + 1)
    return forced
