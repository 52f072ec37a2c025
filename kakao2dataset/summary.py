"""What is in an export: format, encoding, speakers, dates, kinds and the line accounting.

Built while streaming, so it works on exports far larger than memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kakao2dataset.exports import ParsedSource
from kakao2dataset.model import Message, MessageKind


@dataclass
class SourceSummary:
    parsed: ParsedSource
    speakers: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    messages: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, message: Message) -> None:
        self.messages += 1
        self.kinds[message.kind.value] += 1
        if message.kind is not MessageKind.SYSTEM:
            self.speakers[message.speaker] += 1
        if self.first is None or message.timestamp < self.first:
            self.first = message.timestamp
        if self.last is None or message.timestamp > self.last:
            self.last = message.timestamp

    @property
    def group_chat(self) -> bool:
        return len(self.speakers) > 2

    def to_dict(self) -> dict:
        p = self.parsed
        return {
            "file": p.source.name,
            "format": p.sniff.parser,
            "variant": p.sniff.variant,
            "detection_notes": list(p.sniff.notes),
            "encoding": p.source.encoding,
            "bytes": p.source.size,
            "newlines": dict(p.newlines),
            "messages": self.messages,
            "speakers": dict(self.speakers.most_common()),
            "group_chat": self.group_chat,
            "first": self.first.isoformat(timespec="minutes") if self.first else None,
            "last": self.last.isoformat(timespec="minutes") if self.last else None,
            "kinds": dict(self.kinds.most_common()),
            "lines": p.accounting.to_dict(),
            "unparsed_lines": list(p.accounting.unparsed_lines),
            "warnings": self.warnings,
        }


def summarize(parsed: ParsedSource, lenient: bool = False,
              wrap: Callable[[Iterable[Message]], Iterable[Message]] = lambda it: it) -> SourceSummary:
    """Stream one source and summarize it; raises like :meth:`ParsedSource.check`."""
    summary = SourceSummary(parsed)
    for message in wrap(parsed.messages()):
        summary.add(message)
    summary.warnings = parsed.check(lenient=lenient)
    if summary.group_chat:
        summary.warnings.append(
            f"{parsed.source.name}: {len(summary.speakers)} speakers — a group chat; "
            "k2d parse will ask which two people to use (--speakers A,B)")
    return summary
