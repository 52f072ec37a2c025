"""kakao2dataset: KakaoTalk / LINE exports → anonymized turn pairs → LoRA personas."""

from kakao2dataset.model import Message, MessageKind, Turn, TurnPair

__all__ = ["Message", "MessageKind", "Turn", "TurnPair"]
__version__ = "0.1.0"
