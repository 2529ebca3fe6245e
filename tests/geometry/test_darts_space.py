"""DARTS-space geometry over a cheap oracle whose answers can be checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landscape.geometry.darts_space import (darts_neighbourhood_stats, darts_pair_barriers, darts_path_barriers,
                                            darts_space_summary, flatness_correlation, flatness_tiers,
                                            sample_neighbourhoods)
from landscape.graph.darts import hamming_distance
from landscape.spaces.darts import DARTS_V2, PC_DARTS, genotype_to_codes, random_genotype

OP_GAIN = np.array([0.0, 0.1, 0.3, 0.6, 1.0, 1.5, 2.1])  # accuracy added per edge using op code k


class LinearOracle:
    """90 + the sum of OP_GAIN over the 16 edges (inputs do not matter); counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, codes: np.ndarray) -> np.ndarray:
        self.calls += 1
        return 90.0 + OP_GAIN[np.asarray(codes)[..., 0]].sum(axis=(-1, -2))


def test_neighbourhood_stats_by_hand():
    oracle = LinearOracle()
    centres = [DARTS_V2, random_genotype(1)]
    stats = darts_neighbourhood_stats(oracle, centres, (1, 2), n_neighbours=7, random_state=3)
    assert oracle.calls == 1 and len(stats) == 4 and (stats.n == 7).all()
    centre, radius, codes = sample_neighbourhoods(centres, (1, 2), 7, random_state=3)
    c = genotype_to_codes(centres)
    assert (hamming_distance(codes, c[centre]) == radius).all()
    for (i, r), row in stats.set_index(["arch", "radius"]).iterrows():
        nbr = oracle(codes[(centre == i) & (radius == r)])
        v = oracle(c[i])
        assert row.value == pytest.approx(v)
        assert row["mean"] == pytest.approx(nbr.mean()) and row["std"] == pytest.approx(nbr.std())
        assert row.mean_abs_delta == pytest.approx(np.abs(nbr - v).mean())
        assert row.frac_better == pytest.approx((nbr > v).mean())
    assert stats.equals(darts_neighbourhood_stats(LinearOracle(), centres, (1, 2), n_neighbours=7, random_state=3))


def changed(genotype, cell: str, edge: int, op: str | None = None, src: int | None = None):
    cells = {"normal": list(genotype.normal), "reduce": list(genotype.reduce)}
    old = cells[cell][edge]
    cells[cell][edge] = (op or old[0], old[1] if src is None else src)
    return genotype._replace(normal=tuple(cells["normal"]), reduce=tuple(cells["reduce"]))


def test_barriers_by_hand():
    # DARTS_V2's normal edge 0 is sep_conv_3x3 (gain 0.6), reduce edge 0 max_pool_3x3 (gain 0)
    mid1 = changed(DARTS_V2, "normal", 0, "dil_conv_5x5")       # +1.5
    b = changed(mid1, "reduce", 0, "avg_pool_3x3")              # +0.1
    mid2 = changed(DARTS_V2, "reduce", 0, "avg_pool_3x3")
    va, vb, v1, v2 = LinearOracle()(genotype_to_codes([DARTS_V2, b, mid1, mid2]))
    oracle = LinearOracle()
    paths = darts_path_barriers(oracle, DARTS_V2, b)
    assert oracle.calls == 1
    assert paths.order.tolist() == ["n0.op,r0.op", "r0.op,n0.op"] and paths.valid.all()
    np.testing.assert_allclose(paths.barrier, [(va + vb) / 2 - v1, (va + vb) / 2 - v2])
    pair = darts_pair_barriers(LinearOracle(), DARTS_V2, b).iloc[0]
    assert pair.distance == 2 and pair.n_paths == 2 and pair.n_valid == 2
    assert pair.best == pytest.approx(min(paths.barrier)) and pair.worst == pytest.approx(max(paths.barrier))
    near = darts_pair_barriers(LinearOracle(), [DARTS_V2, DARTS_V2], [DARTS_V2, mid1])
    assert near.distance.tolist() == [0, 1] and (near.best == 0).all() and (near.n_paths == 1).all()


def test_invalid_orders_are_left_out():
    # node 3 of the normal cell reads (0, 1); b reads (1, 2) with both inputs rewired (the ops pin the pairing):
    # moving edge 2 first gives inputs (1, 1), not a genotype
    a = DARTS_V2._replace(normal=(("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("skip_connect", 0), ("dil_conv_5x5", 1),
                                  *DARTS_V2.normal[4:]))
    b = changed(changed(a, "normal", 2, src=1), "normal", 3, src=2)
    assert hamming_distance(a, b) == 2
    paths = darts_path_barriers(LinearOracle(), a, b)
    assert paths.valid.tolist() == [False, True] and np.isnan(paths.barrier[0]) and paths.barrier[1] == 0
    pair = darts_pair_barriers(LinearOracle(), a, b).iloc[0]
    assert pair.n_valid == 1 and pair.best == 0 and pair.worst == 0


def test_barrier_validation():
    with pytest.raises(ValueError, match="a and b must have the same length"):
        darts_pair_barriers(LinearOracle(), [DARTS_V2] * 2, [PC_DARTS] * 3)
    with pytest.raises(ValueError, match=r"pair 0 is at distance \d+, above max_distance=6"):
        darts_pair_barriers(LinearOracle(), DARTS_V2, PC_DARTS)
    with pytest.raises(ValueError, match="oracle output has 1 entries, expected 2"):
        darts_pair_barriers(lambda c: [1.0], DARTS_V2, changed(DARTS_V2, "normal", 0, "dil_conv_5x5"))


def test_flatness_relation_by_hand():
    value = np.arange(30.0)
    stats = pd.DataFrame({"radius": 1, "value": value, "mean_abs_delta": 100 - value})
    corr = flatness_correlation(stats, n_boot=50, random_state=0)
    assert corr.measure.tolist() == ["kendall_tau_b", "spearman_rho", "weighted_tau"]
    np.testing.assert_allclose(corr.estimate, -1.0)
    tiers = flatness_tiers(stats, n_boot=50, random_state=0)
    np.testing.assert_allclose(tiers.flatness_mean, [95.5, 85.5, 75.5])
    with pytest.raises(ValueError, match="stats must be a DataFrame of darts_neighbourhood_stats"):
        flatness_correlation(stats.drop(columns="value"))


def test_summary_on_the_linear_oracle():
    oracle = LinearOracle()
    frames = darts_space_summary(oracle, n_genotypes=12, random_state=0, n_neighbours=4, n_boot=50)
    assert oracle.calls == 2  # neighbourhoods, then barriers
    g = frames["genotypes"]
    assert g.name.tolist()[-3:] == ["DARTS_V2", "DARTS_V1", "PC_DARTS"] and len(g) == 15
    assert g.accuracy.iloc[-3] == pytest.approx(oracle(genotype_to_codes([DARTS_V2]))[0])
    by_radius = frames["by_radius"]
    assert by_radius.radius.tolist() == [1, 2, 3] and (by_radius.ci_low <= by_radius.mean_abs_delta).all()
    bars = frames["barriers"]
    assert (bars.distance == 3).all() and (bars.n_paths == 6).all() and len(bars) == 15
    summary = frames["barrier_summary"]
    assert summary.pairs.tolist() == ["random", "DARTS_V2", "DARTS_V1", "PC_DARTS"]
    assert summary.n_pairs.tolist() == [12, 1, 1, 1]
    again = darts_space_summary(LinearOracle(), n_genotypes=12, random_state=0, n_neighbours=4, n_boot=50)
    assert all(frames[k].equals(again[k]) for k in frames)
