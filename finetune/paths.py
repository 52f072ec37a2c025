"""Where persona files, prepared bases and adapters live.

One personas directory holds everything persona-related::

    <personas_dir>/
      friend.yaml                  persona config (k2d personas new / show)
      friend/adapter/              the LoRA adapter (plain PEFT dir + tokenizer + k2d.json)
      bases/<base-slug>/           prepared bases (speaker tokens added, save_pretrained), shared

Resolution order: an explicit ``--personas-dir``, else ``./personas/`` when it exists, else
``$K2D_HOME/personas`` (``K2D_HOME`` defaults to the platform's user data dir).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "K2D_HOME"


def k2d_home() -> Path:
    """``$K2D_HOME``, else the platform's user data dir for k2d."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("k2d", appauthor=False))


def personas_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The personas directory in use (see module docstring for the order)."""
    if explicit is not None:
        return Path(explicit).expanduser()
    local = Path.cwd() / "personas"
    if local.is_dir():
        return local
    return k2d_home() / "personas"


def persona_file(slug: str, root: Path) -> Path:
    return root / f"{slug}.yaml"


def adapter_dir(slug: str, root: Path) -> Path:
    return root / slug / "adapter"


def bases_dir(root: Path) -> Path:
    return root / "bases"
