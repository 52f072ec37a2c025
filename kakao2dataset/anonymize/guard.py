"""The leak guard: a last look at the *output* that fails closed.

Whatever the detectors missed, a run of 7+ digits, an e-mail, a URL or a known name must not reach
a dataset. The guard folds the output again (full-width digits, zero-width splits), and each hit is
replaced (or only flagged, in audit mode) and the line counted. Dates (``2024-11-24``,
``20241124``), money (``15000000원``) and numbers after an order/tracking cue are not identifiers.

>>> guard("코드 8812345 확인", None, "<NUMBER>")
('코드 <NUMBER> 확인', ['NUMBER'])
>>> guard("2024-11-24 15000000원", None, "<NUMBER>")
('2024-11-24 15000000원', [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import regex

from kakao2dataset.anonymize import registry
from kakao2dataset.anonymize.normalize import normalize
from kakao2dataset.anonymize.structured import ORDER_CUES
from kakao2dataset.anonymize.validators import count_digits, digits_of, yyyymmdd_date

# Digit groups joined by a dot, a dash with up to three spaces either side (``920431  - 1234567``:
# a number typed with odd spacing is still one number), or a space before 3+ digits.
_DIGIT_RUN = regex.compile(
    r"(?<![0-9])[0-9]+(?:(?:\.|\s{0,3}-\s{0,3}|\s(?=[0-9]{3}))[0-9]+)*(?![0-9])"
)
_DATE = regex.compile(
    r"(?<![0-9])(?:(?:19|20)\d{2}[-./](\d{1,2})[-./](\d{1,2})\.?|\d{2}[./](\d{1,2})[./](\d{1,2})\.?"
    r"|(?:19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))(?![0-9])"
)


def _blank_date(m: regex.Match) -> str:
    month, day = (int(g) for g in m.groups() if g is not None)
    return " " if 1 <= month <= 12 and 1 <= day <= 31 else m.group()


_MONEY_AFTER = regex.compile(
    r"^\s?(?:원|만|천|억|달러|불|엔|위안|유로|won|krw|usd)", regex.IGNORECASE
)
_ORDER_BEFORE = regex.compile(
    "(?:" + "|".join(regex.escape(c) for c in ORDER_CUES) + ")[^0-9]{0,12}$", regex.IGNORECASE
)
# A version string (``131.0.6778.86``, ``10.0.19045.3693``): four or more dotted groups, none
# with a leading zero, of uneven lengths (a number typed in groups has equal groups but maybe
# a shorter last one: ``4111.1111.1111.1111``, ``123.456.789.0``), or dotted groups after a
# version cue. A phone typed with dots (``010.1234.5678``) has three groups and is still caught.
_DOTTED = regex.compile(r"\d+(?:\.\d+)+")
# The cue may take a particle or a colon (``버전은 4.2.1.1234``, ``펌웨어: ...``); firmware, build
# and patch numbers are versions too, as are the OS names people quote them after.
_VERSION_BEFORE = regex.compile(
    r"(?:버전|version|ver\.?|v|크롬|chrome|ios|android|안드로이드|윈도우|windows|macos|"
    r"펌웨어|firmware|빌드|build|패치|patch)(?:은|는|이|:)?\s?:?\s?$",
    regex.IGNORECASE,
)
# The detectors the guard runs again on the output (e-mails, spelled ones too; URLs).
_GUARDED = registry.compile_chain(registry.guarded(), lambda r: r)
_GUARD_DIGITS = any(r.min_digits or r.gate for r in registry.guarded())


def _exempt(text: str, m: regex.Match) -> bool:
    if len(digits_of(m.group())) < 7:
        return True
    if all(yyyymmdd_date(digits_of(chunk)) for chunk in m.group().split()):
        return True
    if not digits_of(_DATE.sub(_blank_date, m.group())):  # only dates: 2024-01-05-2024-01-07
        return True
    if _MONEY_AFTER.match(text[m.end() : m.end() + 6]) or text[
        max(0, m.start() - 1) : m.start()
    ] in ("₩", "$"):
        return True
    if _DOTTED.fullmatch(m.group()) and _version(text, m):
        return True
    return _ORDER_BEFORE.search(text[max(0, m.start() - 20) : m.start()]) is not None


def _version(text: str, m: regex.Match) -> bool:
    groups = m.group().split(".")
    lengths = [len(g) for g in groups]
    if (
        len(groups) >= 4
        and all(g == "0" or not g.startswith("0") for g in groups)
        and len(set(lengths[:-1])) > 1
    ):
        return True
    return _VERSION_BEFORE.search(text[max(0, m.start() - 12) : m.start()]) is not None


def guard(
    text: str,
    names: Callable[[str], Iterable[tuple[int, int, str]]] | None,
    number_placeholder: str,
    name_placeholder=None,
    placeholders: dict[str, str] | None = None,
    replace: bool = True,
) -> tuple[str, list[str]]:
    """Return ``(text, kinds_hit)``. ``names(text)`` yields ``(start, end, surface)`` of known
    names; ``name_placeholder(surface)`` gives a name's replacement."""
    norm = normalize(text)
    t = norm.text
    hits: list[tuple[int, int, str, str]] = []
    if count_digits(t) >= 7:
        for m in _DIGIT_RUN.finditer(t):
            if not _exempt(t, m):
                hits.append((m.start(), m.end(), "NUMBER", number_placeholder))
    for record in _GUARDED(t, count_digits(t) if _GUARD_DIGITS else 0):
        repl = (placeholders or {}).get(record.kind, f"<{record.kind}>")
        hits.extend((s.start, s.end, record.kind, repl) for s in record.find(t, ""))
    if names is not None and name_placeholder is not None:
        for start, end, surface in names(norm.text):
            hits.append((start, end, "NAME", name_placeholder(surface)))
    hits = _non_overlapping(hits)
    if not replace or not hits:
        return text, [h[2] for h in hits]
    out = text
    for start, end, _kind, repl in sorted(hits, reverse=True):
        o_start, o_end = norm.original_span(start, end)
        out = out[:o_start] + repl + out[o_end:]
    return out, [h[2] for h in hits]


def _non_overlapping(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    kept: list[tuple[int, int, str, str]] = []
    for h in sorted(hits, key=lambda h: (h[0], -(h[1] - h[0]))):
        if not kept or h[0] >= kept[-1][1]:
            kept.append(h)
    return kept
