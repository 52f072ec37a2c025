"""The tiny local base: random for tests, briefly pretrained for the offline demo."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

from finetune.tiny import (  # noqa: E402
    MARKER,
    build_tiny_base,
    generic_chat_lines,
    pretrain_tiny_base,
)


def _loss(path, text: str) -> float:
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    ids = tokenizer(text, return_tensors="pt").input_ids
    with torch.no_grad():
        return model(input_ids=ids, labels=ids).loss.item()


def test_pretraining_teaches_the_corpus_and_saves_in_place(tmp_path):
    corpus = generic_chat_lines(400, seed=3)
    path = build_tiny_base(tmp_path / "base", corpus=corpus)
    held_out = "밥 먹었어?<|endoftext|>내일 시간 돼?<|endoftext|>그냥 집에 있어"
    before = _loss(path, held_out)

    last = pretrain_tiny_base(path, steps=40, corpus=corpus, batch_size=8)

    assert _loss(path, held_out) < before - 0.5  # reloaded from disk: the weights were saved
    marker = json.loads((path / MARKER).read_text(encoding="utf-8"))
    assert marker["pretrain_steps"] == 40 and marker["pretrain_loss"] == round(last, 4)


def test_the_tokenizer_is_trained_on_the_given_corpus(tmp_path):
    plain = AutoTokenizer.from_pretrained(build_tiny_base(tmp_path / "plain"))
    chat = AutoTokenizer.from_pretrained(
        build_tiny_base(tmp_path / "chat", corpus=generic_chat_lines(400)))
    phrase = "강남역 11번 출구"  # in the chat corpus, not in the default synthetic lines
    assert len(chat(phrase).input_ids) < len(plain(phrase).input_ids)
