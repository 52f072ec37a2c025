"""``k2d serve``: OpenAI-compatible API over loopback, with the official openai client + httpx."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("torch")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
openai = pytest.importorskip("openai")

from test_bank_fixtures import make_personas  # noqa: E402

from finetune.bank import PersonaBank  # noqa: E402
from finetune.serve import ServeOptions, create_app, serve_in_thread  # noqa: E402

KEY = "test-key"
TIMEOUT = 30.0
MSGS = [{"role": "system", "content": "ignored"}, {"role": "user", "content": "밥 먹었어?"}]


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    root = make_personas(tmp_path_factory.mktemp("serve") / "personas", slugs=("friend", "mom"))
    return PersonaBank.from_personas_dir(root)


@pytest.fixture(scope="module")
def server(bank):
    # A wide gather window so two concurrent requests reliably meet in one batch.
    app = create_app(bank, ServeOptions(api_key=KEY, batch_window_ms=300, max_request_bytes=20_000,
                                        max_new_tokens_limit=64))
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=f"{server}/v1", api_key=KEY, timeout=TIMEOUT, max_retries=0)


def _post(server, body, key=KEY):
    headers = {"Authorization": f"Bearer {key}", "content-type": "application/json"}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{server}/v1/chat/completions", headers=headers, content=content,
                      timeout=TIMEOUT)


def test_models_lists_personas(client):
    assert sorted(m.id for m in client.models.list().data) == ["friend", "mom"]


def test_chat_completion_matches_the_bank(client, bank):
    out = client.chat.completions.create(model="friend", messages=MSGS, temperature=0,
                                         max_tokens=8)
    expected = bank.reply("friend", [("user", "밥 먹었어?")], temperature=0.0, max_new_tokens=8)
    assert out.choices[0].message.role == "assistant"
    assert out.choices[0].message.content == expected.text
    assert out.choices[0].finish_reason in {"stop", "length"}
    assert out.usage.completion_tokens == expected.completion_tokens
    assert out.model == "friend"


def test_assistant_messages_are_persona_turns(client, bank):
    msgs = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"},
            {"role": "user", "content": [{"type": "text", "text": "what's up"}]}]
    out = client.chat.completions.create(model="mom", messages=msgs, temperature=0, max_tokens=6)
    hist = [("user", "hi"), ("persona", "yo"), ("user", "what's up")]
    assert out.choices[0].message.content == bank.reply("mom", hist, temperature=0.0,
                                                        max_new_tokens=6).text


def test_streaming_gives_the_same_text(client):
    kw = dict(model="friend", messages=MSGS, temperature=0, max_tokens=8)
    full = client.chat.completions.create(**kw).choices[0].message.content
    chunks = list(client.chat.completions.create(stream=True, **kw))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == full
    assert chunks[-1].choices[0].finish_reason in {"stop", "length"}


def test_concurrent_requests_for_two_personas_share_one_batch(server, bank):
    before = bank.stats.batches
    bodies = [{"model": slug, "messages": MSGS, "temperature": 0, "max_tokens": 4}
              for slug in ("friend", "mom")]
    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(lambda b: _post(server, b), bodies))
    assert [r.status_code for r in responses] == [200, 200]
    metrics = httpx.get(f"{server}/metrics", headers={"Authorization": f"Bearer {KEY}"},
                        timeout=TIMEOUT).json()
    assert bank.stats.batches == before + 1  # both rows in ONE mixed batch
    assert metrics["max_batch_personas"] >= 2 and metrics["batch_sizes"].get("2", 0) >= 1


def _error(resp, status, code):
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["code"] == code and err["message"] and err["type"]
    return err


def test_errors_are_openai_style_and_the_server_keeps_serving(server, client):
    _error(_post(server, {"model": "nobody", "messages": MSGS}), 404, "model_not_found")
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nobody", messages=MSGS)
    _error(_post(server, b"{not json"), 400,
           "invalid_json")
    _error(_post(server, {"model": "friend"}), 400, "invalid_request")
    _error(_post(server, {"model": "friend", "messages": [{"role": "wizard", "content": "x"}]}),
           400, "invalid_request")
    _error(_post(server, {"model": "friend", "messages": MSGS, "max_tokens": 10_000}), 400,
           "invalid_value")
    _error(_post(server, {"model": "friend", "messages": [{"role": "system", "content": "x"}]}),
           400, "invalid_messages")
    long = [{"role": "user", "content": "see you tomorrow " * 300}]
    _error(_post(server, {"model": "friend", "messages": long}), 400, "context_length_exceeded")
    huge = [{"role": "user", "content": "x" * 30_000}]
    _error(_post(server, {"model": "friend", "messages": huge}), 413, "request_too_large")
    _error(_post(server, {"model": "friend", "messages": MSGS}, key="wrong"), 401,
           "invalid_api_key")
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{server}/v1", api_key="wrong", max_retries=0).models.list()
    _error(httpx.get(f"{server}/v1/nothing", timeout=TIMEOUT), 404, "not_found")
    ok = client.chat.completions.create(model="mom", messages=MSGS, max_tokens=3)
    assert ok.choices[0].message.content is not None


def test_stop_sequences_and_seed(client):
    kw = dict(model="friend", messages=MSGS, temperature=1.0, max_tokens=10, seed=5)
    a = client.chat.completions.create(**kw).choices[0].message.content
    b = client.chat.completions.create(**kw).choices[0].message.content
    assert a == b
    if a:
        cut = client.chat.completions.create(stop=[a[-1]], **kw).choices[0]
        assert cut.message.content == a[: a.index(a[-1])] and cut.finish_reason == "stop"


def test_raw_sse_ends_with_done(server):
    body = {"model": "mom", "messages": MSGS, "stream": True, "max_tokens": 3}
    with httpx.stream("POST", f"{server}/v1/chat/completions", json=body, timeout=TIMEOUT,
                      headers={"Authorization": f"Bearer {KEY}"}) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        lines = [ln for ln in resp.iter_lines() if ln.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    first = json.loads(lines[0][6:])
    assert first["object"] == "chat.completion.chunk"
    assert first["choices"][0]["delta"]["role"] == "assistant"


def test_openai_client_example(server, bank):
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "openai_client.py"
    proc = subprocess.run([sys.executable, str(example), "--base-url", f"{server}/v1",
                           "--api-key", KEY, "--persona", "mom", "--temperature", "0", "hi"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    expected = bank.reply("mom", [("user", "hi")], temperature=0.0).text
    assert proc.stdout.strip() == f"mom: {expected}"


def test_curl_style_bodies_without_a_json_content_type_are_read_as_json(server, bank):
    body = json.dumps({"model": "friend", "messages": MSGS, "temperature": 0,
                       "max_tokens": 8}).encode()
    expected = bank.reply("friend", [("user", "밥 먹었어?")], temperature=0.0, max_new_tokens=8)
    for ctype in ("application/x-www-form-urlencoded", None):  # curl -d; a bare client
        headers = {"Authorization": f"Bearer {KEY}"} | ({"content-type": ctype} if ctype else {})
        resp = httpx.post(f"{server}/v1/chat/completions", headers=headers, content=body,
                          timeout=TIMEOUT)
        assert resp.status_code == 200, resp.text
        assert resp.json()["choices"][0]["message"]["content"] == expected.text


def test_4xx_messages_say_what_was_expected(server):
    bad_json = _error(_post(server, b"{not json"), 400, "invalid_json")
    assert '"messages": [{"role": "user"' in bad_json["message"]
    missing = _error(_post(server, {"model": "friend"}), 400, "invalid_request")
    assert missing["message"].startswith("messages:") and "expected a JSON body" in missing["message"]
    route = _error(httpx.get(f"{server}/v1/nothing", timeout=TIMEOUT), 404, "not_found")
    assert "GET /v1/nothing" in route["message"] and "POST /v1/chat/completions" in route["message"]


def test_serve_checks_the_port_before_loading_any_model(tmp_path, monkeypatch):
    import socket

    from click.testing import CliRunner

    from finetune import serve_cli
    from kakao2dataset.cli import main

    def no_load(*_a, **_k):
        raise AssertionError("the model must not load when the port is taken")

    monkeypatch.setattr(serve_cli, "_bank_for", no_load)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--personas-dir", str(tmp_path),
                                           "--port", str(port)])
    finally:
        busy.close()
    assert result.exit_code == 1, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output
