"""KakaoTalk for Android and iOS: one line grammar with several date dialects (``grammar``),
one reader for both (``reader``), and a parser class per app (``android``, ``ios``)."""

from kakao2dataset.parsers.kakao_mobile.android import KakaoAndroidParser
from kakao2dataset.parsers.kakao_mobile.ios import KakaoIosParser

__all__ = ["KakaoAndroidParser", "KakaoIosParser"]
