"""The shared prepared base: speaker tokens added once, deterministically, and round-trip."""

from __future__ import annotations

import os

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from finetune.data import Pair, encode_pair
from finetune.prepared_base import TRAINING_TEMPLATE, base_slug, prepare_base
from kakao2dataset.speakers import DEFAULT_TOKENS, render_example, render_prompt

SAMPLE = "<usr>밥 먹었어?<eot><sys>응 방금 먹었다냥 ㅋㅋㅋ<eot> hello おはよう 🙂"


@pytest.fixture(scope="module")
def prepared(tiny_gpt2_base, tmp_path_factory):
    return prepare_base(str(tiny_gpt2_base), DEFAULT_TOKENS, tmp_path_factory.mktemp("bases"))


def test_tokens_added_as_single_ids_and_survive_reload(prepared, tiny_gpt2_base):
    original = AutoTokenizer.from_pretrained(tiny_gpt2_base)
    reloaded = AutoTokenizer.from_pretrained(prepared.path)
    assert prepared.added == DEFAULT_TOKENS.as_list()  # the tiny base has none of them
    assert prepared.vocab_size == len(original) + 3 == len(reloaded)
    for role, token in DEFAULT_TOKENS.to_dict().items():
        assert reloaded.convert_tokens_to_ids(token) == prepared.token_ids[role]
        assert reloaded.encode(token, add_special_tokens=False) == [prepared.token_ids[role]]
    # text without speaker tokens encodes exactly as in the original base
    plain = "엄마 밥 먹었어ㅋㅋㅋ hello おはよう 🙂"
    assert reloaded.encode(plain) == original.encode(plain)
    assert (prepared.path / "k2d_base.json").exists()


def test_save_reload_gives_same_encoding(prepared, tmp_path):
    tok = AutoTokenizer.from_pretrained(prepared.path)
    tok.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again.encode(SAMPLE) == tok.encode(SAMPLE)
    assert again.decode(tok.encode(SAMPLE)) == SAMPLE


def test_new_rows_are_deterministic_and_base_rows_untouched(prepared, tiny_gpt2_base, tmp_path):
    other = prepare_base(str(tiny_gpt2_base), DEFAULT_TOKENS, tmp_path)
    a = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
    b = AutoModelForCausalLM.from_pretrained(other.path, dtype=torch.float32)
    raw = AutoModelForCausalLM.from_pretrained(tiny_gpt2_base, dtype=torch.float32)
    wa, wb = a.get_input_embeddings().weight, b.get_input_embeddings().weight
    assert torch.equal(wa, wb)
    n = raw.get_input_embeddings().weight.shape[0]
    assert torch.equal(wa[:n], raw.get_input_embeddings().weight)  # old rows bit-identical
    assert torch.isfinite(wa[n:]).all() and wa[n:].abs().sum() > 0


def test_second_call_reuses_the_prepared_base(prepared, tiny_gpt2_base):
    stamp = os.stat(prepared.path / "model.safetensors").st_mtime_ns
    again = prepare_base(str(tiny_gpt2_base), DEFAULT_TOKENS, prepared.path.parent)
    assert again.path == prepared.path and again.token_ids == prepared.token_ids
    assert os.stat(prepared.path / "model.safetensors").st_mtime_ns == stamp


def test_tokens_the_base_already_has_are_reused(tiny_gpt2_base, tmp_path):
    """KoGPT2 case: `<usr>` exists in the vocab → keep its id, add only the rest."""
    tok = AutoTokenizer.from_pretrained(tiny_gpt2_base)
    tok.add_tokens(["<usr>"])
    model = AutoModelForCausalLM.from_pretrained(tiny_gpt2_base, dtype=torch.float32)
    model.resize_token_embeddings(len(tok), mean_resizing=False)
    src = tmp_path / "has-usr"
    model.save_pretrained(src)
    tok.save_pretrained(src)
    usr_id = tok.convert_tokens_to_ids("<usr>")
    prepared = prepare_base(str(src), DEFAULT_TOKENS, tmp_path / "bases")
    assert prepared.added == ["<sys>", "<eot>"]
    assert prepared.token_ids["user"] == usr_id
    assert prepared.vocab_size == len(tok) + 2


def test_chat_template_matches_the_renderer_and_masks_the_reply(prepared):
    tok = AutoTokenizer.from_pretrained(prepared.path)
    context = [("user", "밥 먹었어?"), ("persona", "응"), ("user", "뭐 먹었어")]
    msgs = [{"role": "assistant" if r == "persona" else "user", "content": t} for r, t in context]
    text = tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
    assert text == render_prompt(context)
    reply = "라면이다냥 ㅋㅋㅋ"
    full = msgs + [{"role": "assistant", "content": reply}]
    assert tok.apply_chat_template(full, tokenize=False) == render_example(context, reply)
    # The training template's assistant mask on the last turn == our loss mask
    training = (prepared.path / TRAINING_TEMPLATE).read_text(encoding="utf-8")
    out = tok.apply_chat_template(full, chat_template=training, return_dict=True,
                                  return_assistant_tokens_mask=True)
    ours = encode_pair(Pair(context, reply, "train", "x:1"), tok, DEFAULT_TOKENS, 10_000)
    assert out["input_ids"] == ours.ids
    mask = out["assistant_masks"]
    assert mask[ours.n_prompt :] == [1] * ours.n_loss  # reply + <eot> carry loss


def test_base_slug():
    assert base_slug("skt/kogpt2-base-v2") == "skt--kogpt2-base-v2"


def test_generation_stops_at_end_of_turn(prepared):
    from transformers import GenerationConfig

    gen = GenerationConfig.from_pretrained(prepared.path)
    assert gen.eos_token_id == [prepared.token_ids["end_of_turn"], 0]  # <eot>, then <|endoftext|>


def test_the_plain_template_is_plain_jinja_and_treats_every_role_as_serve_does(prepared):
    import jinja2

    from finetune.serve import ChatMessage, history_from_messages
    from kakao2dataset.speakers import render_prompt as render

    tok = AutoTokenizer.from_pretrained(prepared.path)
    assert "{% generation %}" not in tok.chat_template
    messages = [{"role": "system", "content": "be nice"}, {"role": "user", "content": "hi"},
                {"role": "developer", "content": "d"}, {"role": "assistant", "content": "yo"},
                {"role": "tool", "content": "t"}, {"role": "user", "content": "뭐해"}]
    served = render(history_from_messages([ChatMessage(**m) for m in messages]))
    assert tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True) == served
    plain = jinja2.Template(tok.chat_template).render(messages=messages, add_generation_prompt=True)
    assert plain == served == "<usr>hi<eot><sys>yo<eot><usr>뭐해<eot><sys>"
    # a role the API does not accept (serve answers 400) is left out by the template too
    unknown = [*messages[:2], {"role": "narrator", "content": "n"}, *messages[2:]]
    assert tok.apply_chat_template(unknown, tokenize=False, add_generation_prompt=True) == served
