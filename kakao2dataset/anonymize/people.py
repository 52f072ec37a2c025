"""Whole-export name learning: every person named with confidence anywhere, with all their forms.

A name the detector finds in message 900 (``김가을 왔어``) must also go in message 3
(``가을이가 그러는데``), and in the 연음 spelling someone types (``가으리가``). So the pipeline's
first pass hands every text to :func:`learn_people`, which asks the name finder for its verdict
on each distinct Hangul word (the same cached verdicts the second pass reads, so Kiwi sees no word
twice) and groups what it finds by person: the given name is the identity (``name_key``), a
euphonic 이 is not part of it (``훈이가`` → 훈), full names (``김가을``, ``남궁민수``) join their
given name. :func:`person_forms` then writes out every form of a person, and the anonymizer seeds
its :class:`~.known.NameBook` with them before the second pass, so each person has one
``<NAME_k>`` everywhere.

A given name that is also an ordinary word (가을, 바다, 새벽; :func:`is_ordinary_word` asks Kiwi)
gets context forms only: with a particle that follows people (``가을이가``, ``바다한테``), a
vocative (``가을아``), a title (``가을씨``, ``바다언니``; spaced ``가을 씨`` is the finder's). The bare word stays a word, and so do
longer words it starts (``가을비``). One-syllable given names are always treated that way
(``훈이가``, ``민님``; never a bare ``민``).

>>> forms = person_forms("가을", ["김가을"], ordinary=True)
>>> "김가을" in forms.bare, "가을" in forms.bare, "가을이가" in forms.context, "가으리" in forms.bare
(True, False, True, True)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kakao2dataset.anonymize.known import name_key

# The name finder's words (names._HANGUL_RUN), in the stdlib engine: ~2x faster on one findall
# over a whole export's text joined, and the same runs.
_HANGUL_RUN = re.compile(r"[가-힣]{2,12}")

# After a consonant-final given name: the euphonic 이 and what follows it, the vocative 아, and
# particles that (almost) only follow people. After a vowel-final one: 야 and the same particles.
_AFTER_FINAL = ("이가", "이는", "이도", "이를", "이랑", "이한테", "이하고", "이네", "이야", "이에게",
                "이의", "이만", "이처럼", "이랑은", "아", "한테", "에게", "께")  # fmt: skip
_AFTER_VOWEL = ("야", "한테", "에게", "랑", "랑은", "께", "네")
# Titles and kinship words written after a name, glued or after one space.
TITLE_WORDS = ("씨", "님", "쌤", "선배", "언니", "오빠", "형", "누나", "이모", "선생님")
# A final consonant that moves to the next syllable's onset in 연음 (ㄹ+이 → 리, ㄴ+이 → 니).
_LIAISON = {1: 0, 2: 1, 4: 2, 7: 3, 8: 5, 16: 6, 17: 7, 19: 9, 20: 10, 22: 12, 23: 14, 24: 15,
            25: 16, 26: 17, 27: 18}  # final index → initial index  # fmt: skip


def _final(syllable: str) -> int:
    return (ord(syllable) - 0xAC00) % 28


def has_final(word: str) -> bool:
    return _final(word[-1]) != 0


def liaison(given: str) -> str | None:
    """The 연음 spelling of ``given`` + euphonic 이: ``가을`` → ``가으리``, ``별`` → ``벼리``.

    >>> liaison("가을"), liaison("훈"), liaison("민지")
    ('가으리', '후니', None)
    """
    last = given[-1]
    final = _final(last)
    if final not in _LIAISON:
        return None
    code = ord(last) - 0xAC00
    open_syllable = chr(0xAC00 + code - final)
    moved = chr(0xAC00 + (_LIAISON[final] * 21 + 20) * 28)  # initial + ㅣ, no final
    return given[:-1] + open_syllable + moved


@dataclass
class PersonForms:
    """``bare``: forms matched at a word start whatever follows (full names, the given name when
    it is no ordinary word, 연음 stems); ``context``: given name + particle / vocative / title,
    each with the length of its name part (``가을이가`` → 2), the rest of it kept as grammar."""

    bare: set[str] = field(default_factory=set)
    context: dict[str, int] = field(default_factory=dict)


def person_forms(given: str, full_names: Iterable[str] = (), ordinary: bool = False) -> PersonForms:
    """Every form of the person whose given name is ``given`` (see the module docstring)."""
    forms = PersonForms()
    forms.bare.update(f for f in full_names if len(f) >= 3)
    context_only = ordinary or len(given) == 1
    if not context_only:
        forms.bare.add(given)
    suffixes = _AFTER_FINAL if has_final(given) else _AFTER_VOWEL
    for suffix in suffixes:
        forms.context[given + suffix] = len(given)
    if has_final(given) and not context_only:
        forms.context[given + "이"] = len(given)
    if len(given) == 1:
        forms.context[given + "이"] = 1  # 솔이, 훈이: a one-syllable name's usual form
    for title in TITLE_WORDS:  # glued only: ``가을 씨`` / ``가을 님`` are the finder's (X 씨 rule);
        forms.context[given + title] = len(given)  # a spaced form would slow every search
    stem = liaison(given)
    if stem is not None:
        if len(stem) >= 3:
            forms.bare.add(stem)  # 가으리: no word of its own
        else:  # 후니, 벼리, 소리: may be words; only with a particle or a vocative
            for suffix in ("가", "는", "랑", "야", "한테", "도", "를"):
                forms.context[stem + suffix] = len(stem)
    return forms


@dataclass
class Person:
    """One third party of an export: the given name (identity), full names seen, and every
    surface the finder read as this person with its count (for ``k2d names``)."""

    key: str
    full_names: set[str] = field(default_factory=set)
    seen: Counter = field(default_factory=Counter)
    ordinary: bool = False


def person_key(key: str) -> str:
    """The given name of a finder key: ``훈이`` (euphonic 이 kept by Kiwi) → ``훈``."""
    if len(key) == 2 and key[1] == "이" and has_final(key[0]):
        return key[0]
    return key


def count_words(texts: Iterable[str], words: Counter | None = None) -> Counter:
    """The Hangul words (the name finder's runs) of ``texts``, in order of first appearance."""
    words = Counter() if words is None else words
    words.update(_HANGUL_RUN.findall("\n".join(texts)))  # no run spans a newline
    return words


def learn_people(
    words: Counter,
    verdicts: Callable[[list[str]], list],
    ordinary: Callable[[str], bool],
    batch: int = 4096,
) -> list[Person]:
    """People named in an export whose Hangul ``words`` were counted (:func:`count_words`), in
    order of first appearance. ``verdicts`` and ``ordinary`` are the name finder's."""
    people: dict[str, Person] = {}
    distinct = list(words)
    for i in range(0, len(distinct), batch):
        chunk = distinct[i : i + batch]
        for word, verdict in zip(chunk, verdicts(chunk), strict=True):
            if verdict is None or " " in verdict[2]:  # surname + job title: no given name
                continue
            start, end, key = verdict
            surface = word[start:end]
            given = person_key(key)
            person = people.get(given)
            if person is None:
                person = people[given] = Person(given)
            if surface != given and name_key(surface) == given:
                person.full_names.add(surface)
            person.seen[word] += words[word]
    for person in people.values():
        person.ordinary = len(person.key) == 1 or ordinary(person.key)
    return list(people.values())
