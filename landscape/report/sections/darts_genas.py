"""GeNAS on the DARTS space: proxies against the NB301 surrogate (Table 5's shape) and the searches compared,
from the tables of cached runs ``reports/results/search/genas-darts-*`` (the comparison is scored by
:func:`landscape.studies.genas_darts_space.write_search_comparison`: the report calls no oracle)."""

from __future__ import annotations

from pathlib import Path


from ...bench.store import Store
from ...studies.layout import genas_runs, run_tables
from .. import plots
from .base import RESULTS, Artifact


def _caveat(tau: tuple[float, float, float]) -> str:
    return (f"The ground truth is a prediction: the NB301 surrogate's own Kendall τ against NASLib's trained DARTS "
            f"genotypes is {tau[0]:.2f} [{tau[1]:.2f}, {tau[2]:.2f}], so a proxy's τ against "
            "it mixes the proxy's error with the surrogate's and cannot be shown to exceed about that; a τ near 0 "
            "may still hide a proxy that ranks trained genotypes well, and the surrogate cannot separate genotypes "
            "within a few tenths of a point. GeNAS reports no DARTS-space τ (its Tables 1-2 retrain the searched "
            "genotypes at full scale).")


def darts_genas_section(store: Store, preset: str = "cpu", results: Path = RESULTS) -> list[Artifact]:
    """GeNAS on the DARTS space, from the runs of ``preset`` under ``results/search``."""
    runs = genas_runs(results, "darts", preset)
    agreement = run_tables(runs, "surrogate")
    if agreement.empty:
        return []
    tau = tuple(float(agreement.iloc[0][k]) for k in ("tau", "ci_low", "ci_high"))
    caveat = _caveat(tau)
    out = []
    table5 = run_tables(runs, "table5")
    if not table5.empty:
        names = ", ".join(sorted(table5.run.unique()))
        out.append(Artifact(
            "genas_darts_table5", "GeNAS Table 5 on the DARTS space: τ of each proxy against the NB301 surrogate",
            "Kendall τ-b (95% bootstrap CI) of each proxy, scored on sub-networks of our DARTS-space SPOS supernet "
            "(published structure, reduced scale), against the NB301 surrogate's accuracy of the same genotypes, "
            "sampled uniformly from the space. angle/flatness as the published code, *_exact as the paper's text; "
            f"combinations with γ (column gamma). Runs: {names} (see landscape.studies.presets.DARTS_SPACE_PRESETS). Grey band: the surrogate's own τ. " + caveat, table5,
            lambda table, ax: plots.plot_darts_table5(table, ax, tau), figsize=(8, 4.5)))
    gamma = run_tables(runs, "gamma_ablation")
    if not gamma.empty:
        out.append(Artifact(
            "genas_darts_gamma_ablation", "DARTS space: γ ablation (Eq. 5) against the NB301 surrogate",
            "Kendall τ-b (95% CI) of angle+flatness and accuracy+flatness (S + γ·F/σ₁) for each γ against the "
            "surrogate; γ = 16 is the published command's, γ = 0 the angle (or accuracy) alone. " + caveat, gamma,
            lambda table, ax: plots.plot_ablation(
                table.assign(gamma=table["proxy"] + " γ=" + table["gamma"].astype(str)), "gamma", ax)))
    comparison = run_tables(runs, "search_comparison")
    if not comparison.empty:
        out.append(Artifact(
            "genas_darts_search", "DARTS space: searched genotypes under the NB301 surrogate",
            "Surrogate accuracy of the genotype each search returns: GeNAS evolution (budget = genotypes evaluated "
            "on the supernet), random search by the same fitness at the same budget and one random genotype (mean, "
            "bars = central 95% of single searches, from the sampled genotypes of Table 5), first-order DARTS and "
            "A²M on the same space (landscape.studies.darts.DARTS_PRESETS), and the "
            "genotypes DARTS and PC-DARTS published after full-scale searches. " + caveat, comparison,
            plots.plot_darts_search, figsize=(8, 0.9 + 0.35 * len(comparison))))
    return out
