"""One results layout: where every study keeps its runs under a results root, and the records they leave there.

Every writer (the drivers, ``python -m landscape.studies``, ``python -m landscape.report --run``) and every reader
(the report's sections, the reproduction) finds a run's folder here and reads its ``result.json`` through
:func:`search_records` / :func:`evolution_records`, which return one schema in one unit (accuracy in percent)
whatever the space and whenever the file was written.  Torch-free.

>>> genas_dir(Path("reports/results"), "nb201", "cpu")
PosixPath('reports/results/search/genas-nb201-cpu-seed0')
>>> darts_run_dir(Path("reports/results"), "darts", "cpu", "a2m", 1)
PosixPath('reports/results/search/a2m-darts-cpu/a2m-seed1')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import CheckpointError

__all__ = ["genas_dir", "genas_runs", "a2m_dir", "darts_run_dir", "standalone_dir", "ladder_dir", "collapse_dir",
           "precision_dirs", "flatness_csv", "run_tables", "SearchRecord", "search_records", "evolution_records",
           "NB301_TRUTH"]

#: The ground-truth column of the DARTS space: NB301 surrogate (YAHPO-Gym v2), CIFAR-10 validation accuracy (%)
#: at its last epoch (98).
NB301_TRUTH = "cifar10 (NB301 surrogate)"


def genas_dir(results: Path, space: str, preset: str, seed: int = 0) -> Path:
    """The GeNAS run of ``space`` at ``preset`` with supernet ``seed``: its ``spos``, ``proxies``, ``tables``,
    ``evolve_<fitness>`` and ``reproduce`` folders."""
    return Path(results) / "search" / f"genas-{space}-{preset}-seed{seed}"


def genas_runs(results: Path, space: str, preset: str) -> list[Path]:
    """Every GeNAS run folder of ``space`` at ``preset`` (one per supernet seed), sorted by name."""
    return sorted(p for p in (Path(results) / "search").glob(f"genas-{space}-{preset}-*") if p.is_dir())


def a2m_dir(results: Path, space: str, preset: str) -> Path:
    """The folder of the first-order DARTS and A²M runs of ``space`` at ``preset`` (one sub-folder per run)."""
    return Path(results) / "search" / f"a2m-{space}-{preset}"


def darts_run_dir(results: Path, space: str, preset: str, method: str, seed: int) -> Path:
    """One DARTS or A²M run: ``<a2m_dir>/<method>-seed<seed>``."""
    return a2m_dir(results, space, preset) / f"{method}-seed{seed}"


def standalone_dir(results: Path, preset: str, suffix: str = "") -> Path:
    """The stand-alone (matched-scale) runs of ``preset`` (``suffix`` for another recipe of it, e.g. ``"-bf16"``)."""
    return Path(results) / "standalone" / f"nb201-{preset}{suffix}"


def ladder_dir(results: Path, preset: str) -> Path:
    """The supernet budget ladder of ``preset``: one folder per rung, its sweep table and ``tables``."""
    return Path(results) / "ladder" / f"nb201-{preset}"


def collapse_dir(results: Path, preset: str) -> Path:
    """The DARTS-collapse study of ``preset``: one folder per (variant, method, seed)."""
    return Path(results) / "collapse" / f"nb201-{preset}"


def precision_dirs(results: Path) -> tuple[Path, Path]:
    """The precision check: its fast stand-alone runs and its tables."""
    return standalone_dir(results, "cpu", "-bf16"), Path(results) / "precision"


def flatness_csv(results: Path) -> Path:
    """The stand-alone proxy study's table (:func:`landscape.flatness.study.evaluate_proxies`)."""
    return Path(results) / "flatness_proxies.csv"


def run_tables(runs: list[Path], name: str, stage: str = "tables") -> pd.DataFrame:
    """Table ``<run>/<stage>/<name>.csv`` of every run folder in ``runs``, with a ``run`` column (empty frame when
    none has it)."""
    parts = [pd.read_csv(run / stage / f"{name}.csv").assign(run=run.name)
             for run in runs if (run / stage / f"{name}.csv").exists()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path} is corrupt ({exc}); delete it and rerun the command that wrote it") from None


@dataclass(frozen=True)
class SearchRecord:
    """What a finished search returned, in one schema: the space, the method (``"darts"``, ``"a2m"`` or a GeNAS
    fitness), the seed, the architecture (NB201 string or DARTS genotype) and its ground truth in percent
    (dataset → accuracy; the DARTS space: :data:`NB301_TRUTH` where known), plus the fields the file had."""

    space: str
    method: str
    seed: int
    arch: str
    accuracy: dict[str, float]
    path: Path
    extra: dict = field(default_factory=dict)


def search_records(folder: Path) -> list[SearchRecord]:
    """The DARTS/A²M runs under ``folder`` (``<folder>/<method>-seed<seed>/result.json``), sorted by folder name."""
    records = []
    for path in sorted(Path(folder).glob("*-seed*/result.json")) if Path(folder).is_dir() else []:
        r = _read(path)
        records.append(SearchRecord(r["space"], r["method"], int(r["random_state"]), r["arch"],
                                    {k: float(v) for k, v in r.get("accuracy", {}).items()}, path, r))
    return records


def evolution_records(run: Path) -> list[SearchRecord]:
    """The GeNAS evolutions of one GeNAS run folder (``evolve_<fitness>/result.json``), sorted by folder name: the
    NB201 format (``ground_truth_test_accuracy_200``) and the DARTS-space one (``ground_truth``) read alike; the
    seed is the run's (its folder name), ``-1`` when the name carries none."""
    records = []
    for path in sorted(Path(run).glob("evolve_*/result.json")):
        r = _read(path)
        truth = r.get("ground_truth_test_accuracy_200", r.get("ground_truth", {}))
        seed = Path(run).name.rpartition("-seed")[2]
        records.append(SearchRecord(r.get("space", "nb201"), r["fitness"], int(seed) if seed.isdigit() else -1, r["arch"],
                                    {k: float(v) for k, v in truth.items()}, path, r))
    return records
