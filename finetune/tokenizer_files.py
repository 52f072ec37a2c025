"""Tokenizer files that transformers 4.x and 5.x both load to the same token ids.

Adapters and merged models leave this project: other apps load them with whatever
transformers they pin, and many still pin 4.x. transformers 5 writes two things into
``tokenizer_config.json`` that 4.x cannot read (tried with 4.57.6):

* ``"tokenizer_class": "TokenizersBackend"``, a class 4.x does not have ("Tokenizer class
  TokenizersBackend does not exist"). 5.x keeps ``PreTrainedTokenizerFast`` as an alias of
  that very class, and 4.x has it, so that name loads the same ``tokenizer.json`` in both.
* ``"extra_special_tokens"`` as a list (the speaker tokens), where 4.x expects a mapping
  ("'list' object has no attribute 'keys'"). Both versions read the list under its older
  name ``additional_special_tokens``.

Nothing else changes: the vocabulary, merges and added tokens live in ``tokenizer.json`` and
the chat template in ``chat_template.jinja``, which both versions read. ``save_tokenizer`` is
the one place the project saves a tokenizer: it lets ``save_pretrained`` write the folder,
then rewrites that one config file in place, inside the caller's temporary folder, before the
caller publishes the folder atomically (nobody ever sees the 5.x-only config).
"""

from __future__ import annotations

import json
from pathlib import Path

from kakao2dataset.writers import write_text

CONFIG_FILE = "tokenizer_config.json"
# transformers 5's name → the alias both 4.x and 5.x resolve to the same fast tokenizer.
PORTABLE_CLASS = {"TokenizersBackend": "PreTrainedTokenizerFast"}


def portable_config(config: dict) -> dict:
    """``tokenizer_config.json`` as both transformers 4.x and 5.x read it (see module doc)."""
    out = dict(config)
    cls = out.get("tokenizer_class")
    if cls in PORTABLE_CLASS:
        out["tokenizer_class"] = PORTABLE_CLASS[cls]
    extra = out.get("extra_special_tokens")
    if isinstance(extra, list):
        del out["extra_special_tokens"]
        if extra:
            out["additional_special_tokens"] = extra
    return out


def save_tokenizer(tokenizer, directory: str | Path) -> Path:
    """``tokenizer.save_pretrained(directory)`` (the full tokenizer with its added tokens,
    never the vocabulary files alone), with a config transformers 4.x can also load."""
    directory = Path(directory)
    tokenizer.save_pretrained(directory)
    path = directory / CONFIG_FILE
    config = json.loads(path.read_text(encoding="utf-8"))
    write_text(path, json.dumps(portable_config(config), indent=2, sort_keys=True,
                                ensure_ascii=False) + "\n")
    return directory
