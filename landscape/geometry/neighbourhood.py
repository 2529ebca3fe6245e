"""Statistics of a metric over radius-r neighbourhoods, neighbourhood flatness and the A²M case study.

The radius-``r`` *sphere* of a cell holds the cells at distance exactly ``r`` (Hamming
distance over op codes on NB201: 24, 240, 1,280 cells for r = 1, 2, 3); the *ball* holds
those at distance ``1..r`` (the centre excluded).  The default is the sphere, as in the
neighbourhood study of A²M (architecture-aware minimization; its released code,
``neighbors_by_radius``, keeps the cells at Hamming distance exactly ``r``).

A *graph* is anything :func:`landscape.graph.as_graph` accepts: an NB201
:class:`~landscape.spaces.nb201.ArchIndex` (spheres from :func:`landscape.graph.hamming_sphere`,
vectorised), an ``(m, 2)`` edge array on nodes ``0..n-1`` or a ``networkx.Graph`` (any small graph:
spheres by breadth-first distance; rows of unequal size are padded with ``-1``).

Examples
--------
>>> stats = neighbourhood_stats(acc, store.index, radius=(1, 2, 3))
>>> stats.shape                                          # one row per (cell, radius)
(46875, 11)
>>> flat = neighbourhood_flatness(acc, store.index)      # mean |Δacc| at r = 1
>>> round(float(flat.mean()), 2)
4.12
>>> deciles = flatness_by_decile(acc, flat, random_state=0)
>>> deciles["flatness_mean"].round(1).tolist()[:2]       # the least accurate tenth is the least flat
[16.1, 6.2]
>>> abc = abc_neighbours({d: store.array(d, split="test", epochs=200) for d in ABC_INTERVALS}, store.index)
>>> abc.groupby(["dataset", "model", "radius"], observed=True)["accuracy"].mean().round(2).head(3)
dataset  model  radius
cifar10  A      1         92.09
                2         91.00
                3         89.68
Name: accuracy, dtype: float64
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import shortest_path

from ..graph import SpaceGraph, as_graph, hamming_sphere
from ..spaces.nb201 import ArchIndex
from ..validation import check_choice, check_fraction, check_int, check_random_state, check_values
from ._common import check_nodes, check_radius, graph_and_values

__all__ = [
    "STATISTICS",
    "ABC_INTERVALS",
    "neighbourhood",
    "neighbourhood_stats",
    "table_stats",
    "neighbourhood_flatness",
    "flatness_by_decile",
    "abc_neighbours",
    "abc_summary",
]

#: Columns of :func:`neighbourhood_stats` after ``arch, radius, value``.
STATISTICS = ("n", "mean", "std", "q10", "q50", "q90", "mean_abs_delta", "frac_better")
_QUANTILES = (0.1, 0.5, 0.9)
_SHAPES = ("sphere", "ball")

#: A²M's models A/B/C: closed 200-epoch test-accuracy intervals (%) per dataset.
ABC_INTERVALS: dict[str, dict[str, tuple[float, float]]] = {
    "cifar10": {"A": (92.3, 93.7), "B": (84.3, 85.7), "C": (74.3, 75.7)},
    "cifar100": {"A": (69.3, 70.7), "B": (64.3, 65.7), "C": (54.3, 55.7)},
    "ImageNet16-120": {"A": (45.9, 47.3), "B": (34.3, 35.7), "C": (24.3, 25.7)},
}


def _table(g: SpaceGraph, radius: int, nodes: np.ndarray, shape: str) -> np.ndarray:
    """Neighbourhood table of checked arguments (see :func:`neighbourhood`)."""
    radii = range(1, radius + 1) if shape == "ball" else (radius,)
    if g.index is not None:
        return np.concatenate([hamming_sphere(g.index, r, nodes) for r in radii], axis=1)
    dist = shortest_path(g.adjacency, method="D", unweighted=True, indices=nodes)
    inside = (dist >= radii[0]) & (dist <= radius)
    count = inside.sum(axis=1)
    width = int(count.max())
    members = np.argsort(~inside, axis=1, kind="stable")[:, :width]
    return np.where(np.arange(width) < count[:, None], members, -1).astype(np.int32)


def neighbourhood(graph, radius: int, archs=None, *, shape: str = "sphere", n_nodes: int | None = None) -> np.ndarray:
    """Nodes in the radius-``radius`` sphere (or ball) of each of ``archs``, one row per arch.

    Parameters
    ----------
    graph : anything :func:`landscape.graph.as_graph` accepts: an NB201 ``ArchIndex`` (Hamming spheres), an
        ``(m, 2)`` edge array, a ``networkx.Graph`` or a ``SpaceGraph``.
    radius : 1..6 on NB201, >= 1 on a general graph.
    archs : node ids (or NB201 strings); default all nodes.
    shape : ``"sphere"`` (distance exactly ``radius``) or ``"ball"`` (distance 1..radius).
    n_nodes : number of nodes of an edge-array graph (default: largest id + 1).

    Returns
    -------
    int32 array ``(len(archs), k)``; ``-1`` pads rows with fewer than ``k`` members.
    """
    check_choice(shape, "shape", _SHAPES)
    g = as_graph(graph, None if n_nodes is None else check_int(n_nodes, "n_nodes", 1))
    r = check_radius(radius, g.max_radius)
    return _table(g, r, check_nodes(archs, g.n_nodes, index=g.index), shape)


def _quantile(srt: np.ndarray, count: np.ndarray, q: float) -> np.ndarray:
    """Linear-interpolation quantile (NumPy's default) of rows sorted ascending, the first ``count`` entries valid."""
    pos = (count - 1) * q
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, count - 1)
    rows = np.arange(len(srt))
    lo_v, hi_v = srt[rows, np.maximum(lo, 0)], srt[rows, np.maximum(hi, 0)]
    with np.errstate(invalid="ignore"):  # empty rows hold only the +inf padding
        return np.where(count > 0, lo_v + (hi_v - lo_v) * (pos - lo), np.nan)


def table_stats(values: np.ndarray, table: np.ndarray, centres: np.ndarray) -> dict[str, np.ndarray]:
    """Every statistic of :data:`STATISTICS` of ``values`` over the members of each row of a neighbourhood
    ``table`` (``-1`` pads), relative to the row's centre node (vectorised over rows and members)."""
    valid = table >= 0
    full = bool(valid.all())
    count = table.shape[1] * np.ones(len(table), np.int64) if full else valid.sum(axis=1)
    nbr = values[table]
    centre = values[centres][:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (nbr if full else np.where(valid, nbr, 0.0)).sum(axis=1) / count
        dev = nbr - mean[:, None]
        dev = dev if full else np.where(valid, dev, 0.0)
        std = np.sqrt(np.einsum("ij,ij->i", dev, dev) / count)
        delta = np.abs(nbr - centre)
        mean_abs_delta = (delta if full else np.where(valid, delta, 0.0)).sum(axis=1) / count
        frac_better = ((nbr > centre) & valid).sum(axis=1) / count
    srt = np.sort(nbr if full else np.where(valid, nbr, np.inf), axis=1)
    q10, q50, q90 = (_quantile(srt, count, q) for q in _QUANTILES)
    return {"n": count, "mean": mean, "std": std, "q10": q10, "q50": q50, "q90": q90,
            "mean_abs_delta": mean_abs_delta, "frac_better": frac_better}


def neighbourhood_stats(values, graph, radius: int | Iterable[int] = 1, archs=None, *, shape: str = "sphere",
                        chunk: int = 512) -> pd.DataFrame:
    """Statistics of ``values`` over the radius-``r`` neighbourhood of every arch (or of ``archs``).

    Vectorised over architectures and neighbours, ``chunk`` centres at a time (memory stays
    at a few MB per chunk even for the 1,280-cell spheres at r = 3).

    Returns
    -------
    DataFrame with one row per (radius, arch): ``arch, radius, value`` (the centre's value),
    ``n`` (neighbours), ``mean``, ``std`` (population, ddof = 0), ``q10, q50, q90`` (linear
    interpolation, as ``numpy.quantile``), ``mean_abs_delta`` (mean ``|v_nbr − v_centre|``)
    and ``frac_better`` (fraction of neighbours with a strictly higher value).  Statistics
    of an empty neighbourhood are NaN.
    """
    check_choice(shape, "shape", _SHAPES)
    g, v = graph_and_values(graph, values)
    nodes = check_nodes(archs, g.n_nodes, index=g.index)
    radii = [radius] if isinstance(radius, (int, np.integer)) else list(radius)
    if not radii:
        raise ValueError("radius is empty; pass a radius or a list of radii, e.g. (1, 2, 3)")
    radii = [check_radius(r, g.max_radius) for r in radii]
    chunk = check_int(chunk, "chunk", 1)
    parts = []
    for r in radii:
        blocks = [table_stats(v, _table(g, r, c, shape), c) for c in np.array_split(nodes, -(-len(nodes) // chunk))]
        cols = {k: np.concatenate([b[k] for b in blocks]) for k in STATISTICS}
        parts.append(pd.DataFrame({"arch": nodes, "radius": np.full(len(nodes), r), "value": v[nodes], **cols}))
    return pd.concat(parts, ignore_index=True)


def neighbourhood_flatness(values, graph, archs=None) -> np.ndarray:
    """Neighbourhood flatness: mean ``|v_nbr − v_centre|`` over the radius-1 neighbours (lower = flatter).

    On NB201 this averages the accuracy change of all 24 one-edit neighbours, the
    architecture-space counterpart of GeNAS's weight-space flatness and the quantity A²M's
    neighbourhood histograms show (a flat cell keeps its accuracy when one op changes).
    """
    stats = neighbourhood_stats(values, graph, 1, archs)
    return stats["mean_abs_delta"].to_numpy()


def flatness_by_decile(values, flatness, *, n_bins: int = 10, n_boot: int = 1000, ci: float = 0.95,
                       random_state=None) -> pd.DataFrame:
    """Mean flatness per value decile with percentile-bootstrap confidence intervals.

    Bins are equal-count quantile bins of ``values`` (ties split by index order).  The
    bootstrap resamples members within each bin: all bins at once, 100 resamples per block.

    Returns
    -------
    DataFrame, one row per bin (1 = lowest values): ``bin, n, value_min, value_max,
    value_mean, flatness_mean, ci_low, ci_high``.
    """
    v = check_values(values)
    f = check_values(flatness, "flatness", len(v))
    n_bins = check_int(n_bins, "n_bins", 1, len(v))
    n_boot = check_int(n_boot, "n_boot", 1)
    alpha = 1 - check_fraction(ci, "ci")
    rng = check_random_state(random_state)
    order = np.argsort(v, kind="stable")
    bins = np.arange(len(v)) * n_bins // len(v)  # bin of each position in sorted order
    sizes = np.bincount(bins, minlength=n_bins)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    fs, vs = f[order], v[order]
    means = np.empty((n_boot, n_bins))
    for lo in range(0, n_boot, 100):  # 100 resamples × n draws at a time
        b = min(100, n_boot - lo)
        draws = starts[bins] + rng.integers(0, sizes[bins], size=(b, len(v)))
        means[lo:lo + b] = np.add.reduceat(fs[draws], starts, axis=1) / sizes
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2], axis=0)
    return pd.DataFrame({
        "bin": np.arange(1, n_bins + 1), "n": sizes,
        "value_min": np.minimum.reduceat(vs, starts), "value_max": np.maximum.reduceat(vs, starts),
        "value_mean": np.add.reduceat(vs, starts) / sizes, "flatness_mean": np.add.reduceat(fs, starts) / sizes,
        "ci_low": low, "ci_high": high,
    })


def abc_neighbours(accuracy: Mapping[str, np.ndarray], graph, radius: int | Iterable[int] = (1, 2, 3), *,
                   intervals: Mapping[str, Mapping[str, tuple[float, float]]] = ABC_INTERVALS,
                   shape: str = "sphere") -> pd.DataFrame:
    """A²M's case study: the accuracies of the neighbours of the models in each A/B/C interval.

    Parameters
    ----------
    accuracy : dataset name -> accuracy per node (e.g. 200-epoch test accuracy); each
        dataset needs an entry in ``intervals``.
    graph : anything :func:`landscape.graph.as_graph` accepts (an NB201 ``ArchIndex``, an edge array, …).
    radius : one radius or several.
    intervals : dataset -> model -> closed interval ``(low, high)``; default :data:`ABC_INTERVALS`.

    Returns
    -------
    Long DataFrame ``dataset, model, radius, centre, neighbour, accuracy`` (the neighbour's
    accuracy), one row per (centre, neighbour); models with no centre contribute no rows.
    """
    check_choice(shape, "shape", _SHAPES)
    if not isinstance(accuracy, Mapping):
        raise ValueError(f"accuracy must map dataset names to accuracy arrays, e.g. {{'cifar10': acc}} (the name picks "
                         f"the A/B/C intervals), got {type(accuracy).__name__}")
    if not accuracy:
        raise ValueError("accuracy is empty; pass {dataset: accuracy array}")
    radii = [radius] if isinstance(radius, (int, np.integer)) else list(radius)
    fixed = as_graph(graph) if isinstance(graph, (ArchIndex, SpaceGraph)) else None
    radii = [check_radius(r, fixed.max_radius if fixed is not None else None) for r in radii]
    if not radii:
        raise ValueError("radius is empty; pass a radius or a list of radii, e.g. (1, 2, 3)")
    blocks = []  # (dataset, model, radius, centre, neighbour, accuracy) per (dataset, model, radius)
    for dataset, acc in accuracy.items():
        if dataset not in intervals:
            raise ValueError(f"no A/B/C intervals for dataset {dataset!r}; intervals cover: {', '.join(intervals)}")
        g, acc = graph_and_values(graph, acc, f"accuracy[{dataset!r}]")
        for model, (low, high) in intervals[dataset].items():
            centres = np.flatnonzero((acc >= low) & (acc <= high))
            for r in radii if centres.size else ():
                table = _table(g, r, centres, shape)
                keep = table >= 0
                nbr = table[keep].astype(np.int64)
                blocks.append((dataset, model, r, np.broadcast_to(centres[:, None], table.shape)[keep], nbr, acc[nbr]))
    sizes = [len(b[4]) for b in blocks]

    def categorical(i: int) -> pd.Categorical:
        names = list(dict.fromkeys(b[i] for b in blocks))
        return pd.Categorical.from_codes(np.repeat([names.index(b[i]) for b in blocks], sizes).astype(np.int64),
                                         categories=names)

    return pd.DataFrame({
        "dataset": categorical(0), "model": categorical(1),
        "radius": np.repeat([b[2] for b in blocks], sizes).astype(np.int64),
        "centre": np.concatenate([b[3] for b in blocks] or [np.empty(0, np.int64)]),
        "neighbour": np.concatenate([b[4] for b in blocks] or [np.empty(0, np.int64)]),
        "accuracy": np.concatenate([b[5] for b in blocks] or [np.empty(0)]),
    })


def abc_summary(accuracy: Mapping[str, np.ndarray], graph, radius: int | Iterable[int] = (1, 2, 3), *,
                intervals: Mapping[str, Mapping[str, tuple[float, float]]] = ABC_INTERVALS,
                bin_width: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A²M's case study in two tables: a summary per ``(dataset, model, radius)`` (neighbour count, centres,
    quantiles of neighbour accuracy) and binned neighbour-accuracy densities (``bin_width`` points per bin)."""
    long = abc_neighbours(accuracy, graph, radius, intervals=intervals)
    keys = ["dataset", "model", "radius"]
    grouped = long.groupby(keys, observed=True)
    summary = grouped["accuracy"].describe(percentiles=[0.1, 0.5, 0.9]).reset_index()
    summary.insert(3, "centres", grouped["centre"].nunique().to_numpy())
    summary = summary.rename(columns={"count": "neighbours", "10%": "q10", "50%": "q50", "90%": "q90"})
    summary["neighbours"] = summary["neighbours"].astype(int)
    summary["interval"] = [f"[{intervals[d][m][0]}, {intervals[d][m][1]}]"
                           for d, m in zip(summary.dataset, summary.model)]
    edges = np.arange(0.0, 100.0 + bin_width, bin_width)
    parts = []
    for (d, m, r), part in grouped:
        counts = np.histogram(part["accuracy"], bins=edges)[0]
        keep = counts > 0
        parts.append(pd.DataFrame({"dataset": d, "model": m, "radius": r, "bin_low": edges[:-1][keep],
                                   "density": counts[keep] / counts.sum() / bin_width}))
    return summary, pd.concat(parts, ignore_index=True)
