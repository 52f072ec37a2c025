"""Who is who in a 1:1 export: the persona (whose replies are learned) and the user.

Older mobile exports name the exporting user ``회원님`` / ``you`` / ``You``; ``--me NAME`` maps
those onto a real name so re-exports from other devices line up. Group chats (more than two
speakers) need ``--speakers A,B``. Errors list the speakers with their message counts so the
user can pick (this is the user's own terminal; nothing here is logged or written).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kakao2dataset.errors import K2DError
from kakao2dataset.parsers.base import self_names


@dataclass(frozen=True)
class Roles:
    persona: str
    user: str
    aliases: dict[str, str]  # exported name → canonical name (회원님 → --me)


def _listing(counts: Counter) -> str:
    return ", ".join(f"{name!r} ({n} messages)" for name, n in counts.most_common())


def resolve_roles(
    counts: Counter,
    persona_speaker: str | None = None,
    me: str | None = None,
    speakers: tuple[str, ...] | None = None,
) -> Roles:
    """Decide persona and user from speaker message counts and the user's flags."""
    aliases = {}
    exporter_names = self_names()  # 회원님 / you / You: what the parsers declare
    if me is not None and me not in counts:
        for self_name in sorted(exporter_names):
            if self_name in counts:
                aliases[self_name] = me
    counts = Counter({aliases.get(k, k): v for k, v in counts.items()})
    if speakers:
        missing = [s for s in speakers if s not in counts]
        if missing or len(speakers) != 2:
            raise K2DError(f"--speakers must name two of the speakers: {_listing(counts)}")
        counts = Counter({s: counts[s] for s in speakers})
    if len(counts) > 2:
        raise K2DError(
            f"this looks like a group chat ({len(counts)} speakers); k2d learns from 1:1 chats. "
            f"Pick the two people with --speakers A,B. Speakers: {_listing(counts)}"
        )
    if len(counts) < 2:
        raise K2DError(f"need a conversation between two people; speakers found: {_listing(counts) or 'none'}")
    persona = _persona(counts, persona_speaker, me, exporter_names)
    user = next(name for name in counts if name != persona)
    return Roles(persona=persona, user=user, aliases=aliases)


def _persona(counts: Counter, persona_speaker: str | None, me: str | None,
             exporter_names: frozenset[str]) -> str:
    if persona_speaker is not None:
        if persona_speaker not in counts:
            raise K2DError(f"--persona-speaker {persona_speaker!r} is not a speaker of this chat; speakers: {_listing(counts)}")
        return persona_speaker
    if me is not None:
        if me not in counts:
            raise K2DError(f"--me {me!r} is not a speaker of this chat; speakers: {_listing(counts)}")
        return next(name for name in counts if name != me)
    exporter = [name for name in counts if name in exporter_names]
    if exporter:  # the exporting user is known: the persona is the other person
        return next(name for name in counts if name != exporter[0])
    raise K2DError(
        "say whose replies the persona learns: --persona-speaker NAME (or --me NAME for "
        f"yourself). Speakers: {_listing(counts)}"
    )
