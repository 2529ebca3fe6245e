"""Graph-argument checks (nodes, edges, radius) and the few array helpers the geometry modules share.

Generic checks live in :mod:`landscape.validation`; these raise ``ValueError`` in the same style.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..graph import SpaceGraph, as_graph
from ..spaces.nb201 import ArchIndex
from ..validation import check_choice, check_int, check_values

__all__ = [
    "ATOL",
    "check_atol",
    "graph_and_values",
    "check_nodes",
    "check_radius",
    "best_neighbours",
    "oriented",
]

KINDS = ("accuracy", "loss")
#: Default tolerance of every statistic that compares values for equality (optima, plateaus, basins, global
#: optima, FDC): two values closer than this are tied.  It absorbs the float32 noise of the NB201 tables (seed
#: means that should tie differ by about 5e-8); pass 0 for exact comparisons, as the published FLA tools make.
ATOL = 1e-6


def check_atol(atol, name: str = "atol") -> float:
    """A finite tolerance ``>= 0`` (``name`` for the message)."""
    if isinstance(atol, (bool, np.bool_)) or not isinstance(atol, (int, float, np.integer, np.floating)) \
            or not np.isfinite(atol) or atol < 0:
        raise ValueError(f"{name} must be a non-negative number (finite), got {atol!r}")
    return float(atol)


def graph_and_values(graph, values, name: str = "values") -> tuple[SpaceGraph, np.ndarray]:
    """The :class:`~landscape.graph.SpaceGraph` of ``graph`` and the checked ``values`` on its nodes.

    A graph with a fixed node set (``ArchIndex``, ``SpaceGraph``, ``networkx.Graph``) needs one value per
    node; an edge array takes its number of nodes from ``values``.
    """
    if isinstance(graph, (ArchIndex, SpaceGraph, nx.Graph)):
        g = as_graph(graph)
        return g, check_values(values, name, n=g.n_nodes)
    v = check_values(values, name)
    return as_graph(graph, len(v)), v


def check_nodes(nodes, n: int, name: str = "archs", index: ArchIndex | None = None) -> np.ndarray:
    """Node ids as a non-empty int64 array in ``0..n-1`` (None: all nodes).

    With an NB201 ``index``, architecture strings are accepted too (a malformed one raises
    :func:`~landscape.spaces.nb201.parse_arch`'s ``ValueError``).
    """
    if nodes is None:
        return np.arange(n, dtype=np.int64)
    arr = np.atleast_1d(np.asarray([nodes] if isinstance(nodes, str) else nodes))
    if arr.dtype.kind in "US":
        if index is None:
            raise ValueError(f"{name} holds strings {arr[:3].tolist()}, but this graph has no NB201 index; "
                             "pass node ids")
        arr = np.asarray(index.indices_of(arr.ravel().tolist()))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; pass at least one node")
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer node ids (or NB201 strings), got {arr[:5].tolist()}")
    arr = arr.astype(np.int64)
    bad = arr[(arr < 0) | (arr >= n)]
    if bad.size:
        raise ValueError(f"{name} holds {bad[:5].tolist()}, not nodes of this space (allowed: 0..{n - 1})")
    return arr


def check_radius(radius, max_radius: int | None = None) -> int:
    """A radius 1..max_radius (NB201: 1..6)."""
    return check_int(radius, "radius", 1, max_radius)


def best_neighbours(v: np.ndarray, g: SpaceGraph) -> tuple[np.ndarray, np.ndarray]:
    """Best neighbour (ties: smallest id) and its value per node; ``-1`` / ``-inf`` for isolated nodes.

    Reads the graph's CSR adjacency row by row (neighbour ids ascending): on a regular graph such as NB201's
    the rows form an ``(n, degree)`` neighbour table and this is one ``argmax``."""
    adj = g.adjacency
    adj.sort_indices()
    n, degree = len(v), np.diff(adj.indptr)
    node = np.full(n, -1, np.int64)
    if adj.indices.size == 0:
        return node, np.full(n, -np.inf)
    vals = v[adj.indices]
    if degree.min() == degree.max():  # a neighbour table: first maximum = smallest id among ties
        node = adj.indices.reshape(n, -1)[np.arange(n), vals.reshape(n, -1).argmax(axis=1)].astype(np.int64)
    else:
        has = degree > 0
        row_max = np.full(n, -np.inf)
        row_max[has] = np.maximum.reduceat(vals, adj.indptr[:-1][has])
        pos = np.flatnonzero(vals == np.repeat(row_max, degree))
        rows, first = np.unique(np.repeat(np.arange(n), degree)[pos], return_index=True)
        node[rows] = adj.indices[pos[first]]
    return node, np.where(node >= 0, v[np.maximum(node, 0)], -np.inf)


def oriented(values: np.ndarray, kind: str) -> np.ndarray:
    """Values turned so that higher is better: accuracy as is, a loss negated."""
    return values if check_choice(kind, "kind", KINDS) == "accuracy" else -values
