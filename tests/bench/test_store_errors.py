"""The store fails loudly on damage and never returns wrong numbers (synthetic store, fast)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import FULL_KEY, PARAMS_KEY, PARTIAL_KEY, SEED_KEY, make_tiny_store, tiny_records

from landscape.bench.paths import load_store
from landscape.bench.store import SCHEMA_VERSION, Record, SeriesKey, Store, write_store
from landscape.errors import LandscapeError, StoreError, StoreMissingError
from landscape.spaces.nb201 import N_ARCHS, all_codes, isomorphism_classes


def _read_everything(store: Store) -> dict:
    """Every number the store hands out, keyed by what was asked."""
    out = {
        "codes": np.array(store.codes),
        "classes": np.array(store.isomorphism_classes()),
        "splits": store.splits(),
        "full": store.array("toy", split="test", source="toy"),
        "seed": store.array("toy", split="test", seed=0),
        "partial": store.values("toy", split="valid"),
        "params": store.array("toy", "params_mb"),
    }
    return out


def test_tiny_store_reads_back_what_was_written(tiny_store):
    store = tiny_store.open()
    got = _read_everything(store)
    np.testing.assert_array_equal(got["codes"], tiny_store.codes)
    np.testing.assert_array_equal(got["classes"], isomorphism_classes(tiny_store.codes))
    by_key = {r.key: r for r in tiny_store.records}
    np.testing.assert_array_equal(got["full"], by_key[FULL_KEY].values)
    np.testing.assert_array_equal(got["seed"], by_key[SEED_KEY].values)
    np.testing.assert_array_equal(got["params"], by_key[PARAMS_KEY].values)
    np.testing.assert_array_equal(got["partial"].to_numpy(), by_key[PARTIAL_KEY].values)
    np.testing.assert_array_equal(got["partial"].index.to_numpy(), by_key[PARTIAL_KEY].index)
    assert got["splits"].keys() == tiny_store.splits.keys()
    assert store.configs == tiny_store.configs
    assert store.manifest["schema_version"] == SCHEMA_VERSION
    series = {s["id"]: s for s in store.manifest["series"]}
    assert any(s["note"] == "100 cells only" for s in series.values())


def _npz_files(tiny_store) -> list[Path]:
    files = sorted(tiny_store.path.glob("*.npz"))
    assert {f.name for f in files} == {"space.npz", "splits.npz", "toy.npz", "other.npz"}
    return files


@pytest.mark.parametrize("name", ["toy.npz", "space.npz", "other.npz"])
def test_truncated_file_is_detected_on_open(tiny_store, name):
    p = tiny_store.path / name
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError) as info:
        Store(tiny_store.path)
    msg = str(info.value)
    assert "truncated" in msg or (str(len(data)) in msg and str(len(data) // 2) in msg)
    assert name in msg
    assert "python -m landscape.data import" in msg


def test_appended_bytes_are_detected_on_open(tiny_store):
    p = tiny_store.path / "toy.npz"
    p.write_bytes(p.read_bytes() + b"\0")
    with pytest.raises(StoreError, match="bytes"):
        Store(tiny_store.path)


def _flip(p: Path, offset: int) -> None:
    data = bytearray(p.read_bytes())
    data[offset] ^= 0x01
    p.write_bytes(bytes(data))


def test_corrupted_byte_fails_on_first_access(tiny_store):
    p = tiny_store.path / "toy.npz"
    _flip(p, p.stat().st_size // 2)
    store = Store(tiny_store.path)  # opening checks sizes only
    with pytest.raises(StoreError, match="checksum mismatch"):
        store.array("toy", split="test", source="toy")
    with pytest.raises(StoreError, match="checksum mismatch"):
        store.frame()
    # the other files are intact and still readable
    np.testing.assert_array_equal(store.array("toy", "params_mb"), tiny_store.records[3].values)


@pytest.mark.parametrize("where", [0.0, 0.3, 0.6, 0.99])
def test_no_single_byte_corruption_gives_wrong_numbers(tiny_store, where):
    """Whatever byte of whatever file flips, each read either raises StoreError or is exact."""
    reference = _read_everything(tiny_store.open())
    for p in _npz_files(tiny_store):
        original = p.read_bytes()
        _flip(p, min(int(where * len(original)), len(original) - 1))
        try:
            store = Store(tiny_store.path)
            failures = 0
            for name, read in [("codes", lambda: store.codes), ("classes", lambda: store.isomorphism_classes()),
                               ("splits", store.splits),
                               ("full", lambda: store.array("toy", split="test", source="toy")),
                               ("seed", lambda: store.array("toy", split="test", seed=0)),
                               ("partial", lambda: store.values("toy", split="valid")),
                               ("params", lambda: store.array("toy", "params_mb"))]:
                try:
                    got = read()
                except StoreError:
                    failures += 1
                    continue
                want = reference[name]
                if isinstance(want, dict):
                    assert got.keys() == want.keys()
                    for k in want:
                        np.testing.assert_array_equal(got[k], want[k])
                else:
                    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
            assert failures >= 1, f"a flipped byte in {p.name} went unnoticed"
        finally:
            p.write_bytes(original)


@pytest.mark.parametrize("text", ['{"schema_version": 1, "files": {', "", "not json", "\udcff"])
def test_corrupt_manifest(tiny_store, text):
    m = tiny_store.path / "manifest.json"
    if text == "\udcff":
        m.write_bytes(b"\xff\xfe\x00garbage")
    else:
        m.write_text(text)
    with pytest.raises(StoreError, match="manifest"):
        Store(tiny_store.path)


BROKEN_MANIFESTS = {
    "a list": lambda m: [],
    "no files or series": lambda m: {"schema_version": SCHEMA_VERSION},
    "series not a list": lambda m: {**m, "series": "oops"},
    "series entry without id": lambda m: {**m, "series": [{k: v for k, v in m["series"][0].items() if k != "id"}]},
    "files not a dict": lambda m: {**m, "files": ["toy.npz"]},
    "file entry without bytes": lambda m: {**m, "files": {**m["files"], "toy.npz": {"sha256": "0" * 64}}},
}


@pytest.mark.parametrize("breaker", BROKEN_MANIFESTS.values(), ids=BROKEN_MANIFESTS.keys())
def test_manifest_of_the_wrong_structure(tiny_store, breaker):
    """Valid JSON of the wrong shape is a corrupt store too: StoreError, not KeyError/AttributeError."""
    m = tiny_store.path / "manifest.json"
    m.write_text(json.dumps(breaker(json.loads(m.read_text()))))
    with pytest.raises(StoreError):
        Store(tiny_store.path)


@pytest.mark.parametrize("version", [0, 2, "1", None])
def test_wrong_schema_version(tiny_store, version):
    m = tiny_store.path / "manifest.json"
    manifest = json.loads(m.read_text())
    manifest["schema_version"] = version
    m.write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="schema version") as info:
        Store(tiny_store.path)
    assert "python -m landscape.data import" in str(info.value)


@pytest.mark.parametrize("name", ["toy.npz", "space.npz", "manifest.json"])
def test_missing_file(tiny_store, name):
    (tiny_store.path / name).unlink()
    with pytest.raises(StoreError, match="missing") as info:
        Store(tiny_store.path)
    assert name in str(info.value)


def test_a_file_unknown_to_the_manifest_cannot_be_read(tiny_store):
    store = tiny_store.open()
    with pytest.raises(StoreError):
        store._load("nope.npz")


def test_load_store_on_an_empty_dir(tmp_path):
    with pytest.raises(StoreMissingError) as info:
        load_store(tmp_path, auto_import=False)
    assert "python -m landscape.data import" in str(info.value)
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, LandscapeError)
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_load_store_accepts_data_dir_or_store_folder(tiny_store):
    a = load_store(tiny_store.data_dir, auto_import=False)
    b = load_store(tiny_store.path, auto_import=False)
    assert a.path == b.path == tiny_store.path
    np.testing.assert_array_equal(a.array("toy", "params_mb"), b.array("toy", "params_mb"))


def test_load_store_auto_import_without_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDSCAPE_SOURCES", str(tmp_path / "nowhere"))
    with pytest.raises(StoreMissingError, match="fetch"):
        load_store(tmp_path / "data")


# -- Record ------------------------------------------------------------------------------------

KEY = SeriesKey("toy", "test", "accuracy", 200, None, "toy")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_record_rejects_non_finite(bad):
    v = np.ones(N_ARCHS)
    v[17] = bad
    with pytest.raises(ValueError, match="17"):
        Record(KEY, v)
    with pytest.raises(ValueError):
        Record(KEY, np.array([1.0, bad]), np.array([3, 4]))


def test_record_rejects_bad_shapes_and_indices():
    with pytest.raises(ValueError):
        Record(KEY, np.ones(N_ARCHS - 1))
    with pytest.raises(ValueError):
        Record(KEY, np.ones(3), np.array([0, 1]))
    with pytest.raises(ValueError):
        Record(KEY, np.ones(2), np.array([0, N_ARCHS]))
    with pytest.raises(ValueError):
        Record(KEY, np.ones(2), np.array([-1, 0]))


def test_record_rejects_duplicate_indices():
    # two values for one architecture: values() would hand out a Series with a repeated label
    with pytest.raises(ValueError):
        Record(KEY, np.array([1.0, 2.0]), np.array([5, 5]))


def test_write_store_rejects_duplicate_keys_and_bad_codes(tmp_path):
    rec = Record(KEY, np.ones(N_ARCHS))
    with pytest.raises(ValueError, match="share the key"):
        write_store(tmp_path, all_codes(), [rec, Record(KEY, np.zeros(N_ARCHS))])
    codes = all_codes()
    codes[0] = codes[1]
    with pytest.raises(ValueError, match="permutation"):
        write_store(tmp_path, codes, [rec])
    assert not (tmp_path / "nb201").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".nb201")]


# -- atomic writes -----------------------------------------------------------------------------


def _leftovers(data_dir: Path) -> list[str]:
    return [p.name for p in data_dir.iterdir() if p.name.startswith(".nb201")]


def test_write_store_replaces_the_old_store_completely(tiny_store):
    old_values = tiny_store.open().array("toy", split="test", source="toy")
    new_key = SeriesKey("fresh", "test", "accuracy", 200, None, "fresh")
    new_values = np.linspace(0, 1, N_ARCHS)
    path = write_store(tiny_store.data_dir, all_codes(), [Record(new_key, new_values)])
    assert path == tiny_store.path
    assert _leftovers(tiny_store.data_dir) == []
    assert sorted(p.name for p in path.iterdir()) == ["fresh.npz", "manifest.json", "space.npz", "splits.npz"]
    store = Store(path)
    assert store.datasets == ["fresh"]
    np.testing.assert_array_equal(store.array("fresh"), new_values)
    np.testing.assert_array_equal(store.codes, all_codes())
    with pytest.raises(ValueError, match="unknown dataset"):
        store.array("toy", split="test", source="toy")
    assert not np.array_equal(old_values, new_values)


def test_failed_write_leaves_the_old_store_intact(tiny_store):
    before = _read_everything(tiny_store.open())
    manifest = (tiny_store.path / "manifest.json").read_bytes()
    with pytest.raises(TypeError):  # a config JSON cannot hold: fails after the arrays were written
        write_store(tiny_store.data_dir, all_codes(), tiny_records(seed=9), configs={"bad": {"x": {1, 2}}})
    assert _leftovers(tiny_store.data_dir) == []
    assert (tiny_store.path / "manifest.json").read_bytes() == manifest
    after = _read_everything(tiny_store.open())
    for name in ("codes", "full", "seed", "params"):
        np.testing.assert_array_equal(after[name], before[name])


def test_rewrite_in_place_twice(tmp_path):
    first = make_tiny_store(tmp_path, seed=1)
    second = make_tiny_store(tmp_path, seed=2)
    assert first.path == second.path
    assert _leftovers(tmp_path) == []
    np.testing.assert_array_equal(second.open().array("toy", split="test", source="toy"), second.records[0].values)
    assert not np.array_equal(first.records[0].values, second.records[0].values)


def test_store_without_series_opens(tmp_path):
    # write_store accepts an empty record list; the store it writes must open (or fail with StoreError)
    path = write_store(tmp_path, all_codes(), [])
    try:
        store = Store(path)
    except StoreError:
        return
    assert store.datasets == []
    assert len(store.frame()) == 0
    assert store.codes.shape == (N_ARCHS, 6)


def test_store_is_readable_without_pickle(tiny_store):
    for p in _npz_files(tiny_store):
        with np.load(p, allow_pickle=False) as z:
            for k in z.files:
                assert z[k].dtype != object


def test_a_damaged_store_names_the_sources_already_found(tiny_store, shared_data, monkeypatch):
    monkeypatch.setenv("LANDSCAPE_SOURCES", str(shared_data))
    (tiny_store.path / "toy.npz").unlink()
    with pytest.raises(StoreError, match="missing") as info:
        load_store(tiny_store.data_dir, auto_import=False)
    assert f"Sources found at {shared_data}: `python -m landscape.data import {shared_data}`" in str(info.value)
