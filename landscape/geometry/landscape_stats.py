"""Classic fitness-landscape statistics on a neighbour graph: local optima, plateaus and neutral
networks, fitness–distance correlation and random-walk autocorrelation.

Every function takes ``values`` (fitness per node, higher is better — negate a loss) and a
``graph`` (:func:`landscape.graph.as_graph`: an NB201 ``ArchIndex``, an ``(m, 2)`` edge array on nodes
``0..n-1``, a ``networkx.Graph``), so the same code runs on toy graphs, on the full space and on its
isomorphism quotient (:func:`quotient`).

Examples
--------
>>> local_optima(acc, store.index)[:5]                # strict local optima of CIFAR-10 (17 in all)
array([1105, 2888, 5356, 6111, 6584])
>>> qv, qe, labels = quotient(acc, store.index, store.isomorphism_classes())
>>> len(qv), len(qe)                                  # isomorphism classes and their neighbour pairs
(6466, 90189)
>>> summary = landscape_summary(qv, qe, random_state=0)
>>> summary["strict_optima"], round(summary["fdc"], 2)
(7, -0.28)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components, shortest_path
from scipy.stats import kendalltau, spearmanr

from ..graph import SpaceGraph, adjacency, quotient_edges
from ..validation import check_choice, check_int, check_random_state, check_values
from ._common import ATOL, best_neighbours, check_atol, graph_and_values

__all__ = [
    "ATOL",
    "best_neighbour",
    "local_optima",
    "neutral_networks",
    "neutral_network_table",
    "FDC_METHODS",
    "global_optima",
    "fitness_distance_correlation",
    "random_walk_autocorrelation",
    "autocorrelation",
    "correlation_length",
    "quotient",
    "landscape_summary",
]


def _checked(values, graph) -> tuple[np.ndarray, SpaceGraph]:
    g, v = graph_and_values(graph, values)
    return v, g


def best_neighbour(values, graph) -> tuple[np.ndarray, np.ndarray]:
    """The best neighbour of every node and its value (ties broken by the smallest node id).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.

    Returns
    -------
    node : numpy.ndarray of int64, shape (n,)
        The best neighbour of each node; ``-1`` for isolated nodes.
    value : numpy.ndarray of float, shape (n,)
        Its value; ``-inf`` for isolated nodes.

    Raises
    ------
    ValueError
        For non-finite values, values not one per node, or a malformed graph.

    Examples
    --------
    >>> best_neighbour([1.0, 3.0, 2.0, 0.0, 5.0], np.array([[0, 1], [1, 2], [2, 3]]))   # node 4: isolated
    (array([ 1,  2,  1,  2, -1]), array([  3.,   2.,   3.,   2., -inf]))
    """
    v, g = _checked(values, graph)
    return best_neighbours(v, g)


def local_optima(values, graph, *, strict: bool = True, atol: float = ATOL) -> np.ndarray:
    """Nodes better than all their neighbours by more than ``atol`` (``strict``) or at least as good within
    ``atol`` (non-strict), sorted.

    Non-strict optima include every node of a plateau that no neighbour beats; see
    :func:`neutral_network_table` for plateaus as a whole.  ``atol``: values closer than it tie
    (default :data:`ATOL`, float32 noise; 0 for exact comparisons).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    strict : bool, default True
        Strict optima (better than every neighbour) or non-strict ones (no neighbour better).
    atol : float, default ATOL
        Tolerance of the comparisons (>= 0).

    Returns
    -------
    numpy.ndarray of int64
        The optima's node ids, ascending.

    Raises
    ------
    ValueError
        For invalid values or graph, or a negative or non-finite ``atol``.

    Examples
    --------
    >>> path = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    >>> local_optima([1.0, 3.0, 2.0, 4.0, 4.0], path), local_optima([1.0, 3.0, 2.0, 4.0, 4.0], path, strict=False)
    (array([1]), array([1, 3, 4]))
    """
    v, g = _checked(values, graph)
    atol = check_atol(atol)
    best = best_neighbours(v, g)[1]
    return np.flatnonzero(v > best + atol if strict else v >= best - atol)


def _components(n: int, e: np.ndarray) -> np.ndarray:
    """Connected-component label per node: the smallest node id of its component."""
    comp = connected_components(adjacency(e, n), directed=False)[1]
    first = np.full(comp.max() + 1, n, np.int64)
    np.minimum.at(first, comp, np.arange(n))
    return first[comp]


def _neutral(v: np.ndarray, e: np.ndarray, tol) -> np.ndarray:
    tol = check_atol(tol, "tol")
    return _components(len(v), e[np.abs(v[e[:, 0]] - v[e[:, 1]]) <= tol])


def neutral_networks(values, graph, *, tol: float = ATOL) -> np.ndarray:
    """Neutral-network label per node: connected components of the edges with ``|Δvalue| <= tol``.

    The default :data:`ATOL` gives plateaus (equal fitness up to float32 noise); ``tol = 0`` exact equality.  With ``tol > 0`` components chain, so a
    network may span more than ``tol``.  A label is the smallest node id of its network.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    tol : float, default ATOL
        Largest ``|Δvalue|`` of a neutral edge (>= 0).

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        The network label of each node.

    Raises
    ------
    ValueError
        For invalid values or graph, or a negative or non-finite ``tol``.

    Examples
    --------
    >>> path = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    >>> neutral_networks([1.0, 1.0, 2.0, 2.5, 2.5], path), neutral_networks([1.0, 1.0, 2.0, 2.5, 2.5], path, tol=0.5)
    (array([0, 0, 2, 3, 3]), array([0, 0, 2, 2, 2]))
    """
    v, g = _checked(values, graph)
    return _neutral(v, g.edges, tol)


def neutral_network_table(values, graph, *, tol: float = ATOL) -> pd.DataFrame:
    """One row per neutral network: ``network, size, value_min, value_max, value_mean, local_optimum,
    neighbour_networks, neighbour_values``.

    ``local_optimum`` is true when no member has a strictly better neighbour outside the
    network (with ``tol = 0``: a plateau, or a single node, that is a local optimum).
    ``neighbour_networks`` (the percolation index of the FLA literature) counts the other networks one edit away,
    ``neighbour_values`` the distinct values found one edit outside.  Sorted by size, largest first.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    tol : float, default ATOL
        Largest ``|Δvalue|`` of a neutral edge, as for :func:`neutral_networks`.

    Returns
    -------
    pandas.DataFrame
        One row per network (``network`` is its label, the smallest member id); sizes in nodes, values in the
        units of ``values``; ties in size by label.

    Raises
    ------
    ValueError
        For invalid values or graph, or a negative or non-finite ``tol``.

    Examples
    --------
    >>> table = neutral_network_table([1.0, 3.0, 2.0, 4.0, 4.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]))
    >>> table[["network", "size", "value_mean", "local_optimum", "neighbour_networks"]]
       network  size  value_mean  local_optimum  neighbour_networks
    0        3     2         4.0           True                   1
    1        0     1         1.0          False                   1
    2        1     1         3.0           True                   2
    3        2     1         2.0          False                   2
    """
    v, g = _checked(values, graph)
    e = g.edges
    labels = _neutral(v, e, tol)
    ids, inverse, size = np.unique(labels, return_inverse=True, return_counts=True)
    cross = labels[e[:, 0]] != labels[e[:, 1]]
    u, w = e[cross, 0], e[cross, 1]
    beaten = np.zeros(len(ids), bool)
    beaten[inverse[np.where(v[w] > v[u], u, w)[v[w] != v[u]]]] = True
    vmin, vmax = np.full(len(ids), np.inf), np.full(len(ids), -np.inf)
    np.minimum.at(vmin, inverse, v)
    np.maximum.at(vmax, inverse, v)
    out_net = np.concatenate([inverse[u], inverse[w]])  # every crossing edge seen from both of its networks
    other = np.unique(np.stack([out_net, np.concatenate([inverse[w], inverse[u]])], axis=1), axis=0)
    seen = np.unique(np.stack([out_net, np.concatenate([v[w], v[u]])], axis=1), axis=0)
    table = pd.DataFrame({"network": ids, "size": size, "value_min": vmin, "value_max": vmax,
                          "value_mean": np.bincount(inverse, weights=v) / size, "local_optimum": ~beaten,
                          "neighbour_networks": np.bincount(other[:, 0].astype(np.int64), minlength=len(ids)),
                          "neighbour_values": np.bincount(seen[:, 0].astype(np.int64), minlength=len(ids))})
    return table.sort_values(["size", "network"], ascending=[False, True], ignore_index=True)


#: Correlation coefficients :func:`fitness_distance_correlation` offers.
FDC_METHODS = ("pearson", "spearman", "kendall")


def global_optima(values, graph=None, *, atol: float = ATOL) -> np.ndarray:
    """Every node within ``atol`` of the best value (all of them when several tie), ascending.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2), optional
        Only checked against ``values`` (one value per node) when given.
    atol : float, default ATOL
        Nodes at most this far below the best value tie with it (>= 0).

    Returns
    -------
    numpy.ndarray of int64
        The global optima's node ids, ascending.

    Raises
    ------
    ValueError
        For non-finite or empty values, values that do not fit ``graph``, or a negative or non-finite ``atol``.

    Examples
    --------
    >>> global_optima([1.0, 3.0, 2.0, 3.0]).tolist()
    [1, 3]
    >>> global_optima([1.0, 3.0, 2.0, 2.9], atol=0.5).tolist()
    [1, 3]
    """
    v = check_values(values, "values") if graph is None else _checked(values, graph)[0]
    return np.flatnonzero(v >= v.max() - check_atol(atol))


def fitness_distance_correlation(values, graph, *, method: str = "pearson", atol: float = ATOL,
                                 among: str = "all") -> float:
    """Fitness–distance correlation (Jones & Forrest 1995): the correlation between fitness and the
    shortest-path distance to the nearest global optimum (on NB201: the Hamming distance).

    ``method``: ``"pearson"`` (Jones & Forrest), or the rank correlations ``"spearman"`` and ``"kendall"`` (τ-b)
    the FLA literature also reports.  Every node within ``atol`` (default :data:`ATOL`) of the best value is a
    global optimum (:func:`global_optima`; CIFAR-10 has two tied at 94.3733), and distance is to the nearest one.
    ``among``: ``"all"`` cells, or only the local ``"optima"`` (non-strict, within ``atol``; the FLA variant that
    asks whether better optima lie closer to the best).  Nodes that cannot reach a global optimum are left out.
    NaN when fewer than two nodes remain or when fitness or distance is constant.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    method : {"pearson", "spearman", "kendall"}, default "pearson"
        The correlation coefficient (:data:`FDC_METHODS`).
    atol : float, default ATOL
        Tolerance of the global (and local) optima (>= 0).
    among : {"all", "optima"}, default "all"
        Correlate over every node or over the non-strict local optima only.

    Returns
    -------
    float
        The correlation, in [-1, 1] (negative: fitness rises towards the global optimum), or NaN.

    Raises
    ------
    ValueError
        For invalid values or graph, an unknown ``method`` or ``among``, or a negative or non-finite ``atol``.

    Examples
    --------
    >>> path = np.array([[0, 1], [1, 2], [2, 3]])                     # the optimum is node 3; distances 3, 2, 1, 0
    >>> round(fitness_distance_correlation([1.0, 3.0, 2.0, 4.0], path), 6)
    -0.8
    >>> round(fitness_distance_correlation([1.0, 3.0, 2.0, 4.0], path, method="kendall"), 6)
    -0.666667
    """
    v, g = _checked(values, graph)
    method = check_choice(method, "method", FDC_METHODS)
    return _fdc(v, g, (method,), atol, check_choice(among, "among", ("all", "optima")))[method]


def _fdc(v: np.ndarray, g: SpaceGraph, methods, atol: float, among: str) -> dict[str, float]:
    """FDC by each of ``methods``, the distances to the global optima computed once."""
    dist = shortest_path(g.adjacency, method="D", unweighted=True, indices=global_optima(v, g, atol=atol)).min(axis=0)
    ok = np.isfinite(dist)
    if among == "optima":
        ok &= np.isin(np.arange(len(v)), local_optima(v, g, strict=False, atol=atol))
    if ok.sum() < 2 or np.ptp(v[ok]) == 0 or np.ptp(dist[ok]) == 0:
        return dict.fromkeys(methods, float("nan"))
    stats = {"pearson": lambda x, y: np.corrcoef(x, y)[0, 1], "spearman": lambda x, y: spearmanr(x, y).statistic,
             "kendall": lambda x, y: kendalltau(x, y).statistic}
    return {m: float(stats[m](v[ok], dist[ok])) for m in methods}


def random_walk_autocorrelation(values, graph, *, n_walkers: int = 200, n_steps: int = 1000, max_lag: int = 10,
                                random_state=None) -> pd.DataFrame:
    """Autocorrelation ``ρ(k)`` of fitness along uniform random walks (Weinberger 1990).

    ``n_walkers`` walks start at uniform random nodes and each step moves to a uniform random neighbour (all walkers
    advance together, one vectorised step at a time; an isolated node stays put).  ``ρ(k)`` pools all walkers: the mean
    of ``(f_t − μ)(f_{t+k} − μ)`` over walks and times, divided by the variance ``σ²`` of all visited values.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    n_walkers : int, default 200
        Number of walks (>= 1).
    n_steps : int, default 1000
        Steps per walk (>= 1).
    max_lag : int, default 10
        Largest lag, 1..n_steps.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the starts and steps.

    Returns
    -------
    pandas.DataFrame
        ``lag, rho`` for lags ``1..max_lag``; see :func:`correlation_length`.

    Raises
    ------
    ValueError
        For invalid values, graph or ``random_state``, or ``n_walkers``, ``n_steps`` or ``max_lag`` out of range.

    Examples
    --------
    >>> rw = random_walk_autocorrelation([1.0, 2.0, 3.0, 4.0, 5.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]),
    ...                                  max_lag=2, random_state=0)
    >>> rw["rho"].round(2).tolist()                    # exact (autocorrelation): 2/3 and 1/2
    [0.67, 0.5]
    """
    v, g = _checked(values, graph)
    n_walkers = check_int(n_walkers, "n_walkers", 1)
    n_steps = check_int(n_steps, "n_steps", 1)
    max_lag = check_int(max_lag, "max_lag", 1, n_steps)
    rng = check_random_state(random_state)
    adj = g.adjacency
    degree = np.diff(adj.indptr)
    targets = np.append(adj.indices, 0)  # a sentinel, so isolated nodes index in bounds
    walk = np.empty((n_steps + 1, n_walkers), np.int64)
    walk[0] = rng.integers(0, len(v), n_walkers)
    for t in range(n_steps):
        here = walk[t]
        step = np.minimum((rng.random(n_walkers) * degree[here]).astype(np.int64), np.maximum(degree[here] - 1, 0))
        walk[t + 1] = np.where(degree[here] > 0, targets[adj.indptr[here] + step], here)
    f = v[walk]
    f -= f.mean()
    var = np.mean(f * f)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.array([np.mean(f[:-k] * f[k:]) for k in range(1, max_lag + 1)]) / var
    return pd.DataFrame({"lag": np.arange(1, max_lag + 1), "rho": rho})


def autocorrelation(values, graph, *, max_lag: int = 10) -> pd.DataFrame:
    """Exact autocorrelation ``ρ(k)`` of fitness along a stationary simple random walk on the graph.

    The walk moves to a uniform random neighbour (transition ``P = D⁻¹A``) and starts from its stationary
    distribution ``π_i = d_i / 2|E|`` (uniform on a regular graph such as NB201's); then
    ``ρ(k) = Σ_i π_i f̃_i (P^k f̃)_i / Σ_i π_i f̃_i²`` with ``f̃ = f − Σ π_i f_i`` (Weinberger 1990; what
    :func:`random_walk_autocorrelation` estimates by Monte Carlo).  ``k`` sparse products: milliseconds on NB201.
    Isolated nodes have ``π = 0``.  NaN where fitness is constant over the nodes the walk visits.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    max_lag : int, default 10
        Largest lag (>= 1).

    Returns
    -------
    pandas.DataFrame
        ``lag, rho`` for lags ``1..max_lag``; see :func:`correlation_length`.

    Raises
    ------
    ValueError
        If the graph has no edges ("the graph has no edges: a random walk cannot move"), ``max_lag < 1``, or for
        invalid values or graph.

    Examples
    --------
    >>> autocorrelation([1.0, 2.0, 3.0, 4.0, 5.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]), max_lag=2)
       lag       rho
    0    1  0.666667
    1    2  0.500000
    >>> round(float(autocorrelation(acc, store.index, max_lag=1)["rho"].iloc[0]), 2)   # CIFAR-10 on NB201
    0.56
    """
    v, g = _checked(values, graph)
    max_lag = check_int(max_lag, "max_lag", 1)
    adj = g.adjacency
    degree = np.diff(adj.indptr).astype(np.float64)
    if degree.sum() == 0:
        raise ValueError("the graph has no edges: a random walk cannot move")
    pi = degree / degree.sum()
    f = v - pi @ v
    var = pi @ (f * f)
    inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    rho, h = np.empty(max_lag), f
    for k in range(max_lag):
        h = inverse * (adj @ h)
        rho[k] = (pi * f) @ h / var if var > 0 else np.nan
    return pd.DataFrame({"lag": np.arange(1, max_lag + 1), "rho": rho})


def correlation_length(rho1: float) -> float:
    """Correlation length ``ℓ = −1 / ln|ρ(1)|`` (inf for ``|ρ(1)| = 1``, 0 for ``ρ(1) = 0``, NaN for NaN).

    Parameters
    ----------
    rho1 : float
        The lag-1 autocorrelation (:func:`autocorrelation`), in [-1, 1] or NaN.

    Returns
    -------
    float
        The correlation length, in steps of the walk.

    Raises
    ------
    ValueError
        If ``|rho1| > 1`` ("rho1 must be an autocorrelation in [-1, 1], got ...").

    Examples
    --------
    >>> round(correlation_length(0.5), 4), correlation_length(-1.0), correlation_length(0.0)
    (1.4427, inf, 0.0)
    """
    r = abs(float(rho1))
    if np.isnan(r):
        return float("nan")
    if not 0 <= r <= 1:
        raise ValueError(f"rho1 must be an autocorrelation in [-1, 1], got {rho1!r}")
    with np.errstate(divide="ignore"):
        return float(-1.0 / np.log(r)) if 0 < r < 1 else (float("inf") if r == 1 else 0.0)


def quotient(values, graph, classes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The landscape on the classes of a partition (e.g. NB201 isomorphism classes).

    Returns ``(class_values, class_edges, labels)``: the mean value per class, the quotient
    edges relabelled to ``0..k-1`` (two classes are neighbours when some members are; see
    :func:`landscape.graph.quotient_edges`) and the class label of each row.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    classes : array_like of int, shape (n,)
        Class label per node (e.g. ``store.isomorphism_classes()``).

    Returns
    -------
    class_values : numpy.ndarray of float, shape (k,)
        Mean value per class, in the order of ``labels``.
    class_edges : numpy.ndarray of int, shape (q, 2)
        Neighbouring class pairs as positions ``0..k-1``, smaller first.
    labels : numpy.ndarray of int, shape (k,)
        The distinct class labels, ascending (class ``i`` of the quotient is ``labels[i]``).

    Raises
    ------
    ValueError
        If ``classes`` are not integer labels of the shape of ``values``, or for invalid values or graph.

    Examples
    --------
    >>> cycle = np.array([[0, 1], [1, 2], [2, 3], [0, 3]])
    >>> quotient([1.0, 3.0, 2.0, 4.0], cycle, np.array([0, 0, 2, 2]))
    (array([2., 3.]), array([[0, 1]]), array([0, 2]))
    """
    v, g = _checked(values, graph)
    c = np.asarray(classes)
    if c.shape != v.shape or c.dtype.kind not in "iu":
        raise ValueError(f"classes must be integer labels of shape {v.shape}, got {c.dtype} of shape {c.shape}")
    q = quotient_edges(g.edges, c)
    labels = q["labels"]
    class_values = np.bincount(np.searchsorted(labels, c), weights=v) / q["sizes"]
    return class_values, np.searchsorted(labels, q["pairs"]), labels


def landscape_summary(values, graph, *, n_walkers: int = 200, n_steps: int = 1000, random_state=None,
                      atol: float = ATOL) -> dict:
    """Counts and correlation statistics of one landscape, as a flat dict (one row of a summary table).

    Keys: ``nodes, edges, strict_optima, nonstrict_optima, plateau_optima`` (plateaus of two or more nodes that are
    local optima), ``plateaus`` (equal-value networks of two or more nodes), ``largest_plateau``, ``global_optima`` (how
    many tie for the best value) and ``global_optima_nodes`` (their ids, space-separated), ``fdc`` (Pearson) with
    ``fdc_spearman`` and ``fdc_kendall`` (distance to the nearest global optimum), ``rho1`` (exact,
    :func:`autocorrelation`), ``correlation_length`` (from it) and ``rho1_walk``, the Monte-Carlo estimate as a check
    (random walks seeded by ``random_state``).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    n_walkers : int, default 200
        Walks of ``rho1_walk`` (:func:`random_walk_autocorrelation`).
    n_steps : int, default 1000
        Steps per walk.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the random walks.
    atol : float, default ATOL
        Values closer than ``atol`` tie (>= 0; 0: exact comparisons, as the published FLA tools).

    Returns
    -------
    dict
        The keys above: counts as int, ``global_optima_nodes`` as str, correlations and lengths as float.

    Raises
    ------
    ValueError
        For invalid values, graph, walk sizes, ``random_state`` or ``atol``, or a graph without edges.

    Examples
    --------
    >>> s = landscape_summary([3.0, 1.0, 4.0, 2.0, 5.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]), random_state=0)
    >>> s["strict_optima"], s["global_optima_nodes"], round(s["fdc"], 2), round(s["rho1"], 3)
    (3, '4', -0.5, -0.677)
    """
    v, g = _checked(values, graph)  # the graph is passed on, so its edges and adjacency are built once
    atol = check_atol(atol)
    nets = neutral_network_table(v, g, tol=atol)
    best = best_neighbours(v, g)[1]
    rho1 = autocorrelation(v, g, max_lag=1)["rho"].iloc[0]
    optima = global_optima(v, g, atol=atol)
    walk = random_walk_autocorrelation(v, g, n_walkers=n_walkers, n_steps=n_steps, max_lag=1,
                                       random_state=random_state)["rho"].iloc[0]
    return {
        "nodes": len(v), "edges": len(g.edges),
        "strict_optima": int((v > best + atol).sum()), "nonstrict_optima": int((v >= best - atol).sum()),
        "plateau_optima": int((nets["local_optimum"] & (nets["size"] > 1)).sum()),
        "plateaus": int((nets["size"] > 1).sum()), "largest_plateau": int(nets["size"].iloc[0]),
        "global_optima": len(optima), "global_optima_nodes": " ".join(map(str, optima)),
        **{"fdc" if m == "pearson" else f"fdc_{m}": r for m, r in _fdc(v, g, FDC_METHODS, atol, "all").items()},
        "rho1": float(rho1), "correlation_length": correlation_length(rho1),
        "rho1_walk": float(walk),
    }
