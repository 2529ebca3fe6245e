"""Does it reproduce?  GeNAS's and A²M's claims at a reduced scale, against two ground truths.

The supernet's proxies (:class:`~landscape.studies.proxy_cache.ProxyCache`) are ranked against the
*matched-scale* ground truth (the seed-mean test accuracy of the same cells trained alone with
the supernet's recipe, :mod:`landscape.studies.standalone`) and against NB201's 200-epoch
CIFAR-10 test accuracy on the same cells.  Every τ has a 95% percentile-bootstrap CI (cells
resampled; every row of a table on the same resamples), every "X beats Y" claim a paired
bootstrap of ``τ(X) − τ(Y)`` with a one-sided p-value, and every claim a verdict in words.

The analyses are pure functions of tidy frames; :func:`reproduction` is the driver that scores
the cells on a trained supernet and writes the tables to ``<out>/reproduce``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..bench import load_store
from ..bench.store import Store
from ..flatness.proxies import flatness_from_losses
from ..geometry.neighbourhood import neighbourhood_flatness
from ..geometry.ranking import (
    bootstrap_counts,
    bootstrap_interval,
    kendall_tau,
    kendall_tau_interval,
    mean_difference_interval,
)
from ..runs import RunStore
from .genas_tables import PAPER_TABLE5, PAPER_TABLE8, PAPER_TABLE9, rank_table, sample_archs
from .layout import search_records
from .presets import SearchPreset, get_preset
from .proxy_cache import ProxyCache, sigma_label
from .seeds import stream
from .standalone import MODES, loss_column, matched_cells
from .supernet import train_supernet
from .vocabulary import EXACT_PROXIES, PROXIES

__all__ = ["PAPER_TABLE1", "CLAIMS", "standalone_truth", "noise_ceiling", "paired_difference", "claims_table",
           "standalone_flatness", "generalisation_table", "verdict", "verdicts", "a2m_vs_darts", "reproduction"]

#: GeNAS Table 1: τ between search metrics over NB201 (CIFAR-10, CIFAR-100, ImageNet16-120).
PAPER_TABLE1: dict[tuple[str, str], tuple[float, float, float]] = {
    ("angle", "flatness"): (0.4302, 0.4724, 0.4097), ("accuracy", "flatness"): (0.7923, 0.7568, 0.7620)}
#: GeNAS Table 5's claims, as (better, worse): the first proxy ranks the cells better than the second.
CLAIMS: tuple[tuple[str, str], ...] = (("angle_flatness", "angle"), ("flatness", "accuracy"),
                                       ("accuracy_flatness", "accuracy"))


def standalone_truth(runs: pd.DataFrame) -> pd.DataFrame:
    """Per cell (index ``arch``): seed-mean ``test_accuracy`` / ``test_loss``, ``n_seeds`` and one column per seed."""
    if runs.empty:
        raise ValueError("no stand-alone runs yet: run `python -m landscape.studies standalone --preset cpu`")
    for name in ("test_accuracy", "test_loss"):
        if runs[name].isna().any():
            raise ValueError(f"stand-alone runs hold NaN in {name!r}; delete those rows of runs.csv to retrain them")
    grouped = runs.groupby("arch", sort=False)
    frame = grouped[["test_accuracy", "test_loss"]].mean().assign(n_seeds=grouped.size())
    seeds = runs.pivot(index="arch", columns="seed", values="test_accuracy")
    return frame.join(seeds.rename(columns=lambda s: f"test_accuracy_seed{s}"))


def noise_ceiling(truth: pd.DataFrame, truth200: np.ndarray, *, n_boot: int = 1000, ci: float = 0.95,
                  random_state: int = 0) -> pd.DataFrame:
    """What any proxy can reach at this scale: τ between two training seeds, and between the matched and
    the 200-epoch ground truth (``truth200`` aligned with ``truth``'s rows).

    Rows ``comparison, tau, ci_low, ci_high, n, n_boot``; the seed-vs-seed row uses the cells that
    have both seeds 0 and 1.
    """
    rows = []
    both = truth[["test_accuracy_seed0", "test_accuracy_seed1"]].dropna() if {
        "test_accuracy_seed0", "test_accuracy_seed1"} <= set(truth) else pd.DataFrame()
    if len(both) >= 3:
        counts = bootstrap_counts(len(both), n_boot, random_state)
        rows.append({"comparison": "seed 0 vs seed 1 (matched scale)",
                     **kendall_tau_interval(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy(), counts, ci)})
    counts = bootstrap_counts(len(truth), n_boot, random_state)
    rows.append({"comparison": "matched scale (seed mean) vs 200-epoch CIFAR-10",
                 **kendall_tau_interval(truth["test_accuracy"].to_numpy(), np.asarray(truth200), counts, ci)})
    return pd.DataFrame(rows)


def paired_difference(better: np.ndarray, worse: np.ndarray, truth: np.ndarray, *, n_boot: int = 1000,
                      ci: float = 0.95, random_state: int = 0) -> dict[str, float]:
    """``τ(better, truth) − τ(worse, truth)`` with a paired bootstrap CI (the same resampled cells on both
    sides) and the one-sided p-value: the share of resamples where the difference is ≤ 0; also ``better``'s own
    τ with its CI on the same resamples (``tau_better``, ``tau_better_low``, ``tau_better_high``)."""
    better, worse, truth = (np.asarray(v, dtype=np.float64) for v in (better, worse, truth))
    counts = bootstrap_counts(len(truth), n_boot, random_state)
    boot_better = kendall_tau(better, truth, weights=counts)
    boot = boot_better - kendall_tau(worse, truth, weights=counts)
    low, high = bootstrap_interval(boot, ci)
    own_low, own_high = bootstrap_interval(boot_better, ci)
    finite = boot[np.isfinite(boot)]
    tau_better = kendall_tau(better, truth)
    return {"delta": tau_better - kendall_tau(worse, truth), "ci_low": low, "ci_high": high,
            "p_one_sided": float(np.mean(finite <= 0)) if finite.size else float("nan"), "n": len(truth),
            "tau_better": tau_better, "tau_better_low": own_low, "tau_better_high": own_high}


def verdict(low: float, high: float, paper: float | None = None) -> str:
    """Words for a CI: of a difference that should be > 0 (``paper`` None), or of a τ against the paper's."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "cannot tell at this scale (τ undefined: a constant ranking)"
    if paper is None:
        if low > 0:
            return "holds"
        return "does not hold" if high < 0 else "cannot tell at this scale (the CI includes 0)"
    if low <= paper <= high:
        return "holds (the paper's value is inside the CI)"
    return "lower than the paper's" if high < paper else "higher than the paper's"


def claims_table(values: Mapping[str, np.ndarray], truths: Mapping[str, np.ndarray],
                 claims: Sequence[tuple[str, str]] = CLAIMS, *, papers: Mapping[str, float] | None = None,
                 source: str = "GeNAS Table 5", n_boot: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """One row per (claim, ground truth): paired Δτ, CI, p-value, the paper's Δτ on CIFAR-10, the better
    proxy's own τ (``tau_better`` and its CI, on the same resamples) and a verdict.

    A claim whose Δτ holds while the better proxy's own τ CI does not lie above 0 holds *only as a
    difference* (the worse proxy ranks inversely, say): the verdict says so.  ``papers`` maps
    ``"<better> > <worse>"`` to the paper's Δτ (default: from GeNAS Table 5).
    """
    rows = []
    for better, worse in claims:
        claim = f"{better} > {worse}"
        paper = (papers or {}).get(claim, PAPER_TABLE5.get(better, (np.nan,))[0]
                                   - PAPER_TABLE5.get(worse, (np.nan,))[0])
        for name, truth in truths.items():
            d = paired_difference(values[better], values[worse], truth, n_boot=n_boot, random_state=random_state)
            word = verdict(d["ci_low"], d["ci_high"])
            if word == "holds" and not d["tau_better_low"] > 0:
                word = (f"holds only as a difference: {better} itself has τ {d['tau_better']:.2f} "
                        f"[{d['tau_better_low']:.2f}, {d['tau_better_high']:.2f}], not above 0")
            rows.append({"claim": claim, "source": source, "ground_truth": name, **d, "paper_delta": paper,
                         "verdict": word})
    return pd.DataFrame(rows)


def standalone_flatness(runs: pd.DataFrame, sigma_sets: Sequence[Sequence[float]],
                        alphas: Sequence[float] = (1.0, 0.0)) -> pd.DataFrame:
    """Each stand-alone network's own weight-space flatness from the per-level validation losses the runs
    stored: long ``arch, seed, mode, sigmas, alpha, flatness, test_accuracy``.

    ``α = 1`` is Eq. 4 (with the depth term ``α|L₁/σ₁|``), ``α = 0`` Eq. 3 (the slopes alone).  At a small
    σ₁ the depth term dominates, so Eq. 4 then ranks like the clean loss; Eq. 3 isolates the curvature.
    """
    rows = []
    for mode in MODES:
        for sigmas in sigma_sets:
            losses = runs[[loss_column(mode, sigmas, i) for i in range(1, len(sigmas) + 1)]].to_numpy()
            for alpha in alphas:
                rows.append(pd.DataFrame({"arch": runs["arch"], "seed": runs["seed"], "mode": mode,
                                          "sigmas": sigma_label(sigmas), "alpha": float(alpha),
                                          "flatness": flatness_from_losses(losses, sigmas, alpha),
                                          "test_accuracy": runs["test_accuracy"]}))
    return pd.concat(rows, ignore_index=True)


def generalisation_table(runs: pd.DataFrame, own: pd.DataFrame, *, n_boot: int = 1000,
                         random_state: int = 0) -> pd.DataFrame:
    """τ-b of each stand-alone network's own flatness (``own``, :func:`standalone_flatness` of ``runs``) against
    its held-out test accuracy, per noise mode, σ triple and α; last row, for reference, the negated clean
    validation loss on the same images (what Eq. 4 reduces to when its depth term dominates)."""
    boot = {"key": "mode", "n_boot": n_boot, "random_state": random_state}
    frames = [rank_table({m: g["flatness"].to_numpy()}, {"test_accuracy": g["test_accuracy"].to_numpy()},
                         **boot).assign(sigmas=s, alpha=a)
              for (m, s, a), g in own.groupby(["mode", "sigmas", "alpha"], sort=False)]
    frames.append(rank_table({"clean validation loss (negated)": -runs["valid_loss"].to_numpy()},
                             {"test_accuracy": runs["test_accuracy"].to_numpy()}, **boot).assign(sigmas="",
                                                                                                   alpha=np.nan))
    return pd.concat(frames, ignore_index=True)


def _row(claim: str, source: str, paper: float, truth: str, estimate: float, low: float, high: float,
         word: str, reason: str) -> dict:
    return {"claim": claim, "source": source, "paper": paper, "ground_truth": truth, "ours": estimate,
            "ci_low": low, "ci_high": high, "verdict": word, "reason": reason}


def a2m_vs_darts(a2m_dir: str | os.PathLike, truth: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per seed, CIFAR-10 accuracy of the cells A²M and DARTS returned (``<a2m_dir>/{a2m,darts}-seed*/result.json``):
    200-epoch lookup and, where the cell was trained alone, the matched-scale seed mean (``truth``)."""
    rows = []
    for r in search_records(Path(a2m_dir)):
        matched = truth["test_accuracy"].get(r.arch, np.nan) if truth is not None else np.nan
        rows.append({"method": r.method, "seed": r.seed, "arch": r.arch, "accuracy_200": r.accuracy["cifar10"],
                     "accuracy_matched": 100 * matched})
    return pd.DataFrame(rows, columns=["method", "seed", "arch", "accuracy_200", "accuracy_matched"])


def verdicts(tables: Mapping[str, pd.DataFrame], table1_delta: Mapping[str, float],
             neighbourhood: Mapping[str, float], searched: pd.DataFrame, *, sigmas: str | None = None
             ) -> pd.DataFrame:
    """One row per claim of the two papers and ground truth: the paper's number, ours with its CI, a verdict, why.

    ``sigmas``: the label of the default σ triple, whose rows of ``tables["generalise"]`` judge GeNAS's premise
    that flatter minima generalise better (faithful noise; Eq. 3, the slopes alone, since Eq. 4 at a small σ₁
    ranks like the clean loss)."""
    rows = []
    d = table1_delta
    rows.append(_row("accuracy and flatness correlate more than angle and flatness", "GeNAS Table 1",
                     PAPER_TABLE1[("accuracy", "flatness")][0] - PAPER_TABLE1[("angle", "flatness")][0],
                     "none (proxies only)", d["delta"], d["ci_low"], d["ci_high"], verdict(d["ci_low"], d["ci_high"]),
                     "paired bootstrap of τ(accuracy, flatness) − τ(angle, flatness) over the Table 1 sample"))
    for _, c in tables["claims"].iterrows():
        rows.append(_row(c["claim"], c["source"], c["paper_delta"], c["ground_truth"], c["delta"], c["ci_low"],
                         c["ci_high"], c["verdict"], f"paired bootstrap of Δτ over {c['n']} cells, "
                                                    f"p(Δ ≤ 0) = {c['p_one_sided']:.3f}"))
    t5 = tables["table5"]
    for _, r in t5[t5["proxy"] == "flatness"].iterrows():
        rows.append(_row("flatness ranks the cells as well as in the paper (τ)", "GeNAS Table 5", r["paper_tau"],
                         r["dataset"], r["tau"], r["ci_low"], r["ci_high"],
                         verdict(r["ci_low"], r["ci_high"], r["paper_tau"]), f"τ-b over {r['n']} cells"))
    gen = tables.get("generalise", pd.DataFrame())
    if sigmas is not None and not gen.empty:
        mine = gen[(gen["mode"] == "faithful") & (gen["sigmas"] == sigmas)].set_index("alpha")
        ref = gen[gen["mode"] == "clean validation loss (negated)"]
        if {0.0, 1.0} <= set(mine.index) and len(ref):
            r, eq4, loss = mine.loc[0.0], mine.loc[1.0], ref.iloc[0]
            rows.append(_row("flatter minima generalise better (each stand-alone network's own flatness)",
                             "GeNAS (premise)", np.nan, "matched (each run)", r["tau"], r["ci_low"], r["ci_high"],
                             verdict(r["ci_low"], r["ci_high"]),
                             f"τ-b of Eq. 3 flatness (σ {sigmas}, faithful) vs held-out test accuracy over {r['n']} "
                             f"runs; Eq. 4 gives {eq4['tau']:.2f}, the clean validation loss {loss['tau']:.2f}: its "
                             f"depth term α|L₁/σ₁| ranks like the loss"))
    n = neighbourhood
    rows.append(_row("accurate architectures sit in flatter neighbourhoods", "A²M (geometry)", np.nan, "200-epoch",
                     n["tau"], n["ci_low"], n["ci_high"], verdict(n["ci_low"], n["ci_high"]),
                     "τ-b between 200-epoch CIFAR-10 accuracy and negated mean |Δacc| to the 24 neighbours, all "
                     "15,625 cells; at matched scale the neighbours have no accuracies: cannot tell"))
    if not searched.empty:
        pairs = searched.pivot(index="seed", columns="method")
        for truth, col in (("200-epoch", "accuracy_200"), ("matched", "accuracy_matched")):
            if "a2m" not in pairs[col] or "darts" not in pairs[col]:
                continue
            est, lo, hi = mean_difference_interval((pairs[col]["a2m"] - pairs[col]["darts"]).to_numpy(dtype=float))
            word = ("cannot tell at this scale (the returned cells were not trained alone yet)" if not np.isfinite(est)
                    else "holds" if lo > 0 else "does not hold" if hi < 0
                    else "cannot tell at this scale (the CI includes 0)")
            rows.append(_row("A²M returns more accurate cells than first-order DARTS (CIFAR-10, points)",
                             "A²M", np.nan, truth, est, lo, hi, word,
                             f"mean paired difference over {len(pairs)} seeds, t interval"))
    return pd.DataFrame(rows)


def _sigma_flatness(losses: pd.DataFrame, archs: list[str], sigmas, alpha: float = 1.0) -> np.ndarray:
    cube = losses[losses["sigmas"] == sigma_label(sigmas)].pivot(index="arch", columns="level", values="loss")
    return flatness_from_losses(cube.loc[archs].to_numpy(), sigmas, alpha)


def reproduction(
    preset: str | SearchPreset,
    out: str | os.PathLike,
    standalone: str | os.PathLike,
    *,
    random_state: int = 0,
    table1_archs: int = 300,
    a2m_dir: str | os.PathLike | None = None,
    device: str | torch.device = "auto",
    progress: bool = True,
    store: Store | None = None,
) -> dict[str, pd.DataFrame]:
    """Score the matched cells (and ``table1_archs`` sampled cells for Table 1) on the supernet in ``out``,
    rank them against the stand-alone runs in ``<standalone>/runs.csv`` and the 200-epoch ground truth,
    and write every table to ``<out>/reproduce``.

    Parameters
    ----------
    preset : str or SearchPreset
        An NB201 preset name or a preset: the supernet's, and the stand-alone runs' recipe.
    out : str or os.PathLike
        The search's results folder (the supernet in ``spos``, trained first if it is not).
    standalone : str or os.PathLike
        The stand-alone sweep's folder (:func:`~landscape.studies.standalone.run_standalone`).  Uses the cells
        that have at least one finished run (the table ``coverage`` says how many of each); run it again as
        the sweep finishes more.
    random_state : int, default 0
        Supernet seed; also seeds the matched cells, the Table 1 sample and the bootstrap resamples.
    table1_archs : int, default 300
        Sampled cells of GeNAS Table 1 (τ between search metrics).
    a2m_dir : str, os.PathLike or None, default None
        A²M/DARTS runs (``compare_a2m_darts``' layout) whose returned cells are compared.
    device : str or torch.device, default "auto"
        Where the supernet trains and the proxies are evaluated.
    progress : bool, default True
        Show progress bars.
    store : Store or None, default None
        The ground-truth store (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``coverage, truth, noise_ceiling, table5, claims, sigma, alpha, table1, generalise, joint, searched``
        and ``verdicts`` (per claim of the two papers: the paper's number, ours with its CI, a verdict, why).

    Raises
    ------
    ValueError
        If ``<standalone>/runs.csv`` is missing or fewer than 3 matched cells have a run.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # minutes at the smoke preset, after a stand-alone sweep
    ...     tables = reproduction("smoke", out, "runs/standalone-smoke")  # doctest: +SKIP
    """
    p = get_preset(preset)
    store = load_store() if store is None else store
    runs, every_truth, cells = _matched(p, standalone, random_state, store)
    return _reproduce(p, out, runs, every_truth, cells, random_state, table1_archs, a2m_dir, device, progress, store)


def _reproduce(p: SearchPreset, out: str | os.PathLike, runs: pd.DataFrame, every_truth: pd.DataFrame,
               cells: pd.DataFrame, random_state: int, table1_archs: int, a2m_dir: str | os.PathLike | None,
               device: str | torch.device, progress: bool, store: Store) -> dict[str, pd.DataFrame]:
    """:func:`reproduction` from its matched cells: the supernet's proxies scored and every table written."""
    archs = cells["arch"].tolist()
    truth = every_truth.loc[archs]
    trained = train_supernet(p, out, random_state=random_state, device=device, progress=progress)
    cache = ProxyCache(trained, device=device, progress=progress)
    truths = {"matched": truth["test_accuracy"].to_numpy(), "200-epoch": cells["cifar10"].to_numpy()}
    boot = {"n_boot": p.n_boot, "random_state": random_state}
    tables = {"coverage": pd.DataFrame([{"cells": len(archs), "cells_with_2_seeds": int((truth["n_seeds"] >= 2).sum()),
                                         "runs": int(runs["arch"].isin(archs).sum()), "target_cells": 100,
                                         "target_runs": 200}]),
              "truth": truth.reset_index(), "noise_ceiling": noise_ceiling(truth, truths["200-epoch"], **boot),
              **_supernet_tables(cache, archs, truths, p, boot)}
    tables["table1"], table1_delta = _table1(cache, sample_archs(table1_archs, stream(random_state, "table1_sample"), store), p, random_state)
    tables.update(_standalone_tables(runs, archs, cells, truths, p, boot, store))
    tables["searched"] = a2m_vs_darts(a2m_dir if a2m_dir is not None else Path(out) / "no-a2m-runs", every_truth)
    acc200 = store.array("cifar10", split="test", epochs=200)
    neighbourhood = kendall_tau_interval(acc200, -neighbourhood_flatness(acc200, store.index),
                                         bootstrap_counts(acc200.size, p.n_boot, random_state), 0.95)
    tables = {k: tables[k] for k in ("coverage", "truth", "noise_ceiling", "table5", "claims", "sigma", "alpha",
                                     "table1", "generalise", "joint", "searched")}
    tables["verdicts"] = verdicts(tables, table1_delta, neighbourhood, tables["searched"], sigmas=sigma_label(p.sigmas))
    sweep = sorted(runs["config_hash"].astype(str).unique())  # the stand-alone runs' identity, not their folder
    run = RunStore(Path(out) / "reproduce", {"stage": "reproduce", "proxies": cache.run.hash, "seed": random_state,
                                             "standalone": sweep, "table1_archs": table1_archs,
                                             **p.stage_config("tables")})
    for name, frame in tables.items():
        run.write(name, frame)
    return tables


def _matched(p: SearchPreset, standalone: str | os.PathLike, random_state: int, store: Store
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The stand-alone runs, their per-cell truth, and the matched cells that have at least one run."""
    path = Path(standalone) / "runs.csv"
    if not path.exists():
        raise ValueError(f"{path} does not exist: run `python -m landscape.studies standalone --preset {p.name}`")
    runs = pd.read_csv(path)
    every_truth = standalone_truth(runs)
    cells = matched_cells(p, random_state=random_state, store=store)
    cells = cells[cells["arch"].isin(every_truth.index)].reset_index(drop=True)
    if len(cells) < 3:
        raise ValueError(f"only {len(cells)} matched cells have stand-alone runs; at least 3 are needed")
    return runs, every_truth, cells


def _supernet_tables(cache: ProxyCache, archs: list[str], truths: Mapping[str, np.ndarray], p: SearchPreset,
                     boot: dict) -> dict[str, pd.DataFrame]:
    """Table 5 against both truths, the paired claims (Table 5, 8 and 9) and the σ and α ablations."""
    proxies, losses = cache.proxies(archs), cache.sigma_losses(archs, p.sigma_sets)
    names = list(PROXIES + EXACT_PROXIES)
    table5 = rank_table({k: proxies[k].to_numpy() for k in names}, truths, **boot)
    table5["paper_tau"] = [PAPER_TABLE5.get(k, (np.nan,) * 3)[0] for k in table5["proxy"]]
    table5["gamma"] = p.gamma
    claims = claims_table({k: proxies[k].to_numpy() for k in names}, truths, **boot).assign(gamma=p.gamma)
    sigma = rank_table({sigma_label(s): _sigma_flatness(losses, archs, s) for s in p.sigma_sets}, truths,
                       key="sigmas", **boot)
    sigma["paper_tau"] = [PAPER_TABLE8.get(s, (np.nan,) * 3)[0] for s in sigma["sigmas"]]
    alpha = rank_table({a: _sigma_flatness(losses, archs, p.sigmas, a) for a in p.alphas}, truths, key="alpha",
                       **boot)
    alpha["paper_tau"] = [PAPER_TABLE9.get(a, np.nan) for a in alpha["alpha"]]
    default, widest = sigma_label(p.sigmas), sigma_label(p.sigma_sets[-1])
    ablations = {f"sigma {default}": _sigma_flatness(losses, archs, p.sigmas),
                 f"sigma {widest}": _sigma_flatness(losses, archs, p.sigma_sets[-1]),
                 "alpha 1": _sigma_flatness(losses, archs, p.sigmas, 1.0),
                 "alpha 0": _sigma_flatness(losses, archs, p.sigmas, 0.0)}
    claims = pd.concat([claims, claims_table(
        ablations, truths, [(f"sigma {default}", f"sigma {widest}")], source="GeNAS Table 8", **boot,
        papers={f"sigma {default} > sigma {widest}": PAPER_TABLE8.get(default, (np.nan,))[0]
                - PAPER_TABLE8.get(widest, (np.nan,))[0]}), claims_table(
        ablations, truths, [("alpha 1", "alpha 0")], source="GeNAS Table 9", **boot,
        papers={"alpha 1 > alpha 0": PAPER_TABLE9[1.0] - PAPER_TABLE9[0.0]})], ignore_index=True)
    return {"table5": table5, "claims": claims, "sigma": sigma, "alpha": alpha}


def _table1(cache: ProxyCache, sample: list[str], p: SearchPreset, random_state: int) -> tuple[pd.DataFrame, dict]:
    """GeNAS Table 1 (τ between search metrics over ``sample``) and its claim's paired Δτ."""
    many = cache.proxies(sample)
    counts = bootstrap_counts(len(sample), p.n_boot, random_state)
    table1 = pd.DataFrame([{"metric_a": a, "metric_b": b,
                            **kendall_tau_interval(many[a].to_numpy(), many[b].to_numpy(), counts, 0.95),
                            "paper_tau": PAPER_TABLE1.get((a, b), (np.nan,) * 3)[0]}
                           for a, b in (("angle", "flatness"), ("accuracy", "flatness"), ("angle", "accuracy"),
                                        ("angle_exact", "flatness_exact"), ("accuracy", "flatness_exact"))])
    delta1 = (kendall_tau(many["accuracy"], many["flatness"], weights=counts)
              - kendall_tau(many["angle"], many["flatness"], weights=counts))
    low, high = bootstrap_interval(delta1, 0.95)
    return table1, {"delta": kendall_tau(many["accuracy"], many["flatness"])
                    - kendall_tau(many["angle"], many["flatness"]), "ci_low": low, "ci_high": high}


def _standalone_tables(runs: pd.DataFrame, archs: list[str], cells: pd.DataFrame, truths: Mapping[str, np.ndarray],
                       p: SearchPreset, boot: dict, store: Store) -> dict[str, pd.DataFrame]:
    """The stand-alone networks' own flatness against their test accuracy (``generalise``) and against
    neighbourhood flatness and the matched truth (``joint``)."""
    matched_runs = runs[runs["arch"].isin(archs)].reset_index(drop=True)
    own = standalone_flatness(matched_runs, p.sigma_sets)
    mean_own = own[own["sigmas"] == sigma_label(p.sigmas)].groupby(["mode", "alpha", "arch"])["flatness"].mean()
    nbhd = -neighbourhood_flatness(store.array("cifar10", split="test", epochs=200), store.index,
                                   cells["index"].to_numpy())
    joint = pd.concat([rank_table({f"standalone_flatness_{m}": mean_own.loc[m, a].loc[archs].to_numpy()},
                                  {"neighbourhood_flatness_cifar10": nbhd,
                                   "matched_test_accuracy": truths["matched"]}, **boot).assign(alpha=a)
                       for m in MODES for a in sorted(own["alpha"].unique(), reverse=True)], ignore_index=True)
    return {"generalise": generalisation_table(matched_runs, own, **boot), "joint": joint}
