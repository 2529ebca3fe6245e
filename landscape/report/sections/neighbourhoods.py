"""The neighbourhoods section: A²M's models A/B/C, neighbour |Δaccuracy| by decile, accuracy ↔ flatness."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...bench.store import DATASETS, Store
from ...geometry import ABC_INTERVALS, abc_summary, flatness_by_decile, neighbourhood_flatness, rank_agreement
from .. import interactive, plots
from .base import Artifact

#: Width (accuracy points) of the histogram bins of the A/B/C figure.
BIN_WIDTH = 1.0
#: Cells sampled (seed 0) for the accuracy-against-flatness scatter, besides the 10 best.
SCATTER_CELLS = 300


def neighbourhoods_section(store: Store) -> list[Artifact]:
    acc = store.final_accuracy()
    summary, hist = abc_summary(acc, store.index, bin_width=BIN_WIDTH)
    flat = {d: neighbourhood_flatness(a, store.index) for d, a in acc.items()}
    deciles = pd.concat([flatness_by_decile(acc[d], flat[d], random_state=0).assign(dataset=d) for d in DATASETS],
                        ignore_index=True)
    corr = pd.concat([rank_agreement(-flat[d], acc[d], k=(), n_boot=1000, random_state=i, n_boot_weighted=0)
                      .assign(dataset=d) for i, d in enumerate(DATASETS)], ignore_index=True)
    corr = corr[corr.measure != "weighted_tau"][["dataset", "measure", "estimate", "ci_low", "ci_high", "n", "n_boot"]]
    cells = np.unique(np.concatenate([np.random.default_rng(0).choice(acc["cifar10"].size, SCATTER_CELLS,
                                                                      replace=False), acc["cifar10"].argsort()[-10:]]))
    scatter = pd.DataFrame({"index": cells, "arch": store.index.arch_string(cells), "cifar10": acc["cifar10"][cells],
                            "neighbourhood_flatness": flat["cifar10"][cells]})
    return [
        Artifact("abc_neighbours_summary", "Neighbours of A²M's models A/B/C",
                 "Accuracy (200-epoch test) of the cells at Hamming distance exactly r of every cell whose accuracy "
                 "lies in the model's interval (geometry.abc_neighbours; intervals from A²M).", summary),
        Artifact("abc_neighbours", "Neighbour-accuracy distributions of models A/B/C",
                 f"Density of neighbour accuracy ({BIN_WIDTH:g}-point bins) per dataset (rows) and radius (columns); "
                 "A²M's claim is that the neighbours of accurate cells (A) stay accurate.", hist,
                 lambda table, axes: plots.plot_abc_histograms(table, axes, ABC_INTERVALS), grid=(3, 3)),
        Artifact("flatness_by_decile", "Neighbourhood flatness by accuracy decile",
                 "Mean |Δaccuracy| to the 24 one-edit neighbours (lower = flatter) per decile of the cell's own "
                 "200-epoch test accuracy, with 95% bootstrap CIs (geometry.flatness_by_decile).", deciles,
                 plots.plot_flatness_by_decile),
        Artifact("accuracy_vs_flatness", "Are accurate cells flatter?",
                 "Rank correlation between a cell's accuracy and its neighbourhood flatness (negated mean |Δacc|, so "
                 "positive = accurate cells are flatter), with 95% bootstrap CIs over the 15,625 cells.", corr),
        Artifact("accuracy_vs_flatness_cells", f"CIFAR-10 accuracy against neighbourhood flatness, {len(scatter)} cells",
                 f"A seeded sample of {SCATTER_CELLS} cells and the 10 best: 200-epoch CIFAR-10 test accuracy against "
                 "the mean |Δaccuracy| to the 24 one-edit neighbours (lower = flatter). In index.html, hover a point "
                 "for its cell, click for its record.", scatter, plots.plot_accuracy_vs_flatness,
                 interactive=lambda t: interactive.scatter_svg(
                     t, "neighbourhood_flatness", "cifar10", title=f"CIFAR-10: accuracy against neighbourhood "
                     f"flatness ({len(t)} cells)", xlabel="mean |Δ accuracy| to the 24 neighbours (points; lower = "
                     "flatter)", ylabel="200-epoch test accuracy (%)")),
    ]
