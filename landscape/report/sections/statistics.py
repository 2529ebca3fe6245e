"""The landscape-statistics section: optima, plateaus, FDC, random-walk autocorrelation."""

from __future__ import annotations

import pandas as pd

from ...bench.store import Store
from ...bench.analyses import store_landscape_summary
from ...geometry import random_walk_autocorrelation
from ...graph import as_graph
from .. import plots
from .base import Artifact


def statistics_section(store: Store) -> list[Artifact]:
    summary = store_landscape_summary(store, random_state=0)
    edges = as_graph(store.index).edges
    walks = pd.concat([random_walk_autocorrelation(acc, edges, max_lag=10, random_state=i).assign(dataset=d)
                       for i, (d, acc) in enumerate(store.final_accuracy().items())], ignore_index=True)
    return [
        Artifact("landscape_summary", "Landscape statistics",
                 "Local optima (strict: better than all 24 neighbours; non-strict: no neighbour better), neutral "
                 "plateaus, fitness-distance correlation to the best cell, lag-1 random-walk autocorrelation and "
                 "correlation length, on the full space and on the isomorphism quotient (class-mean accuracy; "
                 "bench.store_landscape_summary, 200 walkers × 1,000 steps, random_state=0).", summary),
        Artifact("random_walk_autocorrelation", "Random-walk autocorrelation",
                 "Autocorrelation of 200-epoch test accuracy along uniform random walks on the neighbour graph "
                 "(Weinberger 1990; 200 walkers × 1,000 steps); slower decay = smoother landscape.", walks,
                 plots.plot_autocorrelation),
    ]
