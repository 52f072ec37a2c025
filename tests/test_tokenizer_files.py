"""Tokenizer folders written by k2d load in transformers 4.x as well as 5.x.

transformers 5 writes a class name and an ``extra_special_tokens`` list that 4.x cannot read;
``save_tokenizer`` writes the spelling both read. The 4.x half was checked by hand with
transformers 4.57.6 (``pip install --target``, tokenizers 0.22.1): the prepared tiny base
loads as ``PreTrainedTokenizerFast`` with the same ids and chat template. Here the 5.x half
runs for real: the portable files reload to exactly what was saved.
"""

import json

from transformers import AutoTokenizer

from finetune.prepared_base import prepare_base
from finetune.tokenizer_files import portable_config, save_tokenizer
from kakao2dataset.speakers import DEFAULT_TOKENS

SAMPLE = "<usr>내일 몇 시에 볼까?<eot><sys>일곱 시 어때<eot>"


def test_portable_config_renames_only_what_4x_cannot_read():
    config = {"tokenizer_class": "TokenizersBackend", "extra_special_tokens": ["<usr>", "<sys>"],
              "eos_token": "<|endoftext|>"}
    assert portable_config(config) == {"tokenizer_class": "PreTrainedTokenizerFast",
                                       "additional_special_tokens": ["<usr>", "<sys>"],
                                       "eos_token": "<|endoftext|>"}
    hub_style = {"tokenizer_class": "GPT2Tokenizer", "extra_special_tokens": {"x": "<x>"}}
    assert portable_config(hub_style) == hub_style  # a mapping and a 4.x class stay as they are


def test_prepared_base_tokenizer_is_portable_and_reloads_identically(tiny_gpt2_base, tmp_path):
    prepared = prepare_base(str(tiny_gpt2_base), DEFAULT_TOKENS, tmp_path / "bases")
    config = json.loads((prepared.path / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert "extra_special_tokens" not in config
    assert set(config["additional_special_tokens"]) >= {"<usr>", "<sys>", "<eot>"}

    loaded = AutoTokenizer.from_pretrained(prepared.path)
    resaved = save_tokenizer(loaded, tmp_path / "again")
    again = AutoTokenizer.from_pretrained(resaved)
    for tok in (loaded, again):
        assert [tok.convert_tokens_to_ids(t) for t in ("<usr>", "<sys>", "<eot>")] == [
            prepared.token_ids[r] for r in ("user", "persona", "end_of_turn")]
        assert tok(SAMPLE, add_special_tokens=False).input_ids == loaded(
            SAMPLE, add_special_tokens=False).input_ids
    assert again.chat_template == loaded.chat_template
    assert again.added_tokens_decoder == loaded.added_tokens_decoder
    assert len(again) == len(loaded) == prepared.vocab_size
