"""Personas as files: ``<personas_dir>/<slug>.yaml`` plus ``<personas_dir>/<slug>/``.

    <personas_dir>/friend.yaml        the config (finetune.config.PersonaConfig)
    <personas_dir>/friend/data/       conversations.jsonl + manifest.json (k2d personas new)
    <personas_dir>/friend/train/      checkpoint.pt + metrics.jsonl (resumable run)
    <personas_dir>/friend/adapter/    the trained adapter (finetune.adapter)
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path

from finetune.config import PersonaConfig, dump_config, load_config
from finetune.paths import adapter_dir, bases_dir, persona_file
from kakao2dataset.errors import ConfigError, K2DError

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise K2DError(f"persona name {slug!r} must be lowercase letters, digits, '-' or '_'")
    return slug


@dataclass
class Persona:
    slug: str
    root: Path
    config: PersonaConfig

    @property
    def file(self) -> Path:
        return persona_file(self.slug, self.root)

    @property
    def folder(self) -> Path:
        return self.root / self.slug

    @property
    def adapter_dir(self) -> Path:
        return adapter_dir(self.slug, self.root)

    @property
    def work_dir(self) -> Path:
        return self.folder / "train"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def bases_dir(self) -> Path:
        return bases_dir(self.root)

    @property
    def display_name(self) -> str:
        return self.config.display_name or self.slug

    def pair_paths(self) -> list[Path]:
        """Pair files, relative paths taken from the yaml file's folder."""
        return [p if p.is_absolute() else self.root / p
                for p in (Path(x).expanduser() for x in self.config.data.pairs)]


def load_persona(slug: str, root: Path) -> Persona:
    path = persona_file(check_slug(slug), root)
    if not path.exists():
        known = ", ".join(p.stem for p in sorted(root.glob("*.yaml"))) or "none"
        raise K2DError(f"no persona {slug!r} in {root} (known: {known}); "
                       f"create one with `k2d personas new {slug} --from chat.txt --speaker NAME`")
    return Persona(slug, root, load_config(path))


def list_personas(root: Path) -> list[tuple[str, Persona | None, str | None]]:
    """``[(slug, persona or None, error or None)]``; a broken file is listed, not hidden."""
    rows = []
    for path in sorted(root.glob("*.yaml")) if root.is_dir() else []:
        try:
            rows.append((path.stem, load_persona(path.stem, root), None))
        except K2DError as exc:
            rows.append((path.stem, None, str(exc)))
    return rows


def write_config(path: Path, cfg: PersonaConfig) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dump_config(cfg), encoding="utf-8")
    os.replace(tmp, path)


def parse_exports(exports: list[Path], out_dir: Path, speaker: str) -> Path:
    """Run the `k2d parse` pipeline into ``out_dir``; returns the conversations.jsonl path."""
    try:
        from kakao2dataset.pipeline import parse_to_dataset
    except ImportError:
        raise K2DError("the parse pipeline (kakao2dataset.pipeline) is not available; "
                       "run `k2d parse` and put the pairs file in data.pairs") from None
    return Path(parse_to_dataset(list(exports), out_dir, speaker))


def new_persona(slug: str, root: Path, exports: list[Path], speaker: str, *,
                base: str | None = None, display_name: str | None = None,
                force: bool = False) -> Persona:
    """Parse the exports into ``<slug>/data/`` and write ``<slug>.yaml`` pointing at them."""
    path = persona_file(check_slug(slug), root)
    if path.exists() and not force:
        raise K2DError("persona already exists (use --force to overwrite)", path=str(path))
    for export in exports:
        if not export.exists():
            raise K2DError("export file not found", path=str(export))
    persona = Persona(slug, root, PersonaConfig())
    pairs = parse_exports(exports, persona.data_dir, speaker)
    data = dataclasses.replace(persona.config.data, pairs=[_rel(pairs, root)],
                               exports=[str(e.resolve()) for e in exports], speaker=speaker)
    cfg = dataclasses.replace(persona.config, data=data, display_name=display_name or slug,
                              **({"base": base} if base else {}))
    write_config(path, cfg)
    return Persona(slug, root, cfg)


def ensure_pairs(persona: Persona) -> list[Path]:
    """The persona's pair files; parses ``data.exports`` first if no pairs are listed."""
    if persona.config.data.pairs:
        return persona.pair_paths()
    data = persona.config.data
    if not data.exports or not data.speaker:
        raise ConfigError("data needs 'pairs', or 'exports' plus 'speaker'", path=str(persona.file))
    exports = [Path(e).expanduser() for e in data.exports]
    exports = [e if e.is_absolute() else persona.root / e for e in exports]
    for name in ("conversations.jsonl", "pairs.jsonl"):  # parsed already (pairs: format 1)
        if (persona.data_dir / name).exists():
            return [persona.data_dir / name]
    return [parse_exports(exports, persona.data_dir, data.speaker)]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())
