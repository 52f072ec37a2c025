"""axolotl's own ``chat_template`` strategy, on the ``messages`` export of a synthetic chat,
builds exactly k2d's loss mask (examples/trainers/check_axolotl.py). axolotl does not install
next to the pinned transformers/peft: this runs where its wheel is on the path without its
dependencies (see the script's docstring) and is skipped elsewhere."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("axolotl.prompt_strategies.chat_template",
                    reason="axolotl wheel not on the path (pip install --no-deps --target ...)")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "trainers"))

import check_axolotl  # noqa: E402
from test_trainer_masks_trl import data_and_base  # noqa: E402,F401  (same synthetic chat)


def test_axolotl_roles_to_train_with_eot_tokens_is_k2ds_mask(data_and_base):  # noqa: F811
    data, base = data_and_base
    tally = check_axolotl.check_messages(data, base, max_length=512)
    assert tally.differ == [] and tally.agree == 4


def test_without_eot_tokens_the_eot_is_not_trained(data_and_base):  # noqa: F811
    """The README's warning, run: axolotl then trains the eos, not ``<eot>``."""
    data, base = data_and_base
    assert check_axolotl.check_messages(data, base, max_length=512, eot_tokens=None).differ
