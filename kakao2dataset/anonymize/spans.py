"""The one record every detector returns: a typed span of the detection copy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` is PII of ``kind`` (``"PHONE"``, ``"NAME"``, ...).

    ``score`` says how sure the rule is (a passing checksum raises it); ``key`` is the
    canonical identity for names (``김민지``/``민지야`` → ``민지``) so one person keeps one
    placeholder; ``placeholder`` overrides the per-kind default (speakers).
    """

    start: int
    end: int
    kind: str
    score: float = 0.5
    key: str = ""
    placeholder: str = ""


class Claims:
    """Character intervals already taken, so a later, weaker detector cannot overlap them."""

    def __init__(self) -> None:
        self.spans: list[Span] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in self.spans)

    def add(self, span: Span) -> bool:
        """Keep ``span`` if it overlaps nothing kept so far; return whether it was kept."""
        if span.end <= span.start or not self.free(span.start, span.end):
            return False
        self.spans.append(span)
        return True
