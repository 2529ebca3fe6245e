"""The DARTS-space section: neighbourhoods, flatness and barriers under the NAS-Bench-301 surrogate, read from
the tables :func:`landscape.studies.darts_space_geometry.darts_space_tables` keeps in ``<results>/darts_space``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...bench.store import Store
from .. import plots
from .base import RESULTS, Artifact


def darts_space_section(store: Store, results: Path = RESULTS) -> list[Artifact]:
    folder = results / "darts_space"
    if not (folder / "surrogate.csv").exists():
        return []
    frames = {p.stem: pd.read_csv(p) for p in folder.glob("*.csv")}
    genotypes = frames["genotypes"]
    references = genotypes.loc[genotypes["name"] != "random", ["name", "accuracy", "percentile"]]
    how = ("YAHPO-Gym's NAS-Bench-301 v2 surrogate (CIFAR-10 validation accuracy at epoch 98) on 200 seeded random "
           "genotypes plus DARTS_V1/V2 and PC-DARTS; 30 neighbours sampled per radius (op substitution or input "
           "rewiring, geometry.darts_space). Surrogate predictions: smooth, no training noise — see the README on how "
           "far they can be trusted.")
    return [
        Artifact("darts_genotypes", "DARTS-space genotypes under the surrogate", how, genotypes,
                 summary=references),
        Artifact("darts_neighbourhoods", "DARTS-space neighbourhood flatness by radius",
                 "Mean |Δ predicted accuracy| to sampled neighbours at radius 1/2/3 over the random genotypes, with "
                 "bootstrap CIs; frac_better = share of neighbours predicted better. " + how, frames["by_radius"],
                 plots.plot_darts_by_radius),
        Artifact("darts_accuracy_vs_flatness", "DARTS space: are accurate genotypes flatter?",
                 "Rank correlation of predicted accuracy with neighbourhood |Δ| (negative = accurate genotypes are "
                 "flatter), 95% bootstrap CIs. Part of it can be regression to the mean.",
                 frames["flatness_correlation"]),
        Artifact("darts_barriers", "DARTS space: barriers of distance-3 pairs",
                 "Per genotype, one partner sampled at distance 3; best / mean / worst barrier over its 3! monotone "
                 "paths (invalid paths dropped).", frames["barriers"], summary=frames["barrier_summary"]),
    ]
