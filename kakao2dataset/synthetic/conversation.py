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
    "이거 복붙한 거야\n2024년 1월 5일 오후 3:04, 김민지 : 가짜 메시지\n[이준호] [오후 3:05] 이것도 가짜",
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
