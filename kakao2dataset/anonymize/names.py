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
is a cache hit. A word yields a name when Kiwi tags a proper noun (NNP), a noun before a vocative
(``하늘아``) or before the euphonic 이 (``서진이가``), an unknown (oov) noun that is a surname + 2
syllables or sits before a person particle (한테/랑), a stem it cannot read as one word before
such a particle (``은우한테``), or a surname + title (``김대리``). Text-level rules add
``X 씨``/``X님``, ``이 대리님``, ``@mentions``, English first names and Japanese names before
さん/くん. Every candidate must look like a person: given-name syllables only (not 마라탕, 찐친),
a surname in front of 3-syllable names, no place/brand/district or address term (엄마, 친구).
A name found once is remembered and replaced everywhere after (``NameBook``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import regex

from kakao2dataset.anonymize.given_names import three_syllable_stem
from kakao2dataset.anonymize.known import (  # noqa: F401  (re-exported for callers)
    FormIndex,
    NameBook,
    compile_names,
    name_key,
    speaker_variants,
)
from kakao2dataset.anonymize.lexicon import (
    ADDRESS_TERMS,
    DISTRICTS,
    ENGLISH_NAMES,
    HONORIFIC_STOP,
    NAME_SYLLABLES,
    NOT_PEOPLE,
    ORDINARY_GIVEN,
    PLACE_SUFFIXES,
    SLANG,
    SURNAME_TITLE_WORDS,
    SURNAMES,
    TITLES,
    TWO_SYLLABLE_SURNAMES,
    WEAK_PLACE_SUFFIXES,
)
from kakao2dataset.anonymize.prefilter import CandidateGate
from kakao2dataset.anonymize.spans import Claims, Span

_HANGUL_RUN = regex.compile(r"[가-힣]{2,12}")
_JOB_TITLES = "대리|과장|부장|차장|팀장|실장|사장|주임|선생님|교수님|원장님|감독님|코치님|작가님|기자님|변호사님|박사님"
JOB_TITLES = tuple(_JOB_TITLES.split("|"))
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
# What may follow a full name in one word: nothing, a particle, a euphonic 이 + particle, a title.
_AFTER_NAME = frozenset(
    ("", "이", "이가", "이는", "이랑", "이한테", "이도", "가", "는", "랑", "한테", "에게", "도", "를", "을",
     "은", "과", "와", "의", "씨", "님", "아", "야", "하고", "이하고", "이네", "네")
)  # fmt: skip
_ONLY_AFTER_PEOPLE = frozenset(("이가", "이는", "이를", "이도"))
_PARTICLE_SYLLABLES = frozenset("이가은는을를도랑야아의만네님씨와과")
_FULL_NAME = regex.compile(
    rf"([{''.join(sorted(SURNAMES))}][가-힣]{{2}})"
    r"(이?(?:가|는|도|를|랑|한테|에게|하고|께|의|만|야|아|씨|님|네)|이|은|을|과|와)?"
)
_JAPANESE = regex.compile(
    r"(?:[\p{Han}々]{1,4}|[ァ-ヺー]{2,8}|[ぁ-ゖ]{2,4})(?=さん|くん|君|ちゃん|様|先輩|先生|氏)"
)


def _has_final_consonant(word: str) -> bool:
    return (ord(word[-1]) - 0xAC00) % 28 != 0


_NOUNISH = ("NNP", "NNG", "NNB", "XPN", "XR")
# Kiwi's score of a word read alone: common words score above this (가을 -8.9, 지원 -10.1,
# 나비 -10.3), rare dictionary words that are mostly names below it (은결 -14.6, 은하수 -12.6).
_COMMON_WORD_SCORE = -12.5


def _widen_to_full_name(word: str, tokens, hit: tuple[int, int, str]) -> tuple[int, int, str]:
    """Kiwi often cuts an unknown full name (``유하윤`` → 유/하/윤, ``송도현`` → 송도/현): when the
    noun run around a hit is surname + 2 given-name syllables, the whole run is the name."""
    if " " in hit[2]:  # surname + title (김 대리) stays as it is
        return hit
    runs: list[list[int]] = []
    for tok in tokens:
        if tok.tag in _NOUNISH and word[tok.start : tok.start + tok.len] == tok.form:
            if runs and runs[-1][1] == tok.start:
                runs[-1][1] = tok.start + tok.len
            else:
                runs.append([tok.start, tok.start + tok.len])
        else:
            runs.append([-1, -1])
    for start, end in runs:
        text = word[start:end]
        given = name_key(text)
        inside = start <= hit[0] < end and hit[1] <= end
        if (
            inside
            and given != text
            and given not in TITLES
            and all(c in NAME_SYLLABLES for c in given)
        ):
            return start, end, given
    return hit


@lru_cache(maxsize=1)
def shared_kiwi():
    """One analyzer per process (loading the model takes ~1 s and ~300 MB). It is never
    modified (no user words), so sharing it between anonymizers leaks nothing between exports:
    speakers are matched by dictionary before Kiwi sees a word.

    Without the multi-word dictionary: it holds phrases with spaces, and Kiwi only ever sees one
    eojeol here; loading it costs ~1.7 s of a ~2.8 s start, and on 22k words (eval set, tests,
    fixtures, names with particles) every verdict came out the same without it."""
    from kiwipiepy import Kiwi

    return Kiwi(load_multi_dict=False)


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
        self._gate = CandidateGate(self._person_like)
        self._last_known: tuple[str, int, list[tuple[int, int, str]]] | None = None
        self._ordinary: dict[str, bool] = {}

    def ordinary(self, given: str) -> bool:
        """True when ``given`` is also an ordinary word (가을, 바다, 새벽): Kiwi reads it alone as
        one known, common noun, adverb or adjective stem, or the lexicon says so. Such a name is
        replaced only in a person's context (see :mod:`.people`)."""
        verdict = self._ordinary.get(given)
        if verdict is None:
            verdict = self._ordinary_from(given, self.kiwi.tokenize(given))
        return verdict

    def _ordinary_from(self, given: str, tokens) -> bool:
        verdict = given in ORDINARY_GIVEN or given in ADDRESS_TERMS or (
            len(tokens) == 1
            and tokens[0].form == given
            and tokens[0].tag in ("NNG", "NNB", "NP", "MAG", "VA", "VV", "IC", "XR")
            and not getattr(tokens[0], "oov", False)
            and tokens[0].score > _COMMON_WORD_SCORE
        )
        self._ordinary[given] = verdict
        return verdict

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
        yield from self._word_names(text, claims)

    def _word_names(self, text: str, claims: Claims) -> Iterator[Span]:
        """Names in Hangul words, from the per-word verdicts. Most texts have no claim and no
        word with a name: their words are read as strings (no match objects), and positions
        are looked for only when some verdict is a name."""
        if claims.spans:
            runs = [m for m in _HANGUL_RUN.finditer(text) if claims.free(m.start(), m.end())]
            words = [m.group() for m in runs]
        else:
            runs, words = None, _HANGUL_RUN.findall(text)
        verdicts = self.verdicts(words)
        if runs is None:
            if not any(verdicts):
                return
            runs = list(_HANGUL_RUN.finditer(text))
        for m, verdict in zip(runs, verdicts, strict=True):
            if verdict is not None:
                start, end, key = verdict
                yield Span(m.start() + start, m.start() + end, "NAME", 0.6, key=key)

    def verdicts(self, words: list[str]) -> list[tuple[int, int, str] | None]:
        """The verdict of each Hangul word (``(start, end, key)`` of a name in it, or None),
        analyzing those not seen yet in one call."""
        if len(self._cache) > self._cache_size:
            self._cache.clear()  # here, so no word of this call is dropped before it is read
        self._analyze([w for w in words if w not in self._cache])
        return [self._cache[w] for w in words]

    def prefetch(self, texts: Iterable[str]) -> None:
        """Analyze the Hangul words of many texts in one Kiwi call. A call costs ~0.1-0.5 ms
        however few words it holds (more when the model is cold in the CPU cache between
        messages), a word in a batch ~40 us; a verdict depends on the word alone, so asking
        early changes nothing but the time."""
        words = dict.fromkeys(_HANGUL_RUN.findall("\n".join(texts)))  # no run spans a newline
        if len(self._cache) + len(words) > self._cache_size:
            return  # would only push out verdicts still in use
        self._analyze([w for w in words if w not in self._cache])

    def _known(self, text: str) -> Iterator[Span]:
        hits = self.known_hits(text)
        cut = self.book.cut
        for start, end, surface in hits:
            if surface in cut:  # a learned context form: the name, not its particle
                end = start + cut[surface]
            yield Span(start, end, "NAME", 0.9, key=self.book.surfaces[surface])

    def known_hits(self, text: str) -> list[tuple[int, int, str]]:
        """``book.find(text)``, remembered for the last text: the leak guard asks the
        same question of the output, which for most messages is the input unchanged, and the
        answer stands while the index's ``generation`` is the one it was computed under."""
        book = self.book
        generation = book.generation
        last = self._last_known
        if last is not None and last[1] == generation and last[0] == text:
            return last[2]
        hits = book.find(text)
        self._last_known = (text, generation, hits)
        return hits

    def _analyze(self, words: list[str]) -> None:
        if not words:
            return
        if len(self._cache) > self._cache_size:
            self._cache.clear()
            self._ordinary.clear()
        words = list(dict.fromkeys(words))
        candidates = []
        for word in words:
            if self._gate(word):
                candidates.append(word)
            else:
                self._cache[word] = None  # no rule could find a name in it (see .prefilter)
        if candidates:
            analyses = list(self.kiwi.tokenize(candidates))
            for word, tokens in zip(candidates, analyses, strict=True):
                if len(word) <= 4 and word not in self._ordinary:
                    self._ordinary_from(word, tokens)  # free: the word alone was analyzed
            for word, tokens in zip(candidates, analyses, strict=True):
                self._cache[word] = self._verdict(word, tokens)
            # Whether each name found is also an ordinary word: its keys alone, in one call.
            keys = sorted(
                {
                    v[2]
                    for v in map(self._cache.get, candidates)
                    if v is not None and v[2] not in self._ordinary and " " not in v[2]
                }
            )
            if keys:
                for key, tokens in zip(keys, list(self.kiwi.tokenize(keys)), strict=True):
                    self._ordinary_from(key, tokens)

    def _verdict(self, word: str, tokens) -> tuple[int, int, str] | None:
        half = len(word) // 2
        if len(word) % 2 == 0 and word[:half] == word[half:]:
            return None  # a repeated filler (나도나도, 진짜진짜), not surname + name
        hit = self._hit(word, tokens)
        if hit is not None and word == hit[2] and self.ordinary(word):
            return None  # the bare word 가을 / 바다: a person only in context (see .people)
        return hit

    def _hit(self, word: str, tokens) -> tuple[int, int, str] | None:
        hit = (
            self._full_name(word, tokens)
            or self._token_rules(word, tokens)
            or self._shape_rules(word, tokens)
            or self._split_pair(word, tokens)
            or self._three_syllable(word, tokens)
            or self._double_surname(word)
        )
        return _widen_to_full_name(word, tokens, hit) if hit else None

    def _token_rules(self, word: str, tokens) -> tuple[int, int, str] | None:
        """Kiwi's own tags: NNP, noun + vocative, surname + title, unknown (oov) nouns that are
        a surname + 2 syllables or sit before a particle people take (한테/랑/euphonic 이)."""
        for i, tok in enumerate(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            form, start = tok.form, tok.start
            if word[start : start + len(form)] != form or not regex.fullmatch(r"[가-힣]+", form):
                continue
            if len(form) >= 3 and form[-1] == "이" and _has_final_consonant(form[:-1]):
                form = form[:-1]  # Kiwi keeps the euphonic 이 on unknown names: 최지현이/NNG + 랑
            if tok.tag == "NNP" and len(form) == 1 and form in SURNAMES and nxt is not None:
                if nxt.form in TITLES and nxt.start == start + 1:
                    return start, start + 1, form + " " + nxt.form
                glued = form + nxt.form
                if (
                    nxt.tag in ("NNG", "NNP")
                    and len(nxt.form) <= 2
                    and word.startswith(glued, start)
                    and all(c in NAME_SYLLABLES for c in glued[1:])  # not 임티 (slang)
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

    def _full_name(self, word: str, tokens) -> tuple[int, int, str] | None:
        """Surname + two given-name syllables (+ a particle), when Kiwi finds no ordinary word
        in it: Kiwi cuts unknown names into jamo (김승훈 → 김/승/후/ㄴ), so its tags miss them."""
        m = _FULL_NAME.fullmatch(word)
        if m is None or not all(c in NAME_SYLLABLES for c in m.group(1)[1:]):
            return None
        if (len(word) == 3 and word[2] in _PARTICLE_SYLLABLES) or (
            word[2] == "이" and _has_final_consonant(word[1])
        ):
            return None  # 선우가, 하윤이랑: a given name + particle, not surname + 2 syllables
        for tok in tokens:
            if tok.start >= 3 or not regex.match(r"[가-힣]", tok.form):
                continue  # past the name, or a lone jamo split off a syllable
            ordinary = tok.tag in ("NNG", "NNB", "NP", "MAG", "MM", "IC") and len(tok.form) >= 2
            if ordinary and not getattr(tok, "oov", False) or tok.tag.startswith(("V", "E", "XS")):
                return None
        stem = m.group(1)
        return (0, 3, name_key(stem)) if self._person_like(stem) else None

    def _three_syllable(self, word: str, tokens) -> tuple[int, int, str] | None:
        """A three-syllable given name (아름솔이랑, 빛나리한테): the stem is name-like by the
        given-name model, followed by what follows people, and Kiwi reads it as one word it does
        not know or seldom sees (not 고양이랑, 여동생이랑)."""
        stem = three_syllable_stem(word)
        if stem is None or not self._person_like_word(stem):
            return None
        own = [t for t in tokens if t.start == 0 and t.form == stem]
        if not own:
            return None
        tok = own[0]
        rare = getattr(tok, "oov", False) or tok.score <= _COMMON_WORD_SCORE
        return (0, 3, stem) if rare and tok.tag in ("NNG", "NNP") else None

    def _double_surname(self, word: str) -> tuple[int, int, str] | None:
        """Two-syllable surname + a given name of one or two syllables + a particle, 4+
        syllables in all (제갈영이 왔대, 남궁민수한테): one person, never the surname replaced and
        the given name left. Shorter words are left to the rules above (선우가 is 선우 + 가)."""
        if len(word) < 4 or word[:2] not in TWO_SYLLABLE_SURNAMES:
            return None
        for size in (2, 1):
            given, rest = word[2 : 2 + size], word[2 + size :]
            if not given or not all(c in NAME_SYLLABLES for c in given):
                continue
            if rest in _AFTER_NAME and (size == 2 or rest):  # a lone syllable needs its 이/particle
                if self._person_like_word(given) and word[: 2 + size] not in self.protected:
                    return 0, 2 + size, given
        return None

    def _person_like_word(self, form: str) -> bool:
        return not (
            form in NOT_PEOPLE
            or form in self.protected
            or form in ADDRESS_TERMS
            or form in DISTRICTS
            or form.endswith(PLACE_SUFFIXES)
        )

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
            if one_word and pattern is _EUPHONIC and m.group(2) in _ONLY_AFTER_PEOPLE:
                one_word = False  # 가을이가: a word takes 이 alone, never 이 + 가/는/를/도
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
            or name_key(form) in NOT_PEOPLE
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
