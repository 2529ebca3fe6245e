"""The NB201 space as a graph of neighbouring architectures: the neighbour table and Hamming spheres.

Two cells are neighbours when they differ in the operation of exactly one edge
(Hamming distance 1 over op codes), so every cell has ``6 × 4 = 24`` neighbours and
the space has ``15,625 × 24 / 2 = 187,500`` undirected edges.  Everything here is
vectorised over the 15,625 cells; nodes are official indices.

Examples
--------
>>> from landscape.bench import load_store
>>> store = load_store()
>>> nbrs = neighbour_table(store.index)
>>> edges = edge_list(nbrs)
>>> nbrs.shape, edges.shape
((15625, 24), (187500, 2))
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np

from ..spaces.nb201 import N_ARCHS, N_EDGES, N_OPS, ArchIndex

__all__ = ["neighbour_table", "hamming_sphere", "sphere_size", "edge_list"]

_PLACES = N_OPS ** np.arange(N_EDGES, dtype=np.int64)


def sphere_size(r: int) -> int:
    """Number of cells at Hamming distance exactly ``r``: ``C(6, r) · 4**r`` (24, 240, 1,280 for r = 1, 2, 3).

    Parameters
    ----------
    r : int
        The Hamming distance (number of edges whose op differs), 0..6; larger ``r`` gives 0.

    Returns
    -------
    int
        The size of every NB201 cell's Hamming sphere of radius ``r``.

    Raises
    ------
    ValueError
        For a negative ``r`` (from :func:`math.comb`).
    TypeError
        For a non-integer ``r``.

    Examples
    --------
    >>> [sphere_size(r) for r in range(7)]
    [1, 24, 240, 1280, 3840, 6144, 4096]
    >>> sum(sphere_size(r) for r in range(7))      # the whole space
    15625
    """
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
    index : ArchIndex
        The official index (``store.index``).
    r : int
        Radius, 0..6.
    archs : array_like of int, optional
        Official indices (default: all 15,625 in order).

    Returns
    -------
    numpy.ndarray
        int32 array of shape ``(len(archs), sphere_size(r))``; column order as in
        :func:`neighbour_table` for ``r = 1``.

    Raises
    ------
    ValueError
        If ``r`` is not an integer in 0..6, or ``archs`` holds non-integers or indices outside 0..15624.

    Examples
    --------
    >>> from landscape.spaces.nb201 import ArchIndex, all_codes
    >>> index = ArchIndex(all_codes())       # a stand-in for store.index: official index = base-5 key
    >>> hamming_sphere(index, 1, archs=[0])[0, :6]
    array([ 1,  2,  3,  4,  5, 10], dtype=int32)
    >>> hamming_sphere(index, 2, archs=[0, 1]).shape, hamming_sphere(index, 0, archs=[7]).tolist()
    ((2, 240), [[7]])
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

    Parameters
    ----------
    index : ArchIndex
        The official index (``store.index``).

    Returns
    -------
    numpy.ndarray
        int32 array of shape ``(15625, 24)`` of official indices (:func:`hamming_sphere` with ``r = 1``).

    Raises
    ------
    AttributeError
        If ``index`` is not an :class:`~landscape.spaces.nb201.ArchIndex` (it has no ``codes_of``).

    Examples
    --------
    >>> from landscape.spaces.nb201 import ArchIndex, all_codes
    >>> nbrs = neighbour_table(ArchIndex(all_codes()))
    >>> nbrs.shape, nbrs[0, :4].tolist()     # cell 0's first edge set to ops 1..4
    ((15625, 24), [1, 2, 3, 4])
    """
    return hamming_sphere(index, 1)


def edge_list(neighbours: np.ndarray) -> np.ndarray:
    """Undirected edges ``(u, v)`` with ``u < v`` from a neighbour table, shape ``(n_edges, 2)``.

    Parameters
    ----------
    neighbours : numpy.ndarray
        Neighbour table of shape ``(n, k)``: row ``i`` lists the neighbours of node ``i``
        (e.g. :func:`neighbour_table`); each edge appears in the rows of both its ends.

    Returns
    -------
    numpy.ndarray
        int array of shape ``(n_edges, 2)``, row-major over the table (sorted by ``u``).

    Raises
    ------
    IndexError
        If ``neighbours`` is not two-dimensional.

    Examples
    --------
    >>> edge_list(np.array([[1, 2], [0, 2], [0, 1]]))       # a triangle
    array([[0, 1],
           [0, 2],
           [1, 2]])
    """
    u = np.repeat(np.arange(neighbours.shape[0], dtype=np.int32), neighbours.shape[1])
    v = neighbours.ravel()
    keep = u < v
    return np.stack([u[keep], v[keep]], axis=1)
