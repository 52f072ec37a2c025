"""The training loop itself: what changes (every LoRA weight) and what does not (the base)."""

from __future__ import annotations

import math

import pytest
import torch
from model_fixtures import write_persona_pairs
from transformers import AutoModelForCausalLM, AutoTokenizer

from finetune.config import LoraSettings, TrainSettings
from finetune.data import Example, batch_order, collate, encode_all, read_pairs
from finetune.prepared_base import prepare_base
from finetune.trainer import add_lora, lora_targets, lr_factor, train
from kakao2dataset.speakers import DEFAULT_TOKENS


@pytest.fixture(scope="module")
def setup(tiny_gpt2_base, tmp_path_factory):
    root = tmp_path_factory.mktemp("loop")
    prepared = prepare_base(str(tiny_gpt2_base), DEFAULT_TOKENS, root / "bases")
    tok = AutoTokenizer.from_pretrained(prepared.path)
    pairs = read_pairs([write_persona_pairs(root / "data")])
    train_set, val_set = encode_all(pairs, tok, DEFAULT_TOKENS, 64)
    return prepared, tok, train_set, val_set, root


def test_every_lora_weight_moves_and_every_base_weight_stays(setup):
    prepared, tok, train_set, val_set, root = setup
    model = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
    model = add_lora(model, LoraSettings(r=4, alpha=8, dropout=0.0), seed=0)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    lora = {n for n, p in model.named_parameters() if p.requires_grad}
    assert lora and all("lora_" in n for n in lora)
    settings = TrainSettings(max_steps=6, batch_size=8, lr=1e-2, eval_every=3, save_every=0)
    result = train(model, train_set, val_set, tok.pad_token_id, settings, root / "work")
    after = dict(model.named_parameters())
    for name, value in before.items():
        if name in lora:
            assert not torch.equal(value, after[name]), f"LoRA weight did not move: {name}"
        else:
            assert torch.equal(value, after[name]), f"base weight changed: {name}"
    assert result.best_eval_loss < result.base_eval_loss


def test_lora_targets_are_found_per_architecture(tiny_gpt2_base, tiny_llama_base):
    gpt2 = AutoModelForCausalLM.from_pretrained(tiny_gpt2_base)
    llama = AutoModelForCausalLM.from_pretrained(tiny_llama_base)
    assert lora_targets(gpt2) == (["c_attn", "c_fc", "c_proj"], True)
    names, conv1d = lora_targets(llama)
    assert set(names) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                          "down_proj"} and conv1d is False  # lm_head is never a target


def test_labels_mask_context_and_padding(setup):
    _, tok, train_set, _, _ = setup
    ex = train_set[0]
    assert tok.decode(ex.ids[ex.n_prompt - 1 : ex.n_prompt]) == "<sys>"
    assert ex.ids[-1] == tok.convert_tokens_to_ids("<eot>")  # the closing <eot> is trained
    batch = collate([Example([1, 2, 3], 1), Example([4, 5, 6, 7, 8], 2)], pad_id=0)
    assert batch["labels"].tolist() == [[-100, 2, 3, -100, -100], [-100, -100, 6, 7, 8]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]


def test_batches_are_length_bucketed_deterministic_and_complete():
    lengths = [(i * 37) % 101 for i in range(400)]
    order = batch_order(lengths, 8, seed=1, epoch=0)
    assert sorted(i for b in order for i in b) == list(range(400))
    assert order == batch_order(lengths, 8, seed=1, epoch=0)
    assert order != batch_order(lengths, 8, seed=1, epoch=1)
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in order)
    assert spread / len(order) < 10  # similar lengths share a batch


def test_warmup_then_cosine():
    factors = [lr_factor(s, 100, 0.1) for s in range(100)]
    assert factors[0] == pytest.approx(0.1) and factors[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(factors[10:], factors[11:], strict=False))
    assert factors[-1] == pytest.approx(0.1, abs=0.01)
    assert math.isclose(lr_factor(0, 10, 0), 1.0)


def _fresh(prepared, dropout=0.0):
    model = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
    return add_lora(model, LoraSettings(r=4, alpha=8, dropout=dropout), seed=0)


def test_gradient_checkpointing_gives_the_same_training(setup):
    prepared, tok, train_set, val_set, root = setup
    results = []
    for ckpt in (False, True):
        model = _fresh(prepared)
        settings = TrainSettings(max_steps=3, batch_size=8, lr=1e-2, eval_every=3, save_every=0,
                                 gradient_checkpointing=ckpt)
        results.append(train(model, train_set, val_set, tok.pad_token_id, settings,
                             root / f"gc{ckpt}").best_eval_loss)
    assert results[0] == pytest.approx(results[1], rel=1e-5)


def test_early_stopping_keeps_the_best_weights(setup, monkeypatch):
    """Scripted validation losses: best at step 2, then two worse evals → stop at step 4 with
    the LoRA weights of step 2 back in the model."""
    import finetune.trainer as trainer_mod
    from finetune.checkpoint import lora_state

    prepared, tok, train_set, val_set, root = setup
    losses = iter([6.0, 5.0, 4.0, 4.5, 4.2, 3.0, 3.0])
    snapshots = []

    def scripted_eval(model, *args, **kwargs):
        snapshots.append(lora_state(model))
        return next(losses)

    monkeypatch.setattr(trainer_mod, "eval_loss", scripted_eval)
    model = _fresh(prepared)
    settings = TrainSettings(max_steps=40, batch_size=8, lr=1e-2, eval_every=1,
                             early_stopping_patience=2, save_every=0)
    result = train(model, train_set, val_set, tok.pad_token_id, settings, root / "es")
    assert result.stopped_early and result.steps == 4 and result.best_step == 2
    assert result.base_eval_loss == 6.0 and result.best_eval_loss == 4.0
    now = lora_state(model)
    assert all(torch.equal(now[k], snapshots[2][k]) for k in now)  # step-2 weights restored
    assert not all(torch.equal(now[k], snapshots[4][k]) for k in now)
