"""NASLib's DARTS-space table (``zc_nasbench301.json``) and a lookup oracle over any genotype table.

``zc_nasbench301.json`` (NAS-Bench-Suite-Zero, an early partial version) holds 725 DARTS
genotypes for CIFAR-10, keyed by NASLib's *compact* form ``[[(input, op) × 8 normal],
[(input, op) × 8 reduce]]`` with op indices into ``['max_pool_3x3', 'avg_pool_3x3',
'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']`` (NASLib's
``convert_genotype_to_compact``: the order of :data:`landscape.spaces.darts.OPS`), and per
genotype ``val_accuracy`` (%), ``flops``, ``params`` and 12 zero-cost proxies
``{score, time}``.

Examples
--------
>>> table = load_naslib_darts()
>>> oracle = TableOracle(table)               # val_accuracy by genotype
>>> len(table), oracle(table.genotype[:3]).round(2).tolist()
(725, [93.32, 92.7, 93.57])
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceError
from ..spaces.darts import codes_to_key, format_genotype, genotype_batch, parse_genotype
from ..validation import check_choice
from ._common import locate

__all__ = ["NASLIB_DARTS_FILE", "load_naslib_darts", "TableOracle"]

#: Where the table lies under the sources folder (:func:`landscape.bench.paths.find_sources`).
NASLIB_DARTS_FILE = "automl_NASLib/naslib/data/zc_nasbench301.json"
_MISSING = ("raise", "nan")


def _compact_codes(keys: list[str], path: os.PathLike) -> np.ndarray:
    """Codes ``(n, 2, 8, 2)`` of NASLib compact keys (``(input, op)`` pairs swapped to ``(op, input)``)."""
    try:
        arr = np.array([json.loads(k.replace("(", "[").replace(")", "]")) for k in keys], dtype=np.int64)
    except (json.JSONDecodeError, ValueError) as exc:
        raise SourceError(f"{path}: a genotype key is not a NASLib compact genotype ({exc})") from None
    if arr.shape[1:] != (2, 8, 2):
        raise SourceError(f"{path}: genotype keys must be [[(input, op) x 8], [(input, op) x 8]], got shape "
                          f"{arr.shape[1:]}")
    try:
        return genotype_batch(arr[..., ::-1])
    except ValueError as exc:
        raise SourceError(f"{path}: invalid DARTS genotype key: {exc}") from None


def load_naslib_darts(path: str | os.PathLike | None = None, dataset: str = "cifar10") -> pd.DataFrame:
    """The NASLib DARTS table as a tidy frame, one row per genotype.

    Parameters
    ----------
    path : str, os.PathLike or None, default None
        The JSON file; None: ``<sources>/`` :data:`NASLIB_DARTS_FILE`.
    dataset : str, default "cifar10"
        The table's dataset key (the staged file holds only ``"cifar10"``).

    Returns
    -------
    pandas.DataFrame
        ``genotype`` (canonical DARTS repr, :func:`~landscape.spaces.darts.format_genotype`), ``key``
        (:func:`~landscape.spaces.darts.codes_to_key`), ``naslib_idx``, ``val_accuracy`` (%), ``flops``, ``params``,
        then a ``zc:<proxy>`` score column per zero-cost proxy (NaN where not finite), rows in file order.

    Raises
    ------
    SourceError
        If the file is missing, not JSON, or holds a malformed key, entry or accuracy (the message says which).
    ValueError
        If ``dataset`` is not a dataset of the file.

    Examples
    --------
    >>> table = load_naslib_darts()
    >>> table.shape, round(float(table.val_accuracy.max()), 2), table.columns[3:8].tolist()
    ((725, 16), 94.49, ['val_accuracy', 'flops', 'params', 'zc:synflow', 'zc:grasp'])
    """
    p = locate(path, NASLIB_DARTS_FILE, "NASLib's DARTS table zc_nasbench301.json",
               "It is naslib/data/zc_nasbench301.json of github.com/automl/NASLib (commit a06ba0e9).")
    try:
        data = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{p}: not valid JSON ({exc}); the file is truncated or corrupt") from None
    if not isinstance(data, dict) or dataset not in data or not isinstance(data[dataset], dict) or not data[dataset]:
        have = ", ".join(map(repr, data)) if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"dataset must be a dataset of {p}, got {dataset!r}; the file holds: {have}")
    return _table_frame(data[dataset], p, dataset)


def _table_frame(table: dict, p: Path, dataset: str) -> pd.DataFrame:
    """The tidy frame of one dataset's entries of the NASLib file ``p`` (see :func:`load_naslib_darts`)."""
    codes = _compact_codes(list(table), p)
    entries = list(table.values())
    proxies = [k for k, v in entries[0].items()
               if isinstance(v, dict) and "score" in v and k not in ("flops", "params")]

    def column(name: str, field: str | None) -> np.ndarray:
        try:
            raw = [e.get(name) if field is None else (e.get(name) or {}).get(field) for e in entries]
            return np.array([np.nan if v is None else v for v in raw], dtype=np.float64)
        except (TypeError, ValueError, AttributeError):
            raise SourceError(f"{p}: {dataset!r}: malformed {name!r} entries") from None

    frame = pd.DataFrame({
        "genotype": format_genotype(codes).astype(object), "key": codes_to_key(codes),
        "naslib_idx": [int(e.get("idx", -1)) for e in entries],
        "val_accuracy": column("val_accuracy", None), "flops": column("flops", "score"),
        "params": column("params", "score"),
        **{f"zc:{name}": column(name, "score") for name in proxies},
    })
    bad = np.flatnonzero(~np.isfinite(frame.val_accuracy.to_numpy()))
    if bad.size:
        raise SourceError(f"{p}: val_accuracy is missing or non-finite for {bad.size} genotype(s), "
                          f"e.g. row {bad[0]}")
    zc = frame.columns[frame.columns.str.startswith("zc:")]
    frame[zc] = frame[zc].where(np.isfinite(frame[zc]))
    return frame


class TableOracle:
    """Look up a value per genotype in a table: a callable ``genotypes -> np.ndarray``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``genotype`` column of DARTS genotype strings (any edge order within a node: rows are matched on
        canonical form) and the ``column`` to return, e.g. :func:`load_naslib_darts`.
    column : str, default "val_accuracy"
        The numeric value column.
    missing : {"raise", "nan"}, default "raise"
        What a call gives for a genotype the table lacks: ``"raise"``, a ``KeyError`` naming the first
        one; ``"nan"``, NaN.

    Raises
    ------
    ValueError
        ``frame`` is not a DataFrame with a ``genotype`` column, no such column, a non-numeric one, a
        malformed genotype string, two rows for one genotype with different values, or an unknown ``missing``.

    Examples
    --------
    >>> from landscape.spaces.darts import DARTS_V2, PC_DARTS
    >>> frame = pd.DataFrame({"genotype": [format_genotype(DARTS_V2)], "acc": [97.0]})
    >>> oracle = TableOracle(frame, "acc", missing="nan")
    >>> oracle
    TableOracle(1 genotypes, column='acc', missing='nan')
    >>> oracle([DARTS_V2, PC_DARTS]), oracle.covers([DARTS_V2, PC_DARTS])
    (array([97., nan]), array([ True, False]))
    >>> TableOracle(frame, "acc")([PC_DARTS])
    Traceback (most recent call last):
    KeyError: "1 of 1 genotypes are not in the table (first, at position 0: Genotype(...)); pass missing='nan' ..."
    """

    def __init__(self, frame: pd.DataFrame, column: str = "val_accuracy", *, missing: str = "raise") -> None:
        if not isinstance(frame, pd.DataFrame) or "genotype" not in frame.columns:
            raise ValueError(f"frame must be a DataFrame with a 'genotype' column, got {type(frame).__name__}"
                             + (f" with columns {list(frame.columns)}" if isinstance(frame, pd.DataFrame) else ""))
        if column not in frame.columns or column == "genotype":
            raise ValueError(f"column must be a value column of frame, got {column!r}; "
                             f"allowed: {', '.join(map(repr, (c for c in frame.columns if c != 'genotype')))}")
        self.missing = check_choice(missing, "missing", _MISSING)
        values = frame[column].to_numpy()
        if values.dtype.kind not in "iuf":
            raise ValueError(f"column {column!r} must be numeric, got dtype {values.dtype}")
        self.column = column
        codes = genotype_batch([parse_genotype(g) for g in frame["genotype"]])
        keys, values = codes_to_key(codes), values.astype(np.float64)
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order]
        dup = np.flatnonzero((keys[1:] == keys[:-1]) & ~np.isclose(values[1:], values[:-1], equal_nan=True))
        if dup.size:
            raise ValueError(f"frame holds one genotype twice with different {column!r} values "
                             f"({values[dup[0]]} and {values[dup[0] + 1]}); drop duplicates first")
        first = np.r_[True, keys[1:] != keys[:-1]]
        self._keys, self._values = keys[first], values[first]

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"TableOracle({len(self)} genotypes, column={self.column!r}, missing={self.missing!r})"

    def covers(self, genotypes: Any) -> np.ndarray:
        """Whether each genotype is in the table (boolean array)."""
        keys = codes_to_key(genotype_batch(genotypes))
        pos = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return self._keys[pos] == keys

    def __call__(self, genotypes: Any) -> np.ndarray:
        """The table's value for each genotype (codes, genotypes or strings; see
        :func:`~landscape.spaces.darts.genotype_batch`), as float64 of shape ``(n,)``."""
        codes = genotype_batch(genotypes)
        keys = codes_to_key(codes)
        pos = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        hit = self._keys[pos] == keys
        if not hit.all() and self.missing == "raise":
            miss = np.flatnonzero(~hit)
            raise KeyError(f"{miss.size} of {len(keys)} genotypes are not in the table (first, at position "
                           f"{miss[0]}: {format_genotype(codes[miss[0]])}); pass missing='nan' to get NaN for them")
        return np.where(hit, self._values[pos], np.nan)
