"""Names we already know: the speakers' forms and third parties learned during an export.

``name_key`` gives a person's identity (given name), ``speaker_variants`` the forms people type
for a display name, ``FormIndex`` finds a growing set of forms fast, ``NameBook`` numbers
third parties ``<NAME_1>``, ``<NAME_2>``… in order of first appearance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import add

import regex

from kakao2dataset.anonymize.lexicon import SURNAMES, TWO_SYLLABLE_SURNAMES

_BRACKETS = regex.compile(r"[\(\[\{（【<「].*?[\)\]\}）】>」]")
# Native forms made of these scripts only (Hangul syllables, kana, CJK ideographs) never share a
# character with a Latin match, so their alternation may run on its own in the stdlib engine
# (literal strings, no case folding: the same matches, compiled and searched ~2x faster).
_PLAIN_SCRIPT = re.compile(r"[가-힣\u3040-\u30ff\u3005\u3400-\u4dbf\u4e00-\u9fff]+")


def name_key(name: str) -> str:
    """The identity of a Korean name: ``김민지`` → ``민지``, ``남궁민수`` → ``민수``, ``민지`` → ``민지``."""
    if len(name) == 3 and name[0] in SURNAMES:
        return name[1:]
    if len(name) == 4 and name[:2] in TWO_SYLLABLE_SURNAMES:
        return name[2:]
    return name


def speaker_variants(display: str, nicknames: Iterable[str] = ()) -> list[str]:
    """Forms of a display name people type in chat, longest first.

    >>> speaker_variants("김민지 (회사)", ["밍지"])
    ['김민지', '민지', '밍지']
    >>> speaker_variants("Minji Kim")
    ['Minji Kim', 'Minji']
    >>> speaker_variants("★민지🌸")
    ['★민지🌸', '민지']
    """
    core = _BRACKETS.sub(" ", display).strip() or display.strip()
    forms = {core, *(n.strip() for n in nicknames if n.strip())}
    for token in regex.findall(r"[가-힣]+|[A-Za-z][A-Za-z'-]+", core):  # emoji, ★, _ split
        if 2 <= len(token) <= 5 and not token.isascii():
            forms.update({token, name_key(token)})
        elif token.isascii() and len(token) >= 2:
            forms.add(token)
    if regex.fullmatch(r"[A-Za-z][A-Za-z'-]+(?:\s[A-Za-z][A-Za-z'-]+)+", core):
        forms.discard(core.split()[-1])  # an English surname alone is too common a word
    forms = {f for f in forms if len(f) >= 2}
    return sorted(forms, key=lambda f: (-len(f), f))


def _alternation(forms: Iterable[str]) -> str:
    return "|".join(regex.escape(f) for f in sorted(forms, key=len, reverse=True))


def _trie(forms: Iterable[str]) -> str:
    """A pattern matching the longest of ``forms`` that starts here, as the alternation sorted
    longest first does, with one branch per distinct next character instead of one per form.
    Children of a node differ in their first character, so at most one can match the text; a
    node that ends a form tries its children first and the end last, so the deepest form wins.

    >>> _trie(["혜인", "혜인이", "하윤"])
    '(?:하윤|혜인(?:이|))'
    """
    root: dict = {}
    for form in forms:
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(root)


def _node_pattern(node: dict) -> str:
    branches = [re.escape(ch) + _node_pattern(child) for ch, child in sorted(node.items()) if ch]
    if "" in node and branches:
        branches.append("")
    if not branches:
        return ""
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def compile_names(forms: Iterable[str]) -> regex.Pattern | None:
    """One pattern for many names; Hangul names must not continue a Hangul word on the left,
    Latin names are whole words (case-insensitive)."""
    forms = list(forms)
    if not forms:
        return None
    return regex.compile(
        rf"(?<![가-힣])(?:{_alternation(forms)})|(?<![A-Za-z])(?i:{_alternation(f for f in forms if f.isascii())})(?![A-Za-z])"
        if any(f.isascii() for f in forms)
        else rf"(?<![가-힣])(?:{_alternation(forms)})"
    )


class FormIndex:
    """Find known name forms fast while the set keeps growing (names learned mid-export).

    Forms live in compiled alternations, rebuilt only when more than ``batch`` new forms are
    pending; pending forms are found with ``str.find`` meanwhile. ``anywhere=False``: a form
    must not continue a word on its left (``혜인이가`` yes, ``주혜인`` no); Latin forms are whole
    words, case-insensitive.

    >>> idx = FormIndex(); idx.add("혜인"); idx.add("Emily")
    >>> list(idx.find("어제 혜인이가 emily랑 왔어"))
    [(3, 5, '혜인'), (8, 13, 'emily')]
    """

    def __init__(self, anywhere: bool = False, batch: int = 8) -> None:
        self.anywhere = anywhere
        self.batch = batch
        self.forms: set[str] = set()
        self.order: list[str] = []  # the forms in the order added (only ever grows)
        self._pending: list[str] = []
        self._pattern: regex.Pattern | None = None
        self._native_re: re.Pattern | None = None  # native forms apart, see _PLAIN_SCRIPT
        # The gate in front of the search (see :meth:`_may_hit`): first characters and first two
        # characters of every form, native and Latin (lower-cased) apart.
        self._native_first: set[str] = set()
        self._native_heads: set[str] = set()
        self._latin_first: set[str] = set()
        self._latin_heads: set[str] = set()
        # Bumped whenever what :meth:`find` returns may change (a form added, a rebuild), so a
        # caller may reuse a result for the same text while it is unchanged.
        self.generation = 0

    def add(self, form: str, defer: bool = False) -> None:
        """Add ``form``; ``defer``: never rebuild here (the caller adds many, then rebuilds)."""
        form = form.lower() if form.isascii() else form
        if len(form) >= 2 and form not in self.forms:
            self.generation += 1
            self.forms.add(form)
            self.order.append(form)
            self._pending.append(form)
            if form.isascii():
                self._latin_first.add(form[0])
                self._latin_heads.add(form[:2])
            else:
                self._native_first.add(form[0])
                self._native_heads.add(form[:2])
            if len(self._pending) > self.batch and not defer:
                self.rebuild()

    def rebuild(self) -> None:
        """Compile every form into the pattern now (call after a bulk load)."""
        native = [f for f in self.forms if not f.isascii()]
        latin = [f for f in self.forms if f.isascii()]
        left = "" if self.anywhere else r"(?<![가-힣A-Za-z])"
        parts = []
        self._native_re = None
        if native and all(_PLAIN_SCRIPT.fullmatch(f) for f in native):
            # No native match can overlap or start where a Latin one does, so the hits of the
            # two patterns together are the hits of the one alternation ``native|latin``.
            # The lookahead names every form's first character: it changes no match, and the
            # engine then skips to the next such character instead of trying the lookbehind
            # and the trie's first branches at every position (~2x faster on chat lines).
            first = "".join(sorted({re.escape(f[0]) for f in native}))
            self._native_re = re.compile(rf"(?=[{first}]){left}(?:{_trie(native)})")
        elif native:
            parts.append(rf"{left}(?:{_alternation(native)})")
        if latin:
            parts.append(rf"(?<![A-Za-z])(?i:{_alternation(latin)})(?![A-Za-z])")
        self._pattern = regex.compile("|".join(parts)) if parts else None
        self._pending = []
        self.generation += 1

    def _may_hit(self, text: str) -> bool:
        """False when no form can occur in ``text``: every hit starts with a form's first two
        characters (native forms exactly; Latin ones in any case, so they are looked for in the
        case-folded text, which covers what the case-insensitive pattern matches). Most chat
        lines hold no known name, and this test costs far less than the search. The pairs
        ``text[i:i + 2]`` are made by ``map(add, text, text[1:])`` so the loop runs in C."""
        if not self._native_first.isdisjoint(text) and not self._native_heads.isdisjoint(
            map(add, text, text[1:])
        ):
            return True
        if self._latin_first:
            folded = text.casefold()
            if not self._latin_first.isdisjoint(folded):
                return not self._latin_heads.isdisjoint(map(add, folded, folded[1:]))
        return False

    def find(self, text: str) -> list[tuple[int, int, str]]:
        # The gate (a necessary condition for any hit) is worth its ~2 us only in front of the
        # general pattern: the native trie skips to candidate characters on its own, and a few
        # pending forms cost a str.find each.
        hits = []
        if self._native_re is not None:
            hits = [(m.start(), m.end(), m.group()) for m in self._native_re.finditer(text)]
        if self._pattern is not None and self._may_hit(text):
            hits += [(m.start(), m.end(), m.group()) for m in self._pattern.finditer(text)]
        low = None
        for form in self._pending:
            if form.isascii():
                low = text.lower() if low is None else low
                haystack = low
            else:
                haystack = text
            start = haystack.find(form)
            while start >= 0:
                if self._boundary_ok(haystack, start, start + len(form), form):
                    hits.append((start, start + len(form), form))
                start = haystack.find(form, start + 1)
        if not hits:
            return hits
        if len(hits) > 1:
            hits.sort(key=lambda h: (h[0], h[0] - h[1]))
        kept, kept_end = [], -1
        for start, end, form in hits:
            if start >= kept_end:
                kept_end = end
                kept.append((start, end, form.lower() if form.isascii() else form))
        return kept

    def _boundary_ok(self, text: str, start: int, end: int, form: str) -> bool:
        before = text[start - 1] if start else " "
        if form.isascii():
            after = text[end : end + 1]
            return not (before.isascii() and before.isalpha()) and not (
                after.isascii() and after.isalpha()
            )
        return self.anywhere or not (
            "가" <= before <= "힣" or (before.isascii() and before.isalpha())
        )


class NameBook:
    """Third-party names of one export: key → ``<NAME_k>`` in order of first appearance.

    ``anchored`` holds forms that must start a word; ``glued`` forms found anywhere, even
    inside an unspaced line (long context forms of learned people: ``어제하준이랑영화``).
    ``cut[surface]``: how much of a surface is the name (``가을이가`` → 2); the rest is kept."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.surfaces: dict[str, str] = {}  # surface form (Latin lower-cased) → key
        self.cut: dict[str, int] = {}
        self.anchored = FormIndex(anywhere=False)
        self.glued = FormIndex(anywhere=True)
        self.order: list[str] = []  # every surface, in the order learned (only ever grows)

    @property
    def generation(self) -> tuple[int, int]:
        return self.anchored.generation, self.glued.generation

    def learn(
        self, surface: str, key: str, cut: int | None = None, glued: bool = False,
        defer: bool = False,
    ) -> int:
        if key not in self.index:
            self.index[key] = len(self.index) + 1
        surface = surface.lower() if surface.isascii() else surface
        if len(surface) >= 2 and surface not in self.surfaces:
            self.surfaces[surface] = key
            if cut is not None and cut < len(surface):
                self.cut[surface] = cut
            (self.glued if glued else self.anchored).add(surface, defer)
            self.order.append(surface)
        return self.index[key]

    def rebuild(self) -> None:
        for index in (self.anchored, self.glued):
            if index._pending:  # noqa: SLF001
                index.rebuild()

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Hits of both indexes, left to right, the longer one where two overlap."""
        hits = self.anchored.find(text)
        if self.glued.forms:
            more = self.glued.find(text)
            if more:
                hits = sorted(hits + more, key=lambda h: (h[0], h[0] - h[1]))
                kept, end = [], -1
                for hit in hits:
                    if hit[0] >= end:
                        kept.append(hit)
                        end = hit[1]
                hits = kept
        return hits
