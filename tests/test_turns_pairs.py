"""Turn merging and session splitting at their boundaries, pairs, and the time split."""

from __future__ import annotations

from datetime import datetime, timedelta

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.pairs import PairSettings, PairStats, build_pairs, validation_cutoff
from kakao2dataset.turns import TurnSettings, TurnStats, build_turns

T0 = datetime(2024, 3, 1, 9, 0)


def msg(minutes: float, speaker: str, text: str, kind=MessageKind.TEXT, line=[0]) -> Message:  # noqa: B006
    line[0] += 1
    return Message(T0 + timedelta(minutes=minutes), speaker, text, kind, "chat.txt", line[0], line[0])


def turns_of(messages, **settings):
    stats = TurnStats()
    return list(build_turns(messages, TurnSettings(**settings), stats)), stats


def test_a_burst_within_the_merge_gap_is_one_turn_and_the_gap_is_inclusive():
    turns, _ = turns_of([
        msg(0, "A", "야"), msg(1, "A", "뭐해"), msg(11, "A", "자?"),  # 10 min after: same turn
        msg(21.5, "A", "..."),                                       # 10.5 min: new turn
        msg(22, "B", "응"),
    ])
    assert [(t.speaker, t.text) for t in turns] == [("A", "야\n뭐해\n자?"), ("A", "..."), ("B", "응")]
    assert turns[0].n_messages == 3 and (turns[0].first_line, turns[0].last_line) == (1, 3)


def test_a_long_silence_starts_a_new_session_exactly_after_the_gap():
    hours = 60
    turns, stats = turns_of([
        msg(0, "A", "a"), msg(6 * hours, "B", "b"),           # exactly 6 h: same session
        msg(12 * hours + 1, "A", "c"),                          # 6 h + 1 min: new session
    ])
    assert [t.session for t in turns] == [0, 0, 1]
    assert stats.sessions == 2


def test_media_become_tags_or_are_dropped_and_system_lines_always_counted():
    messages = [msg(0, "A", "사진", MessageKind.PHOTO), msg(1, "", "A님이 나갔습니다.", MessageKind.SYSTEM),
                msg(2, "A", "삭제된 메시지입니다.", MessageKind.DELETED), msg(3, "B", "ㅋㅋ")]
    tagged, stats = turns_of(messages)
    assert [t.text for t in tagged] == ["<photo>", "ㅋㅋ"]
    assert stats.dropped == {"system": 1, "deleted": 1} and stats.media_tagged == {"photo": 1}
    dropped, stats = turns_of(messages, media="drop")
    assert [t.text for t in dropped] == ["ㅋㅋ"]
    assert stats.dropped["media:photo"] == 1
    assert stats.messages_in == 4


def pairs_of(turns, persona="B", **settings):
    stats = PairStats()
    return list(build_pairs(turns, persona, PairSettings(**settings), stats)), stats


def test_pairs_take_the_previous_turns_of_the_session_as_context():
    turns, _ = turns_of([msg(0, "A", "밥 먹었어?"), msg(1, "B", "응"), msg(2, "A", "뭐 먹었어"),
                         msg(3, "B", "김치찌개"), msg(1000, "B", "새 세션"), msg(1001, "A", "?")])
    pairs, stats = pairs_of(turns)
    assert [(p.context, p.response) for p in pairs] == [
        ((("user", "밥 먹었어?"),), "응"),
        ((("user", "밥 먹었어?"), ("persona", "응"), ("user", "뭐 먹었어")), "김치찌개"),
    ]
    assert stats.dropped == {"no_user_turn_before": 1}  # the new session opens with the persona


def test_context_is_trimmed_oldest_first_to_the_turn_and_char_budget():
    turns, _ = turns_of([msg(i * 20, "A" if i % 2 == 0 else "B", f"t{i}" * 5) for i in range(8)])
    pairs, _ = pairs_of(turns, max_context_turns=3)
    assert [text for _, text in pairs[-1].context] == ["t4" * 5, "t5" * 5, "t6" * 5]
    pairs, _ = pairs_of(turns, max_context_chars=25)
    assert [text for _, text in pairs[-1].context] == ["t5" * 5, "t6" * 5]


def test_media_only_responses_are_dropped_unless_kept():
    turns, _ = turns_of([msg(0, "A", "보여줘"), msg(1, "B", "", MessageKind.PHOTO)])
    assert pairs_of(turns)[0] == []
    assert [p.response for p in pairs_of(turns, keep_media_responses=True)[0]] == ["<photo>"]


def test_validation_takes_the_latest_whole_sessions():
    assert validation_cutoff({0: 10, 1: 10, 2: 10, 3: 10, 4: 10}, 0.1) == 4
    assert validation_cutoff({0: 10, 1: 10, 2: 10, 3: 10, 4: 10}, 0.3) == 3
    assert validation_cutoff({0: 10, 1: 90}, 0.1) == 1  # never everything: session 0 trains
    assert validation_cutoff({0: 10, 1: 10}, 0.0) is None
