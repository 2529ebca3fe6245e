"""Per-seed 200-epoch errors, sizes and training times from constrained-TPE's ``metric_vals.pkl``.

The file holds, per dataset, flat arrays with one entry per (architecture, seed) run and no
architecture column.  Runs of one architecture share its ``runtime`` and ``size_in_mb``, so
the arrays split into exactly 15,625 runs of equal consecutive (runtime, size) in official
index order.  ``loss`` is 100 − accuracy (%) at epoch 199: ``valid-accuracy`` of
``cifar10-valid`` and ``valtest-accuracy`` (x-valid + x-test) of cifar100 / ImageNet16-120.
The source does not name the seed of each run: ``seed`` in the store is the run's position
(0, 1, 2) within its architecture, in the source's order.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from ...errors import SourceError
from ...spaces.nb201 import N_ARCHS
from ..store import Record, SeriesKey
from .checks import finite_column, require_file

_FILE_KEYS = {"cifar10": ("cifar10-valid", "valid"), "cifar100": ("cifar100", "valtest"),
            "imagenet": ("ImageNet16-120", "valtest")}  # fmt: skip


def _restricted_numpy_load(f):
    allowed = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
               ("numpy._core.multiarray", "scalar")}  # fmt: skip

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) not in allowed:
                raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
            return super().find_class(module, name)

    return Unpickler(f).load()


def split_runs(runtime: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Architecture number of every run: a new architecture starts where (runtime, size) changes."""
    change = np.r_[True, (runtime[1:] != runtime[:-1]) | (size[1:] != size[:-1])]
    return np.cumsum(change) - 1


def read_metric_vals(path: str | Path) -> list[Record]:
    p = require_file(path)
    try:
        with open(p, "rb") as f:
            data = _restricted_numpy_load(f)
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise SourceError(f"{p}: unreadable pickle ({exc})") from None
    if not isinstance(data, dict) or set(_FILE_KEYS) - set(data):
        raise SourceError(f"{p}: expected a dict with keys {sorted(_FILE_KEYS)}")
    records = []
    for key, (dataset, split) in _FILE_KEYS.items():
        d = data[key]
        try:
            loss, runtime, size = (finite_column(d[k], f"{key}/{k}", p, None) for k in ("loss", "runtime", "size_in_mb"))
        except (KeyError, TypeError):
            raise SourceError(f"{p}: dataset {key!r} lacks loss/runtime/size_in_mb arrays") from None
        arch = split_runs(runtime, size)
        if arch[-1] + 1 != N_ARCHS:
            raise SourceError(f"{p}: {key} splits into {arch[-1] + 1} architectures, expected {N_ARCHS}")
        first = np.r_[0, np.flatnonzero(np.diff(arch)) + 1]
        run = np.arange(arch.size) - first[arch]
        acc = 100.0 - loss
        counts = np.bincount(arch, minlength=N_ARCHS)
        for seed in range(run.max() + 1):
            m = run == seed
            records.append(Record(SeriesKey(dataset, split, "accuracy", 200, seed, "metric_vals"), acc[m], arch[m]))
        records.append(
            Record(SeriesKey(dataset, split, "accuracy", 200, None, "metric_vals"),
                   np.bincount(arch, weights=acc, minlength=N_ARCHS) / counts)
        )
        records.append(Record(SeriesKey(dataset, "train", "time_total_s", 200, None, "metric_vals"), runtime[first]))
        records.append(Record(SeriesKey(dataset, "model", "params_mb", None, None, "metric_vals"), size[first]))
    return records
