"""The landscape-statistics section: optima, plateaus, FDC, random-walk autocorrelation."""

from __future__ import annotations

import pandas as pd

from ...bench.store import Store
from ...bench.analyses import store_landscape_summary
from ...geometry import ATOL, autocorrelation, random_walk_autocorrelation
from ...graph import as_graph
from .. import plots
from .base import Artifact


def statistics_section(store: Store) -> list[Artifact]:
    summary = store_landscape_summary(store, random_state=0)
    edges = as_graph(store.index).edges
    acc = store.final_accuracy()
    exact = pd.concat([autocorrelation(a, edges, max_lag=10).assign(dataset=d, how="exact") for d, a in acc.items()],
                      ignore_index=True)
    walks = pd.concat([random_walk_autocorrelation(a, edges, max_lag=10, random_state=i).assign(dataset=d,
                                                                                                how="Monte Carlo")
                       for i, (d, a) in enumerate(acc.items())], ignore_index=True)
    return [
        Artifact("landscape_summary", "Landscape statistics",
                 f"Local optima (strict: better than all 24 neighbours; non-strict: no neighbour better), neutral "
                 f"plateaus, every global optimum, fitness-distance correlation to the nearest one (Pearson, "
                 f"Spearman, Kendall), the exact lag-1 random-walk autocorrelation (rho1; rho1_walk: the Monte-Carlo "
                 f"check, 200 walkers × 1,000 steps, random_state=0) and correlation length, on the full space and on "
                 f"the isomorphism quotient (class-mean accuracy; bench.store_landscape_summary). Values within "
                 f"{ATOL:g} tie (the tables' float32 noise).", summary),
        Artifact("random_walk_autocorrelation", "Random-walk autocorrelation: exact and sampled",
                 "Autocorrelation of 200-epoch test accuracy along a stationary simple random walk on the neighbour "
                 "graph (Weinberger 1990), computed exactly (geometry.autocorrelation) and estimated from 200 walkers "
                 "× 1,000 steps (the rows how = 'Monte Carlo'); slower decay = smoother landscape.",
                 pd.concat([exact, walks], ignore_index=True), plots.plot_autocorrelation),
    ]
