"""The store imported from the real tables: published facts and cross-checks between sources."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from landscape.spaces.nb201 import N_ARCHS

BEST_C10 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


def test_space_size(store):
    assert len(store.index) == N_ARCHS
    assert store.codes.shape == (N_ARCHS, 6)
    assert store.info()["architectures"] == N_ARCHS
    assert store.info()["isomorphism_classes"] == 6466


@pytest.mark.parametrize(
    "dataset, best, arch",
    [("cifar10", 94.37, 6111), ("cifar100", 73.51, 9930), ("ImageNet16-120", 47.31, 857)],
)
def test_best_200_epoch_test_accuracy(store, dataset, best, arch):
    acc = store.array(dataset, split="test", epochs=200)
    assert acc.shape == (N_ARCHS,) and acc.dtype == np.float64
    assert round(float(acc.max()), 2) == best
    assert int(acc.argmax()) == arch
    assert (acc > 0).all() and (acc <= 100).all()


def test_best_cifar10_architecture(store):
    assert store.index.arch_string(6111) == BEST_C10
    assert store.index.index_of(BEST_C10) == 6111
    assert store.values("cifar10", split="test", epochs=200).idxmax() == 6111


def test_best_cifar10_valid_accuracy(store):
    acc = store.array("cifar10-valid", split="valid", source="landscapes")
    assert round(float(acc.max()), 4) == 91.6067
    assert int(acc.argmax()) == 6111
    # NAS-Landscapes' index 0 row: valid / test accuracy 81.98 / 81.52
    assert round(float(acc[0]), 2) == 81.98
    assert round(float(store.array("cifar10-valid", split="test", source="landscapes")[0]), 2) == 81.52


def test_other_published_optima(store):
    mini = store.array("cifar10", split="test", epochs=12)
    assert (round(float(mini.max()), 2), int(mini.argmax())) == (89.16, 5374)
    c100 = store.array("cifar100", split="valtest", source="metric_vals")
    assert (round(float(c100.max()), 2), int(c100.argmax())) == (73.50, 9930)
    im = store.array("ImageNet16-120", split="valtest", source="metric_vals")
    assert (round(float(im.max()), 2), int(im.argmax())) == (46.88, 3888)


def _seed_mean(store, dataset, split):
    f = store.frame(dataset, "accuracy", split=split, source="metric_vals")
    per_seed = f[f["seed"].notna()]
    return per_seed.groupby("arch")["value"].mean().reindex(range(N_ARCHS)).to_numpy()


def test_metric_vals_seed_mean_equals_landscapes(store):
    mean = _seed_mean(store, "cifar10-valid", "valid")
    assert not np.isnan(mean).any()
    landscapes = store.array("cifar10-valid", split="valid", source="landscapes")
    disagreement = float(np.abs(mean - landscapes).max())
    print(f"largest |metric_vals seed-mean - landscapes valid-accuracy| = {disagreement:.3g}")
    assert disagreement < 1e-6
    # the stored seed-mean series is that mean
    stored = store.array("cifar10-valid", split="valid", source="metric_vals")
    assert np.abs(stored - mean).max() < 1e-9


def test_metric_vals_other_datasets_agree_with_nats_by_rank(store):
    for dataset, tau in (("cifar100", 0.968), ("ImageNet16-120", 0.971)):
        mean = _seed_mean(store, dataset, "valtest")
        assert np.abs(mean - store.array(dataset, split="valtest", source="metric_vals")).max() < 1e-9
        t = kendalltau(mean, store.array(dataset, split="test", epochs=200)).statistic
        assert abs(t - tau) < 0.005


def test_naslib_accuracy_agrees_by_rank_with_landscapes(store):
    naslib = store.values("cifar10", split="valid", source="naslib")
    assert len(naslib) == 725 and naslib.index.is_unique
    landscapes = store.array("cifar10-valid", split="valid", source="landscapes")
    tau = kendalltau(naslib.to_numpy(), landscapes[naslib.index.to_numpy()]).statistic
    assert tau > 0.9
    # the same numbers only up to NASLib's own query noise (max |delta| 2.3-2.9 points)
    assert np.abs(naslib.to_numpy() - landscapes[naslib.index.to_numpy()]).max() < 3.5


def test_minibench_12_epochs_vs_nats_200_epochs(store):
    short = store.array("cifar10", split="test", epochs=12)
    long = store.array("cifar10", split="test", epochs=200)
    assert abs(kendalltau(short, long).statistic - 0.700) < 0.01
    assert short.max() < long.max()


def test_tidy_frame(store):
    f = store.frame()
    assert list(f.columns) == ["arch", "dataset", "split", "metric", "epochs", "seed", "value", "source"]
    table = store.series_table()
    assert len(f) == table["n"].sum()
    for col in ("arch", "dataset", "split", "metric", "value", "source"):
        assert not f[col].isna().any(), col
    assert np.isfinite(f["value"].to_numpy()).all()
    assert f["arch"].between(0, N_ARCHS - 1).all()
    # <NA> only where documented: seed for seed-averaged series, epochs where training length does not apply
    mean_rows = f[f["seed"].isna()]
    assert len(mean_rows) == table.loc[table["seed"].isna(), "n"].sum()
    no_epochs = f[f["epochs"].isna()]
    assert set(no_epochs["metric"].unique()) == {"params_mb", "latency_ms"}
    # one value per (series, arch)
    keys = ["arch", "dataset", "split", "metric", "epochs", "seed", "source"]
    assert not f.duplicated(keys).any()


def test_frame_rows_match_array(store):
    f = store.frame("cifar10", "accuracy", split="test", epochs=200)
    assert len(f) == N_ARCHS
    assert set(f["source"]) == {"nats"}
    np.testing.assert_array_equal(f.sort_values("arch")["value"].to_numpy(),
                                  store.array("cifar10", split="test", epochs=200))
    both = store.frame(["cifar10", "cifar100"], "accuracy", split="test", epochs=200)
    assert len(both) == 2 * N_ARCHS


def test_per_seed_counts(store):
    f = store.frame(metric="accuracy", source="metric_vals")
    per_seed = f[f["seed"].notna()]
    datasets = sorted(per_seed["dataset"].unique())
    assert datasets == ["ImageNet16-120", "cifar10-valid", "cifar100"]
    for dataset in datasets:
        n_seeds = per_seed[per_seed["dataset"] == dataset].groupby("arch", observed=True).size()
        assert len(n_seeds) == N_ARCHS
        assert n_seeds.value_counts().to_dict() == {3: 8169, 2: 7456}
    assert sorted(per_seed["seed"].unique().tolist()) == [0, 1, 2]


def test_array_of_partial_series_points_to_values(store):
    with pytest.raises(ValueError, match=r"store\.values"):
        store.array("cifar10-valid", split="valid", seed=2, source="metric_vals")
    with pytest.raises(ValueError, match=r"store\.values"):
        store.array("cifar10", split="valid", source="naslib")
    s = store.values("cifar10-valid", split="valid", seed=2, source="metric_vals")
    assert len(s) == 8169 and s.index.name == "arch"


def test_array_of_a_per_seed_series_covering_every_arch(store):
    # seeds 0 and 1 were run for all 15,625 cells: array() documents a ValueError only for
    # series that do not cover every architecture
    s = store.values("cifar10-valid", split="valid", seed=0, source="metric_vals")
    assert len(s) == N_ARCHS and (s.index.to_numpy() == np.arange(N_ARCHS)).all()
    a = store.array("cifar10-valid", split="valid", seed=0, source="metric_vals")
    np.testing.assert_array_equal(a, s.to_numpy())


def test_values_of_partial_series(store):
    s = store.values("cifar10", split="valid", source="naslib")
    assert isinstance(s, pd.Series)
    assert len(s) == 725
    assert s.index.name == "arch"
    assert s.between(0, 100).all()
    full = store.values("cifar10", split="test", epochs=200)
    assert len(full) == N_ARCHS and isinstance(full.index, pd.RangeIndex)
    assert len(store.values("ImageNet16-120", split="valid", source="naslib")) == 724


@pytest.mark.parametrize("kwargs, name", [({"dataset": "cifar-10"}, "dataset"),
                                          ({"dataset": "cifar10", "metric": "acc"}, "metric")])
def test_unknown_names_list_the_allowed_ones(store, kwargs, name):
    for call in (store.array, store.values, store.frame):
        with pytest.raises(ValueError, match=f"unknown {name}") as info:
            call(**kwargs)
        allowed = store.datasets if name == "dataset" else store.metrics
        assert all(a in str(info.value) for a in allowed)


def test_ambiguous_and_empty_selections(store):
    with pytest.raises(ValueError, match="series match") as info:
        store.array("cifar10")
    assert "minibench" in str(info.value) and "nats" in str(info.value)
    with pytest.raises(ValueError, match="no series matches"):
        store.array("cifar10", split="test", epochs=90)
    with pytest.raises(ValueError, match="no series matches"):
        store.values("cifar10-valid", split="valid", seed=7, source="metric_vals")


def test_splits(store):
    splits = store.splits()
    train, valid = splits["cifar10-valid:train"], splits["cifar10-valid:valid"]
    assert len(train) == 25000 and len(valid) == 25000
    assert np.intersect1d(train, valid).size == 0
    assert np.array_equal(np.sort(np.concatenate([train, valid])), np.arange(50000))
    assert len(np.unique(train)) == 25000
    assert np.intersect1d(splits["cifar100:xvalid"], splits["cifar100:xtest"]).size == 0


def test_configs(store):
    assert store.configs["200E"]["epochs"] == 200
    assert store.configs["12E"]["epochs"] == 12
    assert store.configs["200E"]["LR"] == 0.1
    assert isinstance(store.configs["200E"]["nesterov"], bool)


def test_info_and_sources(store):
    info = store.info()
    assert info["datasets"] == ["ImageNet16-120", "cifar10", "cifar10-valid", "cifar100", "hardware"]
    assert {"accuracy", "loss", "latency_ms", "params_mb"} <= set(info["metrics"])
    assert {"nats", "landscapes", "metric_vals", "naslib_zc", "minibench"} <= set(info["sources"])
    assert info["series"] == len(store.series_table())


def test_data_dir_prefers_env_then_local_then_the_checkouts_store(tmp_path, monkeypatch):
    import landscape.bench.paths as paths

    checkout, work = tmp_path / "checkout", tmp_path / "work"
    (checkout / "data" / "nb201").mkdir(parents=True)
    work.mkdir()
    monkeypatch.setattr(paths, "_PACKAGE_ROOT", checkout)
    monkeypatch.delenv("LANDSCAPE_DATA", raising=False)
    monkeypatch.chdir(work)
    assert paths.data_dir() == Path("data")  # no store anywhere: ./data, where an import would go
    (checkout / "data" / "nb201" / "manifest.json").write_text("{}")
    assert paths.data_dir() == checkout / "data"  # e.g. a notebook running in notebooks/
    (work / "data" / "nb201").mkdir(parents=True)
    (work / "data" / "nb201" / "manifest.json").write_text("{}")
    assert paths.data_dir() == Path("data")  # a store in the working directory wins
    monkeypatch.setenv("LANDSCAPE_DATA", str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"


def test_query_record_of_the_best_cell(store):
    """One record per cell: the best CIFAR-10 cell ties with 13714 at 94.37, its 24 neighbours differ by one edge."""
    from landscape.spaces.nb201 import parse_arch

    record = store.query(6111)
    best = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
    assert record.arch == best and store.query(best).index == 6111 == store.query(parse_arch(best)).index
    ranks = record.ranks.set_index("dataset")
    assert ranks.loc["cifar10", "rank"] == 1 and ranks.loc["cifar10", "tied"] == 2
    assert round(ranks.loc["cifar10", "test_accuracy_200"], 2) == 94.37
    acc = store.final_accuracy()
    for d in acc:  # rank = 1 + cells strictly better, from the definition
        assert ranks.loc[d, "rank"] == 1 + int((acc[d] > acc[d][6111]).sum())
    codes = np.array(record.codes)
    assert len(record.neighbours) == 24 and record.neighbours["index"].is_unique
    for row in record.neighbours.itertuples():
        assert (store.codes[row.index] != codes).sum() == 1 and row.cifar10 == acc["cifar10"][row.index]
    assert best in record.members and record.isomorphism_class == store.isomorphism_classes()[6111]
    s = record.series
    assert acc["cifar100"][6111] in set(s[(s.dataset == "cifar100") & (s.split == "test") & (s.epochs == 200)].value)
    def covers(r) -> bool:  # a partial series (e.g. NASLib's 725 cells) may lack the cell
        return r.n == 15625 or 6111 in store.values(r.dataset, r.metric, split=r.split, source=r.source,
                                                     epochs=None if pd.isna(r.epochs) else r.epochs,
                                                     seed="mean" if pd.isna(r.seed) else r.seed).index

    assert len(s) == sum(covers(r) for r in store.series_table().itertuples())
    assert "tied" in str(record) and "24 neighbours" in str(record)
    with pytest.raises(ValueError, match="0..15624"):
        store.query(15625)


def test_isomorphism_classes_is_a_method_like_the_index(store):
    nb201 = store.isomorphism_classes()
    assert np.unique(nb201).size == 6466 and np.array_equal(nb201, store.index.isomorphism_classes("nb201"))
    assert np.unique(store.isomorphism_classes("functional")).size == 4930


def test_top_by_definition(store):
    """Reference: sort the accuracies, keep the k-th value and everything within 1e-6 of it; ranks 1 + the number of
    cells strictly (beyond 1e-6) better."""
    import numpy as np

    for dataset in ("cifar10", "cifar100", "ImageNet16-120"):
        acc = store.array(dataset, split="test", epochs=200)
        top = store.top(5, dataset)
        kth = np.sort(acc)[::-1][4]
        expected = set(np.flatnonzero(acc >= kth - 1e-6))
        assert set(top["index"]) == expected and len(top) >= 5
        for _, row in top.iterrows():
            assert row["rank"] == 1 + int((acc > acc[row["index"]] + 1e-6).sum())
            assert row[dataset] == acc[row["index"]]
    assert list(store.top(1)["index"]) == [6111, 13714]
