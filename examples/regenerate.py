"""Re-create the shipped example exports in examples/chats/ (all synthetic, seeded).

    python examples/regenerate.py

friend: 김민지 talks casually and laughs "ㅋㅋ" (KakaoTalk Android, Korean UI).
senpai: 박서준 starts with "음…" and ends with "!!" (KakaoTalk Windows PC, Korean UI).
Neither person exists; the phone numbers, e-mails and accounts in them are made up.
"""

from __future__ import annotations

from pathlib import Path

from kakao2dataset.synthetic import render
from kakao2dataset.synthetic.conversation import generate_persona_chat

CHATS = Path(__file__).resolve().parent / "chats"

EXAMPLES = {
    "friend_kakaotalk_android.txt": dict(
        variant="K4", seed=11, speakers=("이준호", "김민지"), style=lambda t: t + "ㅋㅋ"),
    "senpai_kakaotalk_pc.txt": dict(
        variant="K1", seed=12, speakers=("이준호", "박서준"), style=lambda t: "음… " + t + "!!"),
}


def main() -> None:
    CHATS.mkdir(exist_ok=True)
    for name, spec in EXAMPLES.items():
        conversation = generate_persona_chat(seed=spec["seed"], sessions=45,
                                             speakers=spec["speakers"], style=spec["style"])
        (CHATS / name).write_bytes(render(conversation, spec["variant"]).data)
        print(f"wrote {CHATS / name}")


if __name__ == "__main__":
    main()
