"""HELP's NB201 latency tables (one ``latency/<device>.pt`` per device) and its index check.

The latency lists are in official index order.  They are stored as metric ``latency_ms``
of dataset ``hardware`` with the device as the split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import SourceError
from ..store import Record, SeriesKey
from .checks import finite_column, load_torch_plain, require_file


def read_help_latency(path: str | Path, device: str) -> Record:
    p = require_file(path)
    values = finite_column(load_torch_plain(p), f"latency/{device}", p)
    return Record(SeriesKey("hardware", device, "latency_ms", None, None, "HELP"), values)


def check_help_index(path: str | Path, arch_strings: np.ndarray) -> None:
    """Check that HELP's ``str_arch2idx`` agrees with the official order."""
    p = require_file(path)
    mapping = load_torch_plain(p)
    if not isinstance(mapping, dict) or len(mapping) != len(arch_strings):
        raise SourceError(f"{p}: expected a dict of {len(arch_strings)} architecture strings")
    wrong = [s for i, s in enumerate(arch_strings) if mapping.get(s) != i]
    if wrong:
        raise SourceError(f"{p}: {len(wrong)} architecture(s) disagree with the official order, e.g. {wrong[0]!r}")
