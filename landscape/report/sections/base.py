"""What every report section shares: the results folder, the :class:`Artifact` it returns, cached run tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...presets import results_folder

__all__ = ["RESULTS", "results_root", "Artifact", "run_folders", "run_tables"]

_ROOT = Path(__file__).resolve().parents[3]
#: Cached results the report reads (flatness study, search runs) at the cpu and paper presets; committed, small
#: files only.
RESULTS = _ROOT / results_folder("cpu")


def results_root(preset: str) -> Path:
    """The results folder of ``preset`` in this checkout (:func:`~landscape.presets.results_folder`): smoke runs
    live apart from the published ones."""
    return _ROOT / results_folder(preset)


@dataclass
class Artifact:
    """One report item: a tidy table, optionally a figure drawn from it and a short summary table.

    ``plot(table, ax)`` draws on one Axes; with ``grid = (rows, cols)`` it gets the array of
    Axes instead.  ``summary`` (when the table is too long to show) is written as
    ``<name>_summary.csv`` and shown in the index.
    """

    name: str
    title: str
    description: str
    table: pd.DataFrame
    plot: Callable | None = None
    grid: tuple[int, int] | None = None
    figsize: tuple[float, float] | None = None
    summary: pd.DataFrame | None = None


def run_folders(root: Path, prefix: str) -> list[Path]:
    """The run folders ``<root>/<prefix>-*``, sorted by name."""
    return sorted(p for p in root.glob(f"{prefix}-*") if p.is_dir())


def run_tables(root: Path, name: str, stage: str = "tables", prefix: str = "genas-nb201") -> pd.DataFrame:
    """Table ``<run>/<stage>/<name>.csv`` of every run ``<root>/<prefix>-*`` (default: the GeNAS runs on NB201),
    with a ``run`` column."""
    parts = [pd.read_csv(run / stage / f"{name}.csv").assign(run=run.name)
             for run in run_folders(root, prefix) if (run / stage / f"{name}.csv").exists()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
