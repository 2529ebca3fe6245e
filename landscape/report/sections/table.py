"""The section of a user's own NB201 table (``python -m landscape.report --table FILE --metric NAME``): the same
landscape analyses as for the benchmark's accuracies, on any metric indexed like NB201."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...bench.store import Store
from ...geometry import (ATOL, autocorrelation, barrier_tree, basin_lon, basins, flatness_by_decile, funnels,
                         landscape_summary, neighbourhood_flatness)
from .. import plots
from .base import Artifact


def table_section(store: Store, values: np.ndarray, metric: str, *, lower_is_better: bool = False,
                  merged: int = 0, aggregate: str | None = None) -> list[Artifact]:
    """Landscape statistics, flatness by decile, autocorrelation, LON funnels, basins and the barrier tree of
    ``values`` (one per cell, official order; negated first when ``lower_is_better``), every title and axis naming
    ``metric`` and its direction; ``merged`` rows were combined into others by ``aggregate``."""
    f = -np.asarray(values, float) if lower_is_better else np.asarray(values, float)
    sign = f"−{metric} (lower is better, so negated)" if lower_is_better else metric
    short = f"−{metric}" if lower_is_better else metric
    g = store.index
    summary = pd.DataFrame([{"metric": sign, **landscape_summary(f, g, random_state=0)}])
    flat = neighbourhood_flatness(f, g)
    deciles = flatness_by_decile(f, flat, random_state=0).assign(dataset=sign)
    rho = autocorrelation(f, g, max_lag=10).assign(dataset=sign)
    lon = basin_lon(f, g)
    tree = barrier_tree(f, g)
    tree["arch_string"] = np.where(tree["arch"] >= 0, g.arch_string(np.maximum(tree["arch"], 0)), "")
    basin = basins(f, g).head(20)
    basin["arch_string"] = g.arch_string(basin["optimum"].to_numpy())
    how = (f"Your table's {sign} on the 15,625 NB201 cells; values within {ATOL:g} tie."
           + (f" {merged} rows were combined into other rows of the same cell by their {aggregate}." if merged else ""))
    direction = "lower is better" if lower_is_better else "higher is better"
    return [
        Artifact(f"table_{metric}_summary", f"Landscape statistics of {metric} ({direction})",
                 how + " Local optima, plateaus, global optima, FDC (Pearson/Spearman/Kendall) and the exact "
                 "random-walk autocorrelation, as for the benchmark's accuracies.", summary),
        Artifact(f"table_{metric}_flatness_by_decile", f"{metric}: neighbourhood flatness by decile",
                 how + " Mean |Δ| to the 24 one-edit neighbours per decile of the cell's own value, bootstrap CIs.",
                 deciles, lambda t, ax: plots.plot_flatness_by_decile(t, ax, metric=short, unit="")),
        Artifact(f"table_{metric}_autocorrelation", f"{metric}: random-walk autocorrelation (exact)",
                 how, rho, plots.plot_autocorrelation),
        Artifact(f"table_{metric}_funnels", f"{metric}: funnels of the local optima network", how,
                 funnels(lon)),
        Artifact(f"table_{metric}_basins", f"{metric}: largest basins of steepest ascent", how, basin),
        Artifact(f"table_{metric}_barrier_tree", f"{metric}: barrier tree of the local optima ({direction})", how,
                 tree, lambda t, ax: plots.plot_barrier_tree(t, ax, value=sign)),
    ]
