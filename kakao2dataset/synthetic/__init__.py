"""A seeded synthetic chat writer: one conversation, rendered in every supported format.

Tests parse each rendering back and compare with the truth; benchmarks render large files;
the README demo ships renderings in ``examples/``. Everything here is made up — no real
person's chat is ever in this repository.

Renderers are registered per support-table variant id (``"K1"``, ``"L3"``, …) by the modules
of this package (``kakao.py``, ``line.py``)::

    conv = generate_conversation(seed=7, n_messages=120)
    rendered = render(conv, "K4")       # → Rendered(data=b"...", expected=[...])
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from kakao2dataset.synthetic.conversation import (
    Conversation,
    SyntheticMessage,
    generate_conversation,
)
from kakao2dataset.synthetic.messy import Messy


@dataclass(frozen=True)
class Rendered:
    """One export file rendered from a conversation, and what parsing it must give back.

    ``expected`` holds the messages as the export shows them (speaker as exported, e.g.
    ``회원님`` for the exporting user on older phones; placeholder text in the export's
    language; timestamps at the export's resolution)."""

    variant: str
    filename: str
    data: bytes
    expected: list[SyntheticMessage]


Renderer = Callable[[Conversation], Rendered]
_RENDERERS: dict[str, Renderer] = {}
_LOADED = False


def renderer(variant: str) -> Callable[[Renderer], Renderer]:
    """Decorator registering the renderer of one support-table variant."""

    def wrap(fn: Renderer) -> Renderer:
        if variant in _RENDERERS:
            raise ValueError(f"renderer for {variant!r} registered twice")
        _RENDERERS[variant] = fn
        return fn

    return wrap


def _load_all() -> None:
    global _LOADED
    if not _LOADED:
        for info in pkgutil.iter_modules(__path__):
            if info.name not in {"conversation", "messy"} and not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")
        _LOADED = True


def variants() -> list[str]:
    _load_all()
    return sorted(_RENDERERS)


def render(conversation: Conversation, variant: str, messy: Messy | None = None) -> Rendered:
    """``variant``'s export of ``conversation``; with ``messy``, as inconsistent as real files
    are (see :mod:`.messy`): ``expected`` is then what the inconsistent-file rules read back."""
    _load_all()
    if messy is None:
        return _RENDERERS[variant](conversation)
    return _RENDERERS[variant](messy.apply(conversation, variant), messy=messy)


__all__ = [
    "Conversation", "Messy", "Rendered", "SyntheticMessage", "generate_conversation", "render",
    "renderer", "variants",
]
