"""The NB201 space as a graph of neighbouring architectures.

Two cells are neighbours when they differ in the operation of exactly one edge
(Hamming distance 1 over op codes), so every cell has ``6 × 4 = 24`` neighbours and
the space has ``15,625 × 24 / 2 = 187,500`` undirected edges.  Everything here is
vectorised over the 15,625 cells; nodes are official indices.

Examples
--------
>>> from landscape.bench import load_store
>>> store = load_store()
>>> nbrs = neighbour_table(store.index)          # (15625, 24) int32
>>> G = nb201_graph(store)                        # networkx.Graph, accuracies as node attributes
>>> Q = quotient_graph(G, store.isomorphism_classes)
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain, combinations
from math import comb

import networkx as nx
import numpy as np

from .bench.store import Store
from .spaces.nb201 import N_ARCHS, N_EDGES, N_OPS, ArchIndex

__all__ = [
    "neighbour_table",
    "hamming_sphere",
    "sphere_size",
    "edge_list",
    "graph_from_edges",
    "nb201_graph",
    "quotient_edges",
    "quotient_graph",
    "DEFAULT_NODE_METRICS",
]

_PLACES = N_OPS ** np.arange(N_EDGES, dtype=np.int64)

#: Node attributes of :func:`nb201_graph` by default: name -> store selection.
DEFAULT_NODE_METRICS: dict[str, dict] = {
    "cifar10_test_200": {"dataset": "cifar10", "split": "test", "epochs": 200},
    "cifar100_test_200": {"dataset": "cifar100", "split": "test", "epochs": 200},
    "imagenet16_test_200": {"dataset": "ImageNet16-120", "split": "test", "epochs": 200},
    "cifar10_valid_200": {"dataset": "cifar10-valid", "split": "valid", "epochs": 200, "source": "landscapes"},
    "cifar10_valid_12": {"dataset": "cifar10", "split": "valid", "epochs": 12},
}


def sphere_size(r: int) -> int:
    """Number of cells at Hamming distance exactly ``r``: ``C(6, r) · 4**r`` (24, 240, 1,280 for r = 1, 2, 3)."""
    return comb(N_EDGES, r) * (N_OPS - 1) ** r


def _key_offsets(codes: np.ndarray, r: int) -> np.ndarray:
    """Key differences to every cell at distance ``r``, shape ``(n, sphere_size(r))``.

    Column order: edge subsets in lexicographic order, then the shifts ``(1..4)**r``
    (new op ``(op + shift) % 5``) in lexicographic order.  Each block is a broadcast sum of
    the per-edge key changes, written once in place (int32: keys are below 5**6).
    """
    c = codes.astype(np.int32)
    n, k = len(c), N_OPS - 1
    places = _PLACES.astype(np.int32)[:, None]
    delta = ((c[:, :, None] + np.arange(1, N_OPS, dtype=np.int32)) % N_OPS - c[:, :, None]) * places  # (n, 6, 4)
    out = np.empty((n, sphere_size(r)), np.int32)
    for b, edges in enumerate(combinations(range(N_EDGES), r)):
        head = delta[:, edges[0]]
        for e in edges[1:-1]:  # sums over all but the last edge: at most (n, 16) for r = 3
            head = head[..., None] + delta[:, e].reshape((n,) + (1,) * (head.ndim - 1) + (k,))
        block = out[:, b * k**r:(b + 1) * k**r].reshape((n,) + (k,) * r)  # a view: the slice is row-contiguous
        if r == 1:
            block[...] = head
        else:
            np.add(head[..., None], delta[:, edges[-1]].reshape((n,) + (1,) * (r - 1) + (k,)), out=block)
    return out


def hamming_sphere(index: ArchIndex, r: int, archs: np.ndarray | None = None) -> np.ndarray:
    """Official indices of all cells at Hamming distance exactly ``r`` from each of ``archs``.

    Parameters
    ----------
    index : the official index (``store.index``).
    r : radius, 0..6.
    archs : official indices (default: all 15,625 in order).

    Returns
    -------
    int32 array of shape ``(len(archs), sphere_size(r))``; column order as in
    :func:`neighbour_table` for ``r = 1``.
    """
    if not isinstance(r, (int, np.integer)) or not 0 <= r <= N_EDGES:
        raise ValueError(f"r must be an integer in 0..{N_EDGES}, got {r!r}")
    a = np.arange(N_ARCHS) if archs is None else np.atleast_1d(np.asarray(archs))
    codes = index.codes_of(a)
    if r == 0:
        return a.astype(np.int32)[:, None]
    keys = index.keys()[a][:, None] + _key_offsets(codes, int(r))
    return index.index_of_key(keys).astype(np.int32)


def neighbour_table(index: ArchIndex) -> np.ndarray:
    """The (15625, 24) neighbour table: row ``i`` lists the Hamming-1 neighbours of cell ``i``.

    Column ``4·e + (s − 1)`` holds the cell whose edge ``e`` (string order) carries op
    ``(op_e + s) mod 5``, for ``s = 1..4``.
    """
    return hamming_sphere(index, 1)


def edge_list(neighbours: np.ndarray) -> np.ndarray:
    """Undirected edges ``(u, v)`` with ``u < v`` from a neighbour table, shape ``(n_edges, 2)``."""
    u = np.repeat(np.arange(neighbours.shape[0], dtype=np.int32), neighbours.shape[1])
    v = neighbours.ravel()
    keep = u < v
    return np.stack([u[keep], v[keep]], axis=1)


def graph_from_edges(
    n_nodes: int, edges: np.ndarray, node_attributes: Mapping[str, np.ndarray] | None = None
) -> nx.Graph:
    """A ``networkx.Graph`` on nodes ``0..n_nodes-1`` with the given edges and per-node arrays as attributes.

    Fills networkx's adjacency in bulk (one data dict shared by both directions of
    an edge, as ``add_edges_from`` does), which is several times faster for the
    187,500 edges of NB201.
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


def nb201_graph(store: Store, metrics: Mapping[str, dict] | None = None) -> nx.Graph:
    """The whole NB201 space as a ``networkx.Graph``: 15,625 nodes, 187,500 edges.

    Every node (an official index) carries ``arch`` (its string), ``iso_class``
    (NB201 isomorphism class label) and one attribute per entry of ``metrics``
    (name -> keyword selection for :meth:`Store.array`; default
    :data:`DEFAULT_NODE_METRICS`: 200-epoch test accuracy on the three datasets,
    cifar10-valid validation accuracy and 12-epoch CIFAR-10 validation accuracy).
    """
    metrics = DEFAULT_NODE_METRICS if metrics is None else metrics
    attrs: dict[str, np.ndarray] = {name: store.array(**sel) for name, sel in metrics.items()}
    attrs["iso_class"] = store.isomorphism_classes
    attrs["arch"] = store.index.arch_string(np.arange(N_ARCHS))
    return graph_from_edges(N_ARCHS, edge_list(neighbour_table(store.index)), attrs)


def quotient_edges(edges: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """Array form of the quotient of a graph by a partition of its nodes.

    Parameters
    ----------
    edges : ``(m, 2)`` undirected edges on nodes ``0..n-1``.
    classes : class label per node, shape ``(n,)``.

    Returns
    -------
    dict with ``labels`` (sorted class labels), ``sizes`` and ``internal_edges`` per label,
    ``pairs`` ``(k, 2)`` (class pairs joined by at least one edge, smaller label first)
    and ``weight`` (number of member pairs that are neighbours, per pair).
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

    Parameters
    ----------
    G : a graph on nodes ``0..n-1`` (e.g. :func:`nb201_graph`).
    classes : class label per node, shape ``(n,)`` (e.g. ``store.isomorphism_classes``).

    Node attributes: ``size`` (members) and ``internal_edges`` (neighbour pairs inside
    the class, which become no edge of the quotient).  See :func:`quotient_edges`.
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
