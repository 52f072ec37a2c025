"""E-mail addresses, URLs and IP addresses.

Patterns use ASCII character classes, so they stop where a Korean particle starts
(``minji@naver.com으로`` → the e-mail ends before ``으로``); no TLD validator rejects a glued
match (the Presidio hole in pii.md §1.4). Spelled e-mails (``minji 골뱅이 naver 닷컴``) are
caught too. URLs are replaced whole: paths and query strings carry tokens and user ids.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from kakao2dataset.anonymize.registry import Detector, register
from kakao2dataset.anonymize.spans import Span
from kakao2dataset.anonymize.validators import ipv4_ok

_TLDS = r"(?:com|net|org|kr|me|io|ly|gl|co|be|app|page|link|to|jp|us|xyz|dev|ai|tv|gg|info|biz|site|kakao)"
EMAIL = regex.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_EMAIL_SPELLED = regex.compile(
    r"(?<![A-Za-z0-9._-])[A-Za-z0-9._-]{2,}\s?(?:골뱅이|\(at\)|\[at\]|\sat\s|앳)\s?[A-Za-z0-9-]+"
    r"(?:\s?(?:\.|닷|dot|점)\s?(?:[A-Za-z]{2,}|컴|넷|케이알))*(?:\s?(?:닷컴|닷넷))?",
    regex.IGNORECASE,
)
_SPELLED_CUE = regex.compile(
    r"골뱅이|\(at\)|\[at\]|\sat\s|앳", regex.IGNORECASE
)  # _EMAIL_SPELLED's
URL = regex.compile(
    r"(?:https?://|www\.)[^\s<>\"'\p{Hangul}]+"
    rf"|(?<![A-Za-z0-9@._-])(?:[A-Za-z0-9-]+\.)+{_TLDS}/[^\s<>\"'\p{{Hangul}}]*",
    regex.IGNORECASE,
)
_IPV4 = regex.compile(r"(?<![0-9.])\d{1,3}(?:\.\d{1,3}){3}(?![0-9]|\.[0-9])")
_IPV6 = regex.compile(
    r"(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::{1,2}[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])"
)
_VERSION_CUE = regex.compile(
    r"(?:버전|version|ver\.?|v)\s*$|^\s*(?:버전|version|ver)", regex.IGNORECASE
)


def find_email(text: str, context: str = "") -> Iterator[Span]:
    """``minji@naver.com`` (also glued to particles) and ``minji 골뱅이 naver 닷컴``."""
    for m in EMAIL.finditer(text):
        yield Span(m.start(), m.end(), "EMAIL", 1.0)
    if _SPELLED_CUE.search(text):  # the costly pattern only where a spelled "at" is
        for m in _EMAIL_SPELLED.finditer(text):
            yield Span(m.start(), m.end(), "EMAIL", 0.8)


def find_url(text: str, context: str = "") -> Iterator[Span]:
    """Scheme or ``www.`` URLs, and bare domains with a path (``toss.me/minji``)."""
    for m in URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,!?)]}":
            end -= 1
        yield Span(m.start(), end, "URL", 1.0)


def find_ip(text: str, context: str = "") -> Iterator[Span]:
    """IPv4 with octets ≤ 255 (not ``1.2.3.4 버전``) and IPv6 with a hex letter or ``::``."""
    for m in _IPV4.finditer(text):
        before, after = text[max(0, m.start() - 8) : m.start()], text[m.end() : m.end() + 8]
        if ipv4_ok(m.group().split(".")) and not (
            _VERSION_CUE.search(before) or _VERSION_CUE.search(after)
        ):
            yield Span(m.start(), m.end(), "IP", 0.9)
    for m in _IPV6.finditer(text):
        s = m.group()
        if s.count(":") >= 3 and ("::" in s or regex.search(r"[A-Fa-f]", s)):
            yield Span(m.start(), m.end(), "IP", 0.8)


def _ip_gate(text: str, digits: int) -> bool:
    return (digits >= 4 and "." in text) or text.count(":") >= 2


# Every e-mail holds "@" or a spelled form (the word "at" only between spaces); every URL "/" or
# "www.". The leak guard runs both again on the output.
EMAIL_CUES = ("@", "골뱅이", "앳", "(at)", "[at]")
REGISTERED = register(
    "web",
    Detector("EMAIL", 10, find_email, cues=EMAIL_CUES, words=("at",), guarded=True,
             examples=("minji@naver.com", "minji 골뱅이 naver 닷컴", "minji 앳 naver 닷컴",
                       "minji at naver dot com", "MINJI AT NAVER DOT COM", "kim(at)daum.net")),
    Detector("URL", 20, find_url, cues=("/", "www."), guarded=True,
             examples=("https://toss.me/minji", "www.naver.com", "WWW.Example.com", "toss.me/x")),
    Detector("IP", 40, find_ip, min_digits=4, gate=_ip_gate,
             examples=("192.168.0.10", "fe80::1ff:fe23:4567:890a", "fe80::ab:cd:ef")),
)  # fmt: skip
WEB_DETECTORS = tuple(r.find for r in REGISTERED)
