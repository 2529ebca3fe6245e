"""The flatness section: GeNAS proxies of stand-alone trained NB201 cells against ground truth (cached results)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...bench.store import DATASETS, Store
from ...flatness.study import SCORE_COLUMNS
from ...geometry import rank_agreement
from .. import plots
from .base import RESULTS, Artifact


def flatness_section(store: Store, preset: str = "cpu", results: Path = RESULTS) -> list[Artifact]:
    """The stand-alone proxy study's rows of ``preset`` in ``results/flatness_proxies.csv`` (``python -m
    landscape.flatness`` writes there)."""
    path = results / "flatness_proxies.csv"
    if not path.exists():
        return []
    wide = pd.read_csv(path)
    wide = wide[wide["preset"] == preset].reset_index(drop=True)
    if wide.empty:
        return []
    acc = store.final_accuracy()
    ids = store.index.indices_of(wide["arch"])
    for d in DATASETS:
        wide[f"test@200 {d}"] = acc[d][ids]
    long = wide.melt(id_vars=["arch", "preset", "seed", *[f"test@200 {d}" for d in DATASETS]],
                     value_vars=list(SCORE_COLUMNS), var_name="proxy", value_name="score")
    rows = []
    for (preset, proxy), part in long.groupby(["preset", "proxy"], sort=False):
        sign = -1.0 if proxy == "valid_loss" else 1.0
        for i, d in enumerate(DATASETS):
            frame = rank_agreement(sign * part["score"].to_numpy(), part[f"test@200 {d}"].to_numpy(), k=(),
                                   n_boot=1000, random_state=i, n_boot_weighted=0)
            tau = frame[frame.measure == "kendall_tau_b"].iloc[0]
            rows.append({"preset": preset, "proxy": proxy, "dataset": d, "n": int(tau.n), "kendall_tau_b": tau.estimate,
                         "ci_low": tau.ci_low, "ci_high": tau.ci_high})
    taus = pd.DataFrame(rows)
    scatter = long.rename(columns={"test@200 cifar10": "test_accuracy"})[["arch", "preset", "proxy", "score",
                                                                             "test_accuracy"]]
    notes = "; ".join(sorted(set(np.atleast_1d(wide["preset"].astype(str)))))
    return [
        Artifact("flatness_vs_accuracy", "GeNAS proxies vs ground truth",
                 f"Every proxy of NB201 cells trained stand-alone at reduced scale (preset: {notes}; see "
                 "landscape.flatness.study.STUDY_PRESETS) against their CIFAR-10 200-epoch test accuracy. At this scale the "
                 "depth term dominates GeNAS flatness, so flatness tracks the inverse validation loss.", scatter,
                 plots.plot_proxy_scatter, grid=(2, 4)),
        Artifact("flatness_tau", "Kendall τ of the GeNAS proxies (stand-alone, reduced scale)",
                 "τ-b of each proxy (validation loss negated) against 200-epoch test accuracy, 95% bootstrap CIs; with "
                 "this few cells the intervals are wide — compare with GeNAS Table 5 only in sign.", taus),
    ]
