"""SpaceGraph / as_graph: the one graph argument of the geometry functions."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from landscape.geometry import local_optima, neighbourhood, neighbourhood_flatness, path_barriers
from landscape.graph import SpaceGraph, as_graph


def hamming1_pairs(codes: np.ndarray) -> set[tuple[int, int]]:
    """The definition: nodes whose op codes differ in exactly one position (brute force over all pairs)."""
    return {(i, j) for i, j in itertools.combinations(range(len(codes)), 2) if (codes[i] != codes[j]).sum() == 1}


def test_product_space_edges_are_the_hamming_one_pairs():
    codes = np.array(list(itertools.product(range(3), repeat=3)))[::-1]  # any row order
    g = SpaceGraph.from_codes(codes)
    assert {tuple(e) for e in g.edges.tolist()} == hamming1_pairs(codes)
    assert g.max_radius == 3 and g.n_nodes == 27 and len(g.edges) == 27 * 6 // 2


def test_nb201_graph_is_cached_and_matches_the_definition(store):
    g = as_graph(store.index)
    assert g is as_graph(store.index) and g.index is store.index
    assert g.edges.shape == (15625 * 24 // 2, 2)
    sample = g.edges[np.random.default_rng(0).choice(len(g.edges), 500, replace=False)]
    assert ((store.codes[sample[:, 0]] != store.codes[sample[:, 1]]).sum(axis=1) == 1).all()
    acc = store.array("cifar10", split="test", epochs=200)
    assert np.array_equal(local_optima(acc, store.index), local_optima(acc, g.edges))


def test_every_graph_form_gives_the_same_answers():
    G = nx.cycle_graph(6)
    values = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 2.0])
    edges = np.array(list(G.edges()))
    for graph in (G, edges, SpaceGraph.from_edges(edges), edges[:, ::-1], edges.tolist()):
        assert local_optima(values, graph).tolist() == [0, 2, 4]
        assert np.allclose(neighbourhood_flatness(values, graph), [1.5, 2.5, 2.75, 3.0, 3.25, 2.0])  # by hand
    assert neighbourhood(G, 2, [0]).tolist() == [[2, 4]]


def test_monotone_paths_on_a_product_space_graph():
    codes = np.array(list(itertools.product(range(2), repeat=2)))
    values = np.array([1.0, 0.0, 3.0, 2.0])  # node = 2·c0 + c1
    frame = path_barriers(values, SpaceGraph.from_codes(codes), [0], [3])
    assert sorted(frame["barrier"].tolist()) == [-1.5, 1.5]  # ½(1 + 2) − 3 via node 2, ½(1 + 2) − 0 via node 1


@pytest.mark.parametrize("bad, message", [
    ("edges", "graph must be an NB201 ArchIndex, an \\(m, 2\\) edge array"),
    (None, "graph must be an NB201 ArchIndex"),
    (np.array([0, 1, 2]), r"edges must have shape \(m, 2\), got \(3,\)"),
    (np.array([[0, 0]]), "self-loops"),
    (np.array([[0, 9]]), r"edges join nodes 0..9, but the values cover nodes 0..5"),
])
def test_bad_graphs_are_clear_errors(bad, message):
    with pytest.raises(ValueError, match=message):
        local_optima(np.arange(6.0), bad)


def test_values_must_cover_a_fixed_graph(store):
    with pytest.raises(ValueError, match="values has 5 entries, expected 15625"):
        local_optima(np.arange(5.0), store.index)
    with pytest.raises(ValueError, match="networkx graph passed as graph must have the nodes 0..n-1"):
        as_graph(nx.relabel_nodes(nx.path_graph(3), {0: "a"}))
