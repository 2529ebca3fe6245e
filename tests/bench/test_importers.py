"""The importers on small synthetic source files, and the source checks on the real folder."""

from __future__ import annotations

import collections
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from landscape.bench.importers.checks import finite_column, load_torch_plain, require_file
from landscape.bench.importers.autodl import read_config, read_split
from landscape.bench.importers.help_latency import check_help_index, read_help_latency
from landscape.bench.importers.metric_vals import read_metric_vals, split_runs
from landscape.bench.importers.naslib_zc import NASLIB_EDGE_ORDER, NASLIB_TO_CODE, naslib_to_codes, read_naslib_zc
from landscape.bench.importers.nats_csv import COLUMNS as NATS_COLUMNS
from landscape.bench.importers.nats_csv import read_nats_csv
from landscape.bench.importers.sources_dir import check_nb201_partition, check_sources
from landscape.bench.sources import SOURCES, source
from landscape.errors import SourceError
from landscape.spaces.nb201 import N_ARCHS, ArchIndex, all_codes, codes_to_key, format_arch, unique_strings

# -- nats_bench.csv ----------------------------------------------------------------------------


def _nats_frame(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = all_codes()[rng.permutation(N_ARCHS)]
    df = pd.DataFrame({col: rng.uniform(10, 95, N_ARCHS).round(4) for col in NATS_COLUMNS.values()})
    df["ArchitectureString"] = format_arch(codes)
    df["UniqueString"] = unique_strings(codes)
    return df, codes


def test_read_nats_csv_synthetic(tmp_path):
    df, codes = _nats_frame()
    p = tmp_path / "nats.csv"
    df.to_csv(p, index=False)
    got_codes, unique, records = read_nats_csv(p)
    np.testing.assert_array_equal(got_codes, codes)
    assert unique.tolist() == df["UniqueString"].tolist()
    assert {r.key.dataset for r in records} == set(NATS_COLUMNS)
    for r in records:
        assert (r.key.split, r.key.metric, r.key.epochs, r.key.seed, r.key.source) == ("test", "accuracy", 200, None,
                                                                                     "nats")
        np.testing.assert_allclose(r.values, df[NATS_COLUMNS[r.key.dataset]].to_numpy())
    check_nb201_partition(got_codes, unique)


def test_nats_csv_nan_row_names_column_and_row(tmp_path):
    df, _ = _nats_frame()
    df.loc[4321, "CIFAR100TestAccuracy200Epochs"] = np.nan
    p = tmp_path / "nats.csv"
    df.to_csv(p, index=False)
    with pytest.raises(SourceError) as info:
        read_nats_csv(p)
    msg = str(info.value)
    assert "CIFAR100TestAccuracy200Epochs" in msg and "4321" in msg


def test_nats_csv_wrong_row_count(tmp_path):
    df, _ = _nats_frame()
    p = tmp_path / "nats.csv"
    df.iloc[:-1].to_csv(p, index=False)
    with pytest.raises(SourceError, match="15624 rows"):
        read_nats_csv(p)


@pytest.mark.parametrize("bad", ["|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "|none~0|+|none~0|"])
def test_nats_csv_bad_architecture_string(tmp_path, bad):
    df, _ = _nats_frame()
    df.loc[77, "ArchitectureString"] = bad
    p = tmp_path / "nats.csv"
    df.to_csv(p, index=False)
    with pytest.raises(SourceError, match="ArchitectureString") as info:
        read_nats_csv(p)
    assert bad in str(info.value)


def test_nats_csv_missing_column_and_unreadable(tmp_path):
    df, _ = _nats_frame()
    p = tmp_path / "nats.csv"
    df.drop(columns="UniqueString").to_csv(p, index=False)
    with pytest.raises(SourceError, match="UniqueString"):
        read_nats_csv(p)
    p.write_text("")
    with pytest.raises(SourceError):
        read_nats_csv(p)
    with pytest.raises(SourceError, match="does not exist"):
        read_nats_csv(tmp_path / "nope.csv")


def test_partition_check_reports_a_wrong_unique_string():
    codes = all_codes()[::300]
    ref = unique_strings(codes).copy()
    assert ref[9] != "#+#+#"
    ref[9] = "#+#+#"
    with pytest.raises(SourceError, match="index 9"):
        check_nb201_partition(codes, ref)


def test_finite_column():
    assert finite_column([1, 2, 3], "x", Path("f"), 3).dtype == np.float64
    with pytest.raises(SourceError, match="'x'.*not numeric"):
        finite_column(["a", "b"], "x", Path("f"), 2)
    with pytest.raises(SourceError, match="3 rows, expected 4"):
        finite_column([1, 2, 3], "x", Path("f"), 4)
    with pytest.raises(SourceError, match=r"\[1\]"):
        finite_column([1, np.inf, 3], "x", Path("f"), None)


# -- metric_vals.pkl ---------------------------------------------------------------------------


def test_split_runs_toy():
    runtime = np.array([1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 1.0])
    size = np.array([5.0, 5.0, 5.0, 5.0, 6.0, 6.0, 6.0, 6.0])
    assert split_runs(runtime, size).tolist() == [0, 0, 1, 1, 2, 3, 3, 4]
    assert split_runs(np.array([7.0]), np.array([1.0])).tolist() == [0]


def _metric_vals(rng, n_seeds):
    arch = np.repeat(np.arange(N_ARCHS), n_seeds)
    runtime = (1000.0 + np.arange(N_ARCHS))[arch]
    size = (0.1 + (np.arange(N_ARCHS) % 7) / 10)[arch]
    loss = rng.uniform(5, 90, arch.size)
    return {"loss": loss, "runtime": runtime, "size_in_mb": size}, arch


def test_read_metric_vals_synthetic(tmp_path):
    rng = np.random.default_rng(5)
    n_seeds = rng.choice([2, 3], N_ARCHS)
    data, truth = {}, {}
    for key in ("cifar10", "cifar100", "imagenet"):
        data[key], arch = _metric_vals(rng, n_seeds)
        truth[key] = arch
    p = tmp_path / "metric_vals.pkl"
    p.write_bytes(pickle.dumps(data))
    records = {(r.key.dataset, r.key.split, r.key.metric, r.key.seed): r for r in read_metric_vals(p)}
    for key, dataset, split in (("cifar10", "cifar10-valid", "valid"), ("cifar100", "cifar100", "valtest"),
                                ("imagenet", "ImageNet16-120", "valtest")):
        acc = 100 - data[key]["loss"]
        arch = truth[key]
        mean = records[(dataset, split, "accuracy", None)]
        assert mean.index is None
        np.testing.assert_allclose(mean.values, np.bincount(arch, acc) / n_seeds, rtol=1e-12)
        for seed in range(3):
            r = records[(dataset, split, "accuracy", seed)]
            position = np.arange(arch.size) - np.searchsorted(arch, arch)
            m = position == seed
            if m.sum() == N_ARCHS:  # full coverage is stored unindexed, in index order
                assert r.index is None
            else:
                np.testing.assert_array_equal(r.index, arch[m])
            np.testing.assert_array_equal(r.values, acc[m])
        assert records[(dataset, split, "accuracy", 2)].values.size == (n_seeds == 3).sum()
        np.testing.assert_array_equal(records[(dataset, "train", "time_total_s", None)].values,
                                      1000.0 + np.arange(N_ARCHS))
        np.testing.assert_allclose(records[(dataset, "model", "params_mb", None)].values,
                                   0.1 + (np.arange(N_ARCHS) % 7) / 10)


def test_metric_vals_wrong_number_of_runs(tmp_path):
    rng = np.random.default_rng(0)
    data = {}
    for key in ("cifar10", "cifar100", "imagenet"):
        data[key], _ = _metric_vals(rng, 2)
    data["cifar100"]["runtime"][2:4] = data["cifar100"]["runtime"][0]  # arch 1 merges into arch 0
    data["cifar100"]["size_in_mb"][2:4] = data["cifar100"]["size_in_mb"][0]
    p = tmp_path / "metric_vals.pkl"
    p.write_bytes(pickle.dumps(data))
    with pytest.raises(SourceError, match="cifar100 splits into 15624"):
        read_metric_vals(p)


def test_metric_vals_refuses_foreign_globals_and_bad_layout(tmp_path):
    p = tmp_path / "metric_vals.pkl"
    p.write_bytes(pickle.dumps({"cifar10": collections.OrderedDict()}))
    with pytest.raises(SourceError, match="refusing"):
        read_metric_vals(p)
    p.write_bytes(pickle.dumps({"cifar10": {}}))
    with pytest.raises(SourceError, match="keys"):
        read_metric_vals(p)
    p.write_bytes(pickle.dumps({"cifar10": {}, "cifar100": {}, "imagenet": {}}))
    with pytest.raises(SourceError, match="lacks"):
        read_metric_vals(p)
    p.write_bytes(b"\x80\x04garbage")
    with pytest.raises(SourceError):
        read_metric_vals(p)


# -- torch archives (HELP) ---------------------------------------------------------------------


def _torch_zip(path: Path, payload: bytes, name: str = "archive/data.pkl") -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(name, payload)
        z.writestr("archive/version", "3\n")
    return path


class Evil:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.mark.parametrize("obj", [collections.OrderedDict(a=1), Evil(), np.float64(1.0), complex(1, 2)])
def test_load_torch_plain_refuses_globals(tmp_path, obj, capsys):
    p = _torch_zip(tmp_path / "x.pt", pickle.dumps({"payload": [obj]}))
    with pytest.raises(SourceError, match="refusing"):
        load_torch_plain(p)
    assert "must never run" not in capsys.readouterr().out


def test_load_torch_plain_reads_plain_data(tmp_path):
    data = {"a": [1.5, 2.5], "b": ("x", None, True), "c": {"n": 3}}
    assert load_torch_plain(_torch_zip(tmp_path / "x.pt", pickle.dumps(data, protocol=2))) == data


def test_load_torch_plain_bad_archives(tmp_path):
    with pytest.raises(SourceError, match="data.pkl"):
        load_torch_plain(_torch_zip(tmp_path / "a.pt", pickle.dumps([1]), name="archive/other.pkl"))
    (tmp_path / "b.pt").write_bytes(b"not a zip")
    with pytest.raises(SourceError, match="unreadable"):
        load_torch_plain(tmp_path / "b.pt")
    with pytest.raises(SourceError):
        load_torch_plain(_torch_zip(tmp_path / "c.pt", pickle.dumps([1, 2, 3])[:-3]))


def test_help_latency_and_index(tmp_path):
    values = np.linspace(1, 2, N_ARCHS).tolist()
    rec = read_help_latency(_torch_zip(tmp_path / "lat.pt", pickle.dumps(values)), "pixel3")
    assert (rec.key.dataset, rec.key.split, rec.key.metric, rec.key.source) == ("hardware", "pixel3", "latency_ms",
                                                                               "HELP")
    np.testing.assert_array_equal(rec.values, values)
    values[5] = float("nan")
    with pytest.raises(SourceError, match=r"\[5\]"):
        read_help_latency(_torch_zip(tmp_path / "lat2.pt", pickle.dumps(values)), "pixel3")
    strings = np.array(["a", "b", "c"])
    check_help_index(_torch_zip(tmp_path / "i.pt", pickle.dumps({"a": 0, "b": 1, "c": 2})), strings)
    with pytest.raises(SourceError, match="2 architecture"):
        check_help_index(_torch_zip(tmp_path / "j.pt", pickle.dumps({"a": 0, "b": 2, "c": 1})), strings)
    with pytest.raises(SourceError):
        check_help_index(_torch_zip(tmp_path / "k.pt", pickle.dumps({"a": 0})), strings)


# -- AutoDL splits and configs -----------------------------------------------------------------


def test_autodl_readers(tmp_path, shared_data):
    cfg = read_config(shared_data / SOURCES["autodl:hyper-opts/200E.config"].path)
    assert cfg["epochs"] == 200 and cfg["scheduler"] == "cos" and cfg["nesterov"] is True
    p = tmp_path / "split.txt"
    p.write_text(json.dumps({"train": ["int", [3, 1, 2]], "valid": ["int", [0]]}))
    got = read_split(p, "toy")
    assert got.keys() == {"toy:train", "toy:valid"} and got["toy:train"].tolist() == [3, 1, 2]
    p.write_text(json.dumps({"train": [1, 2, 3]}))
    with pytest.raises(SourceError, match="train"):
        read_split(p, "toy")
    p.write_text(json.dumps({"epochs": ["int", "many"]}))
    with pytest.raises(SourceError, match="epochs"):
        read_config(p)
    p.write_text("{")
    with pytest.raises(SourceError, match="JSON"):
        read_config(p)
    p.write_text("[1]")
    with pytest.raises(SourceError, match="object"):
        read_config(p)


# -- the sources folder ------------------------------------------------------------------------


def _mirror(shared_data: Path, dest: Path, skip: set[str] = frozenset()) -> Path:
    """A folder of symlinks to the real source files (the registered ones only)."""
    for name, s in SOURCES.items():
        if name in skip:
            continue
        target = dest / s.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(shared_data / s.path)
    return dest


def test_check_sources_on_the_real_folder(shared_data):
    paths = check_sources(shared_data)
    assert set(paths) == set(SOURCES)
    assert all(p.is_file() for p in paths.values())


def test_check_sources_detects_an_altered_file(shared_data, tmp_path):
    name = "autodl:hyper-opts/12E.config"
    d = _mirror(shared_data, tmp_path / "src", skip={name})
    target = d / SOURCES[name].path
    original = (shared_data / SOURCES[name].path).read_text()
    assert '"12"' in original
    target.write_text(original.replace('"12"', '"13"'))  # same size, different content
    assert target.stat().st_size == (shared_data / SOURCES[name].path).stat().st_size
    with pytest.raises(SourceError, match="sha256") as info:
        check_sources(d)
    assert "12E.config" in str(info.value)
    assert SOURCES[name].sha256[:12] in str(info.value)


def test_check_sources_reports_missing_files(shared_data, tmp_path):
    d = _mirror(shared_data, tmp_path / "src", skip={"latency:pixel2", "nats"})
    with pytest.raises(SourceError, match="fetch") as info:
        check_sources(d)
    assert "2 source file(s) missing" in str(info.value)
    with pytest.raises(SourceError, match="fetch"):
        check_sources(tmp_path / "empty")


def test_source_registry():
    assert source("nats") is SOURCES["nats"]
    with pytest.raises(ValueError, match="unknown source"):
        source("nope")
    s = SOURCES["autodl:hyper-opts/12E.config"]
    assert s.repo_path == "configs/nas-benchmark/hyper-opts/12E.config"
    assert s.url == f"https://raw.githubusercontent.com/D-X-Y/AutoDL-Projects/{s.commit}/{s.repo_path}"
    assert all(len(s.sha256) == 64 for s in SOURCES.values())


# -- NASLib zero-cost table --------------------------------------------------------------------


def test_naslib_documented_example():
    # key (o0..o5) = (0, 2, 3, 2, 3, 1) is |o0~0|+|o1~0|o3~1|+|o2~0|o4~1|o5~2| with
    # {0: skip_connect, 1: none, 2: nor_conv_3x3, 3: nor_conv_1x1, 4: avg_pool_3x3}
    codes = naslib_to_codes(np.array([0, 2, 3, 2, 3, 1]))
    assert format_arch(codes) == (
        "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|"
    )
    assert format_arch(naslib_to_codes(np.array([1, 4, 0, 2, 3, 0]))) == (
        "|none~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|"
    )


def test_naslib_mapping_is_a_bijection():
    naslib = all_codes()  # every NASLib tuple: 6 positions, values 0..4
    keys = codes_to_key(naslib_to_codes(naslib))
    assert np.unique(keys).size == N_ARCHS
    assert sorted(NASLIB_TO_CODE.tolist()) == [0, 1, 2, 3, 4]
    assert sorted(NASLIB_EDGE_ORDER) == list(range(6))


@pytest.fixture(scope="module")
def naslib_cifar10(shared_data):
    table = json.loads((shared_data / SOURCES["naslib_zc"].path).read_text())["cifar10"]
    ops = np.array([json.loads(k.replace("(", "[").replace(")", "]")) for k in table])
    acc = np.array([e["val_accuracy"] for e in table.values()])
    assert all(e["arch"] == k for k, e in table.items())
    return ops, acc


def test_only_the_documented_naslib_mapping_fits_the_data(store, naslib_cifar10):
    import itertools

    ops, acc = naslib_cifar10
    assert len(acc) == 725
    reference = store.array("cifar10-valid", split="valid", source="landscapes")
    taus = {}
    for perm in itertools.permutations(range(5)):
        for order in ((0, 1, 2, 3, 4, 5), tuple(NASLIB_EDGE_ORDER)):
            idx = store.index.index_of(np.array(perm)[ops[:, list(order)]])
            taus[perm, order] = kendalltau(acc, reference[idx]).statistic
    documented = (tuple(NASLIB_TO_CODE.tolist()), tuple(NASLIB_EDGE_ORDER))
    assert taus[documented] > 0.9
    assert [k for k, t in taus.items() if t > 0.9] == [documented]
    assert taus[tuple(NASLIB_TO_CODE.tolist()), (0, 1, 2, 3, 4, 5)] < 0.7  # the naive edge order


def test_read_naslib_zc_real(store, shared_data, naslib_cifar10):
    ops, acc = naslib_cifar10
    records = read_naslib_zc(shared_data / SOURCES["naslib_zc"].path, store.index)
    acc_rec = next(r for r in records if r.key.dataset == "cifar10" and r.key.metric == "accuracy")
    np.testing.assert_array_equal(acc_rec.values, acc)
    np.testing.assert_array_equal(acc_rec.index, store.index.index_of(naslib_to_codes(ops)))
    assert np.unique(acc_rec.index).size == 725
    nwot = next(r for r in records if r.key.dataset == "cifar10" and r.key.metric == "zc:nwot")
    assert nwot.values.size == 724 and "non-finite" in nwot.note


def test_read_naslib_zc_synthetic_errors(tmp_path):
    index = ArchIndex(all_codes())
    p = tmp_path / "zc.json"
    p.write_text(json.dumps({"cifar10": {"(0, 1, 2, 3, 4, 9)": {"val_accuracy": 50.0}}}))
    with pytest.raises(SourceError, match="bad architecture key"):
        read_naslib_zc(p, index)
    p.write_text(json.dumps({"cifar10": {}}))
    with pytest.raises(SourceError, match="no architecture table"):
        read_naslib_zc(p, index)
    p.write_text(json.dumps({"cifar10": {"(0, 1, 2, 3, 4, 0)": {"val_accuracy": 50.0, "snip": {"score": 1.0}}}}))
    with pytest.raises(SourceError, match="snip"):
        read_naslib_zc(p, index)
    p.write_text('{"cifar10": ')
    with pytest.raises(SourceError, match="JSON"):
        read_naslib_zc(p, index)


def test_read_naslib_zc_synthetic(tmp_path):
    index = ArchIndex(all_codes())
    entry = {"val_accuracy": 70.0, "snip": {"score": 2.0, "time": 0.5}, "nwot": {"score": float("-inf"), "time": 1.0}}
    other = {"val_accuracy": 60.0, "snip": {"score": 3.0, "time": 0.25}, "nwot": {"score": 4.0, "time": 1.0}}
    p = tmp_path / "zc.json"
    p.write_text(json.dumps({"cifar10": {"(0, 2, 3, 2, 3, 1)": entry, "(1, 1, 1, 1, 1, 1)": other}}))
    recs = {r.key.metric: r for r in read_naslib_zc(p, index)}
    want = index.index_of(naslib_to_codes(np.array([[0, 2, 3, 2, 3, 1], [1, 1, 1, 1, 1, 1]])))
    assert want[1] == index.index_of((0,) * 6)
    np.testing.assert_array_equal(recs["accuracy"].index, want)
    np.testing.assert_array_equal(recs["accuracy"].values, [70.0, 60.0])
    np.testing.assert_array_equal(recs["zc:snip"].values, [2.0, 3.0])
    np.testing.assert_array_equal(recs["zc:nwot"].index, want[1:])  # -inf left out ...
    assert recs["zc:nwot"].note  # ... and said so
    np.testing.assert_array_equal(recs["zc_time_s:nwot"].values, [1.0, 1.0])


def test_require_file(tmp_path):
    (tmp_path / "f").write_text("x")
    assert require_file(tmp_path / "f") == tmp_path / "f"
    with pytest.raises(SourceError):
        require_file(tmp_path)
