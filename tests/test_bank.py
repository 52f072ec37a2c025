"""PersonaBank: one base, many adapters, mixed batches equal to each persona alone."""

from __future__ import annotations

import json
import shutil
import warnings

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from test_bank_fixtures import make_personas  # noqa: E402

from finetune.bank import (  # noqa: E402
    BaseMismatchError,
    PersonaBank,
    PromptTooLongError,
    UnknownPersonaError,
)
from kakao2dataset.speakers import render_prompt  # noqa: E402

HIST_A = [("user", "밥 먹었어?")]
HIST_B = [("user", "hi"), ("persona", "yo"), ("user", "what are you doing lol")]
HIST_C = [("user", "おはよう"), ("persona", "ㅋㅋㅋ"), ("user", "今どこ")]


@pytest.fixture(scope="module")
def personas_dir(tmp_path_factory):
    return make_personas(tmp_path_factory.mktemp("bank") / "personas", slugs=("friend", "mom"))


@pytest.fixture(params=["stacked", "peft"])
def bank(personas_dir, request):
    """Every bank test runs with both ways of mixing personas in one batch."""
    return PersonaBank.from_personas_dir(personas_dir, mixing=request.param)


def test_personas_differ(bank):
    logits = bank.next_token_logits([("friend", HIST_A), ("mom", HIST_A)])
    assert (logits[0] - logits[1]).abs().max() > 1e-3


def test_mixed_batch_rows_equal_each_persona_alone(bank):
    rows = [("friend", HIST_A), ("mom", HIST_B), ("friend", HIST_C), ("mom", HIST_A)]
    mixed = bank.next_token_logits(rows)
    for i, row in enumerate(rows):
        alone = bank.next_token_logits([row])[0]
        torch.testing.assert_close(mixed[i], alone, atol=1e-4, rtol=1e-4)

    batched = bank.reply_batch(rows, temperature=0.0, max_new_tokens=10)
    for row, got in zip(rows, batched, strict=True):
        alone = bank.reply(row[0], row[1], temperature=0.0, max_new_tokens=10)
        assert got.text == alone.text and got.completion_tokens == alone.completion_tokens


def test_mixed_batch_is_one_batch_not_a_loop(bank):
    before = bank.stats.batches
    bank.reply_batch([("friend", HIST_A), ("mom", HIST_B)], max_new_tokens=3)
    assert bank.stats.batches == before + 1
    assert bank.stats.max_batch_personas == 2


def test_seeded_sampling_is_reproducible_in_and_out_of_a_batch(bank):
    kw = dict(temperature=1.0, top_p=0.95, max_new_tokens=10, seed=7)
    alone = bank.reply("friend", HIST_A, **kw)
    again = bank.reply("friend", HIST_A, **kw)
    in_batch = bank.reply_batch([("mom", HIST_B), ("friend", HIST_A)], **kw)[1]
    assert alone.text == again.text == in_batch.text


def test_load_unload_keeps_the_same_base(personas_dir):
    bank = PersonaBank.from_personas_dir(personas_dir, slugs=["friend"])
    base_id, weight = id(bank.base_model), bank.base_model.get_input_embeddings().weight
    before = bank.reply("friend", HIST_A, temperature=0.0).text
    bank.load("mom", personas_dir / "mom" / "adapter")
    assert bank.personas == ["friend", "mom"]
    bank.unload("mom")
    bank.unload("friend")
    assert bank.personas == []
    with pytest.raises(UnknownPersonaError):
        bank.reply("friend", HIST_A)
    bank.load("friend", personas_dir / "friend" / "adapter")
    assert id(bank.base_model) == base_id
    assert bank.base_model.get_input_embeddings().weight is weight
    assert bank.reply("friend", HIST_A, temperature=0.0).text == before


def test_mismatched_base_is_refused(personas_dir, tmp_path):
    bank = PersonaBank.from_personas_dir(personas_dir, slugs=["friend"])
    other = tmp_path / "other"
    shutil.copytree(personas_dir / "mom" / "adapter", other)
    cfg = json.loads((other / "adapter_config.json").read_text())
    cfg["base_model_name_or_path"] = str(tmp_path / "some-other-base")
    (other / "adapter_config.json").write_text(json.dumps(cfg))
    with pytest.raises(BaseMismatchError, match="trained on base"):
        bank.load("other", other)

    vocab = tmp_path / "vocab"
    shutil.copytree(personas_dir / "mom" / "adapter", vocab)
    meta = json.loads((vocab / "k2d.json").read_text())
    meta["base"]["vocab_size"] += 1
    (vocab / "k2d.json").write_text(json.dumps(meta))
    with pytest.raises(BaseMismatchError, match="vocabulary"):
        bank.load("vocab", vocab)
    assert bank.personas == ["friend"]


def test_prompt_is_render_prompt_cut_from_the_left(bank):
    ids = bank.encode_prompt("friend", HIST_B, max_new_tokens=8)
    assert bank.tokenizer.decode(ids) == render_prompt(HIST_B)
    long_history = [("user", "good morning " * 5), ("persona", "ok")] * 40 + HIST_A
    ids = bank.encode_prompt("friend", long_history, max_new_tokens=8)
    assert len(ids) <= bank.context_size - 8
    assert bank.tokenizer.decode(ids).endswith(render_prompt(HIST_A))
    with pytest.raises(PromptTooLongError):
        bank.encode_prompt("friend", [("user", "see you tomorrow " * 200)], max_new_tokens=8)


def test_stops_at_speaker_tokens(bank):
    eot = bank.tokenizer.convert_tokens_to_ids("<eot>")
    head = bank.base_model.get_output_embeddings()
    bias = torch.zeros(head.weight.shape[0])
    bias[eot] = 1e4  # force <eot> as the first token: the reply must be empty and "stop"
    old = head.bias
    head.bias = torch.nn.Parameter(bias)
    try:
        reply = bank.reply("friend", HIST_A, temperature=0.0)
    finally:
        head.bias = old
    assert reply.text == "" and reply.finish_reason == "stop"


def test_persona_settings_and_overrides(bank):
    assert bank.sampling("friend").max_new_tokens == 12  # from k2d.json
    reply = bank.reply("friend", HIST_A, max_new_tokens=3, temperature=0.0)
    assert reply.completion_tokens <= 3


def test_persona_yaml_generation_overrides_k2d_json(personas_dir, tmp_path):
    root = tmp_path / "personas"
    shutil.copytree(personas_dir, root, symlinks=True)
    (root / "friend.yaml").write_text("generation:\n  max_new_tokens: 5\n  temperature: 0.3\n",
                                      encoding="utf-8")
    # the copied adapters still point at the original prepared base: same base, so it loads
    bank = PersonaBank.from_personas_dir(root)
    assert bank.sampling("friend").max_new_tokens == 5
    assert bank.sampling("friend").temperature == 0.3
    assert bank.sampling("mom").max_new_tokens == 12


def test_stacked_mixing_equals_peft_mixing(personas_dir):
    rows = [("friend", HIST_A), ("mom", HIST_B), ("friend", HIST_C), ("mom", HIST_A)]
    peft_bank = PersonaBank.from_personas_dir(personas_dir, mixing="peft")
    stacked = PersonaBank.from_personas_dir(personas_dir, mixing="stacked")
    torch.testing.assert_close(stacked.next_token_logits(rows), peft_bank.next_token_logits(rows),
                               atol=1e-4, rtol=1e-4)
    kw = dict(temperature=0.0, max_new_tokens=10)
    assert [r.text for r in stacked.reply_batch(rows, **kw)] == \
        [r.text for r in peft_bank.reply_batch(rows, **kw)]
    stacked.unload("mom")  # the stacks are rebuilt after load/unload
    torch.testing.assert_close(stacked.next_token_logits(rows[:1]),
                               peft_bank.next_token_logits(rows[:1]), atol=1e-4, rtol=1e-4)
    # outside a batch the hooks are gone: the plain peft model is unchanged
    assert not any(m._forward_hooks for m in stacked.model.modules())


def test_auto_mixing_stacks_plain_lora_and_falls_back_to_peft_for_dora(personas_dir, tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from finetune.adapter import save_adapter
    from finetune.trainer import lora_targets

    bank = PersonaBank.from_personas_dir(personas_dir)  # mixing="auto"
    assert bank.mixing_in_use == "stacked"
    # A DoRA adapter on the same base: the stacked matmuls cannot express it.
    base = AutoModelForCausalLM.from_pretrained(bank.base_path)
    targets, conv1d = lora_targets(base)
    config = LoraConfig(r=4, target_modules=targets, fan_in_fan_out=conv1d, use_dora=True,
                        task_type="CAUSAL_LM")
    with warnings.catch_warnings():  # peft 0.21 reads a property transformers 5 deprecated
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing")
        dora = get_peft_model(base, config)
    meta = json.loads((personas_dir / "friend" / "adapter" / "k2d.json").read_text("utf-8"))
    meta["persona"] = {"slug": "dora", "display_name": "Dora"}
    save_adapter(dora, bank.tokenizer, tmp_path / "dora" / "adapter", meta)

    rows = [("friend", HIST_A), ("mom", HIST_B)]
    stacked_logits = bank.next_token_logits(rows)
    bank.load("dora", tmp_path / "dora" / "adapter")
    assert bank.mixing_in_use == "peft"
    torch.testing.assert_close(bank.next_token_logits(rows), stacked_logits, atol=1e-4, rtol=1e-4)
    bank.unload("dora")
    assert bank.mixing_in_use == "stacked"
    with pytest.raises(Exception, match="not possible"):
        strict = PersonaBank.from_personas_dir(personas_dir, mixing="stacked")
        strict.load("dora", tmp_path / "dora" / "adapter")
        strict.next_token_logits(rows)
