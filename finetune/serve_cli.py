"""``k2d chat``, ``k2d serve`` and ``k2d export-merged``: using trained personas.

All three read adapters from the personas directory (``<personas_dir>/<slug>/adapter/``).
``chat`` and ``serve`` load the base once into a PersonaBank and put every persona on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from finetune.paths import adapter_dir, personas_dir
from kakao2dataset.errors import K2DError, MissingExtraError

PERSONAS_DIR = click.option(
    "--personas-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Personas directory (default: ./personas if present, else $K2D_HOME/personas).")

CHAT_HELP = """Talk to a trained persona in the terminal.

\b
Commands inside the chat:
  /reset          forget the conversation so far
  /persona NAME   switch to another persona (same base; history is reset)
  /quit           leave (Ctrl-D works too)

Piped input works: each line is one message, each reply exactly one line on stdout (a
newline inside a reply is written as the two characters \\n); --jsonl writes one JSON object
per reply instead ({"persona", "input", "reply"}: exact text, nothing escaped).

\b
Example:
  k2d chat --persona friend
  printf 'hi\\nwhat are you doing\\n' | k2d chat --persona friend --seed 0
  printf 'hi\\n' | k2d chat --persona friend --jsonl | jq -r .reply
"""


def _sampling_options(f):
    for opt in reversed([
        click.option("--temperature", type=float, default=None,
                     help="Sampling temperature (0 = greedy). Default: the persona's."),
        click.option("--top-p", type=float, default=None, help="Nucleus sampling mass."),
        click.option("--max-new-tokens", type=int, default=None, help="Longest reply, tokens."),
        click.option("--seed", type=int, default=None, help="Make replies reproducible."),
    ]):
        f = opt(f)
    return f


def _bank_for(root: Path, slugs: list[str] | None, mixing: str):
    from finetune.bank import PersonaBank

    _quiet_transformers()
    return PersonaBank.from_personas_dir(root, slugs, mixing=mixing)


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging
    except ModuleNotFoundError as exc:
        raise MissingExtraError("train", exc.name or "transformers") from None
    hf_logging.disable_progress_bar()


class ChatSession:
    """The chat loop's state: which persona, the history, and the slash commands."""

    def __init__(self, bank, slug: str, root: Path, overrides: dict, out, err):
        self.bank, self.slug, self.root = bank, slug, root
        self.overrides, self.out, self.err = overrides, out, err
        self.history: list[tuple[str, str]] = []

    def command(self, line: str) -> bool:
        """Handle ``/...``; returns False to quit."""
        name, _, arg = line[1:].partition(" ")
        if name in {"quit", "exit", "q"}:
            return False
        if name == "reset":
            self.history = []
            self.err("(history cleared)")
        elif name == "persona" and arg.strip():
            self.switch(arg.strip())
        else:
            self.err("commands: /reset, /persona NAME, /quit")
        return True

    def switch(self, slug: str) -> None:
        if slug not in self.bank.personas:
            try:
                self.bank.load(slug, adapter_dir(slug, self.root))
            except K2DError as exc:
                self.err(f"cannot switch to {slug!r}: {exc}")
                return
        self.slug, self.history = slug, []
        self.err(f"(now talking to {slug}; history cleared)")

    def say(self, text: str) -> str | None:
        overrides = dict(self.overrides)
        if overrides.get("seed") is not None:  # reproducible, but not the same draw every turn
            overrides["seed"] += len(self.history)
        turns = self.history + [("user", text)]
        try:
            reply = self.bank.reply(self.slug, turns, **overrides)
        except K2DError as exc:
            self.err(f"error: {exc}")
            return None
        self.history = turns + [("persona", reply.text)]
        return reply.text


@click.command(help=CHAT_HELP)
@click.option("--persona", "slug", required=True, help="Persona slug to talk to.")
@PERSONAS_DIR
@_sampling_options
@click.option("--max-turns", type=int, default=16, show_default=True,
              help="Most recent turns kept in the prompt.")
@click.option("--jsonl", is_flag=True, help="One JSON object per reply on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No notices on stderr.")
def chat(slug, personas_dir: Path | None, temperature, top_p, max_new_tokens, seed, max_turns,
         jsonl, quiet):
    root = personas_dir_or_default(personas_dir)
    from finetune.bank import PersonaBank

    _quiet_transformers()
    if not (adapter_dir(slug, root) / "adapter_config.json").is_file():
        raise K2DError(f"persona {slug!r} has no trained adapter; run "
                       f"`k2d finetune --persona {slug}` first", path=str(adapter_dir(slug, root)))
    bank = PersonaBank.for_adapter(adapter_dir(slug, root), slug, max_turns=max_turns)
    overrides = dict(temperature=temperature, top_p=top_p, max_new_tokens=max_new_tokens,
                     seed=seed)
    stdin = sys.stdin
    interactive = stdin.isatty()

    def err(msg: str) -> None:
        if not quiet or msg.startswith(("error", "cannot")):
            click.echo(msg, err=True)

    session = ChatSession(bank, slug, root, overrides, click.echo, err)
    if interactive:
        err(f"chatting with {slug} (/reset, /persona NAME, /quit)")
    while True:
        if interactive:
            click.echo("you> ", nl=False, err=True)
        line = stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line.startswith("/"):
            if not session.command(line):
                break
            continue
        reply = session.say(line)
        if reply is None:
            continue
        if jsonl:
            click.echo(json.dumps({"persona": session.slug, "input": line, "reply": reply},
                                  ensure_ascii=False))
        else:
            click.echo(f"{session.slug}> {reply}" if interactive else one_line(reply))


def one_line(text: str) -> str:
    r"""A reply as one output line, so piped readers get one line per reply.

    >>> print(one_line("ㅋㅋ\r\n밥 먹었어?"))
    ㅋㅋ\n밥 먹었어?
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def personas_dir_or_default(explicit: Path | None) -> Path:
    return personas_dir(explicit)


@click.command(help="""Serve personas over an OpenAI-compatible HTTP API.

\b
POST /v1/chat/completions  with "model": "<persona slug>" (stream: true supported)
GET  /v1/models            the personas being served
GET  /metrics              batching counters

Concurrent requests, also for different personas, are batched into one forward pass on the
shared base. Listens on 127.0.0.1 unless --host says otherwise; use --api-key beyond loopback.

A POST body is read as JSON whatever its Content-Type says (curl -d sends a form type).

\b
Example:
  k2d serve --port 8000
  curl localhost:8000/v1/chat/completions -H 'Content-Type: application/json' \\
       -d '{"model":"friend","messages":[{"role":"user","content":"hi"}]}'
""")
@PERSONAS_DIR
@click.option("--persona", "slugs", multiple=True,
              help="Serve only these personas (repeatable). Default: all trained ones.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--api-key", envvar="K2D_API_KEY", default=None,
              help="Require 'Authorization: Bearer KEY' (or set K2D_API_KEY).")
@click.option("--max-batch-size", type=int, default=8, show_default=True,
              help="Most requests decoded together in one batch.")
@click.option("--batch-window-ms", type=float, default=10.0, show_default=True,
              help="How long a request waits for others to batch with.")
@click.option("--max-tokens-limit", type=int, default=512, show_default=True,
              help="Largest max_tokens a request may ask for.")
@click.option("--mixing", type=click.Choice(["auto", "stacked", "peft"]), default="auto",
              show_default=True, help="How a batch mixes personas: stacked LoRA matmuls (two "
              "batched products per layer; plain LoRA only), peft's adapter_names (any adapter), "
              "or auto: stacked when every adapter allows it, else peft.")
def serve(personas_dir, slugs, host, port, api_key, max_batch_size, batch_window_ms,
          max_tokens_limit, mixing):
    try:
        import uvicorn

        from finetune.serve import ServeOptions, bind_port, create_app
    except ModuleNotFoundError as exc:
        raise MissingExtraError("serve", exc.name or "fastapi") from None
    root = personas_dir_or_default(personas_dir)
    sock = bind_port(host, port)  # a port in use fails now, not after the model loads
    bank = _bank_for(root, list(slugs) or None, mixing)
    if host not in {"127.0.0.1", "localhost", "::1"} and not api_key:
        click.echo(f"warning: listening on {host} without --api-key", err=True)
    options = ServeOptions(api_key=api_key, max_batch_size=max_batch_size,
                           batch_window_ms=batch_window_ms,
                           max_new_tokens_limit=max_tokens_limit)
    click.echo(f"serving {', '.join(bank.personas)} on http://{host}:{port}/v1", err=True)
    server = uvicorn.Server(uvicorn.Config(create_app(bank, options), log_level="info"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


@click.command("export-merged", help="""Merge one persona into a standalone model directory.

The LoRA weights are folded into a copy of the base (merge_and_unload) and saved with the
tokenizer; the result loads with AutoModelForCausalLM.from_pretrained(DIR) alone. Costs a full
model copy per persona (use `k2d serve` to share one base among many).

\b
Example:
  k2d export-merged --persona friend -o merged/friend
""")
@click.option("--persona", "slug", required=True, help="Persona slug.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write the merged model to.")
@click.option("--force", is_flag=True, help="Replace a non-empty output directory.")
@PERSONAS_DIR
def export_merged(slug, output: Path, force: bool, personas_dir):
    from finetune.merge import export_merged as run

    _quiet_transformers()
    root = personas_dir_or_default(personas_dir)
    path = run(adapter_dir(slug, root), output, force=force)
    click.echo(f"wrote merged model for {slug} to {path}", err=True)
