"""Lazy package exports, so ``import runs_core`` (and building a client) stays cheap.

Defining the pydantic models and building their validators is most of this library's
import time, and a client needs none of it until a response arrives. A package lists
which module holds each public name; the name is imported on first access and then
cached in the package namespace, so later lookups cost nothing.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, table: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """A module ``__getattr__`` serving the names of ``table`` (module -> names)."""
    where = {name: module for module, names in table.items() for name in names}

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
