"""User-facing errors. The CLI prints ``str(error)`` on one line and exits 1 (no traceback
unless ``--debug``). Messages name the file and line and say what was expected, and never
quote chat content (privacy: a line number is enough to find the spot)."""

from __future__ import annotations


class K2DError(Exception):
    """An error caused by the user's input or settings, not by a bug."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class FormatError(K2DError):
    """The file is not a supported export, or not the forced format."""


class EncodingError(K2DError):
    """The file's bytes do not decode in any supported encoding."""


class UnparsedLinesError(K2DError):
    """Too many lines could not be classified (see ``--lenient``)."""


class ConfigError(K2DError):
    """A persona / settings file is invalid (unknown key, bad value)."""


class MissingExtraError(K2DError):
    """An optional dependency group is not installed."""

    def __init__(self, extra: str, module: str):
        super().__init__(
            f"this needs the '{extra}' extra ({module} is not installed): "
            f"pip install 'kakao2dataset[{extra}]'"
        )
