"""Which words are worth a morphological analysis: the cheap gate in front of Kiwi.

Every rule in :class:`~kakao2dataset.anonymize.names.NameFinder` that reads Kiwi's tokens ends
in one of two shapes, so a word that contains neither can never yield a name, and Kiwi need not
see it:

* a 2–4-syllable piece of the word that passes ``person_like`` (given-name syllables only, a
  surname in front of 3+ syllables, not a known word, place or address term). NNP, vocative,
  unknown-noun, person-particle, full-name and split-pair verdicts all check it on a
  substring of the word;
* a three-syllable given name before what follows people, by the given-name model alone
  (:func:`~.given_names.three_syllable_stem`, ``아름솔이랑``);
* a surname syllable directly followed by a given-name syllable (Kiwi's surname + short noun,
  ``김승`` of a ``김승훈`` it cut into pieces) or by a title (``김대리``, ``박과장님``).

The gate is a necessary condition derived from those rules, not a heuristic: it drops nothing
Kiwi would have turned into a name. What it saves is the analysis of words like ``그냥``,
``괜찮아``, ``ㅋㅋ먹자`` — and, in a chat whose words are all such words, loading Kiwi at all.

>>> gate = CandidateGate(lambda form: form in {"민지", "지우"})
>>> gate("민지랑"), gate("그냥"), gate("김대리님"), gate("김승훈께서")
(True, False, True, True)
"""

from __future__ import annotations

from collections.abc import Callable

from kakao2dataset.anonymize.given_names import three_syllable_stem
from kakao2dataset.anonymize.lexicon import NAME_SYLLABLES, SURNAMES, TITLES

_LONGEST = 4  # the longest form a Kiwi rule accepts (NNP names, 2-syllable surname + 2)


class CandidateGate:
    """``gate(word)`` is True when some Kiwi rule could find a name in ``word``.

    ``person_like`` is the finder's own test, so allow-listed words and the speakers' forms
    (which it rejects) are not candidates either.
    """

    def __init__(self, person_like: Callable[[str], bool]) -> None:
        self.person_like = person_like

    def __call__(self, word: str) -> bool:
        return (
            self._after_surname(word)
            or self._person_piece(word)
            or three_syllable_stem(word) is not None
        )

    def _person_piece(self, word: str) -> bool:
        # Every person-like piece ends in two given-name syllables (its name_key does), so
        # only the positions of such a pair need the full test.
        for end in range(2, len(word) + 1):
            if word[end - 1] in NAME_SYLLABLES and word[end - 2] in NAME_SYLLABLES:
                for start in range(max(0, end - _LONGEST), end - 1):
                    if self.person_like(word[start:end]):
                        return True
        return False

    @staticmethod
    def _after_surname(word: str) -> bool:
        for i in range(len(word) - 1):
            if word[i] in SURNAMES and (
                word[i + 1] in NAME_SYLLABLES or any(word.startswith(t, i + 1) for t in TITLES)
            ):
                return True
        return False
