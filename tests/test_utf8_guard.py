"""Replies never split a character: finetune.utf8.Utf8Guard on hand-made byte tables, random
walks through them, the tiny byte-level base's real tokenizer, and real sampling."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from finetune.generation import SamplingSettings, decode_rows  # noqa: E402
from finetune.utf8 import WHOLE, Utf8Guard  # noqa: E402

GA = "가".encode()  # b"\xea\xb0\x80": a lead byte and two continuation bytes
TABLE = [
    b"a",  # 0  whole ASCII
    GA[:1],  # 1  starts 가
    GA[1:2],  # 2  one continuation byte
    GA[1:],  # 3  two continuation bytes: finishes 가 from its lead
    GA[2:] + b"b",  # 4  finishes a character, then "b"
    "나".encode(),  # 5  a whole syllable
    b"\xc0",  # 6  never valid
    b"\x80\x80\x80\x80",  # 7  four continuation bytes: no character has them
    "😀".encode()[:2],  # 8  starts a 4-byte emoji, owes two more
    b"",  # 9  a special token (stop, <usr>, ...)
]


ANY = (0x80, 0xBF)


def allowed(guard: Utf8Guard, state) -> list[int]:
    return [i for i, ok in enumerate(guard.allowed(state, len(TABLE) + 2).tolist()) if ok]


def test_each_state_allows_exactly_the_tokens_that_keep_the_bytes_valid():
    guard = Utf8Guard(TABLE)
    assert allowed(guard, WHOLE) == [0, 1, 5, 8, 9]  # no continuation first, no invalid byte
    assert allowed(guard, (1, ANY)) == [2, 4]  # one owed: a lone continuation, or one then more
    assert allowed(guard, (2, ANY)) == [2, 3]  # two owed: one or both of them, nothing else
    assert allowed(guard, (3, ANY)) == [2, 3]
    # padded embedding rows beyond the tokenizer are never allowed
    assert not guard.allowed(WHOLE, len(TABLE) + 2)[len(TABLE):].any()


def test_the_state_follows_the_bytes():
    guard = Utf8Guard(TABLE)
    assert guard.advance(WHOLE, 1) == (2, ANY)  # 가's lead: two owed
    assert guard.advance((2, ANY), 2) == (1, ANY)
    assert guard.advance((1, ANY), 4) == WHOLE  # the last one, then "b"
    assert guard.advance(WHOLE, 8) == (2, ANY)  # half an emoji (its 0xF0 lead checked inside)
    assert guard.advance(WHOLE, 9) == WHOLE


def test_leads_that_restrict_the_next_byte_are_followed():
    """E0 (no overlong forms), ED (no surrogates), F0 and F4 (U+10000-U+10FFFF only)."""
    table = [b"\xe0", b"\xed", b"\xf4", b"\x80\x80", b"\xa0\x80", b"\x8f\x80\x80", b"\xe0\x80"]
    guard = Utf8Guard(table)
    states = {lead: guard.advance(WHOLE, token) for token, lead in enumerate((0xE0, 0xED, 0xF4))}
    ok = {lead: [i for i, x in enumerate(guard.allowed(state, 7).tolist()) if x]
          for lead, state in states.items()}
    assert ok == {0xE0: [4], 0xED: [3], 0xF4: [3, 5]}  # F4 80 80 waits for one more byte
    assert 6 not in allowed(guard, WHOLE)  # an overlong form inside one token


@settings(max_examples=200, deadline=None)
@given(choices=st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_any_walk_the_guard_allows_decodes_strictly(choices):
    guard = Utf8Guard(TABLE)
    state, data = WHOLE, b""
    for choice in choices:
        options = allowed(guard, state)
        token = options[choice % len(options)]
        data += TABLE[token]
        state = guard.advance(state, token)
        if state == WHOLE:
            data.decode("utf-8")  # raises on any broken character


def test_the_tiny_byte_level_base_gets_a_guard_and_specials_wait_for_whole_characters(
        tiny_gpt2_base):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2_base)
    guard = Utf8Guard.for_tokenizer(tokenizer)
    assert guard is not None
    size = len(tokenizer)
    for special in tokenizer.all_special_ids:
        assert guard.allowed(WHOLE, size)[special] and not guard.allowed((2, ANY), size)[special]
    # every single byte is in a byte-level vocabulary, so every state can go on
    restricted = [(2, (0xA0, 0xBF)), (2, (0x80, 0x9F)), (3, (0x90, 0xBF)), (3, (0x80, 0x8F))]
    for state in [WHOLE, (1, ANY), (2, ANY), (3, ANY), *restricted]:
        assert guard.allowed(state, size).any(), state


def test_a_vocabulary_of_whole_characters_needs_no_guard(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<unk>": 0, "안녕": 1, "하세요": 2, "ㅋㅋ": 3, "!": 4}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>")
    assert json.loads(backend.to_str())["decoder"] is None
    assert Utf8Guard.for_tokenizer(tokenizer) is None


def test_sampling_from_a_random_tiny_model_gives_valid_text_only_with_the_guard(tiny_gpt2_base):
    """An untrained-for-chat base at temperature 1.5 breaks characters all the time; with
    the guard no reply holds U+FFFD. Same seeds for both runs."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2_base)
    model = AutoModelForCausalLM.from_pretrained(tiny_gpt2_base).eval()
    prompts = [tokenizer("<usr>안녕 뭐해<eot><sys>", add_special_tokens=False)["input_ids"]] * 8
    sampling = [SamplingSettings(temperature=1.5, top_p=1.0, max_new_tokens=24, seed=seed)
                for seed in range(8)]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def replies(utf8):
        rows = decode_rows(model, prompts, None, sampling, stop_ids=set(), pad_id=pad, utf8=utf8)
        return [tokenizer.decode(row.token_ids, skip_special_tokens=True) for row in rows]

    assert any("\ufffd" in text for text in replies(None))  # the problem is real here
    guarded = replies(Utf8Guard.for_tokenizer(tokenizer))
    assert all("\ufffd" not in text for text in guarded), guarded
    assert all(text.strip() for text in guarded)


def test_the_bias_is_zero_where_allowed_and_minus_infinity_elsewhere_on_the_logits_device():
    guard = Utf8Guard(TABLE)
    state = guard.advance(WHOLE, 1)
    bias = guard.bias(state, 12, torch.device("cpu"))
    assert bias.device == torch.device("cpu") and bias.dtype == torch.float32
    assert (bias == 0).tolist() == guard.allowed(state, 12).tolist()
    assert torch.isinf(bias[~guard.allowed(state, 12)]).all()
    assert guard.bias(state, 12, torch.device("cpu")) is bias  # cached per state, size, device
