"""Bring your own table: any NB201 metric (your own training results, a latency, a zero-cost proxy), given as a
CSV or DataFrame keyed by architecture string or official index, as one value per cell in official order, so that
every landscape analysis and the report's ``table`` section run on it.

>>> frame = pd.DataFrame({"index": range(15625), "latency": np.linspace(1, 2, 15625)})
>>> metric_table(frame, "latency", store.index).shape                  # doctest: +SKIP
(15625,)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..spaces.nb201 import N_ARCHS, ArchIndex
from ..validation import did_you_mean

__all__ = ["KEY_COLUMNS", "AGGREGATES", "metric_table", "read_metric_table"]

#: Columns that can key a table: an NB201 architecture string, or an official index (0..15624).
KEY_COLUMNS = ("arch", "arch_str", "index")
#: How several rows of one cell may be combined, when asked (``aggregate=``; the CLI's ``--aggregate``).
AGGREGATES = ("mean", "median")


def metric_table(table: str | os.PathLike | pd.DataFrame, metric: str, index: ArchIndex, *,
                 aggregate: str | None = None) -> np.ndarray:
    """Column ``metric`` of ``table`` as a float64 array of length 15,625 in official index order.

    ``table``: a CSV path or a DataFrame with a key column (:data:`KEY_COLUMNS`; strings are validated) and the
    metric; ``index``: the official order (``store.index``); several rows of one cell (seeds) are an error unless
    ``aggregate`` (``"mean"`` or ``"median"``) says how to combine them (:func:`read_metric_table` also says how
    many rows were merged).

    Raises
    ------
    ValueError
        Naming what is wrong: no such file or column (with a did-you-mean), a malformed architecture string, an
        index out of range, a non-numeric or NaN value (with the rows), rows of the same cell without
        ``aggregate`` (with the rows), or cells the table does not cover (with how many and an example): every
        landscape statistic needs a value on every cell.
    """
    return read_metric_table(table, metric, index, aggregate=aggregate)[0]


def read_metric_table(table: str | os.PathLike | pd.DataFrame, metric: str, index: ArchIndex, *,
                      aggregate: str | None = None) -> tuple[np.ndarray, int]:
    """:func:`metric_table` and the number of rows ``aggregate`` merged into another row of the same cell."""
    if isinstance(table, pd.DataFrame):
        frame, where = table, "the table"
    else:
        path = Path(table)
        if not path.is_file():
            raise ValueError(f"no table at {path}: give a CSV with a column {' or '.join(KEY_COLUMNS)} and the metric")
        try:
            frame = pd.read_csv(path)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise ValueError(f"{path} is not a readable CSV: {exc}") from None
        where = str(path)
    key = next((c for c in KEY_COLUMNS if c in frame.columns), None)
    if key is None:
        raise ValueError(f"{where} has no architecture column: name one {', '.join(map(repr, KEY_COLUMNS))} "
                         f"(columns: {', '.join(map(str, frame.columns))})")
    if metric not in frame.columns:
        raise ValueError(f"{where} has no column {metric!r}{did_you_mean(metric, list(map(str, frame.columns)))}; "
                         f"columns: {', '.join(map(str, frame.columns))}")
    if aggregate is not None and aggregate not in AGGREGATES:
        raise ValueError(f"aggregate must be None, 'mean' or 'median', got {aggregate!r}")
    values = pd.to_numeric(frame[metric], errors="coerce")
    bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float)))
    if bad.size:
        raise ValueError(f"{where}: column {metric!r} is not a finite number in {bad.size} row(s), e.g. rows "
                         f"{bad[:5].tolist()} ({frame[metric].iloc[bad[0]]!r}); fill or drop them")
    keys = frame[key]
    if keys.dtype.kind in "iu":
        ids = keys.to_numpy(np.int64)
        out = (ids < 0) | (ids >= N_ARCHS)
        if out.any():
            raise ValueError(f"{where}: official indices lie in 0..{N_ARCHS - 1}; {key} {ids[out][0]} does not")
    else:
        ids = np.asarray(index.indices_of(keys.astype(str)), dtype=np.int64)
    repeated = pd.Series(ids).duplicated(keep=False).to_numpy()
    if repeated.any() and aggregate is None:
        first = ids[repeated][0]
        rows = np.flatnonzero(ids == first)
        raise ValueError(f"{where}: {int(repeated.sum())} rows key a cell another row keys too, e.g. rows "
                         f"{rows[:5].tolist()} (index {first}); combine them with aggregate='mean' or 'median' "
                         f"(python -m landscape.report ... --aggregate mean), or drop the extra rows")
    per_cell = pd.Series(values.to_numpy(float)).groupby(ids).agg(aggregate or "mean")
    missing = np.setdiff1d(np.arange(N_ARCHS), per_cell.index.to_numpy())
    if missing.size:
        raise ValueError(f"{where} covers {N_ARCHS - missing.size} of the {N_ARCHS} cells; every landscape statistic "
                         f"needs all of them (missing e.g. index {missing[0]})")
    return per_cell.to_numpy(np.float64), len(ids) - per_cell.size
