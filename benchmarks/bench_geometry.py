"""Geometry benchmarks: radius-3 neighbourhood statistics, minimax barriers among the top 1 %, bootstrap τ-b.

Each baseline is timed on a subset and extrapolated linearly (it is a loop of independent
queries); the note of each entry says how.  Equal numbers are checked on the subset first.
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import scipy.sparse as sp
import scipy.stats
from common import timed
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

from landscape.bench.store import Store
from landscape.geometry import (autocorrelation, bootstrap_counts, fitness_distance_correlation, kendall_tau,
                                local_optima, minimax_barriers, neighbourhood_stats)
from landscape.graph import as_graph, edge_list, neighbour_table
from landscape.spaces.nb201 import N_ARCHS, N_EDGES, N_OPS

N_LOOP_QUERIES = 64  # per-query baseline: archs timed, then extrapolated to 15,625
N_SCIPY_RESAMPLES = 20  # scipy.stats.kendalltau loop: resamples timed, then extrapolated to 1,000
N_BOOT = 1000


def _per_query_stats(arch: int, codes: list[tuple], acc_of: dict, acc: np.ndarray, radius: int) -> list[float]:
    """One query the way per-query tools do it (A²M's ``neighbors_by_radius``): scan all 5**6 op
    tuples, keep those at Hamming distance ``radius``, look each up (here in a dict), then NumPy."""
    centre = codes[arch]
    cells = [c for c in product(range(N_OPS), repeat=N_EDGES) if sum(x != y for x, y in zip(centre, c)) == radius]
    vals = np.array([acc_of[c] for c in cells])
    return [len(vals), vals.mean(), vals.std(), *np.quantile(vals, [0.1, 0.5, 0.9]),
            np.abs(vals - acc[arch]).mean(), (vals > acc[arch]).mean()]


_R3_COLUMNS = ["n", "mean", "std", "q10", "q50", "q90", "mean_abs_delta", "frac_better"]


def _sphere3_numpy(acc: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The strongest straightforward approach: every cell's radius-3 sphere as one (15625, 1280) index array built
    with vectorised base-5 key arithmetic (20 edge triples × 64 substitutions), then the statistics along rows."""
    c = codes.astype(np.int64)
    places = N_OPS ** np.arange(N_EDGES)
    keys = c @ places
    position = np.empty(N_OPS ** N_EDGES, np.int64)
    position[keys] = np.arange(len(c))
    cols = []
    for edges in combinations(range(N_EDGES), 3):
        for shifts in product(range(1, N_OPS), repeat=3):
            k = keys.copy()
            for e, sft in zip(edges, shifts):
                k += (((c[:, e] + sft) % N_OPS) - c[:, e]) * places[e]
            cols.append(k)
    vals = acc[position[np.stack(cols, axis=1)]]
    q = np.quantile(vals, [0.1, 0.5, 0.9], axis=1)
    return np.column_stack([np.full(len(c), vals.shape[1]), vals.mean(1), vals.std(1), *q,
                            np.abs(vals - acc[:, None]).mean(1), (vals > acc[:, None]).mean(1)])


def bench_neighbourhood_r3(store: Store) -> dict:
    """Eight statistics of the 1,280-cell radius-3 sphere of all 15,625 cells, ours vs vectorised NumPy."""
    acc = store.array("cifar10", split="test", epochs=200)
    ours, t_ours = timed(lambda: neighbourhood_stats(acc, store.index, 3), repeat=3)
    base, t_base = timed(lambda: _sphere3_numpy(acc, store.index.codes), repeat=3)
    assert np.allclose(ours[_R3_COLUMNS].to_numpy(), base, rtol=0, atol=1e-9)
    return {"name": "neighbourhood_r3", "ours_s": t_ours, "baseline_s": t_base, "target_ratio": 1,
            "baseline_kind": "vectorised NumPy: the whole (15625, 1280) sphere array, statistics along rows",
            "note": "mean/std/q10/q50/q90/mean|Δ|/frac-better over the radius-3 sphere (1,280 cells) of all 15,625 "
                    "cells, ours (chunked hamming_sphere + NumPy) vs the sphere built in one array; same numbers"}


def bench_neighbourhood_r3_a2m(store: Store) -> dict:
    """The same statistics against the field's own per-query tool (A²M's ``neighbors_by_radius``)."""
    acc = store.array("cifar10", split="test", epochs=200)
    codes = [tuple(c) for c in store.index.codes.tolist()]
    acc_of = dict(zip(codes, acc.tolist()))
    subset = np.linspace(0, N_ARCHS - 1, N_LOOP_QUERIES).astype(int)
    ours, t_ours = timed(lambda: neighbourhood_stats(acc, store.index, 3), repeat=3)
    loop, t_loop = timed(lambda: [_per_query_stats(i, codes, acc_of, acc, 3) for i in subset], repeat=1, warmup=0)
    assert np.allclose(ours.iloc[subset][_R3_COLUMNS].to_numpy(), np.array(loop), rtol=0, atol=1e-9)
    t_base = t_loop * N_ARCHS / N_LOOP_QUERIES
    return {"name": "neighbourhood_r3_a2m", "ours_s": t_ours, "baseline_s": t_base, "target_ratio": 1000,
            "baseline_kind": "A²M's per-query scan (the field's own tool)",
            "note": f"the radius-3 statistics of all 15,625 cells vs a per-query loop as A²M's tool does it "
                    f"(itertools.product scan of 5^6 tuples per query, dict lookup per neighbour instead of A²M's "
                    f"linear archive scan, NumPy stats): timed on {N_LOOP_QUERIES} queries and extrapolated "
                    f"×{N_ARCHS / N_LOOP_QUERIES:.1f}; same numbers on those queries"}


def _minimax_by_source_mst(v: np.ndarray, edges: np.ndarray, nbrs: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The strongest straightforward approach: per source ``a``, raise ``a`` to ``+inf``, take a maximum spanning
    tree of the whole graph under edge weight ``min(v_x, v_y)`` (scipy's ``minimum_spanning_tree`` on
    ``101 − weight``), walk it breadth-first from ``a`` keeping the smallest value met, and take the best of
    ``b``'s neighbours (the last intermediate).  ``M[i, j]`` as ``minimax_barriers``' bottleneck (non-adjacent pairs)."""
    n = len(v)
    out = np.empty((len(nodes), len(nodes)))
    for i, a in enumerate(nodes):
        w = v.copy()
        w[a] = np.inf
        cost = 101.0 - np.minimum(np.minimum(w[edges[:, 0]], w[edges[:, 1]]), 100.0)
        tree = minimum_spanning_tree(sp.csr_matrix((cost, (edges[:, 0], edges[:, 1])), shape=(n, n)))
        order, pred = breadth_first_order(tree, a, directed=False)
        best, pred_list, w_list = [-np.inf] * n, pred.tolist(), w.tolist()
        best[a] = np.inf
        for x in order[1:].tolist():
            best[x] = min(best[pred_list[x]], w_list[x])
        out[i] = np.append(best, -np.inf)[nbrs[nodes]].max(axis=1)
    return out


def bench_minimax_top1pct(store: Store) -> dict:
    """All-pairs minimax barriers among the 157 best cells (12,246 pairs) through the whole neighbour graph."""
    acc = store.array("cifar10", split="test", epochs=200)
    nbrs = neighbour_table(store.index)
    edges = edge_list(nbrs)
    top = np.argsort(acc, kind="stable")[-157:]
    times = {"ours": [], "base": []}
    for _ in range(2):  # interleaved rounds, so that a busy machine slows both alike
        ours, t = timed(lambda: minimax_barriers(acc, edges, top), repeat=3)
        times["ours"].append(t)
        base, t = timed(lambda: _minimax_by_source_mst(acc, edges, nbrs, top), repeat=1, warmup=0)
        times["base"].append(t)
    where = np.full(len(acc), -1)
    where[top] = np.arange(len(top))
    want = base[where[ours.a], where[ours.b]]
    far = ~ours.adjacent.to_numpy()
    assert np.allclose(ours.bottleneck.to_numpy()[far], want[far], rtol=0, atol=1e-9)
    t_ours, t_base = float(np.median(times["ours"])), float(np.median(times["base"]))
    return {"name": "minimax_top1pct", "ours_s": t_ours, "baseline_s": t_base, "target_s": 1.0,
            "baseline_kind": "scipy per source: maximum spanning tree of the whole graph with the source raised, "
                             "breadth-first path minima",
            "note": "exact minimax (bottleneck over intermediates) barriers between all 12,246 pairs of the top 1 % "
                    "(157 cells) of cifar10 test-200 through the 187,500-edge graph: ours builds one maximum spanning "
                    "tree, prunes it to the subtree joining the 157 cells and their neighbours, then per source adds "
                    "the source's 24 edges to that subtree (scipy MST + BFS + pointer jumping); the baseline builds a "
                    "maximum spanning tree of the whole graph per source (source at +inf) and walks it breadth-first; "
                    "all 157 sources on both sides, same bottlenecks on every non-adjacent pair; 2 interleaved rounds, "
                    "medians"}


def bench_tau_bootstrap(store: Store) -> dict:
    """Kendall τ-b of 12-epoch valid vs 200-epoch test accuracy (cifar10) on 1,000 bootstrap resamples."""
    x = store.array("cifar10", split="valid", epochs=12)
    y = store.array("cifar10", split="test", epochs=200)
    rng = np.random.default_rng(0)  # the draws of bootstrap_counts(N_ARCHS, N_BOOT, 0), drawn once for both sides
    draws = [rng.integers(0, N_ARCHS, N_ARCHS) for _ in range(N_BOOT)]

    def ours(n_jobs: int) -> np.ndarray:
        counts = np.empty((N_BOOT, N_ARCHS), np.int32)
        for r, idx in enumerate(draws):
            counts[r] = np.bincount(idx, minlength=N_ARCHS)
        return kendall_tau(x, y, counts, n_jobs=n_jobs)

    tau, t_ours = timed(lambda: ours(1), repeat=3)
    _, t_two = timed(lambda: ours(2), repeat=3)
    base, t_part = timed(lambda: [scipy.stats.kendalltau(x[i], y[i]).statistic for i in draws[:N_SCIPY_RESAMPLES]],
                         repeat=3)
    assert np.array_equal(bootstrap_counts(N_ARCHS, 1, 0)[0], np.bincount(draws[0], minlength=N_ARCHS))
    assert np.allclose(tau[:N_SCIPY_RESAMPLES], base, rtol=0, atol=1e-12)
    t_base = t_part * N_BOOT / N_SCIPY_RESAMPLES
    return {"name": "tau_bootstrap", "ours_s": t_ours, "baseline_s": t_base, "target_ratio": 3,
            "baseline_kind": "a loop of scipy.stats.kendalltau over the resamples",
            "note": f"τ-b with ties, n = 15,625, {N_BOOT} bootstrap resamples (the same pre-drawn resamples on both "
                    f"sides; ours counts them, builds the merge plan and runs the batched merge-level cumulative sums "
                    f"on one thread; {t_two:.3f} s with n_jobs=2) vs a loop of scipy.stats.kendalltau over the "
                    f"resampled arrays: timed on {N_SCIPY_RESAMPLES} resamples and extrapolated "
                    f"×{N_BOOT / N_SCIPY_RESAMPLES:.0f}; equal to 1e-12 on those"}


def _plain_landscape_stats(acc: np.ndarray, nbrs: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The strongest straightforward approach: plain NumPy on the (n, 24) neighbour table — strict optima,
    FDC by breadth-first frontiers from the global optima, and the stationary lag-1 autocorrelation of a
    regular graph (mean of f̃_i times the mean of f̃ over i's neighbours)."""
    optima = np.flatnonzero(acc > acc[nbrs].max(axis=1))
    dist = np.full(len(acc), -1)
    frontier = np.flatnonzero(acc == acc.max())
    dist[frontier], d = 0, 0
    while frontier.size:
        d += 1
        frontier = np.unique(nbrs[frontier].ravel())
        frontier = frontier[dist[frontier] < 0]
        dist[frontier] = d
    fdc = float(np.corrcoef(acc, dist)[0, 1])
    f = acc - acc.mean()
    return optima, fdc, float((f * f[nbrs].mean(axis=1)).mean() / (f * f).mean())


def bench_landscape_stats(store: Store) -> dict:
    """Strict local optima + FDC + lag-1 autocorrelation of CIFAR-10 200-epoch accuracy, ours vs plain NumPy."""
    acc = store.array("cifar10", split="test", epochs=200)
    g = as_graph(store.index)
    nbrs = neighbour_table(store.index)
    _ = g.adjacency  # both sides start from their structure built

    def ours():
        return (local_optima(acc, g, atol=0), fitness_distance_correlation(acc, g, atol=0),
                float(autocorrelation(acc, g, max_lag=1)["rho"].iloc[0]))

    times = {"ours": [], "base": []}
    for _ in range(5):  # interleaved rounds, so that a busy machine slows both alike
        (o, f, r), t = timed(ours, repeat=3)
        times["ours"].append(t)
        (bo, bf, br), t = timed(lambda: _plain_landscape_stats(acc, nbrs), repeat=3)
        times["base"].append(t)
    assert np.array_equal(o, bo) and abs(f - bf) < 1e-12 and abs(r - br) < 1e-12
    t_ours, t_base = float(np.median(times["ours"])), float(np.median(times["base"]))
    return {"name": "landscape_stats", "ours_s": t_ours, "baseline_s": t_base, "target_ratio": 0.5,
            "baseline_kind": "plain NumPy on the (15625, 24) neighbour table (20 lines)",
            "note": f"strict local optima ({o.size}), FDC ({f:.4f}) and exact lag-1 autocorrelation ({r:.4f}) of "
                    "CIFAR-10 200-epoch accuracy on the SpaceGraph (its adjacency built once) vs plain NumPy on the "
                    "neighbour table; identical numbers; 5 interleaved rounds, medians; target: at least half the "
                    "baseline's speed"}


BENCHMARKS = [bench_neighbourhood_r3, bench_neighbourhood_r3_a2m, bench_minimax_top1pct, bench_tau_bootstrap, bench_landscape_stats]
