"""Public KakaoTalk parsers on PyPI, measured by ``bench_parse.py`` next to ours.

They are installed at bench time with ``pip install --no-deps --target bench-out/peers/<name>``
(plus the light dependencies they lack), never into the project. Each runs only on the layouts
it claims to support, and returns the number of messages it produced, so the table can show
``found / expected`` (a fast parser that drops half the messages is not fast).

What each one is, read from its installed source:

* ``kakaotalkparse`` 0.4: Windows PC Korean (``[name] [오후 2:31] text``, 15-hyphen day lines,
  CRLF), and iOS-style ``2019. 12. 22. 오후 2:22, name : text`` records under a ``2024년 1월
  5일 금요일`` day line. ``parse`` returns one dict per line; continuation lines are
  ``type: append``. It concatenates a list per day (quadratic), hence the timeout.
* ``kakaotalk-msg-preprocessor`` 0.13: ``check_export_file_type`` + ``parse``; window_ko (PC
  Korean), android_ko (``2024년 1월 5일 오후 3:04, name : text``), android_en (``January 5,
  2024, 3:04 PM, name : text``). Opens files with the locale encoding (we run it with UTF-8).
* ``kakao-chat-parser`` 0.0.1: ``ChatParser(path)``; keeps lines of the iOS Korean shape that
  split into exactly three parts on ``:`` (so any text with a colon is dropped, and lines of
  multi-line messages are lost).
* ``kakao-analyzer`` 1.0.2: a Mac CSV loader (``KakaoDataLoader.load_csv``, pandas) inside an
  analysis package that depends on torch / sentence-transformers; we import only the loader
  module. It drops every message mentioning 사진/동영상/파일/이모티콘 as "system".
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Peer:
    name: str  # the PyPI name, also the folder under bench-out/peers/
    version: str
    variants: tuple[str, ...]  # support-table layouts it claims
    extra: tuple[str, ...]  # light dependencies installed next to it when missing
    module: str  # imported before the clock starts
    run: Callable[[str], int]  # path → messages produced (imported inside the worker)
    note: str


def _kakaotalkparse(path: str) -> int:
    from kakaotalkparse import KakaoTalkParse

    parser = KakaoTalkParse()
    parser.open(path)
    items = parser.parse()
    return sum(1 for item in items if item.get("type") != "append")


def _msg_preprocessor(path: str) -> int:
    from kakaotalk_msg_preprocessor import kakaotalk_msg_preprocessor as kmp

    file_type = kmp.check_export_file_type(path)
    if file_type is None:
        raise RuntimeError("check_export_file_type did not recognise the file")
    return len(kmp.parse(file_type, path))


def _chat_parser(path: str) -> int:
    from kakao_chat_parser import ChatParser

    return len(ChatParser(path).get_chat())


def _analyzer(path: str) -> int:
    import logging

    logging.disable(logging.CRITICAL)
    from kakao_analyzer.io_loader import KakaoDataLoader  # not the package's torch modules

    return len(KakaoDataLoader().load_csv(path))


PEERS = {
    peer.name: peer
    for peer in [
        Peer(
            "kakaotalkparse",
            "0.4",
            ("K1", "K1'", "K6"),
            ("python-dateutil", "pytz"),
            "kakaotalkparse",
            _kakaotalkparse,
            "PC Korean + iOS Korean records; quadratic list concatenation",
        ),
        Peer(
            "kakaotalk-msg-preprocessor",
            "0.13",
            ("K1", "K1'", "K4", "K5"),
            (),
            "kakaotalk_msg_preprocessor.kakaotalk_msg_preprocessor",
            _msg_preprocessor,
            "window_ko / android_ko / android_en",
        ),
        Peer(
            "kakao-chat-parser",
            "0.0.1",
            ("K6", "K6h"),
            (),
            "kakao_chat_parser",
            _chat_parser,
            "iOS Korean lines with exactly two ':'",
        ),
        Peer(
            "kakao-analyzer",
            "1.0.2",
            ("K3",),
            (),
            "kakao_analyzer.io_loader",
            _analyzer,
            "Mac CSV via pandas; loader module only (package needs torch)",
        ),
    ]
}


def target(root: Path, name: str) -> Path:
    return root / "peers" / name


def install(root: Path, peer: Peer, log=print) -> str | None:
    """Install ``peer`` into its own folder (once); return None, or why it is unavailable."""
    folder = target(root, peer.name)
    marker = folder / ".installed"
    if marker.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [f"{peer.name}=={peer.version}"]
    for dep in peer.extra:
        module = {"python-dateutil": "dateutil"}.get(dep, dep)
        probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
        if probe.returncode != 0:
            wanted.append(dep)
    log(f"installing {' '.join(wanted)} into {folder}")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--upgrade",
            "--target",
            str(folder),
            *wanted,
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        lines = [x for x in done.stderr.splitlines() if x.strip() and "WARNING" not in x]
        return "pip install failed: " + (lines[-1] if lines else f"exit {done.returncode}")
    marker.write_text(" ".join(wanted) + "\n")
    return None


def prepare_in_worker(root: Path, name: str) -> Callable[[str], int]:
    """Called inside the measuring subprocess, before the clock starts: make the peer
    importable, import it, and return its ``path → messages`` function."""
    import importlib

    sys.path.insert(0, str(target(root, name)))
    peer = PEERS[name]
    importlib.import_module(peer.module)
    return peer.run
