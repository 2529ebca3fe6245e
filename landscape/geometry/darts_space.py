"""Landscape geometry of the DARTS space over an accuracy oracle (torch-free).

The DARTS space (≈1.08·10¹⁸ genotypes, :mod:`landscape.spaces.darts`) cannot be enumerated, so
neighbourhoods are *sampled* and accuracies come from an *oracle*: any callable mapping a
batch of genotype codes ``(n, 2, 8, 2)`` to ``n`` accuracies (e.g.
:class:`~landscape.oracles.NB301Surrogate`, :class:`~landscape.oracles.TableOracle`, or a toy
function of the codes).  Every analysis gathers all the genotypes it needs and calls the
oracle once.

* :func:`darts_neighbourhood_stats`: per genotype and radius, the statistics of
  :func:`~landscape.geometry.neighbourhood_stats` over ``n_neighbours`` genotypes sampled at
  distance exactly ``r`` (A²M samples 30 at each radius; :func:`~landscape.graph.darts.sample_neighbours`).
* :func:`flatness_correlation` / :func:`flatness_tiers`: accuracy vs neighbourhood flatness
  (mean ``|Δacc|``) with bootstrap CIs, as rank correlations and as accuracy tiers
  (``n_bins=3``: the C/B/A-style bottom, middle and top thirds).
* :func:`darts_path_barriers` / :func:`darts_pair_barriers`: barriers of the ``d!`` monotone
  paths between genotypes at distance ``d``, with :mod:`~landscape.geometry.barriers`'
  convention ``½(acc_a + acc_b) − min`` intermediate accuracy (0 when ``d <= 1``).
  The two edges of each node of ``b`` are first paired with those of ``a`` as
  :func:`~landscape.graph.darts.hamming_distance` pairs them (the direct pairing on a tie);
  the ``d`` differing (op or input) choices are then set to ``b``'s one at a time.  An order
  that passes through a node reading one state twice is not a genotype: that path is
  *invalid* (barrier NaN) and left out of the per-pair summaries.
* :func:`darts_space_summary`: all of it for random genotypes plus DARTS_V2 / DARTS_V1 / PC_DARTS.

Examples
--------
>>> from landscape.oracles import NB301Surrogate
>>> frames = darts_space_summary(NB301Surrogate(), n_genotypes=20, random_state=0)   # the report uses 200
>>> list(frames)
['genotypes', 'neighbourhoods', 'by_radius', 'flatness_correlation', 'flatness_tiers', 'barriers', 'barrier_summary']
>>> frames["by_radius"]["radius"].tolist()
[1, 2, 3]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import permutations
from math import factorial
from typing import Any

import numpy as np
import pandas as pd

from ..graph.darts import hamming_distance, sample_neighbours
from ..spaces.darts import (DARTS_V1, DARTS_V2, N_EDGES, PC_DARTS, codes_to_genotype, codes_to_key, format_genotype,
                            genotype_batch, genotype_to_codes, random_genotype)
from ..validation import check_fraction, check_int, check_random_state, check_values
from .neighbourhood import STATISTICS, flatness_by_decile, table_stats
from .ranking import bootstrap_counts, rank_agreement

__all__ = [
    "Oracle",
    "REFERENCES",
    "sample_neighbourhoods",
    "darts_neighbourhood_stats",
    "flatness_correlation",
    "flatness_tiers",
    "darts_path_barriers",
    "darts_pair_barriers",
    "darts_space_summary",
]

#: An accuracy oracle: genotype codes ``(n, 2, 8, 2)`` -> ``n`` accuracies.
Oracle = Callable[[np.ndarray], Any]
#: Named reference genotypes added by :func:`darts_space_summary`.
REFERENCES = {"DARTS_V2": DARTS_V2, "DARTS_V1": DARTS_V1, "PC_DARTS": PC_DARTS}
_FIELDS = 2 * N_EDGES * 2  # (cell, edge, op/input) choices of a genotype


def _radii(radius: int | Iterable[int]) -> list[int]:
    radii = [radius] if isinstance(radius, (int, np.integer)) else list(radius)
    if not radii:
        raise ValueError("radius is empty; pass a radius or a list of radii, e.g. (1, 2, 3)")
    return [check_int(r, "radius", 1, _FIELDS) for r in radii]


def _evaluate(oracle: Oracle, codes: np.ndarray) -> np.ndarray:
    """One oracle call; the answer checked to be ``len(codes)`` finite numbers."""
    if not callable(oracle):
        raise ValueError(f"oracle must be a callable genotype codes -> accuracies, got {type(oracle).__name__}")
    return check_values(np.asarray(oracle(codes), dtype=np.float64).reshape(-1), "oracle output", len(codes))


def sample_neighbourhoods(genotypes: Any, radius: int | Iterable[int] = (1, 2, 3), n_neighbours: int = 30,
                          random_state=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n_neighbours`` distinct genotypes at distance exactly ``r`` from each genotype, for each radius.

    Returns
    -------
    ``(centre, radius, codes)``: centre position and radius per sampled genotype, and their
    canonical codes ``(m, 2, 8, 2)``; centre-major, then radius, then sample order.  Seeded
    calls are deterministic (one generator drawn in that order).
    """
    centres = genotype_batch(genotypes)
    radii = _radii(radius)
    n = check_int(n_neighbours, "n_neighbours", 1)
    rng = check_random_state(random_state)
    codes = [genotype_to_codes(sample_neighbours(g, r, n, rng)) for g in codes_to_genotype(centres) for r in radii]
    centre = np.repeat(np.arange(len(centres)), len(radii) * n)
    return centre, np.tile(np.repeat(radii, n), len(centres)), np.concatenate(codes)


def darts_neighbourhood_stats(oracle: Oracle, genotypes: Any, radius: int | Iterable[int] = (1, 2, 3), *,
                              n_neighbours: int = 30, random_state=None) -> pd.DataFrame:
    """Statistics of the oracle's accuracy over sampled radius-``r`` neighbourhoods of each genotype.

    One oracle call for the centres and all ``len(genotypes) · len(radius) · n_neighbours`` neighbours.

    Returns
    -------
    DataFrame, one row per (radius, genotype): ``arch`` (position in ``genotypes``), ``genotype``
    (canonical string), ``radius``, ``value`` (the centre's accuracy), then
    :data:`~landscape.geometry.STATISTICS` (``n, mean, std, q10, q50, q90, mean_abs_delta,
    frac_better``) over the sampled neighbours, as :func:`~landscape.geometry.neighbourhood_stats`.
    """
    centres = genotype_batch(genotypes)
    radii = _radii(radius)
    n = check_int(n_neighbours, "n_neighbours", 1)
    _, _, nbr = sample_neighbourhoods(centres, radii, n, random_state)
    values = _evaluate(oracle, np.concatenate([centres, nbr]))
    k, names = len(centres), format_genotype(centres).reshape(-1).astype(object)
    parts = []
    for i, r in enumerate(radii):
        table = k + (np.arange(k)[:, None] * len(radii) + i) * n + np.arange(n)[None, :]
        cols = table_stats(values, table, np.arange(k))
        parts.append(pd.DataFrame({"arch": np.arange(k), "genotype": names, "radius": r, "value": values[:k],
                                   **{s: cols[s] for s in STATISTICS}}))
    return pd.concat(parts, ignore_index=True)


def _check_stats(stats: pd.DataFrame) -> pd.DataFrame:
    need = {"radius", "value", "mean_abs_delta"}
    if not isinstance(stats, pd.DataFrame) or not need <= set(stats.columns):
        raise ValueError(f"stats must be a DataFrame of darts_neighbourhood_stats (columns {sorted(need)} at least), "
                         f"got {type(stats).__name__}")
    return stats


def flatness_correlation(stats: pd.DataFrame, *, n_boot: int = 1000, ci: float = 0.95,
                         random_state=None) -> pd.DataFrame:
    """Rank correlation of accuracy with neighbourhood flatness (mean ``|Δacc|``) per radius, with bootstrap CIs.

    :func:`~landscape.geometry.rank_agreement` of ``value`` against ``mean_abs_delta`` over the
    genotypes of ``stats``; a negative τ means better genotypes sit in flatter neighbourhoods.
    Each radius draws from its own child generator of ``random_state``.

    Returns
    -------
    DataFrame ``radius, measure, estimate, ci_low, ci_high, n, n_boot`` (Kendall τ-b, Spearman ρ, weighted τ).
    """
    return _per_radius(stats, random_state, lambda acc, flat, seed: rank_agreement(
        acc, flat, k=(), n_boot=n_boot, ci=ci, random_state=seed, n_boot_weighted=200))


def flatness_tiers(stats: pd.DataFrame, *, n_bins: int = 3, n_boot: int = 1000, ci: float = 0.95,
                   random_state=None) -> pd.DataFrame:
    """Mean flatness per accuracy tier and radius with bootstrap CIs (:func:`~landscape.geometry.flatness_by_decile`).

    ``n_bins=3`` gives A²M-style tiers: bin 3 the top third of accuracies (A), 1 the bottom (C).

    Returns
    -------
    DataFrame ``radius`` + the columns of :func:`~landscape.geometry.flatness_by_decile`.
    """
    return _per_radius(stats, random_state, lambda acc, flat, seed: flatness_by_decile(
        acc, flat, n_bins=n_bins, n_boot=n_boot, ci=ci, random_state=seed))


def _per_radius(stats: pd.DataFrame, random_state, analysis) -> pd.DataFrame:
    """``analysis(accuracy, mean_abs_delta, seed)`` per radius of ``stats``, each radius with its own child
    generator of ``random_state``; the frames stacked with a leading ``radius`` column."""
    stats = _check_stats(stats)
    radii = sorted(stats.radius.unique())
    seeds = check_random_state(random_state).spawn(len(radii))
    parts = []
    for r, seed in zip(radii, seeds):
        rows = stats[stats.radius == r]
        parts.append(analysis(rows.value.to_numpy(), rows.mean_abs_delta.to_numpy(), seed).assign(radius=r))
    out = pd.concat(parts, ignore_index=True)
    return out[["radius", *out.columns[:-1]]]


# -- monotone paths -----------------------------------------------------------------------------
def _aligned(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``b`` with each node's two edges ordered to match ``a``'s as :func:`hamming_distance` pairs them."""
    an, bn = a.reshape(a.shape[:-2] + (4, 2, 2)), b.reshape(b.shape[:-2] + (4, 2, 2))
    direct = (an != bn).sum(axis=(-1, -2))
    crossed = (an != bn[..., ::-1, :]).sum(axis=(-1, -2))
    return np.where((crossed < direct)[..., None, None], bn[..., ::-1, :], bn).reshape(b.shape)


def _label(position: int) -> str:
    """Name of a choice: ``n3.op`` is the op of edge 3 of the normal cell, ``r5.in`` the input of reduce edge 5."""
    cell, rest = divmod(position, 2 * N_EDGES)
    return f"{'nr'[cell]}{rest // 2}.{('op', 'in')[rest % 2]}"


def _pair_batches(a: Any, b: Any, max_distance: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = genotype_batch(a), genotype_batch(b)
    if len(a) != len(b):
        if 1 not in (len(a), len(b)):
            raise ValueError(f"a and b must have the same length (or one of them length 1), got {len(a)} and {len(b)}")
        a, b = (np.array(x) for x in np.broadcast_arrays(a, b))
    dist = np.asarray(hamming_distance(a, b)).reshape(-1)
    limit = check_int(max_distance, "max_distance", 0, 8)
    if dist.size and dist.max() > limit:
        bad = int(np.argmax(dist > limit))
        raise ValueError(f"pair {bad} is at distance {dist[bad]}, above max_distance={limit} "
                         f"({factorial(int(dist[bad])):,} monotone paths); raise max_distance (at most 8) or pick "
                         f"closer pairs")
    return a, _aligned(a, b), dist


def _path_barriers(oracle: Oracle, a: Any, b: Any, max_distance: int) -> tuple[list, np.ndarray, np.ndarray]:
    """Per distance group: ``(d, rows, barriers (m, d!), valid (m, d!), orders (m, d!, d))``; values of a and b."""
    a, b, dist = _pair_batches(a, b, max_distance)
    fa, fb = a.reshape(len(a), _FIELDS), b.reshape(len(b), _FIELDS)
    groups, pending = [], [a, b]
    for d in np.unique(dist).tolist():
        rows = np.flatnonzero(dist == d)
        pos = np.nonzero(fa[rows] != fb[rows])[1].reshape(len(rows), d)
        perms = np.array(list(permutations(range(d))), dtype=np.int64).reshape(factorial(d), d)
        orders = pos[:, perms]  # (m, d!, d) choices in the order they change
        if d <= 1:
            groups.append((d, rows, np.zeros((len(rows), 1)), np.ones((len(rows), 1), bool), orders, None))
            continue
        step = np.argsort(perms, axis=1)  # step at which each of the d choices changes, per order
        moved = step[:, None, :] < np.arange(1, d)[None, :, None]  # (d!, d-1, d): changed after k steps
        inter = np.broadcast_to(fa[rows][:, None, None, :], (len(rows), len(perms), d - 1, _FIELDS)).copy()
        where = np.broadcast_to(pos[:, None, None, :], inter.shape[:-1] + (d,))
        new = np.where(moved[None], np.take_along_axis(fb[rows], pos, 1)[:, None, None, :],
                       np.take_along_axis(fa[rows], pos, 1)[:, None, None, :])
        np.put_along_axis(inter, where, new, axis=-1)
        inter = inter.reshape(inter.shape[:-1] + (2, N_EDGES, 2))
        ok = (inter[..., 0::2, 1] != inter[..., 1::2, 1]).all(axis=(-1, -2))  # (m, d!, d-1) genotypes?
        groups.append((d, rows, None, ok.all(axis=2), orders, inter))
        pending.append(inter[ok])
    codes = np.concatenate(pending)
    keys, first, inverse = np.unique(codes_to_key(codes), return_index=True, return_inverse=True)
    values = _evaluate(oracle, codes[first])[inverse.reshape(-1)]
    va, vb = values[:len(a)], values[len(a):2 * len(a)]
    offset, out = 2 * len(a), []
    for d, rows, bar, valid, orders, inter in groups:
        if inter is not None:
            ok = (inter[..., 0::2, 1] != inter[..., 1::2, 1]).all(axis=(-1, -2))
            v = np.full(ok.shape, np.nan)
            v[ok] = values[offset:offset + ok.sum()]
            offset += int(ok.sum())
            bar = np.where(valid, 0.5 * (va[rows] + vb[rows])[:, None] - v.min(axis=2), np.nan)
        out.append((d, rows, bar, valid, orders))
    return out, va, vb


def darts_path_barriers(oracle: Oracle, a: Any, b: Any, *, max_distance: int = 6) -> pd.DataFrame:
    """Barrier of every monotone path between each pair ``(a[i], b[i])`` of genotypes (one oracle call).

    Parameters
    ----------
    oracle : genotype codes -> accuracies.
    a, b : genotype batches (codes, genotypes or strings) of the same length, or one of length 1.
    max_distance : largest pair distance allowed (``d!`` paths each; at most 8).

    Returns
    -------
    Long DataFrame ``pair, distance, path, order, valid, barrier``: one row per (pair, order);
    ``order`` lists the changed choices in order (``n3.op``: op of normal edge 3, ``r5.in``:
    input of reduce edge 5, edges numbered as in ``a``); one row with barrier 0 when ``d <= 1``.
    """
    groups = _path_barriers(oracle, a, b, max_distance)[0]
    parts = []
    for d, rows, bar, valid, orders in groups:
        n_paths = bar.shape[1]
        flat = orders.reshape(-1, d)
        labels = np.array([",".join(_label(p) for p in o) for o in flat.tolist()], dtype=object)
        parts.append(pd.DataFrame({"pair": np.repeat(rows, n_paths), "distance": d,
                                   "path": np.tile(np.arange(n_paths), len(rows)), "order": labels,
                                   "valid": valid.ravel(), "barrier": bar.ravel()}))
    return pd.concat(parts).sort_values(["pair", "path"], ignore_index=True)


def darts_pair_barriers(oracle: Oracle, a: Any, b: Any, *, max_distance: int = 6) -> pd.DataFrame:
    """Per pair, the barriers over its valid monotone paths (see :func:`darts_path_barriers`).

    Returns
    -------
    DataFrame ``pair, distance, acc_a, acc_b, n_paths, n_valid, best, mean, median, worst``
    (``best`` = lowest barrier over the valid paths), one row per pair in input order.
    """
    groups, va, vb = _path_barriers(oracle, a, b, max_distance)
    n = len(va)
    cols = {k: np.zeros(n) for k in ("distance", "n_paths", "n_valid", "best", "mean", "median", "worst")}
    for d, rows, bar, valid, _ in groups:
        cols["distance"][rows], cols["n_paths"][rows], cols["n_valid"][rows] = d, bar.shape[1], valid.sum(axis=1)
        with np.errstate(all="ignore"):
            for name, f in (("best", np.nanmin), ("mean", np.nanmean), ("median", np.nanmedian),
                            ("worst", np.nanmax)):
                cols[name][rows] = f(bar, axis=1) if valid.any(axis=1).all() else [
                    f(row[ok]) if ok.any() else np.nan for row, ok in zip(bar, valid)]
    return pd.DataFrame({"pair": np.arange(n), "distance": cols["distance"].astype(np.int64), "acc_a": va,
                         "acc_b": vb, "n_paths": cols["n_paths"].astype(np.int64),
                         "n_valid": cols["n_valid"].astype(np.int64),
                         **{k: cols[k] for k in ("best", "mean", "median", "worst")}})


# -- summary ------------------------------------------------------------------------------------
def _mean_ci(x: np.ndarray, n_boot: int, ci: float, rng: np.random.Generator) -> tuple[float, float, float]:
    """Mean of ``x`` and its percentile-bootstrap CI (all resamples in one matrix product)."""
    means = bootstrap_counts(len(x), n_boot, rng) @ x / len(x)
    low, high = np.quantile(means, [(1 - ci) / 2, (1 + ci) / 2])
    return float(x.mean()), float(low), float(high)


def darts_space_summary(oracle: Oracle, n_genotypes: int = 200, random_state=0, *,
                        radius: int | Iterable[int] = (1, 2, 3), n_neighbours: int = 30, barrier_distance: int = 3,
                        n_boot: int = 1000, ci: float = 0.95, references: bool = True) -> dict[str, pd.DataFrame]:
    """Neighbourhoods, flatness and barriers of ``n_genotypes`` uniform random genotypes (plus
    :data:`REFERENCES` when ``references``), as tidy frames for the report.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``genotypes``: ``arch, name, genotype, accuracy, percentile`` (fraction of the random genotypes below it);
        ``neighbourhoods``: :func:`darts_neighbourhood_stats` (random and reference centres); ``by_radius``: per
        radius over the random centres, ``mean_abs_delta`` (mean and CI), mean ``std`` and ``frac_better``;
        ``flatness_correlation`` / ``flatness_tiers``: :func:`flatness_correlation` / :func:`flatness_tiers` (3
        tiers) over the random centres; ``barriers``: :func:`darts_pair_barriers` of each genotype with one
        genotype sampled at distance ``barrier_distance`` (``a`` = the genotype, plus its ``name``);
        ``barrier_summary``: per pair set (random / each reference), mean best / mean / worst barrier, a CI for
        the mean of the per-pair mean barrier, and ``frac_positive_best`` (pairs whose every valid monotone path
        dips below the endpoints' mean).
    """
    n_genotypes = check_int(n_genotypes, "n_genotypes", 2)
    d = check_int(barrier_distance, "barrier_distance", 1, 6)
    n_boot, ci = check_int(n_boot, "n_boot", 1), check_fraction(ci, "ci")
    rng_g, rng_n, rng_p, rng_b = check_random_state(random_state).spawn(4)
    refs = REFERENCES if references else {}
    genotypes = [random_genotype(rng_g) for _ in range(n_genotypes)] + list(refs.values())
    names = np.array(["random"] * n_genotypes + list(refs), dtype=object)
    codes = genotype_batch(genotypes)
    stats = darts_neighbourhood_stats(oracle, codes, radius, n_neighbours=n_neighbours, random_state=rng_n)
    stats.insert(1, "name", names[stats.arch.to_numpy()])
    acc = stats.value.to_numpy()[:len(codes)]
    rand = acc[:n_genotypes]
    table = pd.DataFrame({"arch": np.arange(len(codes)), "name": names, "genotype": stats.genotype[:len(codes)],
                          "accuracy": acc, "percentile": (rand[None, :] < acc[:, None]).mean(axis=1)})
    random_stats = stats[stats.name == "random"]
    seeds = rng_b.spawn(4)
    partners = genotype_to_codes([sample_neighbours(g, d, 1, rng_p)[0] for g in codes_to_genotype(codes)])
    bars = darts_pair_barriers(oracle, codes, partners)
    bars.insert(1, "name", names)
    return {
        "genotypes": table,
        "neighbourhoods": stats,
        "by_radius": _by_radius(random_stats, n_boot, ci, seeds[0]),
        "flatness_correlation": flatness_correlation(random_stats, n_boot=n_boot, ci=ci, random_state=seeds[2]),
        "flatness_tiers": flatness_tiers(random_stats, n_boot=n_boot, ci=ci, random_state=seeds[3]),
        "barriers": bars,
        "barrier_summary": _barrier_summary(bars, list(refs), d, n_boot, ci, seeds[1]),
    }


def _by_radius(random_stats: pd.DataFrame, n_boot: int, ci: float, seed) -> pd.DataFrame:
    """Per radius over the random centres: mean |Δ| with a bootstrap CI, mean std and share of better neighbours."""
    rows_out = []
    for r, rows in random_stats.groupby("radius"):
        mean, low, high = _mean_ci(rows.mean_abs_delta.to_numpy(), n_boot, ci, seed)
        rows_out.append({"radius": r, "n_centres": len(rows), "n_neighbours": int(rows.n.iloc[0]),
                         "mean_abs_delta": mean, "ci_low": low, "ci_high": high, "mean_std": rows["std"].mean(),
                         "mean_frac_better": rows.frac_better.mean()})
    return pd.DataFrame(rows_out)


def _barrier_summary(bars: pd.DataFrame, refs: list[str], d: int, n_boot: int, ci: float, seed) -> pd.DataFrame:
    """Per pair set (random, each reference): mean best / mean / worst barrier, a CI for the mean barrier and the
    share of pairs whose every valid path dips below the endpoints' mean."""
    summary = []
    for name, rows in [("random", bars[bars.name == "random"])] + [(k, bars[bars.name == k]) for k in refs]:
        mean_bar = rows["mean"].to_numpy()
        mean, low, high = _mean_ci(mean_bar, n_boot, ci, seed) if len(rows) > 1 else (mean_bar[0], np.nan, np.nan)
        summary.append({"pairs": name, "distance": d, "n_pairs": len(rows), "n_paths": int(rows.n_paths.iloc[0]),
                        "frac_valid_paths": rows.n_valid.sum() / rows.n_paths.sum(),
                        "mean_best": rows.best.mean(), "mean_mean": mean, "ci_low": low, "ci_high": high,
                        "mean_worst": rows.worst.mean(), "frac_positive_best": float((rows.best > 0).mean())})
    return pd.DataFrame(summary)
