"""Bring your own table (``bench.tables.metric_table``): any NB201 metric keyed by architecture string or official
index, checked against the store it must agree with, and every malformed input named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landscape.bench.tables import metric_table
from landscape.spaces.nb201 import N_ARCHS


@pytest.fixture(scope="module")
def acc12(store):
    return store.array("cifar10", split="valid", epochs=12)


def test_strings_in_any_order_and_seeds_combined_only_when_asked(store, acc12):
    from landscape.bench.tables import read_metric_table

    order = np.random.default_rng(1).permutation(N_ARCHS)
    strings = store.index.arch_string(order)
    two_seeds = pd.DataFrame({"arch_str": np.concatenate([strings, strings]),
                              "acc": np.concatenate([acc12[order] - 1.0, acc12[order] + 1.0])})
    with pytest.raises(ValueError, match=rf"31250 rows key a cell another row keys too, e.g. rows \[0, {N_ARCHS}\]"):
        metric_table(two_seeds, "acc", store.index)
    assert np.allclose(metric_table(two_seeds, "acc", store.index, aggregate="mean"), acc12, rtol=0, atol=1e-12)
    values, merged = read_metric_table(two_seeds, "acc", store.index, aggregate="median")
    assert np.allclose(values, acc12, rtol=0, atol=1e-12) and merged == N_ARCHS


@pytest.mark.slow
def test_help_latency_from_the_store_goes_straight_through(store, tmp_path):
    """The store's tidy frame of a HELP latency (``arch`` = official index) is itself a valid table, and the
    report's ``--table`` analysis of it as a cost is the landscape of the negated latency."""
    from landscape.geometry import local_optima
    from landscape.report.__main__ import main

    frame = store.frame(metric="latency_ms", split="1080ti_1")
    latency = store.array("hardware", "latency_ms", split="1080ti_1")
    assert np.array_equal(metric_table(frame, "value", store.index), latency)
    csv = tmp_path / "latency.csv"
    frame[["arch", "value"]].rename(columns={"value": "latency_ms"}).to_csv(csv, index=False)
    out = tmp_path / "report"
    assert main(["--table", str(csv), "--metric", "latency_ms", "--lower-is-better", "--out", str(out),
                 "--data-dir", str(store.path.parent)]) == 0
    summary = pd.read_csv(out / "table_latency_ms_summary.csv").iloc[0]
    # a strict local optimum of a cost: lower than all 24 cells one op substitution away (base-5 keys of the codes)
    codes = store.index.codes.astype(np.int64)
    place = 5 ** np.arange(6)
    position = np.empty(5 ** 6, np.int64)
    position[codes @ place] = np.arange(N_ARCHS)
    nbrs = np.stack([position[codes @ place + (((codes[:, e] + s) % 5) - codes[:, e]) * place[e]]
                     for e in range(6) for s in range(1, 5)], axis=1)
    strict_minima = int((latency < latency[nbrs].min(axis=1)).sum())
    assert summary["strict_optima"] == strict_minima == len(local_optima(-latency, store.index, atol=0))
    assert summary["metric"].startswith("−latency_ms")


@pytest.mark.parametrize("make, match", [
    (lambda f: f.drop(columns="arch"), "no architecture column"),
    (lambda f: f.rename(columns={"acc": "acc_12"}), "no column 'acc'.*did you mean 'acc_12'"),
    (lambda f: f.assign(acc=f["acc"].where(f.index != 7)), r"not a finite number in 1 row\(s\), e\.g\. rows \[7\]"),
    (lambda f: f.assign(acc=f["acc"].astype(object).where(f.index != 3, "n/a")), "not a finite number.*'n/a'"),
    (lambda f: f.iloc[1:], "covers 15624 of the 15625 cells"),
    (lambda f: f.assign(arch=f["arch"].where(f.index != 0, "|nor_conv_3x3~0|+|bogus~0|")), "bogus"),
])
def test_bad_tables_are_named(store, acc12, make, match):
    frame = pd.DataFrame({"arch": store.index.arch_string(np.arange(N_ARCHS)), "acc": acc12})
    with pytest.raises(ValueError, match=match):
        metric_table(make(frame), "acc", store.index)


def test_bad_indices_files_and_options_are_named(store, acc12, tmp_path):
    by_index = pd.DataFrame({"index": np.arange(N_ARCHS), "acc": acc12})
    with pytest.raises(ValueError, match="0..15624; index 15625 does not"):
        metric_table(by_index.assign(index=by_index["index"] + 1), "acc", store.index)
    with pytest.raises(ValueError, match="aggregate must be None, 'mean' or 'median'"):
        metric_table(by_index, "acc", store.index, aggregate="max")
    with pytest.raises(ValueError, match="no table at"):
        metric_table(tmp_path / "missing.csv", "acc", store.index)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage\x00")
    with pytest.raises(ValueError, match="not a readable CSV"):
        metric_table(broken, "acc", store.index)
