"""The barriers section: monotone-path barriers of A/B/C pairs, minimax barriers of the top 1 %,
the barrier tree of the local optima and the basins of steepest ascent."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...bench.store import Store
from ...geometry import ABC_INTERVALS, barrier_tree, basins, minimax_barriers, pair_barriers
from ...graph import edge_list, neighbour_table
from .. import plots
from . import DATASETS, Artifact, ground_truth

#: Pairs at Hamming distance 3 sampled per (dataset, model) for the path-barrier distributions.
N_PAIRS = 500
TOP_FRACTION = 0.01


def distance3_pairs(codes: np.ndarray, members: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``n`` seeded pairs ``(a, b)`` of ``members`` at Hamming distance exactly 3, shape ``(k, 2)``."""
    i, j = np.triu_indices(len(members), k=1)
    d = (codes[members[i]] != codes[members[j]]).sum(axis=1)
    pairs = np.column_stack([members[i], members[j]])[d == 3]
    return pairs[np.sort(rng.choice(len(pairs), size=min(n, len(pairs)), replace=False))]


def abc_path_barriers(acc: dict[str, np.ndarray], index, n_pairs: int = N_PAIRS, random_state: int = 0
                      ) -> pd.DataFrame:
    """Best / mean / worst monotone-path barrier of distance-3 pairs inside each A/B/C model set."""
    rng = np.random.default_rng(random_state)
    parts = []
    for d, values in acc.items():
        for model, (low, high) in ABC_INTERVALS[d].items():
            members = np.flatnonzero((values >= low) & (values <= high))
            pairs = distance3_pairs(index.codes, members, n_pairs, rng)
            if len(pairs):
                frame = pair_barriers(values, index, pairs[:, 0], pairs[:, 1])
                parts.append(frame.drop(columns="pair").assign(dataset=d, model=model))
    out = pd.concat(parts, ignore_index=True)
    return out[["dataset", "model", "a", "b", "distance", "n_paths", "best", "mean", "median", "worst"]]


def minimax_quantiles(acc: dict[str, np.ndarray], edges: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Minimax barriers among the top 1 % per dataset: a summary and the quantile function (101 points)."""
    summary, curves = [], []
    q = np.linspace(0, 1, 101)
    for d, values in acc.items():
        top = np.argsort(-values, kind="stable")[: int(round(TOP_FRACTION * len(values)))]
        bar = minimax_barriers(values, edges, top)["barrier"].to_numpy()
        summary.append({"dataset": d, "cells": len(top), "pairs": len(bar), "min_accuracy": values[top].min(),
                        "frac_barrier_le_0": float(np.mean(bar <= 0)), "median": float(np.median(bar)),
                        "q90": float(np.quantile(bar, 0.9)), "max": float(bar.max())})
        curves.append(pd.DataFrame({"dataset": d, "quantile": q, "barrier": np.quantile(bar, q)}))
    return pd.DataFrame(summary), pd.concat(curves, ignore_index=True)


def barriers_section(store: Store) -> list[Artifact]:
    acc = ground_truth(store)
    edges = edge_list(neighbour_table(store.index))
    paths = abc_path_barriers(acc, store.index)
    path_summary = (paths.groupby(["dataset", "model"], sort=False)[["best", "mean", "worst"]].median()
                    .add_prefix("median_").reset_index())
    path_summary.insert(2, "pairs", paths.groupby(["dataset", "model"], sort=False).size().to_numpy())
    mm_summary, mm_curves = minimax_quantiles(acc, edges)
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
                 "(geometry.barrier_tree).", tree, plots.plot_barrier_tree),
        Artifact("basins", "Largest basins of steepest ascent",
                 "The ten largest basins of attraction per dataset: every cell climbs to its best neighbour until "
                 "none is better (geometry.basins).", basin),
    ]
