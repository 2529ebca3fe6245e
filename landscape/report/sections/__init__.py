"""Report sections: each computes tidy frames from the store (and cached results) and names the figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...bench.store import Store

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
from .space import space_section  # noqa: E402
from .statistics import statistics_section  # noqa: E402

#: Section name -> function(store) -> list of artifacts, in report order.
SECTIONS = {"space": space_section, "neighbourhoods": neighbourhoods_section, "barriers": barriers_section,
            "statistics": statistics_section, "ranking": ranking_section, "flatness": flatness_section,
            "darts_space": darts_space_section}

__all__ = ["Artifact", "SECTIONS", "DATASETS", "ground_truth"]
