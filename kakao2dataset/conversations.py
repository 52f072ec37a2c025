"""Turns → conversations: the canonical dataset record of ``k2d parse``.

A conversation is one session (turns between two long silences), both sides, in order. Every
persona turn in it is a training target, so a context turn is stored once instead of once per
reply that sees it (pair-per-reply stored it up to 8 times, three times each).

A long session is cut into *windows* at turn boundaries (``max_window_turns`` /
``max_window_chars``). The first turns of a later window repeat the end of the previous one
as context (``context_turns`` of them, within ``context_turns`` / ``context_chars``, the same
limits pair-per-reply gave a reply), so a persona turn right after a cut still sees what it saw
before; those repeated turns carry no loss in training.

A session the persona opens (its first turn is the persona's, after a silence longer than
the session gap) is kept and marked ``persona_opened``: nothing was said to it, and exports
write it with an explicit empty-context user cue (see :mod:`kakao2dataset.export_formats`).

>>> from datetime import datetime
>>> t = datetime(2024, 1, 1, 9, 0)
>>> turns = [Turn("A", "hi", t, t, 0, "c.txt", 1, 1), Turn("B", "yo", t, t, 0, "c.txt", 2, 3)]
>>> [c.roles for c in build_conversations(turns, "B", ConversationSettings(), ConversationStats())]
[('user', 'persona')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kakao2dataset.model import Turn
from kakao2dataset.speakers import PERSONA, USER


@dataclass(frozen=True)
class ConversationSettings:
    max_window_turns: int = 64
    """A session longer than this many turns is cut into windows (at turn boundaries)."""
    max_window_chars: int = 6000
    """... or longer than this many characters of text (a single longer turn stays whole)."""
    context_turns: int = 8
    """A later window repeats at most this many turns of the previous one as context."""
    context_chars: int = 1200
    """... and at most this many characters of them (the latest turn always stays)."""


@dataclass
class ConversationStats:
    conversations: int = 0
    windows_cut: int = 0  # windows beyond the first of their session
    persona_opened: int = 0
    persona_turns: int = 0
    persona_turns_per_session: dict[int, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"conversations": self.conversations, "windows_cut": self.windows_cut,
                "persona_opened": self.persona_opened, "persona_turns": self.persona_turns}


@dataclass(frozen=True, slots=True)
class Conversation:
    """One window of one session. ``roles[i]`` is ``user`` or ``persona`` for ``turns[i]``;
    the first ``context_turns`` turns repeat the previous window (context only)."""

    id: str
    session: int
    window: int
    turns: tuple[Turn, ...]
    roles: tuple[str, ...]
    context_turns: int = 0
    persona_opened: bool = False


def build_conversations(turns: Iterable[Turn], persona: str, settings: ConversationSettings,
                        stats: ConversationStats) -> Iterator[Conversation]:
    """Group a time-ordered turn stream into conversations (see module docstring)."""
    session_turns: list[Turn] = []
    for turn in turns:
        if session_turns and turn.session != session_turns[0].session:
            yield from _windows(session_turns, persona, settings, stats)
            session_turns = []
        session_turns.append(turn)
    if session_turns:
        yield from _windows(session_turns, persona, settings, stats)


def _windows(turns: list[Turn], persona: str, settings: ConversationSettings,
             stats: ConversationStats) -> Iterator[Conversation]:
    roles = [PERSONA if t.speaker == persona else USER for t in turns]
    session = turns[0].session
    n_persona = roles.count(PERSONA)
    stats.persona_turns += n_persona
    stats.persona_turns_per_session[session] = n_persona
    opened = roles[0] == PERSONA
    stats.persona_opened += opened
    start, window, context = 0, 0, 0
    while start < len(turns):
        end, chars = start + context, sum(len(t.text) for t in turns[start:start + context])
        while end < len(turns):  # at least one new turn per window
            length = len(turns[end].text)
            new = end - start - context
            if new and (end - start >= settings.max_window_turns
                        or chars + length > settings.max_window_chars):
                break
            chars += length
            end += 1
        stats.conversations += 1
        stats.windows_cut += window > 0
        yield Conversation(
            id=f"c{stats.conversations - 1:07d}", session=session, window=window,
            turns=tuple(turns[start:end]), roles=tuple(roles[start:end]),
            context_turns=context, persona_opened=opened and window == 0,
        )
        if end >= len(turns):
            return
        context = _overlap(turns, end, settings)
        start, window = end - context, window + 1


def _overlap(turns: list[Turn], end: int, settings: ConversationSettings) -> int:
    """How many turns before ``end`` the next window repeats: the latest always, then older
    ones while they fit ``context_turns`` / ``context_chars``."""
    count, chars = 0, 0
    for turn in reversed(turns[:end]):
        if count and (count >= settings.context_turns
                      or chars + len(turn.text) > settings.context_chars):
            break
        count, chars = count + 1, chars + len(turn.text)
    return min(count, settings.context_turns)


def validation_cutoff(per_session: dict[int, int], fraction: float) -> int | None:
    """The first session of the validation split: the latest sessions holding about
    ``fraction`` of the persona turns (see :func:`kakao2dataset.pairs.validation_cutoff`)."""
    from kakao2dataset.pairs import validation_cutoff as cutoff

    return cutoff(per_session, fraction)
