"""Kiwi sees the words of many messages in one call, and that changes nothing but the time:
a verdict is a function of the word alone. A full verdict cache never drops a word that the
current text still needs."""

from __future__ import annotations

from datetime import datetime

from kakao2dataset.anonymize import Anonymizer, anonymizer
from kakao2dataset.anonymize.known import NameBook
from kakao2dataset.anonymize.names import NameFinder, shared_kiwi
from kakao2dataset.anonymize.spans import Claims
from kakao2dataset.model import Message, MessageKind

TEXTS = [
    "하윤이랑 밥 먹었어", "서연아 뭐해", "그냥 괜찮아", "김승훈께서 오셨대", "도윤한테 물어봐",
    "ㅋㅋㅋ", "은우가 그러던데", "재윤 알지?", "지원 씨 왔어", "지원금 나왔어", "혜인이네 집",
] * 3  # fmt: skip


class CountingKiwi:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def tokenize(self, words: list[str]):
        self.calls.append(len(words))
        return shared_kiwi().tokenize(words)


def _run(monkeypatch, prefetch: int) -> tuple[list[str], dict, CountingKiwi]:
    monkeypatch.setattr(anonymizer, "PREFETCH", prefetch)
    kiwi = CountingKiwi()
    anon = Anonymizer(speakers={"김민지": "<PERSONA>"}, kiwi=kiwi)
    messages = [
        Message(datetime(2024, 1, 5, 14, i), "김민지", t, MessageKind.TEXT, "c.txt", i, i)
        for i, t in enumerate(TEXTS)
    ]
    return [m.text for m in anon.anonymize_messages(messages)], anon.stats(), kiwi


def test_one_call_for_a_batch_gives_the_same_output(monkeypatch) -> None:
    batched, batched_stats, batched_kiwi = _run(monkeypatch, prefetch=512)
    alone, alone_stats, alone_kiwi = _run(monkeypatch, prefetch=1)
    assert batched == alone and batched_stats == alone_stats
    # One call for the words, one for the names found in them (is each also a word?).
    assert len(batched_kiwi.calls) == 2 < len(alone_kiwi.calls)


def test_a_full_cache_keeps_the_verdicts_the_text_needs() -> None:
    finder = NameFinder(NameBook(), kiwi=shared_kiwi(), cache_size=1)
    first = {s.key for s in finder.find("하윤이랑 혜인이네 서연아", Claims())}
    again = {s.key for s in finder.find("하윤이랑 혜인이네 서연아 도윤한테", Claims())}
    assert first == {"하윤", "혜인", "서연"}
    assert again == first | {"도윤"}
