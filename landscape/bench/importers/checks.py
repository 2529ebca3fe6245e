"""Helpers shared by the importers: checked file access and checked numeric columns."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

from ...errors import SourceError
from ...safe_pickle import PlainUnpickler
from ...spaces.nb201 import N_ARCHS


def require_file(path: str | Path) -> Path:
    """Return ``path`` if it is a readable file, else a :class:`SourceError` saying so."""
    p = Path(path)
    if not p.is_file():
        raise SourceError(f"source file {p} does not exist")
    return p


def finite_column(values, what: str, path: Path, length: int | None = N_ARCHS) -> np.ndarray:
    """A float64 column that must be finite (and of ``length`` rows when given)."""
    try:
        v = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SourceError(f"{path}: column {what!r} is not numeric ({exc})") from None
    if length is not None and v.shape != (length,):
        raise SourceError(f"{path}: column {what!r} has {v.size} rows, expected {length}")
    bad = np.flatnonzero(~np.isfinite(v))
    if bad.size:
        raise SourceError(
            f"{path}: column {what!r} holds {bad.size} NaN/inf value(s), first at row(s) {bad[:5].tolist()}; "
            f"the file is damaged or not the pinned version: fetch it again (`python -m landscape.data fetch`)"
        )
    return v


def load_torch_plain(path: Path):
    """Read a ``torch.save`` zip whose payload is plain Python data (lists, dicts, numbers, strings).

    Needs no torch, and refuses any pickle that references a class or function.
    """
    try:
        with zipfile.ZipFile(path) as z:
            name = next((n for n in z.namelist() if n.endswith("/data.pkl")), None)
            if name is None:
                raise SourceError(f"{path}: not a torch.save archive (no data.pkl inside)")
            return PlainUnpickler(io.BytesIO(z.read(name))).load()
    except (zipfile.BadZipFile, pickle.UnpicklingError, EOFError) as exc:
        raise SourceError(f"{path}: unreadable torch archive ({exc})") from None
