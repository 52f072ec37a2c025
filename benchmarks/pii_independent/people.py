"""The made-up people of the independent PII set and the Korean name forms built from them.

Every name here is invented for this set. A person carries the failure classes the issue lists
(ordinary-word given names, one- and three-syllable given names, uncommon ones, two-syllable
surnames), and :func:`forms` spells them the ways a chat does::

    >>> p = Person("T00", "김", "가을", ordinary=True)
    >>> forms(p)["particle"][:2], forms(p)["yeoneum"][:2]
    ([('가을이', '가'), ('가을이', '는')], [('가으리', '가'), ('가으리', '는')])
"""

from __future__ import annotations

from dataclasses import dataclass

SPEAKERS = ("배수아", "류태오")  # display names of the two chatters (made up)


@dataclass(frozen=True)
class Person:
    pid: str
    surname: str
    given: str
    ordinary: bool = False  # the given name is also an ordinary word (가을, 바다, ...)
    uncommon: bool = False

    @property
    def full(self) -> str:
        return self.surname + self.given

    def classes(self) -> list[str]:
        out = ["ordinary_word"] * self.ordinary + ["uncommon"] * self.uncommon
        out += [f"given_{len(self.given)}syl"]
        out += ["two_syllable_surname"] * (len(self.surname) == 2)
        out += ["common"] * (not self.ordinary and not self.uncommon)
        return out


_ROWS = """
김 가을 o|이 바다 o|박 단비 o|최 나비 o|정 한빛 o|윤 새벽 o|강 하늘 o|조 보람 o|임 이슬 o|서 노을 o
문 은하수 ou|송 아름솔 u|안 한가람 u|장 새로미 u|하 다온별 u
박 훈|이 민|정 솔 o|한 별 o|조 진|권 혁|신 율 u|문 린 u
남궁 민수|황보 지아|제갈 현|선우 재희|독고 영재|사공 하람 u
홍 도하 u|오 로운 u|전 이든 u|나 라온 u|유 시온 u|고 해람 u|백 여울 u|차 채헌 u|구 윤슬 u|양 단우 u
김 민준|이 서연|박 지훈|최 수빈|정 지민|강 현우|조 예린|윤 도윤|장 서준|임 하은|한 지우|신 유진
"""


def people() -> list[Person]:
    out = []
    for cell in _ROWS.replace("\n", "|").split("|"):
        if cell.strip():
            bits = cell.split()
            flags = bits[2] if len(bits) > 2 else ""
            out.append(Person(f"T{len(out):02d}", bits[0], bits[1], "o" in flags, "u" in flags))
    return out


def final_consonant(syllable: str) -> int:
    """Index of the final consonant (0: none) of a Hangul syllable."""
    return (ord(syllable) - 0xAC00) % 28


# final consonant index → the initial it becomes when it moves onto the next syllable (연음)
_LINK = {1: 0, 4: 2, 7: 3, 8: 5, 16: 6, 17: 7, 19: 9, 22: 12, 23: 14, 25: 16}


def yeoneum(given: str, vowel: int) -> str | None:
    """``가을`` + 이 → ``가으리`` (vowel 20 = ㅣ), + 아 → ``가으라`` (vowel 0 = ㅏ); None when the
    last syllable has no final that moves (none, ㅇ, ㅎ)."""
    last = given[-1]
    code = ord(last) - 0xAC00
    tail = code % 28
    if tail not in _LINK:
        return None
    stem = given[:-1] + chr(0xAC00 + code - tail)
    return stem + chr(0xAC00 + (_LINK[tail] * 21 + vowel) * 28)


TITLES = ["씨", "님", "쌤", " 선배", "언니", "오빠", "형", "누나", "이모", " 선배님"]


def forms(p: Person) -> dict[str, list[tuple[str, str]]]:
    """Each form class → (labelled name part, unlabelled suffix) variants as a chat writes them."""
    g, cons = p.given, final_consonant(p.given[-1]) != 0
    gi = g + "이" if cons else g
    out = {
        "full": [(p.full, "이" if final_consonant(p.full[-1]) else "가"), (p.full, ""),
                 (p.full, "은" if final_consonant(p.full[-1]) else "는")],
        "given": [(g, ""), (g, "은" if cons else "는")],
        "particle": [(gi, "가"), (gi, "는"), (gi, "랑"), (gi, "한테"), (gi, "하고")],
        "vocative": [(g, "아" if cons else "야")],
        "title": [(g + ("이" if t == "형" and cons else ""), t) for t in TITLES],
        "full_title": [(p.full, " 선생님"), (p.full, "씨"), (p.full, " 님"), (p.full, " 대리님")],
    }
    if cons:
        out["given_i"] = [(gi, "")]
    y_i, y_a = yeoneum(g, 20), yeoneum(g, 0)
    if y_i:
        out["yeoneum"] = [(y_i, "가"), (y_i, "는"), (y_i, "랑"), (y_i, "한테"), (y_a, "")]
    return out


def leak_keys(p: Person, surface: str) -> list[str]:
    """Strings whose survival in an anonymized message means this mention leaked: the given
    name (or its 연음 spelling), and a two-syllable surname (rare enough to identify)."""
    keys = [p.given] if p.given in surface else [surface]
    if len(p.surname) == 2 and p.surname in surface:
        keys.append(p.surname)
    return keys
