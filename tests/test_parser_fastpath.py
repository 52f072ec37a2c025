"""The block-level fast paths of the readers against the line-by-line rules (the oracle).

Readers that match whole decoded blocks with one regex (``Parser.block_reader``) must give the
same messages, the same line accounting and the same warnings as the line-by-line state
machine, for every synthetic variant, the golden files, and hand-made inputs that leave the
fast path (multi-line messages, look-alike lines, day lines after blank lines, a third name,
time going back; for LINE quoted texts that close late, raw texts starting with ``"``, a quote
open at the end, bare LF in CRLF files), read with the normal block size and with tiny blocks
(so that every construct also meets a block boundary).
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kakao2dataset.exports import parse_sources
from kakao2dataset.model import MessageKind
from kakao2dataset.synthetic import generate_conversation, render, variants

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
EXAMPLES = Path(__file__).parent.parent / "examples" / "formats"
BLOCK_SIZES = (None, 7, 61, 256)  # None: the default (64 KiB)


def _outcome(path: Path, fast: bool, block_bytes: int | None) -> list[tuple]:
    """Everything a parse tells about a file: messages, line classes, warnings."""
    out = []
    for parsed in parse_sources(path):
        parsed.fast = fast
        if block_bytes is not None:
            parsed.source.block_bytes = block_bytes
        messages = [m.to_dict() for m in parsed.messages()]
        acct = parsed.accounting
        truncated_end = parsed.last_line_end == ""
        out.append((parsed.sniff.variant, messages, acct.to_dict(), acct.unparsed_lines,
                    acct.lines_seen, dict(parsed.newlines), parsed.last_line_end,
                    acct.last_class if truncated_end else None, parsed.check(lenient=True)))
    return out


def _assert_same(path: Path, sizes=BLOCK_SIZES) -> None:
    expected = _outcome(path, fast=False, block_bytes=None)
    for size in sizes:
        assert _outcome(path, fast=True, block_bytes=size) == expected, f"block size {size}"
    assert _outcome(path, fast=False, block_bytes=7) == expected  # the seam itself


@pytest.mark.parametrize("variant", variants())
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_exports_read_the_same_on_the_fast_path(variant, seed, tmp_path):
    rendered = render(generate_conversation(seed, 120), variant)
    path = tmp_path / Path(rendered.filename).name
    path.write_bytes(rendered.data)
    _assert_same(path)


EXPORTS = sorted(p for p in [*FIXTURES.glob("*"), *EXAMPLES.glob("*")]
                 if p.suffix.lower() in (".txt", ".csv", ".zip"))


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_golden_files_read_the_same_on_the_fast_path(path):
    _assert_same(path)


PC_HEAD = ["김민지 님과 카카오톡 대화", "저장한 날짜 : 2024-01-06 10:00:00", "",
           "--------------- 2024년 1월 5일 금요일 ---------------"]
PC_BODY = [
    "[이준호] [오후 2:00] 안녕", "[김민지] [오후 2:01] 응", "[이준호] [오후 2:01] 여러 줄",
    "둘째 줄", "[최수아] [오후 2:01] 셋째 이름 (텍스트)", "[김민지] 님과 카카오톡 대화", "김민지 님과 카카오톡 대화",
    "저장한 날짜 : 2024-01-06 10:00:00", "[김민지] [오후 2:02] 다음", "",
    "[이준호] [오후 2:02]", "[이준호] [오후 2:02] ", "[이준호] [오후 2:03]x",
    "[최수아] [오후 2:04] 붙여넣은 줄?", "[이준호] [오전 12:05] 과거 줄",
    "[김민지] [오후 2:05] 미래", "[이준호] [오후 11:59] 미래에서 온 줄",
    "[김민지] [오후 2:06] 다시", "[이 준]호] [오후 2:07] 괄호 이름", "[A] [B] [오후 2:07] x",
    "[김민지] [오후 15:18] 불가능한 시각", "[김민지] [오후 2:08] ㅋㅋ", "",
    "", "--------------- 2024년 1월 4일 목요일 ---------------",
    "[이준호] [오후 2:08] 사진", "--------------- 2024년 1월 6일 토요일 ---------------",
    "[이준호] [오전 12:00] 자정", "[김민지] [오전 12:00] 자정 둘", "[김민지] [오전 12:30] 셋",
    "이준호님이 나갔습니다.", "[김민지] [오전 12:31] 넷", "",
    "--------------- 2024년 1월 7일 일요일 ---------------", "[최수아] [오전 1:00] 또 나",
    "[김민지] [오전 1:01] 다섯", "[김민지] [오전 1:01] ---", "[김민지] [오전 1:02] 마지막",
]


PC_SYSTEM = "이준호님이 나갔습니다."  # the sniffer reads a chat with one as a group


def _one_to_one(lines: list[str]) -> list[str]:
    """The lines without what makes the sniffer call the chat a group (a system line, a third
    name on two lines), so the third-name rule applies."""
    thirds = iter(["최수아", "박서준", "정하늘"])
    return [line.replace("[최수아]", f"[{next(thirds)}]") if "[최수아]" in line else line
            for line in lines if line != PC_SYSTEM]


@pytest.mark.parametrize("end", ["\r\n", "\n", "mixed"])
@pytest.mark.parametrize("final", [True, False])
@pytest.mark.parametrize("head", ["K1", "K1'", "K1h"])
@pytest.mark.parametrize("group", [True, False])
def test_tricky_pc_lines_read_the_same_on_the_fast_path(tmp_path, end, final, head, group):
    lines = {"K1": PC_HEAD, "K1'": ["X with KakaoTalk Chats", "Date Saved : 2024-01-06 10:00:00",
                                    "", PC_HEAD[3]], "K1h": PC_HEAD[3:]}[head] + PC_BODY
    lines = lines if group else _one_to_one(lines)
    if end == "mixed":  # bare CR / LF inside a CRLF file
        text = "\r\n".join(lines[:12]) + "\r\n" + "\r".join(lines[12:20]) + "\n" + "\n".join(lines[20:])
    else:
        text = end.join(lines)
    path = tmp_path / "KakaoTalk_20240106_1000_00_123.txt"
    path.write_bytes((text + ("\r\n" if final else "")).encode("utf-8"))
    _assert_same(path)


def test_every_block_boundary_in_pc_lines_reads_the_same(tmp_path):
    """A block may end after any line: state handed between the fast path and the rules
    (a name learned from a tentative line, say) must survive each of them."""
    path = tmp_path / "KakaoTalk_20240106_1000_00_123.txt"
    lines = _one_to_one(PC_HEAD + PC_BODY)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    _assert_same(path, sizes=range(8, 400, 3))


MOBILE = {
    "K4": (["김민지 님과 카카오톡 대화", "저장한 날짜 : 2024년 1월 6일 오전 10:00", "", ""],
           "2024년 1월 {d}일", "2024년 1월 {d}일 {clock}", None),
    "K6": (["Talk_2024.1.6 10:00-1.txt", "저장한 날짜 : 2024. 1. 6. 오전 10:00", "", ""],
           "2024. 1. {d}.", "2024년 1월 {d}일 {wd}요일", "금토일"),
}


def _mobile_lines(variant: str) -> list[tuple[str, str]]:
    """(text, end) pairs: records of days 5-7, with look-alikes, blank lines before day lines,
    system lines, several " : " and an impossible clock."""
    head, stamp, day, weekdays = MOBILE[variant]
    out = [(text, "\r\n") for text in head]

    def day_line(d: int, clock: str) -> str:
        return day.format(d=d, clock=clock, wd=weekdays[d - 5] if weekdays else "")

    def rec(d: int, clock: str, rest: str, end: str = "\r\n") -> None:
        out.append((f"{stamp.format(d=d)} {clock}, {rest}", end))

    out.append((day_line(5, "오후 1:00"), "\r\n"))
    for i in range(90):  # past the sniffed head, which learns every name it sees
        rec(5, f"오후 1:{min(i, 59):02d}", f"{'김민지' if i % 3 else '이준호'} : {i}")
    rec(5, "오후 2:00", "김민지 : 안녕")
    rec(5, "오후 2:00", "이준호 : 응")
    rec(5, "오후 2:01", "이준호 : 여러 줄", "\n")
    out.append(("둘째 줄", "\n"))
    rec(5, "오후 2:01", "김민지 : 붙여넣은 줄", "\n")
    out.append(("", "\r\n"))
    rec(5, "오후 2:02", "이준호 : 빈 줄 다음")
    out.append(("", "\r\n"))
    rec(5, "오후 2:02", "김민지 : 빈 줄 다음 둘")
    rec(5, "오후 2:02", "낯선이 : 님이 들어왔습니다.")
    rec(5, "오후 2:02", "김민지 : 회의 : 2시")
    rec(5, "오후 2:02", "A : B : 이름에 콜론")
    rec(5, "오전 1:00", "김민지 : 과거 줄")
    rec(5, "오후 15:18", "김민지 : 불가능")
    rec(5, "오후 2:03", "이준호님이 나갔습니다.")
    out.append((f"{stamp.format(d=5)} 오후 2:03: 김민지님이 최수아님을 초대했습니다.", "\r\n"))
    rec(5, "오후 2:04", "최수아 : 새 이름")
    rec(5, "오후 2:04", "최수아 : ")
    out += [("", "\r\n"), ("", "\r\n"), (day_line(4, "오전 9:00"), "\r\n")]
    rec(5, "오후 2:05", "김민지 : 앞 날짜 줄 다음")
    out += [("", "\r\n"), ("", "\r\n"), (day_line(6, "오전 12:00"), "\r\n")]
    rec(6, "오전 12:00", "이준호 : 자정")
    rec(6, "오전 12:00", "김민지 : 자정 둘")
    rec(6, "오전 12:05", "김민지 : 셋")
    rec(5, "오후 11:00", "이준호 : 어제 시각")
    out += [("", "\r\n"), (day_line(7, "오전 1:00"), "\r\n")]
    rec(7, "오전 1:00", "김민지 : 넷")
    rec(7, "오전 1:01", "김민지 : 다섯")
    rec(7, "오전 1:01", "이준호 : 마지막 앞")
    rec(8, "오전 1:02", "김민지 : 날짜 줄 없는 다음 날")
    rec(7, "오전 1:03", "이준호 : 마지막", "\n")
    out.append(("이어지는 끝 줄", "\r\n"))
    return out


@pytest.mark.parametrize("variant", ["K4", "K6"])
@pytest.mark.parametrize("ends", ["as is", "\r\n", "\n"])
@pytest.mark.parametrize("final", [True, False])
def test_tricky_mobile_lines_read_the_same_on_the_fast_path(tmp_path, variant, ends, final):
    lines = _mobile_lines(variant)
    if ends != "as is":
        lines = [(text, ends) for text, _ in lines]
    text = "".join(t + e for t, e in lines)
    if not final:
        text = text.rstrip("\r\n")
    path = tmp_path / ("KakaoTalkChats.txt" if variant == "K4" else "Talk_2024.1.6 10:00-1.txt")
    path.write_bytes(text.encode("utf-8"))
    _assert_same(path)


# -- the placeholder gate: a necessary condition, so classifying with it changes nothing ----
def _ungated(exact, prefixes, patterns):
    """The classifier's rules without the gate (the definition)."""
    def classify(text):
        stripped = text.strip()
        if stripped in exact:
            return exact[stripped]
        for prefix, kind in prefixes.items():
            if stripped.startswith(prefix):
                return kind
        for pattern, kind in patterns:
            if pattern.fullmatch(stripped):
                return kind
        return MessageKind.TEXT
    return classify


def _tables():
    from kakao2dataset.parsers import _kakao_kinds as kakao
    from kakao2dataset.parsers import _kakao_mobile as mobile
    from kakao2dataset.parsers import _line_common as line

    yield kakao.classify_kakao, kakao.EXACT, kakao.PREFIXES, kakao.PATTERNS
    yield mobile.kakao_kind, kakao.EXACT, kakao.PREFIXES, kakao.PATTERNS  # the fast path's gate
    yield line.line_kind, line.EXACT, line.PREFIXES, line.PATTERNS


SPACES = ["", " ", "  ", "\t", "\u3000", "\u00a0", "\x1c", "\u200b", "\n"]


@given(st.sampled_from(SPACES), st.text(alphabet="사진 3장Photos0123456789보이스톡페:/httpsx.y파일File", max_size=12),
       st.sampled_from(SPACES))
@settings(max_examples=400, deadline=None)
def test_the_placeholder_gate_changes_no_kind(before, middle, after):
    for classify, exact, prefixes, patterns in _tables():
        reference = _ungated(exact, prefixes, patterns)
        for core in [middle, *exact, *(p + middle for p in prefixes), "사진 12장", "3 Photos",
                     "[Photo]", "[写真]", "Photo", "[Sticker]",
                     "보이스톡 1:02", "페이스톡 부재중", "https://x.y/z", "사진 찍었어"]:
            text = before + core + after
            assert classify(text) is reference(text), repr(text)


MAC_LINES = [
    "Date,User,Message", '2024-01-05 14:00:00,"김민지","안녕"', '2024-01-05 14:00:01,"이준호","응"',
    '2024-01-05 14:00:02,"이준호","여러 줄', '2024-01-05 14:00:03,"김민지","행처럼 보이는 둘째 줄"',
    '셋째 줄"', '2024-01-05 14:00:04,"김민지","그 책 ""제목""이었나"', "",
    '2024-01-05 14:00:05,"김민지","김민지님이 나갔습니다."', '2024-01-05 14:00:06,"김민지","김민지 최고"',
    '2024-13-45 14:00:07,"김민지","없는 날짜"', '2024-01-05 14:00:08,김민지,"따옴표 없는 이름"',
    '2024-01-05 14:00:09,"","이름 없음"', "Date,User,Message", '2024-01-05 14:00:10,"a","b","c"',
    '2024-01-05 14:00:11,"이준호","(사진)"', '2024-01-05 14:00:12,"이준호","https://x.y/z"',
    '2024-01-05 14:00:13,"이준호","ab"cd"', '2024-01-05 14:00:14,"이준호","ok"',
    '2024-01-05 14:00:15,"이준호","끝나지 않는 인용',
]


@pytest.mark.parametrize("end", ["\r\n", "\n", "mixed"])
@pytest.mark.parametrize("final", [True, False])
def test_tricky_mac_rows_read_the_same_on_the_fast_path(tmp_path, end, final):
    lines = MAC_LINES if final else MAC_LINES[:-1]
    if end == "mixed":
        text = "\r\n".join(lines[:6]) + "\r" + "\n".join(lines[6:])
    else:
        text = end.join(lines)
    path = tmp_path / "KakaoTalkChats.csv"
    path.write_bytes((text + ("\n" if final else "")).encode("utf-8"))
    _assert_same(path, sizes=(*BLOCK_SIZES, *range(40, 700, 9)))


def test_mac_rows_over_the_csv_field_limit_read_the_same(tmp_path):
    """A block longer than csv's field size limit may hold a field over it (an error for
    csv): such blocks are read by csv alone."""
    path = tmp_path / "KakaoTalkChats.csv"
    path.write_bytes(("\n".join(MAC_LINES[:-1]) + "\n").encode("utf-8"))
    old = csv.field_size_limit(12)
    try:
        _assert_same(path, sizes=(None, 30, 200))
    finally:
        csv.field_size_limit(old)


# -- LINE mobile: quoted texts, the bare-LF guard, day lines and clocks of every dialect ----
LINE_DIALECTS = {  # head, day line, clock(h, m), file name
    "L1": (["[LINE] 佐藤とのトーク履歴", "保存日時：2024/01/08 10:00", ""],
           lambda d, wd: f"2024/01/{d:02d}({'月火水木金土日'[wd]})",
           lambda h, m: f"{h:02d}:{m:02d}", "[LINE] 佐藤とのトーク.txt"),
    "L1'": (["[LINE] 佐藤とのトーク履歴", "保存日時：2024/1/8 午前10:00", ""],
            lambda d, wd: f"2024/1/{d}({'月火水木金土日'[wd]})",
            lambda h, m: f"{'午前' if h < 12 else '午後'}{(h - 1) % 12 + 1:02d}:{m:02d}",
            "[LINE] 佐藤とのトーク.txt"),
    "L2'": (["[LINE] Chat history with Bob", "Saved on: 01/08/2024, 10:00", ""],
            lambda d, wd: f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[wd]}, 01/{d:02d}/2024",
            lambda h, m: f"{(h - 1) % 12 + 1}:{m:02d}{'AM' if h < 12 else 'PM'}",
            "[LINE] Chat with Bob.txt"),
    "L4": (["[LINE] 김민지님과의 대화", "저장한 날짜：2024/01/08 10:00", ""],
           lambda d, wd: f"2024/01/{d:02d}({'월화수목금토일'[wd]})",
           lambda h, m: f"{'오전' if h < 12 else '오후'} {(h - 1) % 12 + 1}:{m:02d}",
           "[LINE] 김민지님과의 대화.txt"),
}
BAD_CLOCK = {"L1": "25:00", "L1'": "午後13:00", "L2'": "13:00PM", "L4": "오후 13:00"}


def _line_mobile_lines(dialect: str, open_at_end: bool) -> list[tuple[str, str]]:
    """(text, end) pairs of days 4-6 of January 2024: ordinary records with quoted texts that
    close on later lines (bare LF inside), raw texts starting with ``"``, look-alike records
    and day lines inside quotes, a false opening, a badly quoted text, a third name, time going
    back, plain continuations, system lines, day lines after blank lines, impossible clocks."""
    head, day, clk, _ = LINE_DIALECTS[dialect]
    out = [(text, "\r\n") for text in head]

    def rec(h: int, m: int, sender: str, text: str, end: str = "\r\n") -> None:
        out.append((f"{clk(h, m)}\t{sender}\t{text}", end))

    out.append((day(5, 4), "\r\n"))
    for i in range(30):
        rec(9, i, "佐藤" if i % 3 else "鈴木", f"{i}")
    rec(14, 0, "佐藤", "こんにちは")
    rec(14, 1, "鈴木", "はい")
    rec(14, 2, "佐藤", '"二行の', "\n")
    out.append(('テキスト"', "\r\n"))
    rec(14, 3, "鈴木", '"見た目', "\n")
    out += [(f"{clk(14, 4)}\t佐藤\t中の行", "\n"), (day(6, 5), "\n"), ("", "\n"),
            (day(4, 3), "\n"), ('終わり""引用""です"', "\r\n")]
    rec(14, 5, "佐藤", '"hi" she said')
    rec(14, 5, "佐藤", '"')
    rec(14, 5, "鈴木", '""')
    rec(14, 6, "鈴木", '"開いたまま')
    rec(14, 7, "佐藤", "次の記録")
    out.append(('閉じる"', "\r\n"))
    rec(14, 7, "鈴木", '"昔の行が中に', "\n")
    out += [(f"{clk(9, 0)}\t佐藤\t過去の行", "\r\n"), (day(4, 3), "\r\n"), ('閉じる"', "\r\n")]
    rec(14, 8, "鈴木", '"日付で終わる')
    out.append((day(6, 5), "\r\n"))
    rec(9, 0, "佐藤", "新しい日")
    rec(9, 1, "鈴木", '"悪い', "\n")
    out += [('中に"一つ', "\n"), ('終わり"', "\r\n")]
    rec(9, 2, "高橋", "三人目")
    rec(8, 0, "佐藤", "時間が戻る")
    out += [("続きの行", "\r\n"), ("Mon, 01/01/2024", "\r\n"), ("12345 数字で始まる", "\r\n"),
            ("오후 3:00 정산", "\r\n"), ("午前の部", "\r\n"), ("１２:３０\t佐藤\t全角", "\r\n")]
    out.append((f"{clk(9, 3)}\t\t佐藤がメッセージの送信を取り消しました", "\r\n"))
    out.append((f"{clk(9, 3)}\t鈴木が参加しました", "\r\n"))
    out.append((f"{BAD_CLOCK[dialect]}\t佐藤\t無効な時刻", "\r\n"))
    rec(9, 4, "佐藤", "")
    rec(9, 4, "鈴木", "タブ\t入り\tテキスト")
    rec(9, 5, "佐藤", '"空行入り', "\n")
    out += [("", "\n"), ('"', "\r\n")]
    out += [("", "\r\n"), ("", "\r\n"), (day(5, 4), "\r\n")]
    rec(9, 6, "鈴木", "前の日付の後")
    out += [("", "\r\n"), (day(7, 6), "\r\n")]
    rec(0, 0, "鈴木", "真夜中")
    rec(12, 0, "佐藤", "正午")
    if open_at_end:
        rec(12, 1, "鈴木", '"最後の引用', "\n")
        out += [("まだ開いている", "\n"), ("終わらない", "\r\n")]
    else:
        rec(12, 1, "鈴木", "最後")
    return out


def _line_mobile_file(tmp_path: Path, dialect: str, ends: str, final: bool, open_at_end: bool):
    lines = _line_mobile_lines(dialect, open_at_end)
    if ends != "as is":
        lines = [(text, ends) for text, _ in lines]
    text = "".join(t + e for t, e in lines)
    if not final:
        text = text.rstrip("\r\n")
    path = tmp_path / LINE_DIALECTS[dialect][3]
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("dialect", list(LINE_DIALECTS))
@pytest.mark.parametrize("ends", ["as is", "\r\n", "\n"])
@pytest.mark.parametrize("final", [True, False])
@pytest.mark.parametrize("open_at_end", [True, False])
def test_tricky_line_mobile_lines_read_the_same_on_the_fast_path(
        tmp_path, dialect, ends, final, open_at_end):
    path = _line_mobile_file(tmp_path, dialect, ends, final, open_at_end)
    (parsed,) = parse_sources(path)
    assert (parsed.sniff.parser, parsed.sniff.variant) == ("line-mobile", dialect)
    _assert_same(path)


@pytest.mark.parametrize("ends", ["as is", "\n"])
def test_every_block_boundary_in_line_mobile_lines_reads_the_same(tmp_path, ends):
    """A quoted text may meet a block end anywhere: the rules' look-ahead then reads on into
    the next block, and lines it takes back are read again before the fast loop goes on."""
    path = _line_mobile_file(tmp_path, "L1", ends, True, True)
    _assert_same(path, sizes=range(8, 400, 3))


LINE_PIECES = [  # texts of random LINE mobile lines; {t} is a clock
    "{t}\t佐藤\tこんにちは", "{t}\t鈴木\t了解", "{t}\t高橋\t三人目", '{t}\t佐藤\t"開く',
    '{t}\t鈴木\t"hi" she said', '{t}\t佐藤\t"', '{t}\t鈴木\t"""引用"" 開く', "{t}\t\t通知",
    "{t}\t佐藤が参加しました", "{t}\t佐藤\t", '閉じる"', '"', '中に"一つ', '""二重""', "続き",
    "", "2024/01/05(金)", "2024/01/06(土)", "2024/01/04(木)", "2024/01/07(日)", "Mon, 01/01/2024",
    "12 から", "午前の部", "[LINE] 佐藤とのトーク履歴",
]
LINE_CLOCKS = ["09:00", "09:30", "10:00", "24:00"]
LINE_HEAD = "[LINE] 佐藤とのトーク履歴\r\n保存日時：2024/01/08 10:00\r\n\r\n2024/01/05(金)\r\n"


@given(st.lists(st.tuples(st.sampled_from(LINE_PIECES), st.sampled_from(LINE_CLOCKS),
                          st.sampled_from(["\r\n", "\n"])), max_size=40),
       st.sampled_from(["\r\n", "\n", ""]))
@settings(max_examples=150, deadline=None)
def test_random_line_mobile_lines_read_the_same_on_the_fast_path(lines, final):
    """Random lines after a header: times that go back, quotes that open and close anywhere,
    day lines, look-alikes; the last line ends in ``final``."""
    texts = [LINE_HEAD] + [piece.format(t=t) + end for piece, t, end in lines]
    texts[-1] = texts[-1].rstrip("\r\n") + final
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "[LINE] 佐藤とのトーク.txt"
        path.write_bytes("".join(texts).encode("utf-8"))
        _assert_same(path)


# -- LINE desktop ("Save chat"): learned names, unsend notices, blank lines, no quotes -------
def _line_desktop_lines(fill: int) -> list[tuple[str, str]]:
    """(text, end) pairs: ``fill`` ordinary records (past the learning window when 2000+),
    then names with spaces, a name that starts another, a name learned too long, texts ending
    like a notice, glued and spaced notices, blank lines inside and after messages, day lines
    (earlier, later, wrong weekday), time going back, impossible clocks, digits starting
    continuations, a speaker not learned."""
    out = [("\ufeff2024.01.05 Friday", "\r\n")]
    names = ["Alice Kim", "Bob", "Bob Lee", "Carol says", "佐藤"]
    for i in range(fill):
        out.append((f"{9 + i // 600:02d}:{i // 10 % 60:02d} {names[i % 5]} {i}", "\r\n"))
    out += [(text, "\r\n") for text in [
        "20:00 Alice Kim hi", "20:00 Alice Kimchi is a name", "20:01 Bob Lee yes", "20:01 Bob ok",
        "20:02 Carol hi", "20:02 Carol says hi", "20:03 佐藤 これでいいです。", "20:03 Bob fine.",
        "20:03 Bob 알겠습니다", "20:03 Bob I'm done, message unsent a message", "second line",
        "20:04 Bob unsent a message", "20:04 Bobがメッセージの送信を取り消しました", "after notice",
        "20:04 Message unsent.", "20:04 メッセージの送信を取り消しました",
        "20:05 佐藤 ", "20:05 佐藤", "", "20:06 佐藤 空行の後", "", "", "continues after blanks",
        "20:07 Dave 新しい人", "20:07 佐藤  二つの空白", "19:00 佐藤 時間が戻る", "12 is a number",
        "2024.01.04 Thursday", "2024.01.06 Friday", "24:00 佐藤 無効", "20:60 佐藤 無効",
        "２０:０８ 佐藤 全角", "20:08 Alice Kim\tタブ", "", "2024.01.06 Saturday",
        "00:00 Bob midnight", "00:00 佐藤 Photos", "00:01 Alice Kim https://example.com/x",
    ]]
    return out + [("00:02 Bob last", "\r\n"), ("", "\r\n")]


@pytest.mark.parametrize("fill", [30, 2100])
@pytest.mark.parametrize("ends", ["\r\n", "\n", "mixed"])
@pytest.mark.parametrize("final", ["\r\n", "", "blank"])
def test_tricky_line_desktop_lines_read_the_same_on_the_fast_path(tmp_path, fill, ends, final):
    lines = _line_desktop_lines(fill)
    if final != "blank":
        lines = lines[:-1]
    if ends != "mixed":
        lines = [(text, ends) for text, _ in lines]
    else:  # bare CR and LF inside a CRLF file
        lines = [(text, ("\r\n", "\n", "\r\n", "\r")[i % 4]) for i, (text, _) in enumerate(lines)]
    text = "".join(t + e for t, e in lines)
    if final == "":
        text = text.rstrip("\r\n")
    path = tmp_path / "[LINE] Chat with Bob.txt"
    path.write_bytes(text.encode("utf-8"))
    (parsed,) = parse_sources(path)
    assert (parsed.sniff.parser, parsed.sniff.variant) == ("line-desktop", "L3")
    _assert_same(path, sizes=(*BLOCK_SIZES, 5000))


DESKTOP_PIECES = [  # texts of random LINE desktop lines; {t} is a clock
    "{t} Alice Kim hi", "{t} Alice hi", "{t} Bob ok", "{t} Bob", "{t} 佐藤 です。", "{t} Dave new",
    "{t} Bob unsent a message", "{t} 佐藤がメッセージの送信を取り消しました", "{t}  two spaces",
    "{t} Message unsent.",
    "continued", "", "1 digit first", "2024.01.04 Thursday", "2024.01.06 Saturday",
    "2024.01.07 Sunday", "2024.01.08 Friday",
]
DESKTOP_HEAD = "2024.01.05 Friday\r\n" + "".join(
    f"08:{i:02d} {name} {i}\r\n" for i, name in enumerate(["Alice Kim", "Bob", "佐藤"] * 4))


@given(st.lists(st.tuples(st.sampled_from(DESKTOP_PIECES), st.sampled_from(LINE_CLOCKS),
                          st.sampled_from(["\r\n", "\r\n", "\n", "\r"])), max_size=40),
       st.sampled_from(["\r\n", ""]))
@settings(max_examples=300, deadline=None)
def test_random_line_desktop_lines_read_the_same_on_the_fast_path(lines, final):
    """Random lines after a head that teaches the names; the last line ends in ``final``."""
    texts = [DESKTOP_HEAD] + [piece.format(t=t) + end for piece, t, end in lines]
    texts[-1] = texts[-1].rstrip("\r\n") + final
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "[LINE] Chat with Bob.txt"
        path.write_bytes("".join(texts).encode("utf-8"))
        _assert_same(path)
