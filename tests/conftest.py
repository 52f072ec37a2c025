"""Suite-wide fixtures: an isolated K2D_HOME, offline Hugging Face, and the tiny models."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from model_fixtures import *  # noqa: E402,F401,F403  (session-scoped tiny bases)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Point K2D_HOME at a temp dir and run from a clean cwd, so no test touches the real
    user dir or the repo's ./personas."""
    home = tmp_path_factory.mktemp("k2d-home")
    monkeypatch.setenv("K2D_HOME", str(home))
    work = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(work)
    return home
