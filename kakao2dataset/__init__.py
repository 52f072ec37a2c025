"""kakao2dataset: KakaoTalk / LINE exports → anonymized turn pairs → LoRA personas.

The reading API is at the top, imported on first use (so ``import kakao2dataset`` stays cheap
and does not load every parser)::

    from kakao2dataset import read_export, messages_frame
    for message in read_export("KakaoTalkChats.txt"): ...
"""

from kakao2dataset.model import Message, MessageKind, Turn, TurnPair

__all__ = ["Message", "MessageKind", "Turn", "TurnPair", "messages_frame", "read_export"]
__version__ = "0.1.0"

_LAZY = {"read_export", "messages_frame"}


def __getattr__(name: str):
    if name in _LAZY:
        from kakao2dataset import exports

        return getattr(exports, name)
    raise AttributeError(f"module 'kakao2dataset' has no attribute {name!r}")
