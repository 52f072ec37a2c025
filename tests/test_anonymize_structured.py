"""Structured PII: each type with positives (exact expected output) and near-miss negatives
that must come out byte-identical. All values are synthetic (checksums computed for the test)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
from kakao2dataset.model import Message, MessageKind


@pytest.fixture(scope="module")
def anon() -> Anonymizer:
    # Structured rules only: name detection is covered in test_anonymize_names.py.
    return Anonymizer(AnonymizerConfig(name_detection=False))


POSITIVES = [
    # phones: every separator, glued particles, +82, landline, VoIP, 050X, UAN
    ("내 번호 010-1234-5678", "내 번호 <PHONE>"),
    ("01012345678로 연락해", "<PHONE>로 연락해"),
    ("010 1234 5678", "<PHONE>"),
    ("010.1234.5678", "<PHONE>"),
    ("번호는01012345678이야", "번호는<PHONE>이야"),
    ("+82 10-1234-5678", "<PHONE>"),
    ("+821012345678 로 해", "<PHONE> 로 해"),
    ("0082-10-1234-5678", "<PHONE>"),
    ("사무실 02-123-4567", "사무실 <PHONE>"),
    ("031-987-6543 으로", "<PHONE> 으로"),
    ("070-1234-5678", "<PHONE>"),
    ("0505-123-4567", "<PHONE>"),
    ("고객센터 1588-1234", "고객센터 <PHONE>"),
    ("일본 번호 090-1234-5678", "일본 번호 <PHONE>"),
    # digits in disguise
    ("０１０－１２３４－５６７８", "<PHONE>"),
    ("0 1 0 1 2 3 4 5 6 7 8", "<PHONE>"),
    ("010\u200b1234\u200b5678", "<PHONE>"),
    ("⓪①⓪-①②③④-⑤⑥⑦⑧", "<PHONE>"),
    ("𝟎𝟏𝟎-𝟏𝟐𝟑𝟒-𝟓𝟔𝟕𝟖", "<PHONE>"),
    ("공일공 일이삼사 오육칠팔이야", "<PHONE>이야"),
    ("영일영-1234-5678", "<PHONE>"),
    ("010-일이삼사-5678", "<PHONE>"),
    # resident / foreign registration numbers (checksum-valid and post-2020 random)
    ("주민번호 900101-1234568", "주민번호 <RRN>"),
    ("주민번호는9001011234568이야", "주민번호는<RRN>이야"),
    ("900101 - 1234568", "<RRN>"),
    ("210315-3918274", "<RRN>"),
    ("외국인등록번호 850505-5123456", "외국인등록번호 <RRN>"),
    # cards
    ("카드4111111111111111이야", "카드<CARD>이야"),
    ("4111 1111 1111 1111", "<CARD>"),
    ("5555-5555-5555-4444 결제", "<CARD> 결제"),
    ("아멕스 3782 822463 10005", "아멕스 <CARD>"),
    ("영수증에 1234-56**-****-7890", "영수증에 <CARD>"),
    # accounts, business numbers, passport, licence
    ("카뱅 3333-01-1234567 로 보내", "카뱅 <ACCOUNT> 로 보내"),
    ("국민 123456-01-234567", "국민 <ACCOUNT>"),
    ("신한 110234567890 입금해줘", "신한 <ACCOUNT> 입금해줘"),
    ("사업자 116-82-00276", "사업자 <BRN>"),
    ("사업자번호 1348672683 맞아?", "사업자번호 <BRN> 맞아?"),
    ("여권 M123A4567", "여권 <PASSPORT>"),
    ("여권번호 M12345678", "여권번호 <PASSPORT>"),
    ("면허 11-19-123456-12", "면허 <LICENSE>"),
    # email, url, ip
    ("minji@naver.com으로 보내", "<EMAIL>으로 보내"),
    ("메일은min.ji_88@gmail.com", "메일은<EMAIL>"),
    ("minji 골뱅이 naver 닷컴", "<EMAIL>"),
    ("https://qr.kakaopay.com/Ej8aBc12?tok=x9 보내줘", "<URL> 보내줘"),
    ("open.kakao.com/o/gAbC1234 들어와", "<URL> 들어와"),
    ("toss.me/minji로 보내", "<URL>로 보내"),
    ("서버 192.168.10.21 접속", "서버 <IP> 접속"),
    ("fe80::1ff:fe23:4567:890a", "<IP>"),
    # addresses and plates
    ("서울 강남구 테헤란로 123", "<ADDRESS>"),
    ("언양읍 동부리 388-2 로 와", "<ADDRESS> 로 와"),
    ("행복아파트 101동 1203호", "<ADDRESS>"),
    ("솔밭1길 12 앞이야", "<ADDRESS> 앞이야"),
    ("차 번호 12가 3456", "차 번호 <PLATE>"),
    ("123가4567 빼주세요", "<PLATE> 빼주세요"),
    ("서울 12가 3456", "<PLATE>"),
    # masked numbers still leak a birth date / most digits; keycap marks go with their digit
    ("990101-1****** 이거", "<RRN> 이거"),
    ("010-****-5678", "<PHONE>"),
    ("0️⃣1️⃣0️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ 이야", "<PHONE> 이야"),
    # secrets after a cue word
    ("현관 비번 #1234*", "현관 비번 <SECRET>"),
    ("와이파이 비번은 minji1234 야", "와이파이 비번은 <SECRET> 야"),
    ("인증번호 482913 알려줘", "인증번호 <SECRET> 알려줘"),
    ("PW: qwer!234", "PW: <SECRET>"),
]

NEGATIVES = [
    "2024-01-05 오후 2:30에 만나",
    "2024.11.24. 14:30",
    "24.11.24",
    "20240105 일자로",
    "10,000원 보내줘",
    "3만원이면 돼",
    "15000원",
    "15880000원 나왔대",
    "1,234,567원",
    "3:2로 이김",
    "1층 3호선 2번 출구",
    "ㅋㅋㅋㅋ ㅎㅎ ㅠㅠ 😂😂",
    "오오오오오오오오",
    "일이삼사오육칠팔구 세어봐",
    "이사 가서 사이좋게 지내",
    "김이 눅눅해",
    "박 터졌다",
    "1.2.3.4 버전",
    "v2.10.1 업데이트",
    "12:34:56",
    "학교로 3시까지 와",
    "집으로 123번 버스 타",
    "로또 1 5 12 23 34 45",
    "주문번호 1234567890123456",  # 16 digits failing Luhn after an order cue: an order number
    "25도 1234원",
    "역삼동 살아",
    "google.com 들어가봐",
    "비번 뭐였지?",
    "비밀번호 바꿨어 ㅠㅠ",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_positive(anon: Anonymizer, text: str, expected: str) -> None:
    assert anon.anonymize_text(text) == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_near_miss_stays(anon: Anonymizer, text: str) -> None:
    assert anon.anonymize_text(text) == text


def test_card_needs_luhn_when_ungrouped(anon: Anonymizer) -> None:
    # 4111111111111112 fails Luhn: not labelled CARD; the leak guard still hides the digits.
    out = anon.anonymize_text("번호 4111111111111112")
    assert "<CARD>" not in out and "4111111111111112" not in out


def test_rrn_needs_a_real_date(anon: Anonymizer) -> None:
    out = anon.anonymize_text("991332-1234567")  # month 13 → not an RRN, guard replaces digits
    assert "<RRN>" not in out and "1234567" not in out


def test_dates_times_and_money_next_to_each_other_stay(anon: Anonymizer) -> None:
    """Seeded mix of dates, times, ranges and money glued together: nothing may change."""
    import random

    rng = random.Random(7)
    for _ in range(400):
        y, mo, d = rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice(
            [
                f"{y}-{mo:02d}-{d:02d}",
                f"{y}.{mo:02d}.{d:02d}.",
                f"{y % 100}.{mo:02d}.{d:02d}",
                f"{y}{mo:02d}{d:02d}",
            ]
        )
        time = rng.choice(
            [f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", f"오후 {rng.randint(1, 11)}:30"]
        )
        money = rng.choice(
            [
                f"{rng.randint(1, 99)},000원",
                f"{rng.randint(1, 9)},{rng.randint(100, 999)},{rng.randint(100, 999)}원",
                f"{rng.randint(100, 999)}달러",
            ]
        )
        text = rng.choice(
            [
                f"{date} {time} 만나",
                f"{date} {money} 결제",
                f"{date}-{date}",
                f"{date} ~ {date}",
                f"{date} {date}",
            ]
        )
        assert anon.anonymize_text(text) == text


# ---------------------------------------------------------------- issue #9, class 9 and 10
# Each case a positive with its near misses; every value is made up.
ISSUE9_POSITIVES = [
    # a phone read out in Hangul numerals with 에 between the groups
    ("공일공에 일이삼사에 오육칠팔", "<PHONE>"),
    ("내 번호 공일공에 일이삼사에 오육칠팔이야", "내 번호 <PHONE>이야"),
    # the 이 of 이야 after ASCII digits is the particle, not a 2 (10-digit numbers too)
    ("01012345678이야", "<PHONE>이야"),
    ("0212345678이야", "<PHONE>이야"),
    ("번호 0311234567이고", "번호 <PHONE>이고"),
    # half a resident number, sent alone after a cue
    ("앞자리 900101", "앞자리 <RRN>"),
    ("주민번호 앞자리는 851231이야", "주민번호 앞자리는 <RRN>이야"),
    ("뒷자리 1234568", "뒷자리 <RRN>"),
    # a passport typed with spaces
    ("여권번호 M 1234 5678", "여권번호 <PASSPORT>"),
    ("M 123A 4567 이거야", "<PASSPORT> 이거야"),
    # a car plate glued into a line without spaces
    ("12가3456차세워놨어", "<PLATE>차세워놨어"),
    ("집앞에12가3456차세워놨어", "집앞에<PLATE>차세워놨어"),
    ("주차장에123가4567있어", "주차장에<PLATE>있어"),
    # a resident number in every spacing: dash with spaces, the phone keyboard's ㅡ for a dash,
    # the back half split after its gender digit
    ("900101 - 1234568", "<RRN>"),
    ("주민번호 900101  -  1234568 이야", "주민번호 <RRN> 이야"),
    ("900101ㅡ1234568", "<RRN>"),
    ("900101 1 234568", "<RRN>"),
    ("900101-1 234568", "<RRN>"),
    # the front half after 생년월일, six digits or eight
    ("생년월일 900101", "생년월일 <RRN>"),
    ("생년월일은 19900101이야", "생년월일은 <RRN>이야"),
    # addresses: 시/도 and two district levels, typed spaced or glued; 번지 after a road number
    ("경기도 성남시 분당구 판교역로 235", "<ADDRESS>"),
    ("경기도성남시분당구판교역로235로 와", "<ADDRESS>로 와"),
    ("서울강남구테헤란로123", "<ADDRESS>"),
    ("중앙로 12길 34", "<ADDRESS>"),
    ("경기도 성남시 정자동 178-1", "<ADDRESS>"),
    ("부산 해운대구 우동 1408번지", "<ADDRESS>"),
    ("우동 14-8번지야", "<ADDRESS>야"),
    # a building with its 동·호, the name spaced from 아파트 or a 단지 number; 동·호 typed short
    ("래미안 아파트 101동 1203호", "<ADDRESS>"),
    ("한빛마을3단지 302동 1203호", "<ADDRESS>"),
    ("우리 집은 101-1203호", "우리 집은 <ADDRESS>"),
    # more keyboards' dashes between the halves, and wider spacing
    ("900101 _ 1234568", "<RRN>"),
    ("900101   -   1234568", "<RRN>"),
    ("900101.1234568", "<RRN>"),
    # a city with its own 구 named without 시; the bracketed 동 and the home's 동·호 after a road
    ("성남 분당구 판교역로 235", "<ADDRESS>"),
    ("수원영통구광교중앙로145", "<ADDRESS>"),
    ("서울 영등포구 여의대로 24 (여의도동)", "<ADDRESS>"),
    ("우리집 서울 마포구 양화로 45 302호야", "우리집 <ADDRESS>야"),
    ("우동 14-8번지 302호", "<ADDRESS>"),
    ("B동 1201호", "<ADDRESS>"),
    ("종로 3 5호선", "<ADDRESS> 5호선"),  # the subway line after a road stays
    # a road and its 동·호 are one address (neither half left beside the other)
    ("서울 노원구 공릉로 232, 101동 1203호", "<ADDRESS>"),
    ("강남구 역삼동 101동 1203호", "강남구 역삼동 <ADDRESS>"),
    ("역삼동 101-1203호", "역삼동 <ADDRESS>"),
    ("래미안 101동 1203호", "<ADDRESS>"),  # a brand alone names the building
    ("경상북도 포항시 남구 대잠동 산 12", "<ADDRESS>"),  # a mountain lot after two districts
]
ISSUE9_NEGATIVES = [
    "일이삼사에 오육칠팔",  # no leading 0: counting, not a phone
    "공부에 일이 많아",
    "이사에 오일 걸려",
    "앞자리 123456",  # not a birth date (month 34)
    "생일 900101",  # a date with no resident-number cue
    "앞자리 901",
    "M 1234개",
    "M사이즈 2개",
    "1234가5678",  # four digits before the letter: no plate
    "12가 3456원",  # money
    "생년월일 적는 칸 3개",
    "뒷자리 2번 틀림",
    "앞자리 2024",
    "2호선 타고 3번 출구",
    "101동 앞에서 보자",  # a 동 alone is a building, not a home
    "1203호 강의실",
    "10-15호 사이즈",
    "24-25시즌 3호",
    "서울가는길 2시",
    "8호차 타",
    "2호선 타고 3번 출구에서 5호차",
    "서울로 3시에 와",
    "2024-11-24  -  2024-11-30",  # a date range stays however it is spaced
    "AB동 12호",  # no single-letter 동
    # versions and model numbers (class 10)
    "크롬 131.0.6778.86 으로 업데이트해",
    "윈도우 10.0.19045.3693",
    "버전 2.3.11.4567",
    "펌웨어 4.2.1.1234",  # firmware, build and OS versions, the cue with a particle or colon
    "크롬 버전은 131.0.6778.86",
    "빌드: 22631.2861",
    "윈도우 10.0.19045",
    "아이폰15 프로2 샀어",
    "프로2 나왔대",
    "갤럭시 s24 울트라",
    # order, receipt and tracking numbers after the word that says what they are
    "접수번호 2024-118732",
    "접수 번호 2024-118732 로 조회돼",
    "주문번호 202411250001",
    "운송장 123-456-7890 이래",
    "운송장번호 6892 1234 5678",
    "예매번호 7391028 확인",
]


@pytest.mark.parametrize(("text", "expected"), ISSUE9_POSITIVES)
def test_issue9_positive(anon: Anonymizer, text: str, expected: str) -> None:
    assert anon.anonymize_text(text) == expected


@pytest.mark.parametrize("text", ISSUE9_NEGATIVES)
def test_issue9_near_miss_stays(anon: Anonymizer, text: str) -> None:
    assert anon.anonymize_text(text) == text


@pytest.mark.parametrize(
    ("text", "not_this"),
    [
        ("생년월일 19901301", "<RRN>"),  # month 13: no birth date
        ("123456 - 1234568", "<RRN>"),  # no date in front
        ("2024-2025호 잡지", "<ADDRESS>"),  # a year range, no 동·호
    ],
)
def test_near_misses_the_guard_still_masks_are_not_read_as_that_type(
    anon: Anonymizer, text: str, not_this: str
) -> None:
    # Long digit runs with no cue fail closed to <NUMBER>; what matters here is the type.
    out = anon.anonymize_text(text)
    assert not_this not in out and "<NUMBER>" in out, out


@pytest.mark.parametrize(
    "text",
    [
        "2024118732",  # a bare run of 7+ digits with no cue: the guard still fails closed
        "코드 1187324 확인",
        "이거 4111.1111.1111.1111",  # a card typed with dots is no version
        "123.456.789.0",
        "010.1234.5678",
        "앱 버전 말고 내 번호 1234.5678.123",  # the cue is too far off
        "버전 1234567",  # no dotted groups: no version
        # no RRN (April has no 31st), but 6 + 7 digits across a dash typed with odd spacing are
        # one number to the guard, so neither half survives
        "920431   -   1234567",
        "920431 -1234567",
    ],
)
def test_the_guard_still_catches_bare_digit_runs(anon: Anonymizer, text: str) -> None:
    out = anon.anonymize_text(text)
    assert out != text and not re.search(r"[0-9]{4}", out.replace(".", "")), out


def _stream(anon: Anonymizer, *texts: str) -> list[str]:
    t = datetime(2024, 1, 5, 14, 0)
    msgs = [
        Message(t, "a", s, MessageKind.TEXT, "chat.txt", i + 1, i + 1) for i, s in enumerate(texts)
    ]
    return [m.text for m in anon.anonymize_messages(msgs)]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("내 번호 010", "1234 5678이야"), ["내 번호 <PHONE>", "<PHONE>이야"]),
        (("010-1234", "5678"), ["<PHONE>", "<PHONE>"]),
        (("번호는 010-1234-", "5678"), ["번호는 <PHONE>", "<PHONE>"]),
        # read out in Hangul numerals, each part too short to decode alone
        (("공일공", "일이삼사 오육칠팔"), ["<PHONE>", "<PHONE>"]),
        (("내 번호 공일공", "일이삼사 오육칠팔이야"), ["내 번호 <PHONE>", "<PHONE>이야"]),
        (("공일공 일이삼사", "오육칠팔"), ["<PHONE>", "<PHONE>"]),
    ],
)
def test_a_phone_split_over_two_messages(anon: Anonymizer, texts, expected) -> None:
    assert _stream(anon, *texts) == expected


@pytest.mark.parametrize(
    "texts",
    [
        ("3시에 보자 10", "20분쯤"),
        ("방 번호 1203", "1층 로비"),
        ("오늘 2024", "11월 정산"),
        ("공일공", "일이 많아"),
        ("오늘 공사", "일이삼사 오육칠팔"),  # 공사 is a word, not the start of a number
        ("영일이", "삼사오 먹자"),
        ("공일공", "일이삼사오육칠팔구 세어봐"),
    ],
)
def test_numbers_in_two_messages_that_are_no_phone_stay(anon: Anonymizer, texts) -> None:
    assert _stream(anon, *texts) == list(texts)
