"""The truth side of the synthetic writer: a seeded 1:1 conversation with tricky content."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kakao2dataset.model import MessageKind

# Made-up names (the research notes' placeholders). Names with brackets / colons / spaces are
# used on purpose: they broke public parsers.
DEFAULT_SPEAKERS = ("이준호", "김민지")

PHRASES = [
    "밥 먹었어?", "응 방금 먹었어ㅋㅋ", "오늘 뭐해?", "그냥 집에 있어", "헐 대박", "ㅋㅋㅋㅋㅋ",
    "내일 시간 돼?", "3시쯤 괜찮아", "어디서 볼까", "강남역 11번 출구", "알겠어~", "ㅇㅋ",
    "오늘 진짜 피곤하다", "고생했어 푹 쉬어", "이거 봤어? 😂", "아니 아직", "10,000원이면 싸다",
    "3만원 정도?", "회의 : 2시", "[공지] 내일 휴무", "좋아 👍", "잘자~", "굿밤 🌙",
    "Okay see you at 7", "lol that's funny", "「了解」です", "ありがとう！",
    "\"따옴표\"로 시작하는 말", "끝이 따옴표인 말\"", "탭\t들어간\t말", "콜론: 이랑 대괄호] 섞기",
]
MULTILINE = [
    "첫 줄\n둘째 줄",
    "장보기 목록\n- 우유\n- 계란\n- 빵",
    # pasted lines quote the past (a date before any generated message): a mobile record of an
    # earlier day that no day line announces is text. A PC line ("[name] [time] text") of a
    # known speaker is a record even when its time goes back (issue #10), so the PC look-alike
    # is quoted ("> "), as a paste into a chat usually is
    "이거 복붙한 거야\n2019년 1월 5일 오후 3:04, 김민지 : 가짜 메시지\n> [이준호] [오전 12:00] 이것도 가짜"
    "\n2019-01-05 00:00:00\t김민지\t탭으로 된 가짜",
    "시간표\n오후 12:30 점심\n오전 12:05 자정 넘어서",
]
PLACEHOLDER_KINDS = [
    MessageKind.PHOTO, MessageKind.EMOTICON, MessageKind.VIDEO, MessageKind.DELETED,
]


@dataclass(frozen=True, slots=True)
class SyntheticMessage:
    timestamp: datetime
    speaker: str
    text: str  # for placeholder kinds, the text is filled in by the renderer's language
    kind: MessageKind = MessageKind.TEXT


@dataclass(frozen=True)
class Conversation:
    """A 1:1 chat. ``speakers[0]`` is the exporting user ("me"), ``speakers[1]`` the other."""

    speakers: tuple[str, str]
    messages: tuple[SyntheticMessage, ...]

    @property
    def me(self) -> str:
        return self.speakers[0]

    @property
    def other(self) -> str:
        return self.speakers[1]

    def with_messages(self, messages) -> Conversation:
        return replace(self, messages=tuple(messages))


def generate_conversation(
    seed: int = 0,
    n_messages: int = 120,
    speakers: tuple[str, str] = DEFAULT_SPEAKERS,
    start: datetime = datetime(2023, 12, 31, 23, 40),
    tricky: bool = True,
) -> Conversation:
    """A seeded conversation crossing midnight, noon and a new year; with ``tricky`` it has
    multi-line messages, look-alike header lines, brackets, colons, tabs, quotes, emoji and
    placeholders (photo, emoticon, ...)."""
    rng = random.Random(seed)
    now, speaker, messages = start, 0, []
    for _ in range(n_messages):
        now += timedelta(minutes=rng.choice([0, 0, 1, 1, 2, 5, 13, 47, 180, 610]))
        if rng.random() < 0.45:
            speaker = 1 - speaker
        messages.append(_message(rng, now, speakers[speaker], tricky))
    return Conversation(speakers=speakers, messages=tuple(messages))


def _message(rng: random.Random, when: datetime, speaker: str, tricky: bool) -> SyntheticMessage:
    roll = rng.random()
    if tricky and roll < 0.08:
        return SyntheticMessage(when, speaker, "", rng.choice(PLACEHOLDER_KINDS))
    if tricky and roll < 0.16:
        return SyntheticMessage(when, speaker, rng.choice(MULTILINE))
    pool = PHRASES if tricky else [p for p in PHRASES if "\t" not in p and '"' not in p]
    return SyntheticMessage(when, speaker, rng.choice(pool))


# A persona with a recognisable voice, for the shipped examples, the demo and training tests.
# Questions the user asks → what the persona answers; ``style`` rewrites every reply.
TOPICS = [
    ("밥 먹었어?", ["응 방금 먹었어", "아직 안 먹었어", "라면 먹었어"]),
    ("뭐해?", ["그냥 누워 있어", "유튜브 보는 중", "과제하는 중"]),
    ("오늘 어땠어?", ["완전 피곤했어", "나름 괜찮았어", "회의만 세 번 했어"]),
    ("주말에 뭐 해?", ["집에서 쉴 거야", "친구 만나러 가", "영화 보러 갈까 해"]),
    ("내일 시간 돼?", ["저녁엔 될 것 같아", "내일은 좀 바빠", "3시 이후엔 괜찮아"]),
    ("날씨 진짜 춥다", ["완전 추워 패딩 입었어", "나 오늘 목도리 했어", "따뜻한 거 마시자"]),
    ("이거 봤어?", ["아니 아직 못 봤어", "봤어 대박이던데", "링크 보내줘"]),
    ("잘 자", ["너도 잘 자", "굿밤", "내일 봐"]),
    ("배고프다", ["치킨 시킬까", "편의점 가자", "나도 배고파"]),
    ("시험 언제야?", ["다음 주 화요일", "이번 주 금요일", "아직 몰라"]),
]
OPENERS = ["{name}야", "{name}아 뭐해", "ㅎㅇ", "야", "{name}야 있잖아"]
SMALL_PII = ["내 번호 바꼈어 010-{a}-{b}", "메일로 보내줘 junho.{a}@example.com",
             "계좌 110-{a}-{b}로 보내면 돼"]


def generate_persona_chat(
    seed: int = 0,
    sessions: int = 40,
    speakers: tuple[str, str] = DEFAULT_SPEAKERS,
    style=lambda text: text + "ㅋㅋ",
    start: datetime = datetime(2024, 3, 1, 20, 0),
) -> Conversation:
    """A chat where ``speakers[0]`` (the exporting user) asks and ``speakers[1]`` (the persona)
    answers in a recognisable ``style``; sessions are a day apart. A few user messages carry
    made-up phone numbers / e-mails / accounts, and call the persona by given name, so the
    anonymizer has something to do."""
    rng = random.Random(seed)
    me, persona = speakers
    given = persona[1:] if len(persona) == 3 else persona
    messages, now = [], start
    for _ in range(sessions):
        now += timedelta(days=1, minutes=rng.randint(-90, 90))
        opener = rng.choice(OPENERS).format(name=given)
        messages.append(SyntheticMessage(now, me, opener))
        for _ in range(rng.randint(3, 7)):
            question, answers = rng.choice(TOPICS)
            now += timedelta(minutes=rng.randint(1, 4))
            messages.append(SyntheticMessage(now, me, question))
            if rng.random() < 0.1:
                pii = rng.choice(SMALL_PII).format(a=rng.randint(1000, 9999), b=rng.randint(1000, 9999))
                messages.append(SyntheticMessage(now, me, pii))
            now += timedelta(minutes=rng.randint(0, 3))
            messages.append(SyntheticMessage(now, persona, style(rng.choice(answers))))
            if rng.random() < 0.15:
                messages.append(SyntheticMessage(now, persona, "", MessageKind.EMOTICON))
    return Conversation(speakers=speakers, messages=tuple(messages))
