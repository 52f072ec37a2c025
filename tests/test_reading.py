"""Encodings, line endings, zips and folders: detected and reported, never guessed."""

from __future__ import annotations

import zipfile

import pytest

from kakao2dataset.errors import EncodingError, FormatError, K2DError
from kakao2dataset.reading import open_sources

TEXT = "첫 줄\r\n둘째 줄\n셋째\r넷째"


def _lines(path):
    (source,) = open_sources(path)
    return source, [(line.text, line.end) for line in source.lines()]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM
        (TEXT.encode("cp949"), "cp949"),
    ],
)
def test_encodings_are_detected_and_lines_keep_their_terminators(tmp_path, data, encoding):
    path = tmp_path / "chat.txt"
    path.write_bytes(data)
    source, lines = _lines(path)
    assert source.encoding == encoding
    assert lines == [("첫 줄", "\r\n"), ("둘째 줄", "\n"), ("셋째", "\r"), ("넷째", "")]
    assert path.read_bytes() == data


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(FormatError, match="empty.txt: the file is empty"):
        open_sources(path)


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(FormatError, match="binary"):
        open_sources(path)


def test_undecodable_bytes_later_in_the_file_name_the_line(tmp_path):
    path = tmp_path / "mixed.txt"
    good = "가나다\n" * 30000  # > the 64 KiB sample, so detection says utf-8
    path.write_bytes(good.encode("utf-8") + "마바사\n".encode("cp949"))
    (source,) = open_sources(path)
    assert source.encoding == "utf-8"
    with pytest.raises(EncodingError, match=r"mixed.txt:30001: bytes that are not valid utf-8"):
        list(source.lines())


def test_file_truncated_inside_a_character_is_reported(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes("안녕\n하세요".encode()[:-1])
    with pytest.raises(EncodingError, match="cut.txt:2: the file ends in the middle of a UTF-8"):
        open_sources(path)


def test_zip_members_and_folders_are_read(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("KakaoTalkChats.txt", "a\r\nb\r\n")
        zf.writestr("20240105_120000.jpg", b"\xff\xd8")
        zf.writestr("__MACOSX/._KakaoTalkChats.txt", "junk")
    (source,) = open_sources(archive)
    assert source.name.endswith("export.zip!KakaoTalkChats.txt")
    assert [line.text for line in source.lines()] == ["a", "b"]

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "b.txt").write_text("2", encoding="utf-8")
    (folder / "a.csv").write_text("1", encoding="utf-8")
    (folder / "notes.md").write_text("x", encoding="utf-8")
    assert [s.name.rsplit("/", 1)[-1] for s in open_sources(folder)] == ["a.csv", "b.txt"]


def test_missing_path(tmp_path):
    with pytest.raises(K2DError, match="no such file"):
        open_sources(tmp_path / "nope.txt")
