"""The neighbour graph of the NB201 space, Hamming spheres and quotients by isomorphism."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from landscape.bench import DEFAULT_NODE_METRICS, nb201_graph
from landscape.graph import (edge_list, graph_from_edges, hamming_sphere, neighbour_table, quotient_edges,
                             quotient_graph, sphere_size)
from landscape.spaces.nb201 import N_ARCHS, ArchIndex, all_codes


@pytest.fixture(scope="module")
def nbrs(store):
    return neighbour_table(store.index)


@pytest.fixture(scope="module")
def G(store):
    return nb201_graph(store)


def _hamming(codes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamming distance between the cells of official indices a and b (broadcasting)."""
    return (codes[a] != codes[b]).sum(-1)


def test_neighbour_table(store, nbrs):
    assert nbrs.shape == (N_ARCHS, 24)
    rows = np.arange(N_ARCHS)[:, None]
    assert (nbrs != rows).all()
    s = np.sort(nbrs, axis=1)
    assert (np.diff(s, axis=1) > 0).all()  # 24 distinct entries per row
    assert nbrs.min() >= 0 and nbrs.max() < N_ARCHS
    assert (_hamming(store.codes, rows, nbrs) == 1).all()


def test_neighbour_table_is_symmetric(nbrs):
    u = np.repeat(np.arange(N_ARCHS), 24)
    v = nbrs.ravel()
    forward = set(zip(u.tolist(), v.tolist()))
    assert all((b, a) in forward for a, b in forward)
    assert len(forward) == N_ARCHS * 24


def test_neighbour_table_column_order(store, nbrs):
    codes = store.codes.astype(int)
    for e in range(6):
        for s in range(1, 5):
            want = codes.copy()
            want[:, e] = (want[:, e] + s) % 5
            np.testing.assert_array_equal(store.index.index_of(want), nbrs[:, 4 * e + s - 1])


def test_neighbour_table_on_another_index_order():
    # a different official order must give the same graph, relabelled
    perm = np.random.default_rng(0).permutation(N_ARCHS)
    base = neighbour_table(ArchIndex(all_codes()))
    other = neighbour_table(ArchIndex(all_codes()[perm]))
    inverse = np.argsort(perm)
    np.testing.assert_array_equal(inverse[base[perm]], other)


def test_edge_list(nbrs):
    edges = edge_list(nbrs)
    assert edges.shape == (187500, 2)
    assert (edges[:, 0] < edges[:, 1]).all()
    assert np.unique(edges[:, 0] * N_ARCHS + edges[:, 1]).size == 187500


def test_sphere_sizes():
    assert [sphere_size(r) for r in range(7)] == [1, 24, 240, 1280, 3840, 6144, 4096]
    assert sum(sphere_size(r) for r in range(7)) == N_ARCHS


@pytest.fixture(scope="module")
def sample():
    return np.random.default_rng(42).choice(N_ARCHS, size=200, replace=False)


@pytest.mark.parametrize("r, size", [(1, 24), (2, 240), (3, 1280)])
def test_hamming_sphere(store, sample, r, size):
    sph = hamming_sphere(store.index, r, sample)
    assert sph.shape == (200, size)
    assert (_hamming(store.codes, sample[:, None], sph) == r).all()
    s = np.sort(sph, axis=1)
    assert (np.diff(s, axis=1) > 0).all()


def test_hamming_spheres_are_disjoint_and_cover_the_space(store, sample):
    few = sample[:5]
    spheres = [hamming_sphere(store.index, r, few) for r in range(1, 7)]
    for k, a in enumerate(few):
        members = np.concatenate([s[k] for s in spheres])
        assert np.unique(members).size == members.size == N_ARCHS - 1  # disjoint
        assert a not in members
    for r in (4, 5, 6):
        assert (_hamming(store.codes, few[:, None], spheres[r - 1]) == r).all()


def test_hamming_sphere_radius_one_is_the_neighbour_table(store, nbrs, sample):
    np.testing.assert_array_equal(hamming_sphere(store.index, 1, sample), nbrs[sample])
    np.testing.assert_array_equal(hamming_sphere(store.index, 1, 7)[0], nbrs[7])


def test_hamming_sphere_radius_zero(store, sample):
    # the documented radius range is 0..6: the sphere of radius 0 is the cell itself
    np.testing.assert_array_equal(hamming_sphere(store.index, 0, sample), sample[:, None])


@pytest.mark.parametrize("r", [-1, 7, 1.0, "1"])
def test_hamming_sphere_rejects_bad_radius(store, r):
    with pytest.raises(ValueError, match="r must be"):
        hamming_sphere(store.index, r, [0])


def test_nb201_graph(store, G):
    assert G.number_of_nodes() == N_ARCHS
    assert G.number_of_edges() == 187500
    assert set(G.nodes) == set(range(N_ARCHS))
    assert {d for _, d in G.degree()} == {24}
    assert round(G.nodes[6111]["cifar10_test_200"], 2) == 94.37
    assert G.nodes[6111]["arch"] == store.index.arch_string(6111)
    assert G.nodes[0]["iso_class"] == 0
    assert set(G.nodes[0]) == {*DEFAULT_NODE_METRICS, "arch", "iso_class"}
    # attributes are named <dataset>_<split>_<epochs> with the store's dataset names
    for name, sel in DEFAULT_NODE_METRICS.items():
        assert name == f"{sel['dataset'].removesuffix('-valid')}_{sel['split']}_{sel['epochs']}"
    acc = store.array("cifar100", split="test", epochs=200)
    assert all(G.nodes[i]["cifar100_test_200"] == acc[i] for i in range(0, N_ARCHS, 97))


def test_nb201_graph_edges_are_the_neighbour_table(G, nbrs):
    assert all(set(G[u]) == set(nbrs[u].tolist()) for u in range(0, N_ARCHS, 13))


def test_edge_data_is_shared_by_both_directions(G):
    assert all(G[u][v] is G[v][u] for u, v in G.edges())
    u, v = next(iter(G.edges()))
    G[u][v]["probe"] = 1
    try:
        assert G[v][u]["probe"] == 1
        assert G.edges[v, u]["probe"] == 1
    finally:
        del G[u][v]["probe"]


def test_networkx_algorithms_work(store, G):
    assert nx.is_connected(G)
    rng = np.random.default_rng(7)
    for a, b in [(0, 6111), (0, 15624), *rng.choice(N_ARCHS, size=(3, 2))]:
        assert nx.shortest_path_length(G, int(a), int(b)) == _hamming(store.codes, a, b)
    lengths = nx.single_source_shortest_path_length(G, 6111)
    dist = _hamming(store.codes, np.full(N_ARCHS, 6111), np.arange(N_ARCHS))
    assert all(lengths[i] == dist[i] for i in range(N_ARCHS))
    assert max(lengths.values()) == 6


def test_nb201_graph_custom_metrics(store):
    G2 = nb201_graph(store, {"params": {"dataset": "cifar10-valid", "metric": "params_mb"}})
    assert set(G2.nodes[5]) == {"params", "arch", "iso_class"}
    with pytest.raises(ValueError):
        nb201_graph(store, {"x": {"dataset": "cifar10"}})  # ambiguous selection


def test_quotient_graph(store, G):
    Q = quotient_graph(G, store.isomorphism_classes())
    assert Q.number_of_nodes() == 6466
    weights = sum(w for _, _, w in Q.edges(data="weight"))
    internal = sum(k for _, k in Q.nodes(data="internal_edges"))
    assert weights + internal == 187500
    assert sum(s for _, s in Q.nodes(data="size")) == N_ARCHS
    assert set(Q.nodes) == set(np.unique(store.isomorphism_classes()).tolist())
    assert nx.number_of_selfloops(Q) == 0


def test_quotient_of_a_four_cycle():
    G4 = graph_from_edges(4, np.array([[0, 1], [1, 2], [2, 3], [3, 0]]))
    Q = quotient_graph(G4, np.array([0, 0, 2, 2]))
    assert set(Q.nodes) == {0, 2}
    assert Q[0][2]["weight"] == 2
    assert Q.number_of_edges() == 1
    assert Q.nodes[0] == {"size": 2, "internal_edges": 1}
    assert Q.nodes[2] == {"size": 2, "internal_edges": 1}
    q = quotient_edges(np.array([[0, 1], [1, 2], [2, 3], [3, 0]]), np.array([0, 0, 2, 2]))
    assert q["labels"].tolist() == [0, 2] and q["sizes"].tolist() == [2, 2]
    assert q["internal_edges"].tolist() == [1, 1]
    assert q["pairs"].tolist() == [[0, 2]] and q["weight"].tolist() == [2]


def test_quotient_by_hand_with_three_classes():
    # path 0-1-2-3-4 plus chord 0-4; classes {0,4}->7, {1}->3, {2,3}->5
    G5 = graph_from_edges(5, np.array([[0, 1], [1, 2], [2, 3], [3, 4], [0, 4]]))
    Q = quotient_graph(G5, np.array([7, 3, 5, 5, 7]))
    assert {tuple(sorted(e)): w for *e, w in Q.edges(data="weight")} == {(3, 7): 1, (3, 5): 1, (5, 7): 1}
    assert dict(Q.nodes(data="internal_edges")) == {3: 0, 5: 1, 7: 1}
    assert dict(Q.nodes(data="size")) == {3: 1, 5: 2, 7: 2}
    with pytest.raises(ValueError, match="shape"):
        quotient_graph(G5, np.array([0, 0, 1]))


def test_graph_from_edges():
    G3 = graph_from_edges(3, np.array([[0, 1], [1, 2]]), {"x": np.array([1.0, 2.0, 3.0])})
    assert sorted(G3.edges()) == [(0, 1), (1, 2)]
    assert G3.nodes[2]["x"] == 3.0
    assert G3[0][1] is G3[1][0]
    assert list(graph_from_edges(4, np.zeros((0, 2), int)).nodes) == [0, 1, 2, 3]


@pytest.mark.parametrize("edges", [[[0, 0]], [[1, 1], [0, 1]], [[0, 3]], [[-1, 1]], [[2, 5]]])
def test_graph_from_edges_rejects_bad_edges(edges):
    with pytest.raises(ValueError, match="different nodes"):
        graph_from_edges(3, np.array(edges))


def test_graph_from_edges_rejects_bad_attributes():
    with pytest.raises(ValueError, match="attribute 'x'"):
        graph_from_edges(3, np.array([[0, 1]]), {"x": np.ones(2)})


def test_graph_from_edges_with_repeated_edges_matches_networkx():
    # an edge listed twice (once per direction) is still one edge with one shared data dict
    edges = np.array([[0, 1], [1, 2], [1, 0]])
    G3 = graph_from_edges(3, edges)
    ref = nx.Graph()
    ref.add_nodes_from(range(3))
    ref.add_edges_from(edges.tolist())
    assert sorted(map(sorted, G3.edges())) == sorted(map(sorted, ref.edges()))
    assert all(G3[u][v] is G3[v][u] for u, v in G3.edges())
