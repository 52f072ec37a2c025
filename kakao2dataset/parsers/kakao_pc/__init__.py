"""KakaoTalk for Windows PC: ``grammar`` (the lines as data), ``reader`` (the one rule set),
``parser`` (sniffing and the registered class)."""

from kakao2dataset.parsers.kakao_pc.parser import KakaoPcParser

__all__ = ["KakaoPcParser"]
