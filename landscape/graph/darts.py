"""The DARTS space as a graph: A²M's moves (op substitutions and rewirings), distances, spheres and sampling.

Genotypes are compared in canonical form (:func:`~landscape.spaces.darts.canonical_codes`): the two edges
of a node are an unordered pair, so the space has :data:`~landscape.spaces.darts.N_GENOTYPES` nodes and
every genotype has :data:`N_MOVES` = 120 neighbours.  The space is too large to list, so these functions
work on genotypes (or codes arrays) rather than on a node table.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from ..spaces.darts import (EDGE_NODE, N_EDGES, N_NODES, N_OPS, Genotype, as_codes, canonical_codes, codes_to_genotype,
                            codes_to_key, genotype_to_codes)
from ..validation import check_int, check_random_state

__all__ = ["N_MOVES", "hamming_distance", "neighbour_codes", "neighbours", "sphere_size", "sample_neighbours"]


def _nodes(c: np.ndarray) -> np.ndarray:
    """View codes ``(..., 2, 8, 2)`` as ``(..., 2 cells, 4 nodes, 2 edges, 2)``."""
    return c.reshape(c.shape[:-2] + (N_NODES, 2, 2))


def _as_codes_any(x: Any) -> np.ndarray:
    return as_codes(x) if isinstance(x, np.ndarray) else genotype_to_codes(x)


def _node_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Fewest moves between node configurations ``(..., 2 edges, 2)``: the better of the two edge pairings."""
    direct = (a != b).sum(axis=(-1, -2))
    crossed = (a != b[..., ::-1, :]).sum(axis=(-1, -2))
    return np.minimum(direct, crossed)


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _node_distance(_nodes(a), _nodes(b)).sum(axis=(-1, -2))


def hamming_distance(g1: Any, g2: Any) -> int | np.ndarray:
    """Number of differing (op, input) choices between two genotypes, edges of a node matched as unordered pairs.

    Per node, the two edges of ``g1`` are paired with those of ``g2`` in the way (of the two) that
    differs in fewer op and input choices; the distance sums these counts over nodes and cells.
    This is the fewest A²M moves (op substitutions and rewirings, see :func:`neighbours`) that
    turn one genotype into the other, so radius-1 neighbours are exactly the genotypes at distance 1.
    Arguments are genotypes, genotype strings, or codes arrays ``(..., 2, 8, 2)`` (broadcast).
    """
    d = _distance(_as_codes_any(g1), _as_codes_any(g2))
    return int(d) if d.ndim == 0 else d


def _move_table() -> tuple[np.ndarray, ...]:
    """The 120 moves as arrays (cell, edge, partner edge, field, t): field 0 sets op ``(op + t) % 7``
    (t = 1..6), field 1 sets the input to the ``t``-th unused state of the node (t = 0..j-3)."""
    rows = []
    for cell in range(2):
        for e in range(N_EDGES):
            partner = e ^ 1
            rows += [(cell, e, partner, 0, t) for t in range(1, N_OPS)]
            rows += [(cell, e, partner, 1, t) for t in range(EDGE_NODE[e] - 2)]
    return tuple(np.array(col, dtype=np.int64) for col in zip(*rows))


_MOVES = _move_table()
#: Number of radius-1 neighbours of every genotype: 2 cells × (8 edges × 6 ops + Σ_j 2·(j − 2) rewirings) = 120.
N_MOVES = len(_MOVES[0])


def _apply_moves(c: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """Apply move ``moves[i]`` to genotype ``c[i]`` (any leading shape); returns canonical codes."""
    cell, edge, partner, field, t = (col[moves] for col in _MOVES)
    lead = tuple(np.indices(moves.shape, sparse=True))
    op = c[(*lead, cell, edge, 0)].astype(np.int64)
    src = c[(*lead, cell, edge, 1)].astype(np.int64)
    other = c[(*lead, cell, partner, 1)].astype(np.int64)
    unused = t.copy()  # the t-th state in 0..j-1 other than src and other
    unused += unused >= np.minimum(src, other)
    unused += unused >= np.maximum(src, other)
    out = c.copy()
    out[(*lead, cell, edge, field)] = np.where(field == 0, (op + t) % N_OPS, unused)
    return canonical_codes(out)


def neighbour_codes(codes: Sequence | np.ndarray) -> np.ndarray:
    """Canonical codes of all radius-1 neighbours: shape ``(..., 120, 2, 8, 2)`` for codes ``(..., 2, 8, 2)``.

    The :data:`N_MOVES` = 120 moves are 96 op substitutions (2 cells × 8 edges × 6 other ops) and
    24 rewirings (per cell, each edge of node ``j`` to one of the ``j − 2`` states its node does not
    use: 2·(0 + 1 + 2 + 3) = 12).  Their results are pairwise distinct in canonical form (a move
    changes one node; two op substitutions there differ in an op, two rewirings in the input set,
    and a rewiring changes the input set while a substitution keeps it), so no deduplication is needed.
    """
    c = canonical_codes(codes)
    lead = c.shape[:-3]
    c = np.broadcast_to(c[..., None, :, :, :], lead + (N_MOVES, 2, N_EDGES, 2))
    return _apply_moves(c, np.broadcast_to(np.arange(N_MOVES), lead + (N_MOVES,)))


def neighbours(genotype: Genotype | str | Any) -> list[Genotype]:
    """All 120 radius-1 neighbours of a genotype in canonical form (A²M's moves; see :func:`neighbour_codes`)."""
    return [codes_to_genotype(c) for c in neighbour_codes(genotype_to_codes(genotype))]


@cache
def _node_histogram(j: int, same_ops: bool) -> np.ndarray:
    """Configurations of a node with ``j`` allowed inputs at each distance 0..4 from one whose two ops are
    equal (``same_ops``) or differ: the counts depend on nothing else (inputs and ops are symmetric)."""
    configs = np.array([[[o1, i], [o2, k]] for k in range(j) for i in range(k)
                        for o1 in range(N_OPS) for o2 in range(N_OPS)])
    return np.bincount(_node_distance(configs, np.array([[0, 0], [0 if same_ops else 1, 1]])), minlength=5)


def _sphere_size(c: np.ndarray, radius: int) -> int:
    """Number of genotypes at distance ``radius`` from the genotype with codes ``c``: the coefficient of a
    product over its 8 nodes of per-node distance polynomials (distances 0..26 in all)."""
    total = np.array([1], dtype=np.int64)
    for cell in range(2):
        for e in range(0, N_EDGES, 2):
            total = np.convolve(total, _node_histogram(int(EDGE_NODE[e]), bool(c[cell, e, 0] == c[cell, e + 1, 0])))
    return int(total[radius]) if radius < len(total) else 0


def sphere_size(genotype: Genotype | str | Any, radius: int) -> int:
    """Number of genotypes at :func:`hamming_distance` exactly ``radius`` from ``genotype``.

    120 at radius 1 for every genotype; beyond, it depends on which nodes use the same op twice
    (swapping their inputs changes nothing), e.g. 6,864 at radius 2 when all 8 nodes do, 6,894 for DARTS_V2.
    """
    return _sphere_size(genotype_to_codes(genotype), check_int(radius, "radius", 0))


def sample_neighbours(genotype: Genotype | str | Any, radius: int, n: int,
                      random_state: int | np.random.Generator | None = None) -> list[Genotype]:
    """``n`` distinct genotypes at :func:`hamming_distance` exactly ``radius`` (A²M samples 30 at radius 3).

    Each candidate ends a random walk of ``radius`` uniformly chosen moves (:func:`neighbours`) from
    ``genotype``; walks that end closer (moves that undo or overlap each other) and repeats are
    dropped.  Results are in canonical form, in the order found; seeded calls are deterministic.

    Raises
    ------
    ValueError
        For a bad argument (named), ``n`` above :func:`sphere_size`, or when
        ``200·n + 10000`` walks do not find ``n`` distinct genotypes (ask for fewer).
    """
    c = canonical_codes(genotype_to_codes(genotype))
    radius = check_int(radius, "radius", 1)
    n = check_int(n, "n", 1)
    rng = check_random_state(random_state)
    available = _sphere_size(c, radius)
    if n > available:
        raise ValueError(f"n={n} exceeds the {available} genotypes at distance {radius} from this genotype")
    found: dict[int, np.ndarray] = {}
    batch, walks, budget = max(64, 2 * n), 0, 200 * n + 10_000
    while len(found) < n:
        if walks >= budget:
            raise ValueError(f"only {len(found)} distinct genotypes at distance {radius} found in {walks} random "
                             f"walks, n={n} asked for; ask for fewer")
        w = np.broadcast_to(c, (batch, 2, N_EDGES, 2))
        for _ in range(radius):
            w = _apply_moves(w, rng.integers(N_MOVES, size=batch))
        w = w[_distance(w, c) == radius]
        for key, row in zip(codes_to_key(w).tolist(), w):
            if len(found) < n:
                found.setdefault(key, row)
        walks += batch
    return [codes_to_genotype(row) for row in found.values()]
