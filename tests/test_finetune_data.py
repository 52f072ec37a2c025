"""Conversations → packed training sequences: the loss mask token by token, the stride that
keeps every reply's pair-per-reply context, over-long replies, and one validation metric."""

from __future__ import annotations

import regex

from finetune.data import (
    IGNORE,
    Dialogue,
    Pair,
    encode_all,
    encode_dialogue,
    encode_pair,
    pairs_of,
    render_masked,
)
from kakao2dataset.speakers import DEFAULT_TOKENS

SPECIAL = {"<usr>": 1, "<sys>": 2, "<eot>": 3}
_PIECES = regex.compile("<usr>|<sys>|<eot>|.", regex.S)


class CharTokenizer:
    """One id per character, the speaker tokens as single ids (what the prepared base has)."""

    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        return [SPECIAL[p] if p in SPECIAL else ord(p) for p in _PIECES.findall(text)]

    def decode(self, ids: list[int]) -> str:
        names = {v: k for k, v in SPECIAL.items()}
        return "".join(names.get(i, chr(i)) for i in ids)


TOK = CharTokenizer()


def dialogue(*turns, context_turns=0, split="train"):
    return Dialogue(list(turns), context_turns, split, "c.jsonl:1")


def trained_text(example) -> list[str]:
    """The trained spans of an example, decoded."""
    spans, current = [], []
    for token, label in zip(example.ids, example.labels(), strict=True):
        if label != IGNORE:
            current.append(token)
        elif current:
            spans.append(TOK.decode(current))
            current = []
    return spans + ([TOK.decode(current)] if current else [])


def test_loss_is_on_every_persona_turn_and_its_eot_and_nowhere_else():
    d = dialogue(("user", "ab"), ("persona", "cd"), ("user", "e"), ("persona", "fg"))
    [example] = encode_dialogue(d, TOK, DEFAULT_TOKENS, max_length=64)
    assert TOK.decode(example.ids) == "<usr>ab<eot><sys>cd<eot><usr>e<eot><sys>fg<eot>"
    usr_ab_eot, sys, usr_e_eot = [IGNORE] * 4, [IGNORE], [IGNORE] * 3
    assert example.labels() == usr_ab_eot + sys + [ord("c"), ord("d"), 3] \
        + usr_e_eot + sys + [ord("f"), ord("g"), 3]
    assert trained_text(example) == ["cd<eot>", "fg<eot>"]
    assert "[[cd<eot>]]" in render_masked(example, TOK) and "6 of 15 ids trained" in render_masked(example, TOK)


def test_repeated_context_turns_and_an_opener_without_a_user_turn_carry_no_loss():
    opened = dialogue(("persona", "hi"), ("user", "yo"), ("persona", "ok"))
    [example] = encode_dialogue(opened, TOK, DEFAULT_TOKENS, max_length=64)
    assert trained_text(example) == ["ok<eot>"]  # as pair-per-reply: a reply needs a user turn
    window = dialogue(("user", "a"), ("persona", "b"), ("user", "c"), ("persona", "d"), context_turns=2)
    [example] = encode_dialogue(window, TOK, DEFAULT_TOKENS, max_length=64)
    assert trained_text(example) == ["d<eot>"]  # "b" was trained in the previous window


def _long_dialogue(n=30):
    turns = []
    for i in range(n):
        turns.append(("user", f"u{i:02d}" * (1 + i % 3)))
        turns.append(("persona", f"p{i:02d}" * (1 + i % 4)))
    return dialogue(*turns)


def test_every_reply_is_trained_once_after_at_least_its_pair_context():
    d = _long_dialogue()
    for max_length in (40, 64, 200):
        examples = encode_dialogue(d, TOK, DEFAULT_TOKENS, max_length)
        assert all(len(e.ids) <= max_length for e in examples)
        pairs = pairs_of([d])
        trained = [span for e in examples for span in trained_text(e)]
        assert trained == [p.response + "<eot>" for p in pairs]  # each once, in order
        for pair in pairs:
            ref = encode_pair(pair, TOK, DEFAULT_TOKENS, max_length)  # today's example
            # some sequence holds the reply with (at least) today's context right before it
            assert any(_holds(e, ref) for e in examples), pair.response
        n_loss = sum(e.n_loss for e in examples)
        assert n_loss == sum(encode_pair(p, TOK, DEFAULT_TOKENS, max_length).n_loss for p in pairs)
        assert sum(len(e.ids) for e in examples) < sum(
            len(encode_pair(p, TOK, DEFAULT_TOKENS, max_length).ids) for p in pairs)


def _holds(example, ref) -> bool:
    ids, labels = example.ids, example.labels()
    for end in range(len(ref.ids), len(ids) + 1):
        if ids[end - len(ref.ids):end] == ref.ids and all(
                label != IGNORE for label in labels[end - ref.n_loss:end]):
            return True
    return False


def test_a_reply_longer_than_the_max_length_is_cut_as_pair_per_reply_cuts_it():
    d = dialogue(("user", "question"), ("persona", "x" * 50), ("user", "q"), ("persona", "short"))
    examples = encode_dialogue(d, TOK, DEFAULT_TOKENS, max_length=16)
    long_ref = encode_pair(Pair([("user", "question")], "x" * 50, "train", ""), TOK, DEFAULT_TOKENS, 16)
    assert examples[0] == long_ref and len(examples[0].ids) == 16
    assert trained_text(examples[1])[-1] == "short<eot>"


def test_the_validation_examples_are_the_same_for_both_methods():
    data = [_long_dialogue(6), dialogue(("user", "a"), ("persona", "b"), split="validation"),
            dialogue(("user", "c"), ("persona", "d"), ("user", "e"), ("persona", "f"), split="validation")]
    train_c, val_c = encode_all(data, TOK, DEFAULT_TOKENS, 32, method="conversations")
    train_p, val_p = encode_all(data, TOK, DEFAULT_TOKENS, 32, method="pairs")
    assert val_c == val_p and len(val_p) == 3 and all(e.loss is None for e in val_p)
    assert sum(e.n_loss for e in train_c) == sum(e.n_loss for e in train_p)
    assert len(train_c) < len(train_p)


def test_stats_count_conversations_persona_turns_and_loss_tokens_for_the_model_card():
    from finetune.adapter import trained_on
    from finetune.data import stats

    data = [_long_dialogue(6), dialogue(("user", "a"), ("persona", "b"), ("user", "c"),
                                        ("persona", "d"))]
    data[1] = Dialogue(data[1].turns, 0, "train", "c.jsonl:2")
    for method in ("conversations", "pairs"):
        train, val = encode_all(data, TOK, DEFAULT_TOKENS, 32, method=method)
        st = stats(train, val)["train"]
        assert st["conversations"] == 2 and st["persona_turns"] == 6 + 2, method
        assert st["sequences"] == len(train) and st["loss_tokens"] == sum(e.n_loss for e in train)
    assert trained_on(st).startswith("Trained on 8 persona turns from 2 conversations (")
