"""``k2d serve``: an OpenAI-compatible HTTP API over a PersonaBank (FastAPI + uvicorn).

    POST /v1/chat/completions   {"model": "<persona slug>", "messages": [...], "stream": false}
    GET  /v1/models             the loaded personas
    GET  /metrics               batching counters (how many rows / personas shared a forward)

Roles: ``user`` → the person talking to the persona, ``assistant`` → the persona's own earlier
turns; ``system`` / ``developer`` / ``tool`` messages are ignored (a persona adapter was trained
on chat turns, not instructions).

Batching: each request becomes a job on an asyncio queue. One worker takes the first job, waits
up to ``batch_window_ms`` for more (up to ``max_batch_size``), and runs them as ONE mixed-adapter
batch in a single model thread (so the event loop keeps accepting requests meanwhile).
Requests for different personas therefore share every forward pass of the one base.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from finetune.bank import PersonaBank, PromptTooLongError, Reply
from finetune.generation import SamplingSettings
from kakao2dataset.errors import K2DError
from kakao2dataset.speakers import PERSONA, USER

ROLE_MAP = {"user": USER, "assistant": PERSONA}  # everything else is ignored


class ApiError(Exception):
    """An error answered as OpenAI-style JSON: ``{"error": {message, type, code, param}}``."""

    def __init__(self, status: int, message: str, code: str,
                 type_: str = "invalid_request_error", param: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.type, self.param = (
            status, message, code, type_, param)

    def response(self) -> JSONResponse:
        body = {"message": self.message, "type": self.type, "code": self.code,
                "param": self.param}
        return JSONResponse({"error": body}, status_code=self.status)


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # clients send fields we do not use
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    seed: int | None = None
    n: int = Field(1, ge=1, le=1)
    stream: bool = False
    stop: str | list[str] | None = None


@dataclass
class ServeOptions:
    api_key: str | None = None
    max_batch_size: int = 8  # rows per mixed batch
    batch_window_ms: float = 10.0  # how long the first request waits for company
    max_request_bytes: int = 256_000  # larger bodies: 413
    max_new_tokens_limit: int = 512


@dataclass
class _Job:
    slug: str
    history: list[tuple[str, str]]
    settings: SamplingSettings
    future: asyncio.Future
    stream: asyncio.Queue | None = None
    ids: list[int] = field(default_factory=list)
    sent: str = ""


class Batcher:
    """Gathers jobs from concurrent requests into mixed-persona batches."""

    def __init__(self, bank: PersonaBank, max_batch_size: int, window_s: float):
        self.bank, self.max_batch_size, self.window_s = bank, max_batch_size, window_s
        self.queue: asyncio.Queue[_Job] = asyncio.Queue()
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="k2d-model")
        self.batch_sizes: Counter[int] = Counter()
        self.requests = 0

    async def submit(self, job: _Job) -> Reply:
        self.requests += 1
        await self.queue.put(job)
        return await job.future

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            deadline = loop.time() + self.window_s
            while len(batch) < self.max_batch_size:
                try:
                    batch.append(await asyncio.wait_for(self.queue.get(),
                                                        max(0.0, deadline - loop.time())))
                except asyncio.TimeoutError:  # (not the builtin before Python 3.11)
                    break
            batch = [j for j in batch if not j.future.done()]  # client gone / cancelled
            if batch:
                self.batch_sizes[len(batch)] += 1
                await loop.run_in_executor(self.executor, self._run, batch, loop)

    def _run(self, batch: list[_Job], loop: asyncio.AbstractEventLoop) -> None:
        """In the model thread: one mixed batch; results go back to the loop thread-safely."""

        def on_token(row: int, token: int) -> None:
            job = batch[row]
            if job.stream is None:
                return
            job.ids.append(token)
            text = self.bank.tokenizer.decode(job.ids, skip_special_tokens=True).lstrip()
            if text.endswith("\ufffd") or not text.startswith(job.sent):
                return  # half a UTF-8 character: wait for the next byte token
            delta, job.sent = text[len(job.sent):], text
            if delta:
                loop.call_soon_threadsafe(job.stream.put_nowait, delta)

        try:
            replies = self.bank.reply_batch([(j.slug, j.history) for j in batch],
                                            settings=[j.settings for j in batch],
                                            on_token=on_token)
        except Exception as exc:  # a bug or OOM: fail these requests, keep serving
            for job in batch:
                loop.call_soon_threadsafe(_settle, job.future, None, exc)
            return
        for job, reply in zip(batch, replies, strict=True):
            loop.call_soon_threadsafe(_settle, job.future, reply, None)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _settle(future: asyncio.Future, result, exc) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def history_from_messages(messages: list[ChatMessage]) -> list[tuple[str, str]]:
    """OpenAI messages → ``[(role, text)]`` for render_prompt (system/tool dropped)."""
    history = [(ROLE_MAP[m.role], m.text()) for m in messages if m.role in ROLE_MAP]
    if not history:
        raise ApiError(400, "messages need at least one 'user' or 'assistant' message",
                       "invalid_messages", param="messages")
    return history


def _apply_stop(reply: Reply, stop: str | list[str] | None) -> tuple[str, str]:
    text, reason = reply.text, reply.finish_reason
    for s in [stop] if isinstance(stop, str) else stop or []:
        if s and s in text:
            text, reason = text[: text.index(s)], "stop"
    return text, reason


def create_app(bank: PersonaBank, options: ServeOptions | None = None) -> FastAPI:
    """The FastAPI app serving every persona loaded in ``bank``."""
    opts = options or ServeOptions()
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        batcher = Batcher(bank, opts.max_batch_size, opts.batch_window_ms / 1000)
        state["batcher"] = batcher
        worker = asyncio.create_task(batcher.run())
        try:
            yield
        finally:
            worker.cancel()
            batcher.close()

    app = FastAPI(title="k2d personas", lifespan=lifespan)
    app.state.bank, app.state.k2d = bank, state

    async def check_key(request: Request) -> None:
        if opts.api_key is None:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {opts.api_key}".encode()):
            raise ApiError(401, "invalid or missing API key (Authorization: Bearer ...)",
                           "invalid_api_key")

    _install_error_handlers(app)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > opts.max_request_bytes:
            return ApiError(413, f"request body over {opts.max_request_bytes} bytes",
                            "request_too_large").response()
        if request.method == "POST":
            _assume_json(request.scope)
        return await call_next(request)

    @app.get("/v1/models", dependencies=[Depends(check_key)])
    async def list_models():
        return {"object": "list", "data": [_model_card(s) for s in bank.personas]}

    @app.get("/v1/models/{slug}", dependencies=[Depends(check_key)])
    async def get_model(slug: str):
        _require_persona(bank, slug)
        return _model_card(slug)

    @app.get("/metrics", dependencies=[Depends(check_key)])
    async def metrics():
        batcher: Batcher = state["batcher"]
        return {**bank.stats.__dict__, "requests": batcher.requests,
                "batch_sizes": {str(k): v for k, v in sorted(batcher.batch_sizes.items())}}

    @app.get("/health")
    async def health():
        return {"status": "ok", "personas": len(bank.personas)}

    @app.post("/v1/chat/completions", dependencies=[Depends(check_key)])
    async def chat_completions(body: ChatRequest):
        job = _make_job(bank, body, opts)
        if body.stream:
            job.stream = asyncio.Queue()
            return StreamingResponse(_sse(state["batcher"], job, body.model),
                                     media_type="text/event-stream")
        reply = await state["batcher"].submit(job)
        text, reason = _apply_stop(reply, body.stop)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion",
            "created": int(time.time()), "model": body.model,
            "choices": [{"index": 0, "finish_reason": reason,
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": reply.prompt_tokens,
                      "completion_tokens": reply.completion_tokens,
                      "total_tokens": reply.prompt_tokens + reply.completion_tokens},
        }

    return app


def _model_card(slug: str) -> dict:
    return {"id": slug, "object": "model", "created": 0, "owned_by": "k2d"}


def _require_persona(bank: PersonaBank, slug: str) -> None:
    if slug not in bank.personas:
        raise ApiError(404, f"The model '{slug}' does not exist; loaded personas: "
                       f"{bank.personas}", "model_not_found", param="model")


def _make_job(bank: PersonaBank, body: ChatRequest, opts: ServeOptions) -> _Job:
    """Validate a request fully before it joins a batch (bad rows never reach the model)."""
    _require_persona(bank, body.model)
    max_tokens = body.max_completion_tokens or body.max_tokens
    if max_tokens is not None and max_tokens > opts.max_new_tokens_limit:
        raise ApiError(400, f"max_tokens is {max_tokens}; this server allows at most "
                       f"{opts.max_new_tokens_limit}", "invalid_value", param="max_tokens")
    try:
        settings = bank.sampling(body.model).override(
            temperature=body.temperature, top_p=body.top_p, max_new_tokens=max_tokens,
            seed=body.seed)
        history = history_from_messages(body.messages)
        bank.encode_prompt(body.model, history, settings.max_new_tokens)
    except PromptTooLongError as exc:
        raise ApiError(400, str(exc), "context_length_exceeded", param="messages") from None
    except K2DError as exc:
        raise ApiError(400, str(exc), "invalid_value") from None
    return _Job(body.model, history, settings, asyncio.get_running_loop().create_future())


async def _sse(batcher: Batcher, job: _Job, model: str):
    """Server-sent events in OpenAI's ``chat.completion.chunk`` format, then ``[DONE]``."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict, reason: str | None = None) -> str:
        data = {"id": cid, "object": "chat.completion.chunk", "created": created,
                "model": model, "choices": [{"index": 0, "delta": delta,
                                             "finish_reason": reason}]}
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    task = asyncio.ensure_future(batcher.submit(job))
    try:
        while not task.done() or not job.stream.empty():
            getter = asyncio.ensure_future(job.stream.get())
            await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                yield chunk({"content": getter.result()})
            else:
                getter.cancel()
        reply = task.result()
    except Exception as exc:  # after the 200 header: report in-band, as OpenAI does
        err = {"error": {"message": str(exc), "type": "server_error", "code": "internal_error"}}
        yield f"data: {json.dumps(err)}\n\n"
        return
    finally:
        if not task.done():
            job.future.cancel()
    if reply.text.startswith(job.sent) and reply.text != job.sent:
        yield chunk({"content": reply.text[len(job.sent):]})
    yield chunk({}, reply.finish_reason)
    yield "data: [DONE]\n\n"


EXPECTED_BODY = ('expected a JSON body like {"model": "<persona>", "messages": '
                 '[{"role": "user", "content": "hi"}]}')
ROUTES = "POST /v1/chat/completions, GET /v1/models, GET /v1/models/NAME, GET /metrics, GET /health"


def _assume_json(scope: dict) -> None:
    """Treat a POST body as JSON unless it says it is JSON already.

    Why: ``curl -d '{...}'`` sends ``application/x-www-form-urlencoded`` and other quick
    clients send no type at all; every body this API takes is JSON, so reading it as JSON
    is what the sender meant. A body that is not JSON still gets the "not valid JSON" 400.
    """
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
    kept = [v for k, v in scope["headers"] if k == b"content-type" and b"json" in v.lower()]
    scope["headers"] = headers + [(b"content-type", kept[0] if kept else b"application/json")]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError):
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return ApiError(400, f"request body is not valid JSON; {EXPECTED_BODY}",
                            "invalid_json").response()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        detail = first.get("msg", "invalid request")
        msg = f"{where}: {detail}" if where else f"request body: {detail}"
        msg += f"; {EXPECTED_BODY}"
        return ApiError(400, msg, "invalid_request", param=where).response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        detail = str(exc.detail)
        if exc.status_code in (404, 405):
            detail = f"{request.method} {request.url.path}: {detail}; this server has {ROUTES}"
        return ApiError(exc.status_code, detail, code).response()

    @app.exception_handler(Exception)
    async def crash(_request: Request, exc: Exception):
        return ApiError(500, f"internal error: {type(exc).__name__}", "internal_error",
                        type_="server_error").response()


def bind_port(host: str, port: int):
    """Bind the listening socket now, before the model loads (seconds to minutes), so a port
    in use is a one-line error at once instead of after the load. uvicorn serves on it."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise K2DError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another "
                       "server running there? Pick a free port with --port N") from None
    return sock


@contextlib.contextmanager
def serve_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yields the base URL (tests, benchmarks).
    ``port=0`` picks a free port (the socket is bound here, so there is no race)."""

    import uvicorn

    sock = bind_port(host, port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
