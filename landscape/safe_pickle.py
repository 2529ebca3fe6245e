"""Unpickling that refuses code: third-party data files are read as plain Python data only."""

from __future__ import annotations

import pickle

__all__ = ["PlainUnpickler"]


class PlainUnpickler(pickle.Unpickler):
    """A :class:`pickle.Unpickler` that loads lists, dicts, numbers and strings and refuses every global.

    Subclasses allow a few named callables through ``_ALLOWED`` (``(module, name) -> object``).
    """

    _ALLOWED: dict[tuple[str, str], object] = {}

    def find_class(self, module: str, name: str):  # noqa: D401 - pickle API
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[(module, name)]
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only plain Python data is allowed")
