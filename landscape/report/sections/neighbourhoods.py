"""The neighbourhoods section: A²M's models A/B/C, neighbour |Δaccuracy| by decile, accuracy ↔ flatness."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...bench.store import Store
from ...geometry import ABC_INTERVALS, abc_neighbours, flatness_by_decile, neighbourhood_flatness, rank_agreement
from .. import plots
from . import DATASETS, Artifact, ground_truth

#: Width (accuracy points) of the histogram bins of the A/B/C figure.
BIN_WIDTH = 1.0


def abc_tables(accuracy: dict[str, np.ndarray], index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary per (dataset, model, radius) and binned neighbour-accuracy densities of A²M's case study."""
    long = abc_neighbours(accuracy, index, (1, 2, 3))
    keys = ["dataset", "model", "radius"]
    grouped = long.groupby(keys, observed=True)
    summary = grouped["accuracy"].describe(percentiles=[0.1, 0.5, 0.9]).reset_index()
    summary.insert(3, "centres", grouped["centre"].nunique().to_numpy())
    summary = summary.rename(columns={"count": "neighbours", "10%": "q10", "50%": "q50", "90%": "q90"})
    summary["neighbours"] = summary["neighbours"].astype(int)
    summary["interval"] = [f"[{ABC_INTERVALS[d][m][0]}, {ABC_INTERVALS[d][m][1]}]"
                           for d, m in zip(summary.dataset, summary.model)]
    edges = np.arange(0.0, 100.0 + BIN_WIDTH, BIN_WIDTH)
    parts = []
    for (d, m, r), part in grouped:
        counts = np.histogram(part["accuracy"], bins=edges)[0]
        keep = counts > 0
        parts.append(pd.DataFrame({"dataset": d, "model": m, "radius": r, "bin_low": edges[:-1][keep],
                                   "density": counts[keep] / counts.sum() / BIN_WIDTH}))
    return summary, pd.concat(parts, ignore_index=True)


def neighbourhoods_section(store: Store) -> list[Artifact]:
    acc = ground_truth(store)
    summary, hist = abc_tables(acc, store.index)
    flat = {d: neighbourhood_flatness(a, store.index) for d, a in acc.items()}
    deciles = pd.concat([flatness_by_decile(acc[d], flat[d], random_state=0).assign(dataset=d) for d in DATASETS],
                        ignore_index=True)
    corr = pd.concat([rank_agreement(-flat[d], acc[d], k=(), n_boot=1000, random_state=i, n_boot_weighted=0)
                      .assign(dataset=d) for i, d in enumerate(DATASETS)], ignore_index=True)
    corr = corr[corr.measure != "weighted_tau"][["dataset", "measure", "estimate", "ci_low", "ci_high", "n", "n_boot"]]
    return [
        Artifact("abc_neighbours_summary", "Neighbours of A²M's models A/B/C",
                 "Accuracy (200-epoch test) of the cells at Hamming distance exactly r of every cell whose accuracy "
                 "lies in the model's interval (geometry.abc_neighbours; intervals from A²M).", summary),
        Artifact("abc_neighbours", "Neighbour-accuracy distributions of models A/B/C",
                 f"Density of neighbour accuracy ({BIN_WIDTH:g}-point bins) per dataset (rows) and radius (columns); "
                 "A²M's claim is that the neighbours of accurate cells (A) stay accurate.", hist,
                 plots.plot_abc_histograms, grid=(3, 3)),
        Artifact("flatness_by_decile", "Neighbourhood flatness by accuracy decile",
                 "Mean |Δaccuracy| to the 24 one-edit neighbours (lower = flatter) per decile of the cell's own "
                 "200-epoch test accuracy, with 95% bootstrap CIs (geometry.flatness_by_decile).", deciles,
                 plots.plot_flatness_by_decile),
        Artifact("accuracy_vs_flatness", "Are accurate cells flatter?",
                 "Rank correlation between a cell's accuracy and its neighbourhood flatness (negated mean |Δacc|, so "
                 "positive = accurate cells are flatter), with 95% bootstrap CIs over the 15,625 cells.", corr),
    ]
