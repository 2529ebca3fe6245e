"""The supernet budget ladder: where the GeNAS proxies begin to rank, the claims at every rung, the parameter-free
bias.  Reads the tables :func:`landscape.studies.ladder_results.ladder_results` writes to
``reports/results/ladder/nb201-<preset>/tables``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...bench.store import Store
from .. import plots
from .base import RESULTS, Artifact


def ladder_section(store: Store, preset: str = "cpu", results: Path = RESULTS) -> list[Artifact]:
    """The ladder's curve, first ranking rungs, claims per rung and bias, for the ladder of ``preset``."""
    folder = results / "ladder" / f"nb201-{preset}" / "tables"
    if not (folder / "tau_curve.csv").exists():
        return []
    read = {name: pd.read_csv(folder / f"{name}.csv") for name in
            ("rungs", "tau_curve", "noise_ceiling", "first_rung", "claims", "bias", "verdict_changes")}
    rungs = read["rungs"]
    budget = ", ".join(f"{r.rung} ({r.images_seen:,} images, {r.precision})" for r in rungs.itertuples())
    curve, ceiling = read["tau_curve"], read["noise_ceiling"]
    return [
        Artifact("ladder_curve", f"Budget ladder ({preset}): τ of each proxy against the supernet's budget",
                 "Kendall τ-b (95% bootstrap CI over cells) of each GeNAS proxy on SPOS sub-networks against the "
                 "matched-scale truth (the 100 matched cells trained alone at the cpu recipe) and NB201's 200-epoch "
                 "CIFAR-10 accuracy (every scored cell), for supernets trained on ever more images. Rungs: " + budget
                 + ". Grey band: two training seeds of the same cells agree this well (the ceiling of any proxy "
                   "against the matched truth); diamonds: GeNAS Table 5 at its 6.25M images (C=16, N=5).",
                 curve, lambda t, axes: plots.plot_ladder_curve(t, axes, ceiling), grid=(1, 2), figsize=(12, 4.5)),
        Artifact("ladder_first_rung", "Where each proxy begins to rank",
                 "Per proxy and truth, the smallest budget of the main series (seed 0) whose τ CI lies above 0, or "
                 "none up to the largest; beside it the largest rung's τ and mde80, the smallest τ the cells could "
                 "have detected at 80% power.", read["first_rung"]),
        Artifact("ladder_verdicts", "The papers' claims at the largest rung, and where each verdict changed",
                 "Per claim and truth, on the seed-0 rungs of the main series in order of budget: the largest rung's "
                 "Δτ (95% bootstrap CI), mde80 and verdict beside the paper's Δτ; changed_at is the first rung from "
                 "which the verdict is the largest rung's, path the verdict at every rung.", read["verdict_changes"]),
        Artifact("ladder_claims", "The papers' claims at every rung",
                 "Paired Δτ (95% bootstrap CI) of GeNAS's claims at each rung, against each truth, with mde80 (the "
                 "smallest Δτ detectable at 80% power from these cells) and a verdict: Table 5's three claims, "
                 "Table 8 (default σ against the widest; rungs with the σ sweep), Table 9 (α 1 against 0) and "
                 "Table 1 (τ(accuracy, flatness) − τ(angle, flatness), no truth).", read["claims"]),
        Artifact("ladder_bias", "The weight-sharing bias towards parameter-free cells, per rung",
                 "τ-b between each proxy and the number of parameter-free operations (skip, average pooling) on "
                 "live paths of the cell, and the share of parameter-free operations among the live operations of "
                 "the proxy's top 10 cells (all scored cells for reference).", read["bias"]),
    ]
