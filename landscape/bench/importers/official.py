"""Import the official NAS-Bench-201 / NATS-Bench benchmark files (the ``nb201`` extra).

Reads a ``NAS-Bench-201-v1_*.pth`` file with ``nas_201_api`` or a NATS-Bench topology
(``NATS-tss-v1_0-*``) file or folder with ``nats_bench``, and turns every
(dataset, hp) result into store series of source ``official``: loss and accuracy on every
split the API reports (``train``, ``valid``, ``test``, ``valtest`` …), averaged over seeds,
for hp = 12 and 200 epochs.  Those APIs unpickle their files: use only benchmark files
you trust.  Tested here against a stand-in API (no official file is available offline).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ...errors import SourceError
from ...spaces.nb201 import N_ARCHS, parse_arch
from ..store import Record, SeriesKey

OFFICIAL_DATASETS = ("cifar10-valid", "cifar10", "cifar100", "ImageNet16-120")
HPS = ("12", "200")


def open_official_api(path: str | Path):
    """An API object for an official benchmark file, via ``nats_bench`` or ``nas_201_api``."""
    p = Path(path)
    if not p.exists():
        raise SourceError(f"official benchmark file {p} does not exist")
    errors = []
    for module, make in (("nats_bench", lambda m: m.create(str(p), "tss", fast_mode=True, verbose=False)),
                         ("nas_201_api", lambda m: m.NASBench201API(str(p), verbose=False))):  # fmt: skip
        try:
            return make(importlib.import_module(module))
        except ImportError as exc:
            errors.append(f"{module}: {exc}")
        except Exception as exc:  # the APIs raise many kinds of errors on a wrong file
            errors.append(f"{module}: {type(exc).__name__}: {exc}")
    raise SourceError(
        f"could not open {p} as an official NB201/NATS file ({'; '.join(errors)}); "
        f"install the optional importers with `pip install 'landscape[nb201]'`"
    )


def read_official(api) -> tuple[np.ndarray, list[Record]]:
    """Op codes in the API's index order and the seed-averaged loss/accuracy series."""
    if len(api) != N_ARCHS:
        raise SourceError(f"the benchmark lists {len(api)} architectures, expected {N_ARCHS} (the topology space)")
    codes = np.array([parse_arch(api.arch(i)) for i in range(N_ARCHS)], dtype=np.int8)
    columns: dict[tuple[str, str, str, int], np.ndarray] = {}
    for dataset in OFFICIAL_DATASETS:
        for hp in HPS:
            for i in tqdm(range(N_ARCHS), desc=f"{dataset} hp={hp}", unit="arch", leave=False):
                info = api.get_more_info(i, dataset, iepoch=None, hp=hp, is_random=False)
                for key, value in info.items():
                    split, _, metric = key.rpartition("-")
                    key = (dataset, split, metric, int(hp))
                    if metric in ("loss", "accuracy") and split and value is not None:
                        if key not in columns:
                            columns[key] = np.full(N_ARCHS, np.nan)
                        columns[key][i] = value
    records = []
    for (dataset, split, metric, epochs), values in columns.items():
        ok = np.isfinite(values)
        records.append(Record(SeriesKey(dataset, split, metric, epochs, None, "official"), values[ok],
                              None if ok.all() else np.flatnonzero(ok)))
    return codes, records
