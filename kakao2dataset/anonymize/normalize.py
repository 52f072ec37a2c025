"""A detection copy of a message: folded to ASCII digits/letters, with an offset map back.

Detectors never look at the raw text, because the same phone number arrives as
``010-1234-5678``, ``０１０－１２３４－５６７８``, ``010\\u200b1234\\u200b5678``,
``0 1 0 1 2 3 4 5 6 7 8`` or ``공일공 일이삼사 오육칠팔``. Folding all of them to one form keeps
the detectors simple. The folded copy is *never written out*: NFKC would also rewrite ``ㅋㅋ``
(compatibility jamo) and Hangul numerals are ordinary words most of the time, so every span a
detector finds is mapped back to the original text through ``offsets``.

>>> n = normalize("번호 ０１０－１２３４－５６７８")
>>> n.text
'번호 010-1234-5678'
>>> n.original_span(3, 16)
(3, 16)
>>> normalize("공일공 일이삼사 오육칠팔이야").text
'010 1234 5678이야'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters that carry no meaning for detection and are used to split numbers/names.
_INVISIBLE = set(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\ufeff\ufe0e\ufe0f\u20e3\u3164\uffa0"
)
_DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc\u2500")
# Anything outside these needs a look: ASCII, Hangul syllables and jamo, CJK, common punctuation.
_NEEDS_FOLD = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufe0e\ufe0f\u20e3\u3164\uffa0\u2010-\u2015\u2212\ufe58\ufe63\uff01-\uff5e"
    "\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf\U0001d400-\U0001d7ff]"
    "|(?![0-9])\\d"
)
_HANGUL_DIGITS = {
    "공": "0", "영": "0", "빵": "0", "일": "1", "이": "2", "삼": "3", "사": "4",
    "오": "5", "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9",
}  # fmt: skip
# Groups may be joined by a space, ``.``, ``-`` or a spoken ``에`` (``공일공에 일이삼사에 오육칠팔``).
_NUMERAL_RUN = re.compile(
    r"[0-9공영빵일이삼사오육륙칠팔구](?:(?:[ .\-]|에 ?)?[0-9공영빵일이삼사오육륙칠팔구]){6,}"
)
_SEPARATORS = " .-에"
_ZEROS = frozenset("공영빵0")
_SPACED_DIGITS = re.compile(r"(?<![0-9])[0-9](?: [0-9]){6,}(?![0-9])")


@dataclass(frozen=True, slots=True)
class Normalized:
    """``text`` is the detection copy; ``offsets[i]`` is the index in the original of
    ``text[i]`` (``None`` when the copy is the original itself, the common fast path)."""

    original: str
    text: str
    offsets: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` back to the smallest original span covering it."""
        if self.offsets is None:
            return start, end
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return pos, pos
        o_end = self.offsets[end - 1] + 1
        while o_end < len(self.original) and self.original[o_end] in _INVISIBLE:
            o_end += 1  # the keycap/variation marks after the last digit go with it
        return self.offsets[start], o_end


def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    if ch in _DASHES:
        return "-"
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    if folded.isascii() and folded.strip():
        return folded
    if ch.isdigit():
        return str(unicodedata.digit(ch, 0))
    return ch


def has_numeral_run(text: str) -> bool:
    """Whether Hangul numerals in ``text`` might be decoded (a run of 7+ numerals with a 0);
    without one, and without a character to fold or spaced digits, the copy is the text."""
    if _ZEROS.isdisjoint(text):
        return False  # a decoded phone number starts with 0
    return any(any(c in _HANGUL_DIGITS for c in m.group()) for m in _NUMERAL_RUN.finditer(text))


def _decode_numerals(chars: list[str], offsets: list[int]) -> None:
    """Decode Hangul numeral runs in place, only where they look like a phone number.

    Guard (pii.md §2.2): the run must contain a Hangul numeral, decode to a number that starts
    with 0, hold ≥ 9 digits and ≥ 3 distinct digits — so ``오오오오오오오``, ``이사``,
    ``일이삼사오육칠팔구`` (counting) stay words. A trailing ``이`` beyond 11 digits is the
    particle (``오육칠팔이야``), not a 2, and so is a numeral glued right after an ASCII digit
    (``0212345678이야``: a number is typed in one script). A spoken ``에`` between groups becomes
    ``-``.
    """
    text = "".join(chars)
    for m in _NUMERAL_RUN.finditer(text):
        run = m.group()
        end = m.end()
        digits = [_HANGUL_DIGITS.get(c, c) for c in run if c not in _SEPARATORS]
        while len(digits) > 11 and run[-1] in _HANGUL_DIGITS:
            digits.pop()
            run = run[:-1].rstrip(_SEPARATORS)
            end = m.start() + len(run)
        while (
            len(run) > 1 and run[-1] in _HANGUL_DIGITS and run[-2].isascii() and run[-2].isdigit()
        ):
            digits.pop()
            run = run[:-1]
            end = m.start() + len(run)
        if not (
            any(c in _HANGUL_DIGITS for c in run)
            and digits[0] == "0"
            and len(digits) >= 9
            and len(set(digits)) >= 3
        ):
            continue
        for i in range(m.start(), end):
            chars[i] = "-" if chars[i] == "에" else _HANGUL_DIGITS.get(chars[i], chars[i])
    del offsets  # offsets are unchanged: decoding is one character for one character


@lru_cache(maxsize=8192)
def normalize(text: str) -> Normalized:
    """Return the detection copy of ``text`` (see module docstring)."""
    needs_fold = _NEEDS_FOLD.search(text) is not None
    has_numerals = has_numeral_run(text)
    has_spaced = _SPACED_DIGITS.search(text) is not None
    if not (needs_fold or has_numerals or has_spaced):
        return Normalized(text, text, None)
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for out in _fold_char(ch) if needs_fold else ch:
            chars.append(out)
            offsets.append(i)
    _decode_numerals(chars, offsets)
    folded = "".join(chars)
    # Digits typed one by one with spaces: drop the spaces so detectors see one number.
    keep = [True] * len(folded)
    for m in _SPACED_DIGITS.finditer(folded):
        for j in range(m.start() + 1, m.end(), 2):
            keep[j] = False
    if not all(keep):
        chars = [c for c, k in zip(folded, keep, strict=False) if k]
        offsets = [o for o, k in zip(offsets, keep, strict=False) if k]
        folded = "".join(chars)
    if folded == text:
        return Normalized(text, text, None)
    return Normalized(text, folded, tuple(offsets))
