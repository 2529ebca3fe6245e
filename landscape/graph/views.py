"""networkx views of a space's graph, and its quotient by a partition (e.g. isomorphism classes)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain

import networkx as nx
import numpy as np

from .nb201 import edge_list

__all__ = ["graph_from_edges", "quotient_edges", "quotient_graph", "quotient_degrees"]


def graph_from_edges(
    n_nodes: int, edges: np.ndarray, node_attributes: Mapping[str, np.ndarray] | None = None
) -> nx.Graph:
    """A ``networkx.Graph`` on nodes ``0..n_nodes-1`` with the given edges and per-node arrays as attributes.

    Fills networkx's adjacency in bulk (one data dict shared by both directions of
    an edge, as ``add_edges_from`` does), which is several times faster for the
    187,500 edges of NB201.

    Parameters
    ----------
    n_nodes : int
        Number of nodes; they are ``0..n_nodes-1``.
    edges : array_like of int
        Undirected edges, shape ``(m, 2)``; an edge listed twice (either way round) is one edge.
    node_attributes : mapping of str to numpy.ndarray, optional
        Attribute name → one value per node, shape ``(n_nodes,)``.

    Returns
    -------
    networkx.Graph
        The graph, each node carrying its attribute values as Python scalars.

    Raises
    ------
    ValueError
        If an edge leaves ``0..n_nodes-1`` or joins a node to itself, or an attribute array does not have
        shape ``(n_nodes,)``.

    Examples
    --------
    >>> G = graph_from_edges(3, np.array([[0, 1], [1, 2], [2, 1]]), {"acc": np.array([90.0, 91.5, 89.0])})
    >>> G.number_of_edges(), G.nodes[1], list(G.neighbors(1))
    (2, {'acc': 91.5}, [0, 2])
    """
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if edges.size and (edges.min() < 0 or edges.max() >= n_nodes or (edges[:, 0] == edges[:, 1]).any()):
        raise ValueError(f"edges must join two different nodes in 0..{n_nodes - 1}")
    edges = np.unique(np.sort(edges, axis=1), axis=0)  # an edge listed twice (either way round) is one edge
    attrs = {}
    for name, values in (node_attributes or {}).items():
        values = np.asarray(values)
        if values.shape != (n_nodes,):
            raise ValueError(f"node attribute {name!r} has shape {values.shape}, expected ({n_nodes},)")
        attrs[name] = values.tolist()
    G = nx.Graph()
    G.add_nodes_from((i, dict(zip(attrs, row))) for i, row in enumerate(zip(*attrs.values()))) if attrs \
        else G.add_nodes_from(range(n_nodes))
    data = np.empty(len(edges), dtype=object)
    data[:] = [{} for _ in range(len(edges))]
    both = np.concatenate([edges, edges[:, ::-1]])
    order = np.lexsort((both[:, 1], both[:, 0]))
    starts = np.searchsorted(both[order, 0], np.arange(n_nodes + 1)).tolist()
    dst = both[order, 1].tolist()
    shared = np.tile(data, 2)[order].tolist()
    adj = G._adj
    for u in range(n_nodes):
        lo, hi = starts[u], starts[u + 1]
        adj[u].update(zip(dst[lo:hi], shared[lo:hi]))
    return G


def quotient_edges(edges: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """Array form of the quotient of a graph by a partition of its nodes.

    Parameters
    ----------
    edges : array_like of int
        ``(m, 2)`` undirected edges on nodes ``0..n-1``.
    classes : array_like of int
        Class label per node, shape ``(n,)``.

    Returns
    -------
    dict of str to numpy.ndarray
        ``labels`` (sorted class labels), ``sizes`` and ``internal_edges`` per label,
        ``pairs`` ``(k, 2)`` (class pairs joined by at least one edge, smaller label first)
        and ``weight`` (number of member pairs that are neighbours, per pair).

    Raises
    ------
    IndexError
        If an edge names a node without a class label (beyond ``len(classes) - 1``).

    Examples
    --------
    >>> q = quotient_edges(np.array([[0, 1], [1, 2], [2, 3], [0, 3]]), np.array([0, 0, 2, 2]))   # a 4-cycle
    >>> q["labels"].tolist(), q["internal_edges"].tolist(), q["pairs"].tolist(), q["weight"].tolist()
    ([0, 2], [1, 1], [[0, 2]], [2])
    """
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    classes = np.asarray(classes, dtype=np.int64)
    cu, cv = classes[edges[:, 0]], classes[edges[:, 1]]
    inside = cu == cv
    labels, sizes = np.unique(classes, return_counts=True)
    internal = np.bincount(np.searchsorted(labels, cu[inside]), minlength=labels.size)
    base = int(classes.max()) + 1 if classes.size else 1
    lo, hi = np.minimum(cu[~inside], cv[~inside]), np.maximum(cu[~inside], cv[~inside])
    key, weight = np.unique(lo * base + hi, return_counts=True)
    return {"labels": labels, "sizes": sizes, "internal_edges": internal,
            "pairs": np.stack(np.divmod(key, base), axis=1), "weight": weight}


def quotient_graph(G: nx.Graph, classes: np.ndarray) -> nx.Graph:
    """The graph of classes: nodes are class labels, edge weight = number of member pairs that are neighbours.

    Node attributes: ``size`` (members) and ``internal_edges`` (neighbour pairs inside
    the class, which become no edge of the quotient).  See :func:`quotient_edges`.

    Parameters
    ----------
    G : networkx.Graph
        A graph on nodes ``0..n-1`` (e.g. :func:`landscape.bench.nb201_graph`).
    classes : array_like of int
        Class label per node, shape ``(n,)`` (e.g. ``store.isomorphism_classes()``).

    Returns
    -------
    networkx.Graph
        The quotient: one node per class label, an edge of ``weight`` neighbour pairs between two classes.

    Raises
    ------
    ValueError
        If ``classes`` does not have shape ``(G.number_of_nodes(),)``.

    Examples
    --------
    >>> import networkx as nx
    >>> Q = quotient_graph(nx.cycle_graph(4), np.array([0, 0, 2, 2]))
    >>> list(Q.nodes(data=True)), list(Q.edges(data=True))
    ([(0, {'size': 2, 'internal_edges': 1}), (2, {'size': 2, 'internal_edges': 1})], [(0, 2, {'weight': 2})])
    """
    classes = np.asarray(classes)
    if classes.shape != (G.number_of_nodes(),):
        raise ValueError(f"classes has shape {classes.shape}, expected ({G.number_of_nodes()},)")
    edges = np.fromiter(chain.from_iterable(G.edges()), dtype=np.int64, count=2 * G.number_of_edges())
    q = quotient_edges(edges, classes)
    Q = nx.Graph()
    Q.add_nodes_from(
        (int(c), {"size": int(s), "internal_edges": int(k)})
        for c, s, k in zip(q["labels"], q["sizes"], q["internal_edges"])
    )
    Q.add_weighted_edges_from(zip(q["pairs"][:, 0].tolist(), q["pairs"][:, 1].tolist(), q["weight"].tolist()))
    return Q


def quotient_degrees(neighbours: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Degree of every class in the quotient graph (number of distinct neighbouring classes), in label order.

    Parameters
    ----------
    neighbours : numpy.ndarray
        Neighbour table of shape ``(n, k)`` (e.g. :func:`neighbour_table`).
    classes : array_like of int
        Class label per node, shape ``(n,)`` (e.g. ``store.isomorphism_classes()``).

    Returns
    -------
    numpy.ndarray
        int array with one degree per class, in sorted label order.

    Raises
    ------
    IndexError
        If ``neighbours`` is not two-dimensional or names a node without a class label.

    Examples
    --------
    >>> nbrs = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])           # a 4-cycle
    >>> quotient_degrees(nbrs, np.array([0, 0, 2, 2])).tolist(), quotient_degrees(nbrs, np.arange(4)).tolist()
    ([1, 1], [2, 2, 2, 2])
    """
    q = quotient_edges(edge_list(neighbours), classes)
    return np.bincount(np.searchsorted(q["labels"], q["pairs"].ravel()), minlength=q["labels"].size)
