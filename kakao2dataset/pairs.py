"""Turns → context→response pairs for one persona, and the time-ordered validation split.

For every turn of the persona, the context is the previous turns of the same session (at most
``max_context_turns`` and ``max_context_chars``, oldest dropped first), and the response is
the persona's turn. Roles are ``user`` / ``persona`` (see :mod:`kakao2dataset.speakers`).

The split is by time: the last sessions go to validation, so no session is in both and the
model is evaluated on conversations that happened after everything it trained on (a random
split would leak the future on chat logs).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import regex

from kakao2dataset.model import Turn, TurnPair
from kakao2dataset.speakers import PERSONA, USER

_ONLY_TAGS = regex.compile(r"(?:\s*<(?:photo|video|emoticon|file|voice|call)>\s*)+")


@dataclass(frozen=True)
class PairSettings:
    max_context_turns: int = 8
    """At most this many previous turns of the session form the context."""
    max_context_chars: int = 1200
    """Older turns are dropped until the context fits (the trainer also trims by tokens)."""
    keep_media_responses: bool = False
    """Keep pairs whose response is only media tags (``<photo>``); off: they teach little."""
    validation_fraction: float = 0.1
    """Share of pairs (rounded to whole sessions, the latest ones) held out for validation."""


@dataclass
class PairStats:
    pairs: int = 0
    dropped: Counter = field(default_factory=Counter)
    pairs_per_session: dict[int, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"pairs": self.pairs, "responses_dropped": dict(sorted(self.dropped.items()))}


def build_pairs(
    turns: Iterable[Turn], persona: str, settings: PairSettings, stats: PairStats
) -> Iterator[TurnPair]:
    """Stream pairs for ``persona`` (a speaker name as in the turns). ``split`` is left as
    ``"train"``; :func:`validation_cutoff` decides it once all sessions are known.

    The history holds each turn with its ``(role, text)`` context item, made once per turn: a
    turn sits in up to ``max_context_turns`` contexts, and the same item object each time lets
    writers cache what they render from it (see ``writers.PairEncoder``)."""
    history: deque[tuple[Turn, tuple[str, str]]] = deque(maxlen=settings.max_context_turns)
    session = None
    per_session = stats.pairs_per_session
    for turn in turns:
        if turn.session != session:
            history.clear()
            session = turn.session
        is_persona = turn.speaker == persona
        if is_persona and history:
            pair = _pair(turn, history, settings, stats)
            if pair is not None:
                stats.pairs += 1
                per_session[session] = per_session.get(session, 0) + 1
                yield pair
        elif is_persona:
            stats.dropped["no_user_turn_before"] += 1
        history.append((turn, (PERSONA if is_persona else USER, turn.text)))


def _pair(turn: Turn, history, settings: PairSettings, stats: PairStats) -> TurnPair | None:
    context = _fit(history, settings.max_context_chars)
    if not any(item[0] == USER for _, item in context):
        stats.dropped["no_user_turn_before"] += 1
        return None
    text = turn.text
    if not settings.keep_media_responses and "<" in text and _ONLY_TAGS.fullmatch(text):
        stats.dropped["media_only_response"] += 1
        return None
    first = context[0][0]
    return TurnPair(
        id=f"p{stats.pairs:07d}",
        session=turn.session,
        split="train",
        context=tuple(item for _, item in context),
        response=text,
        source=turn.source,
        first_line=first.first_line,
        last_line=turn.last_line,
        start=first.start,
        end=turn.end,
    )


def _fit(history, max_chars: int) -> list:
    """Drop the oldest turns until the context fits; the latest turn always stays.
    ``history`` holds ``(turn, (role, text))`` entries, oldest first."""
    kept, size = [], 0
    for entry in reversed(history):
        length = len(entry[1][1])
        if kept and size + length > max_chars:
            break
        kept.append(entry)
        size += length
    kept.reverse()
    return kept


def validation_cutoff(pairs_per_session: dict[int, int], fraction: float) -> int | None:
    """The first session that goes to validation: the latest sessions holding about
    ``fraction`` of the pairs. None when there is nothing to hold out (one session only, or
    ``fraction`` 0) — the training set then has no validation split, and the manifest says so.

    >>> validation_cutoff({0: 50, 1: 30, 2: 10, 3: 10}, 0.2)
    2
    >>> validation_cutoff({0: 5}, 0.2) is None
    True
    """
    sessions = sorted(s for s, n in pairs_per_session.items() if n)
    if fraction <= 0 or len(sessions) < 2:
        return None
    target, held = fraction * sum(pairs_per_session.values()), 0
    for position in range(len(sessions) - 1, 0, -1):
        held += pairs_per_session[sessions[position]]
        if held >= target:
            return sessions[position]
    return sessions[1]
