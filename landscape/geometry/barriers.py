"""Barriers between architectures: monotone edit paths, minimax (bottleneck) paths through the
neighbour graph, the barrier tree of the local optima, and basins of steepest ascent.

Conventions (``kind="accuracy"``; ``kind="loss"`` mirrors them with a loss, lower is better):

* The barrier of a path from ``a`` to ``b`` is ``½(acc_a + acc_b) − min`` accuracy over the
  path's *intermediate* cells (loss: ``max`` intermediate loss ``− ½(loss_a + loss_b)``).  A
  path without intermediates (``d(a, b) <= 1``) has barrier 0 by definition.  A barrier is
  negative when every intermediate beats the endpoints' mean.
* A monotone path between cells at Hamming distance ``d`` changes each differing edge once,
  straight to its target op: there are ``d!`` of them, one per order of the edges.
* The minimax barrier of a pair is the smallest barrier over *all* paths in the graph:
  ``½(acc_a + acc_b) − M`` where ``M`` is the best achievable minimum over intermediates,
  computed exactly via maximum spanning trees (0 for neighbours, as for paths).
* Barrier-tree merge heights are the usual superlevel-set ones: two optima merge at the
  highest level ``t`` at which they are connected through cells with accuracy ``>= t``
  (endpoints included; the max-min accuracy over paths).

Examples
--------
>>> pairs = pair_barriers(acc, store.index, 6111, 13714)   # the two tied CIFAR-10 optima, distance 2
>>> pairs[["n_paths", "best", "worst"]].round(2).values.tolist()
[[2.0, 0.01, 0.16]]
>>> top = np.argsort(acc)[-157:]                            # top 1 %
>>> len(minimax_barriers(acc, store.index, top))            # every pair
12246
>>> barrier_tree(acc, store.index).shape                    # disconnectivity graph of the 17 local optima + merges
(35, 5)
>>> basins(acc, store.index).head(2)[["optimum", "size"]].values.tolist()   # steepest-ascent basins
[[6111, 7951], [13714, 3620]]
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import permutations
from math import factorial

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree
from scipy.spatial.distance import squareform

from ..graph import SpaceGraph, adjacency, as_graph
from ..spaces.nb201 import ArchIndex
from ..validation import check_fraction, check_random_state, check_values
from ._common import ATOL, best_neighbours, check_atol, check_nodes, graph_and_values, oriented
from .neighbourhood import ABC_INTERVALS

__all__ = [
    "path_barriers",
    "pair_barriers",
    "max_spanning_tree",
    "minimax_barriers",
    "barrier_tree",
    "steepest_ascent",
    "weak_strong_basins",
    "basins",
    "distance3_pairs",
    "abc_path_barriers",
    "minimax_quantiles",
]

_PAIRS_PER_BLOCK = 2048


# -- monotone paths ---------------------------------------------------------------------------
def _product(space) -> SpaceGraph:
    """The product-space graph of ``space``: an NB201 ``ArchIndex``, a ``SpaceGraph`` with codes, or an
    ``(n, E)`` array listing every op-code tuple of a toy product space once (row ``i`` is node ``i``)."""
    if isinstance(space, SpaceGraph) and space.codes is not None:
        return space
    return as_graph(space) if isinstance(space, ArchIndex) else SpaceGraph.from_codes(space)


def _path_matrix(v: np.ndarray, space: SpaceGraph, a: np.ndarray, b: np.ndarray, d: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Barriers of all ``d!`` monotone paths of pairs at distance ``d``: ``(n_pairs, d!)`` and the edge orders."""
    diff = space.codes[a] != space.codes[b]
    edge = np.nonzero(diff)[1].reshape(len(a), d)  # differing edges, ascending, per pair
    step = np.take_along_axis((space.codes[b] - space.codes[a]) * space.places, edge, axis=1)  # key change per edge
    perms = np.array(list(permutations(range(d))), dtype=np.int64).reshape(factorial(d), d)
    orders = np.take_along_axis(edge[:, None, :], perms[None], axis=2)  # (pairs, d!, d) edges in change order
    if d <= 1:
        return np.zeros((len(a), 1)), orders
    keys = space.keys[a][:, None, None] + np.cumsum(step[:, perms], axis=2)[:, :, :-1]  # (pairs, d!, d-1)
    return 0.5 * (v[a] + v[b])[:, None] - v[space.lookup(keys)].min(axis=2), orders


def _pairs(values, graph, a, b, kind: str):
    keyed = _product(graph)
    n = len(keyed.codes)
    v = oriented(check_values(values, n=n), kind)
    a = check_nodes(a, n, "a", keyed.index)
    b = check_nodes(b, n, "b", keyed.index)
    if len(a) != len(b):
        if 1 not in (len(a), len(b)):
            raise ValueError(f"a and b must have the same length (or one of them length 1), got {len(a)} and {len(b)}")
        a, b = (np.array(x) for x in np.broadcast_arrays(a, b))
    return v, keyed, a, b, (keyed.codes[a] != keyed.codes[b]).sum(axis=1)


def _blocks(dist: np.ndarray):
    """Pair positions grouped by distance, at most :data:`_PAIRS_PER_BLOCK` per block."""
    for d in np.unique(dist):
        rows = np.flatnonzero(dist == d)
        for lo in range(0, len(rows), _PAIRS_PER_BLOCK):
            yield int(d), rows[lo:lo + _PAIRS_PER_BLOCK]


def path_barriers(values, graph, a, b, *, kind: str = "accuracy") -> pd.DataFrame:
    """Barrier of every monotone path between each pair ``(a[i], b[i])``.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Accuracy (%) per node, or a loss with ``kind="loss"``.
    graph : ArchIndex, SpaceGraph or array_like of int, shape (n, E)
        A product space: an NB201 ``ArchIndex``, a :class:`~landscape.graph.SpaceGraph` with codes
        (:meth:`~landscape.graph.SpaceGraph.from_codes`) or the ``(n, E)`` code table of a toy product space
        (every op-code tuple once; row ``i`` is node ``i``).
    a, b : int, str or sequence of them
        Node ids or NB201 strings, same length (or one of length 1, paired with every entry of the other).
    kind : {"accuracy", "loss"}, default "accuracy"
        Whether higher (accuracy) or lower (loss) is better; see the module docstring.

    Returns
    -------
    pandas.DataFrame
        Long table ``pair, a, b, distance, path, order, barrier``: one row per (pair, path);
        ``path`` numbers the ``d!`` orders as ``itertools.permutations`` does, ``order`` lists
        the edges in the order they change (e.g. ``"3,0,5"``); one row with barrier 0 when ``d <= 1``.

    Raises
    ------
    ValueError
        If ``graph`` is not a product space, ``values`` are not finite with one per node, ``a`` or ``b`` are not
        nodes, their lengths differ (neither being 1) or ``kind`` is unknown.

    Examples
    --------
    >>> square = [[0, 0], [0, 1], [1, 0], [1, 1]]      # two binary edges: nodes 0 and 3 are two edits apart
    >>> path_barriers([4.0, 1.0, 3.0, 5.0], square, 0, 3)[["path", "order", "barrier"]].values.tolist()
    [[0, '0,1', 1.5], [1, '1,0', 3.5]]
    """
    v, keyed, a, b, dist = _pairs(values, graph, a, b, kind)
    parts = []
    for d, rows in _blocks(dist):
        bar, orders = _path_matrix(v, keyed, a[rows], b[rows], d)
        n_paths = bar.shape[1]
        flat = orders.reshape(-1, d)
        _, first, inverse = np.unique(flat @ (keyed.codes.shape[1] ** np.arange(d)), return_index=True,
                                      return_inverse=True)  # at most 6!/(6-d)! distinct edge sequences
        names = np.array([",".join(map(str, flat[i])) for i in first])
        parts.append(pd.DataFrame({
            "pair": np.repeat(rows, n_paths), "a": np.repeat(a[rows], n_paths), "b": np.repeat(b[rows], n_paths),
            "distance": d, "path": np.tile(np.arange(n_paths), len(rows)), "order": names[inverse],
            "barrier": bar.ravel()}))
    return pd.concat(parts).sort_values(["pair", "path"], ignore_index=True)


def pair_barriers(values, graph, a, b, *, kind: str = "accuracy") -> pd.DataFrame:
    """Per pair, the distribution of barriers over its monotone paths (see :func:`path_barriers`).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Accuracy (%) per node, or a loss with ``kind="loss"``.
    graph : ArchIndex, SpaceGraph or array_like of int, shape (n, E)
        A product space, as for :func:`path_barriers`.
    a, b : int, str or sequence of them
        Node ids or NB201 strings, same length (or one of length 1).
    kind : {"accuracy", "loss"}, default "accuracy"
        Whether higher (accuracy) or lower (loss) is better.

    Returns
    -------
    pandas.DataFrame
        ``pair, a, b, distance, n_paths, best, mean, median, worst`` (``best`` = the
        lowest barrier over the ``d!`` paths), one row per pair in input order.

    Raises
    ------
    ValueError
        For invalid arguments, as :func:`path_barriers`.

    Examples
    --------
    >>> square = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> pair_barriers([4.0, 1.0, 3.0, 5.0], square, 0, [3, 1])
       pair  a  b  distance  n_paths  best  mean  median  worst
    0     0  0  3         2        2   1.5   2.5     2.5    3.5
    1     1  0  1         1        1   0.0   0.0     0.0    0.0
    """
    v, keyed, a, b, dist = _pairs(values, graph, a, b, kind)
    summary = np.zeros((len(a), 5))
    for d, rows in _blocks(dist):
        bar = _path_matrix(v, keyed, a[rows], b[rows], d)[0]
        summary[rows] = np.column_stack([np.full(len(rows), bar.shape[1]), bar.min(1), bar.mean(1),
                                         np.median(bar, axis=1), bar.max(1)])
    return pd.DataFrame({"pair": np.arange(len(a)), "a": a, "b": b, "distance": dist,
                         "n_paths": summary[:, 0].astype(np.int64), "best": summary[:, 1], "mean": summary[:, 2],
                         "median": summary[:, 3], "worst": summary[:, 4]})


# -- spanning trees and bottlenecks -------------------------------------------------------------
def _rank_cost(v: np.ndarray) -> np.ndarray:
    """Positive cost per node, lower for better values (dense rank from the top, plus one)."""
    uniq, inverse = np.unique(v, return_inverse=True)
    return (len(uniq) - inverse).astype(np.float64)


def _tree(v: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Edges of a maximum spanning forest for edge weight ``min(v_u, v_w)``."""
    cost = np.maximum(*(_rank_cost(v)[e.T]))
    t = minimum_spanning_tree(sp.csr_matrix((cost, (e[:, 0], e[:, 1])), shape=(len(v), len(v)))).tocoo()
    return np.stack([t.row, t.col], axis=1).astype(np.int64)


def max_spanning_tree(values, graph) -> np.ndarray:
    """A maximum spanning forest of the graph with edge weight ``min(v_u, v_w)``, as ``(n − components, 2)`` edges.

    It holds a max-min (bottleneck) path between every pair of nodes: the path along the
    tree maximises the smallest value met.  Built with ``scipy.sparse.csgraph.minimum_spanning_tree``
    on rank costs (equal to negated weights, but positive and exact).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Value per node (higher is better; negate a loss).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.

    Returns
    -------
    numpy.ndarray of int64, shape (n − components, 2)
        The forest's edges ``(u, w)``.

    Raises
    ------
    ValueError
        For non-finite values, values not one per node, or a malformed graph.

    Examples
    --------
    >>> import networkx as nx
    >>> max_spanning_tree([4.0, 1.0, 3.0, 2.0], nx.cycle_graph(4)).tolist()   # drops an edge of weight 1
    [[0, 1], [0, 3], [2, 3]]
    """
    g, v = graph_and_values(graph, values)
    return _tree(v, g.edges)


def _path_min(v: np.ndarray, pred: np.ndarray, root: int) -> np.ndarray:
    """Smallest value on the tree path from each node up to ``root`` (root excluded), by pointer jumping.

    ``-inf`` for nodes the tree does not reach, ``+inf`` at the root.
    """
    reached = pred >= 0
    best = np.where(reached, v, -np.inf)
    ptr = np.where(reached, pred, root)
    best[root], ptr[root] = np.inf, root
    while (ptr != root).any():
        best = np.minimum(best, best[ptr])
        ptr = ptr[ptr]
    return best


def _padded(adj: sp.csr_matrix, nodes: np.ndarray) -> np.ndarray:
    """Neighbours of ``nodes`` as a table padded with ``n`` (an index one past the last node)."""
    deg = np.diff(adj.indptr)[nodes]
    width = max(int(deg.max()), 1)  # at least one column, all padding for isolated nodes
    col = np.arange(width)
    pos = adj.indptr[nodes][:, None] + np.minimum(col, np.maximum(deg[:, None] - 1, 0))
    return np.where(col < deg[:, None], np.append(adj.indices, 0)[pos], adj.shape[0])


def _prune(tree: np.ndarray, terminal: np.ndarray) -> np.ndarray:
    """Edges of the smallest subforest joining the ``terminal`` nodes: drop non-terminal leaves until none is left.

    One vectorised round per node of the longest dangling path (15 rounds for the top 1 % of NB201).
    """
    deg = np.bincount(tree.ravel(), minlength=len(terminal))
    while tree.size:
        leaf = (deg == 1) & ~terminal
        drop = leaf[tree[:, 0]] | leaf[tree[:, 1]]
        if not drop.any():
            break
        deg -= np.bincount(tree[drop].ravel(), minlength=len(terminal))
        tree = tree[~drop]
    return tree


def _minimax_matrix(v: np.ndarray, e: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """``M[i, j]``: the best achievable minimum over intermediates of a path ``nodes[i] → nodes[j]``.

    For a source ``a`` the widest paths of the graph with ``a`` at ``+inf`` lie on a maximum
    spanning tree of (global tree) ∪ (edges at ``a``) (raising weights only adds the raised
    edges to a spanning tree); pointer jumping on its BFS tree gives the best minimum
    ``W_a(y)`` to every ``y``, and ``M[a, b] = max_{y ∈ N(b)} W_a(y)`` (the last intermediate
    is a neighbour of ``b``).  Every such path runs between terminals (``nodes`` and their
    neighbours), so the global tree is first pruned to the subtree joining them (about 2,200
    of the 15,625 nodes for the top 1 % of NB201).  Meaningful for non-adjacent pairs only.
    """
    n = len(v)
    adj = adjacency(e, n)
    terminal = np.zeros(n, bool)
    terminal[nodes] = True
    terminal[adj[nodes].indices] = True
    tree = _prune(_tree(v, e), terminal)
    kept = np.flatnonzero(terminal | (np.bincount(tree.ravel(), minlength=n) > 0))
    local = np.full(n + 1, len(kept))  # node id -> position in kept; n (padding) -> one past the end
    local[kept] = np.arange(len(kept))
    m, vk, cost = len(kept), v[kept], _rank_cost(v)[kept]
    tree = local[tree]
    tree_cost = np.maximum(cost[tree[:, 0]], cost[tree[:, 1]])
    ports = local[_padded(adj, nodes)]
    out = np.empty((len(nodes), len(nodes)))
    for i, a in enumerate(local[nodes]):
        keep = (tree[:, 0] != a) & (tree[:, 1] != a)
        star = local[adj.indices[adj.indptr[kept[a]]:adj.indptr[kept[a] + 1]]]
        h = sp.csr_matrix((np.concatenate([tree_cost[keep], cost[star]]),
                           (np.concatenate([tree[keep, 0], np.full(len(star), a)]),
                            np.concatenate([tree[keep, 1], star]))), shape=(m, m))
        pred = breadth_first_order(minimum_spanning_tree(h), a, directed=False)[1]
        out[i] = np.append(_path_min(vk, pred, a), -np.inf)[ports].max(axis=1)
    return out


def minimax_barriers(values, graph, nodes, *, kind: str = "accuracy") -> pd.DataFrame:
    """Minimax barrier between every pair of ``nodes``, over all paths through the graph.

    ``bottleneck`` is the best achievable worst intermediate (max-min accuracy, or min-max
    loss, over the intermediates of a path) and ``barrier = ½(v_a + v_b) − bottleneck``
    (loss: ``bottleneck − ½(v_a + v_b)``), the lowest barrier of any path, hence never above
    the best monotone-path barrier.  Neighbours (no intermediates needed) have barrier 0 and
    bottleneck NaN; pairs in different components have barrier inf.  One ``minimum_spanning_tree``
    and one BFS per node of ``nodes`` (157 sources for the top 1 % of NB201).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Accuracy (%) per node, or a loss with ``kind="loss"``.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    nodes : sequence of int
        At least two distinct node ids.
    kind : {"accuracy", "loss"}, default "accuracy"
        Whether higher (accuracy) or lower (loss) is better.

    Returns
    -------
    pandas.DataFrame
        ``a, b, adjacent, bottleneck, barrier``, one row per pair ``i < j`` of ``nodes``.

    Raises
    ------
    ValueError
        If ``nodes`` holds fewer than 2 distinct nodes ("nodes must hold at least 2 distinct nodes, ...") or ids
        outside the graph, or for invalid values, graph or ``kind``.

    Examples
    --------
    >>> import networkx as nx
    >>> minimax_barriers([5.0, 1.0, 2.0, 6.0, 3.0, 4.0], nx.cycle_graph(6), [0, 1, 3]).values.tolist()
    [[0, 1, True, nan, 0.0], [0, 3, False, 3.0, 2.5], [1, 3, False, 3.0, 0.5]]
    """
    g, v = graph_and_values(graph, values)
    v, e = oriented(v, kind), g.edges
    nodes = check_nodes(nodes, len(v), "nodes")
    if len(np.unique(nodes)) != len(nodes) or len(nodes) < 2:
        raise ValueError(f"nodes must hold at least 2 distinct nodes, got {len(np.unique(nodes))} distinct")
    m = _minimax_matrix(v, e, nodes)
    i, j = np.triu_indices(len(nodes), k=1)
    a, b = nodes[i], nodes[j]
    adjacent = np.asarray(g.adjacency[a, b]).ravel() > 0
    bottleneck = np.where(adjacent, np.nan, m[i, j])
    barrier = np.where(adjacent, 0.0, 0.5 * (v[a] + v[b]) - bottleneck)
    sign = 1 if kind == "accuracy" else -1
    return pd.DataFrame({"a": a, "b": b, "adjacent": adjacent, "bottleneck": sign * bottleneck, "barrier": barrier})


def _merge_heights(v: np.ndarray, e: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Max-min value over paths between every pair of ``nodes``, endpoints included, by BFS on one max spanning tree."""
    n = len(v)
    tree = _tree(v, e)
    t = sp.csr_matrix((np.ones(len(tree)), (tree[:, 0], tree[:, 1])), shape=(n, n))
    out = np.empty((len(nodes), len(nodes)))
    for i, a in enumerate(nodes):
        pred = breadth_first_order(t, a, directed=False)[1]
        out[i] = np.minimum(_path_min(v, pred, a)[nodes], v[a])
    return out


def barrier_tree(values, graph, nodes=None, *, kind: str = "accuracy") -> pd.DataFrame:
    """Barrier tree (disconnectivity graph) of the local optima, or of ``nodes``.

    Leaves are the nodes no neighbour beats (the attractors of :func:`steepest_ascent`) unless
    ``nodes`` is given; internal nodes are merges.  Two groups merge at the highest level at
    which some path joins them through values ``>=`` it (superlevel-set merge height), i.e.
    single linkage on the max-min path values from BFS over one maximum spanning tree.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Accuracy (%) per node, or a loss with ``kind="loss"``.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    nodes : sequence of int, optional
        The leaves (node ids, duplicates dropped, sorted); default the local optima.
    kind : {"accuracy", "loss"}, default "accuracy"
        Whether higher (accuracy) or lower (loss) is better.

    Returns
    -------
    pandas.DataFrame
        One row per tree node: ``node`` (leaves ``0..k-1``, merges ``k..2k-2``), ``parent`` (-1 at the root),
        ``height`` (leaf: its value; merge: its merge height; ``-inf``, or ``+inf`` for a loss, where no path joins
        the two groups), ``arch`` (the leaf's node id, -1 for merges) and ``size`` (leaves below).

    Raises
    ------
    ValueError
        For invalid values, graph, ``nodes`` or ``kind``.

    Examples
    --------
    >>> tree = barrier_tree([3.0, 1.0, 4.0, 2.0, 5.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]))   # a path
    >>> tree["arch"].tolist(), tree["parent"].tolist(), tree["height"].tolist()  # 2, 4 merge at 2; 0 joins at 1
    ([0, 2, 4, -1, -1], [4, 3, 3, 4, -1], [3.0, 4.0, 5.0, 2.0, 1.0])
    """
    g, v = graph_and_values(graph, values)
    v, e = oriented(v, kind), g.edges
    if nodes is None:
        leaves = np.flatnonzero(v >= best_neighbours(v, g)[1])
    else:
        leaves = np.unique(check_nodes(nodes, len(v), "nodes"))
    k = len(leaves)
    height = np.concatenate([v[leaves], np.empty(max(k - 1, 0))])
    parent = np.full(max(2 * k - 1, 1), -1, np.int64)
    size = np.concatenate([np.ones(k, np.int64), np.empty(max(k - 1, 0), np.int64)])
    if k > 1:
        merge = _merge_heights(v, e, leaves)
        span = np.ptp(v) + 1.0
        dist = np.where(np.isfinite(merge), v.max() - merge, 2 * span)  # never-joined pairs: beyond any real merge
        np.fill_diagonal(dist, 0.0)
        z = linkage(squareform(dist, checks=False), method="single")
        for row, (c1, c2, d, count) in enumerate(z):  # k - 1 merges of the k optima, not a loop over the space
            parent[[int(c1), int(c2)]] = k + row
            height[k + row] = v.max() - d if d < 2 * span else -np.inf
            size[k + row] = int(count)
    sign = 1 if kind == "accuracy" else -1
    return pd.DataFrame({"node": np.arange(len(parent)), "parent": parent, "height": sign * height,
                         "arch": np.concatenate([leaves, np.full(max(k - 1, 0), -1)]), "size": size})


# -- basins -------------------------------------------------------------------------------------
def steepest_ascent(values, graph, *, kind: str = "accuracy", atol: float = ATOL) -> np.ndarray:
    """The local optimum each node reaches by steepest ascent (steepest descent of a loss).

    Each node moves to its best neighbour (ties: smallest id) while that neighbour is better by more than
    ``atol`` (default :data:`ATOL`: float32 noise is no slope; 0: strictly better); the end points are found
    for all nodes at once by pointer jumping.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Accuracy (%) per node, or a loss with ``kind="loss"``.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    kind : {"accuracy", "loss"}, default "accuracy"
        Ascent of an accuracy or descent of a loss.
    atol : float, default ATOL
        A move needs a neighbour better by more than this (>= 0).

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        The attractor (local optimum) of each node; an optimum is its own attractor.

    Raises
    ------
    ValueError
        For invalid values or graph, an unknown ``kind`` or a negative or non-finite ``atol``.

    Examples
    --------
    >>> import networkx as nx
    >>> steepest_ascent([3.0, 1.0, 4.0, 2.0, 5.0], nx.path_graph(5))
    array([0, 2, 2, 4, 4])
    >>> steepest_ascent([3.0, 1.0, 4.0, 2.0, 5.0], nx.path_graph(5), kind="loss")
    array([1, 1, 1, 3, 3])
    """
    g, v = graph_and_values(graph, values)
    v = oriented(v, kind)
    node, best = best_neighbours(v, g)
    ptr = np.where(best > v + check_atol(atol), node, np.arange(len(v)))
    while (ptr[ptr] != ptr).any():
        ptr = ptr[ptr]
    return ptr


def basins(values, graph, *, kind: str = "accuracy", atol: float = ATOL) -> pd.DataFrame:
    """Basins of attraction under steepest ascent (``atol`` as there): ``optimum, value, size``, largest first.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Accuracy (%) per node, or a loss with ``kind="loss"``.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    kind : {"accuracy", "loss"}, default "accuracy"
        Ascent of an accuracy or descent of a loss.
    atol : float, default ATOL
        Tolerance of the moves, as for :func:`steepest_ascent`.

    Returns
    -------
    pandas.DataFrame
        One row per optimum: ``optimum`` (node id), ``value`` (its value as given) and ``size`` (cells in its basin,
        the optimum included); sorted by size, largest first, ties by optimum id.

    Raises
    ------
    ValueError
        For invalid arguments, as :func:`steepest_ascent`.

    Examples
    --------
    >>> import networkx as nx
    >>> basins([3.0, 1.0, 4.0, 2.0, 5.0], nx.path_graph(5))
       optimum  value  size
    0        2    4.0     2
    1        4    5.0     2
    2        0    3.0     1
    """
    v = check_values(values)
    opt, size = np.unique(steepest_ascent(v, graph, kind=kind, atol=atol), return_counts=True)
    return pd.DataFrame({"optimum": opt, "value": v[opt], "size": size}).sort_values(
        ["size", "optimum"], ascending=[False, True], ignore_index=True)


def weak_strong_basins(values, graph, *, kind: str = "accuracy", atol: float = ATOL) -> pd.DataFrame:
    """Basins of the local optima under three definitions (FLA literature; Ochoa & Veerapen on NB201).

    ``basin``: the cells steepest ascent takes to the optimum (:func:`basins`); ``weak_basin``: the cells with
    *some* improving path to it (each step to a neighbour better by more than ``atol``); ``strong_basin``: the
    cells whose *every* improving path ends in it (they reach no other optimum).  One row per optimum (the
    attractors of :func:`steepest_ascent`), largest basin first.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Accuracy (%) per node, or a loss with ``kind="loss"``.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    kind : {"accuracy", "loss"}, default "accuracy"
        Whether higher (accuracy) or lower (loss) is better.
    atol : float, default ATOL
        An improving step needs a neighbour better by more than this (>= 0).

    Returns
    -------
    pandas.DataFrame
        ``optimum, value, basin, weak_basin, strong_basin`` (sizes in cells, the optimum included), sorted by
        ``basin``, largest first, ties by optimum id.

    Raises
    ------
    ValueError
        For invalid values or graph, an unknown ``kind`` or a negative or non-finite ``atol``.

    Examples
    --------
    >>> import networkx as nx
    >>> weak_strong_basins([3.0, 1.0, 4.0, 2.0, 5.0], nx.path_graph(5))   # cells 1 and 3 can climb two ways
       optimum  value  basin  weak_basin  strong_basin
    0        2    4.0      2           3             1
    1        4    5.0      2           2             1
    2        0    3.0      1           2             1
    """
    g, v = graph_and_values(graph, values)
    v, atol = oriented(v, kind), check_atol(atol)
    e = np.concatenate([g.edges, g.edges[:, ::-1]])
    up = e[v[e[:, 1]] > v[e[:, 0]] + atol]  # u -> w: w better
    down = sp.csr_matrix((np.ones(len(up)), (up[:, 1], up[:, 0])), shape=(len(v), len(v)))  # reversed: w -> u
    attractor = steepest_ascent(values, g, kind=kind, atol=atol)
    optima, size = np.unique(attractor, return_counts=True)
    reach = np.zeros((len(optima), len(v)), bool)
    for k, o in enumerate(optima):
        reach[k, breadth_first_order(down, o, directed=True, return_predecessors=False)] = True
    only_one = reach.sum(axis=0) == 1
    table = pd.DataFrame({"optimum": optima, "value": np.asarray(values, float)[optima], "basin": size,
                          "weak_basin": reach.sum(axis=1), "strong_basin": (reach & only_one).sum(axis=1)})
    return table.sort_values(["basin", "optimum"], ascending=[False, True], ignore_index=True)


# -- A²M's case study and summaries -------------------------------------------------------------
def distance3_pairs(codes: np.ndarray, members: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``n`` seeded pairs ``(a, b)`` of ``members`` at Hamming distance exactly 3, shape ``(k, 2)``.

    Parameters
    ----------
    codes : numpy.ndarray of int, shape (N, E)
        Op codes per node (e.g. ``store.codes``).
    members : numpy.ndarray of int, shape (m,)
        Node ids to pair (ids ascending give pairs with ``a < b``).
    n : int
        Most pairs to return (>= 0).
    rng : numpy.random.Generator
        Draws the pairs, uniformly without replacement, when more than ``n`` exist.

    Returns
    -------
    numpy.ndarray of int, shape (k, 2)
        ``k = min(n, number of pairs at distance 3)`` pairs, in the order of ``members``' upper triangle.

    Examples
    --------
    >>> cube = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)])   # 3 binary edges
    >>> distance3_pairs(cube, np.arange(8), 2, np.random.default_rng(0)).tolist()      # 4 opposite corners
    [[2, 5], [3, 4]]
    """
    i, j = np.triu_indices(len(members), k=1)
    d = (codes[members[i]] != codes[members[j]]).sum(axis=1)
    pairs = np.column_stack([members[i], members[j]])[d == 3]
    return pairs[np.sort(rng.choice(len(pairs), size=min(n, len(pairs)), replace=False))]


def abc_path_barriers(acc: Mapping[str, np.ndarray], graph, n_pairs: int = 500, *,
                      intervals: Mapping[str, Mapping[str, tuple[float, float]]] = ABC_INTERVALS,
                      random_state=None) -> pd.DataFrame:
    """Best / mean / worst monotone-path barrier of up to ``n_pairs`` seeded pairs at Hamming distance 3 inside
    each of A²M's A/B/C model sets (cells whose accuracy lies in the model's interval), per dataset; ``graph`` as
    for :func:`pair_barriers`.

    Parameters
    ----------
    acc : Mapping of str to numpy.ndarray
        Dataset name -> accuracy (%) per node; each dataset needs an entry in ``intervals``.
    graph : ArchIndex, SpaceGraph or array_like of int, shape (n, E)
        A product space, as for :func:`path_barriers`.
    n_pairs : int, default 500
        Most pairs per (dataset, model).
    intervals : Mapping of str to Mapping of str to (float, float), default ABC_INTERVALS
        Dataset -> model -> closed accuracy interval ``(low, high)``.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the pair draws (one generator for all datasets and models, in order).

    Returns
    -------
    pandas.DataFrame
        ``dataset, model, a, b, distance, n_paths, best, mean, median, worst``, one row per pair (see
        :func:`pair_barriers`); models with no pair at distance 3 contribute no rows.

    Raises
    ------
    KeyError
        For a dataset without ``intervals``.
    ValueError
        When no model has a pair ("No objects to concatenate"), or for an invalid ``random_state`` or graph.

    Examples
    --------
    >>> cube = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)])
    >>> out = abc_path_barriers({"toy": np.arange(1.0, 9.0)}, cube, 2, intervals={"toy": {"A": (1, 8)}},
    ...                         random_state=0)
    >>> out[["model", "a", "b", "n_paths", "best", "worst"]].values.tolist()
    [['A', 2, 5, 6, -2.5, 3.5], ['A', 3, 4, 6, -2.5, 3.5]]
    """
    rng = check_random_state(random_state)
    g = _product(graph)
    parts = []
    for d, values in acc.items():
        for model, (low, high) in intervals[d].items():
            members = np.flatnonzero((values >= low) & (values <= high))
            pairs = distance3_pairs(g.codes, members, n_pairs, rng)
            if len(pairs):
                frame = pair_barriers(values, g, pairs[:, 0], pairs[:, 1])
                parts.append(frame.drop(columns="pair").assign(dataset=d, model=model))
    out = pd.concat(parts, ignore_index=True)
    return out[["dataset", "model", "a", "b", "distance", "n_paths", "best", "mean", "median", "worst"]]


def minimax_quantiles(acc: Mapping[str, np.ndarray], graph, top_fraction: float = 0.01
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Minimax barriers among the best ``top_fraction`` of nodes per dataset: a summary and the quantile function
    of the barriers (101 points).

    Parameters
    ----------
    acc : Mapping of str to numpy.ndarray
        Dataset name -> accuracy (%) per node.
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    top_fraction : float, default 0.01
        Fraction of the nodes kept per dataset (the best ones, at least 2), strictly between 0 and 1.

    Returns
    -------
    summary : pandas.DataFrame
        One row per dataset: ``dataset, cells, pairs, min_accuracy`` (of the kept cells), ``frac_barrier_le_0``,
        ``median``, ``q90`` and ``max`` of the barriers (:func:`minimax_barriers`).
    curves : pandas.DataFrame
        ``dataset, quantile, barrier``: the barrier quantiles at ``0, 0.01, …, 1`` per dataset.

    Raises
    ------
    ValueError
        If ``top_fraction`` is not strictly between 0 and 1, or for invalid values or graph.

    Examples
    --------
    >>> import networkx as nx
    >>> summary, curves = minimax_quantiles({"toy": np.array([5.0, 1.0, 2.0, 6.0, 3.0, 4.0])}, nx.cycle_graph(6),
    ...                                     top_fraction=0.5)
    >>> summary[["cells", "pairs", "frac_barrier_le_0", "median", "max"]]
       cells  pairs  frac_barrier_le_0  median  max
    0      3      3           0.333333     2.0  2.5
    >>> curves["barrier"].iloc[[0, 50, 100]].tolist()
    [0.0, 2.0, 2.5]
    """
    top_fraction = check_fraction(top_fraction, "top_fraction")
    summary, curves = [], []
    q = np.linspace(0, 1, 101)
    for d, values in acc.items():
        top = np.argsort(-values, kind="stable")[: max(2, int(round(top_fraction * len(values))))]
        bar = minimax_barriers(values, graph, top)["barrier"].to_numpy()
        summary.append({"dataset": d, "cells": len(top), "pairs": len(bar), "min_accuracy": values[top].min(),
                        "frac_barrier_le_0": float(np.mean(bar <= 0)), "median": float(np.median(bar)),
                        "q90": float(np.quantile(bar, 0.9)), "max": float(bar.max())})
        curves.append(pd.DataFrame({"dataset": d, "quantile": q, "barrier": np.quantile(bar, q)}))
    return pd.DataFrame(summary), pd.concat(curves, ignore_index=True)
