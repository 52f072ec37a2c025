"""One record per structured PII detector, registered by the module that writes the finder.

Three other places need to know what a finder reads: the gate chain in front of the finders
(:func:`.anonymizer._detectors_for`: skip a regex that cannot match), the plain path (:mod:`.plain`:
return a chat line untouched without any rule) and the leak guard (:mod:`.guard`: look at the
output again for what a detector would have caught). They used to keep their own copies of the
cue words, and the copies drifted: ``minji 앳 naver 닷컴`` was accepted by the e-mail finder but
its gate only opened on ``@``, ``골뱅이`` or ``at``. Now every one of them is derived from here,
and ``tests/test_anonymize_registry.py`` proves for every record that a closed gate means the
finder finds nothing.

A record says:

* ``kind`` and ``priority``: detectors run, and claim spans, in ascending priority (a span kept
  first cannot be overlapped by a later one), so priority *is* the type priority;
* ``find(text, context)``: the finder;
* ``min_digits``: the fewest ASCII digits of any match; for a detector with a ``gate`` of its
  own, of any match made only of characters the plain path lets through (no ``@ / : *``, no
  upper case): an IPv6 address needs no digit, but a colon;
* ``cues``: substrings (case-insensitive) the finder needs, one of them in every match (with a
  ``gate`` of its own: in every match the digit count alone does not let through);
  ``words``: cues the finder only reads as a whole whitespace-separated word (``at`` of
  ``minji at naver``), which the gate treats as substrings and the plain path as words;
* ``gate(text, digits)``: the cheap precondition; by default "some cue occurs" for a detector
  with cues, else "at least ``min_digits`` digits";
* ``context``: the finder reads the previous message (cue words such as 계좌);
* ``group``: which family it belongs to (``number`` detectors also join split numbers);
* ``guarded``: the leak guard runs it on the output too;
* ``plain_runs``: the plain path runs this finder on a line with a few digits (addresses);
* ``examples``: texts it must catch, for the property test and as documentation.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from kakao2dataset.anonymize.spans import Span

Finder = Callable[[str, str], Iterator[Span]]
Gate = Callable[[str, int], bool]

# The modules that register detectors; importing one registers its records.
_MODULES = ("web", "structured", "address", "secret")


@dataclass(frozen=True, slots=True)
class Detector:
    kind: str
    priority: int
    find: Finder
    min_digits: int = 0
    cues: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    gate: Gate | None = None
    context: bool = False
    group: str = ""
    guarded: bool = False
    examples: tuple[str, ...] = ()
    plain_runs: bool = False
    cue_pattern: re.Pattern | None = field(default=None, compare=False)

    def opens(self, text: str, digits: int) -> bool:
        """The gate: False only where ``find`` provably finds nothing."""
        if self.gate is not None:
            return self.gate(text, digits)
        if self.cue_pattern is not None:
            return self.cue_pattern.search(text) is not None
        return digits >= self.min_digits


_LATIN = re.compile("[A-Za-z]")


def cue_search(cues: Sequence[str]) -> re.Pattern:
    """A case-insensitive search for any of ``cues`` (the finders match case-insensitively).
    The standard ``re``: a literal alternation is all it does, and it does it faster; without
    case folding where no cue has a Latin letter (Hangul has no case)."""
    flags = re.IGNORECASE if any(_LATIN.search(c) for c in cues) else 0
    return re.compile("|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)), flags)


_REGISTRY: dict[str, list[Detector]] = {}  # module -> its records, in registration order
_LOADED = False


def register(module: str, *records: Detector) -> tuple[Detector, ...]:
    """Register ``records`` for ``module`` (a module name in :data:`_MODULES`); a module that is
    imported again (reload) replaces its records instead of adding copies."""
    built = tuple(
        r
        if r.cue_pattern is not None or not (r.cues or r.words)
        else Detector(**{**_fields(r), "cue_pattern": _cue_and_word_search(r.cues, r.words)})
        for r in records
    )
    _REGISTRY[module] = list(built)
    return built


def _cue_and_word_search(cues: Sequence[str], words: Sequence[str]) -> re.Pattern:
    """Cues anywhere, words only between whitespace (or the text's ends): the ``at`` of
    ``minji at naver``, not the one in ``<PLATE>`` or ``chat``."""
    parts = [re.escape(c) for c in sorted(cues, key=len, reverse=True)]
    parts += [rf"(?<!\S){re.escape(w)}(?!\S)" for w in words]
    flags = re.IGNORECASE if any(_LATIN.search(c) for c in (*cues, *words)) else 0
    return re.compile("|".join(parts), flags)


def _fields(r: Detector) -> dict:
    return {name: getattr(r, name) for name in Detector.__dataclass_fields__}


def detectors() -> tuple[Detector, ...]:
    """Every registered detector, by priority (then kind, so the order is total)."""
    global _LOADED
    if not _LOADED:
        for name in _MODULES:
            importlib.import_module(f"kakao2dataset.anonymize.{name}")
        _LOADED = True
    records = [r for rs in _REGISTRY.values() for r in rs]
    return tuple(sorted(records, key=lambda r: (r.priority, r.kind)))


def any_cue_search(cues: Sequence[str], words: Sequence[str] = ()) -> Callable[[str], object]:
    """``search(text)``: truthy when ``text`` holds any of ``cues`` or ``words`` (as in
    :func:`_cue_and_word_search`). A case-insensitive alternation is slow; cues without a Latin
    letter need no case folding, and the others are only looked for in a text with a Latin
    letter (few chat lines)."""
    cased = [c for c in cues if _LATIN.search(c)]
    cased_words = [w for w in words if _LATIN.search(w)]
    # Uncased words (none yet) are looked for anywhere: a superset of whole-word hits.
    uncased = [c for c in (*cues, *words) if not _LATIN.search(c)]
    plain = cue_search(uncased).search if uncased else None
    folded = _cue_and_word_search(cased, cased_words).search if cased or cased_words else None
    latin = _LATIN.search

    def search(text: str) -> object:
        return (plain is not None and plain(text)) or (
            folded is not None and latin(text) and folded(text)
        )

    return search


def compile_chain(records: Sequence[Detector], item: Callable[[Detector], object]):
    """``chosen(text, digits)``: ``item(r)`` for every record of ``records`` (in order) whose
    gate opens on ``text``; the same answer as asking each :meth:`Detector.opens`, cheaper:
    digit gates are integer compares, and one search for every cue at once closes all cue
    gates on the many texts that hold none (a text holding no cue holds no cue of any one)."""
    steps: list[tuple[int, object, list]] = []
    cues: list[str] = []
    words: list[str] = []
    for r in records:
        if r.gate is not None:
            mode, arg = 2, r.gate
        elif r.cue_pattern is not None:
            mode, arg = 1, r.cue_pattern.search
            cues.extend(r.cues)
            words.extend(r.words)
        else:
            mode, arg = 0, r.min_digits
        if steps and steps[-1][0] == mode and (steps[-1][1] == arg if mode != 1 else False):
            steps[-1][2].append(item(r))
        else:
            steps.append((mode, arg, [item(r)]))
    frozen = tuple((mode, arg, tuple(items)) for mode, arg, items in steps)
    any_cue = any_cue_search(cues, words) if cues or words else None
    customs = tuple(arg for mode, arg, _ in frozen if mode == 2)
    cap = max((arg for mode, arg, _ in frozen if mode == 0), default=0)
    known: dict[tuple, tuple] = {}

    def full(text: str, digits: int, cue: bool) -> tuple:
        out: list = []
        for mode, arg, items in frozen:
            if mode == 0:
                if digits >= arg:
                    out += items
            elif mode == 1:
                if cue and arg(text) is not None:
                    out += items
            elif arg(text, digits):
                out += items
        return tuple(out)

    def chosen(text: str, digits: int) -> tuple:
        if any_cue is not None and any_cue(text):
            return full(text, digits, True)
        # No cue (most texts): the answer depends only on the digit count (capped) and the
        # few gates of their own, so it is looked up.
        key = (min(digits, cap), *[gate(text, digits) for gate in customs]) if customs else digits
        if not customs and digits > cap:
            key = cap
        out = known.get(key)
        if out is None:
            out = known[key] = full(text, digits, False)
        return out

    return chosen


def group(name: str) -> tuple[Finder, ...]:
    return tuple(r.find for r in detectors() if r.group == name)


def context_finders() -> frozenset[Finder]:
    """The finders that read the previous message."""
    return frozenset(r.find for r in detectors() if r.context)


def guarded() -> tuple[Detector, ...]:
    """The detectors the leak guard runs again on the output."""
    return tuple(r for r in detectors() if r.guarded)


def plain_digit_limit() -> int:
    """A line with fewer digits than this opens no gate that counts digits alone, but those of
    the detectors marked ``plain_runs`` (addresses read one digit), which the plain path runs."""
    return min(r.min_digits for r in detectors() if not (r.cues or r.words or r.plain_runs))


def few_digit_finders() -> tuple[Finder, ...]:
    """The finders the plain path runs itself on a line with a few digits."""
    return tuple(r.find for r in detectors() if r.plain_runs)


def plain_cues() -> tuple[str, ...]:
    """Cues a plain word must not contain: those of the detectors that may match below the
    plain digit limit. Only the first whitespace piece of a cue is needed (a match that holds
    ``인증 번호`` holds ``인증`` inside one word)."""
    limit = plain_digit_limit()
    return tuple(
        dict.fromkeys(c.split()[0] for r in detectors() if r.min_digits < limit for c in r.cues)
    )


def plain_words() -> frozenset[str]:
    """Cues a plain line must not hold as a whole word (lower case: plain words have none)."""
    limit = plain_digit_limit()
    return frozenset(w.lower() for r in detectors() if r.min_digits < limit for w in r.words)
