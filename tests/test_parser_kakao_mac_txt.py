"""KakaoTalk macOS .txt exports, a designed and unverified grammar (K3t unquoted, K3tq quoted):
golden files, the quoting decision, look-alike and blank lines, bad input, sniffing both ways,
`k2d inspect`, and property tests over arbitrary text."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kakao2dataset.cli import main
from kakao2dataset.errors import UnparsedLinesError
from kakao2dataset.exports import HEAD_LINES, parse_sources, sniff_all
from kakao2dataset.model import MessageKind
from kakao2dataset.parsers.kakao_mac import EVENT_TAILS, KakaoMacParser
from kakao2dataset.parsers.kakao_mac.grammar import TXT_ROW
from kakao2dataset.reading import RawLine
from kakao2dataset.synthetic import (
    Conversation,
    SyntheticMessage,
    generate_conversation,
    render,
    variants,
)
from kakao2dataset.synthetic.kakao_mac import render_mac_txt

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
EXAMPLES = Path(__file__).parent.parent / "examples" / "formats"
GOLDEN = sorted(FIXTURES.glob("K3t*.txt"))
UNQUOTED = FIXTURES / "K3t_mac_txt_bom_lookalikes_blanks_events.txt"
QUOTED = FIXTURES / "K3tq_mac_txt_quoted_crlf_multiline.txt"
HEADER = "Date\tUser\tMessage"
MAC_TXT = {"K3t", "K3tq"}


def _parse(path: Path):
    (parsed,) = parse_sources(path)
    return parsed, list(parsed.messages())


def _write(tmp_path, lines: list[str], end: str = "\n", final: bool = True) -> Path:
    path = tmp_path / "KakaoTalk_Chat.txt"
    path.write_bytes((end.join(lines) + (end if final else "")).encode("utf-8"))
    return path


def _head(texts: list[str]) -> list[RawLine]:
    return [RawLine(i, t, "\n") for i, t in enumerate(texts, start=1)]


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_file_parses_to_its_expected_messages(path):
    parsed, messages = _parse(path)
    expected = [json.loads(line) for line in path.with_suffix(".expected.jsonl").open(encoding="utf-8")]
    assert [{k: v for k, v in m.to_dict().items() if k != "source"} for m in messages] == expected
    assert (parsed.sniff.parser, parsed.sniff.variant) == ("kakao-mac", path.name.split("_")[0])
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen


@pytest.mark.parametrize("variant", sorted(MAC_TXT))
def test_example_files_are_detected_and_read_fully(variant):
    parsed, messages = _parse(EXAMPLES / f"{variant}.txt")
    assert parsed.sniff.variant == variant and len(messages) > 5
    assert parsed.accounting.unparsed == 0


def test_seconds_are_kept_and_a_stamp_without_them_is_on_the_minute():
    _, messages = _parse(UNQUOTED)
    assert messages[0].timestamp == datetime(2024, 12, 9, 14, 30, 12)
    assert messages[1].timestamp == datetime(2024, 12, 9, 14, 31)
    assert messages[-1].timestamp == datetime(2024, 12, 10, 0, 0, 5)


def test_unquoted_lines_that_are_not_rows_continue_the_message():
    """Rows from the past (a known or an unknown name), a line starting with a tab, the header
    and a row missing its text field are all text of the message they follow."""
    _, messages = _parse(UNQUOTED)
    assert messages[1].text.split("\n") == [
        "국밥?",
        "2024-12-09 14:30:00\t김민지\t붙여넣은 줄 (시간이 앞섬)",
        "2024-12-09 14:29:59\t최수아\t모르는 이름, 시간도 앞섬",
        "\t탭으로 시작하는 줄",
        "Date\tUser\tMessage",
        "2024-12-09 14:31:30\t이준호",
    ]
    assert (messages[1].first_line, messages[1].last_line) == (3, 8)
    assert messages[2].text == '그 책 제목이 "채식주의자"였나, 탭\t도'  # quotes are plain text


def test_a_look_alike_that_keeps_the_time_order_is_read_as_a_row(tmp_path):
    """Undecidable without quotes: the documented limit of the unquoted grammar."""
    path = _write(tmp_path, [HEADER, "2024-01-01 10:00:00\tA\t복사한 줄:",
                             "2024-01-01 10:00:00\tB\t같은 초의 줄"])
    _, messages = _parse(path)
    assert [(m.speaker, m.text) for m in messages] == [("A", "복사한 줄:"), ("B", "같은 초의 줄")]


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_placeholders_and_events(path):
    _, messages = _parse(path)
    kinds = {m.text: m.kind for m in messages}
    assert kinds["(사진)"] is MessageKind.PHOTO
    event = next(m for m in messages if m.kind is MessageKind.SYSTEM)
    assert event.speaker == "" and event.text.startswith("박영우")


def test_quoted_fields_hold_tabs_quotes_and_line_breaks():
    _, messages = _parse(QUOTED)
    assert messages[1].text == '국밥?\n2024-12-09 14:30:00\t"김민지"\t붙여넣은 줄\n"로 끝나는 줄'
    assert messages[2].text == '탭\t안의 "인용"' and messages[2].timestamp == datetime(2024, 12, 9, 14, 32)
    assert messages[-1].speaker == "[김민지]"  # a quoted date and a bracketed name


def test_every_line_is_accounted_for():
    parsed, _ = _parse(UNQUOTED)
    assert parsed.accounting.to_dict() == {
        "message": 10, "continuation": 7, "header": 1, "date": 0, "system": 1, "blank": 1,
        "unparsed": 0, "total": 20}
    assert parsed.accounting.lines_seen == 20


def test_blank_lines_are_text_inside_a_message_and_layout_after_it(tmp_path):
    path = _write(tmp_path, ["", HEADER, "2024-01-01 10:00\tA\t첫 줄", "", "", "셋째 문단", "", "",
                             "2024-01-01 10:01\tB\t다음", "", ""])
    parsed, messages = _parse(path)
    assert [m.text for m in messages] == ["첫 줄\n\n\n셋째 문단", "다음"]
    assert (messages[0].first_line, messages[0].last_line) == (3, 6)
    assert parsed.accounting.to_dict()["blank"] == 5
    assert parsed.accounting.to_dict()["continuation"] == 3


# ---------------------------------------------------------------- the quoting decision


@pytest.mark.parametrize("texts,variant", [
    ([HEADER, "2024-01-01 10:00:00\tA\thi"], "K3t"),
    ([HEADER, '2024-01-01 10:00:00\tA\t"quoted text, raw user"'], "K3t"),
    ([HEADER, '2024-01-01 10:00:00\t"A"\t"hi"'], "K3tq"),
    (['"Date"\t"User"\t"Message"', "2024-01-01 10:00:00\tA\thi"], "K3tq"),
    (["\ufeff" + HEADER, "", '"2024-01-01 10:00"\t"A ""B"""\t"hi"'], "K3tq"),
    ([HEADER], "K3t"),  # header only: nothing says quoted
])
def test_quoting_is_decided_by_the_header_or_the_first_rows_user_field(texts, variant):
    assert KakaoMacParser.sniff(_head(texts)).variant == variant


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("quoted", [False, True])
def test_a_bad_date_is_unparsed_with_its_lines_and_reading_goes_on(tmp_path, quoted):
    q = '"' if quoted else ""
    path = _write(tmp_path, [
        HEADER, f"2024-01-01 10:00:00\t{q}A{q}\t{q}hi{q}",
        f"2024-13-01 10:00:00\t{q}A{q}\t{q}bad date", f"second line{q}",
        f"2024-01-01 10:02\t{q}B{q}\t{q}still read{q}"])
    parsed, messages = _parse(path)
    assert parsed.sniff.variant == ("K3tq" if quoted else "K3t")
    assert [m.text for m in messages] == ["hi", "still read"]
    assert parsed.accounting.unparsed_lines == [3, 4]
    (warning,) = parsed.check(lenient=True)
    assert f"could not be read as kakao-mac ({parsed.sniff.variant}); first at lines 3, 4" in warning
    assert "bad date" not in warning  # errors name lines, never chat content


def test_an_unbalanced_quote_at_the_end_is_reported_as_truncated(tmp_path):
    path = _write(tmp_path, [HEADER, '2024-01-01 10:00:00\t"A"\t"hi"',
                             '2024-01-01 10:01:00\t"B"\t"cut', "secret"], final=False)
    parsed, messages = _parse(path)
    assert [m.text for m in messages] == ["hi"]
    assert parsed.accounting.unparsed_lines == [3, 4]
    with pytest.raises(UnparsedLinesError) as error:
        parsed.check()
    assert "truncated" in str(error.value) and "secret" not in str(error.value)


def test_lines_before_the_first_row_are_unparsed_unless_blank_or_the_header(tmp_path):
    path = _write(tmp_path, ["", HEADER, "not a row", "", "2024-01-01 10:00\tA\thi"], end="\r\n")
    parsed, messages = _parse(path)
    assert [m.text for m in messages] == ["hi"]
    assert parsed.accounting.unparsed_lines == [3]
    assert parsed.accounting.to_dict()["blank"] == 2


# ---------------------------------------------------------------- sniffing, both ways


def _claims(path: Path):
    (parsed,) = parse_sources(path)
    return sniff_all(parsed.source.head(HEAD_LINES))


@pytest.mark.parametrize("variant", sorted(MAC_TXT))
def test_macos_txt_files_are_claimed_by_kakao_mac_alone(variant, tmp_path):
    rendered = render(generate_conversation(seed=4, n_messages=60), variant)
    path = tmp_path / rendered.filename
    path.write_bytes(rendered.data)
    for file in (path, *GOLDEN):
        claims = _claims(file)
        assert [c.parser for c in claims] == ["kakao-mac"], file.name
        assert claims[0].variant in MAC_TXT


@pytest.mark.parametrize("variant", sorted(set(variants()) - MAC_TXT))
def test_no_other_variant_is_read_as_macos_txt(variant, tmp_path):
    rendered = render(generate_conversation(seed=4, n_messages=60), variant)
    path = tmp_path / rendered.filename
    path.write_bytes(rendered.data)
    assert not [c for c in _claims(path) if c.variant in MAC_TXT]


def test_no_other_golden_file_is_read_as_macos_txt():
    others = [p for p in FIXTURES.iterdir()
              if p.suffix in (".txt", ".csv") and not p.name.startswith("K3t")]
    assert others
    for path in others:
        assert not [c for c in _claims(path) if c.variant in MAC_TXT], path.name


@pytest.mark.parametrize("texts", [
    [HEADER, "not a row", "nor this"],
    ["Date\tTime\tUser\tMessage", "2024-12-09\t14:30:12\tA\tx"],
    ["Date User Message", "2024-12-09 14:30:12 A x"],
    ["2024-12-09 14:30:12\tA\tno header"],
    ["Date,User,Message", "2024-12-09 14:30:12\tA\ttabs under a CSV header"],
])
def test_other_files_are_not_claimed_as_macos_txt(texts):
    claim = KakaoMacParser.sniff(_head(texts))
    assert claim is None or claim.variant not in MAC_TXT


# ---------------------------------------------------------------- the CLI


def test_k2d_inspect_shows_the_line_counts_adding_up():
    result = CliRunner().invoke(main, ["inspect", str(UNQUOTED), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["format"], data["variant"]) == ("kakao-mac", "K3t")
    assert data["lines"]["total"] == len(UNQUOTED.read_bytes().splitlines())
    assert sum(v for k, v in data["lines"].items() if k != "total") == data["lines"]["total"]
    assert data["lines"]["unparsed"] == 0


# ---------------------------------------------------------------- property tests
# Quoted: any text survives, except "\r" (read back as "\n"), NUL (binary files are refused) and
# texts shaped like an event about their own sender (system rows by the format's own rule).
# Unquoted, on top of that: no line after the first may be a row in time order (the undecidable
# look-alike) and a text may not end in a line break (trailing blank lines are layout); names
# hold no tab and do not start with a quote (a quoted first user makes the file quoted).
# Pasted rows from before the message are mixed in: they must stay text.
TEXT = st.text(st.characters(blacklist_characters="\r\x00", blacklist_categories=("Cs",)),
               max_size=40)
NAMES = st.text(st.characters(blacklist_characters="\r\n\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=12)
RAW_NAMES = NAMES.filter(lambda n: "\t" not in n and not n.startswith('"'))


def _is_event(speaker: str, text: str) -> bool:
    return text.startswith(speaker) and EVENT_TAILS.match(text, len(speaker)) is not None


def _fits_unquoted(text: str) -> bool:
    lines = text.split("\n")
    return not text.endswith("\n") and not any(TXT_ROW.match(line) for line in lines[1:])


@st.composite
def conversations(draw, quoted: bool) -> Conversation:
    names = NAMES if quoted else RAW_NAMES
    speakers = (draw(names), draw(names))
    now, messages = datetime(2015, 7, 9, 20, 34, 26), []
    for _ in range(draw(st.integers(0, 10))):
        now += timedelta(seconds=draw(st.integers(0, 90000)))
        speaker = draw(st.sampled_from(speakers))
        text = draw(TEXT.filter(lambda t, s=speaker: not _is_event(s, t)
                                and (quoted or _fits_unquoted(t))))
        if draw(st.booleans()):  # a row pasted from the past, by anyone, inside the message
            pasted = now.replace(second=0) - timedelta(seconds=draw(st.integers(1, 10**7)))
            who = draw(st.sampled_from([*speakers, "최수아"]))
            text = f"{text}\n{pasted:%Y-%m-%d %H:%M:%S}\t{who}\t{draw(TEXT.filter(_fits_unquoted))}"
        messages.append(SyntheticMessage(now.replace(second=0), speaker, text))
    return Conversation(speakers=speakers, messages=tuple(messages))


def _round_trip(conversation: Conversation, quoted: bool, tmp_path) -> None:
    rendered = render_mac_txt(conversation, quoted=quoted)
    path = tmp_path / "KakaoTalk_Chat.txt"
    path.write_bytes(rendered.data)
    parsed, messages = _parse(path)
    assert [(m.timestamp, m.speaker, m.text) for m in messages] == [
        (m.timestamp, m.speaker, m.text) for m in rendered.expected]
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conversation=conversations(quoted=False))
def test_random_messages_round_trip_unquoted(conversation, tmp_path):
    _round_trip(conversation, False, tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conversation=conversations(quoted=True))
def test_random_messages_round_trip_quoted(conversation, tmp_path):
    _round_trip(conversation, True, tmp_path)
