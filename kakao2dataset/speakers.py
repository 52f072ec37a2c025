"""Speaker special tokens and the one function that renders a conversation for the model.

Training examples (``k2d parse`` / ``k2d finetune``) and inference prompts (PersonaBank, chat,
serve, apps) are all built by :func:`render_prompt` / :func:`render_example`, so the model sees
at inference exactly the format it was trained on.

The token set is fixed and documented:

* ``<usr>`` starts a turn of the person talking *to* the persona (the "user"),
* ``<sys>`` starts a turn of the persona (what the adapter learns to write),
* ``<eot>`` ends every turn.

KoGPT2 (the default base) already has ``<usr>`` and ``<sys>`` as single tokens; training adds
only what a base lacks (see ``finetune.prepared_base``).

>>> render_example([("user", "밥 먹었어?")], "응 방금ㅋㅋ")
'<usr>밥 먹었어?<eot><sys>응 방금ㅋㅋ<eot>'
>>> render_prompt([("user", "hi"), ("persona", "yo"), ("user", "what's up")])
"<usr>hi<eot><sys>yo<eot><usr>what's up<eot><sys>"
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

USER = "user"
PERSONA = "persona"
ROLES = (USER, PERSONA)


@dataclass(frozen=True)
class SpeakerTokens:
    user: str = "<usr>"
    persona: str = "<sys>"
    end_of_turn: str = "<eot>"

    def for_role(self, role: str) -> str:
        if role == USER:
            return self.user
        if role == PERSONA:
            return self.persona
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")

    def as_list(self) -> list[str]:
        """In a fixed order, so adding them to a tokenizer always gives the same ids."""
        return [self.user, self.persona, self.end_of_turn]

    def to_dict(self) -> dict[str, str]:
        return {"user": self.user, "persona": self.persona, "end_of_turn": self.end_of_turn}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> SpeakerTokens:
        return cls(**{k: data[k] for k in ("user", "persona", "end_of_turn")})


DEFAULT_TOKENS = SpeakerTokens()


def render_turns(turns: Iterable[tuple[str, str]], tokens: SpeakerTokens = DEFAULT_TOKENS) -> str:
    """``[(role, text), ...]`` → ``<role-token>text<eot>...``."""
    return "".join(f"{tokens.for_role(role)}{text}{tokens.end_of_turn}" for role, text in turns)


def render_prompt(
    context: Sequence[tuple[str, str]], tokens: SpeakerTokens = DEFAULT_TOKENS
) -> str:
    """The model input that asks for the persona's next turn: the context, then ``<sys>``."""
    return render_turns(context, tokens) + tokens.persona


def render_response(response: str, tokens: SpeakerTokens = DEFAULT_TOKENS) -> str:
    """The part the loss is computed on: the persona's words and the closing ``<eot>``."""
    return response + tokens.end_of_turn


def render_example(
    context: Sequence[tuple[str, str]], response: str, tokens: SpeakerTokens = DEFAULT_TOKENS
) -> str:
    """Prompt + response: the full training text of one pair."""
    return render_prompt(context, tokens) + render_response(response, tokens)
