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


def personas_root_of(adapter: Path) -> Path:
    """``<personas_dir>/<slug>/adapter`` → ``<personas_dir>``."""
    return Path(adapter).parent.parent


def portable_base(adapter: Path, base: str | os.PathLike) -> str:
    """How an adapter records its prepared base: relative to the personas dir when the base is
    inside it (``bases/<base-slug>``), so moving or copying the whole personas folder keeps
    every persona working; absolute otherwise (an adapter written outside a personas dir).

    Plain peft: ``PeftModel.from_pretrained(base_model, adapter_dir)`` never reads this field
    (you load the base yourself: :func:`resolve_base` shows how); ``AutoPeftModelForCausalLM``
    passes it to ``from_pretrained`` as is, i.e. relative to the working directory, so it works
    when run from the personas dir.
    """
    base, root = Path(base).resolve(), personas_root_of(Path(adapter).resolve())
    try:
        return base.relative_to(root).as_posix()
    except ValueError:
        return str(base)


def resolve_base(adapter: Path, stored: str, trained_path: str | None = None) -> str:
    """The inverse of :func:`portable_base`: a relative base is under the adapter's personas
    dir; an absolute one (older adapters, or written elsewhere) is used as it is.

    ``trained_path`` (k2d.json ``base.trained_path``: where the base was at training time) is
    the fallback when the relative one is not there: an adapter dir copied out of its personas
    folder on the same machine keeps finding its base.
    """
    if not stored:
        return trained_path or ""
    if Path(stored).is_absolute():
        return stored
    candidate = personas_root_of(Path(adapter)) / stored
    if candidate.exists() or not trained_path:
        return str(candidate)
    return trained_path
