"""``k2d base``: base models you can train on without the model hub.

``k2d base tiny DIR`` wraps :mod:`finetune.tiny` (``python -m finetune.tiny`` does the same): a
synthetic, seconds-to-build base for an offline smoke run of the whole path. It proves the
pipeline works on this machine; replies from it are chat-like fragments, not a real persona.
"""

from __future__ import annotations

from pathlib import Path

import click

from kakao2dataset.errors import K2DError


@click.group(help="""Base models for training without the model hub.

\b
Example:
  k2d base tiny ./bases/tiny
  k2d finetune --persona friend --base ./bases/tiny
""")
def base() -> None:
    pass


@base.command("tiny", help="""Build a tiny synthetic base model in DIR (offline, seconds).

Random weights, briefly pretrained on synthetic chat lines (--pretrain-steps) so a persona
trained on it answers in chat-like fragments. For smoke runs only: use a real model
(--base skt/kogpt2-base-v2, or any local model dir) for a real persona.

\b
Example:
  k2d base tiny ./bases/tiny
  k2d finetune --persona friend --base ./bases/tiny
""")
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--arch", type=click.Choice(["gpt2", "llama"]), default="gpt2", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--pretrain-steps", type=click.IntRange(min=0), default=200, show_default=True,
              help="Next-token steps on synthetic lines (0 = random weights, as the tests use).")
@click.option("--force", is_flag=True, help="Build into a non-empty DIR.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the directory.")
def tiny(out_dir: Path, arch: str, seed: int, pretrain_steps: int, force: bool,
         quiet: bool) -> None:
    from finetune.cli import _need_train_extra

    _need_train_extra()
    from finetune.tiny import build_tiny_base, pretrain_tiny_base

    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise K2DError("directory is not empty (use --force to build into it)", path=str(out_dir))
    path = build_tiny_base(out_dir, arch=arch, seed=seed)
    if pretrain_steps:
        if not quiet:
            click.echo(f"pretraining {pretrain_steps} steps on synthetic lines ...", err=True)
        pretrain_tiny_base(path, steps=pretrain_steps, seed=seed)
    click.echo(str(path))
    if not quiet:
        click.echo(f"next: k2d finetune --persona NAME --base {path}", err=True)
