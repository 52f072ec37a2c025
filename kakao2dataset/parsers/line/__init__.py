"""LINE: what desktop and mobile exports share (``grammar``: clocks, kinds, unsend notices)
and one parser module per layout (``desktop``, ``mobile``), each with its own line rules."""

from kakao2dataset.parsers.line.desktop import LineDesktopParser
from kakao2dataset.parsers.line.mobile import LineMobileParser

__all__ = ["LineDesktopParser", "LineMobileParser"]
