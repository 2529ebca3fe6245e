"""Monotone-path and minimax barriers, the barrier tree and basins of steepest ascent."""

from __future__ import annotations

from itertools import permutations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape.geometry import (barrier_tree, basins, max_spanning_tree, minimax_barriers, pair_barriers, path_barriers,
                                steepest_ascent)
from landscape.graph import edge_list, neighbour_table
from landscape.spaces.nb201 import codes_to_key

from .conftest import path_edges

SETTINGS = settings(max_examples=60, deadline=None)


def toy_node(codes: np.ndarray, cell) -> int:
    return int(np.flatnonzero((codes == cell).all(axis=1))[0])


def test_toy_two_paths_by_hand(toy_codes):
    values = np.arange(9.0) * 10
    a, b = toy_node(toy_codes, (0, 0)), toy_node(toy_codes, (2, 1))
    via_first = toy_node(toy_codes, (2, 0))  # edge 0 changed first
    via_second = toy_node(toy_codes, (0, 1))  # edge 1 changed first
    mean = (values[a] + values[b]) / 2
    paths = path_barriers(values, toy_codes, a, b)
    assert paths.order.tolist() == ["0,1", "1,0"]
    assert paths.barrier.tolist() == [mean - values[via_first], mean - values[via_second]]
    pair = pair_barriers(values, toy_codes, a, b).iloc[0]
    assert (pair.distance, pair.n_paths) == (2, 2)
    assert pair.best == min(paths.barrier) and pair.worst == max(paths.barrier)


def test_no_intermediates_means_zero(toy_codes):
    values = np.arange(9.0)
    a, b = toy_node(toy_codes, (0, 0)), toy_node(toy_codes, (0, 2))
    out = pair_barriers(values, toy_codes, [a, a], [b, a])
    assert out.distance.tolist() == [1, 0] and out.n_paths.tolist() == [1, 1]
    assert (out[["best", "worst"]] == 0).all().all()


def test_loss_barrier_by_hand(toy_codes):
    loss = np.zeros(9)
    a, b, mid = toy_node(toy_codes, (0, 0)), toy_node(toy_codes, (1, 1)), toy_node(toy_codes, (1, 0))
    loss[[a, b, mid]] = [1.0, 3.0, 5.0]
    paths = path_barriers(loss, toy_codes, a, b, kind="loss")
    assert paths.barrier.tolist() == [5.0 - 2.0, 0.0 - 2.0]  # via (1, 0), then via (0, 1)


def brute_force(values, index, a, b):
    """Barrier of every monotone path, by editing op lists and looking cells up one by one."""
    ca, cb = index.codes_of(a).tolist(), index.codes_of(b).tolist()
    diff = [e for e in range(6) if ca[e] != cb[e]]
    out = []
    for order in permutations(diff):
        cell, mids = list(ca), []
        for e in order[:-1]:
            cell[e] = cb[e]
            mids.append(values[index.index_of(tuple(cell))])
        out.append((values[a] + values[b]) / 2 - min(mids) if mids else 0.0)
    return out


def test_nb201_paths_match_brute_force(base5_index):
    rng = np.random.default_rng(1)
    values = rng.normal(size=15625)
    a, b = rng.integers(0, 15625, 12), rng.integers(0, 15625, 12)
    got = path_barriers(values, base5_index, a, b)
    for i in range(12):
        assert np.allclose(got[got.pair == i].barrier, brute_force(values, base5_index, a[i], b[i]))
    d = got.groupby("pair").distance.first()
    assert (got.groupby("pair").size() == [np.prod(range(1, k + 1)) for k in d]).all()


def test_strings_accepted(base5_index):
    values = np.arange(15625.0)
    s = "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"
    out = pair_barriers(values, base5_index, s, 0)
    assert out.a.iloc[0] == base5_index.index_of(s) and out.distance.iloc[0] == 2


@SETTINGS
@given(d=st.integers(2, 6), seed=st.integers(0, 2**32 - 1), loss=st.booleans())
def test_barrier_nonnegative_on_monotone_concave_profiles(base5_index, d, seed, loss):
    """Loss rising concavely (accuracy falling convexly) along every monotone path: no path has a negative barrier."""
    rng = np.random.default_rng(seed)
    ca = rng.integers(0, 5, 6)
    edges = rng.choice(6, d, replace=False)
    cb = ca.copy()
    cb[edges] = (ca[edges] + rng.integers(1, 5, d)) % 5
    steps = np.sort(rng.uniform(0, 1, d))[::-1]  # decreasing increments: concave and increasing
    profile = np.concatenate([[0.0], np.cumsum(steps)])  # loss after k changed edges
    codes = base5_index.codes.astype(int)
    on_path = (codes[:, [e for e in range(6) if e not in edges]] == np.delete(ca, edges)).all(axis=1) & \
        ((codes[:, edges] == ca[edges]) | (codes[:, edges] == cb[edges])).all(axis=1)
    k = (codes[:, edges] == cb[edges]).sum(axis=1)
    metric = np.where(on_path, profile[k], rng.uniform(-5, 5, 15625))
    a, b = int(codes_to_key(ca)), int(codes_to_key(cb))
    out = path_barriers(metric if loss else -metric, base5_index, a, b, kind="loss" if loss else "accuracy")
    assert len(out) == np.prod(range(1, d + 1)) and (out.barrier >= -1e-12).all()


def test_max_spanning_tree_weight(toy_edges):
    values = np.random.default_rng(3).normal(size=9)
    tree = max_spanning_tree(values, toy_edges)
    G = nx.Graph([(u, v, {"w": min(values[u], values[v])}) for u, v in toy_edges])
    best = nx.maximum_spanning_tree(G, weight="w").size(weight="w")
    assert len(tree) == 8 and np.isclose(sum(min(values[u], values[v]) for u, v in tree), best)


def test_minimax_path_graph_by_hand():
    values = np.array([5.0, 1.0, 3.0, 2.0, 4.0])
    out = minimax_barriers(values, path_edges(5), [0, 1, 2, 4]).set_index(["a", "b"])
    assert out.loc[(0, 4)].barrier == 4.5 - 1 and out.loc[(0, 4)].bottleneck == 1
    assert out.loc[(0, 2)].barrier == 4 - 1 and out.loc[(2, 4)].barrier == 3.5 - 2
    assert out.loc[(0, 1)].barrier == 0 and out.loc[(0, 1)].adjacent and np.isnan(out.loc[(0, 1)].bottleneck)


def test_minimax_takes_the_detour():
    """A cycle: the long way round avoids the pit between 0 and 2."""
    values = np.array([5.0, 0.0, 6.0, 4.0, 3.0])
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]])
    out = minimax_barriers(values, edges, [0, 2]).iloc[0]
    assert out.bottleneck == 3.0 and out.barrier == 5.5 - 3.0
    loss = minimax_barriers(-values, edges, [0, 2], kind="loss").iloc[0]
    assert loss.bottleneck == -3.0 and loss.barrier == out.barrier


@SETTINGS
@given(n=st.integers(4, 8), p=st.floats(0.3, 0.9), seed=st.integers(0, 2**32 - 1))
def test_minimax_equals_best_simple_path(n, p, seed):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, p, seed=int(seed % 2**31))
    values = rng.integers(0, 5, n).astype(float)  # ties on purpose
    edges = np.array(G.edges(), dtype=np.int64).reshape(-1, 2)
    out = minimax_barriers(values, edges, np.arange(n))
    for a, b, barrier in zip(out.a, out.b, out.barrier):
        if G.has_edge(a, b):
            assert barrier == 0
            continue
        paths = [values[p[1:-1]].min() for p in nx.all_simple_paths(G, a, b)]
        want = (values[a] + values[b]) / 2 - max(paths) if paths else np.inf
        assert barrier == want


@pytest.fixture(scope="module")
def base5_edges(base5_index):
    return edge_list(neighbour_table(base5_index))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_minimax_never_above_any_monotone_path(base5_index, base5_edges, seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=15625)
    nodes = rng.choice(15625, 6, replace=False)
    mm = minimax_barriers(values, base5_edges, nodes)
    paths = path_barriers(values, base5_index, mm.a, mm.b)
    worst_gap = (mm.barrier.to_numpy()[paths.pair] - paths.barrier).max()
    assert worst_gap <= 1e-12


def test_barrier_tree_by_hand():
    values = np.array([5.0, 1.0, 4.0, 2.0, 3.0])  # optima 0, 2, 4
    tree = barrier_tree(values, path_edges(5))
    assert tree.arch.tolist() == [0, 2, 4, -1, -1]
    assert tree.height.tolist() == [5, 4, 3, 2, 1]
    assert tree.parent.tolist() == [4, 3, 3, 4, -1] and tree["size"].tolist() == [1, 1, 1, 2, 3]


def test_barrier_tree_disconnected():
    tree = barrier_tree(np.array([1.0, 0.0, 2.0, 3.0]), np.array([[0, 1], [2, 3]]))
    assert tree.arch.tolist() == [0, 3, -1] and tree.height.iloc[-1] == -np.inf


def test_steepest_ascent_and_basins_by_hand():
    values = np.array([5.0, 1.0, 4.0, 2.0, 3.0])
    assert steepest_ascent(values, path_edges(5)).tolist() == [0, 0, 2, 2, 4]
    assert steepest_ascent(-values, path_edges(5), kind="loss").tolist() == [0, 0, 2, 2, 4]
    b = basins(values, path_edges(5))
    assert b.values.tolist() == [[0, 5.0, 2], [2, 4.0, 2], [4, 3.0, 1]]


def test_steepest_ascent_long_chain():
    values = np.arange(1000.0)
    assert (steepest_ascent(values, path_edges(1000)) == 999).all()


@pytest.mark.parametrize("call, match", [
    (lambda v, i, e: pair_barriers(v, i, [0, 1, 2], [3, 4]), "a and b must have the same length"),
    (lambda v, i, e: pair_barriers(v, i, -1, 3), r"a holds \[-1\], not nodes"),
    (lambda v, i, e: pair_barriers(v[:9], np.zeros((9, 2), int), 0, 1), "space must list each"),
    (lambda v, i, e: pair_barriers(v, i, 0, 1, kind="gain"), "kind must be one of 'accuracy', 'loss'"),
    (lambda v, i, e: minimax_barriers(v, e, [3, 3]), "at least 2 distinct nodes"),
    (lambda v, i, e: minimax_barriers(v, e[:, :1], [1, 2]), r"edges must have shape \(m, 2\)"),
    (lambda v, i, e: minimax_barriers(v, np.array([[0, 0]]), [1, 2]), "self-loops"),
    (lambda v, i, e: basins(v[:5], e), "edges join nodes 0..15624, but the values cover nodes 0..4"),
])
def test_validation(base5_index, base5_edges, call, match):
    with pytest.raises(ValueError, match=match):
        call(np.zeros(15625), base5_index, base5_edges)


# -- the real store ------------------------------------------------------------------------------
def test_top_one_percent_minimax(store, cifar10, nb201_edges):
    top = np.argsort(cifar10)[-157:]
    mm = minimax_barriers(cifar10, nb201_edges, top)
    assert len(mm) == 157 * 156 // 2
    best = pair_barriers(cifar10, store.index, mm.a, mm.b).best.to_numpy()
    assert (mm.barrier.to_numpy() <= best + 1e-12).all()


def test_best_arch_is_a_leaf_of_the_barrier_tree(cifar10, nb201_edges):
    tree = barrier_tree(cifar10, nb201_edges)
    best = int(np.argmax(cifar10))
    assert best in set(tree.arch) and tree.height.max() == cifar10.max()
    assert (tree.parent == -1).sum() == 1
    sizes = basins(cifar10, nb201_edges)
    assert sizes["size"].sum() == 15625 and set(sizes.optimum) == set(tree.arch[tree.arch >= 0])
