"""NATS-Bench 200-epoch test accuracies with architecture and unique strings (``nats_bench.csv``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import SourceError
from ...spaces.nb201 import N_ARCHS, parse_arch
from ..store import Record, SeriesKey
from .checks import finite_column, require_file

COLUMNS = {
    "cifar10": "CIFAR10TestAccuracy200Epochs",
    "cifar100": "CIFAR100TestAccuracy200Epochs",
    "ImageNet16-120": "ImageNetTestAccuracy200Epochs",
}


def read_nats_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray, list[Record]]:
    """Read the table: op codes in row (official index) order, the ``UniqueString`` column, records.

    Rows are in official NB201 index order; the codes returned here define that order
    for the store.
    """
    p = require_file(path)
    try:
        df = pd.read_csv(p)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"{p}: not a readable CSV ({exc})") from None
    missing = [c for c in (*COLUMNS.values(), "ArchitectureString", "UniqueString") if c not in df.columns]
    if missing:
        raise SourceError(f"{p}: missing column(s) {missing}; is this NATS-Bench's nats_bench.csv?")
    if len(df) != N_ARCHS:
        raise SourceError(f"{p}: {len(df)} rows, expected {N_ARCHS} (one per NB201 cell)")
    try:
        codes = np.array([parse_arch(s) for s in df["ArchitectureString"]], dtype=np.int8)
    except (ValueError, TypeError) as exc:
        raise SourceError(f"{p}: bad ArchitectureString: {exc}") from None
    records = [
        Record(SeriesKey(ds, "test", "accuracy", 200, None, "nats"), finite_column(df[col], col, p))
        for ds, col in COLUMNS.items()
    ]
    return codes, df["UniqueString"].to_numpy(dtype=str), records
