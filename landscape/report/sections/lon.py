"""The local-optima-network section: exact basin-transition LONs of the three NB201 datasets, their funnels."""

from __future__ import annotations

import pandas as pd
from scipy.stats import spearmanr

from ...bench.store import DATASETS, Store
from ...geometry import ATOL, basin_lon, fitness_distance_correlation, funnels, weak_strong_basins
from .. import interactive, plots
from .base import Artifact


def lon_section(store: Store) -> list[Artifact]:
    acc = store.final_accuracy()
    lons = {d: basin_lon(acc[d], store.index) for d in DATASETS}
    nodes = pd.concat([lon.nodes.assign(dataset=d) for d, lon in lons.items()], ignore_index=True)
    edges = pd.concat([lon.edges.assign(dataset=d) for d, lon in lons.items()], ignore_index=True)
    sinks = pd.concat([funnels(lon).assign(dataset=d) for d, lon in lons.items()], ignore_index=True)
    basin = pd.concat([weak_strong_basins(acc[d], store.index).assign(dataset=d) for d in DATASETS],
                      ignore_index=True)
    rho = {d: spearmanr(part["basin"], part["value"]).statistic for d, part in basin.groupby("dataset", sort=False)}
    fdc = {d: fitness_distance_correlation(acc[d], store.index, among="optima") for d in DATASETS}
    arch = dict(zip(nodes["optimum"].astype(int), store.index.arch_string(nodes["optimum"].to_numpy())))
    how = (f"Exact basin-transition LONs of 200-epoch test accuracy (geometry.basin_lon): one node per local optimum "
           f"of steepest ascent, standing for its basin; a → b weighted by the chance that a one-edit move from a "
           f"cell of basin a lands in basin b; values within {ATOL:g} tie (float32 noise).")
    return [
        Artifact("lon_nodes", "Local optima networks of NB201's 200-epoch test accuracy, three datasets (height and "
                              "colour = accuracy, size = basin)",
                 how + " Drawn: each optimum's likeliest improving move (the direction a local search climbs); the "
                 "CSV lon_edges.csv holds every edge with its type and weight.", nodes,
                 lambda table, axes: plots.plot_lons(table, edges, axes), grid=(1, len(DATASETS)),
                 figsize=(13, 4.6), interactive=lambda table: "".join(
                     interactive.lon_svg(part, edges[edges["dataset"] == d], arch, title=f"{d}: local optima network")
                     for d, part in table.groupby("dataset", sort=False))),
        Artifact("lon_edges", "LON edges", how + " Types: improving / equal / worsening.", edges),
        Artifact("lon_funnels", "Funnels: where local search ends",
                 "Sinks (optima with no improving out-edge; tied sinks joined by an equal edge are one) and the optima "
                 "whose improving paths reach them. One funnel per dataset means a local search that keeps climbing "
                 "between basins always reaches the global optimum. " + how, sinks),
        Artifact("lon_basins", "Basins: steepest-ascent, weak and strong",
                 "Per optimum: its steepest-ascent basin, its weak basin (cells with some improving path to it) and "
                 "its strong basin (cells whose every improving path ends there; geometry.weak_strong_basins). "
                 "Spearman ρ between basin size and the optimum's accuracy: "
                 + ", ".join(f"{d} {r:.2f}" for d, r in rho.items()) + "; FDC among the optima only (Pearson): "
                 + ", ".join(f"{d} {r:.2f}" for d, r in fdc.items()) + ". " + how, basin),
    ]
