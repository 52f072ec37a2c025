"""Equivalences ``k2d parse`` relies on: pair-per-reply read back from conversation records vs
build_pairs on the turns, the FormIndex gate vs the search without it, a kept input's
"Pairing" progress."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from finetune.data import _dialogue, pairs_of
from kakao2dataset.anonymize.known import FormIndex
from kakao2dataset.conversations import (
    Conversation,
    ConversationSettings,
    ConversationStats,
    build_conversations,
)
from kakao2dataset.model import Message, MessageKind, Turn
from kakao2dataset.pairs import PairSettings, PairStats, build_pairs
from kakao2dataset.pipeline import ParseOptions, build_dataset
from kakao2dataset.synthetic import render
from kakao2dataset.synthetic.conversation import generate_persona_chat
from kakao2dataset.turns import TurnSettings, TurnStats, build_turns
from kakao2dataset.writers import conversation_record, dumps

TRICKY = ['a "quoted" word', "back\\slash", "tab\tand\nnewline", "ctrl\x01\x1f", "밥 먹었어?",
          "emoji 😂👍", "</script>", "\u2028line sep", "", " ", "<photo>", "ｆｕｌｌ"]


def _messages(seed: int, n: int = 400) -> list[Message]:
    rng, t = random.Random(seed), datetime(2024, 1, 1, 9, 0)
    out = []
    for i in range(n):
        t += timedelta(minutes=rng.choice([0, 1, 3, 15, 400]))
        text = " ".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 3)))
        out.append(Message(t, rng.choice("AB"), text, MessageKind.TEXT, "chat.txt", i + 1, i + 1))
    return out


def _records(messages, settings):
    turns = list(build_turns(messages, TurnSettings(), TurnStats()))
    conversations = build_conversations(turns, "B", settings, ConversationStats())
    lines = [dumps(conversation_record(c, "train", "label 😂.txt")) for c in conversations]
    return turns, [json.loads(line) for line in lines]


def test_replies_read_back_from_conversation_records_are_the_pairs_of_the_turns():
    """Pair-per-reply, derived from the written records (windows and all), is exactly what
    build_pairs makes of the turns: one dataset serves both training methods."""
    small = ConversationSettings(max_window_turns=6, max_window_chars=80)  # many windows
    for seed in range(5):
        turns, records = _records(_messages(seed), small)
        assert any(r["window"] > 0 for r in records)
        expected = [(list(p.context), p.response)
                    for p in build_pairs(turns, "B", PairSettings(), PairStats())]
        dialogues = [_dialogue(r, Path("c.jsonl"), n) for n, r in enumerate(records, 1)]
        assert expected and [(p.context, p.response) for p in pairs_of(dialogues)] == expected


def test_a_record_keeps_every_turn_with_its_time_and_lines():
    t = datetime(2024, 1, 1, 9, 30, 15)
    turns = (Turn("A", 'a "b"\nc', t, t + timedelta(seconds=5), 3, "x", 1, 2),
             Turn("B", "d\te", t + timedelta(minutes=1), t + timedelta(minutes=1), 3, "x", 3, 3))
    conversation = Conversation("c0000007", 3, 0, turns, ("user", "persona"))
    record = json.loads(dumps(conversation_record(conversation, "validation", "s")))
    assert record == {
        "id": "c0000007", "session": 3, "window": 0, "split": "validation",
        "persona_opened": False, "context_turns": 0, "source": "s", "start": "2024-01-01T09:30:15",
        "turns": [{"role": "user", "text": 'a "b"\nc', "at": [0, 5], "lines": [1, 2]},
                  {"role": "persona", "text": "d\te", "at": [60, 60], "lines": [3, 3]}],
    }


def _search_without_gate(index: FormIndex, text: str):
    saved = index._may_hit  # noqa: SLF001
    index._may_hit = lambda _text: True  # noqa: SLF001
    try:
        return index.find(text)
    finally:
        index._may_hit = saved  # noqa: SLF001


def test_form_index_gate_never_hides_a_hit():
    for anywhere in (False, True):
        index = FormIndex(anywhere=anywhere, batch=3)
        texts = ["혜인이가 왔어", "주혜인", "EMILY랑", "emily", "ｅｍｉｌｙ", "\u212aate", "ſam",
                 "Sam and Kate", "그냥 밥", "민지 민지야", "xkate", "지호랑 Sam"]
        for form in ["혜인", "Emily", "kate", "Sam", "민지", "지호", "Tom", "호랑"]:
            index.add(form)
            for text in texts:
                assert index.find(text) == _search_without_gate(index, text), (form, text)
        index.rebuild()
        for text in texts:
            assert index.find(text) == _search_without_gate(index, text), text


def test_message_fields_are_what_the_anonymizer_rebuilds():
    # Message.with_text builds Message positionally; a new field must be added there too
    names = tuple(f.name for f in dataclasses.fields(Message))
    assert names == ("timestamp", "speaker", "text", "kind", "source", "first_line", "last_line")


def test_with_text_equals_dataclasses_replace():
    m = Message(datetime(2024, 1, 5, 0, 5), "민지", "010-0000-0000", MessageKind.TEXT, "a.txt", 3, 4)
    assert m.with_text("<PHONE>") == dataclasses.replace(m, text="<PHONE>")


def test_a_kept_single_input_still_reports_pairing_progress(tmp_path):
    conv = generate_persona_chat(seed=3, sessions=12)
    path = tmp_path / "chat.txt"
    path.write_bytes(render(conv, "K1").data)
    seen = []

    def progress(source, messages, label):
        yield from messages
        seen.append((label, source.bytes_read, source.size))

    build_dataset([path], ParseOptions(persona_speaker=conv.other), progress=progress)
    assert [label for label, _, _ in seen] == ["Scanning", "Pairing"]
    assert seen[1][1] == seen[1][2] == path.stat().st_size  # the bar ends full


def test_a_zip_counts_its_uncompressed_text_when_deciding_to_keep_messages(tmp_path):
    import zipfile

    from kakao2dataset.pipeline import KEEP_IN_MEMORY_BYTES, _input_bytes

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("KakaoTalkChats.txt", "ㅋ" * (KEEP_IN_MEMORY_BYTES // 3 + 1))  # 3 bytes each
    assert archive.stat().st_size < KEEP_IN_MEMORY_BYTES  # compressed, it looks small
    assert _input_bytes([archive]) > KEEP_IN_MEMORY_BYTES
