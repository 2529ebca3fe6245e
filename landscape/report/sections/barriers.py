"""The barriers section: monotone-path barriers of A/B/C pairs, minimax barriers of the top 1 %,
the barrier tree of the local optima and the basins of steepest ascent."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...bench.store import DATASETS, Store
from ...geometry import abc_path_barriers, barrier_tree, basins, minimax_quantiles
from ...graph import as_graph
from .. import interactive, plots
from .base import Artifact

#: Pairs at Hamming distance 3 sampled per (dataset, model) for the path-barrier distributions.
N_PAIRS = 500
TOP_FRACTION = 0.01


def barriers_section(store: Store) -> list[Artifact]:
    acc = store.final_accuracy()
    edges = as_graph(store.index).edges
    paths = abc_path_barriers(acc, store.index, n_pairs=N_PAIRS, random_state=0)
    path_summary = (paths.groupby(["dataset", "model"], sort=False)[["best", "mean", "worst"]].median()
                    .add_prefix("median_").reset_index())
    path_summary.insert(2, "pairs", paths.groupby(["dataset", "model"], sort=False).size().to_numpy())
    mm_summary, mm_curves = minimax_quantiles(acc, edges, top_fraction=TOP_FRACTION)
    tree = barrier_tree(acc["cifar10"], edges)
    tree["arch_string"] = np.where(tree["arch"] >= 0, store.index.arch_string(np.maximum(tree["arch"], 0)), "")
    basin = pd.concat([basins(acc[d], edges).head(10).assign(dataset=d) for d in DATASETS], ignore_index=True)
    basin["arch_string"] = store.index.arch_string(basin["optimum"].to_numpy())
    basin = basin[["dataset", "optimum", "arch_string", "value", "size"]]
    return [
        Artifact("path_barriers", "Barriers along monotone paths",
                 f"Up to {N_PAIRS} seeded pairs at Hamming distance 3 inside each A/B/C model set; per pair the best, "
                 "mean and worst of the 3! = 6 monotone paths; barrier = ½(acc_a + acc_b) − min intermediate accuracy "
                 "(geometry.pair_barriers). The table gives medians; the CSV every pair.", paths,
                 plots.plot_path_barriers, summary=path_summary),
        Artifact("minimax_barriers", "Minimax barriers among the top 1 %",
                 f"Lowest barrier over all paths in the neighbour graph between every pair of the best 1 % of cells "
                 f"({int(mm_summary.cells.iloc[0])} cells, {int(mm_summary.pairs.iloc[0]):,} pairs; exact via a "
                 "maximum spanning tree, geometry.minimax_barriers); the figure shows the quantile function, the CSV "
                 "its 101 points.", mm_curves, plots.plot_minimax_quantiles,
                 summary=mm_summary),
        Artifact("barrier_tree_cifar10", "Barrier tree of the CIFAR-10 local optima",
                 "Disconnectivity graph of the cells no neighbour beats (CIFAR-10, 200-epoch test accuracy): two "
                 "optima merge at the highest accuracy level through which some path joins them "
                 "(geometry.barrier_tree).", tree, plots.plot_barrier_tree,
                 interactive=lambda t: interactive.barrier_tree_svg(
                     t, title="Barrier tree of the CIFAR-10 local optima (200-epoch test accuracy)")),
        Artifact("basins", "Largest basins of steepest ascent",
                 "The ten largest basins of attraction per dataset: every cell climbs to its best neighbour until "
                 "none is better (geometry.basins).", basin),
    ]
