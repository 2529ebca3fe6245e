"""Shared fixtures: the real sources (``../shared/data``), a store imported from them once per
session, and a small synthetic store for fast unit tests of the store's error handling."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the package is used from the checkout, not installed
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("TQDM_DISABLE", "1")  # progress bars would clutter the test output

import torch  # noqa: E402

torch.set_num_threads(1)  # the tests' networks are tiny: a second thread only spins, worse on a busy machine

from landscape.bench.store import Record, SeriesKey, Store, write_store  # noqa: E402
from landscape.spaces.nb201 import N_ARCHS, all_codes  # noqa: E402

SKIP_REASON = "../shared/data not present: real-table tests need it"


def sources_path() -> Path:
    """``$LANDSCAPE_SOURCES``, else ``../shared/data`` beside the checkout."""
    env = os.environ.get("LANDSCAPE_SOURCES")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for ``python -m landscape.data`` subprocesses: the checkout importable, no bars."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANDSCAPE_DATA", "LANDSCAPE_SOURCES")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["TQDM_DISABLE"] = "1"
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real third-party source files (read-only)."""
    p = sources_path()
    if not p.is_dir():
        pytest.skip(SKIP_REASON)
    return p


@pytest.fixture(scope="session")
def store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The ground-truth store imported from the real sources (imported once per session)."""
    from landscape.bench.importers.sources_dir import import_sources

    path = import_sources(shared_data, tmp_path_factory.mktemp("data"))
    return Store(path)


@dataclass
class TinyStore:
    """A synthetic store written with :func:`write_store` and what was written into it."""

    data_dir: Path
    path: Path
    codes: np.ndarray
    records: list[Record]
    splits: dict[str, np.ndarray]
    configs: dict[str, dict]

    def open(self) -> Store:
        return Store(self.path)


FULL_KEY = SeriesKey("toy", "test", "accuracy", 200, None, "toy")
SEED_KEY = SeriesKey("toy", "test", "accuracy", 200, 0, "toy")
PARTIAL_KEY = SeriesKey("toy", "valid", "accuracy", 12, None, "other")
PARAMS_KEY = SeriesKey("toy", "model", "params_mb", None, None, "other")


def tiny_records(seed: int = 0) -> list[Record]:
    rng = np.random.default_rng(seed)
    partial_index = np.sort(rng.choice(N_ARCHS, size=100, replace=False))
    return [
        Record(FULL_KEY, rng.uniform(10, 95, N_ARCHS)),
        Record(SEED_KEY, rng.uniform(10, 95, N_ARCHS)),
        Record(PARTIAL_KEY, rng.uniform(10, 95, 100), partial_index, note="100 cells only"),
        Record(PARAMS_KEY, rng.uniform(0.1, 1.5, N_ARCHS)),
    ]


def make_tiny_store(data_dir: Path, seed: int = 0) -> TinyStore:
    rng = np.random.default_rng(1234)
    codes = all_codes()[rng.permutation(N_ARCHS)]
    records = tiny_records(seed)
    splits = {"toy:train": np.arange(0, 10, dtype=np.int32), "toy:valid": np.arange(10, 20, dtype=np.int32)}
    configs = {"200E": {"epochs": 200, "LR": 0.1}}
    path = write_store(data_dir, codes.copy(), records, splits=splits, configs=configs,
                       sources={"toy": {"path": "toy.csv"}})
    return TinyStore(data_dir, path, codes, records, splits, configs)


@pytest.fixture
def tiny_store(tmp_path: Path) -> TinyStore:
    """A synthetic store: the space in a fixed shuffled order, a full, a per-seed and a partial series."""
    return make_tiny_store(tmp_path / "data")


#: Ray start-up on a busy machine: seconds the raylet may take to register, and attempts before giving up.
RAY_START_WAIT_S, RAY_START_ATTEMPTS = 120, 3


@pytest.fixture(scope="session")
def ray_instance():
    """One local Ray instance (2 CPUs) for every Ray test of the session.

    A loaded machine can make Ray's start-up time out ("The current node timed out during startup"), so the
    raylet gets a generous registration wait and ``ray.init`` two more tries after a failed start.
    """
    from landscape.backend.ray import import_ray

    try:
        ray = import_ray()
    except ModuleNotFoundError as exc:
        pytest.skip(f"ray is not installed ({exc})")
    tests = Path(__file__).resolve().parent  # Ray's workers import the test helpers (backend._fns) from here
    with pytest.MonkeyPatch.context() as mp:  # Ray's processes inherit the environment of ray.init
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(tests), os.environ.get("PYTHONPATH")])))
        mp.setenv("RAY_raylet_start_wait_time_s", str(RAY_START_WAIT_S))
        for attempt in range(1, RAY_START_ATTEMPTS + 1):
            try:
                ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
                break
            except Exception as exc:  # noqa: BLE001 - Ray raises plain Exception/TimeoutError on a slow start
                ray.shutdown()
                if attempt == RAY_START_ATTEMPTS:
                    raise RuntimeError(f"Ray did not start in {RAY_START_ATTEMPTS} attempts: {exc}") from exc
                time.sleep(5 * attempt)
    yield ray
    ray.shutdown()
