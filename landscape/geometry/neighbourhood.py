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
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts: an NB201 ``ArchIndex`` (Hamming spheres), an
        ``(m, 2)`` edge array, a ``networkx.Graph`` or a ``SpaceGraph``.
    radius : int
        1..6 on NB201, >= 1 on a general graph.
    archs : int, str or sequence of them, optional
        Node ids (or NB201 strings); default all nodes.
    shape : {"sphere", "ball"}, default "sphere"
        ``"sphere"`` (distance exactly ``radius``) or ``"ball"`` (distance 1..radius).
    n_nodes : int, optional
        Number of nodes of an edge-array graph (default: largest id + 1).

    Returns
    -------
    numpy.ndarray
        int32 array ``(len(archs), k)``; ``-1`` pads rows with fewer than ``k`` members.

    Raises
    ------
    ValueError
        For an unknown ``shape``, a radius out of range, ``archs`` that are not nodes, or a malformed graph.

    Examples
    --------
    >>> neighbourhood(np.array([[0, 1], [1, 2], [2, 3]]), 1)     # the path 0 - 1 - 2 - 3
    array([[ 1, -1], [ 0,  2], [ 1,  3], [ 2, -1]], dtype=int32)
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
    """Every statistic of :data:`STATISTICS` of ``values`` over the rows of a neighbourhood ``table``.

    Each row's members (``-1`` pads) are compared with the row's centre node (vectorised over rows and members).

    Parameters
    ----------
    values : numpy.ndarray of float, shape (n,)
        The metric per node (checked by the caller: finite, one per node).
    table : numpy.ndarray of int, shape (k, w)
        Member node ids per row, ``-1`` for padding (as :func:`neighbourhood` returns).
    centres : numpy.ndarray of int, shape (k,)
        The centre node of each row.

    Returns
    -------
    dict of str to numpy.ndarray
        One length-``k`` array per name of :data:`STATISTICS` (see :func:`neighbourhood_stats`); NaN for empty rows.

    Raises
    ------
    IndexError
        When ``table`` or ``centres`` holds ids outside ``values`` (no argument checks are made here).

    Examples
    --------
    >>> v = np.array([1.0, 3.0, 2.0])
    >>> table_stats(v, np.array([[1, -1], [0, 2]]), np.array([0, 1]))["mean_abs_delta"]
    array([2. , 1.5])
    """
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

    Parameters
    ----------
    values : array_like of float, shape (n,)
        The metric per node (e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        The neighbour graph, as for :func:`neighbourhood`.
    radius : int or iterable of int, default 1
        One radius or several (1..6 on NB201).
    archs : int, str or sequence of them, optional
        Centre node ids (or NB201 strings); default all nodes.
    shape : {"sphere", "ball"}, default "sphere"
        Distance exactly ``r`` or ``1..r``, as for :func:`neighbourhood`.
    chunk : int, default 512
        Centres per vectorised block.

    Returns
    -------
    pandas.DataFrame
        One row per (radius, arch): ``arch, radius, value`` (the centre's value),
        ``n`` (neighbours), ``mean``, ``std`` (population, ddof = 0), ``q10, q50, q90`` (linear
        interpolation, as ``numpy.quantile``), ``mean_abs_delta`` (mean ``|v_nbr − v_centre|``)
        and ``frac_better`` (fraction of neighbours with a strictly higher value).  Statistics
        of an empty neighbourhood are NaN.

    Raises
    ------
    ValueError
        For invalid values, graph, ``archs``, ``shape`` or ``chunk``, or an empty or out-of-range radius.

    Examples
    --------
    >>> stats = neighbourhood_stats([1.0, 3.0, 2.0, 0.0], np.array([[0, 1], [1, 2], [2, 3]]), (1, 2), archs=2)
    >>> stats[["arch", "radius", "n", "mean", "frac_better"]].values.tolist()
    [[2.0, 1.0, 2.0, 1.5, 0.5], [2.0, 2.0, 1.0, 1.0, 0.0]]
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

    Parameters
    ----------
    values : array_like of float, shape (n,)
        The metric per node (e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        The neighbour graph, as for :func:`neighbourhood`.
    archs : int, str or sequence of them, optional
        Node ids (or NB201 strings); default all nodes.

    Returns
    -------
    numpy.ndarray of float, shape (len(archs),)
        The flatness of each arch, in the units of ``values`` (NaN for an isolated node).

    Raises
    ------
    ValueError
        For invalid values, graph or ``archs`` (see :func:`neighbourhood_stats`).

    Examples
    --------
    >>> neighbourhood_flatness([1.0, 3.0, 2.0, 0.0], np.array([[0, 1], [1, 2], [2, 3]]))
    array([2. , 1.5, 1.5, 2. ])
    """
    stats = neighbourhood_stats(values, graph, 1, archs)
    return stats["mean_abs_delta"].to_numpy()


def flatness_by_decile(values, flatness, *, n_bins: int = 10, n_boot: int = 1000, ci: float = 0.95,
                       random_state=None) -> pd.DataFrame:
    """Mean flatness per value decile with percentile-bootstrap confidence intervals.

    Bins are equal-count quantile bins of ``values`` (ties split by index order).  The
    bootstrap resamples members within each bin: all bins at once, 100 resamples per block.

    Parameters
    ----------
    values, flatness : array_like of float, shape (n,)
        The metric and the flatness (:func:`neighbourhood_flatness`) per node, aligned.
    n_bins : int, default 10
        Number of bins, 1..n.
    n_boot : int, default 1000
        Bootstrap resamples.
    ci : float, default 0.95
        Confidence level, strictly between 0 and 1.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per bin (1 = lowest values): ``bin, n, value_min, value_max,
        value_mean, flatness_mean, ci_low, ci_high``.

    Raises
    ------
    ValueError
        For non-finite or misaligned arrays, ``n_bins`` outside 1..n, ``n_boot < 1`` or ``ci`` outside (0, 1).

    Examples
    --------
    >>> flatness_by_decile(np.arange(4.0), [3.0, 1.0, 1.0, 0.0], n_bins=2, random_state=0)["flatness_mean"].tolist()
    [2.0, 0.5]
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
    accuracy : Mapping of str to array_like of float
        Dataset name -> accuracy (%) per node (e.g. 200-epoch test); each dataset needs an entry in ``intervals``.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts (an NB201 ``ArchIndex``, an edge array, …).
    radius : int or iterable of int, default (1, 2, 3)
        One radius or several.
    intervals : Mapping of str to Mapping of str to (float, float), default ABC_INTERVALS
        Dataset -> model -> closed interval ``(low, high)``; default :data:`ABC_INTERVALS`.
    shape : {"sphere", "ball"}, default "sphere"
        Distance exactly ``r`` or ``1..r``, as for :func:`neighbourhood`.

    Returns
    -------
    pandas.DataFrame
        Long table ``dataset, model, radius, centre, neighbour, accuracy`` (the neighbour's accuracy), one row per
        (centre, neighbour); models with no centre contribute no rows (NB201 example: the module docstring).

    Raises
    ------
    ValueError
        For an empty or non-mapping ``accuracy``, a dataset without intervals, or bad arrays, radius, shape or graph.

    Examples
    --------
    >>> abc_neighbours({"toy": [1.0, 3.0, 2.0, 0.0]}, [[0, 1], [1, 2], [2, 3]], 1, intervals={"toy": {"A": (2.5, 3.5)}})
      dataset model  radius  centre  neighbour  accuracy
    0     toy     A       1       1          0       1.0
    1     toy     A       1       1          2       2.0
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
    return _abc_frame(blocks)


def _abc_frame(blocks: list[tuple]) -> pd.DataFrame:
    """The long table of :func:`abc_neighbours` from its ``(dataset, model, radius, centre, neighbour, accuracy)``
    blocks (one per dataset, model and radius)."""
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
    """A²M's case study in two tables: a summary per ``(dataset, model, radius)`` and neighbour-accuracy densities.

    Parameters
    ----------
    accuracy : Mapping of str to array_like of float
        Dataset name -> accuracy per node (%), as for :func:`abc_neighbours`.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        The neighbour graph, as for :func:`abc_neighbours`.
    radius : int or iterable of int, default (1, 2, 3)
        One radius or several.
    intervals : Mapping of str to Mapping of str to (float, float), default ABC_INTERVALS
        Dataset -> model -> closed interval ``(low, high)``.
    bin_width : float, default 1.0
        Width of the density bins, in accuracy points (bins from 0 to 100).

    Returns
    -------
    summary : pandas.DataFrame
        One row per ``(dataset, model, radius)``: ``centres``, ``neighbours`` (count), ``mean, std, min, q10, q50,
        q90, max`` of neighbour accuracy and ``interval`` (the model's interval as text).
    density : pandas.DataFrame
        ``dataset, model, radius, bin_low, density`` for the non-empty bins (``bin_width`` points per bin).

    Raises
    ------
    ValueError
        For invalid arguments, as :func:`abc_neighbours`.

    Examples
    --------
    >>> summary, density = abc_summary({"toy": [1.0, 3.0, 2.0, 0.0]}, np.array([[0, 1], [1, 2], [2, 3]]), 1,
    ...                                intervals={"toy": {"A": (2.5, 3.5)}})
    >>> summary[["model", "centres", "neighbours", "mean"]].values.tolist()
    [['A', 1, 2, 1.5]]
    >>> density[["bin_low", "density"]].values.tolist()
    [[1.0, 0.5], [2.0, 0.5]]
    """
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
