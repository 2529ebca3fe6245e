"""NAS-Landscapes' seed-averaged 200-epoch ``cifar10-valid`` table (``cifar10_avg.csv``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import SourceError
from ..store import Record, SeriesKey
from .checks import finite_column, require_file

_METRICS = {"loss": "loss", "accuracy": "accuracy", "time_per_epoch_s": "per-time", "time_total_s": "all-time"}


def read_landscapes_csv(path: str | Path, arch_strings: np.ndarray) -> list[Record]:
    """Loss, accuracy and timings on the train/valid/test splits of ``cifar10-valid``."""
    p = require_file(path)
    try:
        df = pd.read_csv(p)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"{p}: not a readable CSV ({exc})") from None
    if "arch_str" not in df.columns:
        raise SourceError(f"{p}: missing column 'arch_str'; is this NAS-Landscapes' cifar10_avg.csv?")
    if len(df) != len(arch_strings) or not (df["arch_str"].to_numpy(dtype=str) == arch_strings).all():
        raise SourceError(f"{p}: rows are not in official NB201 index order (arch_str disagrees with nats_bench.csv)")
    records = []
    for split in ("train", "valid", "test"):
        for metric, suffix in _METRICS.items():
            col = f"{split}-{suffix}"
            if col not in df.columns:
                raise SourceError(f"{p}: missing column {col!r}")
            records.append(
                Record(SeriesKey("cifar10-valid", split, metric, 200, None, "landscapes"), finite_column(df[col], col, p))
            )
    return records
