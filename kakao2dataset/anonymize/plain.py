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
  title (``김 대리``), 씨 or 님 (``민수 씨``), a secret cue (비번, pw, ...), a spelled e-mail cue
  (골뱅이, 앳, (at), the word ``at``) or ``www.``;
* the learned-name index finds nothing in it, and no name learned since it was last checked
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

from kakao2dataset.anonymize.address import find_address
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
_FEW = 8  # new learned names checked by substring; more: the index is asked
_UNSEEN, _NEVER = -2, -1  # word states; a state >= 0 is "plain against that many learned names"
MAX_WORDS = 300_000


class PlainWords:
    """``holds(text)``: True when the anonymizer would return ``text`` unchanged, found nothing.

    ``triggers``: fixed strings whose pieces no plain word contains (speakers' forms, allow and
    deny words, rule cues); ``learned``: the learned names in the order learned (a list that
    grows); ``known(word)``: the learned-name index's hits in ``word``; ``verdicts(runs)``: the
    name finder's verdicts, or None when name detection is off.
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
        self._learned_pieces: list[list[str]] = []  # learned[i].split(), filled as names come
        self._spaced: list[str] = []  # the pieces of learned forms that hold a space
        self._known = known
        self._verdicts = verdicts
        self._words: dict[str, int] = {}
        self._max_words = max_words

    def holds(self, text: str) -> bool:
        n = len(self._learned)
        words = self._words
        fresh: list[str] = []
        for word in text.split():
            state = words.get(word, _UNSEEN)
            if state == n:
                continue
            if state == _NEVER:
                return False
            if state == _UNSEEN:
                if not self._plain_chars(word):
                    self._remember(word, _NEVER)
                    return False
                fresh.append(word)
            elif self._learned_since(word, state):
                words[word] = _NEVER
                return False
            else:
                words[word] = n
        if fresh and not self._check_fresh(fresh, n):
            return False
        if has_numeral_run(text):
            return False
        if _DIGITS.isdisjoint(text):
            return True
        # 1-3 digits ("3시에", "5월 17일"): too few for any number rule, an IP or the guard;
        # only an address rule reads them, and it reads across words.
        return count_digits(text) < 4 and next(find_address(text, ""), None) is None

    def _plain_chars(self, word: str) -> bool:
        return (
            _PLAIN_CHARS.fullmatch(word) is not None
            and word != "at"
            and (self._trigger is None or self._trigger.search(word) is None)
        )

    def _check_fresh(self, fresh: list[str], n: int) -> bool:
        """Words seen for the first time: the learned-name index, then the name verdicts of
        their Hangul runs (one analysis for all of them)."""
        for word in fresh:
            if self._known(word) or self._learned_spaced(word):
                self._remember(word, _NEVER)
                return False
        if self._verdicts is not None:
            runs = [_HANGUL_RUN.findall(word) for word in fresh]
            verdicts = iter(self._verdicts([r for word_runs in runs for r in word_runs]))
            for word, word_runs in zip(fresh, runs, strict=True):
                if any([next(verdicts) for _ in word_runs]):
                    self._remember(word, _NEVER)
                    return False
        for word in fresh:
            self._remember(word, n)
        return True

    def _learned_since(self, word: str, checked: int) -> bool:
        """Whether a name learned after the first ``checked`` ones occurs in ``word``: each
        piece of a few new names looked for anywhere (a superset of what the index finds), or,
        after many, the index asked again."""
        self._sync()
        if len(self._learned_pieces) - checked > _FEW:
            return bool(self._known(word)) or self._learned_spaced(word)
        return any(p in word for form in self._learned_pieces[checked:] for p in form)

    def _learned_spaced(self, word: str) -> bool:
        """Learned forms with a space (``mr. kim``) are found across words by the index; a
        word holding one of their pieces is not plain. ``known(word)`` covers all others."""
        self._sync()
        return any(p in word for p in self._spaced)

    def _sync(self) -> None:
        for form in self._learned[len(self._learned_pieces) :]:
            pieces = form.split()
            self._learned_pieces.append(pieces)
            if len(pieces) > 1:
                self._spaced.extend(pieces)

    def _remember(self, word: str, state: int) -> None:
        if len(self._words) >= self._max_words:
            self._words.clear()
        self._words[word] = state
