"""Open an export: find the text files (plain file, ``.zip`` or folder), detect the encoding,
and stream lines with their original terminators.

Encodings are detected, reported and never guessed silently: a BOM decides (UTF-8 / UTF-16);
otherwise the first 64 KiB must decode as UTF-8, else as CP949 (which covers EUC-KR). A decode
error later in the file raises :class:`EncodingError` naming the line. Line terminators are kept
(``\\r\\n``, ``\\n`` or ``\\r``) because "bare LF inside a CRLF file" is how iOS KakaoTalk and
LINE mark lines inside a multi-line message.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from kakao2dataset.errors import EncodingError, FormatError, K2DError

SAMPLE_BYTES = 64 * 1024
# Read and decode this much at a time. Larger blocks are no faster and raise peak RSS (1 MiB:
# +20 MB); the first block is what detection decoded, so head() never meets a later error.
BLOCK_BYTES = SAMPLE_BYTES
TEXT_SUFFIXES = (".txt", ".csv")


class RawLine(NamedTuple):
    """One physical input line: 1-based ``number``, ``text`` without terminator, ``end`` the
    terminator as found (``""`` for a last line without one). A NamedTuple: one is made per
    input line, and it is much cheaper to create than a frozen dataclass."""

    number: int
    text: str
    end: str


class Block(NamedTuple):
    """A piece of a file's text made of whole lines: ``first`` is the number of its first
    line, ``ends`` its counts of ``\\r\\n``, bare ``\\n`` and bare ``\\r`` line ends (see
    :func:`line_ends`; counted once, as scanning a block is not free). Only the last block
    of a file may end in a line without terminator."""

    first: int
    text: str
    ends: tuple[int, int, int]


@dataclass
class TextSource:
    """One text file of an export (possibly a member of a zip archive)."""

    name: str
    size: int
    encoding: str
    _open: Callable[[], BinaryIO] = field(repr=False)
    bytes_read: int = 0
    block_bytes: int = BLOCK_BYTES  # tests make it tiny, so every construct meets a block end

    def lines(self) -> Iterator[RawLine]:
        """Stream the file's lines; memory does not grow with file size."""
        return itertools.chain.from_iterable(self.batches())

    def batches(self) -> Iterator[list[RawLine]]:
        """The file's lines in lists (about :data:`BLOCK_BYTES` of input each): decoding and
        splitting a block at a time costs a fraction of a per-line text reader, and lets a
        caller count line ends per batch. Memory does not grow with file size."""
        for block in self.blocks():
            yield split_lines(block.text, block.first)

    def blocks(self) -> Iterator[Block]:
        """The file's text in pieces of whole lines (about :data:`BLOCK_BYTES` of input each),
        for readers that match a whole block with one regex. Only the last piece may end
        without a line terminator."""
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        number, carry = 1, ""
        with self._open() as raw:
            self.bytes_read = 0
            while True:
                data = raw.read(self.block_bytes)
                self.bytes_read += len(data)
                try:
                    text = carry + decoder.decode(data, final=not data)
                except UnicodeDecodeError as exc:
                    raise EncodingError(
                        f"bytes that are not valid {self.encoding} ({exc.reason}); the file may be "
                        "truncated or mixed-encoding. Re-export it, or pass --encoding",
                        path=self.name,
                        line=self._first_bad_line(),
                    ) from exc
                if not data:
                    if text:
                        yield Block(number, text, line_ends(text))
                    return
                # Cut after the last complete line end; a CR at the very end may be half a CRLF.
                cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
                carry = text[cut:]
                if cut:
                    block = Block(number, text[:cut], line_ends(text[:cut]))
                    yield block
                    number += sum(block.ends)

    def _first_bad_line(self) -> int | None:
        """Only on the error path: find the exact line (the strict decoder fails a whole
        read-ahead chunk at once)."""
        with self._open() as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="", errors="surrogateescape")
            for number, line in enumerate(text, start=1):
                if any("\udc80" <= ch <= "\udcff" for ch in line):
                    return number
        return None

    def head(self, n: int = 80) -> list[RawLine]:
        out = []
        for line in self.lines():
            out.append(line)
            if len(out) >= n:
                break
        return out


_ENDS = re.compile(r"(\r\n|\n|\r)")
_new_line = functools.partial(tuple.__new__, RawLine)  # RawLine(*fields) at C speed


def split_lines(text: str, first: int) -> list[RawLine]:
    r"""``text`` → its RawLines, numbered from ``first``; a last line without terminator gets
    ``end=""``. Only ``\r\n``, ``\n`` and ``\r`` end a line (not the other breaks
    :meth:`str.splitlines` knows), as in a text file opened with ``newline=""``.

    >>> [tuple(x) for x in split_lines("a\r\nb\nc\rd", 1)]
    [(1, 'a', '\r\n'), (2, 'b', '\n'), (3, 'c', '\r'), (4, 'd', '')]
    """
    crlf, cr = text.count("\r\n"), text.count("\r")
    if cr == 0 or crlf == cr == text.count("\n"):  # all LF or all CRLF: one str.split
        texts = text.split("\r\n" if cr else "\n")
        ends = itertools.repeat("\r\n" if cr else "\n", len(texts) - 1)
    else:  # mixed ends (bare LF inside a CRLF file on iOS / LINE): one regex split
        parts = _ENDS.split(text)
        texts, ends = parts[0::2], parts[1::2]
    if texts[-1] == "":
        texts.pop()
    else:
        ends = itertools.chain(ends, ("",))
    return list(map(_new_line, zip(itertools.count(first), texts, ends)))


def line_ends(text: str) -> tuple[int, int, int]:
    r"""How many ``\r\n``, bare ``\n`` and bare ``\r`` line ends ``text`` holds (as
    :func:`split_lines` splits it).

    >>> line_ends("a\r\nb\nc\rd\n\r")
    (1, 2, 2)
    """
    crlf = text.count("\r\n")
    return crlf, text.count("\n") - crlf, text.count("\r") - crlf


def detect_encoding(sample: bytes, name: str, at_eof: bool) -> str:
    """The encoding of a file from its first bytes. Raises on empty or binary input."""
    if not sample:
        raise FormatError("the file is empty; expected a KakaoTalk or LINE chat export", path=name)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise FormatError(
            "this looks like a binary file (NUL bytes, no UTF-16 BOM); expected a text export",
            path=name,
        )
    for encoding in ("utf-8", "cp949"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if at_eof and encoding == "utf-8" and decoder.getstate()[0]:
            raise EncodingError(
                "the file ends in the middle of a UTF-8 character (truncated?); re-export it",
                path=name, line=sample.count(b"\n") + 1,
            )
        return encoding
    raise EncodingError(
        "the bytes are neither UTF-8, UTF-16 (with BOM) nor CP949/EUC-KR", path=name
    )


def _source(name: str, size: int, opener: Callable[[], BinaryIO], encoding: str | None):
    with opener() as fh:
        sample = fh.read(SAMPLE_BYTES)
    if encoding is None:
        encoding = detect_encoding(sample, name, at_eof=len(sample) < SAMPLE_BYTES)
    elif not sample:
        detect_encoding(sample, name, at_eof=True)
    return TextSource(name=name, size=size, encoding=encoding, _open=opener)


def open_sources(path: str | Path, encoding: str | None = None) -> list[TextSource]:
    """The text files of an export: the file itself, the ``.txt``/``.csv`` members of a zip, or
    the text files of a folder (sorted by name). Nothing is written or modified."""
    path = Path(path)
    if not path.exists():
        raise K2DError("no such file or folder", path=str(path))
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        if not files:
            raise FormatError("the folder holds no .txt or .csv export", path=str(path))
        return [s for f in files for s in open_sources(f, encoding)]
    if zipfile.is_zipfile(path):
        return _zip_sources(path, encoding)
    return [_source(str(path), path.stat().st_size, lambda: open(path, "rb"), encoding)]


def _zip_sources(path: Path, encoding: str | None) -> list[TextSource]:
    archive = zipfile.ZipFile(path)
    members = [
        info for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(TEXT_SUFFIXES)
        and not info.filename.startswith("__MACOSX/")
    ]
    if not members:
        raise FormatError("the zip archive holds no .txt or .csv export", path=str(path))
    return [
        _source(
            f"{path}!{info.filename}",
            info.file_size,
            lambda info=info: zipfile.ZipFile(path).open(info),
            encoding,
        )
        for info in members
    ]
