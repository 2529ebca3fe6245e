"""The rank-correlation section: short vs long training, seeds, zero-cost proxies (τ with bootstrap CIs)."""

from __future__ import annotations

from ...bench.store import Store
from ...bench.analyses import store_rank_agreement
from .. import plots
from .base import Artifact


def ranking_section(store: Store) -> list[Artifact]:
    table = store_rank_agreement(store, k=(10, 100), n_boot=1000, random_state=0, n_boot_weighted=0, progress=True)
    tau = table[table.measure == "kendall_tau_b"].drop(columns="measure").reset_index(drop=True)
    cell = [f"{e:.3f} [{lo:.3f}, {hi:.3f}]" for e, lo, hi in zip(tau.estimate, tau.ci_low, tau.ci_high)]
    compact = (tau.assign(tau=cell).pivot_table(index=["comparison", "proxy"], columns="dataset", values="tau",
                                                aggfunc="first", sort=False).reset_index())
    compact.columns.name = None
    compact = compact.fillna("—")
    return [
        Artifact("rank_agreement", "Rank agreement with the ground truth",
                 "Kendall τ-b, Spearman ρ, weighted τ and precision@k of each stored proxy against 200-epoch test "
                 "accuracy (or of one seed against the seed mean), with 95% bootstrap CIs over cells "
                 "(bench.store_rank_agreement, 1,000 resamples, random_state=0; weighted τ as a point estimate here "
                 "— its CI loops over scipy, n_boot_weighted > 0 computes it). The table shows τ-b [95% CI]; the "
                 "CSV has every measure.", table, summary=compact),
        Artifact("rank_agreement_tau", "Kendall τ of every stored proxy",
                 "Kendall τ-b with 95% bootstrap CIs; zero-cost proxies are scored on the ~725 cells NASLib's "
                 "table covers, the others on all cells they cover.", tau, plots.plot_tau_intervals, figsize=(7, 9)),
    ]
