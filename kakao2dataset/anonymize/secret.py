"""Passwords, door codes and one-time codes typed after a cue word (pii.md §2.1 "Secrets").

Not a person's identity, but they give access (``현관 비번 #1234*``), and a 4–6 digit code is too
short for any number rule or the leak guard. Only the token right after the cue is replaced.

>>> [text[s.start:s.end] for text in ["와이파이 비번은 minji1234 야"] for s in find_secret(text)]
['minji1234']
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from kakao2dataset.anonymize.registry import Detector, register
from kakao2dataset.anonymize.spans import Span

CUES = ("비번", "비밀번호", "패스워드", "암호", "password", "passwd", "pw", "인증번호", "인증 번호",
        "otp", "도어락", "pin")  # fmt: skip
_CUE = regex.compile(
    "(?:" + "|".join(regex.escape(c) for c in CUES) + ")"
    r"\s?(?:은|는|이|가|:|=|->|→)?\s?(?:바뀜|바꿨어|바꿈)?\s?",
    regex.IGNORECASE,
)
_TOKEN = regex.compile(r"[A-Za-z0-9#*!@$%^&_.+-]{4,40}")


def find_secret(text: str, context: str = "") -> Iterator[Span]:
    """The token after 비번/비밀번호/password/인증번호/OTP…, if it has a digit or 6+ characters."""
    for cue in _CUE.finditer(text):
        m = _TOKEN.match(text, cue.end())
        if m and (any(c.isdigit() for c in m.group()) or len(m.group()) >= 6):
            yield Span(m.start(), m.end(), "SECRET", 0.8)


REGISTERED = register(
    "secret",
    Detector("SECRET", 70, find_secret, cues=CUES,
             examples=("비번은 minji1234", "현관 비번 #1234*", "passwd abc12345", "OTP 482913",
                       "인증 번호 123456")),
)  # fmt: skip
