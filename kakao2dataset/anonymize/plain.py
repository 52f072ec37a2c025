"""Texts the anonymizer may return untouched without running a rule: most chat lines.

``ㅋㅋ 그래 내일 보자`` holds no e-mail or URL character, too few digits for a number, no name
and no word a name rule reads, so every detector, the name finder and the leak guard find
nothing in it and the output is the input. :class:`PlainWords` proves that word by word
(whitespace-separated) and remembers each word's answer, so a line of words seen before costs a
dict lookup per word. A word is plain when

* it is made only of characters no rule needs alone (:data:`_PLAIN_CHARS`: Hangul, jamo, a-z,
  0-9, common punctuation, emoji): no ``@ / :`` (e-mails, URLs, IPv6), no upper case (English
  names, ``Mr. X``), no kana or Han (Japanese names), nothing :func:`.normalize` folds;
* it contains no trigger: a whitespace-separated piece of a speaker's form or of an allow or
  deny word (a form matched across words starts with its first piece inside one word), a job
  title (``김 대리``), 씨 or 님 (``민수 씨``), or a cue of a detector that matches with few
  digits, as :mod:`.registry` derives them: a secret cue (비번, pw, ...), a spelled e-mail cue
  (골뱅이, 앳, (at); the word ``at`` as a whole word) or ``www.``;
* the learned-name index finds nothing in it when it is first seen, and no name learned later
  occurs in it (names are only ever added, so a word that once held one never becomes plain);
* every Hangul run in it has the name finder's verdict "no name" (a verdict depends on the
  run alone, and the finder caches it).

Whitespace separates words for every rule that could match across them, so a line of plain
words is plain, but for three text-level checks done last: Hangul numerals spelling a phone
number over several words (``공일공 일이삼사 오육칠팔``, normalize's own test); fewer than 4 digits
in all (a number rule, an IP, a plate or the guard needs more); and no address (``테헤란로 12``),
the one rule that reads a few digits.

>>> plain = PlainWords(triggers=["김민지", "민지"], learned=[], known=lambda w: [])
>>> plain.holds("ㅋㅋ 그래 3시에 보자"), plain.holds("민지야 안녕"), plain.holds("010 1234 5678")
(True, False, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from kakao2dataset.anonymize import registry
from kakao2dataset.anonymize.normalize import has_numeral_run
from kakao2dataset.anonymize.validators import count_digits

# Characters no rule reads alone (see the module docstring). Deliberately absent: upper case,
# ``@ / : *``, kana/Han, the Hangul filler U+3164, circled digits U+2776-2793 and every other
# character normalize folds (full-width forms, dashes, zero-width and variation marks).
_PLAIN_CHARS = re.compile(
    "[\uac00-\ud7a3\u3131-\u3163\u3165-\u318ea-z0-9"
    "!\"'(),.?;~^_+=&%#$<>{}\\[\\]\\-\u2026\u00b7"
    "\u2600-\u2775\u2794-\u27bf\U0001f300-\U0001faff]+"
)
_HANGUL_RUN = re.compile(r"[가-힣]{2,12}")  # the name finder's words (names._HANGUL_RUN)

_DIGITS = frozenset("0123456789")
# Derived from the detector registry: below this many digits only the few-digit finders
# (addresses) can match a line of plain words; the whole-word cues (``at``).
DIGIT_LIMIT = registry.plain_digit_limit()
_FEW_DIGIT_FINDERS = registry.few_digit_finders()
_CUE_WORDS = registry.plain_words()
MAX_WORDS = 300_000  # words (and lines) remembered; then all are forgotten at once
MAX_TEXT = 200  # longer lines seldom repeat and are not kept


class PlainWords:
    """``holds(text)``: True when the anonymizer would return ``text`` unchanged, found nothing.

    ``triggers``: fixed strings whose pieces no plain word contains (speakers' forms, allow and
    deny words, rule cues); ``learned``: the learned names in the order learned (a list that
    grows); ``known(word)``: the learned-name index's hits in ``word``; ``verdicts(runs)``: the
    name finder's verdicts, or None when name detection is off.

    Answers are kept per word and per line. "Not plain" never changes: rules and verdicts are
    fixed and names are only added. "Plain" changes only when a name learned later occurs in a
    plain word: each new name is looked for once in all plain words (one ``str.find`` over
    them joined), the words holding it are marked, and the lines kept as plain are forgotten.
    """

    def __init__(
        self,
        triggers: Iterable[str],
        learned: Sequence[str],
        known: Callable[[str], list],
        verdicts: Callable[[list[str]], list] | None = None,
        max_words: int = MAX_WORDS,
    ) -> None:
        pieces = {p for t in triggers for p in t.split()}
        pieces |= {p.lower() for p in pieces}
        alternation = "|".join(re.escape(p) for p in sorted(pieces, key=len, reverse=True))
        self._trigger = re.compile(alternation) if alternation else None
        self._learned = learned
        self._synced = 0  # learned names already looked for in the plain words
        self._spaced: list[str] = []  # the pieces of learned forms that hold a space
        self._known = known
        self._verdicts = verdicts
        self._words: dict[str, bool] = {}  # word -> plain
        self._plain: list[str] = []  # the plain words, in the order found
        self._joined = ""  # "\n".join of the first ``_joined_count`` of them
        self._joined_count = 0
        self._texts: dict[str, bool] = {}  # line -> plain (plain lines only while no word fell)
        self._max_words = max_words
        self._forgotten = 0  # times everything was forgotten

    def holds(self, text: str) -> bool:
        if len(self._learned) > self._synced:
            self._sync()
        plain = self._texts.get(text)
        if plain is None:
            forgotten = self._forgotten
            plain = self._holds(text)
            # Kept unless words were forgotten meanwhile: a word of it may be among them, and
            # a name learned in that word later would no longer reach the line.
            if len(text) <= MAX_TEXT and forgotten == self._forgotten:
                if len(self._texts) >= self._max_words:
                    self._texts.clear()
                self._texts[text] = plain
        return plain

    def _holds(self, text: str) -> bool:
        words = self._words
        fresh: list[str] = []
        for word in text.split():
            plain = words.get(word)
            if plain:
                continue
            if plain is not None:
                return False
            if not self._plain_chars(word):
                self._remember(word, False)
                return False
            fresh.append(word)
        if fresh and not self._check_fresh(fresh):
            return False
        if has_numeral_run(text):
            return False
        if _DIGITS.isdisjoint(text):
            return True
        # 1-3 digits ("3시에", "5월 17일"): too few for any number rule, an IP or the guard;
        # only an address rule reads them, and it reads across words.
        return count_digits(text) < DIGIT_LIMIT and not any(
            next(find(text, ""), None) is not None for find in _FEW_DIGIT_FINDERS
        )

    def _plain_chars(self, word: str) -> bool:
        return (
            _PLAIN_CHARS.fullmatch(word) is not None
            and word not in _CUE_WORDS
            and (self._trigger is None or self._trigger.search(word) is None)
        )

    def _check_fresh(self, fresh: list[str]) -> bool:
        """Words seen for the first time: the learned-name index (every name learned so far),
        then the name verdicts of their Hangul runs (one analysis for all of them)."""
        for word in fresh:
            if self._known(word) or any(p in word for p in self._spaced):
                self._remember(word, False)
                return False
        if self._verdicts is not None:
            runs = [_HANGUL_RUN.findall(word) for word in fresh]
            verdicts = iter(self._verdicts([r for word_runs in runs for r in word_runs]))
            for word, word_runs in zip(fresh, runs, strict=True):
                if any([next(verdicts) for _ in word_runs]):
                    self._remember(word, False)
                    return False
        for word in fresh:
            if word not in self._words:
                self._remember(word, True)
                self._plain.append(word)
        return True

    def _sync(self) -> None:
        """Look for the names learned since the last call in every plain word; a word where
        the index now finds one is plain no more. Learned forms with a space (``mr. kim``) are
        found across words by the index: a word holding any piece of one is not plain."""
        fallen = False
        for form in self._learned[self._synced :]:
            pieces = form.split()
            if len(pieces) > 1:
                self._spaced.extend(pieces)
            for piece in pieces:
                fallen |= self._mark(piece, exact=len(pieces) == 1)
        self._synced = len(self._learned)
        if fallen:
            self._texts.clear()

    def _mark(self, piece: str, exact: bool) -> bool:
        """Unmark the plain words holding ``piece``; for a form without a space, only those
        where the index finds it (``지원`` in ``지원금``, not in ``후지원``)."""
        if self._joined_count < len(self._plain):
            self._joined = "\n".join(self._plain)
            self._joined_count = len(self._plain)
        joined, fallen = self._joined, False
        i = joined.find(piece)
        while i >= 0:  # a piece holds no whitespace, so a hit lies inside one word
            start = joined.rfind("\n", 0, i) + 1
            end = joined.find("\n", i)
            end = len(joined) if end < 0 else end
            word = joined[start:end]
            if not exact or self._known(word):
                self._words[word] = False
                fallen = True
            i = joined.find(piece, end)
        return fallen

    def _remember(self, word: str, plain: bool) -> None:
        if len(self._words) >= self._max_words:
            # Forget everything at once: a line kept as plain must not outlive the words that
            # would be marked when a name in them is learned.
            self._words.clear()
            self._plain.clear()
            self._joined, self._joined_count = "", 0
            self._texts.clear()
            self._forgotten += 1
        self._words[word] = plain
