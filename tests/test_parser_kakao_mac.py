"""KakaoTalk macOS CSV exports (K3): golden file, a property test over arbitrary text, and the
edge cases (truncated quotes, malformed rows, header only, foreign files)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kakao2dataset.errors import UnparsedLinesError
from kakao2dataset.exports import parse_sources
from kakao2dataset.model import MessageKind
from kakao2dataset.parsers.kakao_mac import EVENT_TAILS, KakaoMacParser
from kakao2dataset.reading import RawLine
from kakao2dataset.synthetic import Conversation, SyntheticMessage
from kakao2dataset.synthetic.kakao_mac import render_mac

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
GOLDEN = sorted(FIXTURES.glob("K3*.csv"))


def _parse(path: Path):
    (parsed,) = parse_sources(path)
    return parsed, list(parsed.messages())


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "KakaoTalk_Chat.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_file_parses_to_its_expected_messages(path):
    parsed, messages = _parse(path)
    expected = [json.loads(line) for line in path.with_suffix(".expected.jsonl").open()]
    assert [{k: v for k, v in m.to_dict().items() if k != "source"} for m in messages] == expected
    assert (parsed.sniff.parser, parsed.sniff.variant) == ("kakao-mac", "K3")
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen


def test_example_file_is_detected_and_read_fully():
    parsed, messages = _parse(Path(__file__).parent.parent / "examples" / "formats" / "K3.csv")
    assert parsed.sniff.variant == "K3" and len(messages) > 5
    assert parsed.accounting.unparsed == 0


def test_seconds_placeholders_and_events():
    _, messages = _parse(GOLDEN[0])
    assert messages[0].timestamp == datetime(2024, 12, 9, 14, 30, 12)
    kinds = {m.text: m.kind for m in messages}
    assert kinds["(사진)"] is MessageKind.PHOTO and kinds["(이모티콘)"] is MessageKind.EMOTICON
    event = next(m for m in messages if m.kind is MessageKind.SYSTEM)
    assert event.speaker == "" and event.text == "박영우 invited 김민기 and."


def test_header_only_file(tmp_path):
    parsed, messages = _parse(_write(tmp_path, "Date,User,Message\n"))
    assert messages == [] and parsed.accounting.to_dict()["header"] == 1


def test_truncated_inside_quotes_is_reported_as_truncated(tmp_path):
    text = 'Date,User,Message\n2024-01-01 10:00:00,"A","hi"\n2024-01-01 10:01:00,"B","cut\nsecret'
    parsed, messages = _parse(_write(tmp_path, text))
    assert [m.text for m in messages] == ["hi"]
    assert parsed.accounting.unparsed_lines == [3, 4]
    with pytest.raises(UnparsedLinesError) as error:
        parsed.check()
    assert "truncated" in str(error.value) and "secret" not in str(error.value)


def test_a_malformed_row_is_unparsed_and_reading_goes_on(tmp_path):
    text = ('Date,User,Message\n2024-01-01 10:00:00,"A","hi"\n2024-13-01 10:00:00,"A","bad date"\n'
            '2024-01-01 10:02:00,"A"\n2024-01-01 10:03:00,"B","still read"\n')
    parsed, messages = _parse(_write(tmp_path, text))
    assert [m.text for m in messages] == ["hi", "still read"]
    assert parsed.accounting.unparsed_lines == [3, 4]


def test_quoted_header_and_date_and_crlf(tmp_path):
    text = '\r\n"Date","User","Message"\r\n"2024-01-01 10:00:00","A","two\r\nlines"\r\n'
    parsed, messages = _parse(_write(tmp_path, text))
    assert [(m.speaker, m.text, m.first_line, m.last_line) for m in messages] == [
        ("A", "two\nlines", 3, 4)]
    assert parsed.accounting.to_dict()["blank"] == 1


def _head(texts):
    return [RawLine(i, t, "\n") for i, t in enumerate(texts, start=1)]


@pytest.mark.parametrize("texts", [
    ["김민지 님과 카카오톡 대화", "저장한 날짜 : 2024-12-10 09:12:44", ""],
    ["[LINE] Chat history with Bob", "Saved on: 2018/03/25 19:57"],
    ["Date,User,Message", "not a row", "nor this"],
    ["Date,Time,User,Message", '2024-12-09,14:30:12,"A","x"'],
])
def test_other_files_are_not_claimed(texts):
    assert KakaoMacParser.sniff(_head(texts)) is None


# -- property test ---------------------------------------------------------------------------
# Any text survives CSV quoting, except: "\r" (a line break inside quotes is read back as "\n",
# the exporter writes LF), NUL (the reader refuses binary files), and texts shaped like an event
# about their own sender ("A invited B.") which the format itself reports as system rows.
TEXT = st.text(st.characters(blacklist_characters="\r\x00", blacklist_categories=("Cs",)),
               max_size=40)
NAMES = st.text(st.characters(blacklist_characters="\r\n\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=12)


@st.composite
def conversations(draw) -> Conversation:
    speakers = (draw(NAMES), draw(NAMES))
    now, messages = datetime(2015, 7, 9, 20, 34, 26), []
    for _ in range(draw(st.integers(0, 10))):
        now += timedelta(seconds=draw(st.integers(0, 90000)))
        speaker = draw(st.sampled_from(speakers))
        text = draw(TEXT.filter(lambda t, s=speaker: not (
            t.startswith(s) and EVENT_TAILS.match(t, len(s)))))
        messages.append(SyntheticMessage(now.replace(second=0), speaker, text))
    return Conversation(speakers=speakers, messages=tuple(messages))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conversation=conversations())
def test_random_messages_round_trip(conversation, tmp_path):
    rendered = render_mac(conversation)
    parsed, messages = _parse(_write(tmp_path, rendered.data.decode("utf-8")))
    assert [(m.timestamp, m.speaker, m.text) for m in messages] == [
        (m.timestamp, m.speaker, m.text) for m in rendered.expected]
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen
