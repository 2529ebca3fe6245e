"""The search section: GeNAS proxy tables (Tables 5, 8, 9), the joint weight/architecture-flatness table,
searched architectures, and A²M vs first-order DARTS — all from cached runs under ``reports/results/search``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...bench.store import DATASETS, Store
from .. import plots
from ...studies.layout import a2m_dir, evolution_records, genas_runs, run_tables, search_records
from .base import RESULTS, Artifact


#: A²M's CIFAR-10 test accuracy on NB201 at its full setting (mean over seeds, the A²M paper).
A2M_PAPER_CIFAR10 = 92.39


def _searched(results: Path, preset: str) -> pd.DataFrame:
    rows = [{"run": run.name, **record.extra} for run in genas_runs(results, "nb201", preset)
            for record in evolution_records(run)]
    return pd.json_normalize(rows).drop(columns=["note"], errors="ignore") if rows else pd.DataFrame()


def search_section(store: Store, preset: str = "cpu", results: Path = RESULTS) -> list[Artifact]:
    """GeNAS on NB201 and A²M vs DARTS, from the runs of ``preset`` under ``results/search``."""
    runs = genas_runs(results, "nb201", preset)
    out = []
    table5 = run_tables(runs, "table5")
    if not table5.empty:
        out.append(Artifact(
            "genas_table5", f"GeNAS Table 5 at reduced scale: τ of each proxy ({int(table5['n'].max())} sampled cells, "
                            "three NB201 datasets)",
            "Kendall τ-b (95% bootstrap CI) of each proxy, scored on sub-networks of our SPOS supernet, against "
            "NB201 200-epoch test accuracy, beside the paper's τ (paper_tau; 250-epoch C=16 N=5 supernet). angle and "
            "flatness are the published code's (path-wise angle, residual noise); angle_exact and flatness_exact the "
            "paper's text (all-parameter angle, fresh noise per σ); the combinations use γ (column gamma). Runs: "
            + ", ".join(sorted(table5.run.unique())) + " (preset in the run name; see landscape.studies.presets). "
            "At this scale the supernet is far from converged: where τ differs from the paper's, that is the reason "
            "to suspect first, not a refutation.", table5, plots.plot_table5, figsize=(8, 4.5)))
    for name, key, title, paper in (("sigma_ablation", "sigmas", "σ ablation (GeNAS Table 8)", "Table 8"),
                                    ("alpha_ablation", "alpha", "α ablation (GeNAS Table 9)", "Table 9")):
        frame = run_tables(runs, name)
        if not frame.empty:
            out.append(Artifact(
                f"genas_{name}", title,
                f"Kendall τ-b (95% CI) of flatness with each {key} against 200-epoch test accuracy; paper_tau from "
                f"GeNAS {paper} (CIFAR-10 only for α). α weights the depth term of Eq. 4; the α sweep reuses the "
                "stored per-σ losses.", frame, lambda table, ax, key=key: plots.plot_ablation(table, key, ax)))
    gamma = run_tables(runs, "gamma_ablation")
    if not gamma.empty:
        out.append(Artifact(
            "genas_gamma_ablation", "γ ablation (Eq. 5)",
            "Kendall τ-b (95% CI) of angle+flatness and accuracy+flatness (S + γ·F/σ₁) for each γ against "
            "200-epoch test accuracy. The published angle+flatness command uses γ = 16 (the default here); the "
            "paper states no γ for NB201. γ = 0 is the angle (or accuracy) alone.", gamma,
            lambda table, ax: plots.plot_ablation(
                table.assign(gamma=table["proxy"] + " γ=" + table["gamma"].astype(str)), "gamma", ax)))
    joint = run_tables(runs, "joint")
    if not joint.empty:
        out.append(Artifact(
            "joint_flatness", "Weight-space vs architecture-space flatness",
            "Kendall τ-b between every pair of: GeNAS weight-space flatness, angle, angle+flatness, supernet accuracy "
            "(one SPOS supernet), neighbourhood flatness in the NB201 graph (negated mean |Δacc| to the 24 "
            "neighbours, per dataset) and 200-epoch test accuracy, over the sampled cells; CIs in the CSV.", joint,
            plots.plot_joint_heatmap, figsize=(7.5, 6.5)))
    searched = _searched(results, preset)
    if not searched.empty:
        out.append(Artifact(
            "genas_searched", "Architectures found by evolutionary search",
            "Best architecture of the GeNAS evolutionary search with each fitness, looked up in the NB201 ground "
            "truth (200-epoch test accuracy).", searched))
    comparison = _a2m_vs_darts(results, preset)
    if comparison is not None:
        out.append(comparison)
    return out


def _a2m_vs_darts(results: Path, preset: str) -> Artifact | None:
    """The NB201 cells A²M and DARTS returned, looked up in the 200-epoch truth, per seed (None: no run yet)."""
    found = [r.extra for r in search_records(a2m_dir(results, "nb201", preset)) if r.accuracy]
    if not found:
        return None
    long = pd.DataFrame([{"preset": r["preset"], "method": r["method"], "seed": r["random_state"],
                          "arch": r["arch"], "arch_index": r["arch_index"], "best_epoch": r["best_epoch"],
                          "dataset": d, "test_accuracy": r["accuracy"][d]} for r in found for d in DATASETS])
    summary = (long.groupby(["preset", "method", "dataset"], sort=False)["test_accuracy"]
               .agg(["count", "mean", "std", "min", "max"]).reset_index().rename(columns={"count": "seeds"}))
    return Artifact(
        "a2m_vs_darts", f"A²M vs first-order DARTS on NB201 ({long['seed'].nunique()} seeds, paired by seed)",
        "Ground-truth 200-epoch test accuracy of the architecture each search returns (taken at the epoch of "
        "minimum supernet validation loss), per seed; A²M's architecture step as in its published code "
        "(ρ = ε = 1e-2). Reduced scale (preset in the table; landscape.studies.darts.DARTS_PRESETS). The A²M "
        "paper reports 92.39 ± 0.59 on CIFAR-10 for A²M at its full NB201 setting.", long,
        lambda table, axes: plots.plot_search_accuracy(table, axes, paper={"cifar10": A2M_PAPER_CIFAR10}),
        grid=(1, long["dataset"].nunique()), figsize=(10, 4), summary=summary)
