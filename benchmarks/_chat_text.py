"""Varied synthetic chat text for the parse benchmark.

The conversation generator of :mod:`kakao2dataset.synthetic` draws every text message from ~40
fixed phrases: right for round-trip tests, wrong for a throughput figure (the anonymizer's
repeat cache answers almost every message and the morphological analyzer sees ~70 words).
:func:`vary` rewrites the text messages of a generated chunk with seeded, composed Korean /
English chat: a realistic length spread (mostly short, a long tail), a fifth of messages from
a small set of very common replies (ㅋㅋ, 응, ㅇㅋ — real chats repeat those), third-party
names with particles, numbers, times, money, and now and then a phone number, e-mail or URL.
Every name, number and address here is made up (example.com / example.org, 010-0xxx numbers).

>>> import random
>>> from datetime import datetime
>>> from kakao2dataset.synthetic.conversation import SyntheticMessage
>>> msgs = [SyntheticMessage(datetime(2024, 1, 1), "A", "밥 먹었어?") for _ in range(200)]
>>> out = vary(msgs, random.Random(1))
>>> len({m.text for m in out}) > 120, all("\\n" not in m.text for m in out)
(True, True)
"""

from __future__ import annotations

import random

from kakao2dataset.model import MessageKind

KEEP_ORIGINAL = 0.12  # the generator's tricky phrases (quotes, tabs, look-alike lines) stay in
COMMON = 0.22  # share of messages that are one of the very common short replies


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


COMMON_REPLIES = _words(
    "ㅋㅋ ㅋㅋㅋ ㅋㅋㅋㅋ ㅋㅋㅋㅋㅋㅋ ㅎㅎ ㅎㅎㅎ 응 웅 ㅇㅇ ㅇㅋ ㅇㅋㅇㅋ 헐 헐랭 대박 ㄹㅇ 아하 아 오 오키 "
    "넹 네 넵 ㅠㅠ ㅜㅜ 굿 좋아 알겠어 알았어 그래 고마워 ㄱㄱ 뭐야 왜 ㄴㄴ 아니 진짜? 그치 맞아 ok lol"
)

NOUNS = _words(
    "밥 점심 저녁 아침 커피 라면 치킨 피자 떡볶이 삼겹살 맥주 소주 회사 학교 집 방 카페 식당 "
    "영화 드라마 노래 게임 숙제 과제 시험 발표 회의 보고서 메일 전화 문자 사진 영상 책 옷 신발 "
    "가방 우산 지갑 폰 노트북 버스 지하철 택시 기차 비행기 주말 휴가 여행 바다 산 공원 날씨 비 "
    "눈 바람 감기 병원 약 운동 헬스 요가 산책 청소 빨래 설거지 장보기 마트 편의점 택배 선물 생일 "
    "약속 시간 내일 모레 어제 오늘 이번주 다음주 지난주 아까 이따 나중 처음 마지막 생각 기분 얘기 "
    "문제 계획 일정 예약 자리 줄 표 가격 할인 세일 배달 주문 메뉴 디저트 케이크 빵 과일 고양이 "
    "강아지 친구 동생 엄마 아빠 선배 후배 팀장님 교수님 사장님 이웃 동네 근처 역 출구 건물 층 "
    "엘리베이터 주차 차 기름 충전 배터리 와이파이 비번 앱 업데이트 사이트 링크 유튜브 인스타 카톡"
)
PARTICLES = _words("이 가 은 는 을 를 도 만 에 에서 으로 로 랑 하고 보다 까지 부터 이랑 도요 은요")
VERB_STEMS = _words(
    "먹 가 오 보 하 자 놀 사 타 찍 읽 듣 쓰 만나 기다리 끝나 시작하 준비하 연락하 도착하 출발하 "
    "일어나 씻 입 벗 고르 바꾸 고치 찾 잃어버리 챙기 보내 받 주 알 모르 좋 싫 괜찮 피곤하 배고프 "
    "졸리 아프 바쁘 심심하 재밌 웃기 귀엽 예쁘 맛있 비싸 싸 멀 가깝 늦 빠르 덥 춥"
)
ENDINGS = _words(  # some endings hold a space
    "어|았어|었어|을까|자|고|는데|니|냐|지|지?|네|던데|ㄹ게|려고|면|서|잖아|야지|겠다|을래?|어?|"
    "어요|었어요|습니다|네요|는 중|기 싫어|고 싶다|고 싶어|다|어ㅋㅋ|아ㅠㅠ",
    "|",
)
ADVERBS = _words(
    "진짜 완전 너무 좀 약간 그냥 막 되게 엄청 많이 조금 벌써 아직 다시 같이 혼자 빨리 천천히 "
    "일단 근데 그래서 그리고 아니면 혹시 제발 이제 방금 요즘 계속 자꾸 갑자기 결국 역시 오히려"
)
EXCLAIM = _words("헐 와 오 아 어 음 흠 앗 에휴 아이고 오호 와우 헉")
ENGLISH = _words(
    "ok okay sure yeah nope maybe later tonight tomorrow meeting lunch dinner coffee movie game "
    "project deadline report email call text photo video link check send done sorry thanks "
    "great cool nice awesome busy tired hungry home office school weekend trip plan idea question "
    "answer problem update schedule ticket price sale order delivery traffic weather rain cold hot"
)
# Made-up third parties: the given names the anonymizer must catch (with particles and titles).
GIVEN = _words(
    "서연 지호 하준 수아 도윤 예린 시우 지안 은우 하린 건우 채원 유진 현우 소율 민재 다은 준서 "
    "윤서 태윤 가은 승민 지유 재원 나연 동현 수빈 정우 세아 한결"
)
FAMILY = _words("박 최 정 강 조 윤 장 한 오 서 신 권 송 홍")
NAME_TAILS = _words(
    "가 는 랑 이랑 한테 이한테 야 아 이가 이는 씨 님 선배 형 언니 누나 쌤 대리님 과장님"
)
EMOJI = _words("😂 👍 🙏 😭 ❤️ 🔥 😅 🥲 ✨ 🎉")
TLDS = ("example.com", "example.org", "example.net")


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN)
    if rng.random() < 0.25:
        return rng.choice(FAMILY) + given + rng.choice(("", "", "이", "씨", "님"))
    tail = rng.choice(NAME_TAILS)
    if tail.startswith("이") and not _final(given):
        tail = tail[1:] or "가"
    return given + tail


def _final(word: str) -> bool:
    last = ord(word[-1]) - 0xAC00
    return 0 <= last < 11172 and last % 28 != 0


def _number(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return f"{rng.randint(1, 12)}시" + rng.choice(("", f" {rng.randint(0, 5)}0분", "쯤", "에"))
    if roll < 0.6:
        return f"{rng.randint(1, 99)}{rng.choice(('만원', '천원', '원', '개', '명', '번', '일', '층'))}"
    if roll < 0.75:
        return f"{rng.randint(1, 12)}월 {rng.randint(1, 28)}일"
    if roll < 0.85:
        return f"{rng.randint(1, 9)},{rng.randint(0, 999):03d}원"
    if roll < 0.93:
        return f"010-0{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    return f"{rng.randint(100, 999)}동 {rng.randint(101, 1504)}호"


def _web(rng: random.Random) -> str:
    word = rng.choice(ENGLISH)
    if rng.random() < 0.6:
        return f"https://{rng.choice(('www.', 'm.', ''))}{rng.choice(TLDS)}/{word}/{rng.randint(1, 99999)}"
    return f"{word}{rng.randint(1, 999)}@{rng.choice(TLDS)}"


def _word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.34:
        noun = rng.choice(NOUNS)
        return noun + (rng.choice(PARTICLES) if rng.random() < 0.6 else "")
    if roll < 0.58:
        return rng.choice(VERB_STEMS) + rng.choice(ENDINGS)
    if roll < 0.72:
        return rng.choice(ADVERBS)
    if roll < 0.76:
        return rng.choice(EXCLAIM)
    if roll < 0.82:
        return _name(rng)
    if roll < 0.88:
        return _number(rng)
    if roll < 0.885:
        return _web(rng)
    return rng.choice(ENGLISH)


def compose(rng: random.Random) -> str:
    """One message: 1–3 words usually, up to ~40 now and then (a heavy tail like real chat)."""
    if rng.random() < COMMON:
        return rng.choice(COMMON_REPLIES)
    n = min(1 + int(rng.expovariate(1 / 3.5)), 40)
    if rng.random() < 0.15:  # an English-leaning message
        words = [rng.choice(ENGLISH) for _ in range(n)]
    else:
        words = [_word(rng) for _ in range(n)]
    text = " ".join(words)
    roll = rng.random()
    if roll < 0.12:
        text += rng.choice(("ㅋㅋ", "ㅋㅋㅋ", "ㅎㅎ", "ㅠㅠ", "~", "!!", "?", "..."))
    elif roll < 0.18:
        text += " " + rng.choice(EMOJI)
    return text


def vary(messages, rng: random.Random) -> list:
    """The messages with composed texts (text kind, one-line originals; the rest untouched)."""
    out = []
    for m in messages:
        if m.kind is MessageKind.TEXT and "\n" not in m.text and rng.random() >= KEEP_ORIGINAL:
            m = type(m)(m.timestamp, m.speaker, compose(rng), m.kind)
        out.append(m)
    return out
