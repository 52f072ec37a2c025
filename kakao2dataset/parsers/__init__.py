"""Export parsers, one module per app/platform, each registered by name.

Every module in this package (except the private ``_*`` ones and ``base``) is imported by
:func:`load_all`, so adding a format is adding a module with a ``@register``-ed class.
"""

from __future__ import annotations

import importlib
import pkgutil

_LOADED = False


def load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in {"base"}:
            continue
        importlib.import_module(f"{__name__}.{info.name}")
    _LOADED = True
