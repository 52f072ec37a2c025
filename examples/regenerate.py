"""Re-create the shipped example exports in examples/chats/ and examples/formats/ (all
synthetic, seeded).

    python examples/regenerate.py

friend: 김민지 talks casually and laughs "ㅋㅋ" (KakaoTalk Android, Korean UI).
senpai: 박서준 starts with "음…" and ends with "!!" (KakaoTalk Windows PC, Korean UI).
Neither person exists; the phone numbers, e-mails and accounts in them are made up.
"""

from __future__ import annotations

from pathlib import Path

from kakao2dataset.synthetic import render
from kakao2dataset.synthetic.conversation import generate_conversation, generate_persona_chat

CHATS = Path(__file__).resolve().parent / "chats"
FORMATS = Path(__file__).resolve().parent / "formats"

EXAMPLES = {
    "friend_kakaotalk_android.txt": dict(
        variant="K4", seed=11, speakers=("이준호", "김민지"), style=lambda t: t + "ㅋㅋ"),
    "senpai_kakaotalk_pc.txt": dict(
        variant="K1", seed=12, speakers=("이준호", "박서준"), style=lambda t: "음… " + t + "!!"),
}


# One small plain conversation (no tricky content) per support-table variant, shown in
# examples/formats/<variant>.txt|.csv (K1' → K1p): variant → (seed, number of messages).
FORMAT_EXAMPLES = {
    **dict.fromkeys(["K1", "K1'", "K2", "K1h", "K2h", "K3", "K3t", "K3tq"], (5, 14)),
    **dict.fromkeys(["K4", "K5", "K5'", "K6", "K6h", "K7", "K7'"], (3, 8)),
    **dict.fromkeys(["L1", "L1'", "L2", "L2'", "L3", "L4"], (3, 14)),
}


def format_example(variant: str) -> tuple[str, bytes]:
    """The file name and bytes of the example of one variant."""
    seed, n_messages = FORMAT_EXAMPLES[variant]
    rendered = render(generate_conversation(seed, n_messages, tricky=False), variant)
    return variant.replace("'", "p") + Path(rendered.filename).suffix, rendered.data


def main() -> None:
    CHATS.mkdir(exist_ok=True)
    for name, spec in EXAMPLES.items():
        conversation = generate_persona_chat(seed=spec["seed"], sessions=45,
                                             speakers=spec["speakers"], style=spec["style"])
        (CHATS / name).write_bytes(render(conversation, spec["variant"]).data)
        print(f"wrote {CHATS / name}")
    FORMATS.mkdir(exist_ok=True)
    for variant in FORMAT_EXAMPLES:
        name, data = format_example(variant)
        (FORMATS / name).write_bytes(data)
        print(f"wrote {FORMATS / name}")


if __name__ == "__main__":
    main()
