"""The "Does it reproduce?" section: each claim of GeNAS and A²M, the paper's number, ours at reduced scale
against the matched-scale and the 200-epoch ground truth, with CIs and a verdict in words.

Reads the tables :func:`landscape.studies.reproduce.reproduction` writes to
``reports/results/search/genas-nb201-<preset>-seed0/reproduce``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...bench.store import Store
from .. import plots
from ...studies.layout import genas_runs, run_tables
from .base import RESULTS, Artifact


def reproduce_section(store: Store, preset: str = "cpu", results: Path = RESULTS) -> list[Artifact]:
    """The "Does it reproduce?" tables of the NB201 GeNAS runs of ``preset`` under ``results/search``."""
    def _read(name: str) -> pd.DataFrame:
        return run_tables(genas_runs(results, "nb201", preset), name, "reproduce")

    verdicts = _read("verdicts")
    if verdicts.empty:
        return []
    coverage = _read("coverage")
    cov = "; ".join(f"{r.run}: {r.cells} cells ({r.cells_with_2_seeds} with both seeds), {r.runs} of "
                    f"{r.target_runs} stand-alone runs" for r in coverage.itertuples())
    out = [Artifact(
        "reproduce_verdicts", "Does it reproduce? One row per claim",
        "Each claim of GeNAS (Tables 1, 5, 8, 9) and A²M, the paper's number (a τ, or a difference of τ on "
        "CIFAR-10), ours at the reduced preset with its 95% bootstrap CI, against the matched-scale ground truth "
        "(the same cells trained alone with the supernet's recipe, seed mean, held-out JPEG test images) and "
        "against NB201's 200-epoch CIFAR-10 test accuracy of the same cells, and a verdict: holds / does not "
        "hold / cannot tell at this scale, with the reason. Coverage: " + cov + ".", verdicts)]
    ceiling = _read("noise_ceiling")
    if not ceiling.empty:
        out.append(Artifact(
            "reproduce_noise_ceiling", "The noise ceiling at matched scale",
            "Kendall τ-b between two training seeds of the same cells, and between the matched-scale and the "
            "200-epoch ground truth: no proxy can rank the cells better against the matched truth than the "
            "seeds agree with each other.", ceiling))
    table5 = _read("table5")
    if not table5.empty:
        n = int(table5["n"].max())
        out.append(Artifact(
            "reproduce_table5", f"Does it reproduce? GeNAS Table 5 against the matched-scale and the 200-epoch truth "
                                f"(CIFAR-10, {n} cells)",
            "τ-b (95% CI) of each supernet proxy against the matched-scale (seed-mean stand-alone test accuracy) "
            "and the 200-epoch CIFAR-10 ground truth on the same cells; open markers: the paper's CIFAR-10 τ.",
            table5, lambda t, ax: plots.plot_table5(
                t, ax, truth="each series' truth", title="Supernet proxies vs two ground truths"),
            figsize=(8, 4.5)))
    for name, title, text in (
            ("claims", "Paired tests of the papers' claims",
             "Δτ = τ(better) − τ(worse) on the same bootstrap resamples of cells, its 95% CI and the one-sided "
             "p-value, beside the better proxy's own τ: a claim holds only as a difference when that τ is not "
             "above 0 (the worse proxy ranks inversely)."),
            ("table1", "GeNAS Table 1: τ between search metrics",
             "τ-b between supernet accuracy, angle and flatness over sampled sub-networks (no ground truth)."),
            ("generalise", "Do flat minima generalise at this scale?",
             "τ-b between each stand-alone network's own weight-space flatness (faithful and exact noise, each σ "
             "triple; α = 1 is Eq. 4, α = 0 Eq. 3, the slopes alone) and its held-out test accuracy, over all runs. "
             "Last row: the clean validation loss on the same images, for reference: at a small σ₁ the depth term "
             "α|L₁/σ₁| dominates Eq. 4, which then ranks like this loss; Eq. 3 isolates the curvature."),
            ("joint", "Stand-alone flatness vs architecture-space flatness",
             "τ-b between the stand-alone networks' weight-space flatness (seed mean, default σ; α = 1: Eq. 4, "
             "α = 0: Eq. 3) and the cells' neighbourhood flatness in the NB201 graph (200-epoch CIFAR-10) and their "
             "matched-scale accuracy."),
            ("searched", "A²M vs DARTS cells at both scales",
             "CIFAR-10 accuracy of the cells each search returned: 200-epoch lookup, and matched-scale seed "
             "mean where the cell was trained alone (NaN: not trained alone yet).")):
        frame = _read(name)
        if not frame.empty:
            out.append(Artifact(f"reproduce_{name}", title, text, frame))
    return out
