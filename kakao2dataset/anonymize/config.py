"""Settings of the anonymizer. YAML (``anonymize:`` in a persona file) maps onto these fields."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from kakao2dataset.errors import ConfigError

# Every PII type the anonymizer knows, in detection priority order (earlier wins an overlap).
PII_TYPES = (
    "DENY", "EMAIL", "URL", "RRN", "CARD", "PHONE", "BRN", "PASSPORT", "LICENSE", "ACCOUNT",
    "IP", "ADDRESS", "PLATE", "SECRET", "SPEAKER", "NAME", "NUMBER",
)  # fmt: skip


def default_placeholders() -> dict[str, str]:
    """``<PHONE>``, ``<RRN>``, … and ``<NAME_{n}>`` (``n`` = order of first appearance)."""
    ph = {t: f"<{t}>" for t in PII_TYPES if t not in ("SPEAKER", "NAME")}
    ph["DENY"] = "<REDACTED>"
    ph["NAME"] = "<NAME_{n}>"
    return ph


@dataclass
class AnonymizerConfig:
    """How messages are anonymized. Counts are always kept per type, never values."""

    placeholders: dict[str, str] = field(
        default_factory=default_placeholders,
        metadata={"help": "PII type → replacement text; NAME must contain {n}."},
    )
    allow: list[str] = field(
        default_factory=list,
        metadata={"help": "Words never replaced (e.g. a pet or shop name the detector mistakes)."},
    )
    deny: list[str] = field(
        default_factory=list,
        metadata={
            "help": "Words always replaced by the DENY placeholder (nicknames, a workplace)."
        },
    )
    name_detection: bool = field(
        default=True,
        metadata={"help": "Find third-party names (kiwipiepy). Off: only speakers and deny list."},
    )
    foreign_names: bool = field(
        default=True,
        metadata={"help": "Also English first names / Mr. X and Japanese names before さん/くん/…"},
    )
    cross_message: bool = field(
        default=True,
        metadata={
            "help": "In anonymize_messages, join digit fragments split over consecutive messages."
        },
    )
    leak_guard: str = field(
        default="replace",
        metadata={
            "help": "'replace': replace surviving 7+ digit runs, e-mails, URLs, known names and "
            "flag the line; 'flag': only flag and count (for audits)."
        },
    )
    disabled: list[str] = field(
        default_factory=list,
        metadata={"help": "PII types to skip (e.g. ['ADDRESS']); the leak guard still runs."},
    )

    def __post_init__(self) -> None:
        merged = default_placeholders()
        merged.update(self.placeholders)
        self.placeholders = merged
        if "{n}" not in self.placeholders["NAME"]:
            raise ValueError("placeholders['NAME'] must contain '{n}'")
        if self.leak_guard not in ("replace", "flag"):
            raise ValueError("leak_guard must be 'replace' or 'flag'")
        unknown = set(self.disabled) - set(PII_TYPES)
        if unknown:
            raise ValueError(f"unknown PII types in disabled: {sorted(unknown)}")

    @classmethod
    def from_dict(cls, data: dict, path: str | None = None) -> AnonymizerConfig:
        """Build from a YAML mapping (``anonymize:`` section); an unknown key or a bad value is a
        :class:`ConfigError` naming the file and the key."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ConfigError(
                    f"unknown anonymize setting '{key}' (expected one of: {', '.join(sorted(known))})",
                    path=path,
                )
        try:
            return cls(**data)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"anonymize: {error}", path=path) from error


MAX_LIST_WORD = 60  # characters: a name or a phrase, not a pasted paragraph


def read_word_list(path) -> list[str]:
    """The user's own names (``--deny-file`` / ``--allow-file``): one per line, ``#`` starts
    a comment, blank lines are skipped. A line that cannot be a name is a :class:`ConfigError`
    naming the file and line (never quoting it: the file is personal)."""

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError("expected a UTF-8 text file, one name per line", path=str(path)) from error
    except OSError as error:
        raise ConfigError(f"cannot read the file ({error.strerror})", path=str(path)) from error
    words = []
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        if len(word) > MAX_LIST_WORD or "\t" in word:
            raise ConfigError(
                f"expected one name per line (at most {MAX_LIST_WORD} characters, no tabs)",
                path=str(path), line=number,
            )
        words.append(word)
    return list(dict.fromkeys(words))
