"""KakaoTalk Windows PC exports (K1, K1', K2, K1h): golden files, a property test over tricky
content, and the edge cases (last message, headers only, truncated lines, foreign files)."""

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
from kakao2dataset.parsers.base import LineAccounting, LineClass, Sniff
from kakao2dataset.parsers.kakao_pc import KakaoPcParser
from kakao2dataset.reading import RawLine
from kakao2dataset.synthetic import Conversation, SyntheticMessage
from kakao2dataset.synthetic.kakao_pc import day_en, day_ko, render_pc, time_en, time_ko

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
VARIANT_OF_PREFIX = {"K1": "K1", "K1p": "K1'", "K2": "K2", "K1h": "K1h"}
GOLDEN = sorted(p for p in FIXTURES.glob("K[12]*.txt"))


def _parse(path: Path):
    (parsed,) = parse_sources(path)
    return parsed, list(parsed.messages())


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_file_parses_to_its_expected_messages(path):
    parsed, messages = _parse(path)
    expected = [json.loads(line) for line in path.with_suffix(".expected.jsonl").open()]
    got = [{k: v for k, v in m.to_dict().items() if k != "source"} for m in messages]
    assert got == expected
    assert parsed.sniff.parser == "kakao-pc"
    assert parsed.sniff.variant == VARIANT_OF_PREFIX[path.name.split("_")[0]]
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen


EXAMPLES = Path(__file__).parent.parent / "examples" / "formats"


@pytest.mark.parametrize("name,variant", [("K1.txt", "K1"), ("K1p.txt", "K1'"), ("K2.txt", "K2"),
                                          ("K1h.txt", "K1h"), ("K2h.txt", "K2h")])
def test_example_files_are_detected_and_read_fully(name, variant):
    parsed, messages = _parse(EXAMPLES / name)
    assert parsed.sniff.variant == variant and len(messages) > 5
    assert parsed.accounting.unparsed == 0


def test_last_message_without_newline_is_kept():
    _, messages = _parse(FIXTURES / "K1_group_bom_names_system.txt")
    assert messages[-1].text == "마지막 줄은 개행 없음"
    assert messages[-1].last_line == 22


def test_a_file_with_only_headers_has_no_messages_and_no_unparsed_lines():
    parsed, messages = _parse(FIXTURES / "K1_headers_only.txt")
    assert messages == [] and parsed.sniff.variant == "K1"
    assert parsed.accounting.to_dict()["header"] == 2


def _write(tmp_path, lines, end="\r\n", final=True) -> Path:
    path = tmp_path / "KakaoTalk_test.txt"
    path.write_bytes((end.join(lines) + (end if final else "")).encode("utf-8"))
    return path


HEAD = ["김민지 님과 카카오톡 대화", "저장한 날짜 : 2024-01-06 10:00:00", "",
        "--------------- 2024년 1월 5일 금요일 ---------------"]


def test_a_truncated_last_line_is_text_of_the_last_message(tmp_path):
    path = _write(tmp_path, HEAD + ["[김민지] [오후 2:00] 안녕", "[이준호] [오"], final=False)
    parsed, messages = _parse(path)
    assert [m.text for m in messages] == ["안녕\n[이준호] [오"]
    assert parsed.accounting.total == parsed.accounting.lines_seen == 6


def test_an_impossible_clock_is_reported_by_line_number_not_content(tmp_path):
    lines = HEAD + ["[김민지] [오후 2:00] 안녕", "[이준호] [오후 15:18] 비밀 내용"]
    parsed, messages = _parse(_write(tmp_path, lines))
    assert [m.text for m in messages] == ["안녕"]
    assert parsed.accounting.unparsed_lines == [6]
    (warning,) = parsed.check()  # one line: a warning, not a failure
    assert "lines 6" in warning and "비밀" not in warning


def test_a_truncated_file_ending_in_an_unreadable_line_fails(tmp_path):
    lines = HEAD + ["[김민지] [오후 2:00] 안녕", "[이준호] [오후 15:18] 비밀"]
    parsed, _ = _parse(_write(tmp_path, lines, final=False))
    with pytest.raises(UnparsedLinesError) as error:
        parsed.check()
    assert "truncated" in str(error.value) and "비밀" not in str(error.value)


def test_system_lines_take_the_time_of_the_last_message_of_the_day(tmp_path):
    lines = HEAD + ["[김민지] [오후 2:00] 안녕", "이준호님이 들어왔습니다.",
                    "--------------- 2024년 1월 6일 토요일 ---------------",
                    "김민지님이 나갔습니다."]
    _, messages = _parse(_write(tmp_path, lines))
    assert [(m.kind, m.speaker, m.timestamp) for m in messages[1:]] == [
        (MessageKind.SYSTEM, "", datetime(2024, 1, 5, 14, 0)),
        (MessageKind.SYSTEM, "", datetime(2024, 1, 6, 0, 0)),
    ]


@pytest.mark.parametrize("encoding,newline", [("cp949", "\r\n"), ("utf-16", "\r\n"),
                                              ("utf-8", "\n")])
def test_legacy_encodings_and_resaved_line_ends_read_the_same(tmp_path, encoding, newline):
    original = FIXTURES / "K1_one_to_one_lookalikes.txt"
    text = original.read_bytes().decode("utf-8").replace("\r\n", newline)
    path = tmp_path / "resaved.txt"
    path.write_bytes(text.encode(encoding))
    _, expected = _parse(original)
    parsed, messages = _parse(path)
    assert [m.to_dict() | {"source": ""} for m in messages] == [
        m.to_dict() | {"source": ""} for m in expected]
    assert parsed.sniff.variant == "K1"


def _read(texts: list[str], **options) -> list:
    """Parse lines with given sniff options (as if the first lines had shown them)."""
    options = {"lang": "ko", "group": False, "blank_before_day": False} | options
    parser = KakaoPcParser("x.txt", Sniff("kakao-pc", "K1", 1.0, options=options))
    accounting = LineAccounting()
    messages = list(parser.parse(_head(texts), accounting))
    assert accounting.total == len(texts)
    return messages


def test_a_third_name_is_text_in_a_one_to_one_chat_until_it_recurs_in_another_message():
    messages = _read(HEAD + ["[이준호] [오후 2:00] 안녕", "[김민지] [오후 2:01] 응",
                             "[최수아] [오후 2:02] 붙여넣은 줄?", "[이준호] [오후 2:03] 어",
                             "[최수아] [오후 2:04] 아니 나 여기 있어", "[김민지] [오후 2:05] ㅎㅎ"])
    assert [(m.speaker, m.text) for m in messages] == [
        ("이준호", "안녕"), ("김민지", "응\n[최수아] [오후 2:02] 붙여넣은 줄?"), ("이준호", "어"),
        ("최수아", "아니 나 여기 있어"), ("김민지", "ㅎㅎ")]


def test_a_group_file_name_accepts_new_names_at_once(tmp_path):
    lines = HEAD + ["[이준호] [오후 2:00] 안녕", "[김민지] [오후 2:01] 응", "[최수아] [오후 2:02] 나도"]
    path = tmp_path / "KakaoTalk_20240106_1000_00_123_group.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    _, messages = _parse(path)
    assert [m.speaker for m in messages] == ["이준호", "김민지", "최수아"]


def _head(texts: list[str]) -> list[RawLine]:
    return [RawLine(i, t, "\r\n") for i, t in enumerate(texts, start=1)]


@pytest.mark.parametrize("texts", [
    # Android (K4): same title, localised save stamp; a pasted PC line inside
    ["김민지 님과 카카오톡 대화", "저장한 날짜 : 2024년 1월 6일 오전 10:00", "", "",
     "2024년 1월 5일 오후 2:00", "2024년 1월 5일 오후 2:00, 김민지 : 복붙",
     "[이준호] [오후 3:05] 가짜", "[김민지] [오후 3:06] 가짜"],
    # iOS (K6): file name first
    ["Talk_2024.1.6 10:00-1.txt", "저장한 날짜 : 2024. 1. 6. 오전 10:00", "", "",
     "2024년 1월 5일 금요일", "2024. 1. 5. 오후 2:00, 김민지 : [이준호] [오후 3:05] 가짜"],
    # LINE mobile and desktop
    ["[LINE] Chat history with Bob", "Saved on: 2018/03/25 19:57", "", "2018/03/25 Sun",
     "07:33\tAlice\t[Bob] [7:33 AM] x"],
    ["2024.12.09 Monday", "14:30 Alice [Bob] [2:30 PM] hi", "[Bob] [2:31 PM] hi", "[Bob] [2:32 PM] hi"],
    # Mac CSV
    ["Date,User,Message", '2024-12-09 14:30:12,"김민지","[이준호] [오후 3:05] 가짜"'],
])
def test_other_families_files_are_not_claimed(texts):
    assert KakaoPcParser.sniff(_head(texts)) is None


def test_english_header_with_korean_lines_is_the_2015_layout():
    texts = ["X with KakaoTalk Chats", "Date Saved : 2015-08-03 00:29:58", "",
             "--------------- 2015년 8월 1일 토요일 ---------------", "[X] [오후 2:37] hi"]
    sniff = KakaoPcParser.sniff(_head(texts))
    assert sniff.variant == "K1'" and sniff.options["lang"] == "ko"


# -- property test: random messages with tricky content -----------------------------------
SPEAKERS = ("김민지", "이준호 ]", "A] [B")  # brackets and spaces in names, on purpose
PIECES = st.sampled_from([
    "[", "]", "] [", ":", " : ", "\t", '"', "'", "😂", "👍🏻", "ㅋㅋ", "abc", " ", "  ", "---",
    "님과 카카오톡 대화", "저장한 날짜 : 2024-01-01 00:00:00", "with KakaoTalk Chats",
    "[공지]", "오후 3:04", "12:00 PM", "사진", "(사진)", "http://x.y",
])


@st.composite
def text_lines(draw, when: datetime, lang: str, trailing_blank: bool, pastes: bool) -> str:
    """Lines of one message. Look-alike message lines (only where ``pastes``) are of a third
    name in a 1:1 chat whose two speakers have both spoken: a record-shaped line of a known
    speaker is a record even when its time goes back (issue #10), so that is the one paste a
    PC export can show. Look-alike day lines are in the past. Lines in the shape of a system
    notice are left out: the PC export writes system lines without any marker. Outside K1', a
    message does not end in a blank line: two such messages before day lines look like the
    2015 layout to the sniffer."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        roll = draw(st.integers(0, 9))
        if roll == 0 and pastes:
            fake = when.replace(hour=0, minute=draw(st.integers(0, 59)))
            clock = time_ko(fake) if lang == "ko" else time_en(fake)
            lines.append(f"[박서준] [{clock}] " + "".join(draw(st.lists(PIECES, max_size=3))))
            pastes = False  # once: a name on two lines of the head makes the sniffer say group
        elif roll == 1:
            past = when - timedelta(days=draw(st.integers(1, 400)))  # the same day: repeated
            lines.append((day_ko if lang == "ko" else day_en)(past))
        else:
            lines.append("".join(draw(st.lists(PIECES, max_size=5))))
    if lines[-1] == "" and not trailing_blank:
        lines[-1] = "."
    return "\n".join(lines)


@st.composite
def conversations(draw, lang: str, trailing_blank: bool) -> Conversation:
    now = datetime(2015, 1, 1, 1, 0) + timedelta(days=draw(st.integers(0, 3650)))
    messages, spoken, pasted = [], set(), False
    for _ in range(draw(st.integers(2, 12))):  # K1h needs two to be recognised
        if draw(st.booleans()):
            now = now.replace(hour=1, minute=0) + timedelta(days=draw(st.integers(1, 40)))
        step = timedelta(minutes=draw(st.sampled_from([0, 0, 1, 7, 95])))
        if (now + step).date() == now.date():
            now += step
        kind = draw(st.sampled_from([MessageKind.TEXT] * 5 + [MessageKind.PHOTO]))
        # one paste line at most: a third name in two messages makes it a group chat
        pastes = len(spoken) == 2 and not pasted
        text = draw(text_lines(now, lang, trailing_blank, pastes)) if kind is MessageKind.TEXT else ""
        pasted = pasted or (pastes and "박서준" in text)
        speaker = draw(st.sampled_from(SPEAKERS[:2]))
        spoken.add(speaker)
        messages.append(SyntheticMessage(now, speaker, text, kind))
    return Conversation(speakers=SPEAKERS[:2], messages=tuple(messages))


@pytest.mark.parametrize("variant", ["K1", "K1'", "K2", "K1h"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_tricky_messages_round_trip(variant, data, tmp_path):
    lang = "en" if variant == "K2" else "ko"
    conversation = data.draw(conversations(lang, trailing_blank=variant == "K1'"))
    rendered = render_pc(conversation, variant)
    path = tmp_path / "export.txt"
    path.write_bytes(rendered.data)
    parsed, messages = _parse(path)
    got = [(m.timestamp, m.speaker, m.text) for m in messages]
    assert got == [(m.timestamp, m.speaker, m.text) for m in rendered.expected]
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.counts[LineClass.MESSAGE] == len(messages)


def test_inconsistent_pc_file_time_back_blank_before_day_repeated_day_line():
    parsed, messages = _parse(FIXTURES / "K2_messy_time_back_blank_before_day.txt")
    late = next(m for m in messages if m.text.startswith("(sent late)"))
    assert late.speaker == "Dana" and late.first_line == 7  # a record, though its time goes back
    assert messages[3].text == "yes\n[Quinn] [9:07 AM] pasted from another chat"  # third name
    assert messages[4].text == "a blank line above the day line is layout\ntwo lines\n"
    assert parsed.accounting.decisions_dict() == {
        "time goes back": {"count": 1, "lines": [7]},
        "day line repeated": {"count": 1, "lines": [16]},
    }
    assert parsed.accounting.unparsed == 0
