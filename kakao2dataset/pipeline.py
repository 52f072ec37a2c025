"""``k2d parse``: exports → anonymized conversations (one record per session window) + manifest.

Flow (each stage its own module)::

    read_export ─► speaker roles ─► anonymize ─► build_turns ─► build_conversations ─► split ─► write

One large input is streamed twice (a first pass learns the speakers the anonymizer must know
about; the second does the work), so memory does not grow with the export; an input up to
``KEEP_IN_MEMORY_BYTES`` keeps its messages from the first pass instead (no second parse; the
"Pairing" progress bar then follows the kept list). Several inputs of the same
chat are merged in memory, dropping the overlap of re-exports.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from kakao2dataset import __version__
from kakao2dataset.conversations import (
    ConversationSettings,
    ConversationStats,
    build_conversations,
    validation_cutoff,
)
from kakao2dataset.errors import K2DError
from kakao2dataset.exports import ParsedSource, parse_sources
from kakao2dataset.model import Message, MessageKind, Turn
from kakao2dataset.pairs import PairSettings, PairStats, build_pairs
from kakao2dataset.speaker_roles import Roles, resolve_roles
from kakao2dataset.speakers import DEFAULT_TOKENS
from kakao2dataset.turns import TurnSettings, TurnStats, build_turns
from kakao2dataset.writers import (
    atomic_writer,
    conversation_record,
    dumps,
    write_json,
    write_parquet,
)

FORMAT_VERSION = 2  # 2: conversations.jsonl (one record per session window); 1: pairs.jsonl
DATA_FILE = "conversations"
# (source, messages, label) → messages: lets the CLI wrap each pass in a progress bar
Progress = Callable[[object, Iterable[Message], str], Iterable[Message]] | None
PERSONA_PLACEHOLDER = "<PERSONA>"
USER_PLACEHOLDER = "<USER>"
CONSENT_NOTICE = (
    "Note: a persona learns the OTHER person's messages. Their consent matters: Korea's privacy "
    "regulator held (Lee Luda case) that one party's consent does not cover the other's "
    "messages. Train only on chats you may use, and keep the result private."
)


@dataclass
class ParseOptions:
    persona_speaker: str | None = None
    me: str | None = None
    speakers: tuple[str, ...] | None = None
    format: str | None = None
    encoding: str | None = None
    lenient: bool = False
    anonymize: bool = True
    nicknames: dict[str, list[str]] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    min_pairs: int = 10
    output_format: str = "jsonl"
    turns: TurnSettings = field(default_factory=TurnSettings)
    pairs: PairSettings = field(default_factory=PairSettings)
    conversations: ConversationSettings = field(default_factory=ConversationSettings)


@dataclass
class InputScan:
    parsed: ParsedSource
    sha256: str
    messages: list[Message] | None = None  # kept only when merging several inputs


# A single input up to this size is kept in memory after the first pass instead of being parsed
# a second time (10 MB of export: +67 MB peak RSS, -1.4 s). Larger ones are streamed twice.
KEEP_IN_MEMORY_BYTES = 16_000_000


def _input_bytes(paths: list[Path]) -> int:
    """Text bytes of the inputs (a zip counts its uncompressed members: a small archive may
    hold a large chat); folders count as too large to keep."""
    total = 0
    for p in paths:
        if not p.is_file():
            return KEEP_IN_MEMORY_BYTES + 1
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as archive:
                total += sum(info.file_size for info in archive.infolist())
        else:
            total += p.stat().st_size
    return total


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_inputs(paths: list[Path], options: ParseOptions, keep: bool,
                warn: Callable[[str], None], progress: Progress = None,
                words: Counter | None = None) -> tuple[list[InputScan], Counter]:
    """First pass: parse every input, check the line accounting, count speakers, and count the
    Hangul words into ``words`` when given (the anonymizer learns every named person from them
    before the second pass, see anonymize.people)."""
    scans, speakers = [], Counter()
    texts: list[str] = []  # counted in batches: one findall over many texts
    if words is not None:
        from kakao2dataset.anonymize.people import count_words
    for path in paths:
        digest = _sha256(path) if path.is_file() else ""
        for parsed in parse_sources(path, options.format, options.encoding):
            kept = [] if keep else None
            stream = parsed.messages()
            for message in progress(parsed.source, stream, "Scanning") if progress else stream:
                if message.kind is not MessageKind.SYSTEM:
                    speakers[message.speaker] += 1
                if kept is not None:
                    kept.append(message)
                if words is not None:
                    texts.append(message.text)
                    if len(texts) >= 4096:
                        count_words(texts, words)
                        texts.clear()
            if words is not None:
                count_words(texts, words)
                texts.clear()
            for warning in parsed.check(lenient=options.lenient):
                warn(warning)
            scans.append(InputScan(parsed, digest, kept))
    return scans, speakers


def merge_overlap(sources: list[list[Message]], stats: Counter) -> list[Message]:
    """Merge exports of the same chat. A message (time, speaker, text) seen in an earlier
    export is dropped unless this export holds it more often (real repeats like "ㅋㅋ" twice
    in one minute survive)."""
    merged: list[Message] = []
    seen: Counter = Counter()
    for messages in sorted(sources, key=lambda ms: ms[0].timestamp if ms else 0):
        before, local = Counter(seen), Counter()
        for m in messages:
            key = (m.timestamp, m.speaker, m.text, m.kind)
            local[key] += 1
            if local[key] > before[key]:
                merged.append(m)
                seen[key] += 1
            else:
                stats["overlap"] += 1
    merged.sort(key=lambda m: m.timestamp)
    return merged


class _KeptProgress:
    """Stands in for a single input's source when its messages were kept from the first pass:
    ``bytes_read`` follows the position in the kept list, so the "Pairing" bar still moves."""

    def __init__(self, source, total: int) -> None:
        self.name, self.size, self.total, self.position = source.name, source.size, total, 0

    @property
    def bytes_read(self) -> int:
        return self.size * self.position // max(self.total, 1)

    def track(self, messages: list[Message]) -> Iterator[Message]:
        for position, message in enumerate(messages, start=1):
            self.position = position
            yield message


def _messages(scans: list[InputScan], merged: list[Message] | None,
              progress: Progress = None) -> Iterator[Message]:
    if merged is not None:
        if progress is None or len(scans) != 1:
            yield from merged
            return
        meter = _KeptProgress(scans[0].parsed.source, len(merged))
        yield from progress(meter, meter.track(merged), "Pairing")
        return
    for scan in scans:  # second pass over the single input
        fresh = ParsedSource(scan.parsed.source, scan.parsed.sniff)
        stream = fresh.messages()
        yield from progress(fresh.source, stream, "Pairing") if progress else stream


def _select(messages: Iterable[Message], roles: Roles, drops: Counter) -> Iterator[Message]:
    """Canonical speaker names; other speakers of a group chat are dropped (counted)."""
    keep = {roles.persona, roles.user}
    if not roles.aliases:  # the usual case: no renaming, only the filter
        for m in messages:
            if m.speaker in keep or m.kind is MessageKind.SYSTEM:
                yield m
            else:
                drops["other_speaker"] += 1
        return
    for m in messages:
        speaker = roles.aliases.get(m.speaker, m.speaker)
        if m.kind is not MessageKind.SYSTEM and speaker not in keep:
            drops["other_speaker"] += 1
            continue
        yield replace(m, speaker=speaker) if speaker != m.speaker else m


def anonymizer_for(roles: Roles, options: ParseOptions):
    from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig

    config = AnonymizerConfig(allow=tuple(options.allow), deny=tuple(options.deny))
    return Anonymizer(
        config,
        speakers={roles.persona: PERSONA_PLACEHOLDER, roles.user: USER_PLACEHOLDER},
        nicknames=options.nicknames,
    )


@dataclass
class Dataset:
    """Conversation records (as JSON lines in a temp file, each with its split) and their
    manifest."""

    records: tempfile.SpooledTemporaryFile
    manifest: dict

    def lines(self) -> Iterator[str]:
        self.records.seek(0)
        for raw in self.records:
            yield raw.decode("utf-8")

    def copy_to(self, fh: BinaryIO) -> None:
        """The JSON lines as stored (UTF-8 bytes), in one copy."""
        self.records.seek(0)
        shutil.copyfileobj(self.records, fh)


def build_dataset(inputs: list[Path], options: ParseOptions,
                  warn: Callable[[str], None] = lambda _: None,
                  progress: Progress = None) -> Dataset:
    """Run the whole pipeline; raise :class:`K2DError` before writing anything if the result
    would be unusable (unknown persona, group chat, too few pairs, nothing left).

    The conversations are held (as turns, about the size of the anonymized text) until the
    last session is seen: the validation split is the latest sessions, so it is known only
    then, and each record is serialized once, with its split."""
    drops: Counter = Counter()
    keep = len(inputs) > 1 or _input_bytes(inputs) <= KEEP_IN_MEMORY_BYTES
    words = Counter() if options.anonymize else None
    scans, speakers = scan_inputs(inputs, options, keep=keep, warn=warn, progress=progress,
                                  words=words)
    roles = resolve_roles(speakers, options.persona_speaker, options.me, options.speakers)
    if len(inputs) > 1:
        merged = merge_overlap([s.messages for s in scans], drops)
    else:
        merged = scans[0].messages if keep and len(scans) == 1 else None
    messages = _select(_messages(scans, merged, progress), roles, drops)
    anonymizer = anonymizer_for(roles, options) if options.anonymize else None
    if anonymizer is not None:
        anonymizer.learn_words(words)
        messages = anonymizer.anonymize_messages(messages)
    turn_stats, pair_stats, conv_stats = TurnStats(), PairStats(), ConversationStats()
    turns = _counting_pairs(build_turns(messages, options.turns, turn_stats), roles.persona,
                            options.pairs, pair_stats)
    conversations = list(build_conversations(turns, roles.persona, options.conversations,
                                             conv_stats))
    _check_enough(pair_stats, options)
    cutoff = validation_cutoff(conv_stats.persona_turns_per_session,
                               options.pairs.validation_fraction)
    labels = _source_labels(scans, anonymizer)
    spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 (owned by Dataset)
    split_counts: Counter = Counter()
    batch: list[str] = []
    for conversation in conversations:
        split = "validation" if cutoff is not None and conversation.session >= cutoff else "train"
        split_counts[split] += 1
        source = conversation.turns[0].source
        batch.append(dumps(conversation_record(conversation, split, labels.get(source, source))))
        if len(batch) >= 1024:
            _spool_lines(spool, batch)
    _spool_lines(spool, batch)
    manifest = _manifest(scans, options, roles, drops, turn_stats, pair_stats, conv_stats,
                         anonymizer, cutoff, split_counts)
    return Dataset(spool, manifest)


def _counting_pairs(turns: Iterable[Turn], persona: str, settings: PairSettings,
                    stats: PairStats) -> Iterator[Turn]:
    """Pass the turns through, counting the persona replies that have context (what
    ``--min-pairs`` and the manifest's ``pairs`` count, as before conversations)."""
    for session in _sessions(turns):
        for _ in build_pairs(session, persona, settings, stats):
            pass
        yield from session


def _sessions(turns: Iterable[Turn]) -> Iterator[list[Turn]]:
    current: list[Turn] = []
    for turn in turns:
        if current and turn.session != current[0].session:
            yield current
            current = []
        current.append(turn)
    if current:
        yield current


def _source_labels(scans: list[InputScan], anonymizer) -> dict[str, str]:
    """Pair records name their source file by base name, anonymized too (file names often
    carry the chat partner's name)."""
    labels = {}
    for scan in scans:
        name = Path(scan.parsed.source.name.replace("!", "/")).name
        labels[scan.parsed.source.name] = anonymizer.anonymize_text(name) if anonymizer else name
    return labels


def _check_enough(stats: PairStats, options: ParseOptions) -> None:
    if stats.pairs == 0:
        raise K2DError("no context→response pairs are left after filtering and anonymization; "
                       "nothing was written")
    if stats.pairs < options.min_pairs:
        raise K2DError(
            f"the persona has only {stats.pairs} replies with context (at least "
            f"{options.min_pairs} needed; lower it with --min-pairs); nothing was written"
        )


def _spool_lines(spool, batch: list[str]) -> None:
    """Write JSON lines in batches (one ``write`` per line costs more than the encoding)."""
    if batch:
        spool.write(("\n".join(batch) + "\n").encode("utf-8"))
        batch.clear()


def _manifest(scans, options, roles, drops, turn_stats, pair_stats, conv_stats, anonymizer,
              cutoff, split_counts) -> dict:
    params = asdict(options)
    for key in ("persona_speaker", "me", "speakers", "nicknames", "allow", "deny"):
        params.pop(key)  # names are personal data: never in the manifest
    params["turns"] = {k: str(v) for k, v in params["turns"].items()}
    return {
        "format_version": FORMAT_VERSION,
        "tool": f"kakao2dataset {__version__}",
        "inputs": [_input_entry(scan) for scan in scans],
        "persona": PERSONA_PLACEHOLDER,
        "user": USER_PLACEHOLDER,
        "speaker_tokens": DEFAULT_TOKENS.to_dict(),
        "parameters": params,
        "counts": {
            **turn_stats.to_dict(),
            "messages_dropped": dict(sorted((drops + turn_stats.dropped).items())),
            **pair_stats.to_dict(),
            **conv_stats.to_dict(),
            "splits": {"train": split_counts["train"], "validation": split_counts["validation"]},
        },
        "split": {"validation_from_session": cutoff, "by": "time (latest sessions)",
                  "unit": "conversations"},
        "anonymization": anonymizer.stats() if anonymizer else {"disabled": True},
    }


def _input_entry(scan: InputScan) -> dict:
    parsed = scan.parsed
    return {
        "sha256": scan.sha256,
        "bytes": parsed.source.size,
        "format": parsed.sniff.parser,
        "variant": parsed.sniff.variant,
        "encoding": parsed.source.encoding,
        "newlines": dict(parsed.newlines),
        "lines": parsed.accounting.to_dict(),
    }


def write_dataset(dataset: Dataset, out_dir: str | Path, output_format: str = "jsonl") -> Path:
    """Write ``conversations.jsonl`` (or ``.parquet``) and ``manifest.json`` atomically into
    ``out_dir``; ``out_dir == "-"`` streams the records to stdout (no manifest)."""
    if str(out_dir) == "-":
        sys.stdout.flush()  # anything printed before goes first
        with atomic_writer("-", "wb") as fh:
            dataset.copy_to(fh)
            fh.flush()
        return Path("-")
    out = Path(out_dir)
    if output_format == "parquet":
        import json

        target = out / f"{DATA_FILE}.parquet"
        write_parquet(target, [json.loads(line) for line in dataset.lines()])
    else:
        target = out / f"{DATA_FILE}.jsonl"
        with atomic_writer(target, "wb") as fh:
            dataset.copy_to(fh)
    manifest = dict(dataset.manifest, data_file=target.name)
    write_json(out / "manifest.json", manifest)
    return target


def parse_to_dataset(inputs: list[Path], out_dir: Path, persona_speaker: str | None = None,
                     options: ParseOptions | None = None,
                     warn: Callable[[str], None] = lambda _: None) -> Path:
    """The Python form of ``k2d parse``: returns the written conversations file."""
    options = options or ParseOptions()
    if persona_speaker is not None:
        options = replace(options, persona_speaker=persona_speaker)
    dataset = build_dataset([Path(p) for p in inputs], options, warn)
    return write_dataset(dataset, out_dir, options.output_format)
