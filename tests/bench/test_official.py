"""The official-benchmark importer, against a stand-in for the ``nats_bench`` API."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from landscape.bench.importers.official import OFFICIAL_DATASETS, HPS, open_official_api, read_official
from landscape.bench.store import Store, write_store
from landscape.errors import SourceError
from landscape.spaces.nb201 import N_ARCHS, all_codes, format_arch

PERM = np.random.default_rng(2024).permutation(N_ARCHS)
CODES = all_codes()[PERM]
STRINGS = format_arch(CODES).tolist()
BASE = {"cifar10-valid": 0.0, "cifar10": 100.0, "cifar100": 200.0, "ImageNet16-120": 300.0}
MISSING = ("ImageNet16-120", "12", 42)  # this run lacks its test accuracy


def fake_info(i: int, dataset: str, hp: str) -> dict:
    b = BASE[dataset] + (50.0 if hp == "200" else 0.0) + i * 1e-3
    out = {"train-loss": b + 1, "train-accuracy": b + 2, "train-per-time": 9.0, "train-all-time": 99.0,
           "test-loss": b + 3, "test-accuracy": b + 4, "comment": "stand-in"}
    if dataset != "cifar10":  # cifar10 is trained on train+valid: no valid split
        out.update({"valid-loss": b + 5, "valid-accuracy": b + 6})
    if dataset in ("cifar100", "ImageNet16-120"):
        out.update({"valtest-loss": b + 7, "valtest-accuracy": b + 8})
    if (dataset, hp, i) == MISSING:
        out["test-accuracy"] = None
    return out


def expected() -> dict[tuple, tuple[np.ndarray, np.ndarray | None]]:
    """(dataset, split, metric, epochs) -> (values, index) that the importer must produce."""
    out = {}
    for dataset in OFFICIAL_DATASETS:
        for hp in HPS:
            infos = [fake_info(i, dataset, hp) for i in range(N_ARCHS)]
            for key in infos[0]:
                split, _, metric = key.rpartition("-")
                if metric not in ("loss", "accuracy"):
                    continue
                values = np.array([info[key] for info in infos], dtype=float)
                ok = np.isfinite(values)
                out[dataset, split, metric, int(hp)] = (values[ok], None if ok.all() else np.flatnonzero(ok))
    return out


class FakeAPI:
    def __init__(self, path: str, n: int = N_ARCHS):
        self.path, self.n, self.calls = path, n, 0

    def __len__(self) -> int:
        return self.n

    def arch(self, i: int) -> str:
        return STRINGS[i]

    def get_more_info(self, index, dataset, iepoch=None, hp="12", is_random=True):
        assert iepoch is None and is_random is False and hp in ("12", "200")
        self.calls += 1
        return fake_info(index, dataset, hp)


@pytest.fixture
def fake_nats(monkeypatch):
    created = []

    def create(path, search_space, fast_mode=False, verbose=True):
        assert search_space == "tss" and fast_mode is True and verbose is False
        assert isinstance(path, str)
        api = FakeAPI(path)
        created.append(api)
        return api

    module = types.ModuleType("nats_bench")
    module.create = create
    monkeypatch.setitem(sys.modules, "nats_bench", module)
    monkeypatch.setitem(sys.modules, "nas_201_api", None)  # must not be needed
    return created


@pytest.fixture
def benchmark_file(tmp_path):
    p = tmp_path / "NATS-tss-v1_0-3ffb9-simple"
    p.mkdir()
    return p


@pytest.fixture(scope="module")
def official_result():
    """``read_official`` on the stand-in (125,000 queries: read once per module)."""
    api = FakeAPI("stand-in")
    result = read_official(api)
    assert api.calls == len(OFFICIAL_DATASETS) * len(HPS) * N_ARCHS
    return result


def test_read_official_with_a_stand_in_api(fake_nats, benchmark_file, official_result):
    api = open_official_api(benchmark_file)
    assert fake_nats == [api] and api.path == str(benchmark_file)
    assert len(api) == N_ARCHS
    codes, records = official_result
    np.testing.assert_array_equal(codes, CODES)
    want = expected()
    got = {(r.key.dataset, r.key.split, r.key.metric, r.key.epochs): r for r in records}
    assert got.keys() == want.keys()
    for k, r in got.items():
        assert (r.key.seed, r.key.source) == (None, "official")
        values, index = want[k]
        np.testing.assert_array_equal(r.values, values)
        if index is None:
            assert r.index is None, k
        else:
            np.testing.assert_array_equal(r.index, index)
    partial = got["ImageNet16-120", "test", "accuracy", 12]
    assert partial.values.size == N_ARCHS - 1 and 42 not in partial.index

    # and the records make a store that hands the stand-in's numbers back in its index order
    store = Store(write_store(benchmark_file.parent / "data", codes, records))
    acc = store.array("cifar10-valid", split="valid", epochs=200, source="official")
    i = int(np.flatnonzero(PERM == 0)[0])  # official index of the base-5 cell 0 (all 'none')
    assert acc[i] == fake_info(i, "cifar10-valid", "200")["valid-accuracy"]
    assert store.index.arch_string(i) == format_arch((0,) * 6)
    assert len(store.values("ImageNet16-120", split="test", epochs=12)) == N_ARCHS - 1


def test_nonexistent_benchmark_file(fake_nats, tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        open_official_api(tmp_path / "missing.pth")
    assert fake_nats == []


def test_no_api_installed(monkeypatch, benchmark_file):
    monkeypatch.setitem(sys.modules, "nats_bench", None)
    monkeypatch.setitem(sys.modules, "nas_201_api", None)
    with pytest.raises(SourceError, match="pip install") as info:
        open_official_api(benchmark_file)
    assert "nats_bench" in str(info.value) and "nas_201_api" in str(info.value)


def test_api_refusing_the_file(monkeypatch, benchmark_file):
    def create(*args, **kwargs):
        raise RuntimeError("not a NATS file")

    module = types.ModuleType("nats_bench")
    module.create = create
    monkeypatch.setitem(sys.modules, "nats_bench", module)
    monkeypatch.setitem(sys.modules, "nas_201_api", None)
    with pytest.raises(SourceError, match="not a NATS file"):
        open_official_api(benchmark_file)


def test_wrong_space_size(benchmark_file):
    with pytest.raises(SourceError, match="32768"):
        read_official(FakeAPI(str(benchmark_file), n=32768))


def test_cli_import_official(fake_nats, benchmark_file, official_result, monkeypatch, capsys):
    from landscape.bench.importers import official
    from landscape.data.__main__ import main

    def cached_read_official(api):  # the same stand-in, without querying it 125,000 times again
        assert isinstance(api, FakeAPI) and api.path == str(benchmark_file)
        return official_result

    monkeypatch.setattr(official, "read_official", cached_read_official)
    d = benchmark_file.parent / "data"
    assert main(["--data-dir", str(d), "import", "--official", str(benchmark_file)]) == 0
    assert "wrote" in capsys.readouterr().out
    store = Store(d / "nb201")
    np.testing.assert_array_equal(store.codes, CODES)
    assert set(store.series_table()["source"]) == {"official"}
    test12 = store.array("cifar100", split="test", epochs=12)
    np.testing.assert_array_equal(test12, [fake_info(i, "cifar100", "12")["test-accuracy"] for i in range(N_ARCHS)])
    assert "official" in store.manifest["sources"]
