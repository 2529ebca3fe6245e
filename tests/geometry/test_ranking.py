"""Rank agreement: the fast τ-b and ρ against scipy, bootstrap CIs, the paired test, the store comparisons."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from landscape.geometry import (bootstrap_counts, kendall_tau, paired_bootstrap_test, precision_at_k, rank_agreement,
                                spearman_rho, weighted_tau_bootstrap)
from landscape.geometry.rank_plan import RankPlan

SETTINGS = settings(max_examples=150, deadline=None)


def pairs(min_size=2, max_size=60):
    """Equal-length integer-valued float arrays with many ties."""
    return st.integers(min_size, max_size).flatmap(lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=st.integers(-4, 4).map(float)),
        hnp.arrays(np.float64, n, elements=st.integers(-4, 4).map(float) | st.floats(-1e3, 1e3))))


def scipy_or_nan(f, x, y) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(x, y).statistic


def same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or bool(np.isclose(a, b, rtol=0, atol=1e-12))


@SETTINGS
@given(pairs())
def test_kendall_equals_scipy(xy):
    x, y = xy
    assert same(kendall_tau(x, y), scipy_or_nan(scipy.stats.kendalltau, x, y))


@SETTINGS
@given(pairs())
def test_spearman_equals_scipy(xy):
    x, y = xy
    assert same(spearman_rho(x, y), scipy_or_nan(scipy.stats.spearmanr, x, y))


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(2, 80), elements=st.floats(-1e6, 1e6)))
def test_tau_with_itself_is_one(x):
    if np.ptp(x) > 0:
        assert kendall_tau(x, x) == pytest.approx(1.0, abs=1e-12)
        assert kendall_tau(x, -x) == pytest.approx(-1.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(pairs(3, 200), st.integers(0, 2**32 - 1))
def test_bootstrap_resamples_equal_scipy_on_resampled_arrays(xy, seed):
    x, y = xy
    counts = bootstrap_counts(len(x), 4, seed)
    rng = np.random.default_rng(seed)
    tau, rho = RankPlan(x, y).kendall(counts, chunk=3), spearman_rho(x, y, counts)
    for r in range(4):
        idx = rng.integers(0, len(x), len(x))  # the documented draw of resample r
        assert np.array_equal(np.bincount(idx, minlength=len(x)), counts[r])
        assert same(tau[r], scipy_or_nan(scipy.stats.kendalltau, x[idx], y[idx]))
        assert same(rho[r], scipy_or_nan(scipy.stats.spearmanr, x[idx], y[idx]))


def test_large_n_against_scipy():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 3000, 15625).astype(float)
    y = x + rng.normal(0, 500, 15625).round()
    assert same(kendall_tau(x, y), scipy.stats.kendalltau(x, y).statistic)


def test_precision_at_k_by_hand():
    truth = np.array([5.0, 4, 3, 2, 1])
    assert precision_at_k([1.0, 2, 3, 4, 5], truth, 2) == 0.0
    assert precision_at_k([9.0, 1, 8, 2, 3], truth, 2) == 0.5
    assert precision_at_k(truth, truth, 5) == 1.0


def test_rank_agreement_frame():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=500)
    proxy = truth + rng.normal(size=500)
    out = rank_agreement(proxy, truth, k=(10, 500), n_boot=200, random_state=1)
    assert out.measure.tolist() == ["kendall_tau_b", "spearman_rho", "weighted_tau", "precision@10", "precision@500"]
    tau = out.set_index("measure").loc["kendall_tau_b"]
    assert tau.estimate == pytest.approx(scipy.stats.kendalltau(proxy, truth).statistic)
    assert tau.ci_low < tau.estimate < tau.ci_high and (out.n == 500).all()
    # n_boot says what each CI rests on: the weighted-τ CI is opt-in, precision@k has none
    assert out.n_boot.tolist() == [200, 200, 0, 0, 0] and out.ci_low.iloc[2:].isna().all()
    assert out.equals(rank_agreement(proxy, truth, k=(10, 500), n_boot=200, random_state=1))
    with pytest.raises(ValueError, match="k=1000 exceeds the 500 architectures"):
        rank_agreement(proxy, truth, k=(10, 1000), n_boot=20)


def test_collapse_isomorphism():
    proxy, truth = np.array([1.0, 3.0, 5.0, 5.0, 0.0]), np.array([2.0, 2.0, 1.0, 3.0, 9.0])
    out = rank_agreement(proxy, truth, n_boot=10, random_state=0, collapse="isomorphism", classes=[0, 0, 2, 2, 4])
    # class means: proxy (2, 5, 0), truth (2, 2, 9)
    assert out.n.iloc[0] == 3
    assert out.estimate.iloc[0] == pytest.approx(scipy.stats.kendalltau([2, 5, 0], [2, 2, 9]).statistic)


def test_paired_test():
    rng = np.random.default_rng(2)
    truth = rng.normal(size=400)
    good, bad = truth + 0.1 * rng.normal(size=400), rng.normal(size=400)
    out = paired_bootstrap_test(good, bad, truth, n_boot=300, random_state=0).iloc[0]
    assert out.difference == pytest.approx(out.estimate_a - out.estimate_b)
    assert out.ci_low > 0 and out.p_value < 0.01
    tie = paired_bootstrap_test(good, good, truth, measure="spearman", n_boot=50, random_state=0).iloc[0]
    assert tie.difference == 0 and tie.p_value == 1.0 and tie.measure == "spearman_rho"


@pytest.mark.parametrize("call, match", [
    (lambda: kendall_tau([1.0, 2.0], [1.0]), "y has 1 entries, expected 2"),
    (lambda: kendall_tau([1.0, 2.0], [2.0, 1.0], [[1, 1, 1]]), r"weights must be .* of shape \(B, 2\)"),
    (lambda: spearman_rho([1.0, 2.0], [2.0, 1.0], [[1, -1]]), "weights must be non-negative"),
    (lambda: kendall_tau([1.0, np.nan, 3.0], [1.0, 2.0, 3.0]), r"x holds NaN or inf at positions \[1\]"),
    (lambda: precision_at_k([1.0, 2.0], [2.0, 1.0], 3), "k must be an integer 1..2, got 3"),
    (lambda: rank_agreement([1.0, 2.0], [2.0, 1.0], n_boot=0), "n_boot must be an integer >= 1"),
    (lambda: rank_agreement([1.0, 2.0], [2.0, 1.0], collapse="isomorphism"), "needs classes"),
    (lambda: rank_agreement([1.0, 2.0], [2.0, 1.0], collapse="graph"), "collapse must be one of"),
    (lambda: paired_bootstrap_test([1.0, 2.0], [1.0], [2.0, 1.0]), "proxy_b has 1 entries, expected 2"),
    (lambda: paired_bootstrap_test([1.0, 2.0], [1.0, 2.0], [2.0, 1.0], measure="pearson"), "measure must be one of"),
])
def test_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- the real store ------------------------------------------------------------------------------
def test_twelve_epoch_validation_predicts_the_final_ranking(store):
    valid12 = store.array("cifar10", split="valid", epochs=12)
    test200 = store.array("cifar10", split="test", epochs=200)
    tau = kendall_tau(valid12, test200)
    assert 0.5 < tau < 0.9
    assert tau == pytest.approx(scipy.stats.kendalltau(valid12, test200).statistic, abs=1e-12)


def test_threads_give_the_same_numbers():
    rng = np.random.default_rng(4)
    x, y = rng.integers(0, 50, 3000).astype(float), rng.normal(size=3000)
    counts = bootstrap_counts(3000, 40, 0)
    plan = RankPlan(x, y)
    assert np.array_equal(plan.kendall(counts, chunk=8, n_jobs=3), kendall_tau(x, y, counts))
    assert np.array_equal(plan.spearman(counts, chunk=8, n_jobs=3), plan.spearman(counts))
    a = rank_agreement(x, y, n_boot=30, random_state=0, n_jobs=-1)
    assert a.equals(rank_agreement(x, y, n_boot=30, random_state=0))
    with pytest.raises(ValueError, match="n_jobs must be an integer >= 1, got 0"):
        rank_agreement(x, y, n_jobs=0)


def test_weighted_tau_by_hand():
    # ranked by x: weights 1/3, 1/2, 1 for items 0, 1, 2; pairs (0,1), (0,2) concordant, (1,2) discordant:
    # (5/6 + 4/3 - 3/2) / (5/6 + 4/3 + 3/2) = 2/11, and the same ranked by y; scipy averages the two
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0])
    out = rank_agreement(x, y, k=(), n_boot=20, random_state=0).set_index("measure").loc["weighted_tau"]
    assert out.estimate == pytest.approx(2 / 11)
    assert weighted_tau_bootstrap(x, y, [[1, 1, 1], [0, 0, 3]])[0] == pytest.approx(2 / 11)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.integers(3, 40), elements=st.floats(-1e3, 1e3)))
def test_weighted_tau_with_itself_is_one(x):
    if np.unique(x).size > 1:
        out = rank_agreement(x, x, k=(), n_boot=20, random_state=0, n_boot_weighted=20).set_index("measure")
        out = out.loc["weighted_tau"]
        assert out.estimate == pytest.approx(1.0)
        assert out.ci_low == pytest.approx(1.0) and out.ci_high == pytest.approx(1.0)


def test_weighted_tau_ci_uses_the_same_resamples():
    rng = np.random.default_rng(4)
    truth = rng.normal(size=120)
    proxy = truth + rng.normal(size=120)
    out = rank_agreement(proxy, truth, k=(), n_boot=300, random_state=5, n_boot_weighted=100)
    row = out.set_index("measure").loc["weighted_tau"]
    boot = weighted_tau_bootstrap(proxy, truth, bootstrap_counts(120, 300, 5)[:100])
    low, high = np.quantile(boot, [0.025, 0.975])
    assert (row.ci_low, row.ci_high) == pytest.approx((low, high))
    assert row.ci_low < row.estimate < row.ci_high
    draw = np.random.default_rng(5).integers(0, 120, 120)  # resample 0, as bootstrap_counts documents
    assert boot[0] == pytest.approx(scipy.stats.weightedtau(proxy[draw], truth[draw]).statistic)
    none = rank_agreement(proxy, truth, k=(), n_boot=300, random_state=5, n_boot_weighted=0)
    assert none.set_index("measure").loc["weighted_tau", ["ci_low", "ci_high"]].isna().all()
