"""What every export parser is, and the bookkeeping they share.

A parser is a class registered by name (:func:`register`) with

* ``sniff(head)``: look at the first lines and return a :class:`Sniff` (variant + confidence)
  or ``None``. Detection asks every registered parser; no ``if/elif`` on file names.
* ``parse(lines, accounting)``: stream :class:`~kakao2dataset.model.Message` records, marking
  **every** input line exactly once in ``accounting`` with its :class:`LineClass`.

The driver (:mod:`kakao2dataset.parse_export`) checks that the marks add up to the line count.
"""

from __future__ import annotations

import enum
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.reading import RawLine

UNPARSED_SAMPLE = 20  # line numbers kept for the report


class LineClass(str, enum.Enum):
    MESSAGE = "message"  # the first line of a message
    CONTINUATION = "continuation"  # a further line of a multi-line message
    HEADER = "header"  # title / "saved on" lines at the top
    DATE = "date"  # day separators
    SYSTEM = "system"  # join/leave/invite notices and other app lines
    BLANK = "blank"
    UNPARSED = "unparsed"

    # Enum's own __hash__ is Python code (hash of the name); parsers count one class per input
    # line in a Counter, so hash as the str value, in C (equal members already compare equal
    # to their value: LineClass.BLANK == "blank").
    __hash__ = str.__hash__


class Decision(str, enum.Enum):
    """A rule applied to a file that is not consistent (issue #10). A parser never refuses a
    file for these, and never decides them silently: each is counted with its line numbers
    and shown by ``k2d inspect`` (and as a warning of ``k2d parse``)."""

    TIME_BACK = "time goes back"  # a record kept although its time is before the previous one
    DAY_DISAGREES = "day line disagrees with its records"  # the record's own date wins
    DAY_REPEATED = "day line repeated"  # a day line of the current day again
    DAY_OUT_OF_ORDER = "day line out of order"  # a day line earlier than the current day
    NO_DAY_LINE = "records without a day line"  # records before any day line (own date used)

    __hash__ = str.__hash__


@dataclass
class LineAccounting:
    """Counts of each line class; they must add up to the number of lines read. ``decisions``
    counts the :class:`Decision` s taken, ``decision_lines`` keeps their first line numbers."""

    counts: Counter = field(default_factory=Counter)
    unparsed_lines: list[int] = field(default_factory=list)
    lines_seen: int = 0
    last_class: LineClass | None = None
    decisions: Counter = field(default_factory=Counter)
    decision_lines: dict[Decision, list[int]] = field(default_factory=dict)

    def mark(self, line: RawLine, cls: LineClass) -> None:
        self.counts[cls] += 1
        self.last_class = cls
        if cls is LineClass.UNPARSED and len(self.unparsed_lines) < UNPARSED_SAMPLE:
            self.unparsed_lines.append(line.number)

    def decide(self, number: int, decision: Decision) -> None:
        """Record that line ``number`` was read by the inconsistent-file rule ``decision``."""
        self.decisions[decision] += 1
        sample = self.decision_lines.setdefault(decision, [])
        if len(sample) < UNPARSED_SAMPLE:
            sample.append(number)

    def decisions_dict(self) -> dict[str, dict]:
        """``{"time goes back": {"count": 2, "lines": [7, 12]}, ...}`` in :class:`Decision` order."""
        return {d.value: {"count": self.decisions[d], "lines": list(self.decision_lines[d])}
                for d in Decision if self.decisions[d]}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unparsed(self) -> int:
        return self.counts[LineClass.UNPARSED]

    def to_dict(self) -> dict:
        return {cls.value: self.counts[cls] for cls in LineClass} | {"total": self.total}


@dataclass(frozen=True)
class Sniff:
    """A parser's claim on a file: which variant (an id of the support table, e.g. ``"K4"``)
    and how sure it is (0–1). ``notes`` explain inferences (e.g. "day-first dates")."""

    parser: str
    variant: str
    score: float
    notes: tuple[str, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)


class Parser(ABC):
    """Base class of all export parsers. Subclasses set ``name``, ``app``, ``description``."""

    name: ClassVar[str]
    app: ClassVar[str]  # "kakaotalk" | "line"
    description: ClassVar[str]
    #: What the app calls the exporting user in its files (KakaoTalk mobile: 회원님 / you), so
    #: ``--me NAME`` can map it; see :func:`self_names`.
    self_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, source: str, sniff: Sniff):
        self.source = source
        self.sniffed = sniff

    @classmethod
    @abstractmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        """Inspect the first lines (≈80) and claim the file, or return None."""

    @abstractmethod
    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        """Yield messages in file order; mark every line once in ``accounting``."""



_REGISTRY: dict[str, type[Parser]] = {}


def register(cls: type[Parser]) -> type[Parser]:
    """Class decorator: make a parser available to detection and ``--format``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"parser name {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, type[Parser]]:
    from kakao2dataset import parsers  # noqa: F401  (imports every parser module)

    parsers.load_all()
    return dict(sorted(_REGISTRY.items()))


def self_names() -> frozenset[str]:
    """Every registered parser's names for the exporting user (asked of the registry, so it
    does not depend on which parser modules happen to be imported)."""
    return frozenset(name for cls in registered().values() for name in cls.self_names)


class PendingMessage:
    """Accumulates the lines of the message being read, so a parser can emit it when the next
    record starts — and, crucially, at end of file (a classic bug loses the last message).

    ``classify`` maps the finished text to a :class:`MessageKind`.
    """

    def __init__(self, source: str, classify=None):
        self.source = source
        self.classify = classify or (lambda text: MessageKind.TEXT)
        self._parts: list[str] = []
        self._head: tuple[datetime, str, int, MessageKind | None] | None = None
        self._last_line = 0

    @property
    def active(self) -> bool:
        return self._head is not None

    @property
    def timestamp(self) -> datetime | None:
        return self._head[0] if self._head else None

    def start(
        self, timestamp: datetime, speaker: str, text: str, line: int,
        kind: MessageKind | None = None,
    ) -> Message | None:
        """Begin a new message; return the previous one, finished, if any."""
        done = self.finish()
        self._head = (timestamp, speaker, line, kind)
        self._parts = [text]
        self._last_line = line
        return done

    def add(self, text: str, line: int) -> None:
        self._parts.append(text)
        self._last_line = line

    def finish(self) -> Message | None:
        if self._head is None:
            return None
        timestamp, speaker, first, kind = self._head
        text = "\n".join(self._parts)
        self._head, self._parts = None, []
        return Message(timestamp, speaker, text, kind or self.classify(text), self.source, first,
                       self._last_line)


def placeholder_classifier(
    exact: Mapping[str, MessageKind], prefixes: Mapping[str, MessageKind] | None = None,
    patterns: Sequence[tuple[object, MessageKind]] = (),
):
    """Build a ``text → kind`` function from a table of exact placeholder texts, prefixes
    (``"파일: "``) and compiled regexes. Anything else is ``TEXT``. The patterns are joined into
    one alternation, so a message costs one dict lookup and at most one regex call.

    >>> kind = placeholder_classifier({"사진": MessageKind.PHOTO})
    >>> kind("사진").value, kind("사진 찍었어").value
    ('photo', 'text')
    """
    prefix_items = tuple((prefixes or {}).items())
    kinds = [kind for _, kind in patterns]
    combined = None
    if patterns:
        source = "|".join(f"(?P<k{i}>{p.pattern})" for i, (p, _) in enumerate(patterns))
        combined = regex.compile(source)
    gate = placeholder_gate(exact, prefixes, patterns)

    def classify(text: str) -> MessageKind:
        if gate(text) is None:
            return MessageKind.TEXT
        stripped = text.strip()
        kind = exact.get(stripped)
        if kind is not None:
            return kind
        for prefix, kind in prefix_items:
            if stripped.startswith(prefix):
                return kind
        if combined is not None:
            match = combined.fullmatch(stripped)
            if match is not None:
                return kinds[int(match.lastgroup[1:])]
        return MessageKind.TEXT

    return classify


def placeholder_gate(
    exact: Mapping[str, MessageKind], prefixes: Mapping[str, MessageKind] | None = None,
    patterns: Sequence[tuple[object, MessageKind]] = (),
) -> Callable[[str], object]:
    r"""A necessary condition of a placeholder, checked in C: ``gate(text)`` is None only when
    the classifier of the same table says ``TEXT`` (most messages, so they skip the strip,
    the lookups and the full match). It matches the stripped text's start against every
    exact text, prefix and pattern; stdlib ``\s`` is exactly what ``str.strip`` removes.

    >>> gate = placeholder_gate({"사진": MessageKind.PHOTO})
    >>> gate(" 사진") is None, gate("사진 찍었어") is None, gate("밥 먹었어?") is None
    (False, False, True)
    """
    alternatives = [*map(re.escape, exact), *map(re.escape, prefixes or {})]
    alternatives += [p.pattern for p, _ in patterns]
    return re.compile(r"\s*(?:" + "|".join(alternatives) + ")").match
