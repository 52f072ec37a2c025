"""``k2d names`` lists the people the anonymizer learns (to the terminal or a file the user
keeps, never into the dataset, the manifest or a log), and ``k2d parse --deny-file`` /
``--allow-file`` take the user's own lists. Every name here is made up."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner

from kakao2dataset.anonymize.config import read_word_list
from kakao2dataset.cli import main
from kakao2dataset.errors import ConfigError
from kakao2dataset.synthetic import render
from kakao2dataset.synthetic.conversation import SyntheticMessage, generate_persona_chat

ME, FRIEND = "이준호", "김민지"
# Third parties: 가을 (also a word) in several forms, 하준, and 솔 whom only the user knows.
MENTIONS = [
    "가을이가 그러는데 내일 온대", "김가을 어제 왔어", "가으리가 또 웃더라", "가을아 뭐해",
    "하준이랑 밥 먹었어", "하준 알지?", "솔 선배 말이야", "가을비 온다 가을 좋다",
]


@pytest.fixture
def chat(tmp_path):
    conversation = generate_persona_chat(seed=3, sessions=20, speakers=(ME, FRIEND))
    messages = list(conversation.messages)
    for i, text in enumerate(MENTIONS):  # the user says each, somewhere in the chat
        at = messages[5 + 9 * i]
        messages.insert(6 + 9 * i, SyntheticMessage(at.timestamp + timedelta(seconds=1), ME, text))
    path = tmp_path / "chat.txt"
    path.write_bytes(render(replace(conversation, messages=tuple(messages)), "K1").data)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_names_lists_each_person_with_their_forms(chat):
    result = run("names", chat, "--persona-speaker", FRIEND, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    people = {p["name"]: p for p in report["people"]}
    assert {"가을", "하준"} <= set(people)
    assert people["가을"]["context_only"] and people["가을"]["full_names"] == ["김가을"]
    assert people["가을"]["seen"]["김가을"] == 1 and "가을이가" in people["가을"]["seen"]
    assert not people["하준"]["context_only"]
    assert "민지" not in people and "준호" not in people  # the speakers are not third parties


def test_names_writes_only_the_file_asked_for(chat, tmp_path):
    target = tmp_path / "mine" / "names.txt"
    result = run("names", chat, "--me", ME, "-o", target)
    assert result.exit_code == 0, result.output
    text = target.read_text("utf-8")
    assert "가을" in text and "<NAME_" in text
    assert "가을" not in result.output  # only the count reaches the terminal
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["chat.txt", "names.txt"]


def test_names_output_never_reaches_pairs_manifest_or_logs(chat, tmp_path):
    listing = run("names", chat, "--me", ME, "-o", tmp_path / "names.txt")
    assert listing.exit_code == 0
    out = tmp_path / "out"
    result = run("parse", chat, "--me", ME, "-o", out)
    assert result.exit_code == 0, result.output
    for name in ("conversations.jsonl", "manifest.json"):
        written = (out / name).read_text("utf-8")
        assert "가을이" not in written and "김가을" not in written and "가으리" not in written
        assert "하준" not in written
    assert "가을" not in result.output and "하준" not in result.output  # the command's log
    pairs = (out / "conversations.jsonl").read_text("utf-8")
    assert "가을비" in pairs  # the word stays a word


def test_deny_file_removes_every_form_and_allow_file_keeps_a_word(chat, tmp_path):
    deny, allow = tmp_path / "deny.txt", tmp_path / "allow.txt"
    deny.write_text("# friends the detector may miss\n김솔\n\n", encoding="utf-8")
    allow.write_text("하준  # our dog, not a person\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("parse", chat, "--me", ME, "--deny-file", deny, "--allow-file", allow, "-o", out)
    assert result.exit_code == 0, result.output
    pairs = (out / "conversations.jsonl").read_text("utf-8")
    assert "솔 선배" not in pairs and "<REDACTED> 선배 말이야" in pairs
    assert "하준 알지?" in pairs
    manifest = (out / "manifest.json").read_text("utf-8")
    assert "김솔" not in manifest and "deny.txt" not in manifest


def test_word_lists_skip_comments_and_name_the_bad_line(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("# mine\n가을\n  하준 # a friend\n가을\n", encoding="utf-8")
    assert read_word_list(path) == ["가을", "하준"]
    path.write_text("가을\n" + "가" * 80 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"list\.txt:2: expected one name per line"):
        read_word_list(path)
    path.write_bytes(b"\xff\xfe\x00garbage\xff")
    with pytest.raises(ConfigError, match="UTF-8"):
        read_word_list(path)
