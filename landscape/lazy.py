"""Packages whose public names load with their submodule on first use (PEP 562), so that a command line parses
its arguments, and answers ``--help``, before torch, pandas or matplotlib are imported.

In a package's ``__init__.py``::

    _WHERE = {"train_supernet": "spos", "run_search": "genas"}   # public name -> submodule defining it
    __all__ = list(_WHERE)
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, where: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of package ``package``: each name of ``where`` is imported from its
    submodule (relative to the package) on first access, then kept in the package."""

    def __getattr__(attr: str) -> Any:
        if attr not in where:
            raise AttributeError(f"module {package!r} has no attribute {attr!r}")
        value = getattr(importlib.import_module(f".{where[attr]}", package), attr)
        setattr(sys.modules[package], attr, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__
