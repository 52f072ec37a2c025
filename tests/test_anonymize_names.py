"""Speaker names and their chat forms, third-party names with consistent ``<NAME_k>``, and
words that only look like names (surnames as words, given names as words)."""

from __future__ import annotations

import pytest
from kiwipiepy import Kiwi

from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
from kakao2dataset.anonymize.names import name_key, speaker_variants

SPEAKERS = {"김민지": "<PERSONA>", "이준호 (회사)": "<USER>"}


@pytest.fixture(scope="module")
def kiwi() -> Kiwi:
    return Kiwi()


@pytest.fixture
def anon(kiwi: Kiwi) -> Anonymizer:
    return Anonymizer(
        AnonymizerConfig(), speakers=SPEAKERS, nicknames={"김민지": ["밍지"]}, kiwi=kiwi
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("민지야 뭐해", "<PERSONA>야 뭐해"),
        ("민지가 그랬어", "<PERSONA>가 그랬어"),
        ("민지씨 안녕하세요", "<PERSONA>씨 안녕하세요"),
        ("민지님 확인 부탁드려요", "<PERSONA>님 확인 부탁드려요"),
        ("김민지 왔어?", "<PERSONA> 왔어?"),
        ("밍지 어디야", "<PERSONA> 어디야"),
        ("준호야 밥 먹자", "<USER>야 밥 먹자"),
        ("이준호 씨 전화 왔어요", "<USER> 씨 전화 왔어요"),
        ("준호랑 민지랑 셋이서", "<USER>랑 <PERSONA>랑 셋이서"),
    ],
)
def test_speaker_forms(anon: Anonymizer, text: str, expected: str) -> None:
    assert anon.anonymize_text(text) == expected


def test_speaker_variants_drop_brackets_and_surname() -> None:
    assert speaker_variants("이준호 (회사)") == ["이준호", "준호"]
    assert "Minji" in speaker_variants("Minji Kim") and "Kim" not in speaker_variants("Minji Kim")
    assert name_key("남궁민수") == "민수" and name_key("김민지") == "민지"


def test_english_speaker_name_case_insensitive(kiwi: Kiwi) -> None:
    anon = Anonymizer(speakers={"Minji Kim": "<PERSONA>"}, kiwi=kiwi)
    assert anon.anonymize_text("minji said ok, MINJI!") == "<PERSONA> said ok, <PERSONA>!"


def test_third_party_names_numbered_by_first_appearance(anon: Anonymizer) -> None:
    assert anon.anonymize_text("혜인이가 그러던데 내일 온대") == "<NAME_1>이가 그러던데 내일 온대"
    assert anon.anonymize_text("하윤이랑 밥 먹었어") == "<NAME_2>이랑 밥 먹었어"
    # same person, different forms and messages → same placeholder
    assert anon.anonymize_text("혜인이 번호 알아?") == "<NAME_1>이 번호 알아?"
    assert anon.anonymize_text("김철수 씨가 왔어") == "<NAME_3> 씨가 왔어"
    assert anon.anonymize_text("철수야 뭐해") == "<NAME_3>야 뭐해"
    assert anon.counts["NAME"] == 5


def test_mentions(anon: Anonymizer) -> None:
    assert anon.anonymize_text("@지수 확인해 @준호") == "@<NAME_1> 확인해 @<USER>"
    assert anon.anonymize_text("@minji_88 봐봐") == "@<NAME_2> 봐봐"


def test_bare_unknown_given_name(anon: Anonymizer) -> None:
    assert anon.anonymize_text("우리 팀 은우 알지?") == "우리 팀 <NAME_1> 알지?"


def test_full_name_kiwi_cuts_is_replaced_whole(anon: Anonymizer) -> None:
    assert anon.anonymize_text("어제 유하윤이랑 밥 먹었어") == "어제 <NAME_1>이랑 밥 먹었어"
    assert anon.anonymize_text("우리 팀 유건우 알지?") == "우리 팀 <NAME_2> 알지?"
    assert anon.anonymize_text("하윤이 왔어") == "<NAME_1>이 왔어"  # same person, given name only
    assert anon.anonymize_text("김승훈이한테 물어봐") == "<NAME_3>이한테 물어봐"  # 김/승/후/ㄴ
    assert anon.anonymize_text("선우가 그랬어") == "<NAME_4>가 그랬어"  # not 선 + 우가


def test_surname_with_title(anon: Anonymizer) -> None:
    assert anon.anonymize_text("이 대리님이 오늘 안 오셨어") == "<NAME_1> 대리님이 오늘 안 오셨어"
    assert anon.anonymize_text("김대리 어디 갔어") == "<NAME_2>대리 어디 갔어"
    assert (
        anon.anonymize_text("대리 진급했어") == "대리 진급했어"
    )  # the title is not learned as a name


def test_foreign_names(anon: Anonymizer) -> None:
    assert anon.anonymize_text("Emily said hi") == "<NAME_1> said hi"
    assert anon.anonymize_text("田中さんに聞いて") == "<NAME_2>さんに聞いて"


@pytest.mark.parametrize(
    "text",
    [
        "김이 눅눅해",
        "박 터졌다",
        "이 사람 누구야",
        "정 들었어",
        "강 건너 불구경",
        "하늘이 맑다",
        "보람 있는 하루",
        "슬기롭게 해결했어",
        "서울역에서 보자",
        "카톡 확인해",
        "오늘 진짜 재밌었다 ㅋㅋㅋ",
        "엄마가 밥 먹으래",
        "친구야 고마워",
        "주차장 자리 있어?",  # 주 + 차장 is not a surname + title
        "충전기 좀 빌려줘",  # a 3-syllable proper noun without a surname is not a Korean name
        "마라탕 먹자",  # syllables no given name uses
        "찐친이랑 놀았어",  # slang kiwipiepy does not know
        "강남구 거주",  # a district, not 강 + 남구
        "이메일은 @gmail.com 으로",  # not a mention
    ],
)
def test_name_like_words_stay(anon: Anonymizer, text: str) -> None:
    assert anon.anonymize_text(text) == text


def test_allow_list_keeps_a_word_and_deny_list_removes_one(kiwi: Kiwi) -> None:
    config = AnonymizerConfig(allow=["초코"], deny=["행복회사"])
    anon = Anonymizer(config, kiwi=kiwi)
    assert anon.anonymize_text("초코 산책 시켰어") == "초코 산책 시켰어"
    assert anon.anonymize_text("행복회사 다녀") == "<REDACTED> 다녀"
    assert anon.counts["DENY"] == 1 and "초코" not in str(anon.stats())


def test_name_detection_off_keeps_third_parties(kiwi: Kiwi) -> None:
    anon = Anonymizer(AnonymizerConfig(name_detection=False), speakers=SPEAKERS, kiwi=kiwi)
    assert anon.anonymize_text("민지야 혜인이가 왔어") == "<PERSONA>야 혜인이가 왔어"
