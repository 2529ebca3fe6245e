"""What every report section shares: the results folder, the :class:`Artifact` it returns, cached run tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...presets import results_folder

__all__ = ["RESULTS", "results_root", "Artifact"]

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
    ``<name>_summary.csv`` and shown in the index.  ``interactive(table)`` returns an HTML fragment of inline SVG
    (:mod:`landscape.report.interactive`: a tooltip and a record link on every point), written as
    ``<name>.interactive.html`` and embedded in ``index.html``.
    """

    name: str
    title: str
    description: str
    table: pd.DataFrame
    plot: Callable | None = None
    grid: tuple[int, int] | None = None
    figsize: tuple[float, float] | None = None
    summary: pd.DataFrame | None = None
    interactive: Callable | None = None

