"""KakaoTalk Android (K4, K5, K5') and iOS (K6, K6h, K7, K7') exports.

Golden files in ``tests/fixtures/exports/K4*..K7*`` are hand-written (made-up names) and cover
the traps: look-alike record/day/header lines inside messages, 오전 12시 / 오후 12시, a name with
``" : "`` or a comma, system lines, placeholders, CRLF with bare LF, a BOM, 회원님 / you / You,
a missing final newline, a header-only file and a truncated last line. A property test renders
random tricky messages in every variant and parses them back.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kakao2dataset.errors import UnparsedLinesError
from kakao2dataset.exports import ParsedSource, detect, parse_sources
from kakao2dataset.model import MessageKind
from kakao2dataset.parsers import kakao_kinds
from kakao2dataset.parsers.base import registered
from kakao2dataset.parsers.kakao_kinds import classify_kakao
from kakao2dataset.parsers.kakao_mobile import KakaoAndroidParser, KakaoIosParser
from kakao2dataset.parsers.kakao_mobile.grammar import kakao_kind, split_speaker
from kakao2dataset.reading import TextSource
from kakao2dataset.synthetic import (
    Conversation,
    SyntheticMessage,
    generate_conversation,
    render,
    variants,
)
from kakao2dataset.synthetic.kakao_mobile import FILE_TAGS, LAYOUTS

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
EXAMPLES = Path(__file__).parent.parent / "examples" / "formats"
GOLDEN = sorted(p for p in EXPORTS.glob("K[4-7]*.txt"))
VARIANT_OF_TAG = {tag: variant for variant, tag in FILE_TAGS.items()}
MINE = tuple(LAYOUTS)


def _variant_of(path: Path) -> str:
    tag = path.name.split("_")[0]
    return VARIANT_OF_TAG.get(tag, tag)


def _parse(path: Path):
    (parsed,) = parse_sources(path)
    messages = list(parsed.messages())
    return parsed, messages


def _rows(messages) -> list[dict]:
    return [{k: v for k, v in m.to_dict().items() if k != "source"} for m in messages]


def _expected(path: Path) -> list[dict]:
    text = path.with_suffix(".expected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_export_parses_to_expected_messages(path):
    parsed, messages = _parse(path)
    assert parsed.sniff.parser in {"kakao-android", "kakao-ios"}
    assert parsed.sniff.variant == _variant_of(path)
    assert _rows(messages) == _expected(path)
    assert parsed.accounting.total == parsed.accounting.lines_seen
    if "truncated" not in path.name:
        assert parsed.accounting.unparsed == 0


def test_lookalike_lines_inside_a_message_stay_text():
    _, messages = _parse(EXPORTS / "K4_ko_crlf_system_lookalike_colon_name.txt")
    pasted = next(m for m in messages if m.text.startswith("이거 복붙한 거야"))
    # a record of an earlier day that no day line announces is pasted text
    assert pasted.text.count("\n") == 1 and (pasted.first_line, pasted.last_line) == (13, 14)
    # an out-of-order day line with its record is a record: its own date wins (issue #10)
    late = next(m for m in messages if m.first_line == 17)
    assert (late.timestamp, late.speaker) == (datetime(2024, 1, 3, 9, 0), "회원님")
    _, messages = _parse(EXPORTS / "K6_ios_ko_crlf_bare_lf_lookalike.txt")
    inside = next(m for m in messages if m.text.startswith("여러 줄"))
    assert "오후 9:00, 김민지" in inside.text  # a *later* stamp, kept by the bare-LF signal


def test_midnight_and_noon_are_exact():
    _, messages = _parse(EXPORTS / "K4_ko_bom_lf_no_final_newline.txt")
    assert [m.timestamp for m in messages] == [datetime(2023, 2, 28, 0, 0), datetime(2023, 2, 28, 12, 59)]


def test_speaker_names_with_colon_and_comma():
    _, messages = _parse(EXPORTS / "K4_ko_crlf_system_lookalike_colon_name.txt")
    speakers = {m.speaker for m in messages}
    assert {"민지 : 공주", "Kim, Minji", "회원님", "이준호", ""} == speakers
    assert next(m.text for m in messages if m.speaker == "민지 : 공주") == "안녕 : 반가워"


def test_system_lines_and_placeholders_are_typed():
    _, messages = _parse(EXPORTS / "K5_en_us_comma_name_system.txt")
    kinds = [(m.kind, m.speaker) for m in messages]
    assert (MessageKind.SYSTEM, "") in kinds and (MessageKind.PHOTO, "you") in kinds
    system = [m for m in messages if m.kind is MessageKind.SYSTEM]
    assert all(m.speaker == "" and m.timestamp for m in system) and len(system) == 3


def test_last_message_is_not_lost_without_final_newline():
    _, messages = _parse(EXPORTS / "K4_ko_bom_lf_no_final_newline.txt")
    assert messages[-1].text == "정오 지나서"


def test_header_only_file_gives_no_messages_and_no_unparsed_lines():
    parsed, messages = _parse(EXPORTS / "K4_ko_only_header.txt")
    assert messages == [] and parsed.accounting.unparsed == 0
    assert parsed.accounting.to_dict()["header"] == 2


def test_truncated_last_line_is_reported_by_number_not_content():
    parsed, messages = _parse(EXPORTS / "K4_ko_truncated_last_line.txt")
    assert [m.text for m in messages] == ["다 들어온 메시지"]
    assert parsed.accounting.unparsed_lines == [7]
    with pytest.raises(UnparsedLinesError, match="truncated") as error:
        parsed.check()
    assert "들어온" not in str(error.value) and "7" in str(error.value)
    assert parsed.check(lenient=True)


def test_zipped_android_export_parses(tmp_path):
    source = EXPORTS / "K4_ko_crlf_system_lookalike_colon_name.txt"
    archive = tmp_path / "KakaoTalk_Chats_2024-01-06.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("KakaoTalkChats.txt", source.read_bytes())
        zf.writestr("20240105_120600.jpg", b"\xff\xd8 not a real photo")
    parsed, messages = _parse(archive)
    assert parsed.sniff.variant == "K4"
    assert _rows(messages) == _expected(source)


@pytest.mark.parametrize("encoding", ["cp949", "utf-16"])
def test_legacy_encodings_parse_the_same(encoding, tmp_path):
    source = EXPORTS / "K6_ios_ko_crlf_bare_lf_lookalike.txt"  # no emoji: CP949 can hold it
    resaved = tmp_path / f"Talk_{encoding}.txt"
    resaved.write_bytes(source.read_bytes().decode("utf-8").encode(encoding))
    parsed, messages = _parse(resaved)
    assert parsed.source.encoding in {encoding, "utf-16"} and parsed.sniff.variant == "K6"
    assert _rows(messages) == _expected(source)


def test_day_first_order_is_inferred_and_reported():
    parsed, _ = _parse(EXPORTS / "K5p_en_day_first.txt")
    assert any("day-first" in note for note in parsed.sniff.notes)


def test_speaker_split_rule():
    known = {"김민지"}
    assert split_speaker("김민지 : 주소 : 서울", known) == ("김민지", "주소 : 서울")
    assert split_speaker("Bob : hi", known) == ("Bob", "hi") and "Bob" in known
    assert split_speaker("Bob : ", known) == ("Bob", "")
    assert split_speaker("Bob :", known) == ("Bob", "")
    assert split_speaker("A : B : hi", {"A", "A : B"}) == ("A : B", "hi")
    assert split_speaker("김민지님이 들어왔습니다.", known) is None


PLACEHOLDER_SAMPLES = [*kakao_kinds.EXACT, " 사진 ", "사진 12장", "12 Photos", "보이스톡 0:05",
                       "페이스톡 01:02:03", "보이스톡 취소", "파일: a.pdf", "File: b", "https://x.y/z",
                       "http://a b", "사진 찍었어", "", "Photo of us", "보이스톡"]


@given(st.one_of(st.sampled_from(PLACEHOLDER_SAMPLES), st.text(max_size=20)))
def test_fast_placeholder_classifier_agrees_with_the_shared_one(text):
    assert kakao_kind(text) is classify_kakao(text)


def test_support_rows_have_a_parser_and_a_renderer():
    support = Path(kakao_kinds.__file__).parent / "support" / "kakao_mobile.json"
    rows = json.loads(support.read_text(encoding="utf-8"))
    assert sorted(r["variant"] for r in rows) == sorted(MINE)
    parsers = registered()
    for row in rows:
        assert row["parser"] in parsers and row["variant"] in variants()
        assert row["evidence"] in {"real export", "public parser", "designed, unverified"}


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize("variant", MINE)
def test_example_file_parses_cleanly(variant):
    parsed, messages = _parse(EXAMPLES / f"{FILE_TAGS.get(variant, variant)}.txt")
    assert parsed.sniff.variant == variant and messages and parsed.accounting.unparsed == 0


@pytest.mark.parametrize("variant", [v for v in variants() if v not in MINE])
def test_other_families_are_not_claimed(variant):
    rendered = render(generate_conversation(seed=0, n_messages=60), variant)
    head = list(_source(rendered.data).head(80))
    assert KakaoAndroidParser.sniff(head) is None
    assert KakaoIosParser.sniff(head) is None


def test_other_golden_files_are_not_claimed():
    for path in EXPORTS.iterdir():
        if path.name[:2] in {"K4", "K5", "K6", "K7"} or path.suffix == ".jsonl":
            continue
        head = _source(path.read_bytes()).head(80)
        assert KakaoAndroidParser.sniff(head) is None, path.name
        assert KakaoIosParser.sniff(head) is None, path.name


# ---------------------------------------------------------------- property test

# Lines that look like records, day lines and headers of every mobile dialect. Their dates are
# older than any generated message: a *later* look-alike stamp on the same day cannot be told
# from a real record in formats without the bare-LF signal (K4, K5, K5', K7'), nor can a day
# line followed by a record of its date (an out-of-order day is read as records, issue #10), so
# the strategy generates neither: record look-alikes are of 1 March, day lines of 2 March, and
# no line repeats inside a message (two equal bare stamps are a repeated Android day line).
LOOKALIKES = [
    "2015년 3월 1일 오후 1:00, 김민지 : 가짜", "2015년 3월 2일 오후 1:00", "2015년 3월 2일 월요일",
    "2015. 3. 1. 오후 1:00, 김민지 : 가짜", "2015. 3. 1. 오후 1:00: 김민지님이 나갔습니다.",
    "March 1, 2015, 1:00 PM, Alice : fake", "March 2, 2015, 1:00 PM", "2 March 2015, 1:00 PM",
    "Monday, March 2, 2015", "Mar 1, 2015 at 13:00, Bob : fake", "Mar 1, 2015, 1:00 PM: x",
    "저장한 날짜 : 2015년 3월 1일 오후 1:00", "Date Saved : Mar 1, 2015, 1:00 PM",
    "김민지 님과 카카오톡 대화", "Talk_2015.3.1 13:00-1.txt", "[이준호] [오후 3:05] pc 줄",
    "", " ", " : ", "회의 : 2시", "[공지] 내일", "\t탭\t", '"따옴표"', "😂👍 emoji", "2차 : 노래방",
]
# No "\r" or "\n" inside a line (they are line breaks), no NUL (the reader calls a file with
# NUL bytes binary), no lone surrogates (not encodable).
_LINE_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00")
_LINE = st.one_of(st.text(_LINE_CHARS, max_size=12), st.sampled_from(LOOKALIKES))
DAY_LOOKALIKES = {"2015년 3월 2일 오후 1:00", "2015년 3월 2일 월요일", "March 2, 2015, 1:00 PM",
                  "2 March 2015, 1:00 PM", "Monday, March 2, 2015"}


def _decidable(lines: list[str]) -> bool:
    """A day line after a blank line, with a record below, is a day line whatever its date
    (the layout of a real one, issue #10): a pasted one in that place cannot be told apart."""
    return not any(line in DAY_LOOKALIKES and lines[i - 1] == "" for i, line in enumerate(lines) if i)


_TEXT = st.lists(_LINE, min_size=1, max_size=4, unique=True).filter(_decidable).map("\n".join)
_SPEAKERS = st.sampled_from([("이준호", "김민지"), ("Kim, Minji", "[Bob] (x)"),
                             ("A b", "민지 : 공주")])


def _conversation(speakers, items) -> Conversation:
    now, messages = datetime(2023, 12, 31, 23, 50), []
    for step, who, text in items:
        now += timedelta(minutes=step)
        messages.append(SyntheticMessage(now, speakers[who], text))
    if messages and messages[-1].text.endswith("\n"):
        # a last message ending in an empty line looks exactly like trailing blank lines
        messages[-1] = SyntheticMessage(now, messages[-1].speaker, messages[-1].text + ".")
    return Conversation(speakers=speakers, messages=tuple(messages))


def _source(data: bytes) -> TextSource:
    return TextSource("memory.txt", len(data), "utf-8", lambda: io.BytesIO(data))


@pytest.mark.parametrize("variant", MINE)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(speakers=_SPEAKERS, items=st.lists(
    st.tuples(st.integers(0, 900), st.integers(0, 1), _TEXT), min_size=2, max_size=12))
def test_random_tricky_messages_round_trip(variant, speakers, items):
    if "{}" not in (LAYOUTS[variant].title or ""):
        # a name containing " : " is only decidable when the header names the partner
        speakers = (speakers[0], speakers[1].replace(" : ", " "))
    rendered = render(_conversation(speakers, items), variant)
    source = _source(rendered.data)
    parsed = ParsedSource(source, detect(source))
    messages = list(parsed.messages())
    assert parsed.sniff.variant == variant
    got = [(m.timestamp, m.speaker, m.text, m.kind) for m in messages]
    want = [(m.timestamp, m.speaker, m.text, classify_kakao(m.text)) for m in rendered.expected]
    assert got == want
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen


def test_a_first_message_quoting_an_android_title_is_no_header():
    """A headerless iOS export (K6h) whose first message pastes an Android export's first lines:
    the first line is a record that happens to end in ``님과 카카오톡 대화``, not a title
    (found by the property test above)."""
    fake = "2015년 3월 1일 오후 1:00, 김민지 : 가짜"
    pasted = f"김민지 님과 카카오톡 대화\n{fake}\n{fake}"
    rendered = render(_conversation(("이준호", "김민지"), [(0, 0, pasted), (0, 0, "응")]), "K6h")
    source = _source(rendered.data)
    parsed = ParsedSource(source, detect(source))
    messages = list(parsed.messages())
    assert parsed.sniff.variant == "K6h"
    assert [m.text for m in messages] == [pasted, "응"]


# ---------------------------------------------------------------- inconsistent files (issue #10)

@pytest.mark.parametrize("name, repeated", [("K4_messy_day_lines_time_back.txt", [10, 11]),
                                            ("K6_ios_messy_day_lines_time_back.txt", [9])])
def test_record_lines_win_over_day_lines_and_every_decision_is_listed(name, repeated):
    parsed, messages = _parse(EXPORTS / name)
    decided = parsed.accounting.decisions_dict()
    assert decided["day line repeated"]["lines"] == repeated
    assert decided["records without a day line"]["count"] == 1
    assert decided["time goes back"]["count"] == 2
    assert decided["day line disagrees with its records"]["count"] == 2
    assert decided["day line out of order"]["count"] == 1
    # no record was folded into another message, and no day line stayed as text
    assert not any("2024년 3월" in m.text or "2024. 3." in m.text
                   for m in messages if m.text != "" and "복붙" not in m.text)
    late = next(m for m in messages if m.text == "늦게 도착한 메시지")
    assert late.timestamp < messages[messages.index(late) - 1].timestamp  # kept where it was
    wrong_day = next(m for m in messages if m.text == "날짜 줄과 다른 날")
    assert wrong_day.timestamp == datetime(2024, 3, 10, 8, 0)  # its own date, not the day line's
    assert parsed.check() and parsed.accounting.unparsed == 0  # warnings, never a refusal


def test_a_pasted_record_of_another_day_or_an_unknown_name_stays_text():
    _, messages = _parse(EXPORTS / "K4_messy_day_lines_time_back.txt")
    last_but_one = messages[-2]
    assert last_but_one.text.endswith("2024년 3월 1일 오전 9:00, 박하늘 : 이건 복붙 (다른 날, 날짜 줄 없음)")
    _, messages = _parse(EXPORTS / "K6h_ko_headerless_me.txt")
    assert [m.speaker for m in messages] == ["이름", "회원님", "이름"]  # known name, same day: a record
