"""The budget ladder's answers: where each GeNAS proxy begins to rank, the paper's claims at every rung, and the
weight-sharing bias towards parameter-free cells.

Everything here reads the tidy per-cell table of :func:`~landscape.studies.ladder.ladder_proxies` and the
ground truths; nothing trains.  Two truths: ``matched`` (the seed mean of the stand-alone runs at the
``cpu`` recipe, ``reports/results/standalone/nb201-cpu/runs.csv``: the 100 matched cells) and ``cifar10``
(NB201's 200-epoch test accuracy: every scored cell).  Every τ is Kendall τ-b with a 95% percentile-bootstrap
CI over cells; ``mde80`` is the smallest effect the cells can detect at 80% power with a two-sided 5% test,
(z₀.₉₇₅ + z₀.₈₀) × the bootstrap standard error: a "cannot tell" says how large an effect it rules out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..bench import load_store
from ..bench.store import Store
from ..flatness.proxies import flatness_from_losses
from ..geometry.ranking import bootstrap_counts, bootstrap_interval, kendall_tau
from ..runs import RunStore, config_hash
from ..spaces.nb201 import arch_codes, live_edges, parameter_free_live
from .genas_tables import PAPER_TABLE5, PAPER_TABLE8, PAPER_TABLE9
from .ladder import LadderPreset, get_ladder, ladder_cells, ladder_proxies, rung_preset, rung_store
from .proxy_cache import sigma_label
from .reproduce import CLAIMS, PAPER_TABLE1, noise_ceiling, standalone_truth, verdict

__all__ = ["POWER_Z", "TAU_PROXIES", "ladder_truths", "tau_curve", "main_series", "first_ranking_rung", "claims_by_rung",
           "bias_table", "verdict_changes", "ladder_results"]

#: z₀.₉₇₅ + z₀.₈₀: an effect this many standard errors from 0 is detected with 80% power at the 5% level.
POWER_Z = 1.959964 + 0.841621
#: Proxies of the τ curve (larger = predicted better); ``valid_loss`` enters negated.
TAU_PROXIES: tuple[str, ...] = ("angle", "accuracy", "flatness", "angle_accuracy", "angle_flatness",
                                "accuracy_flatness", "angle_exact", "flatness_exact", "valid_loss")


def ladder_truths(cells: pd.DataFrame, fp32_runs: pd.DataFrame, store: Store) -> dict[str, pd.Series]:
    """``matched``: seed-mean test accuracy (%) of the cells trained alone at the cpu recipe (the matched cells);
    ``cifar10``: NB201's 200-epoch CIFAR-10 test accuracy (%) of every cell.  Both indexed by ``arch``."""
    truth = standalone_truth(fp32_runs[fp32_runs["arch"].isin(set(cells["arch"]))])
    acc = store.array("cifar10", split="test", epochs=200)
    return {"matched": truth["test_accuracy"].mul(100).rename("matched"),
            "cifar10": pd.Series(acc[cells["index"].to_numpy()], index=cells["arch"].to_numpy(), name="cifar10")}


def _wide(table: pd.DataFrame, rung: str) -> pd.DataFrame:
    """One rung's proxies, one column each (``valid_loss`` negated so that larger = better for every column)."""
    wide = table[table["rung"] == rung].pivot(index="arch", columns="proxy", values="value")
    return wide.assign(valid_loss=-wide["valid_loss"])


def _se(boot: np.ndarray) -> float:
    """The bootstrap standard error (NaN with fewer than two finite resamples)."""
    finite = boot[np.isfinite(boot)]
    return float(finite.std(ddof=1)) if finite.size > 1 else float("nan")


def _tau_row(x: np.ndarray, y: np.ndarray, n_boot: int, random_state: int) -> dict:
    counts = bootstrap_counts(len(x), n_boot, random_state)
    boot = kendall_tau(x, y, weights=counts)
    low, high = bootstrap_interval(boot, 0.95)
    se = _se(boot)
    return {"tau": kendall_tau(x, y), "ci_low": low, "ci_high": high, "n_cells": len(x), "se": se, "mde80": POWER_Z * se}


def _rungs(table: pd.DataFrame) -> pd.DataFrame:
    return table[["rung", "c", "n", "epochs", "seed", "images_seen", "precision"]].drop_duplicates("rung")


def tau_curve(table: pd.DataFrame, truths: Mapping[str, pd.Series], *, proxies: Sequence[str] = TAU_PROXIES,
              n_boot: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """τ of every proxy against every truth at every rung: one row per rung × proxy × truth, with the rung's
    budget, the CI, ``se``, ``mde80`` and the paper's Table 5 τ (CIFAR-10) where it has one."""
    rows = []
    for _, rung in _rungs(table).iterrows():
        wide = _wide(table, rung["rung"])
        for name, truth in truths.items():
            cells = [a for a in wide.index if a in truth.index]
            for proxy in proxies:
                rows.append({**rung.to_dict(), "proxy": proxy, "truth": name,
                             **_tau_row(wide.loc[cells, proxy].to_numpy(), truth.loc[cells].to_numpy(), n_boot,
                                        random_state),
                             "paper_tau": PAPER_TABLE5.get(proxy, (np.nan,))[0]})
    return pd.DataFrame(rows)


def main_series(rungs: pd.DataFrame) -> tuple[int, int]:
    """The skeleton ``(c, n)`` of the ladder's main series: the one with the most seed-0 rungs."""
    seed0 = rungs[rungs["seed"] == 0]
    return tuple(int(v) for v in seed0.groupby(["c", "n"]).size().idxmax())


def first_ranking_rung(curve: pd.DataFrame) -> pd.DataFrame:
    """Per proxy and truth, on the seed-0 rungs of the main series (:func:`main_series`): the smallest budget
    (images seen) whose τ CI lies above 0, or ``"none up to <largest budget>"``; the τ there, and the largest rung's
    τ and ``mde80``."""
    rows = []
    c, n = main_series(curve)
    main = curve[(curve["c"] == c) & (curve["n"] == n) & (curve["seed"] == 0)].sort_values("images_seen")
    for (proxy, truth), g in main.groupby(["proxy", "truth"], sort=False):
        above = g[g["ci_low"] > 0]
        last = g.iloc[-1]
        rows.append({"proxy": proxy, "truth": truth,
                     "first_rung": above.iloc[0]["rung"] if len(above) else f"none up to {last['images_seen']:,}",
                     "images_seen": int(above.iloc[0]["images_seen"]) if len(above) else np.nan,
                     "tau_there": float(above.iloc[0]["tau"]) if len(above) else np.nan,
                     "tau_largest": float(last["tau"]), "mde80_largest": float(last["mde80"])})
    return pd.DataFrame(rows)


def verdict_changes(claims: pd.DataFrame) -> pd.DataFrame:
    """Per claim and truth, along the seed-0 rungs of the main series (:func:`main_series`) in order of budget: the
    verdict and Δτ (CI) at the largest rung, the verdict at every rung (``path``: ``"rung: verdict; ..."``) and
    ``changed_at``, the first rung from which the verdict is the largest rung's (``"every rung"`` when it never
    changed)."""
    c, n = main_series(claims)
    main = claims[(claims["c"] == c) & (claims["n"] == n) & (claims["seed"] == 0)].sort_values("images_seen")
    rows = []
    for (claim, source, truth), g in main.groupby(["claim", "source", "truth"], sort=False):
        verdicts, last = list(g["verdict"]), g.iloc[-1]
        same = len(verdicts) - next((i for i, v in enumerate(reversed(verdicts)) if v != verdicts[-1]),
                                    len(verdicts))
        rows.append({"claim": claim, "source": source, "truth": truth, "largest_rung": last["rung"],
                     "images_seen": int(last["images_seen"]), "delta": float(last["delta"]),
                     "ci_low": float(last["ci_low"]), "ci_high": float(last["ci_high"]),
                     "mde80": float(last["mde80"]), "verdict": last["verdict"], "paper_delta": last["paper_delta"],
                     "changed_at": "every rung" if same == 0 else g.iloc[same]["rung"],
                     "path": "; ".join(f"{r}: {v}" for r, v in zip(g["rung"], verdicts))})
    return pd.DataFrame(rows)


def _paired(better: np.ndarray, worse: np.ndarray, truth: np.ndarray, n_boot: int, random_state: int) -> dict:
    """Δ = τ(better, truth) − τ(worse, truth), its paired-bootstrap CI over cells, ``mde80`` and a verdict."""
    counts = bootstrap_counts(len(better), n_boot, random_state)
    boot = kendall_tau(better, truth, weights=counts) - kendall_tau(worse, truth, weights=counts)
    low, high = bootstrap_interval(boot, 0.95)
    se = _se(boot)
    return {"delta": kendall_tau(better, truth) - kendall_tau(worse, truth), "ci_low": low, "ci_high": high,
            "n_cells": len(better), "mde80": POWER_Z * se, "verdict": verdict(low, high)}


def _losses(ladder: LadderPreset, rung, out: str | os.PathLike, cells: list[str]) -> pd.DataFrame:
    store_ = rung_store(ladder, rung, out, "proxies")
    losses = pd.DataFrame() if store_ is None else store_.read("sigma_losses")
    return losses[losses["arch"].isin(set(cells))] if not losses.empty else losses


def _sigma_alpha(ladder: LadderPreset, rung, out, cells: list[str]) -> dict[str, np.ndarray]:
    """Flatness of the rung's cells at every σ triple it has and, at the default triple, at α = 0 and 1."""
    p = rung_preset(ladder, rung)
    losses = _losses(ladder, rung, out, cells)
    columns = {}
    for sigmas in p.sigma_sets:
        part = losses[losses["sigmas"] == sigma_label(sigmas)] if not losses.empty else losses
        cube = part.pivot(index="arch", columns="level", values="loss") if not part.empty else part
        if part.empty or not set(cells) <= set(cube.index):
            continue
        levels = cube.loc[cells].to_numpy()
        columns[f"sigma {sigma_label(sigmas)}"] = flatness_from_losses(levels, sigmas)
        if tuple(sigmas) == tuple(p.sigmas):
            columns["alpha 1"], columns["alpha 0"] = columns[f"sigma {sigma_label(sigmas)}"], flatness_from_losses(
                levels, sigmas, 0.0)
    return columns


def claims_by_rung(ladder: LadderPreset, table: pd.DataFrame, truths: Mapping[str, pd.Series],
                   out: str | os.PathLike, *, n_boot: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """The paired Δτ claims of the "Does it reproduce?" section at every rung, against every truth: GeNAS Table 5's
    three claims, Table 8 (the default σ against the widest, where the rung has the sweep), Table 9 (α 1 against
    0) and Table 1 (τ(accuracy, flatness) − τ(angle, flatness), no truth).  One row per rung × claim × truth."""
    rows = []
    rungs = {r.name: r for r in ladder.rungs}
    default = sigma_label(ladder.base.sigmas)
    widest = sigma_label(ladder.base.sigma_sets[-1])
    paper = {"sigma": PAPER_TABLE8[default][0] - PAPER_TABLE8[widest][0], "alpha": PAPER_TABLE9[1.0] - PAPER_TABLE9[0.0]}
    for _, info in _rungs(table).iterrows():
        wide = _wide(table, info["rung"])
        extra = _sigma_alpha(ladder, rungs[info["rung"]], out, list(wide.index))
        values = {**{k: wide[k].to_numpy() for k in wide.columns}, **extra}
        pairs = [(b, w, "GeNAS Table 5", PAPER_TABLE5[b][0] - PAPER_TABLE5[w][0]) for b, w in CLAIMS]
        if f"sigma {widest}" in values:
            pairs.append((f"sigma {default}", f"sigma {widest}", "GeNAS Table 8", paper["sigma"]))
        if "alpha 0" in values:
            pairs.append(("alpha 1", "alpha 0", "GeNAS Table 9", paper["alpha"]))
        base = {**info.to_dict()}
        for name, truth in truths.items():
            keep = np.isin(wide.index, truth.index)
            t = truth.loc[wide.index[keep]].to_numpy()
            for better, worse, source, paper_delta in pairs:
                rows.append({**base, "claim": f"{better} > {worse}", "source": source, "truth": name,
                             **_paired(values[better][keep], values[worse][keep], t, n_boot, random_state),
                             "paper_delta": paper_delta})
        acc, flat, angle = (wide[k].to_numpy() for k in ("accuracy", "flatness", "angle"))
        counts = bootstrap_counts(len(acc), n_boot, random_state)
        boot = kendall_tau(acc, flat, weights=counts) - kendall_tau(angle, flat, weights=counts)
        low, high = bootstrap_interval(boot, 0.95)
        rows.append({**base, "claim": "tau(accuracy, flatness) > tau(angle, flatness)", "source": "GeNAS Table 1",
                     "truth": "none (proxies only)", "delta": kendall_tau(acc, flat) - kendall_tau(angle, flat),
                     "ci_low": low, "ci_high": high, "n_cells": len(acc), "mde80": POWER_Z * _se(boot),
                     "verdict": verdict(low, high),
                     "paper_delta": PAPER_TABLE1[("accuracy", "flatness")][0] - PAPER_TABLE1[("angle", "flatness")][0]})
    return pd.DataFrame(rows)


def bias_table(table: pd.DataFrame, *, top: int = 10, n_boot: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """The weight-sharing bias at every rung: per proxy, τ against the number of parameter-free operations on live
    paths (:func:`~landscape.spaces.nb201.parameter_free_live`) and the share of parameter-free operations among
    the live operations of the proxy's ``top`` cells (ties broken by cell order)."""
    rows = []
    for _, info in _rungs(table).iterrows():
        wide = _wide(table, info["rung"])
        codes = np.array([arch_codes(a) for a in wide.index])
        free, live = parameter_free_live(codes), live_edges(codes).sum(axis=1)
        for proxy in wide.columns:
            values = wide[proxy].to_numpy()
            best = np.argsort(-values, kind="stable")[:top]
            rows.append({**info.to_dict(), "proxy": proxy,
                         **_tau_row(values, free.astype(float), n_boot, random_state),
                         "top": top, "top_parameter_free_share": float(free[best].sum() / max(live[best].sum(), 1)),
                         "all_parameter_free_share": float(free.sum() / max(live.sum(), 1))})
    return pd.DataFrame(rows)


def ladder_results(preset: str | LadderPreset, out: str | os.PathLike, fp32_runs: pd.DataFrame, *,
                   n_boot: int = 1000, random_state: int = 0, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the ladder from the rungs scored so far, written to ``<out>/tables`` (CSV): ``proxies`` (the
    tidy per-cell table), ``rungs``, ``tau_curve``, ``noise_ceiling`` (seed vs seed, matched vs 200-epoch, on the
    matched cells), ``first_rung``, ``claims``, ``bias`` and ``verdict_changes``.

    Parameters
    ----------
    preset : str or LadderPreset
        A :data:`~landscape.studies.ladder.LADDER_PRESETS` name or a ladder.
    out : str or os.PathLike
        The ladder's folder (:func:`~landscape.studies.ladder.run_ladder`).
    fp32_runs : pandas.DataFrame
        The matched truth: the ``cpu`` fp32 stand-alone runs (:func:`~landscape.studies.standalone.run_standalone`).
    n_boot : int, default 1000
        Bootstrap resamples of every CI.
    random_state : int, default 0
        Seed of the resamples.
    store : Store or None, default None
        The ground-truth store (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables by name, as written.

    Raises
    ------
    ValueError
        If no rung of the ladder is scored yet, or ``fp32_runs`` has no run of the matched cells or NaN accuracies.

    Examples
    --------
    >>> ladder_results("smoke", "no-such-ladder", pd.DataFrame(), store=store)  # reads only: nothing is written
    Traceback (most recent call last):
    ...
    ValueError: no rung of ladder 'smoke' in no-such-ladder is scored yet: ...
    >>> tables = ladder_results("smoke", "runs/ladder-smoke", fp32_runs)  # seconds  # doctest: +SKIP
    """
    ladder = get_ladder(preset)
    store = load_store() if store is None else store
    table = ladder_proxies(ladder, out, store)
    if table.empty:
        raise ValueError(f"no rung of ladder {ladder.name!r} in {out} is scored yet: run `python -m landscape.studies "
                         f"ladder --preset {ladder.name}` first")
    truths = ladder_truths(ladder_cells(ladder, store), fp32_runs, store)
    boot = {"n_boot": n_boot, "random_state": random_state}
    curve = tau_curve(table, truths, **boot)
    matched = standalone_truth(fp32_runs[fp32_runs["arch"].isin(set(truths["matched"].index))])
    ceiling = noise_ceiling(matched, truths["cifar10"].loc[matched.index].to_numpy(), **boot)
    claims = claims_by_rung(ladder, table, truths, out, **boot)
    tables = {"proxies": table, "rungs": _rungs(table).reset_index(drop=True), "tau_curve": curve,
              "noise_ceiling": ceiling, "first_rung": first_ranking_rung(curve), "claims": claims,
              "bias": bias_table(table, **boot), "verdict_changes": verdict_changes(claims)}
    run = RunStore(Path(out) / "tables", {"stage": "ladder tables", "ladder": ladder.name, **boot,
                                          "truth_runs": config_hash({"runs": sorted(fp32_runs["config_hash"]
                                                                                    .astype(str).unique())})})
    for name, frame in tables.items():
        run.write(name, frame)
    return tables
