"""Neighbourhood statistics, flatness by decile and the A²M A/B/C case study."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landscape.geometry import (ABC_INTERVALS, STATISTICS, abc_neighbours, flatness_by_decile, neighbourhood,
                                neighbourhood_flatness, neighbourhood_stats)
from landscape.graph import hamming_sphere

VALUES5 = np.array([1.0, 3.0, 2.0, 5.0, 4.0])


def row(frame: pd.DataFrame, arch: int, radius: int) -> pd.Series:
    return frame[(frame.arch == arch) & (frame.radius == radius)].iloc[0]


def test_path_graph_tables(path5):
    assert neighbourhood(path5, 1, [0, 2]).tolist() == [[1, -1], [1, 3]]
    assert neighbourhood(path5, 2, [2]).tolist() == [[0, 4]]
    assert neighbourhood(path5, 2, [2], shape="ball").tolist() == [[0, 1, 3, 4]]
    assert neighbourhood(path5, 4, [0]).tolist() == [[4]]


def test_path_graph_stats_by_hand(path5):
    s = neighbourhood_stats(VALUES5, path5, radius=(1, 3))
    centre = row(s, 2, 1)  # neighbours 3 and 5 around 2
    assert (centre.n, centre["mean"], centre["std"]) == (2, 4.0, 1.0)
    assert np.allclose([centre.q10, centre.q50, centre.q90], [3.2, 4.0, 4.8])
    assert (centre.mean_abs_delta, centre.frac_better) == (2.0, 1.0)
    end = row(s, 0, 1)  # one neighbour, 3, around 1
    assert (end.n, end["mean"], end["std"], end.q10, end.q90, end.mean_abs_delta) == (1, 3.0, 0.0, 3.0, 3.0, 2.0)
    top = row(s, 3, 1)  # 2 and 4 around 5: nobody better
    assert (top["mean"], top.mean_abs_delta, top.frac_better) == (3.0, 2.0, 0.0)
    empty = row(s, 2, 3)  # nothing at distance 3 from the middle
    assert empty.n == 0 and np.isnan(empty[["mean", "std", "q50", "frac_better"]].astype(float)).all()
    assert list(s.columns) == ["arch", "radius", "value", *STATISTICS] and len(s) == 10


def test_ball_stats(path5):
    s = neighbourhood_stats(VALUES5, path5, 2, [2], shape="ball").iloc[0]
    assert s.n == 4 and s["mean"] == np.mean([1, 3, 5, 4]) and s.frac_better == 0.75


def test_toy_product_space_spheres(toy_codes, toy_edges):
    hamming = (toy_codes[:, None] != toy_codes[None]).sum(-1)
    for r in (1, 2):
        table = neighbourhood(toy_edges, r)
        assert table.shape == (9, 4)
        assert all(set(table[i]) == set(np.flatnonzero(hamming[i] == r)) for i in range(9))


def test_nb201_tables_are_hamming_spheres(base5_index):
    archs = np.array([0, 1234, 15624])
    for r in (1, 2, 3):
        assert np.array_equal(neighbourhood(base5_index, r, archs), hamming_sphere(base5_index, r, archs))
    ball = neighbourhood(base5_index, 2, archs, shape="ball")
    assert ball.shape == (3, 24 + 240)
    assert np.array_equal(ball[:, 24:], hamming_sphere(base5_index, 2, archs))


def test_nb201_stats_match_numpy(base5_index):
    values = np.random.default_rng(0).normal(size=15625)
    archs = np.array([3, 777, 9000, 15624])
    s = neighbourhood_stats(values, base5_index, (1, 2, 3), archs, chunk=3)
    for r in (1, 2, 3):
        for a in archs:
            nbr, got = values[hamming_sphere(base5_index, r, [a])[0]], row(s, a, r)
            assert got.n == len(nbr)
            assert np.allclose([got["mean"], got["std"], *np.quantile(nbr, [0.1, 0.5, 0.9])],
                               [nbr.mean(), nbr.std(), got.q10, got.q50, got.q90])
            assert np.isclose(got.mean_abs_delta, np.abs(nbr - values[a]).mean())
            assert got.frac_better == (nbr > values[a]).mean()


def test_flatness_is_mean_abs_delta_at_radius_one(path5):
    assert neighbourhood_flatness(VALUES5, path5).tolist() == [2.0, 1.5, 2.0, 2.0, 1.0]


def test_flatness_by_decile_by_hand():
    out = flatness_by_decile([4.0, 1.0, 3.0, 2.0], [40.0, 10.0, 30.0, 20.0], n_bins=2, n_boot=200, random_state=0)
    assert out[["bin", "n", "value_min", "value_max"]].values.tolist() == [[1, 2, 1, 2], [2, 2, 3, 4]]
    assert out.flatness_mean.tolist() == [15.0, 35.0]
    assert (out.ci_low >= [10, 30]).all() and (out.ci_high <= [20, 40]).all() and (out.ci_low < out.ci_high).all()
    again = flatness_by_decile([4.0, 1.0, 3.0, 2.0], [40.0, 10.0, 30.0, 20.0], n_bins=2, n_boot=200, random_state=0)
    pd.testing.assert_frame_equal(out, again)


def test_abc_neighbours_toy(path5):
    intervals = {"toy": {"A": (4.5, 5.5), "B": (0.0, 1.5), "C": (9.0, 9.5)}}
    out = abc_neighbours({"toy": VALUES5}, path5, (1, 2), intervals=intervals)
    assert list(out.columns) == ["dataset", "model", "radius", "centre", "neighbour", "accuracy"]
    a1 = out[(out.model == "A") & (out.radius == 1)]
    assert a1.centre.tolist() == [3, 3] and a1.neighbour.tolist() == [2, 4] and a1.accuracy.tolist() == [2.0, 4.0]
    assert out[(out.model == "B") & (out.radius == 2)].neighbour.tolist() == [2]
    assert "C" not in set(out.model)  # no centre in C's interval: no rows


@pytest.mark.parametrize("call, match", [
    (lambda i, v: neighbourhood(i, 0), "radius must be an integer 1..6, got 0"),
    (lambda i, v: neighbourhood(i, 7), "radius must be an integer 1..6, got 7"),
    (lambda i, v: neighbourhood(i, 1, [15625]), r"archs holds \[15625\], not nodes"),
    (lambda i, v: neighbourhood(i, 1, "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"), "unknown operation"),
    (lambda i, v: neighbourhood(i, 1, []), "archs is empty"),
    (lambda i, v: neighbourhood(i, 1, shape="cube"), "shape must be one of"),
    (lambda i, v: neighbourhood_stats(v[:-1], i), "values has 15624 entries, expected 15625"),
    (lambda i, v: neighbourhood_stats(np.where(np.arange(15625) % 5000 == 7, np.nan, v), i),
     r"values holds NaN or inf at positions \[7, 5007, 10007, 15007\]"),
    (lambda i, v: neighbourhood_stats(v, i, radius=()), "radius is empty"),
    (lambda i, v: flatness_by_decile(v, v[:10]), "flatness has 10 entries, expected 15625"),
    (lambda i, v: flatness_by_decile(v, v, ci=95), "ci must be a number strictly between 0 and 1"),
    (lambda i, v: flatness_by_decile(v, v, random_state=-1), "random_state must be None"),
    (lambda i, v: abc_neighbours({"mnist": v}, i), "no A/B/C intervals for dataset 'mnist'"),
])
def test_validation(base5_index, call, match):
    with pytest.raises(ValueError, match=match):
        call(base5_index, np.zeros(15625))


def test_general_graph_radius_is_unbounded_but_positive(path5):
    assert neighbourhood(path5, 10, [0]).shape == (1, 0)
    with pytest.raises(ValueError, match="radius must be an integer >= 1"):
        neighbourhood(path5, 0)


# -- the real store ------------------------------------------------------------------------------
def test_every_arch_has_24_neighbours(store, cifar10):
    s = neighbourhood_stats(cifar10, store.index, 1)
    assert len(s) == 15625 and (s.n == 24).all()


def test_radius_three_statistics_on_real_data(store, cifar10):
    s = neighbourhood_stats(cifar10, store.index, 3, np.arange(0, 15625, 97))
    assert (s.n == 1280).all() and (s.q10 <= s.q50).all() and (s.q50 <= s.q90).all()
    best = int(np.argmax(cifar10))
    assert row(neighbourhood_stats(cifar10, store.index, 1, [best]), best, 1).frac_better == 0


def test_flatter_at_the_top(store, cifar10):
    """Mean |Δacc| to the 24 neighbours falls from the worst to the best accuracy decile."""
    deciles = flatness_by_decile(cifar10, neighbourhood_flatness(cifar10, store.index), n_boot=100, random_state=0)
    assert deciles.flatness_mean.iloc[0] > 3 * deciles.flatness_mean.iloc[-1]
    assert (deciles.ci_low <= deciles.flatness_mean).all() and (deciles.flatness_mean <= deciles.ci_high).all()


def test_abc_case_study_on_real_data(store):
    acc = {d: store.array(d, split="test", epochs=200) for d in ABC_INTERVALS}
    out = abc_neighbours(acc, store.index, 1)
    counts = out.groupby(["dataset", "model"], observed=True).size()
    for d, models in ABC_INTERVALS.items():
        for m, (lo, hi) in models.items():
            assert counts[(d, m)] == 24 * int(((acc[d] >= lo) & (acc[d] <= hi)).sum())
    means = out.groupby(["dataset", "model"], observed=True).accuracy.mean()
    assert means[("cifar10", "A")] > means[("cifar10", "B")] > means[("cifar10", "C")]


def test_abc_neighbours_needs_named_datasets():
    with pytest.raises(ValueError, match=r"accuracy must map dataset names to accuracy arrays, e.g. \{'cifar10'"):
        abc_neighbours(np.zeros(15625), np.zeros((0, 2), dtype=int))
