"""Person names: the two speakers (known from the export) and third parties in the text.

Speakers are caught by dictionary: every form people actually type (full name, given name
without a one-syllable surname, English first name, nicknames) followed by anything, so
``민지야``/``민지가``/``민지씨`` all match. Only the name part is replaced and the particle is
kept (``민지야`` → ``<PERSONA>야``): the particle is grammar the model should learn, and 야/아,
가/이 were chosen by the real name, so a serving app that fills the placeholder back in with that
name gets correct Korean.

Third parties need a morphological analyzer (kiwipiepy), which runs at ~0.3 MB/s — far too slow
for every message. So Kiwi sees each distinct Hangul word (eojeol) once, alone, and the verdict
is cached: chat vocabulary is Zipfian, so after the first few thousand messages almost every word
is a cache hit. A word yields a name when Kiwi tags a proper noun (NNP) that is not a place or
brand, a noun followed by a vocative particle (``하늘아``), or a surname followed by a title
(``김대리``). A name found once is remembered and replaced everywhere after (``NameBook``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import regex

from kakao2dataset.anonymize.lexicon import (
    ADDRESS_TERMS,
    DISTRICTS,
    ENGLISH_NAMES,
    HONORIFIC_STOP,
    NAME_SYLLABLES,
    NOT_PEOPLE,
    PLACE_SUFFIXES,
    SLANG,
    SURNAME_TITLE_WORDS,
    SURNAMES,
    TITLES,
    TWO_SYLLABLE_SURNAMES,
    WEAK_PLACE_SUFFIXES,
)
from kakao2dataset.anonymize.spans import Claims, Span

_HANGUL_RUN = regex.compile(r"[가-힣]{2,12}")
_BRACKETS = regex.compile(r"[\(\[\{（【<「].*?[\)\]\}）】>」]")
_JOB_TITLES = "대리|과장|부장|차장|팀장|실장|사장|주임|선생님|교수님|원장님|감독님|코치님|작가님|기자님|변호사님|박사님"
_SURNAME_TITLE = regex.compile(
    rf"(?<![가-힣])([{''.join(sorted(SURNAMES))}])\s?(?=(?:{_JOB_TITLES}))"
)
_ENGLISH = regex.compile(
    r"(?<![A-Za-z])(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s[A-Z][a-z]+|(?:"
    + "|".join(sorted(ENGLISH_NAMES, key=len, reverse=True))
    + r"))(?![a-z])"
)
_TITLE_GATE = regex.compile(_JOB_TITLES)
# KakaoTalk/LINE mentions: ``@지수``, ``@minji_88`` (not an e-mail: nothing word-like before @).
_MENTION = regex.compile(
    r"(?<![A-Za-z0-9._%+-])@([가-힣]{2,4}|[A-Za-z][A-Za-z0-9_]{2,29})(?![A-Za-z0-9_]*[.@])"
)
_FOREIGN_GATE = regex.compile(r"[A-Z\p{Han}ぁ-ゖァ-ヺ]")
_HONORIFIC = regex.compile(r"(?<![가-힣])([가-힣]{2,3})(?=\s?(?:씨|님)(?:[가-힣]{0,3})(?![가-힣]))")
# A stem then a particle that (almost) only follows people: 한테/에게/랑/하고/께, or the euphonic
# 이 that consonant-final given names take before any particle (혜인이가, 서진이는).
_PERSON_PARTICLE = regex.compile(r"([가-힣]{2,3}?)(이?(?:한테|에게|랑|하고|께))")
_EUPHONIC = regex.compile(r"([가-힣]{2,3}?)(이(?:가|는|도|를|네|만|처럼|의|랑|야|고|나|라도))")
_JAPANESE = regex.compile(
    r"(?:[\p{Han}々]{1,4}|[ァ-ヺー]{2,8}|[ぁ-ゖ]{2,4})(?=さん|くん|君|ちゃん|様|先輩|先生|氏)"
)


def _has_final_consonant(word: str) -> bool:
    return (ord(word[-1]) - 0xAC00) % 28 != 0


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
        self._pending: list[str] = []
        self._pattern: regex.Pattern | None = None

    def add(self, form: str) -> None:
        form = form.lower() if form.isascii() else form
        if len(form) >= 2 and form not in self.forms:
            self.forms.add(form)
            self._pending.append(form)
            if len(self._pending) > self.batch:
                self.rebuild()

    def rebuild(self) -> None:
        """Compile every form into the pattern now (call after a bulk load)."""
        native = [f for f in self.forms if not f.isascii()]
        latin = [f for f in self.forms if f.isascii()]
        left = "" if self.anywhere else r"(?<![가-힣A-Za-z])"
        parts = []
        if native:
            parts.append(rf"{left}(?:{_alternation(native)})")
        if latin:
            parts.append(rf"(?<![A-Za-z])(?i:{_alternation(latin)})(?![A-Za-z])")
        self._pattern = regex.compile("|".join(parts)) if parts else None
        self._pending = []

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self._pattern is None and not self._pending:
            return []
        hits = []
        if self._pattern is not None:
            hits = [(m.start(), m.end(), m.group()) for m in self._pattern.finditer(text)]
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
    """Third-party names of one export: key → ``<NAME_k>`` in order of first appearance."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.surfaces: dict[str, str] = {}  # surface form (Latin lower-cased) → key
        self.anchored = FormIndex(anywhere=False)

    def learn(self, surface: str, key: str) -> int:
        if key not in self.index:
            self.index[key] = len(self.index) + 1
        surface = surface.lower() if surface.isascii() else surface
        if len(surface) >= 2 and surface not in self.surfaces:
            self.surfaces[surface] = key
            self.anchored.add(surface)
        return self.index[key]


@lru_cache(maxsize=1)
def shared_kiwi():
    """One analyzer per process (loading the model takes ~1 s and ~300 MB). It is never
    modified (no user words), so sharing it between anonymizers leaks nothing between exports:
    speakers are matched by dictionary before Kiwi sees a word."""
    from kiwipiepy import Kiwi

    return Kiwi()


class NameFinder:
    """Third-party name detector (see module docstring); ``kiwi=None`` builds one lazily."""

    def __init__(
        self, book: NameBook, protected: Iterable[str] = (), kiwi=None, cache_size: int = 200_000
    ):
        self.book = book
        self.protected = frozenset(protected)  # allow-list words and speakers' forms
        self._kiwi = kiwi
        self._cache: dict[str, tuple[int, int, str] | None] = {}
        self._cache_size = cache_size

    @property
    def kiwi(self):
        if self._kiwi is None:
            self._kiwi = shared_kiwi()
        return self._kiwi

    def find(self, text: str, claims: Claims) -> Iterator[Span]:
        """Yield name spans in ``text`` that do not overlap ``claims`` (key set on each)."""
        yield from self._known(text)
        if _TITLE_GATE.search(text):
            for m in _SURNAME_TITLE.finditer(text):
                title = regex.match(_JOB_TITLES, text[m.end() :].lstrip())
                if text[m.start(1) : m.end() + len(title.group())] in SURNAME_TITLE_WORDS:
                    continue
                yield Span(m.start(1), m.end(1), "NAME", 0.7, key=m.group(1) + " " + title.group())
        if "씨" in text or "님" in text:
            for m in _HONORIFIC.finditer(text):
                stem = m.group(1)
                if self._person_like(stem) and stem not in HONORIFIC_STOP:
                    yield Span(m.start(1), m.end(1), "NAME", 0.6, key=name_key(stem))
        if "@" in text:
            for m in _MENTION.finditer(text):
                if self._person_like(m.group(1)) or m.group(1).isascii():
                    yield Span(m.start(1), m.end(1), "NAME", 0.8, key=name_key(m.group(1)))
        if _FOREIGN_GATE.search(text):
            for m in _ENGLISH.finditer(text):
                yield Span(m.start(), m.end(), "NAME", 0.6, key=m.group())
            for m in _JAPANESE.finditer(text):
                yield Span(m.start(), m.end(), "NAME", 0.7, key=m.group())
        runs = list(_HANGUL_RUN.finditer(text))
        if claims.spans:
            runs = [m for m in runs if claims.free(m.start(), m.end())]
        self._analyze([m.group() for m in runs if m.group() not in self._cache])
        for m in runs:
            verdict = self._cache.get(m.group())
            if verdict is not None:
                start, end, key = verdict
                yield Span(m.start() + start, m.start() + end, "NAME", 0.6, key=key)

    def _known(self, text: str) -> Iterator[Span]:
        for start, end, surface in self.book.anchored.find(text):
            yield Span(start, end, "NAME", 0.9, key=self.book.surfaces[surface])

    def _analyze(self, words: list[str]) -> None:
        if not words:
            return
        if len(self._cache) > self._cache_size:
            self._cache.clear()
        words = list(dict.fromkeys(words))
        for word, tokens in zip(words, self.kiwi.tokenize(words), strict=True):
            self._cache[word] = self._verdict(word, tokens)

    def _verdict(self, word: str, tokens) -> tuple[int, int, str] | None:
        return (
            self._token_rules(word, tokens)
            or self._shape_rules(word, tokens)
            or self._split_pair(word, tokens)
        )

    def _token_rules(self, word: str, tokens) -> tuple[int, int, str] | None:
        """Kiwi's own tags: NNP, noun + vocative, surname + title, unknown (oov) nouns that are
        a surname + 2 syllables or sit before a particle people take (한테/랑/euphonic 이)."""
        for i, tok in enumerate(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            form, start = tok.form, tok.start
            if word[start : start + len(form)] != form or not regex.fullmatch(r"[가-힣]+", form):
                continue
            if tok.tag == "NNP" and len(form) == 1 and form in SURNAMES and nxt is not None:
                if nxt.form in TITLES and nxt.start == start + 1:
                    return start, start + 1, form + " " + nxt.form
                glued = form + nxt.form
                if (
                    nxt.tag in ("NNG", "NNP")
                    and len(nxt.form) <= 2
                    and word.startswith(glued, start)
                ):
                    return start, start + len(glued), name_key(glued)
            nnp_name = tok.tag == "NNP" and len(form) <= 4
            vocative = (
                tok.tag in ("NNG", "NNP")
                and nxt is not None
                and (nxt.tag == "JKV" or (nxt.tag == "XSN" and nxt.form == "이"))
                and len(form) <= 3
            )
            oov_name = (
                tok.tag in ("NNG", "NNP")
                and getattr(tok, "oov", False)
                and self._oov_name(form, nxt)
            )
            if (nnp_name or vocative or oov_name) and len(form) >= 2 and self._person_like(form):
                return start, start + len(form), name_key(form)
        return None

    @staticmethod
    def _oov_name(form: str, nxt) -> bool:
        if form in SLANG or not 2 <= len(form) <= 4:
            return False
        if name_key(form) != form:  # surname + given name
            return True
        if nxt is None:  # a bare unknown word made of given-name syllables (``하준 알지?``)
            return len(form) == 2 and all(c in NAME_SYLLABLES for c in form)
        return nxt.tag in ("JKV", "XSN") or nxt.form in ("한테", "에게", "랑", "이랑", "하고", "께")

    def _split_pair(self, word: str, tokens) -> tuple[int, int, str] | None:
        """A bare two-syllable word Kiwi can only cut into two one-syllable noun pieces
        (``은우`` → 은/NNG 우/NNG, ``재윤`` → 재/XPN 윤/NNG) is a name it does not know."""
        if (
            len(word) == 2
            and len(tokens) == 2
            and all(len(t.form) == 1 and t.tag in ("NNG", "NNP", "XPN", "NNB") for t in tokens)
            and self._person_like(word)
        ):
            return 0, 2, word
        return None

    def _shape_rules(self, word: str, tokens) -> tuple[int, int, str] | None:
        """A stem before a person particle that Kiwi does not know as one ordinary word
        (``은우한테`` → 은/우/한테: a name; ``친구한테`` → 친구: a word; ``고양이가``: a word)."""
        for pattern in (_PERSON_PARTICLE, _EUPHONIC):
            m = pattern.fullmatch(word)
            if m is None:
                continue
            stem = m.group(1)
            if pattern is _EUPHONIC and not _has_final_consonant(stem):
                continue
            inside = [t for t in tokens if t.start < len(stem)]
            crosses = any(t.start + t.len > len(stem) for t in inside)
            one_word = (
                len(inside) == 1 and inside[0].form == stem and not getattr(inside[0], "oov", False)
            )
            if (
                not (crosses or one_word)
                and self._person_like(stem)
                and not stem.endswith(("님", "씨"))
            ):
                return 0, len(stem), name_key(stem)
        return None

    def _person_like(self, form: str) -> bool:
        if (
            form in NOT_PEOPLE
            or form in self.protected
            or form in ADDRESS_TERMS
            or form in DISTRICTS
        ):
            return False
        if not all(c in NAME_SYLLABLES for c in name_key(form)):
            return False
        if len(form) >= 3 and name_key(form) == form:  # 3+ syllables: surname + given name
            return False
        if len(form) >= 3 and form.endswith(PLACE_SUFFIXES):
            return False
        return not (
            len(form) >= 3 and form.endswith(WEAK_PLACE_SUFFIXES) and name_key(form) == form
        )
