"""Where the third-party oracle files are looked for."""

from __future__ import annotations

import os
from pathlib import Path

from ..bench.paths import find_sources
from ..errors import DatasetMissingError

__all__ = ["locate"]


def locate(path: str | os.PathLike | None, relative: str, what: str, how: str) -> Path:
    """``path`` if given, else ``relative`` under the local sources (:func:`~landscape.bench.paths.find_sources`);
    :class:`~landscape.errors.DatasetMissingError` saying ``how`` to get ``what`` if it is not a file."""
    if path is not None:
        p = Path(path)
    else:
        src = find_sources()
        p = (src / relative) if src is not None else None
    if p is None or not p.is_file():
        where = f"{p}" if p is not None else f"<sources>/{relative} (no sources folder found)"
        raise DatasetMissingError(
            f"{what} not found at {where}. {how} Put it at <sources>/{relative}, where <sources> is "
            f"$LANDSCAPE_SOURCES or ../shared/data beside the checkout, or pass its path.")
    return p.resolve()
