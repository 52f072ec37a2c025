"""Export parsers: one folder (a subpackage) per format family, each with its grammar as data
(``grammar.py``), one reader, and the ``@register``-ed parser classes its ``__init__`` exports.

::

    parsers/base.py          what every parser is; the registry; shared bookkeeping
    parsers/clock.py         12-hour clocks and month names, for every family
    parsers/kakao_kinds.py   KakaoTalk placeholder texts → message kinds (PC, mobile, macOS)
    parsers/kakao_pc/        KakaoTalk Windows PC (K1, K1', K2, K1h, K2h)
    parsers/kakao_mobile/    KakaoTalk Android (K4, K5, K5') and iOS (K6, K6h, K7, K7')
    parsers/kakao_mac/       KakaoTalk macOS CSV (K3) and tab-separated .txt (K3t, K3tq)
    parsers/line/            LINE desktop and mobile

:func:`load_all` imports every family folder, so adding a format is adding a folder whose
``__init__`` imports its parser classes; plain modules at this level are shared helpers.
Nothing is imported until the registry is first asked (:func:`.base.registered`).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil


@functools.cache
def load_all() -> None:
    """Import every format family (each registers its parsers), once."""
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            importlib.import_module(f"{__name__}.{info.name}")
