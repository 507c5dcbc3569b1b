"""Sources: one module per export format or API, each registered with @register.

Importing this package imports every source module so the registry is complete.
"""

from __future__ import annotations

import importlib
import pkgutil

from smi.sources.base import REGISTRY, ImportContext, ImportOptions, Source, Unit, register
from smi.sources.files import InputFile, expand

_SKIP = {"base", "files", "columns", "sheets", "own_account"}


def load_all() -> dict[str, type[Source]]:
    for info in pkgutil.iter_modules(__path__):
        if info.name not in _SKIP and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


__all__ = [
    "REGISTRY",
    "ImportContext",
    "ImportOptions",
    "InputFile",
    "Source",
    "Unit",
    "expand",
    "load_all",
    "register",
]
