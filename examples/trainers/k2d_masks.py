"""k2d's own loss mask for an exported record, to hold a trainer's labels against.

The reference is what ``k2d finetune`` itself trains on the same conversation
(:func:`finetune.data.encode_dialogue` for a conversation, :func:`finetune.data.encode_pair` for a
prompt-completion pair): loss on every persona turn's words and its ``<eot>``, none on the
``<sys>`` cue, the user turns or padding. A record longer than ``max_length`` is counted apart:
k2d packs it into several sequences, a trainer cuts it, so the two cannot agree token for token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from finetune.data import IGNORE, Dialogue, Pair, encode_dialogue, encode_pair
from kakao2dataset.speakers import PERSONA, USER

ASSISTANT_ROLES = {"assistant": PERSONA, "gpt": PERSONA, "user": USER, "human": USER}


def k2d_conversation(messages: list[dict], tokenizer, tokens, max_length: int):
    """``(ids, labels)`` k2d trains for one exported conversation, or ``None`` when it does not fit
    in one sequence of ``max_length``."""
    turns = [(ASSISTANT_ROLES[m["role"]], m["content"]) for m in messages]
    examples = encode_dialogue(Dialogue(turns, 0, "train", "export"), tokenizer, tokens,
                               max_length=10**9)
    if len(examples) != 1 or len(examples[0].ids) > max_length:
        return None
    return examples[0].ids, examples[0].labels()


def k2d_pair(context: list[tuple[str, str]], response: str, tokenizer, tokens, max_length: int):
    ex = encode_pair(Pair(context, response, "train", "export"), tokenizer, tokens, 10**9)
    return None if len(ex.ids) > max_length else (ex.ids, ex.labels())


@dataclass
class Tally:
    """How a trainer's labels compared with k2d's, record by record."""

    agree: int = 0
    differ: list[str] = field(default_factory=list)  # "record N: first difference at token K"
    over_long: int = 0  # longer than max_length: the trainer cuts (or drops) it
    dropped: int = 0  # records the trainer left out altogether

    def add(self, n: int, trainer, ours) -> None:
        if ours is None:
            self.over_long += 1
            return
        if trainer is None:
            self.dropped += 1
            self.differ.append(f"record {n}: dropped by the trainer")
            return
        if list(trainer[0]) == list(ours[0]) and list(trainer[1]) == list(ours[1]):
            self.agree += 1
            return
        first = next((k for k, (a, b) in enumerate(zip(trainer[1], ours[1], strict=False)) if a != b),
                     min(len(trainer[1]), len(ours[1])))
        self.differ.append(f"record {n}: first difference at token {first}")

    def report(self, trainer: str) -> str:
        total = self.agree + len(self.differ) + self.over_long
        lines = [f"{trainer}: {self.agree} of {total} records have k2d's loss mask token for token; "
                 f"{len(self.differ)} differ; {self.over_long} are over max_length "
                 "(cut by the trainer, packed by k2d; not compared)"]
        lines += [f"  {d}" for d in self.differ[:10]]
        return "\n".join(lines)

    @property
    def ok(self) -> bool:
        return not self.differ


def loss_tokens(labels) -> int:
    return sum(1 for x in labels if x != IGNORE)


def read_export(data: Path, target: str) -> list[dict]:
    """The ``k2d export --to TARGET`` records of a ``k2d parse`` output folder (all splits)."""
    from kakao2dataset.export_formats import CONVERTERS
    from kakao2dataset.writers import read_records

    path = data / "conversations.jsonl"
    if not path.exists():
        path = data / "conversations.parquet"
    return [out for record in read_records(path) for out in CONVERTERS[target](record)]
