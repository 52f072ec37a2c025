"""Conversation records → the dataset formats other trainers read (the persona is the assistant).

* ``messages``: ``{"messages": [{"role": "user"|"assistant", "content": ...}, ...]}``
  (trl SFTTrainer, axolotl ``chat_template``, LLaMA-Factory ``openai``-style),
* ``sharegpt``: ``{"conversations": [{"from": "human"|"gpt", "value": ...}, ...]}``,
* ``alpaca``: ``{"instruction", "input", "output", "history"}`` (LLaMA-Factory),
* ``prompt-completion``: ``{"prompt", "completion"}`` with our speaker tokens (trl), one per
  persona turn, its context cut as ``k2d finetune`` cuts it (8 turns / 1200 characters).

Every exported conversation alternates user / assistant, starts with a user turn and has no
empty turn, because LLaMA-Factory drops a sample that starts with the assistant and most chat
templates insist on alternation:

* consecutive turns of one role are joined with a newline;
* a conversation the persona opened (``persona_opened``) starts with the user turn
  :data:`OPENER_CUE` (``<start>``): at inference, send ``<start>`` as the user message to make
  the persona open a conversation;
* a later window of a long session starts at its first user turn: its leading persona turns
  repeat the end of the previous window and are dropped. The rest of the repeated context
  (``context_turns``, at most 8 turns, once per ``max_window_turns``) stays, so the first new
  reply keeps its context; a trainer that trains every assistant turn trains those few twice;
* trailing user turns (nothing the persona said after them) are dropped, and a conversation
  with no persona turn is not exported.

>>> rec = {"persona_opened": True, "window": 0, "turns": [
...     {"role": "persona", "text": "야"}, {"role": "user", "text": "응"},
...     {"role": "user", "text": "왜"}, {"role": "persona", "text": "그냥"}]}
>>> to_messages(rec)["messages"]  # doctest: +NORMALIZE_WHITESPACE
[{'role': 'user', 'content': '<start>'}, {'role': 'assistant', 'content': '야'},
 {'role': 'user', 'content': '응\\n왜'}, {'role': 'assistant', 'content': '그냥'}]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kakao2dataset.speakers import PERSONA, USER, render_prompt, render_response

OPENER_CUE = "<start>"
ROLE_NAMES = {"messages": ("user", "assistant"), "sharegpt": ("human", "gpt")}
CONTEXT_TURNS, CONTEXT_CHARS = 8, 1200  # what pair-per-reply gave a reply (PairSettings)


def alternating(record: dict) -> list[tuple[str, str]]:
    """The record's turns as alternating ``(role, text)``, user first, persona last (see the
    module docstring); ``[]`` when the persona says nothing."""
    turns = [(t["role"], t["text"]) for t in record["turns"] if t["text"].strip()]
    if record.get("window", 0) > 0:
        while turns and turns[0][0] == PERSONA:
            turns.pop(0)
    elif turns and turns[0][0] == PERSONA:
        turns.insert(0, (USER, OPENER_CUE))
    while turns and turns[-1][0] != PERSONA:
        turns.pop()
    merged: list[tuple[str, str]] = []
    for role, text in turns:
        if merged and merged[-1][0] == role:
            merged[-1] = (role, merged[-1][1] + "\n" + text)
        else:
            merged.append((role, text))
    return merged


def _named(record: dict, style: str) -> list[tuple[str, str]]:
    user, assistant = ROLE_NAMES[style]
    return [(assistant if role == PERSONA else user, text) for role, text in alternating(record)]


def to_messages(record: dict) -> dict | None:
    turns = _named(record, "messages")
    return {"messages": [{"role": r, "content": t} for r, t in turns]} if turns else None


def to_sharegpt(record: dict) -> dict | None:
    turns = _named(record, "sharegpt")
    return {"conversations": [{"from": r, "value": t} for r, t in turns]} if turns else None


def to_alpaca(record: dict) -> dict | None:
    """The last exchange as ``instruction`` / ``output``, the earlier ones as ``history``."""
    turns = alternating(record)
    if not turns:
        return None
    exchanges = [[turns[i][1], turns[i + 1][1]] for i in range(0, len(turns), 2)]
    (instruction, output), history = exchanges[-1], exchanges[:-1]
    return {"instruction": instruction, "input": "", "output": output, "history": history}


def to_prompt_completion(record: dict) -> Iterator[dict]:
    """One ``{prompt, completion}`` per persona turn (trl puts loss on the completion only)."""
    turns = alternating(record)
    for i, (role, text) in enumerate(turns):
        if role != PERSONA or i == 0:
            continue
        context, chars = [], 0
        for earlier in reversed(turns[:i]):
            if context and (len(context) >= CONTEXT_TURNS or chars + len(earlier[1]) > CONTEXT_CHARS):
                break
            context.insert(0, earlier)
            chars += len(earlier[1])
        yield {"prompt": render_prompt(context), "completion": render_response(text)}


def _one(convert: Callable[[dict], dict | None]) -> Callable[[dict], Iterator[dict]]:
    def records(record: dict) -> Iterator[dict]:
        out = convert(record)
        if out is not None:
            yield out

    return records


CONVERTERS: dict[str, Callable[[dict], Iterator[dict]]] = {
    "messages": _one(to_messages),
    "sharegpt": _one(to_sharegpt),
    "alpaca": _one(to_alpaca),
    "prompt-completion": to_prompt_completion,
}
