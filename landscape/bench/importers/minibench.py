"""BayesWatch's mini-NAS-Bench-201: 12-epoch validation and test accuracies (a pandas pickle).

The source names its columns ``cifar10-val``/``cifar10-test`` etc. and does not document
which NB201 splits they are; they are stored as ``valid``/``test`` of ``cifar10``,
``cifar100`` and ``ImageNet16-120`` at 12 epochs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import SourceError
from ..store import Record, SeriesKey
from .checks import finite_column, require_file

COLUMNS = {
    ("cifar10", "valid"): "cifar10-val",
    ("cifar10", "test"): "cifar10-test",
    ("cifar100", "valid"): "cifar100-val",
    ("cifar100", "test"): "cifar100-test",
    ("ImageNet16-120", "valid"): "imagenet-val",
    ("ImageNet16-120", "test"): "imagenet-test",
}


def read_minibench(path: str | Path, arch_strings: np.ndarray) -> list[Record]:
    """Read the table and check that its rows follow the official order given by ``arch_strings``.

    Unpickles the file: call it only on the pinned, checksum-verified source.
    """
    p = require_file(path)
    try:
        df = pd.read_pickle(p)
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise SourceError(f"{p}: unreadable pandas pickle ({type(exc).__name__}: {exc})") from None
    if not isinstance(df, pd.DataFrame) or "cellstr" not in df.columns:
        raise SourceError(f"{p}: expected a DataFrame with a 'cellstr' column")
    if len(df) != len(arch_strings) or not (df["cellstr"].to_numpy(dtype=str) == arch_strings).all():
        raise SourceError(f"{p}: rows are not in official NB201 index order (cellstr disagrees with nats_bench.csv)")
    missing = [c for c in COLUMNS.values() if c not in df.columns]
    if missing:
        raise SourceError(f"{p}: missing column(s) {missing}")
    return [
        Record(SeriesKey(ds, split, "accuracy", 12, None, "minibench"), finite_column(df[col], col, p))
        for (ds, split), col in COLUMNS.items()
    ]
