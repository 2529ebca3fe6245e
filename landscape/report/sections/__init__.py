"""Report sections: each computes tidy frames from the store (and cached results) and names the figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...bench.store import Store

#: Cached results the report reads (flatness study, search runs); committed, small files only.
RESULTS = Path(__file__).resolve().parents[3] / "reports" / "results"
#: The three NB201 datasets, in the order of the papers' tables.
DATASETS = ("cifar10", "cifar100", "ImageNet16-120")


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


def ground_truth(store: Store) -> dict[str, np.ndarray]:
    """200-epoch test accuracy (seed mean) per dataset, in index order."""
    return {d: store.array(d, split="test", epochs=200) for d in DATASETS}


from .barriers import barriers_section  # noqa: E402
from .darts_space import darts_space_section  # noqa: E402
from .flatness import flatness_section  # noqa: E402
from .neighbourhoods import neighbourhoods_section  # noqa: E402
from .ranking import ranking_section  # noqa: E402
from .reproduce import reproduce_section  # noqa: E402
from .search import search_section  # noqa: E402
from .space import space_section  # noqa: E402
from .statistics import statistics_section  # noqa: E402

#: Section name -> function(store) -> list of artifacts, in report order.
SECTIONS = {"space": space_section, "neighbourhoods": neighbourhoods_section, "barriers": barriers_section,
            "statistics": statistics_section, "ranking": ranking_section, "flatness": flatness_section,
            "darts_space": darts_space_section, "search": search_section, "reproduce": reproduce_section}

#: What to do when a section that reads cached results finds none.
EMPTY_HINTS = {
    "flatness": "run `python -m landscape.flatness.study --preset cpu` (writes reports/results/flatness_proxies.csv)",
    "darts_space": "install onnxruntime (`pip install 'landscape[nb301]'`) and put the NAS-Bench-301 surrogate "
                   "(slds-lmu_yahpo_data/nb301/model_v2.onnx) in the shared data folder",
    "search": "run `python -m landscape.search {spos,tables,evolve} --preset cpu --out reports/results/search/"
              "genas-nb201-cpu-seed0` (and the A²M comparison), or `python -m landscape.report --run cpu`",
    "reproduce": "run `python -m landscape.search standalone --preset cpu` (hours: the matched-scale ground truth), "
                 "then `python -m landscape.report --run cpu`",
}

__all__ = ["Artifact", "SECTIONS", "EMPTY_HINTS", "RESULTS", "DATASETS", "ground_truth"]
