"""Local optima, plateaus and neutral networks, FDC, random-walk autocorrelation, the quotient landscape."""

from __future__ import annotations

import numpy as np
import pytest

from landscape.geometry import (autocorrelation, best_neighbour, correlation_length, fitness_distance_correlation, landscape_summary,
                                local_optima, neutral_network_table, neutral_networks, quotient,
                                random_walk_autocorrelation)

from .conftest import path_edges


def test_local_optima_path_graph(path5):
    values = np.array([5.0, 1.0, 4.0, 2.0, 3.0])
    assert local_optima(values, path5).tolist() == [0, 2, 4]
    node, value = best_neighbour(values, path5)
    assert node.tolist() == [1, 0, 3, 2, 3] and value.tolist() == [1, 5, 2, 4, 2]


def test_plateau_optimum(path5):
    values = np.array([1.0, 2.0, 2.0, 2.0, 1.0])
    assert local_optima(values, path5).tolist() == []
    assert local_optima(values, path5, strict=False).tolist() == [1, 2, 3]
    assert neutral_networks(values, path5).tolist() == [0, 1, 1, 1, 4]
    table = neutral_network_table(values, path5)
    assert table.iloc[0].to_dict() == {"network": 1, "size": 3, "value_min": 2.0, "value_max": 2.0,
                                       "value_mean": 2.0, "local_optimum": True, "neighbour_networks": 2,
                                       "neighbour_values": 1}
    assert table.local_optimum.tolist() == [True, False, False]


def test_beaten_plateau():
    values = np.array([1.0, 2.0, 2.0, 3.0])
    edges = path_edges(4)
    assert local_optima(values, edges, strict=False).tolist() == [1, 3]  # node 1 ties, nobody beats it
    table = neutral_network_table(values, edges).set_index("network")
    assert not table.loc[1, "local_optimum"] and table.loc[3, "local_optimum"]


def test_neutral_networks_with_tolerance():
    values = np.array([1.0, 1.05, 1.1, 3.0])
    edges = path_edges(4)
    assert neutral_networks(values, edges, tol=0.06).tolist() == [0, 0, 0, 3]  # chains past tol
    assert neutral_networks(values, edges).tolist() == [0, 1, 2, 3]


def test_fdc_by_hand(path5):
    assert np.isclose(fitness_distance_correlation(np.arange(5.0), path5), -1.0)
    assert np.isclose(fitness_distance_correlation(np.array([0.0, 1, 2, 1, 0]), path5), -1.0)  # distance 2,1,0,1,2
    assert np.isnan(fitness_distance_correlation(np.ones(5), path5))


def test_fdc_on_nb201_uses_hamming_distance(base5_index):
    from landscape.graph import edge_list, neighbour_table

    values = np.random.default_rng(0).normal(size=15625)
    hamming = (base5_index.codes != base5_index.codes[np.argmax(values)]).sum(axis=1)
    want = np.corrcoef(values, hamming)[0, 1]
    assert np.isclose(fitness_distance_correlation(values, edge_list(neighbour_table(base5_index))), want)


def test_random_walk_two_nodes_alternate():
    rho = random_walk_autocorrelation([0.0, 1.0], np.array([[0, 1]]), n_walkers=4, n_steps=9, max_lag=3,
                                      random_state=0)
    assert rho.lag.tolist() == [1, 2, 3] and np.allclose(rho.rho, [-1, 1, -1])


def test_random_walk_reproducible_and_smooth_on_a_path():
    values, edges = np.arange(50.0), path_edges(50)
    a = random_walk_autocorrelation(values, edges, n_walkers=50, n_steps=400, random_state=1)
    b = random_walk_autocorrelation(values, edges, n_walkers=50, n_steps=400, random_state=1)
    assert a.equals(b) and (np.diff(a.rho) < 0).all() and a.rho.iloc[0] > 0.9


def test_correlation_length():
    assert np.isclose(correlation_length(0.5), 1 / np.log(2))
    assert correlation_length(-0.5) == correlation_length(0.5)
    assert correlation_length(1.0) == np.inf and correlation_length(0.0) == 0.0 and np.isnan(correlation_length(np.nan))
    with pytest.raises(ValueError, match="rho1 must be an autocorrelation"):
        correlation_length(1.5)


def test_quotient_by_hand():
    values = np.array([1.0, 3.0, 10.0, 20.0])
    qv, qe, labels = quotient(values, path_edges(4), [0, 0, 2, 2])
    assert qv.tolist() == [2.0, 15.0] and qe.tolist() == [[0, 1]] and labels.tolist() == [0, 2]


def test_summary_counts(path5):
    s = landscape_summary(np.array([5.0, 1.0, 4.0, 2.0, 3.0]), path5, n_walkers=10, n_steps=20, random_state=0)
    assert (s["nodes"], s["edges"], s["strict_optima"], s["nonstrict_optima"], s["plateaus"]) == (5, 4, 3, 3, 0)
    flat = landscape_summary(np.ones(5), path5, n_walkers=3, n_steps=5, random_state=0)
    assert flat["plateaus"] == 1 and flat["largest_plateau"] == 5 and np.isnan(flat["correlation_length"])


@pytest.mark.parametrize("call, match", [
    (lambda: local_optima([1.0, np.inf], [[0, 1]]), r"values holds NaN or inf at positions \[1\]"),
    (lambda: local_optima([1.0, 2.0], [[0, 2]]), "edges join nodes 0..2, but the values cover nodes 0..1"),
    (lambda: neutral_networks([1.0, 2.0], [[0, 1]], tol=-1), "tol must be a non-negative number"),
    (lambda: random_walk_autocorrelation([1.0, 2.0], [[0, 1]], n_steps=0), "n_steps must be an integer >= 1"),
    (lambda: random_walk_autocorrelation([1.0, 2.0], [[0, 1]], random_state="x"), "random_state must be"),
    (lambda: quotient([1.0, 2.0], [[0, 1]], [0.5, 1.5]), "classes must be integer labels"),
    (lambda: local_optima([], np.empty((0, 2), int)), "values is empty"),
])
def test_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- the real store ------------------------------------------------------------------------------
def test_best_cifar10_arch_is_a_strict_local_optimum(cifar10, nb201_edges):
    assert int(np.argmax(cifar10)) in set(local_optima(cifar10, nb201_edges))
    assert len(local_optima(cifar10, nb201_edges)) < 100


def dense_autocorrelation(values: np.ndarray, edges: np.ndarray, lag: int) -> float:
    """From the definition, with dense matrices: the stationary walk's lag-k correlation of fitness,
    Corr(f(X_0), f(X_k)) with X_0 ~ π (π_i ∝ degree) and X_k ~ P^k(X_0, ·), P = D⁻¹A."""
    n = len(values)
    a = np.zeros((n, n))
    a[edges[:, 0], edges[:, 1]] = a[edges[:, 1], edges[:, 0]] = 1
    p = a / a.sum(axis=1, keepdims=True)
    pi = a.sum(axis=1) / a.sum()
    joint = pi[:, None] * np.linalg.matrix_power(p, lag)  # P(X_0 = i, X_k = j)
    mean = pi @ values
    cov = values @ joint @ values - mean ** 2
    return float(cov / (pi @ values ** 2 - mean ** 2))


def test_exact_autocorrelation_from_the_definition():
    rng = np.random.default_rng(0)
    edges = np.array([(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (3, 4), (4, 5)])  # irregular: degrees differ
    values = rng.normal(size=6)
    got = autocorrelation(values, edges, max_lag=4)
    for k in range(1, 5):
        assert got.rho[k - 1] == pytest.approx(dense_autocorrelation(values, edges, k), abs=1e-12)
    assert autocorrelation(np.ones(6), edges, max_lag=1).rho.isna().all()
    with pytest.raises(ValueError, match="no edges"):
        autocorrelation(values, np.zeros((0, 2), dtype=int))


def test_exact_autocorrelation_within_the_monte_carlo_interval(store):
    """On NB201 (24-regular, so the walks start stationary) the Monte-Carlo ρ(1) of independent seeds brackets the
    exact value: within 3 standard errors of their mean."""
    acc = store.array("cifar10", split="test", epochs=200)
    exact = autocorrelation(acc, store.index, max_lag=2)
    walks = np.array([random_walk_autocorrelation(acc, store.index, n_walkers=200, n_steps=300, max_lag=2,
                                                  random_state=seed).rho.to_numpy() for seed in range(10)])
    mean, se = walks.mean(axis=0), walks.std(axis=0, ddof=1) / np.sqrt(len(walks))
    assert np.all(np.abs(exact.rho.to_numpy() - mean) < 3 * se)
    assert exact.rho[0] == pytest.approx(0.56, abs=0.005)  # the README's ρ(1), correlation length 1.72
    assert correlation_length(exact.rho[0]) == pytest.approx(1.72, abs=0.01)


def test_two_tied_global_optima_and_atol():
    """A path with optima at both ends: distance is to the nearer one; a float-noise gap splits them unless atol."""
    from scipy.stats import kendalltau, pearsonr, spearmanr

    from landscape.geometry import global_optima

    edges = path_edges(5)
    tied = np.array([5.0, 3.0, 1.0, 3.0, 5.0])
    assert global_optima(tied, edges).tolist() == [0, 4]
    for method in ("pearson", "spearman", "kendall"):
        assert fitness_distance_correlation(tied, edges, method=method) == pytest.approx(-1.0)
    noisy = tied - np.array([0, 0, 0, 0, 5e-8])  # float32 noise on one optimum: tied by default, not at atol=0
    assert global_optima(noisy, edges).tolist() == [0, 4] and global_optima(noisy, edges, atol=0).tolist() == [0]
    far = np.arange(5.0)  # distance to node 0 only
    assert fitness_distance_correlation(noisy, edges, atol=0) == pytest.approx(pearsonr(noisy, far).statistic)
    assert fitness_distance_correlation(noisy, edges, method="kendall", atol=0) == pytest.approx(
        kendalltau(noisy, far).statistic)
    assert fitness_distance_correlation(noisy, edges, method="spearman") == pytest.approx(
        spearmanr(noisy, [0, 1, 2, 1, 0]).statistic)
    # the other equality statistics take the same tolerance
    peak = np.array([1.0, 3.0, 3.0 + 5e-8, 1.0, 2.0])  # nodes 1 and 2 tie up to float noise
    assert local_optima(peak, edges).tolist() == [4] and local_optima(peak, edges, atol=0).tolist() == [2, 4]
    assert local_optima(peak, edges, strict=False).tolist() == [1, 2, 4]
    bumps = np.array([1.0, 1.0 + 5e-8, 2.0, 2.0, 2.0 - 5e-8])
    assert len(np.unique(neutral_networks(bumps, edges))) == 2 and len(np.unique(neutral_networks(bumps, edges, tol=0))) == 4
    with pytest.raises(ValueError, match="method must be one of"):
        fitness_distance_correlation(tied, edges, method="pearsn")
    with pytest.raises(ValueError, match="atol"):
        global_optima(tied, edges, atol=-1)


def test_summary_reports_every_global_optimum(store):
    s = landscape_summary(store.array("cifar10", split="test", epochs=200), store.index, random_state=0)
    assert s["global_optima"] == 2 and s["global_optima_nodes"] == "6111 13714"  # tied at 94.3733
    assert s["fdc_spearman"] < s["fdc_kendall"] < 0 and s["fdc"] == pytest.approx(-0.272, abs=1e-3)


@pytest.mark.parametrize("seed", range(5))
def test_best_neighbour_against_a_loop(seed):
    """By definition, on random irregular graphs with ties and isolated nodes: the best neighbour's value, the
    smallest id among the neighbours that share it."""
    rng = np.random.default_rng(seed)
    n = 40
    pairs = np.unique(np.sort(rng.integers(0, n - 3, (90, 2)), axis=1), axis=0)
    edges = pairs[pairs[:, 0] != pairs[:, 1]]  # nodes n-3.. stay isolated
    values = rng.integers(0, 5, n).astype(float)  # many ties
    node, value = best_neighbour(values, edges)
    for i in range(n):
        nbrs = sorted({int(b) for a, b in edges if a == i} | {int(a) for a, b in edges if b == i})
        if not nbrs:
            assert node[i] == -1 and value[i] == -np.inf
            continue
        top = max(values[j] for j in nbrs)
        assert value[i] == top and node[i] == min(j for j in nbrs if values[j] == top)


def test_best_neighbour_on_the_nb201_table(store):
    acc = store.array("cifar100", split="test", epochs=200)
    node, value = best_neighbour(acc, store.index)
    table = np.array([store.index.index_of(np.where(np.arange(6) == e, op, store.codes[i]))
                      for i in (0, 9930) for e in range(6) for op in range(5) if op != store.codes[i][e]]).reshape(2, 24)
    for row, i in zip(table, (0, 9930)):
        best = acc[row].max()
        assert value[i] == best and node[i] == min(j for j in row if acc[j] == best)
