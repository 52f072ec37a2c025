"""Sampling that never splits a character in two.

Byte-level tokenizers (GPT-2-style BPE, the tiny offline bases, Llama 3, Qwen2) and
SentencePiece byte fallback (``<0xEC>``) have tokens that hold only part of a multi-byte UTF-8
character: a Hangul syllable is three bytes and may come as two or three tokens. A sampled
token that does not continue the character the previous one started (or that starts with a
continuation byte no character is waiting for) decodes to U+FFFD, and the user reads
``음� 좀 바빠``. Small or briefly trained models do it often; any model does it now and then at
high temperature.

:class:`Utf8Guard` knows each token's bytes and, before every sampling step, masks the tokens
that cannot follow the bytes so far: the reply is always valid UTF-8, and the stop tokens wait
until a started character is complete. Tokenizers whose every token is whole characters
(KoGPT2's vocabulary, SentencePiece without byte fallback) need no guard:
:meth:`Utf8Guard.for_tokenizer` returns None for them.

>>> guard = Utf8Guard([b"a", "가".encode()[:1], "가".encode()[1:], b""])
>>> after_lead = guard.advance(WHOLE, 1)
>>> after_lead
(2, (128, 191))
>>> guard.allowed(WHOLE, 5).tolist(), guard.allowed(after_lead, 5).tolist()
([True, True, False, True, False], [False, False, True, False, False])
>>> guard.advance(after_lead, 2) == WHOLE
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

_BYTE_FALLBACK = re.compile(r"<0x([0-9A-Fa-f]{2})>")
_BAD = -1  # a token that is no valid piece of UTF-8 anywhere (0xC0, 0xFF, a lead inside)
# The range of the first continuation byte after a lead, by lead (Unicode Table 3-7): no
# overlong forms, no surrogates, nothing past U+10FFFF. Every other lead takes 80-BF.
_FIRST = {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F), 0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}
_ANY = (0x80, 0xBF)


def _byte_level_alphabet() -> dict[str, int]:
    """GPT-2's byte ↔ printable-character table, inverted: the character a byte-level
    vocabulary writes for each byte (printable Latin-1 stands for itself, the rest is shifted
    to 256 and up)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    chars, shift = {}, 0
    for byte in range(256):
        if byte in keep:
            chars[chr(byte)] = byte
        else:
            chars[chr(256 + shift)] = byte
            shift += 1
    return chars


def _need(lead: int) -> int:
    """Continuation bytes a lead byte announces; _BAD for a byte that never leads."""
    if lead < 0x80:
        return 0
    if 0xC2 <= lead <= 0xDF:
        return 1
    if 0xE0 <= lead <= 0xEF:
        return 2
    if 0xF0 <= lead <= 0xF4:
        return 3
    return _BAD  # a continuation byte, 0xC0/0xC1 or 0xF5-0xFF


# A decoding state: (continuation bytes owed, the range the next one must be in).
State = tuple[int, tuple[int, int]]
WHOLE: State = (0, _ANY)  # between characters


class _Shape(tuple):
    """A token's bytes as the guard sees them: ``lead`` continuation bytes first (``first``
    the first byte), ``only`` when that is all, and the state its last character leaves."""

    __slots__ = ()
    lead = property(lambda self: self[0])
    only = property(lambda self: self[1])
    first = property(lambda self: self[2])
    end = property(lambda self: self[3])


_BAD_SHAPE = _Shape((_BAD, False, 0, WHOLE))


def _shape(data: bytes) -> _Shape:
    """The shape of a token's bytes, or _BAD_SHAPE when they cannot occur in valid UTF-8
    whatever comes before and after."""
    lead = 0
    while lead < len(data) and 0x80 <= data[lead] <= 0xBF:
        lead += 1
    first = data[0] if data else 0
    if lead > 3:
        return _BAD_SHAPE
    if lead == len(data):
        return _Shape((lead, True, first, WHOLE))
    need, low, high = 0, *_ANY
    for byte in data[lead:]:
        if need:
            if not low <= byte <= high:
                return _BAD_SHAPE
            need, (low, high) = need - 1, _ANY
            continue
        need = _need(byte)
        if need == _BAD:
            return _BAD_SHAPE
        low, high = _FIRST.get(byte, _ANY)
    return _Shape((lead, False, first, (need, (low, high)) if need else WHOLE))


class Utf8Guard:
    """Masks per decoding state: how many continuation bytes the reply still owes (0–3) and
    the range the next one must be in.

    ``token_bytes[i]`` are token ``i``'s bytes (``b""`` for special and added tokens, which
    may only come between characters). Ids past the tokenizer (padded embedding rows, up to
    the logits' ``size``) are never allowed.
    """

    def __init__(self, token_bytes: Sequence[bytes]) -> None:
        self._shapes = [_shape(data) for data in token_bytes]
        self._masks: dict[tuple[State, int], object] = {}  # (state, logits size) -> mask
        self._biases: dict[tuple[State, int, str], object] = {}  # the same as 0 / -inf

    @classmethod
    def for_tokenizer(cls, tokenizer) -> Utf8Guard | None:
        """The guard for a Hugging Face tokenizer with a byte-level or byte-fallback vocabulary
        (read from its decoder), or None when every token is whole characters."""
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            return None
        decoder = json.dumps(json.loads(backend.to_str()).get("decoder"))
        byte_level, fallback = '"ByteLevel"' in decoder, '"ByteFallback"' in decoder
        if not (byte_level or fallback):
            return None
        alphabet = _byte_level_alphabet()
        added = set(getattr(tokenizer, "added_tokens_decoder", {}) or {})
        added |= set(tokenizer.all_special_ids)
        pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
        token_bytes = []
        for token, piece in enumerate(pieces):
            if token in added or piece is None:
                data = b""
            elif byte_level and all(ch in alphabet for ch in piece):
                data = bytes(alphabet[ch] for ch in piece)
            elif fallback and (m := _BYTE_FALLBACK.fullmatch(piece)):
                data = bytes([int(m.group(1), 16)])
            else:
                data = piece.replace("\u2581", " ").encode("utf-8")
            token_bytes.append(data)
        if all(shape.lead == 0 and shape.end == WHOLE for shape in map(_shape, token_bytes)):
            return None  # whole characters only: nothing to guard
        return cls(token_bytes)

    def bias(self, state: State, size: int, device=None):
        """``allowed`` as an additive logits bias (0 or -inf) on the logits' ``device``,
        cached: one vector add per sampling step."""
        key = (state, size, str(device))
        bias = self._biases.get(key)
        if bias is None:
            import torch

            bias = torch.zeros(size).masked_fill_(~self.allowed(state, size), float("-inf"))
            bias = bias.to(device) if device is not None else bias
            self._biases[key] = bias
        return bias

    def allowed(self, state: State, size: int):
        """Boolean mask over ``size`` logits: the tokens that may follow in ``state``."""
        mask = self._masks.get((state, size))
        if mask is None:
            import torch

            (owed, (low, high)), shapes = state, self._shapes[:size]
            mask = torch.zeros(size, dtype=torch.bool)
            mask[: len(shapes)] = torch.tensor([
                shape.lead != _BAD
                and (shape.lead <= owed if shape.only and shape.lead else shape.lead == owed)
                and (shape.lead == 0 or low <= shape.first <= high)
                for shape in shapes
            ], dtype=torch.bool)
            self._masks[(state, size)] = mask
        return mask

    def advance(self, state: State, token: int) -> State:
        """The state after ``token`` (which ``allowed(state)`` allowed)."""
        shape = self._shapes[token] if token < len(self._shapes) else _Shape((0, True, 0, WHOLE))
        if not shape.only:
            return shape.end
        owed = state[0] - shape.lead
        return state if not shape.lead else (owed, _ANY) if owed else WHOLE
