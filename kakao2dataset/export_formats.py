"""Pair records → the dataset formats other trainers read (the persona is the assistant).

* ``messages``: ``{"messages": [{"role": "user"|"assistant", "content": ...}, ...]}``
  (trl SFTTrainer, axolotl ``chat_template``, LLaMA-Factory ``openai``-style),
* ``sharegpt``: ``{"conversations": [{"from": "human"|"gpt", "value": ...}, ...]}``,
* ``alpaca``: ``{"instruction", "input", "output", "history"}`` (LLaMA-Factory),
* ``prompt-completion``: ``{"prompt", "completion"}`` with our speaker tokens (trl).

Consecutive context turns of one role are joined with a newline, since most chat templates
require user/assistant alternation.

>>> rec = {"context": [{"role": "user", "text": "hi"}, {"role": "user", "text": "yo"}],
...        "response": "hey", "prompt": "<usr>hi<eot><usr>yo<eot><sys>"}
>>> to_messages(rec)["messages"]
[{'role': 'user', 'content': 'hi\\nyo'}, {'role': 'assistant', 'content': 'hey'}]
"""

from __future__ import annotations

from collections.abc import Callable

from kakao2dataset.speakers import PERSONA, render_response

ROLE_NAMES = {"messages": ("user", "assistant"), "sharegpt": ("human", "gpt")}


def _alternating(record: dict) -> list[tuple[str, str]]:
    turns = [(t["role"], t["text"]) for t in record["context"]] + [(PERSONA, record["response"])]
    merged: list[tuple[str, str]] = []
    for role, text in turns:
        if merged and merged[-1][0] == role:
            merged[-1] = (role, merged[-1][1] + "\n" + text)
        else:
            merged.append((role, text))
    return merged


def _named(record: dict, style: str) -> list[tuple[str, str]]:
    user, assistant = ROLE_NAMES[style]
    return [(assistant if role == PERSONA else user, text) for role, text in _alternating(record)]


def to_messages(record: dict) -> dict:
    return {"messages": [{"role": r, "content": t} for r, t in _named(record, "messages")]}


def to_sharegpt(record: dict) -> dict:
    return {"conversations": [{"from": r, "value": t} for r, t in _named(record, "sharegpt")]}


def to_alpaca(record: dict) -> dict:
    turns = _alternating(record)
    *earlier, (_, output) = turns
    instruction = earlier[-1][1] if earlier and earlier[-1][0] != PERSONA else ""
    rest = earlier[:-1] if instruction else earlier
    history, pending = [], None
    for role, text in rest:
        if role == PERSONA:
            history.append([pending or "", text])
            pending = None
        else:
            pending = text
    return {"instruction": instruction, "input": "", "output": output, "history": history}


def to_prompt_completion(record: dict) -> dict:
    return {"prompt": record["prompt"], "completion": render_response(record["response"])}


CONVERTERS: dict[str, Callable[[dict], dict]] = {
    "messages": to_messages,
    "sharegpt": to_sharegpt,
    "alpaca": to_alpaca,
    "prompt-completion": to_prompt_completion,
}
