"""One graph argument for every geometry function: :class:`SpaceGraph`, built by :func:`as_graph`.

The geometry functions take ``graph`` as any of

* an NB201 :class:`~landscape.spaces.nb201.ArchIndex` (Hamming-1 neighbours; spheres by key arithmetic),
* an ``(m, 2)`` array of undirected edges on nodes ``0..n-1``,
* a ``networkx.Graph`` on nodes ``0..n-1``,
* a :class:`SpaceGraph`, e.g. :meth:`SpaceGraph.from_codes` for a complete toy product space of op codes,

and turn it into a :class:`SpaceGraph` with :func:`as_graph`.  Derived arrays (checked edges, the sparse
adjacency) are computed once per graph: the graph of an ``ArchIndex`` is cached for the index's lifetime, so
``local_optima(acc, store.index)`` builds the 187,500 NB201 edges only on the first call.

>>> g = as_graph(store.index)
>>> g.n_nodes, g.edges.shape, g is as_graph(store.index)
(15625, (187500, 2), True)
"""

from __future__ import annotations

import weakref
from functools import cached_property

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ..spaces.nb201 import N_EDGES, N_OPS, ArchIndex
from .nb201 import edge_list, neighbour_table

__all__ = ["SpaceGraph", "as_graph", "adjacency"]

_INDEX_GRAPHS: weakref.WeakKeyDictionary[ArchIndex, SpaceGraph] = weakref.WeakKeyDictionary()


def _checked_edges(edges, n: int) -> np.ndarray:
    """Undirected edges as unique ``(u, v)`` rows with ``u < v``, nodes in ``0..n-1``, no self-loops."""
    e = np.asarray(edges)
    if e.ndim != 2 or e.shape[1] != 2:
        raise ValueError(f"edges must have shape (m, 2), got {e.shape}")
    if e.size and e.dtype.kind not in "iu":
        raise ValueError(f"edges must hold integer node ids, got dtype {e.dtype}")
    e = e.astype(np.int64)
    if e.size and (e.min() < 0 or e.max() >= n):
        raise ValueError(f"edges join nodes {e.min()}..{e.max()}, but the values cover nodes 0..{n - 1}")
    loops = np.flatnonzero(e[:, 0] == e[:, 1])
    if loops.size:
        raise ValueError(f"edges holds self-loops at rows {loops[:5].tolist()}; an edge joins two different nodes")
    key = np.sort(np.minimum(e[:, 0], e[:, 1]) * n + np.maximum(e[:, 0], e[:, 1]))
    key = key[np.r_[True, key[1:] != key[:-1]]] if key.size else key
    return np.stack(np.divmod(key, n), axis=1)


def adjacency(edges: np.ndarray, n: int) -> sp.csr_matrix:
    """Symmetric 0/1 CSR adjacency of checked edges ``(m, 2)`` on ``n`` nodes.

    Parameters
    ----------
    edges : numpy.ndarray
        Checked undirected edges, shape ``(m, 2)``: each edge once, no self-loops (e.g. :attr:`SpaceGraph.edges`).
    n : int
        Number of nodes; edges join nodes in ``0..n-1``.

    Returns
    -------
    scipy.sparse.csr_matrix
        int8 matrix of shape ``(n, n)`` with a 1 at ``(u, v)`` and ``(v, u)`` for every edge.

    Raises
    ------
    ValueError
        If an edge leaves ``0..n-1`` (from :mod:`scipy.sparse`).
    IndexError
        If ``edges`` is not two-dimensional.

    Examples
    --------
    >>> adjacency(np.array([[0, 1], [1, 2]]), 3).toarray()      # the path 0 - 1 - 2
    array([[0, 1, 0],
           [1, 0, 1],
           [0, 1, 0]], dtype=int8)
    """
    u, v = edges[:, 0], edges[:, 1]
    data = np.ones(2 * len(edges), dtype=np.int8)
    return sp.csr_matrix((data, (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n))


class SpaceGraph:
    """A search space's neighbour graph on nodes ``0..n_nodes-1``.

    ``index`` is set for the NB201 space and ``codes`` (one row of op codes per node) for any complete
    product space of op codes (NB201 included); plain edge graphs have neither.  Use :func:`as_graph`
    or the ``from_*`` constructors rather than ``__init__``.

    Parameters
    ----------
    n_nodes : int
        Number of nodes; they are ``0..n_nodes-1``.
    edges : array_like of int, optional
        Undirected edges, shape ``(m, 2)``; checked and normalised at once to unique sorted rows ``u < v``.
        Without it, :attr:`edges` is derived from ``index`` or ``codes`` on first use (none: no edges).
    index : ArchIndex, optional
        The NB201 official index (``store.index``).
    codes : numpy.ndarray, optional
        Op codes of a complete product space, one row per node (:meth:`from_codes` checks them).

    Raises
    ------
    ValueError
        If ``edges`` is not an ``(m, 2)`` integer array on nodes ``0..n_nodes-1`` without self-loops.

    Examples
    --------
    >>> g = SpaceGraph(4, edges=[[1, 0], [1, 2], [0, 1]])       # a repeated edge is kept once
    >>> g, g.edges.tolist(), g.max_radius
    (SpaceGraph(edge graph, n_nodes=4), [[0, 1], [1, 2]], None)
    >>> g.adjacency.toarray().sum(axis=1).tolist()                # degrees; node 3 is isolated
    [1, 2, 1, 0]
    """

    def __init__(self, n_nodes: int, *, edges: np.ndarray | None = None, index: ArchIndex | None = None,
                 codes: np.ndarray | None = None):
        self.n_nodes = int(n_nodes)
        self.index = index
        self.codes = codes
        if edges is not None:
            self.__dict__["edges"] = _checked_edges(edges, self.n_nodes)

    def __repr__(self) -> str:
        kind = "NB201" if self.index is not None else "product space" if self.codes is not None else "edge graph"
        return f"SpaceGraph({kind}, n_nodes={self.n_nodes})"

    @classmethod
    def from_edges(cls, edges, n_nodes: int | None = None) -> SpaceGraph:
        """The graph of an ``(m, 2)`` edge array; ``n_nodes`` defaults to the largest node id + 1.

        Parameters
        ----------
        edges : array_like of int
            Undirected edges, shape ``(m, 2)``, on nodes ``0..n_nodes-1``.
        n_nodes : int, optional
            Number of nodes (more than the largest id + 1 keeps isolated nodes at the end).

        Returns
        -------
        SpaceGraph
            A plain edge graph (no ``index``, no ``codes``).

        Raises
        ------
        ValueError
            If ``edges`` is not an ``(m, 2)`` integer array on nodes ``0..n_nodes-1`` without self-loops.

        Examples
        --------
        >>> SpaceGraph.from_edges([[0, 1], [2, 1]]).edges.tolist()
        [[0, 1], [1, 2]]
        """
        e = np.asarray(edges)
        if n_nodes is None:
            if e.dtype.kind not in "iu" and e.size:
                raise ValueError(f"edges must hold integer node ids, got dtype {e.dtype}")
            n_nodes = int(e.max()) + 1 if e.size else 0
        return cls(n_nodes, edges=e)

    @classmethod
    def from_index(cls, index: ArchIndex) -> SpaceGraph:
        """The NB201 graph (cached per index: :func:`as_graph`).

        Parameters
        ----------
        index : ArchIndex
            The official index (``store.index``).

        Returns
        -------
        SpaceGraph
            A new graph on the 15,625 official indices, with ``index`` and ``codes`` set; :func:`as_graph` caches it.

        Raises
        ------
        AttributeError
            If ``index`` is not an :class:`~landscape.spaces.nb201.ArchIndex`.

        Examples
        --------
        >>> from landscape.spaces.nb201 import ArchIndex, all_codes
        >>> g = SpaceGraph.from_index(ArchIndex(all_codes()))
        >>> g, g.max_radius, g.n_choices
        (SpaceGraph(NB201, n_nodes=15625), 6, 5)
        """
        return cls(len(index), index=index, codes=index.codes.astype(np.int64))

    @classmethod
    def from_codes(cls, codes) -> SpaceGraph:
        """A complete product space: ``codes`` lists each of the ``k**E`` op-code tuples once (row = node);
        neighbours differ in exactly one position.

        Parameters
        ----------
        codes : array_like of int
            Shape ``(k**E, E)``: every tuple of ``E`` op codes in ``0..k-1`` once, in any order (``k`` is the
            largest code + 1).

        Returns
        -------
        SpaceGraph
            The product space's Hamming-1 graph, with ``codes`` set.

        Raises
        ------
        ValueError
            If ``codes`` is not a non-empty two-dimensional array of non-negative integers, or does not list each
            of the ``k**E`` tuples exactly once.

        Examples
        --------
        >>> g = SpaceGraph.from_codes([[0, 0], [0, 1], [1, 0], [1, 1]])      # two binary positions: a square
        >>> g, g.edges.tolist(), g.max_radius
        (SpaceGraph(product space, n_nodes=4), [[0, 1], [0, 2], [1, 3], [2, 3]], 2)
        """
        c = np.asarray(codes)
        if c.ndim != 2 or c.size == 0 or c.dtype.kind not in "iu" or c.min() < 0:
            raise ValueError(f"space must be an ArchIndex or an (n, E) array of non-negative integer op codes, "
                             f"got {c.dtype} of shape {c.shape}")
        k = int(c.max()) + 1
        graph = cls(len(c), codes=c.astype(np.int64))
        position = np.full(k ** c.shape[1], -1, np.int64)
        position[graph.keys] = np.arange(len(c))
        if len(c) != k ** c.shape[1] or (position < 0).any():
            raise ValueError(f"space must list each of the {k}**{c.shape[1]} code tuples exactly once, "
                             f"got {len(c)} rows")
        graph.__dict__["_position"] = position
        return graph

    @classmethod
    def from_networkx(cls, G: nx.Graph) -> SpaceGraph:
        """The graph of a ``networkx.Graph`` whose nodes are ``0..n-1``.

        Parameters
        ----------
        G : networkx.Graph
            A graph whose node set is exactly ``0..n-1`` (edge data is ignored).

        Returns
        -------
        SpaceGraph
            A plain edge graph on ``G.number_of_nodes()`` nodes.

        Raises
        ------
        ValueError
            If the nodes of ``G`` are not ``0..n-1``.

        Examples
        --------
        >>> import networkx as nx
        >>> SpaceGraph.from_networkx(nx.cycle_graph(4)).edges.tolist()
        [[0, 1], [0, 3], [1, 2], [2, 3]]
        """
        n = G.number_of_nodes()
        if set(G.nodes) != set(range(n)):
            raise ValueError("a networkx graph passed as graph must have the nodes 0..n-1 (relabel it with "
                             "networkx.convert_node_labels_to_integers)")
        return cls(n, edges=np.array(list(G.edges()), dtype=np.int64).reshape(-1, 2))

    # -- product structure (index or codes) ------------------------------------------------------------------
    @cached_property
    def n_choices(self) -> int:
        """Ops per position of a product space (5 on NB201)."""
        return N_OPS if self.index is not None else int(self.codes.max()) + 1

    @cached_property
    def places(self) -> np.ndarray:
        """Mixed-radix place value of each position: ``key = codes @ places``."""
        return self.n_choices ** np.arange(self.codes.shape[1], dtype=np.int64)

    @cached_property
    def keys(self) -> np.ndarray:
        """The key of every node (NB201: ``index.keys()``)."""
        return self.index.keys() if self.index is not None else self.codes @ self.places

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Node ids of keys (any shape).

        Parameters
        ----------
        keys : numpy.ndarray
            Mixed-radix keys of op-code tuples (``codes @ places``; NB201: base-5 keys).

        Returns
        -------
        numpy.ndarray
            The node of each key, in the shape of ``keys``.

        Raises
        ------
        KeyError
            For an edge graph (it has no product structure).
        IndexError
            For a key outside ``0..n_nodes-1`` of a product space given by codes.

        Examples
        --------
        >>> g = SpaceGraph.from_codes([[0, 0], [0, 1], [1, 0], [1, 1]])
        >>> g.keys.tolist(), g.lookup(np.array([[2, 1]])).tolist()
        ([0, 2, 1, 3], [[1, 2]])
        """
        return self.index.index_of_key(keys) if self.index is not None else self.__dict__["_position"][keys]

    @property
    def max_radius(self) -> int | None:
        """The largest Hamming distance of a product space (6 on NB201); None for an edge graph."""
        return N_EDGES if self.index is not None else (self.codes.shape[1] if self.codes is not None else None)

    # -- derived arrays, computed once ---------------------------------------------------------------------
    @cached_property
    def edges(self) -> np.ndarray:
        """Checked undirected edges ``(m, 2)``, ``u < v``, sorted."""
        if self.index is not None:
            return _checked_edges(edge_list(neighbour_table(self.index)), self.n_nodes)
        if self.codes is None:
            return np.empty((0, 2), np.int64)
        c, k = self.codes, self.n_choices
        shift = np.arange(1, k)
        moved = self.keys[:, None, None] + (((c[:, :, None] + shift) % k) - c[:, :, None]) * self.places[:, None]
        nbrs = self.lookup(moved.reshape(len(c), -1))
        return _checked_edges(edge_list(nbrs), self.n_nodes)

    @cached_property
    def adjacency(self) -> sp.csr_matrix:
        """Symmetric 0/1 CSR adjacency matrix."""
        return adjacency(self.edges, self.n_nodes)


def as_graph(graph, n_nodes: int | None = None) -> SpaceGraph:
    """The :class:`SpaceGraph` of ``graph`` (see the module docstring for what is accepted).

    ``n_nodes`` (e.g. the length of the values array) is checked against the graph; for an edge array it
    sets the number of nodes, so isolated nodes at the end are kept.

    Parameters
    ----------
    graph : ArchIndex, array_like, networkx.Graph or SpaceGraph
        An NB201 index (its graph is cached for the index's lifetime), an ``(m, 2)`` edge array, a
        ``networkx.Graph`` on nodes ``0..n-1`` or a :class:`SpaceGraph` (returned as it is).
    n_nodes : int, optional
        The number of nodes the caller's values cover.

    Returns
    -------
    SpaceGraph
        The graph, on ``n_nodes`` nodes when given.

    Raises
    ------
    ValueError
        If ``graph`` is none of the accepted kinds, its edges are invalid (not ``(m, 2)`` integers on the nodes,
        or self-loops), a ``networkx.Graph``'s nodes are not ``0..n-1``, or the graph has other than ``n_nodes``
        nodes.

    Examples
    --------
    >>> as_graph(np.array([[0, 1], [1, 2]]), n_nodes=4)            # node 3: isolated
    SpaceGraph(edge graph, n_nodes=4)
    >>> as_graph(store.index) is as_graph(store.index)
    True
    >>> as_graph("nb201")
    Traceback (most recent call last):
    ...
    ValueError: graph must be an NB201 ArchIndex, an (m, 2) edge array, a networkx.Graph or a SpaceGraph, got str
    """
    if isinstance(graph, SpaceGraph):
        g = graph
    elif isinstance(graph, ArchIndex):
        g = _INDEX_GRAPHS.get(graph)
        if g is None:
            g = _INDEX_GRAPHS[graph] = SpaceGraph.from_index(graph)
    elif isinstance(graph, nx.Graph):
        g = SpaceGraph.from_networkx(graph)
    else:
        if graph is None or isinstance(graph, (str, bytes, dict, set)):
            raise ValueError(f"graph must be an NB201 ArchIndex, an (m, 2) edge array, a networkx.Graph or a "
                             f"SpaceGraph, got {type(graph).__name__}")
        return SpaceGraph.from_edges(graph, n_nodes)
    if n_nodes is not None and g.n_nodes != n_nodes:
        raise ValueError(f"the graph has {g.n_nodes} nodes, but the values cover {n_nodes}; pass one value per node")
    return g
