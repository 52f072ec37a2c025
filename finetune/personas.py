"""Personas as files: ``<personas_dir>/<slug>.yaml`` plus ``<personas_dir>/<slug>/``.

    <personas_dir>/friend.yaml        the config (finetune.config.PersonaConfig)
    <personas_dir>/friend/data/       conversations.jsonl + manifest.json (k2d personas new)
    <personas_dir>/friend/train/      checkpoint.pt + metrics.jsonl (resumable run)
    <personas_dir>/friend/adapter/    the trained adapter (finetune.adapter)
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
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


def parse_exports(exports: list[Path], out_dir: Path, speaker: str | None,
                  options=None, warn=lambda _msg: None) -> Path:
    """Run the `k2d parse` pipeline into ``out_dir``; returns the conversations.jsonl path."""
    try:
        from kakao2dataset.pipeline import parse_to_dataset
    except ImportError:
        raise K2DError("the parse pipeline (kakao2dataset.pipeline) is not available; "
                       "run `k2d parse` and put the pairs file in data.pairs") from None
    if options is None:
        return Path(parse_to_dataset(list(exports), out_dir, speaker))
    return Path(parse_to_dataset(list(exports), out_dir, speaker, options, warn))


def copy_dataset(data_dir: Path, out_dir: Path) -> Path:
    """Copy a `k2d parse` output (dataset file + manifest) into the persona's folder, so the
    persona is one self-contained folder; returns the copied dataset file. Outputs of format 1
    (pairs.jsonl) are still accepted."""
    names = ("conversations.jsonl", "conversations.parquet", "pairs.jsonl", "pairs.parquet")
    pairs = [data_dir / n for n in names if (data_dir / n).is_file()]
    if not pairs:
        raise K2DError("not a `k2d parse` output: expected conversations.jsonl (or "
                       "conversations.parquet) beside manifest.json", path=str(data_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    for src in (pairs[0], data_dir / "manifest.json"):
        tmp = out_dir / f".{src.name}.tmp"
        shutil.copyfile(src, tmp)
        os.replace(tmp, out_dir / src.name)
    return out_dir / pairs[0].name


def new_persona(slug: str, root: Path, sources: list[Path], speaker: str | None = None, *,
                options=None, data_dir: Path | None = None, base: str | None = None,
                display_name: str | None = None, force: bool = False, dry_run: bool = False,
                warn=lambda _msg: None) -> tuple[Persona, dict]:
    """Put the persona's pairs in ``<slug>/data/`` (copied from ``data_dir``, a `k2d parse`
    output, or parsed from the export ``sources`` with ``options``) and write ``<slug>.yaml``.
    Returns the persona and the data's manifest (counts per stage, PII counts)."""
    path = persona_file(check_slug(slug), root)
    if path.exists() and not force:
        raise K2DError("persona already exists (use --force to overwrite)", path=str(path))
    for source in sources:
        if not source.exists():
            raise K2DError("export file not found", path=str(source))
    persona = Persona(slug, root, PersonaConfig())
    if options is not None:
        speaker = speaker or options.persona_speaker
    if dry_run:
        return persona, _dry_manifest(sources, data_dir, options, warn)
    if data_dir is not None:
        pairs, exports = copy_dataset(data_dir, persona.data_dir), []
    else:
        pairs = parse_exports(sources, persona.data_dir, speaker, options, warn)
        exports = [str(e.resolve()) for e in sources]
    data = dataclasses.replace(persona.config.data, pairs=[_rel(pairs, root)], exports=exports,
                               speaker=speaker)
    cfg = dataclasses.replace(persona.config, data=data, display_name=display_name or slug,
                              **({"base": base} if base else {}))
    write_config(path, cfg)
    manifest = pairs.parent / "manifest.json"
    return Persona(slug, root, cfg), (json.loads(manifest.read_text(encoding="utf-8"))
                                      if manifest.is_file() else {})


def _dry_manifest(sources, data_dir, options, warn) -> dict:
    if data_dir is not None:
        return json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    from kakao2dataset.pipeline import ParseOptions, build_dataset

    return build_dataset(list(sources), options or ParseOptions(), warn).manifest


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
