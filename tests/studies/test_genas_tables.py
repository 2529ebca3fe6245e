"""GeNAS rank tables (Tables 5, 8, 9 and the joint table) from a trained supernet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import landscape.studies.proxy_cache as proxy_cache
from landscape.flatness.proxies import flatness_from_losses
from landscape.geometry.neighbourhood import neighbourhood_flatness
from landscape.bench import DATASETS
from landscape.studies import PROXIES, pairwise_table, proxy_tables, rank_table, sample_archs, wide
from landscape.studies.genas_tables import PAPER_TABLE5

from .conftest import TINY



def test_sample_archs(store):
    a = sample_archs(50, 3, store)
    assert len(set(a)) == 50 and a == sample_archs(50, 3, store) and a != sample_archs(50, 4, store)
    with pytest.raises(ValueError, match="n must be an integer in 1..15625"):
        sample_archs(0, 0, store)


def test_rank_and_pairwise_tables_on_known_orders():
    x = np.arange(30.0)
    table = rank_table({"up": x, "down": -x}, {"t": x**2}, n_boot=50, random_state=0)
    assert table["tau"].tolist() == [1.0, -1.0]
    assert list(table.columns) == ["proxy", "dataset", "tau", "ci_low", "ci_high", "n", "n_boot"]
    pairs = pairwise_table({"a": x, "b": -x, "c": x + 1}, n_boot=50, random_state=0)
    assert list(zip(pairs.column_a, pairs.column_b)) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert pairs["tau"].tolist() == [-1.0, 1.0, -1.0]
    assert wide(table).loc["down", "t"] == -1.0


def test_proxy_tables(trained_dir, store, monkeypatch):
    tables = proxy_tables(TINY, trained_dir, store=store, progress=False)
    n = TINY.table_archs
    t5 = tables.table5
    assert len(t5) == 24 and t5["n"].eq(n).all() and t5["n_boot"].eq(TINY.n_boot).all()
    assert list(wide(t5).index) == list(PROXIES) + ["angle_exact", "flatness_exact"]
    assert list(wide(t5).columns) == list(DATASETS) and t5["gamma"].eq(16.0).all()
    assert t5.loc[t5.proxy == "angle_exact", "paper_tau"].isna().all()
    assert wide(t5, value="paper_tau").loc["angle_flatness", "cifar100"] == PAPER_TABLE5["angle_flatness"][1]
    ok = t5.dropna(subset=["tau", "ci_low"])
    assert ((ok.ci_low <= ok.tau + 1e-12) & (ok.tau <= ok.ci_high + 1e-12)).all()

    # flatness re-derived from the stored per-σ losses (α = 1) is the flatness proxy itself
    scores = tables.scores.set_index("arch")
    default = tables.sigma_losses[tables.sigma_losses.sigmas == "0.002,0.01,0.02"]
    losses = default.pivot(index="arch", columns="level", values="loss").loc[scores.index].to_numpy()
    np.testing.assert_allclose(flatness_from_losses(losses, TINY.sigmas), scores["flatness"], rtol=1e-9)
    assert set(tables.sigma_losses.groupby("arch").size()) == {3 * len(TINY.sigma_sets)}

    # the σ and α sweeps agree with Table 5's flatness row where they coincide
    flat = t5[t5.proxy == "flatness"].set_index("dataset")["tau"]
    sig = tables.sigma[tables.sigma.sigmas == "0.002,0.01,0.02"].set_index("dataset")["tau"]
    alp = tables.alpha[tables.alpha.alpha == 1.0].set_index("dataset")["tau"]
    pd.testing.assert_series_equal(flat, sig, check_names=False)
    pd.testing.assert_series_equal(flat, alp, check_names=False)
    assert len(tables.alpha) == 3 * len(TINY.alphas) and len(tables.sigma) == 3 * len(TINY.sigma_sets)
    assert tables.alpha.loc[(tables.alpha.alpha == 0) & (tables.alpha.dataset == "cifar10"), "paper_tau"].item() \
        == 0.1777

    # the joint table: every pair of its 10 columns; neighbourhood flatness from the ground truth
    assert len(tables.joint) == 45
    acc = store.array("cifar10", split="test", epochs=200)
    np.testing.assert_allclose(scores["neighbourhood_flatness_cifar10"],
                               -neighbourhood_flatness(acc, store.index, scores["index"].to_numpy()))
    np.testing.assert_array_equal(scores["test_accuracy_cifar10"], acc[scores["index"]])
    row = tables.joint[(tables.joint.column_a == "weight_flatness") & (tables.joint.column_b == "test_accuracy_cifar10")]
    assert row["tau"].item() == flat["cifar10"]
    # the γ sweep: γ = 16 is Table 5's combination, γ = 0 the angle (or accuracy) alone
    g = tables.gamma.set_index(["proxy", "gamma", "dataset"])["tau"]
    assert len(tables.gamma) == 2 * 3 * len(TINY.gammas)
    for d in DATASETS:  # (accuracy is constant at this scale: τ NaN on both sides)
        tau = t5[t5.dataset == d].set_index("proxy")["tau"]
        np.testing.assert_equal(g[("angle_flatness", 16.0, d)], tau["angle_flatness"])
        np.testing.assert_equal(g[("angle_flatness", 0.0, d)], tau["angle"])
        np.testing.assert_equal(g[("accuracy_flatness", 0.0, d)], tau["accuracy"])
    for name in ("scores", "table5", "sigma_ablation", "alpha_ablation", "gamma_ablation", "joint"):
        assert (trained_dir / "tables" / f"{name}.csv").exists()

    # a second call runs no network again and gives the same tables
    calls = []
    monkeypatch.setattr(proxy_cache, "flatness", lambda *a, **k: calls.append(1))
    monkeypatch.setattr(proxy_cache, "supernet_proxies", lambda *a, **k: calls.append(1))
    again = proxy_tables(TINY, trained_dir, store=store, progress=False)
    assert not calls
    pd.testing.assert_frame_equal(again.table5, t5)
    pd.testing.assert_frame_equal(again.joint, tables.joint)
