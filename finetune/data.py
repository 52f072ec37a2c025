"""Pairs from ``k2d parse`` → token ids with a loss mask → length-bucketed padded batches.

The prompt and the response are rendered by :mod:`kakao2dataset.speakers` (never re-implemented
here) and tokenized separately: the boundary is the ``<sys>`` special token, so the split is
exact, and inference (which tokenizes the prompt alone) sees the same ids.

>>> ex = Example(ids=[5, 6, 7, 8], n_prompt=2)   # 2 prompt tokens, then response + <eot>
>>> ex.labels()
[-100, -100, 7, 8]
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from kakao2dataset.errors import K2DError
from kakao2dataset.speakers import ROLES, SpeakerTokens, render_prompt, render_response

IGNORE = -100


@dataclass(frozen=True)
class Pair:
    context: list[tuple[str, str]]
    response: str
    split: str
    where: str  # "file:line", for error messages and stats (never the text)


@dataclass(frozen=True)
class Example:
    ids: list[int]
    n_prompt: int  # tokens that carry no loss (context + <sys> cue)

    def labels(self) -> list[int]:
        return [IGNORE] * self.n_prompt + self.ids[self.n_prompt :]

    @property
    def n_loss(self) -> int:
        return len(self.ids) - self.n_prompt


def read_manifest_tokens(pairs_path: Path) -> SpeakerTokens:
    """Speaker tokens from the ``manifest.json`` beside ``pairs.jsonl`` (defaults if absent)."""
    manifest = pairs_path.parent / "manifest.json"
    if not manifest.exists():
        return SpeakerTokens()
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if data.get("format_version", 1) != 1:
        raise K2DError(f"unsupported format_version {data.get('format_version')}",
                       path=str(manifest))
    if "speaker_tokens" not in data:
        return SpeakerTokens()
    return SpeakerTokens.from_dict(data["speaker_tokens"])


def _pair(record: dict, where: str, path: Path, line: int) -> Pair:
    try:
        context = [(t["role"], t["text"]) for t in record["context"]]
        response, split = record["response"], record.get("split", "train")
    except (KeyError, TypeError):
        raise K2DError("expected a pair with 'context' [{role, text}] and 'response'",
                       path=str(path), line=line) from None
    if any(role not in ROLES for role, _ in context) or split not in ("train", "validation"):
        raise K2DError(f"bad role or split (roles: {ROLES}; split: train|validation)",
                       path=str(path), line=line)
    return Pair(context, response, split, where)


def read_pairs(paths: list[Path]) -> list[Pair]:
    pairs = []
    for path in paths:
        if not path.exists():
            raise K2DError("pairs file not found (run `k2d parse` first)", path=str(path))
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    raise K2DError("not valid JSON", path=str(path), line=line_no) from None
                pairs.append(_pair(record, f"{path.name}:{line_no}", path, line_no))
    return pairs


def encode_pair(pair: Pair, tokenizer, tokens: SpeakerTokens, max_length: int) -> Example:
    """Tokenize prompt and response; over ``max_length`` the response keeps at most half and
    the context is cut from the left (the most recent turns matter most)."""
    prompt = tokenizer.encode(render_prompt(pair.context, tokens), add_special_tokens=False)
    response = tokenizer.encode(render_response(pair.response, tokens), add_special_tokens=False)
    if len(prompt) + len(response) > max_length:
        response = response[: max(max_length // 2, max_length - len(prompt))]
        prompt = prompt[len(prompt) - (max_length - len(response)) :]
    return Example(prompt + response, len(prompt))


def encode_all(pairs: list[Pair], tokenizer, tokens: SpeakerTokens, max_length: int):
    """→ ``(train_examples, validation_examples)``."""
    train, val = [], []
    for pair in pairs:
        ex = encode_pair(pair, tokenizer, tokens, max_length)
        (val if pair.split == "validation" else train).append(ex)
    return train, val


def batch_order(lengths: list[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within windows of 50 batches, shuffle batches.

    Similar lengths share a batch (little padding) while the order stays random. Pure function
    of ``(seed, epoch)`` so a resumed run replays exactly the same batches.
    """
    rng = random.Random(seed * 100_003 + epoch)
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    window = batch_size * 50
    batches = []
    for start in range(0, len(idx), window):
        chunk = sorted(idx[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(examples: list[Example], pad_id: int):
    """Right-pad to the longest example in the batch (dynamic padding); pads carry no loss."""
    import torch

    width = max(len(e.ids) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, ex in enumerate(examples):
        n = len(ex.ids)
        ids[row, :n] = torch.tensor(ex.ids)
        labels[row, :n] = torch.tensor(ex.labels())
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def stats(train: list[Example], val: list[Example]) -> dict:
    def part(examples):
        return {
            "pairs": len(examples),
            "tokens": sum(len(e.ids) for e in examples),
            "loss_tokens": sum(e.n_loss for e in examples),
        }

    return {"train": part(train), "validation": part(val)}


def render_masked(example: Example, tokenizer) -> str:
    """One example for ``--dry-run``: the text, loss-carrying part in ``[[ ]]``, and the labels.

    Decoded as two spans (a byte-level BPE piece alone is often half a Hangul character).
    """
    prompt = tokenizer.decode(example.ids[: example.n_prompt])
    response = tokenizer.decode(example.ids[example.n_prompt :])
    return (f"{prompt}[[{response}]]\n  labels: -100 x {example.n_prompt} (context + cue), "
            f"then {example.n_loss} trained ids {example.ids[example.n_prompt :]}")
