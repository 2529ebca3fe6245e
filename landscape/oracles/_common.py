"""Genotype batches as the oracles take them, and where the third-party oracle files are looked for."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..bench.paths import find_sources
from ..errors import DatasetMissingError
from ..spaces.darts import N_EDGES, as_codes, canonical_codes, genotype_to_codes

__all__ = ["genotype_batch", "locate"]


def genotype_batch(genotypes: Any | Iterable[Any] | np.ndarray) -> np.ndarray:
    """Canonical codes ``(n, 2, 8, 2)`` of one genotype, an iterable of genotypes / genotype strings,
    or a codes array ``(2, 8, 2)`` / ``(n, 2, 8, 2)`` (see :mod:`landscape.spaces.darts`)."""
    if isinstance(genotypes, np.ndarray):
        c = as_codes(genotypes)
    else:
        c = genotype_to_codes(genotypes)
    if c.ndim == 3:
        c = c[None]
    if c.ndim != 4:
        raise ValueError(f"genotypes must be one genotype or a batch: codes of shape (n, 2, {N_EDGES}, 2), "
                         f"got shape {c.shape}")
    return canonical_codes(c)


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
