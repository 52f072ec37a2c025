"""Fail fast when the base model cannot be had: before any download is tried.

Why: with a hub id, no local copy and no network, transformers retries for about a minute and
then raises an error that never mentions ``--base``. A new user on a laptop without the hub
should instead learn at once how to go on: train on a local model directory.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

from kakao2dataset.errors import K2DError

TRUE = {"1", "true", "yes", "on"}
HINT = ("use a local model with --base DIR (a tiny offline smoke-test base: "
        "`k2d base tiny DIR`, then --base DIR)")


def check_base_reachable(base: str, bases_dir: Path, *, probe_timeout: float = 3.0) -> None:
    """Raise a one-line :class:`K2DError` naming ``--base DIR`` when ``base`` is a hub id that
    is neither prepared, nor in the local Hugging Face cache, nor downloadable (offline mode or
    no network). Local directories and prepared bases pass without touching the network."""
    from finetune.prepared_base import base_slug

    if (bases_dir / base_slug(base)).exists() or Path(base).expanduser().exists():
        return
    if _looks_like_path(base):
        raise K2DError(f"base directory {base!r} does not exist; {HINT}")
    if _in_hf_cache(base):
        return
    if offline_mode():
        raise K2DError(f"base {base!r} is not in the local Hugging Face cache and HF_HUB_OFFLINE "
                       f"is set; {HINT}")
    host = urlparse(hub_endpoint()).hostname or "huggingface.co"
    if not reachable(host, 443, probe_timeout):
        raise K2DError(f"base {base!r} is not in the local Hugging Face cache and {host} cannot "
                       f"be reached (no network?); {HINT}")


def offline_mode() -> bool:
    return any(os.environ.get(v, "").strip().lower() in TRUE
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT") or "https://huggingface.co"


def reachable(host: str, port: int, timeout: float) -> bool:
    """One TCP connect (DNS included), no retries: the question is only "is there a route"."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _looks_like_path(base: str) -> bool:
    """``./model``, ``/data/model``, ``~/m``, ``a/b/c``: a path; ``org/name``: a hub id."""
    return base.startswith((".", "/", "~")) or base.count("/") > 1 or os.sep != "/" and os.sep in base


def _in_hf_cache(base: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    try:
        return isinstance(try_to_load_from_cache(base, "config.json"), str)
    except Exception:  # an id the hub library rejects is simply not cached
        return False
