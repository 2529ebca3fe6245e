"""Local optima networks (LONs), their sinks and funnels (Ochoa et al. 2008; Ochoa & Veerapen, PPSN 2022, on NB201).

A LON's nodes are the local optima of a landscape, each standing for its basin of attraction under steepest
ascent (:func:`~landscape.geometry.barriers.steepest_ascent`); a directed edge ``a → b`` says how a search can
move from optimum ``a`` to optimum ``b``, typed ``improving`` (``b`` better by more than ``atol``), ``equal`` or
``worsening``.  Two constructions:

* :func:`basin_lon`, exact: ``a → b`` whenever some neighbour-graph edge joins basin ``a`` to basin ``b``; its
  weight is the probability that a uniform one-edit move from a uniform cell of basin ``a`` lands in basin ``b``
  (the basin-transition LON of Ochoa et al. 2008);
* :func:`sampled_lon`, the iterated local search of the FLA literature (as NAS-Landscapes samples NB201): from a
  random cell climb to its optimum, then repeatedly kick it by ``strength`` random edits and climb again, record
  the edge (weight: how often), accept the new optimum when it is not worse, and stop a run after ``patience``
  kicks in a row that find nothing better.

:func:`funnels`: a sink is an optimum with no improving out-edge; the funnel of a sink is every optimum from
which an improving path reaches it.  A funnel landscape with one sink is easy for local search; several sinks
are traps.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from ..validation import check_int, check_random_state
from ._common import ATOL, check_atol, graph_and_values
from .barriers import steepest_ascent

__all__ = ["EDGE_TYPES", "LON", "basin_lon", "sampled_lon", "funnels"]

#: Edge types of a LON, by the change of value along the edge.
EDGE_TYPES = ("improving", "equal", "worsening")


@dataclass
class LON:
    """A local optima network: ``nodes`` (``optimum, value, basin_size``, best first) and ``edges``
    (``source, target, weight, type``; optima by their node id in the landscape).

    Parameters
    ----------
    nodes : pandas.DataFrame
        One row per optimum: ``optimum`` (node id), ``value`` and ``basin_size`` (cells), best value first.
    edges : pandas.DataFrame
        One row per directed edge: ``source``, ``target`` (optima), ``weight`` (a transition probability in
        :func:`basin_lon`, a count in :func:`sampled_lon`) and ``type`` (one of :data:`EDGE_TYPES`).

    Examples
    --------
    >>> lon = basin_lon([5.0, 1.0, 4.0, 2.0, 6.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]))
    >>> lon.nodes
       optimum  value  basin_size
    0        4    6.0           2
    1        0    5.0           2
    2        2    4.0           1
    >>> sorted(lon.to_networkx().successors(2)), lon.to_networkx().nodes[2]
    ([0, 4], {'value': 4.0, 'basin_size': 1})
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame

    def to_networkx(self) -> nx.DiGraph:
        """The LON as a ``networkx.DiGraph`` with the node and edge columns as attributes."""
        g = nx.DiGraph()
        g.add_nodes_from((int(r.optimum), {"value": r.value, "basin_size": int(r.basin_size)})
                         for r in self.nodes.itertuples())
        g.add_edges_from((int(r.source), int(r.target), {"weight": r.weight, "type": r.type})
                         for r in self.edges.itertuples())
        return g


def _types(delta: np.ndarray, atol: float) -> np.ndarray:
    return np.where(delta > atol, "improving", np.where(delta < -atol, "worsening", "equal"))


def _nodes(v: np.ndarray, attractor: np.ndarray) -> pd.DataFrame:
    optimum, size = np.unique(attractor, return_counts=True)
    return (pd.DataFrame({"optimum": optimum, "value": v[optimum], "basin_size": size})
            .sort_values(["value", "optimum"], ascending=[False, True], ignore_index=True))


def basin_lon(values, graph, *, atol: float = ATOL) -> LON:
    """The exact basin-transition LON of a landscape (maximised; see the module docstring).

    Edge weight ``w(a → b) = #{(i, j) neighbour pairs: i in basin a, j in basin b} / Σ_{i in a} degree(i)``;
    the weights out of ``a`` plus its self-transition sum to 1.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    atol : float, default ATOL
        Tolerance of steepest ascent and of the edge types (>= 0).

    Returns
    -------
    LON
        Every attractor of steepest ascent with its basin size; the edges between basins, sorted by
        ``(source, target)``, without self-transitions.

    Raises
    ------
    ValueError
        For invalid values or graph, or a negative or non-finite ``atol``.

    Examples
    --------
    >>> lon = basin_lon([5.0, 1.0, 4.0, 2.0, 6.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]))  # basins 01, 2, 34
    >>> lon.edges
       source  target    weight       type
    0       0       2  0.333333  worsening
    1       2       0  0.500000  improving
    2       2       4  0.500000  improving
    3       4       2  0.333333  worsening
    """
    g, v = graph_and_values(graph, values)
    atol = check_atol(atol)
    attractor = steepest_ascent(v, g, atol=atol)
    e = g.edges
    both = np.concatenate([e, e[:, ::-1]])  # each undirected edge in both directions
    a, b = attractor[both[:, 0]], attractor[both[:, 1]]
    cross = a != b
    pairs, count = np.unique(np.stack([a[cross], b[cross]], axis=1), axis=0, return_counts=True)
    degree = np.bincount(both[:, 0], minlength=len(v))
    out_degree = np.bincount(attractor, weights=degree, minlength=len(v))
    edges = pd.DataFrame({"source": pairs[:, 0], "target": pairs[:, 1], "weight": count / out_degree[pairs[:, 0]]})
    edges["type"] = _types(v[edges["target"]] - v[edges["source"]], atol) if len(edges) else []
    return LON(_nodes(v, attractor), edges.sort_values(["source", "target"], ignore_index=True))


def _ils_moves(v: np.ndarray, attractor: np.ndarray, adj, rng: np.random.Generator, n_runs: int, strength: int,
               patience: int, max_kicks: int, atol: float) -> dict[tuple[int, int], int]:
    """How often iterated local search moved from optimum to optimum, ``{(here, there): kicks}`` (see
    :func:`sampled_lon`; checked arguments, ``adj`` the graph's CSR adjacency)."""
    degree = np.diff(adj.indptr)
    moves: dict[tuple[int, int], int] = {}
    for _ in range(n_runs):
        here = int(attractor[rng.integers(len(v))])
        stale = 0
        for _ in range(max_kicks):
            cell = here
            for _ in range(strength):
                if degree[cell]:
                    cell = int(adj.indices[adj.indptr[cell] + rng.integers(degree[cell])])
            there = int(attractor[cell])
            moves[here, there] = moves.get((here, there), 0) + 1
            stale = 0 if v[there] > v[here] + atol else stale + 1
            if v[there] >= v[here] - atol:
                here = there
            if stale >= patience:
                break
    return moves


def sampled_lon(values, graph, *, n_runs: int = 100, strength: int = 2, patience: int = 100, max_kicks: int = 10_000,
                atol: float = ATOL, random_state=None) -> LON:
    """A LON sampled by iterated local search (the FLA literature's procedure; see the module docstring).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Fitness per node (higher is better, e.g. accuracy in %).
    graph : ArchIndex, SpaceGraph, networkx.Graph or array of shape (m, 2)
        Anything :func:`landscape.graph.as_graph` accepts.
    n_runs : int, default 100
        Independent runs, each from a uniform random cell.
    strength : int, default 2
        Random edits per kick (a random walk of that many steps on the neighbour graph; 2 by default,
        as a perturbation strength beyond the one-edit neighbourhood).
    patience : int, default 100
        A run stops after this many kicks in a row without a strictly better optimum (escape criterion).
    max_kicks : int, default 10000
        At most this many kicks per run.
    atol : float, default ATOL
        Tolerance of the comparisons (>= 0).
    random_state : None, int or numpy.random.Generator, optional
        Seed of every random choice.

    Returns
    -------
    LON
        Nodes are the optima visited, with their basin sizes; edge weight = how often the move was sampled.

    Raises
    ------
    ValueError
        If ``n_runs``, ``strength``, ``patience`` or ``max_kicks`` is not an integer >= 1, or for invalid values,
        graph, ``atol`` or ``random_state``.

    Examples
    --------
    >>> lon = sampled_lon([5.0, 1.0, 4.0, 2.0, 6.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]), random_state=1)
    >>> lon.edges.values.tolist()          # worse moves are recorded (weight: count), not accepted
    [[0, 2, 2206, 'worsening'], [2, 0, 15, 'improving'], [2, 4, 11, 'improving'], [4, 2, 2703, 'worsening']]
    """
    g, v = graph_and_values(graph, values)
    atol = check_atol(atol)
    n_runs, strength = check_int(n_runs, "n_runs", 1), check_int(strength, "strength", 1)
    patience, max_kicks = check_int(patience, "patience", 1), check_int(max_kicks, "max_kicks", 1)
    rng = check_random_state(random_state)
    attractor = steepest_ascent(v, g, atol=atol)
    moves = _ils_moves(v, attractor, g.adjacency, rng, n_runs, strength, patience, max_kicks, atol)
    pairs = np.array([k for k in moves if k[0] != k[1]], dtype=np.int64).reshape(-1, 2)
    visited = np.unique(np.array(list(moves), dtype=np.int64).ravel())
    edges = pd.DataFrame({"source": pairs[:, 0], "target": pairs[:, 1],
                          "weight": [moves[int(s), int(t)] for s, t in pairs]})
    edges["type"] = _types(v[edges["target"]] - v[edges["source"]], atol) if len(edges) else []
    nodes = _nodes(v, attractor)
    return LON(nodes[nodes["optimum"].isin(visited)].reset_index(drop=True),
               edges.sort_values(["source", "target"], ignore_index=True))


def funnels(lon: LON) -> pd.DataFrame:
    """The sinks of ``lon`` and their funnels, best sink first.

    A sink is an optimum with no improving out-edge; sinks joined by ``equal`` edges (tied optima, such as
    CIFAR-10's two at 94.3733) form one neutral sink.  Columns: ``sink`` (its optima, space-separated), ``value``,
    ``optima`` (optima with an improving path into the sink, its own included; an optimum may reach several
    sinks), ``cells`` (the cells of their basins), ``share_of_cells`` and ``exclusive_optima`` (optima that reach
    this sink and no other).

    Parameters
    ----------
    lon : LON
        A local optima network (:func:`basin_lon` or :func:`sampled_lon`).

    Returns
    -------
    pandas.DataFrame
        One row per (neutral) sink with the columns above, sorted by ``value`` (best first), then ``sink``;
        ``share_of_cells`` is a fraction of the cells of all the LON's basins (shares may sum to more than 1).

    Examples
    --------
    >>> lon = basin_lon([5.0, 1.0, 4.0, 2.0, 6.0], np.array([[0, 1], [1, 2], [2, 3], [3, 4]]))
    >>> funnels(lon)                       # optimum 2 improves into both sinks, 0 and 4
      sink  value  optima  cells  share_of_cells  exclusive_optima
    0    4    6.0       2      3             0.6                 1
    1    0    5.0       2      3             0.6                 1
    """
    up, flat = nx.DiGraph(), nx.Graph()
    nodes = lon.nodes["optimum"].astype(int).tolist()
    up.add_nodes_from(nodes)
    for kind, graph in (("improving", up), ("equal", flat)):
        part = lon.edges[lon.edges["type"] == kind]
        graph.add_edges_from(zip(part["source"].astype(int), part["target"].astype(int)))
    size = dict(zip(nodes, lon.nodes["basin_size"].astype(int)))
    value = dict(zip(nodes, lon.nodes["value"]))
    sinks = [n for n in nodes if up.out_degree(n) == 0]
    flat.add_nodes_from(sinks)
    groups = [sorted(c) for c in nx.connected_components(flat.subgraph(sinks))]
    reach = [set().union(*(nx.ancestors(up, s) | {s} for s in group)) for group in groups]
    total = sum(size.values())
    rows = []
    for i, (group, members) in enumerate(zip(groups, reach)):
        others = set().union(*(r for j, r in enumerate(reach) if j != i))
        cells = sum(size[n] for n in members)
        rows.append({"sink": " ".join(map(str, group)), "value": max(value[s] for s in group), "optima": len(members),
                     "cells": cells, "share_of_cells": cells / total, "exclusive_optima": len(members - others)})
    return pd.DataFrame(rows, columns=["sink", "value", "optima", "cells", "share_of_cells", "exclusive_optima"]) \
        .sort_values(["value", "sink"], ascending=[False, True], ignore_index=True)
