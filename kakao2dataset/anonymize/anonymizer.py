"""The public anonymizer: one instance per export, so third-party ``<NAME_k>`` stay consistent.

Per message: fold a detection copy (:mod:`.normalize`), claim spans in priority order — allow
list, deny list, e-mail/URL, number types, IP, addresses, plates, speakers, third-party names —
map the claims back to the original text and replace them, then run the leak guard on the result.

>>> anon = Anonymizer(speakers={"김민지": "<PERSONA>"}, config=AnonymizerConfig(name_detection=False))
>>> anon.anonymize_text("민지야 010-1234-5678로 전화해")
'<PERSONA>야 <PHONE>로 전화해'
>>> anon.stats()['replaced']
{'PHONE': 1, 'SPEAKER': 1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

import regex

from kakao2dataset.anonymize import registry
from kakao2dataset.anonymize.config import AnonymizerConfig
from kakao2dataset.anonymize.guard import guard
from kakao2dataset.anonymize.known import name_key
from kakao2dataset.anonymize.lexicon import SURNAMES
from kakao2dataset.anonymize.names import (
    JOB_TITLES,
    FormIndex,
    NameBook,
    NameFinder,
    compile_names,
    speaker_variants,
)
from kakao2dataset.anonymize.normalize import Normalized, normalize
from kakao2dataset.anonymize.people import (
    TITLE_WORDS,
    Person,
    count_words,
    learn_people,
    person_forms,
    person_key,
)
from kakao2dataset.anonymize.plain import PlainWords
from kakao2dataset.anonymize.repeats import RepeatCache
from kakao2dataset.anonymize.spans import Claims, Span
from kakao2dataset.anonymize.split import MAX_CHAIN, forced_spans, tail
from kakao2dataset.anonymize.structured import reads_context
from kakao2dataset.anonymize.validators import count_digits
from kakao2dataset.model import Message

_CHOSEN = registry.compile_chain(registry.detectors(), lambda r: r.find)


def _detectors_for(t: str) -> tuple:
    """The detectors worth running on ``t``, in priority order. Cheap gates first: most chat
    lines have no digits, no "@" and no "/", and skipping the regexes there is most of the
    anonymizer's speed. Gates and order come from :mod:`.registry`."""
    return _CHOSEN(t, count_digits(t))


PREFETCH = 512  # messages whose words the name finder analyzes in one Kiwi call

# The only detectors that read the previous message (for cue words like 계좌 or 주문).
_CONTEXT_DETECTORS = registry.context_finders()
# What a text of lower-case letters, Hangul and punctuation may hold that some rule reads: the
# cues of the detectors that match with a few digits (registry.plain_cues: spelled e-mails,
# ``www.``, secrets), and the name finder's 씨/님 and job titles. A word holding one never takes
# the plain path (see .plain).
_RULE_CUES = ("씨", "님", *registry.plain_cues(), *JOB_TITLES)


def _given_names(word: str) -> list[str]:
    """The given names a denied word may be: ``김가을`` → 가을, ``남궁민수`` → 민수, ``김솔`` → 솔
    (surname + one syllable) and the word itself."""
    if not regex.fullmatch(r"[가-힣]{2,5}", word):
        return []
    given = {word, name_key(word)}
    if len(word) == 2 and word[0] in SURNAMES:
        given.add(word[1])
    return sorted(given, key=len, reverse=True)


def denied_forms(words: Iterable[str]) -> list[str]:
    """The deny list with every form of each Korean name in it, as literal words: a name given
    with ``--deny`` goes in all the ways people write it (``김가을`` → 가을, 가으리, 가을이, ...).
    Deny words match anywhere, so one-syllable given names are left to :func:`denied_pattern`."""
    out = []
    for word in words:
        out.append(word)
        for given in _given_names(word):
            if len(given) == 1:
                continue
            forms = person_forms(given, [word] if given != word else [])
            out.extend(forms.bare)
            out.extend(form[:cut] for form, cut in forms.context.items())
            out.extend(f"{given} {title}" for title in TITLE_WORDS)
    return list(dict.fromkeys(out))


def denied_pattern(words: Iterable[str]) -> regex.Pattern | None:
    """One pattern for the deny list: its literal forms (:func:`denied_forms`) anywhere, and a
    one-syllable given name only where a person's context follows (``솔이``, ``솔아``, ``솔 선배``),
    the name alone replaced and the context kept."""
    literal = denied_forms(words)
    single = sorted({g for w in words for g in _given_names(w) if len(g) == 1})
    parts = [regex.escape(w) for w in sorted(literal, key=len, reverse=True) if w]
    if single:
        titles = "|".join(sorted(TITLE_WORDS, key=len, reverse=True))
        parts.append(
            rf"(?<![가-힣])[{''.join(single)}](?=이|아(?![가-힣])|야(?![가-힣])|\s?(?:{titles}))"
        )
    return regex.compile("|".join(parts)) if parts else None


class Anonymizer:
    """Replace PII in messages; see the package docstring for the API and the choices made."""

    def __init__(
        self,
        config: AnonymizerConfig | None = None,
        speakers: Mapping[str, str] | None = None,
        nicknames: Mapping[str, Iterable[str]] | None = None,
        kiwi=None,
    ) -> None:
        self.config = config or AnonymizerConfig()
        self.counts: Counter[str] = Counter()
        self.flagged = 0
        # Evaluation hook: set to a list and every processed text appends its spans as
        # (start, end, kind, placeholder) in original coordinates (never the values).
        self.trace: list[list[tuple[int, int, str, str]]] | None = None
        self.book = NameBook()
        self._seeded: set[str] = set()  # given names whose forms are in the book
        self.learned_words: Counter = Counter()  # Hangul words of the first pass (k2d names)
        self._speaker_of: dict[str, str] = {}
        for display, placeholder in (speakers or {}).items():
            for form in speaker_variants(display, (nicknames or {}).get(display, ())):
                self._speaker_of.setdefault(form, placeholder)
                self._speaker_of.setdefault(form.lower(), placeholder)
        self._speaker_re = compile_names(self._speaker_of)
        self._speaker_guard = FormIndex(anywhere=True)
        for form in self._speaker_of:
            self._speaker_guard.add(form)
        self._speaker_guard.rebuild()
        self._allow_re = self._words(self.config.allow)
        self._allow = frozenset(self.config.allow)
        self._denied = denied_forms(self.config.deny)
        self._denied += [g for w in self.config.deny for g in _given_names(w) if len(g) == 1]
        self._deny_re = denied_pattern(self.config.deny)
        protected = {*self.config.allow, *self._speaker_of}
        self._names = NameFinder(self.book, protected, kiwi=kiwi)
        self._repeats = RepeatCache()
        names_on = self.config.name_detection and "NAME" not in self.config.disabled
        self._plain = PlainWords(
            triggers=[*self._speaker_of, *self.config.allow, *self._denied, *_RULE_CUES],
            learned=self.book.order,
            known=self.book.find,
            verdicts=self._names.verdicts if names_on else None,
        )

    # ----------------------------------------------------------------- public API
    def learn(self, texts: Iterable[str]) -> list[Person]:
        """:meth:`learn_words` on the words of ``texts``."""
        return self.learn_words(count_words(texts))

    def learn_words(self, words: Counter) -> list[Person]:
        """First pass over a whole export: learn every third party named in ``texts`` and
        seed the name book with all their forms (see :mod:`.people`), so the second pass gives
        each person one ``<NAME_k>`` in every message, before and after the one that named
        them. ``words``: the Hangul words of every text of the export (:func:`.people.count_words`).
        Returns the people (for ``k2d names``)."""
        if not (self.config.name_detection and "NAME" not in self.config.disabled):
            return []
        self.learned_words = words
        people = learn_people(words, self._names.verdicts, self._names.ordinary)
        for person in people:
            self._seed(person.key, person.full_names, person.ordinary, rebuild=False)
        self.book.rebuild()
        return people

    def anonymize_text(self, text: str, context: str = "") -> str:
        """Anonymize one text; ``context`` (the previous message) only supplies cue words."""
        return self._process(text, context)

    def anonymize_message(self, message: Message, context: str = "") -> Message:
        """Same message with anonymized text (system lines and media placeholders included)."""
        text = self._process(message.text, context)
        return message if text == message.text else message.with_text(text)

    def anonymize_messages(self, messages: Iterable[Message]) -> Iterator[Message]:
        """Stream form. Holds back at most a few messages while a trailing digit fragment may
        continue in the next one, so numbers split over consecutive messages are caught."""
        window: list[Message] = []
        context = ""
        cross = self.config.cross_message
        for message in self._prefetched(messages):
            if not window and not (cross and tail(message.text)):
                # Nothing held back and no digit fragment at the end: a window of one, which
                # can have no split number (most messages; skips the window bookkeeping).
                text = self._process(message.text, context)
                yield message if text == message.text else message.with_text(text)
                context = message.text
                continue
            window.append(message)
            if cross and len(window) < MAX_CHAIN and tail(message.text):
                continue
            yield from self._flush(window, context)
            context, window = window[-1].text, []
        yield from self._flush(window, context)

    def stats(self) -> dict:
        """For the manifest: replacements per type (never values) and lines the guard acted on."""
        return {"replaced": dict(sorted(self.counts.items())), "leak_guard_flagged": self.flagged}

    # ----------------------------------------------------------------- internals
    def _seed(
        self, given: str, full_names=(), ordinary: bool | None = None, rebuild: bool = True
    ) -> None:
        """Put every form of the person ``given`` into the name book, once per person, and
        compile them in one go (``rebuild=False``: the caller does, after many people)."""
        if given in self._seeded:
            return
        self._seeded.add(given)
        if ordinary is None:
            ordinary = len(given) == 1 or self._names.ordinary(given)
        forms = person_forms(given, full_names, ordinary)
        for form in sorted(forms.bare, key=len, reverse=True):
            if form not in self._allow:
                self.book.learn(form, given, defer=True)
        for form, cut in forms.context.items():
            if form[:cut] not in self._allow:
                self.book.learn(form, given, cut, glued=len(form) >= 4 and cut >= 2, defer=True)
        if rebuild:
            self.book.rebuild()

    def _prefetched(self, messages: Iterable[Message]) -> Iterator[Message]:
        """The same messages, each batch of ``PREFETCH`` yielded after the name finder has
        analyzed their words in one call (see :meth:`NameFinder.prefetch`)."""
        if not (self.config.name_detection and "NAME" not in self.config.disabled):
            yield from messages
            return
        batch: list[Message] = []
        for message in messages:
            batch.append(message)
            if len(batch) >= PREFETCH:
                self._names.prefetch(m.text for m in batch)
                yield from batch
                batch = []
        self._names.prefetch(m.text for m in batch)
        yield from batch

    def _flush(self, window: list[Message], context: str) -> Iterator[Message]:
        forced = forced_spans([m.text for m in window]) if self.config.cross_message else []
        for i, message in enumerate(window):
            text = self._process(message.text, context, forced[i] if forced else ())
            context = message.text
            yield message if text == message.text else message.with_text(text)

    def _process(self, text: str, context: str = "", forced=()) -> str:
        if not text:
            if self.trace is not None:
                self.trace.append([])
            return text
        if not forced and self._plain.holds(text):  # most chat lines: nothing any rule reads
            if self.trace is not None:
                self.trace.append([])
            return text
        version = self._book_version()
        repeat = self._repeats.get(text, version) if not forced else None
        if repeat is not None and self.trace is None:
            out, kinds, cued = repeat
            if not (cued and context and reads_context(normalize(context).text)):
                if kinds:
                    self.counts.update(kinds)
                    self.flagged += any(k.startswith("GUARD_") for k in kinds)
                return out
        norm = normalize(text)
        detectors = _detectors_for(norm.text)
        cued = not _CONTEXT_DETECTORS.isdisjoint(detectors)
        ctx = normalize(context).text if cued and context else ""
        claims = self._claim(norm, ctx, forced, detectors)
        out, kinds = self._replace(norm, claims)
        out, hits = self._guard(out)
        if hits:
            kinds += [f"GUARD_{kind}" for kind in hits]
        if kinds:
            self.counts.update(kinds)
        # Kept unless the previous message held a cue some rule read: then the result is the
        # one for any previous message without one (see reads_context), and is replayed only
        # after such a message.
        if not forced and not (ctx and reads_context(ctx)) and self._book_version() == version:
            self._repeats.put(text, version, (out, tuple(kinds), cued))
        return out

    def _book_version(self) -> tuple[int, int]:
        return len(self.book.index), len(self.book.surfaces)

    def _claim(self, norm: Normalized, context: str, forced, detectors) -> Claims:
        t, claims, disabled = norm.text, Claims(), set(self.config.disabled)
        for pattern, kind in ((self._allow_re, "ALLOW"), (self._deny_re, "DENY")):
            if pattern is not None:
                for m in pattern.finditer(t):
                    claims.add(Span(m.start(), m.end(), kind, 1.0))
        for start, end, kind in forced:
            claims.add(Span(start, end, kind, 1.0))
        for detect in detectors:
            for span in detect(t, context):
                if span.kind not in disabled:
                    claims.add(span)
        if self._speaker_re is not None and "SPEAKER" not in disabled:
            for m in self._speaker_re.finditer(t):
                ph = self._speaker_of.get(m.group()) or self._speaker_of[m.group().lower()]
                claims.add(Span(m.start(), m.end(), "SPEAKER", 1.0, placeholder=ph))
        if self.config.name_detection and "NAME" not in disabled:
            for span in self._names.find(t, claims):
                if self.config.foreign_names or not span.key.isascii():
                    claims.add(span)
        return claims

    def _replace(self, norm: Normalized, claims: Claims) -> tuple[str, list[str]]:
        pieces: list[tuple[int, int, str]] = []
        kinds: list[str] = []
        for span in sorted(claims.spans, key=lambda s: s.start):
            if span.kind == "ALLOW":
                continue
            if span.kind == "NAME":
                surface = norm.text[span.start : span.end]
                if " " in span.key or not regex.fullmatch(r"[가-힣]+", span.key):
                    n = self.book.learn(surface, span.key)  # 김 대리, English, Japanese
                else:  # a Korean person: every form of them from now on
                    given = person_key(span.key)
                    self._seed(given, [surface] if name_key(surface) == given != surface else ())
                    if surface not in (given, span.key) and name_key(surface) == given:
                        self.book.learn(surface, given)  # a full name seen after the seeding
                    n = self.book.index[given]
                repl = self.config.placeholders["NAME"].format(n=n)
            else:
                repl = span.placeholder or self.config.placeholders[span.kind]
            pieces.append((*norm.original_span(span.start, span.end), repl))
            kinds.append(span.kind)
        if self.trace is not None:
            self.trace.append([(s, e, k, r) for (s, e, r), k in zip(pieces, kinds, strict=True)])
        out = norm.original
        for start, end, repl in reversed(pieces):
            out = out[:start] + repl + out[end:]
        return out, kinds

    def _guard(self, text: str) -> tuple[str, list[str]]:
        out, hits = guard(
            text,
            self._guard_names,
            self.config.placeholders["NUMBER"],
            self._name_placeholder,
            self.config.placeholders,
            replace=self.config.leak_guard == "replace",
        )
        if hits:
            self.flagged += 1
        return out, hits

    def _guard_names(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Known names in the output: the speakers' forms anywhere, even inside a word (fail
        closed); learned third-party names at a word start only, because a learned name may be
        a word the detector mistook (``지원 씨`` → every ``지원금`` would be hit)."""
        for find in (self._speaker_guard.find, self._names.known_hits):  # lazily, in order
            for start, end, surface in find(text):
                if surface not in self._allow:
                    yield start, end, surface

    def _name_placeholder(self, surface: str) -> str:
        ph = self._speaker_of.get(surface) or self._speaker_of.get(surface.lower())
        if ph:
            return ph
        key = self.book.surfaces.get(surface.lower() if surface.isascii() else surface, surface)
        return self.config.placeholders["NAME"].format(n=self.book.learn(surface, key))

    @staticmethod
    def _words(words: Iterable[str]) -> regex.Pattern | None:
        words = [w for w in words if w]
        if not words:
            return None
        return regex.compile(
            "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
        )
