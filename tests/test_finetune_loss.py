"""The loss with the output head run only where a label follows equals the full forward's loss
(value and LoRA gradients), through peft, on GPT-2 and Llama; and the validation metric equals
the model's own per-token loss, example by example, with and without the adapter."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer

from finetune.config import LoraSettings
from finetune.data import Dialogue, Pair, collate, encode_dialogue, encode_pair
from finetune.prepared_base import prepare_base
from finetune.trainer import add_lora, eval_loss, loss_sum
from kakao2dataset.speakers import DEFAULT_TOKENS

CONVERSATION = Dialogue([("user", "밥 먹었어?"), ("persona", "먹었다냥 ㅋㅋㅋ"), ("user", "뭐 먹었어"),
                         ("persona", "라면이다냥"), ("user", "hello"), ("persona", "안녕 ㅋㅋ")],
                        0, "train", "c.jsonl:1")
PAIRS = [Pair([("user", "어디야?")], "집이다냥", "validation", "c.jsonl:2"),
         Pair([("persona", "잘 자"), ("user", "내일 봐")], "응 내일 봐 ㅋㅋㅋ", "validation", "c.jsonl:3")]


@pytest.fixture(scope="module", params=["gpt2", "llama"])
def lora_model(request, tiny_gpt2_base, tiny_llama_base, tmp_path_factory):
    """A tiny base with speaker tokens and LoRA whose B is not zero (so the adapter counts)."""
    base = tiny_gpt2_base if request.param == "gpt2" else tiny_llama_base
    prepared = prepare_base(str(base), DEFAULT_TOKENS, tmp_path_factory.mktemp("loss") / "bases")
    tok = AutoTokenizer.from_pretrained(prepared.path)
    model = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
    model = add_lora(model, LoraSettings(r=4, alpha=8, dropout=0.0), seed=0)
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    return model.eval(), tok


def _batch(tok):
    """A packed conversation and two pairs in one right-padded batch (rows of other lengths)."""
    examples = encode_dialogue(CONVERSATION, tok, DEFAULT_TOKENS, 128)
    examples += [encode_pair(p, tok, DEFAULT_TOKENS, 128) for p in PAIRS]
    return collate(examples, tok.pad_token_id)


def _full_loss(model, batch):
    """The reference: logits at every position, cross-entropy over the shifted labels."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)),
                           batch["labels"][:, 1:].reshape(-1), ignore_index=-100, reduction="sum")


def _value_and_grads(model, loss_fn, batch):
    model.zero_grad(set_to_none=True)
    loss = loss_fn(model, batch)
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}
    model.zero_grad(set_to_none=True)
    return loss.item(), grads


def test_head_on_loss_positions_gives_the_full_loss_and_the_same_gradients(lora_model):
    model, tok = lora_model
    batch = _batch(tok)
    n_loss = int((batch["labels"][:, 1:] != -100).sum())
    assert 0 < n_loss < 0.6 * batch["attention_mask"].sum()  # many positions need no logits
    new, new_grads = _value_and_grads(model, lambda m, b: loss_sum(m, b, "cpu", None), batch)
    full, full_grads = _value_and_grads(model, _full_loss, batch)
    assert new == pytest.approx(full, rel=1e-5)
    assert new_grads.keys() == full_grads.keys() and len(new_grads) > 0
    for name, grad in full_grads.items():
        assert grad.abs().sum() > 0, name  # every LoRA weight gets a gradient
        torch.testing.assert_close(new_grads[name], grad, rtol=1e-5, atol=1e-7, msg=name)


def test_a_lora_on_the_output_head_still_runs_on_the_selected_positions(tiny_llama_base,
                                                                       tmp_path_factory):
    prepared = prepare_base(str(tiny_llama_base), DEFAULT_TOKENS,
                            tmp_path_factory.mktemp("head") / "bases")
    tok = AutoTokenizer.from_pretrained(prepared.path)
    model = AutoModelForCausalLM.from_pretrained(prepared.path, dtype=torch.float32)
    settings = LoraSettings(r=4, alpha=8, dropout=0.0, target_modules=["q_proj", "lm_head"])
    model = add_lora(model, settings, seed=0).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    batch = _batch(tok)
    new, new_grads = _value_and_grads(model, lambda m, b: loss_sum(m, b, "cpu", None), batch)
    full, full_grads = _value_and_grads(model, _full_loss, batch)
    assert new == pytest.approx(full, rel=1e-5)
    head = [n for n in full_grads if "lm_head" in n]
    assert head and all(full_grads[n].abs().sum() > 0 for n in head)
    for name, grad in full_grads.items():
        torch.testing.assert_close(new_grads[name], grad, rtol=1e-5, atol=1e-7, msg=name)


def test_validation_metric_equals_the_models_own_loss_per_persona_token(lora_model):
    model, tok = lora_model
    examples = [encode_pair(p, tok, DEFAULT_TOKENS, 128) for p in PAIRS]
    examples += encode_dialogue(CONVERSATION, tok, DEFAULT_TOKENS, 128)

    def reference() -> float:  # transformers' own shifted mean loss, one example at a time
        total = count = 0.0
        with torch.no_grad():
            for ex in examples:
                out = model(input_ids=torch.tensor([ex.ids]), labels=torch.tensor([ex.labels()]))
                n = sum(label != -100 for label in ex.labels()[1:])
                total, count = total + out.loss.item() * n, count + n
        return total / count

    for batch_size in (1, 3):
        assert eval_loss(model, examples, tok.pad_token_id, batch_size, "cpu") == pytest.approx(
            reference(), rel=1e-5)
    with model.disable_adapter():  # the base's zero-shot figure goes through the same code
        assert eval_loss(model, examples, tok.pad_token_id, 2, "cpu") == pytest.approx(
            reference(), rel=1e-5)
