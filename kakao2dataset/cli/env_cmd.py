"""``k2d env``: versions and paths for bug reports (no personal data)."""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata

import click

PACKAGES = ("kakao2dataset", "click", "polars", "pandas", "regex", "kiwipiepy", "phonenumbers",
            "python-stdnum", "torch", "transformers", "peft", "tokenizers", "fastapi", "uvicorn")


@click.command(help="""Print versions and paths to paste into a bug report.

\b
Example:
  k2d env
  k2d env --json > env.json
""")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def env(as_json: bool) -> None:
    from finetune.paths import k2d_home, personas_dir

    info = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
        "k2d_home": str(k2d_home()),
        "personas_dir": str(personas_dir()),
    }
    try:
        import torch

        info["cuda"] = torch.cuda.is_available()
    except ImportError:
        info["cuda"] = None
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for name, version in value.items():
                click.echo(f"  {name}: {version}")
        else:
            click.echo(f"{key}: {value}")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
