"""KakaoTalk for macOS: the CSV (K3, read by :mod:`csv`) and the designed tab-separated .txt
(K3t, K3tq): ``grammar`` (rows and headers as data), ``txt_reader`` (the unquoted .txt's line
rules), ``parser`` (sniffing, the CSV rows, the registered class)."""

from kakao2dataset.parsers.kakao_mac.grammar import EVENT_TAILS
from kakao2dataset.parsers.kakao_mac.parser import KakaoMacParser

__all__ = ["EVENT_TAILS", "KakaoMacParser"]
