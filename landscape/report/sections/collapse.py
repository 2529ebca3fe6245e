"""The DARTS-collapse section: the argmax genotype during first-order DARTS and A²M searches long enough to
collapse, the cells they return, A²M's paired gains inside each method, and a verdict per claim.  Reads the tables
:func:`landscape.studies.collapse_results.collapse_results` writes to ``reports/results/collapse/nb201-<preset>``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...bench.store import Store
from ...studies.layout import collapse_dir
from .. import plots
from .base import RESULTS, Artifact


def collapse_section(store: Store, preset: str = "cpu", results: Path = RESULTS) -> list[Artifact]:
    """The collapse study of ``preset``: trajectories, returned cells, gains, verdicts."""
    folder = collapse_dir(results, preset) / "tables"
    if not (folder / "verdicts.csv").exists():
        return []
    read = {name: pd.read_csv(folder / f"{name}.csv") for name in ("trajectories", "cells", "gains", "verdicts")}
    traj, cells = read["trajectories"], read["cells"]
    seeds = cells.groupby(["variant", "method"])["seed"].nunique()
    runs = ", ".join(f"{v} {m}: {n}" for (v, m), n in seeds.items())
    artifacts = [
        Artifact("collapse_verdicts", f"DARTS collapse and A²M: one row per claim ({runs} seeds)",
                 "Our number (CIFAR-10 200-epoch accuracy of the cell each search returns, NB201's derivation as the "
                 "A²M code; the cell of the epoch of lowest validation loss, as published), its 95% t interval over "
                 "seeds, and the paper's. A cell is collapsed when it is disconnected (10%) or all skip (54.30%).",
                 read["verdicts"]),
        Artifact("collapse_trajectories", f"The argmax genotype during the search ({len(traj)} logged steps)",
                 "Every 50 steps, the argmax of α read two ways (NB201: over all five operations; DARTS: without "
                 "none) and looked up in NB201's 200-epoch truth, and its none and skip edges; lines: mean over seeds, "
                 "bands: 95% t intervals.", traj,
                 plots.plot_collapse_trajectories, grid=(1, 3), figsize=(13, 4)),
        Artifact("collapse_cells", "The cells each search returns", "Per run: the selected cell (published rule) "
                 "and the last epoch's, both derivations, with their 200-epoch accuracy.", cells),
        Artifact("collapse_gains", "A²M's paired gain inside each method",
                 "A²M − the method alone, paired by seed, per pick (selected / last) and derivation; the mean over "
                 "methods beside the abstract's +3.60 on CIFAR-10.", read["gains"]),
    ]
    return [a for a in artifacts if not a.table.empty]  # no gain before a seed has both of its runs
