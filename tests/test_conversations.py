"""Turns → conversation records at their boundaries: a persona opener, a session longer than a
window, a turn longer than a window, and the split decided before anything is written."""

from __future__ import annotations

from datetime import datetime, timedelta

from kakao2dataset.conversations import (
    ConversationSettings,
    ConversationStats,
    build_conversations,
)
from kakao2dataset.model import Turn

T0 = datetime(2024, 3, 1, 9, 0)


def turns(*spec, session=0, start_line=1):
    """``("A", "text"), ...`` → turns one minute apart, one input line each."""
    return [Turn(speaker, text, T0 + timedelta(minutes=i), T0 + timedelta(minutes=i), session,
                 "chat.txt", start_line + i, start_line + i) for i, (speaker, text) in enumerate(spec)]


def convs(ts, **settings):
    stats = ConversationStats()
    return list(build_conversations(ts, "B", ConversationSettings(**settings), stats)), stats


def test_one_record_per_session_with_both_sides_in_order():
    ts = turns(("A", "밥 먹었어?"), ("B", "응"), ("A", "뭐"), session=0) + \
        turns(("A", "자?"), ("B", "아니"), session=1, start_line=10)
    out, stats = convs(ts)
    assert [(c.session, c.window, c.roles) for c in out] == [
        (0, 0, ("user", "persona", "user")), (1, 0, ("user", "persona"))]
    assert [t.text for t in out[0].turns] == ["밥 먹었어?", "응", "뭐"]
    assert stats.persona_turns_per_session == {0: 1, 1: 1} and stats.persona_opened == 0


def test_a_session_the_persona_opens_is_kept_and_marked():
    out, stats = convs(turns(("B", "야 뭐해"), ("A", "그냥"), ("B", "ㅋㅋ")))
    assert len(out) == 1 and out[0].persona_opened and out[0].roles[0] == "persona"
    assert stats.persona_opened == 1


def test_a_long_session_is_cut_into_windows_that_repeat_the_last_turns_as_context():
    ts = turns(*[("A" if i % 2 == 0 else "B", f"t{i}") for i in range(20)])
    out, stats = convs(ts, max_window_turns=8, context_turns=3)
    assert [c.window for c in out] == list(range(len(out))) and stats.windows_cut == len(out) - 1
    assert all(len(c.turns) <= 8 for c in out)
    assert out[0].context_turns == 0 and all(c.context_turns == 3 for c in out[1:])
    for before, after in zip(out, out[1:], strict=False):
        assert after.turns[:3] == before.turns[-3:]  # the context, repeated
    new_turns = [t for c in out for t in c.turns[c.context_turns:]]
    assert new_turns == ts  # every turn exactly once outside the repeated context
    assert not any(c.persona_opened for c in out[1:])


def test_the_repeated_context_stays_within_its_characters_and_a_long_turn_stands_alone():
    ts = turns(("A", "x" * 50), ("B", "y" * 50), ("A", "z" * 500), ("B", "w"), ("A", "v"))
    out, _ = convs(ts, max_window_chars=120, context_chars=60)
    # the 500-char turn goes whole into a window; repeated as context (the latest turn always
    # is, as a reply always saw the turn before it), it leaves room for one new turn only
    assert [[t.text[:1] for t in c.turns] for c in out] == [
        ["x", "y"], ["y", "z"], ["z", "w"], ["w", "v"]]
    assert [c.context_turns for c in out] == [0, 1, 1, 1]
