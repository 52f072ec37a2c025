"""Messages → turns: bursts of one speaker merged, sessions split at long silences.

A turn is what one person "said" before the other answered: KakaoTalk users send bursts of
short messages, so consecutive messages of one speaker within ``merge_gap`` are joined with a
newline. A silence longer than ``session_gap`` (default 6 h) starts a new session; context
never crosses a session boundary.

Placeholder messages (photo, emoticon, ...) become a neutral tag such as ``<photo>`` or are
dropped; system and deleted messages are always dropped. Every drop is counted by reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from kakao2dataset.model import Message, MessageKind, Turn

MEDIA_TAGS = {
    MessageKind.PHOTO: "<photo>",
    MessageKind.VIDEO: "<video>",
    MessageKind.EMOTICON: "<emoticon>",
    MessageKind.FILE: "<file>",
    MessageKind.VOICE: "<voice>",
    MessageKind.CALL: "<call>",
}
ALWAYS_DROPPED = {MessageKind.SYSTEM: "system", MessageKind.DELETED: "deleted"}


@dataclass(frozen=True)
class TurnSettings:
    merge_gap: timedelta = timedelta(minutes=10)
    """Messages of one speaker closer than this are one turn."""
    session_gap: timedelta = timedelta(hours=6)
    """A silence longer than this starts a new session."""
    media: str = "tag"
    """``tag``: placeholders become ``<photo>``-style tags; ``drop``: they are removed."""


@dataclass
class TurnStats:
    messages_in: int = 0
    dropped: Counter = field(default_factory=Counter)
    media_tagged: Counter = field(default_factory=Counter)
    turns: int = 0
    sessions: int = 0

    def to_dict(self) -> dict:
        return {
            "messages_in": self.messages_in,
            "messages_dropped": dict(sorted(self.dropped.items())),
            "media_tagged": dict(sorted(self.media_tagged.items())),
            "turns": self.turns,
            "sessions": self.sessions,
        }


def message_text(message: Message, settings: TurnSettings, stats: TurnStats) -> str | None:
    """The text a message contributes to a turn, or None (dropped, reason counted)."""
    if message.kind in ALWAYS_DROPPED:
        stats.dropped[ALWAYS_DROPPED[message.kind]] += 1
        return None
    if message.kind in MEDIA_TAGS:
        if settings.media == "drop":
            stats.dropped[f"media:{message.kind.value}"] += 1
            return None
        stats.media_tagged[message.kind.value] += 1
        return MEDIA_TAGS[message.kind]
    if not message.text.strip():
        stats.dropped["empty"] += 1
        return None
    return message.text


def build_turns(
    messages: Iterable[Message], settings: TurnSettings, stats: TurnStats
) -> Iterator[Turn]:
    """Merge a time-ordered message stream into turns (see module docstring)."""
    current: list[Message] = []
    texts: list[str] = []
    session, last_time = 0, None
    text_kind = MessageKind.TEXT
    for message in messages:
        stats.messages_in += 1
        if message.kind is text_kind and message.text.strip():  # most messages: no bookkeeping
            text = message.text
        else:
            text = message_text(message, settings, stats)
            if text is None:
                continue
        new_session = last_time is not None and message.timestamp - last_time > settings.session_gap
        continues = (
            current and not new_session and message.speaker == current[-1].speaker
            and message.timestamp - current[-1].timestamp <= settings.merge_gap
        )
        if current and not continues:
            yield _turn(current, texts, session, stats)
            current, texts = [], []
        if new_session:
            session += 1
        current.append(message)
        texts.append(text)
        last_time = message.timestamp
    if current:
        yield _turn(current, texts, session, stats)
    stats.sessions = session + 1 if stats.turns else 0


def _turn(messages: list[Message], texts: list[str], session: int, stats: TurnStats) -> Turn:
    stats.turns += 1
    first, last = messages[0], messages[-1]
    return Turn(
        speaker=first.speaker,
        text="\n".join(texts),
        start=first.timestamp,
        end=last.timestamp,
        session=session,
        source=first.source,
        first_line=first.first_line,
        last_line=last.last_line,
        n_messages=len(messages),
    )
