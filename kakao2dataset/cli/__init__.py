"""``k2d``: the command-line entry point.

Commands are loaded lazily from their own modules (``k2d --help`` must not import torch), and
every command runs inside :func:`run_cli`, which turns a :class:`~kakao2dataset.errors.K2DError`
into a one-line message and exit status 1 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from kakao2dataset.errors import K2DError

# name → "module:attribute". One module per responsibility; help text lives with each command.
COMMANDS: dict[str, str] = {
    "formats": "kakao2dataset.cli.formats_cmd:formats",
    "inspect": "kakao2dataset.cli.inspect_cmd:inspect",
    "parse": "kakao2dataset.cli.parse_cmd:parse",
    "names": "kakao2dataset.cli.names_cmd:names",
    "export": "kakao2dataset.cli.export_cmd:export",
    "env": "kakao2dataset.cli.env_cmd:env",
    "personas": "finetune.cli:personas",
    "base": "finetune.base_cli:base",
    "finetune": "finetune.cli:finetune",
    "eval": "finetune.cli:eval_cmd",
    "export-merged": "finetune.serve_cli:export_merged",
    "chat": "finetune.serve_cli:chat",
    "serve": "finetune.serve_cli:serve",
}

HELP = """Turn your own KakaoTalk / LINE chat export into a chatbot persona.

\b
Start here:
  k2d inspect chat.txt                  what is in the export (format, speakers, lines)
  k2d parse chat.txt --persona-speaker NAME -o data/friend
                                        anonymized context→response pairs
  k2d personas new friend --from data/friend
  k2d finetune --persona friend         a LoRA adapter on a frozen GPT base
  k2d chat --persona friend             talk to it

No model hub? `k2d base tiny DIR` builds a local smoke-test base; pass --base DIR.

Nothing leaves your machine: the only network access is an explicit model download.
"""


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a command not built yet, or a missing extra
            if exc.name and exc.name.split(".")[0] in {"kakao2dataset", "finetune"}:
                return None
            raise
        return getattr(module, attr)

    def invoke(self, ctx: click.Context):
        debug = ctx.params.get("debug") or os.environ.get("K2D_DEBUG") == "1"
        try:
            return super().invoke(ctx)
        except K2DError as exc:
            if debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.version_option(package_name="kakao2dataset", prog_name="k2d")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if not sys.stderr.isatty():  # no "Loading weights" bars in logs and pipes
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
