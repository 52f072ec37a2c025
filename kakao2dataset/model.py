"""The plain records that flow through the pipeline.

export file ─► parsers/ ─► Message ─► anonymize ─► turns ─► Turn ─► TurnPair ─► speaker tokens

Every record remembers where it came from (``source`` file and the first/last input line), so
errors, statistics and manifests can always point back at the input.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class MessageKind(str, enum.Enum):
    """What a message is. Placeholders (photo, emoticon, ...) are typed events, not text."""

    TEXT = "text"
    PHOTO = "photo"
    VIDEO = "video"
    EMOTICON = "emoticon"  # KakaoTalk emoticons, LINE stickers
    FILE = "file"
    VOICE = "voice"  # voice notes
    DELETED = "deleted"
    CALL = "call"  # voice / video calls
    LINK = "link"  # a message that is only a URL / link preview
    SYSTEM = "system"  # join/leave/invite notices, date-less app notices


@dataclass(slots=True)
class Message:
    """One message as exported, normalized. Treat it as immutable (use ``with_text`` or ``dataclasses.replace``);
    it is not ``frozen`` only because frozen dataclasses cost ~4× more to create, and parsers
    create one per message of exports with millions.

    ``timestamp`` is the local wall-clock time the export shows (naive datetime, minute
    resolution unless the export carries seconds). ``speaker`` is the display name as exported
    ("" for system lines). ``text`` keeps the message exactly, multi-line messages joined with
    ``\\n``. ``first_line``/``last_line`` are 1-based line numbers in ``source``.
    """

    timestamp: datetime
    speaker: str
    text: str
    kind: MessageKind
    source: str
    first_line: int
    last_line: int

    def with_text(self, text: str) -> Message:
        """This message with another text: ``dataclasses.replace(self, text=text)`` at a
        fraction of the cost (the anonymizer calls it for every message it changes). Lists
        every field: a new field must be added here too."""
        return Message(self.timestamp, self.speaker, text, self.kind, self.source,
                       self.first_line, self.last_line)

    def to_dict(self) -> dict:
        return {
            "timestamp": self.timestamp.isoformat(timespec="seconds"),
            "speaker": self.speaker,
            "text": self.text,
            "kind": self.kind.value,
            "source": self.source,
            "first_line": self.first_line,
            "last_line": self.last_line,
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """Consecutive messages of one speaker merged into one conversational turn."""

    speaker: str
    text: str
    start: datetime
    end: datetime
    session: int
    source: str
    first_line: int
    last_line: int
    n_messages: int = 1


@dataclass(frozen=True, slots=True)
class TurnPair:
    """Context turns → the persona's response turn. ``role`` of a context turn is "user" or
    "persona" (the speaker-token roles of :mod:`kakao2dataset.speakers`)."""

    id: str
    session: int
    split: str  # "train" | "validation"
    context: tuple[tuple[str, str], ...]  # (role, text)
    response: str
    source: str
    first_line: int
    last_line: int
    start: datetime
    end: datetime
    extra: dict = field(default_factory=dict, compare=False, hash=False)
