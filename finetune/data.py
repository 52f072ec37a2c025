"""Conversations from ``k2d parse`` → token ids with a loss mask → length-bucketed padded batches.

Two ways to turn a conversation into training examples (``method``):

* ``conversations`` (the default): the conversation's token stream is cut into sequences of up
  to ``max_length`` tokens, each carrying loss on every persona turn (its words and closing
  ``<eot>``) that sees in it at least the context pair-per-reply gave it — the previous turns
  within 8 turns / 1200 characters, cut from the left to fit ``max_length``. The next sequence
  starts where the first persona turn not trained yet needs its context to start (the stride),
  so each persona turn is trained once, and a context token is encoded about once instead of
  once per reply that sees it.
* ``pairs`` (pair-per-reply, the method before conversations; kept for the benchmark): one
  example per persona reply, its context as the prompt.

The validation metric is the same for both (:func:`encode_validation`): per-token loss on the
persona replies of the validation split, each after its pair-per-reply context, so old and new
runs compare.

Prompt and response are rendered by :mod:`kakao2dataset.speakers` (never re-implemented here)
and tokenized turn by turn: the boundaries are the speaker special tokens, so the split is
exact, and inference (which tokenizes the prompt alone) sees the same ids.

>>> ex = Example(ids=[5, 6, 7, 8], n_prompt=2)   # 2 prompt tokens, then response + <eot>
>>> ex.labels()
[-100, -100, 7, 8]
>>> Example(ids=[5, 6, 7, 8], n_prompt=0, loss=(False, True, False, True)).labels()
[-100, 6, -100, 8]
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from kakao2dataset.errors import K2DError
from kakao2dataset.speakers import PERSONA, ROLES, SpeakerTokens, render_prompt, render_response

IGNORE = -100


@dataclass(frozen=True)
class Pair:
    context: list[tuple[str, str]]
    response: str
    split: str
    where: str  # "file:line", for error messages and stats (never the text)


@dataclass(frozen=True)
class Dialogue:
    """One conversation record: ``(role, text)`` turns; the first ``context_turns`` repeat the
    previous window (context only, never trained)."""

    turns: list[tuple[str, str]]
    context_turns: int
    split: str
    where: str  # "file:line" (never the text)


@dataclass(frozen=True)
class Example:
    ids: list[int]
    n_prompt: int  # leading tokens that carry no loss (context + <sys> cue)
    loss: tuple[bool, ...] | None = None  # per token, when the loss is not one tail (packing)
    source: str | None = field(default=None, compare=False)  # conversation "file:line" (stats)

    def labels(self) -> list[int]:
        if self.loss is not None:
            return [i if keep else IGNORE for i, keep in zip(self.ids, self.loss, strict=True)]
        return [IGNORE] * self.n_prompt + self.ids[self.n_prompt :]

    @property
    def n_turns(self) -> int:
        """Persona turns trained here: the runs of loss-carrying ids (one per reply + <eot>)."""
        if self.loss is None:
            return int(self.n_loss > 0)
        return sum(keep and (k == 0 or not self.loss[k - 1]) for k, keep in enumerate(self.loss))

    @property
    def n_loss(self) -> int:
        if self.loss is not None:
            return sum(self.loss)
        return len(self.ids) - self.n_prompt


def read_manifest_tokens(pairs_path: Path) -> SpeakerTokens:
    """Speaker tokens from the ``manifest.json`` beside the dataset file (defaults if absent)."""
    manifest = pairs_path.parent / "manifest.json"
    if not manifest.exists():
        return SpeakerTokens()
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if data.get("format_version", 1) not in (1, 2):
        raise K2DError(f"unsupported format_version {data.get('format_version')}",
                       path=str(manifest))
    if "speaker_tokens" not in data:
        return SpeakerTokens()
    return SpeakerTokens.from_dict(data["speaker_tokens"])


CONTEXT_TURNS, CONTEXT_CHARS = 8, 1200  # a reply's context (kakao2dataset PairSettings)
_MEDIA_ONLY = None


def _media_only(text: str) -> bool:
    global _MEDIA_ONLY
    if _MEDIA_ONLY is None:
        from kakao2dataset.pairs import _ONLY_TAGS

        _MEDIA_ONLY = _ONLY_TAGS
    return "<" in text and _MEDIA_ONLY.fullmatch(text) is not None


def _dialogue(record: dict, path: Path, line: int) -> Dialogue:
    where = f"{path.name}:{line}"
    split = record.get("split", "train")
    try:
        if "turns" in record:
            turns = [(t["role"], t["text"]) for t in record["turns"]]
            context_turns = int(record.get("context_turns", 0))
        else:  # a pair record of format 1: its context, then the reply
            turns = [(t["role"], t["text"]) for t in record["context"]]
            context_turns = len(turns)
            turns.append((PERSONA, record["response"]))
    except (KeyError, TypeError, ValueError):
        raise K2DError("expected a conversation with 'turns' [{role, text}] (or a pair with "
                       "'context' and 'response')", path=str(path), line=line) from None
    if any(role not in ROLES for role, _ in turns) or split not in ("train", "validation"):
        raise K2DError(f"bad role or split (roles: {ROLES}; split: train|validation)",
                       path=str(path), line=line)
    return Dialogue(turns, context_turns, split, where)


def read_dialogues(paths: list[Path]) -> list[Dialogue]:
    """The conversation records of ``conversations.jsonl`` / ``.parquet`` files (format 1
    ``pairs.jsonl`` files are read too, one short conversation per pair)."""
    from kakao2dataset.writers import read_records

    dialogues = []
    for path in paths:
        if not path.exists():
            raise K2DError("dataset file not found (run `k2d parse` first)", path=str(path))
        try:
            for line_no, record in enumerate(read_records(path), 1):
                dialogues.append(_dialogue(record, path, line_no))
        except UnicodeDecodeError:
            raise K2DError("not a UTF-8 JSONL file (a .parquet file must end in .parquet)",
                           path=str(path)) from None
    return dialogues


def _context(turns: list[tuple[str, str]], i: int) -> int:
    """Index of the first context turn of reply ``i``: the previous turns, at most
    ``CONTEXT_TURNS`` and ``CONTEXT_CHARS`` (the latest always), as pair-per-reply chose."""
    start, chars = i, 0
    while start > 0:
        length = len(turns[start - 1][1])
        if start < i and (i - start >= CONTEXT_TURNS or chars + length > CONTEXT_CHARS):
            break
        start, chars = start - 1, chars + length
    return start


def replies(dialogue: Dialogue) -> list[tuple[int, int]]:
    """``(reply, first context turn)`` for each persona turn that pair-per-reply trained on:
    not a repeated context turn, a user turn in its context, not only media tags."""
    out = []
    turns = dialogue.turns
    for i in range(dialogue.context_turns, len(turns)):
        role, text = turns[i]
        if role != PERSONA or i == 0:
            continue
        start = _context(turns, i)
        if all(r == PERSONA for r, _ in turns[start:i]) or _media_only(text):
            continue
        out.append((i, start))
    return out


def pairs_of(dialogues: list[Dialogue]) -> list[Pair]:
    """Pair-per-reply: one pair per reply of :func:`replies`."""
    return [Pair(d.turns[start:i], d.turns[i][1], d.split, d.where)
            for d in dialogues for i, start in replies(d)]


def read_pairs(paths: list[Path]) -> list[Pair]:
    return pairs_of(read_dialogues(paths))


def encode_pair(pair: Pair, tokenizer, tokens: SpeakerTokens, max_length: int) -> Example:
    """Tokenize prompt and response; over ``max_length`` the response keeps at most half and
    the context is cut from the left (the most recent turns matter most)."""
    prompt = tokenizer.encode(render_prompt(pair.context, tokens), add_special_tokens=False)
    response = tokenizer.encode(render_response(pair.response, tokens), add_special_tokens=False)
    ex = _fit_pair(prompt, response, max_length)
    return Example(ex.ids, ex.n_prompt, None, pair.where)


def _fit_pair(prompt: list[int], response: list[int], max_length: int) -> Example:
    if len(prompt) + len(response) > max_length:
        response = response[: max(max_length // 2, max_length - len(prompt))]
        prompt = prompt[len(prompt) - (max_length - len(response)) :]
    return Example(prompt + response, len(prompt))


def encode_dialogue(dialogue: Dialogue, tokenizer, tokens: SpeakerTokens,
                    max_length: int) -> list[Example]:
    """Pack one conversation into sequences of at most ``max_length`` tokens with the loss on
    its replies (see the module docstring)."""
    chosen = replies(dialogue)
    if not chosen:
        return []
    ids: list[int] = []
    spans = []  # per turn: (turn start, response start, turn end) in ids
    for role, text in dialogue.turns:
        begin = len(ids)
        ids += tokenizer.encode(tokens.for_role(role), add_special_tokens=False)
        middle = len(ids)
        ids += tokenizer.encode(render_response(text, tokens), add_special_tokens=False)
        spans.append((begin, middle, len(ids)))
    # a reply needs its window to start at ``need``: its context start, or later when
    # context + reply exceed max_length (pair-per-reply cut the context from the left too)
    todo = []
    for i, start in chosen:
        _, r0, r1 = spans[i]
        if r1 - r0 > max_length // 2 and r1 - spans[start][0] > max_length:
            todo.append((None, i, start))  # a reply too long to pack: cut as a pair is
        else:
            todo.append((max(spans[start][0], r1 - max_length), i, start))
    examples = []
    while todo:
        need, i, start = todo[0]
        if need is None:
            todo.pop(0)
            cut = _fit_pair(ids[spans[start][0]:spans[i][1]], ids[spans[i][1]:spans[i][2]],
                            max_length)
            examples.append(Example(cut.ids, cut.n_prompt, None, dialogue.where))
            continue
        end = min(need + max_length, len(ids))
        loss = [False] * (end - need)
        rest = []
        for entry in todo:
            n, j, _ = entry
            _, r0, r1 = spans[j]
            if n is not None and n >= need and r1 <= end:
                loss[r0 - need:r1 - need] = [True] * (r1 - r0)
            else:
                rest.append(entry)
        end = need + max(k for k, keep in enumerate(loss) if keep) + 1  # later ids learn nothing
        examples.append(Example(ids[need:end], 0, tuple(loss[:end - need]), dialogue.where))
        todo = rest
    return examples


def encode_validation(dialogues: list[Dialogue], tokenizer, tokens: SpeakerTokens,
                      max_length: int) -> list[Example]:
    """The validation examples, the same for every method: one per reply, after its context."""
    return [encode_pair(p, tokenizer, tokens, max_length)
            for p in pairs_of([d for d in dialogues if d.split == "validation"])]


def encode_all(data, tokenizer, tokens: SpeakerTokens, max_length: int,
               method: str = "conversations"):
    """→ ``(train_examples, validation_examples)``. ``data``: dialogues (or, for the method
    ``pairs``, already made pairs as before)."""
    if data and isinstance(data[0], Pair):
        train = [encode_pair(p, tokenizer, tokens, max_length) for p in data if p.split == "train"]
        val = [encode_pair(p, tokenizer, tokens, max_length) for p in data if p.split == "validation"]
        return train, val
    train_dialogues = [d for d in data if d.split == "train"]
    if method == "pairs":
        train = [encode_pair(p, tokenizer, tokens, max_length) for p in pairs_of(train_dialogues)]
    elif method == "conversations":
        train = [ex for d in train_dialogues
                 for ex in encode_dialogue(d, tokenizer, tokens, max_length)]
    else:
        raise ValueError(f"unknown method {method!r}; expected 'conversations' or 'pairs'")
    return train, encode_validation(data, tokenizer, tokens, max_length)


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
    """Counts for ``--dry-run``, the adapter's meta and its model card. ``pairs`` is the number
    of examples (sequences; the key is kept for older metas), ``conversations`` the records
    they came from, ``persona_turns`` the replies that carry loss."""
    def part(examples):
        return {
            "pairs": len(examples),
            "sequences": len(examples),
            "conversations": len({e.source for e in examples if e.source is not None}),
            "persona_turns": sum(e.n_turns for e in examples),
            "tokens": sum(len(e.ids) for e in examples),
            "loss_tokens": sum(e.n_loss for e in examples),
        }

    return {"train": part(train), "validation": part(val)}


def render_masked(example: Example, tokenizer) -> str:
    """One example for ``--dry-run``: the text, loss-carrying parts in ``[[ ]]``, and counts.

    Decoded span by span (a byte-level BPE piece alone is often half a Hangul character)."""
    mask = example.loss if example.loss is not None else (
        (False,) * example.n_prompt + (True,) * example.n_loss)
    pieces, start = [], 0
    for k in range(1, len(mask) + 1):
        if k == len(mask) or mask[k] != mask[start]:
            text = tokenizer.decode(example.ids[start:k])
            pieces.append(f"[[{text}]]" if mask[start] else text)
            start = k
    return (f"{''.join(pieces)}\n  labels: {example.n_loss} of {len(example.ids)} ids trained "
            f"(persona turns + <eot>), -100 on the other {len(example.ids) - example.n_loss} "
            "(the other side, speaker cues, repeated context)")
