"""Matched-scale ground truth: the cells, one stand-alone run, the resumable sweep."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from landscape.studies import sample_archs
from landscape.studies import standalone as sa
from landscape.studies.presets import get_preset


def test_matched_cells(store):
    cells = sa.matched_cells("cpu", store=store)
    assert len(cells) == 100 and cells["arch"].is_unique
    table5 = cells[cells["group"] == "table5"]["arch"].tolist()
    assert table5 == sample_archs(50, np.random.SeedSequence([0, 2]), store)
    extra = cells[cells["group"] == "stratified"]
    classes = store.isomorphism_classes()
    extra_classes = classes[extra["index"].to_numpy()]
    assert len(set(extra_classes)) == 50  # one per isomorphism class ...
    assert not set(extra_classes) & set(classes[store.index.indices_of(table5)])  # ... none of Table 5's
    acc = store.array("cifar10", split="test", epochs=200)
    reps = np.unique(classes)
    # strata of equal count: the lowest and highest fiftieths of the classes' accuracies are represented
    assert extra["cifar10"].min() <= np.quantile(acc[reps], 0.02) and extra["cifar10"].max() >= np.quantile(
        acc[reps], 0.98)
    with pytest.raises(ValueError, match="n_extra"):
        sa.matched_cells("cpu", n_extra=-1, store=store)


def test_study_cells_add_the_searched_cells(store, tmp_path):
    arch = "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"
    for name, space in (("a2m-seed0", "nb201"), ("darts-seed0", "nb201"), ("a2m-seed9", "darts")):
        (tmp_path / name).mkdir()
        method, seed = name.split("-seed")
        record = {"space": space, "arch": arch, "method": method, "random_state": int(seed)}
        if space == "nb201":  # as run_darts writes: the NB201 cell's ground truth; a DARTS genotype has none
            record["accuracy"] = {"cifar10": 90.0, "cifar100": 70.0, "ImageNet16-120": 40.0}
        (tmp_path / name / "result.json").write_text(json.dumps(record))
    cells = sa.study_cells("cpu", tmp_path, store=store)
    assert cells[:100] == sa.matched_cells("cpu", store=store)["arch"].tolist() and cells[100:] == [arch]
    assert sa.study_cells("cpu", None, store=store) == cells[:100]


@pytest.mark.slow
def test_one_run_is_deterministic_and_complete(shared_data, tmp_path):
    arch = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|"
    task = sa.standalone_tasks("smoke", [arch], seeds=[1], weights_dir=tmp_path)[0]
    assert task["key"] == f"{arch}@seed=1"
    a, b = sa.train_standalone(task), sa.train_standalone(task)
    for k in a:
        if "seconds" not in k:
            assert a[k] == b[k], k
    p = get_preset("smoke")
    columns = [sa.loss_column(m, s, i) for m in sa.MODES for s in p.sigma_sets for i in (1, 2, 3)]
    assert all(np.isfinite(a[c]) for c in columns)
    assert 0 <= a["test_accuracy"] <= 1 and a["config_hash"] == sa.config_hash(sa.standalone_config("smoke"))
    assert len(list(tmp_path.glob("*.pt"))) == 1
    bad = dict(task, config={**task["config"], "epochs": 99})
    with pytest.raises(ValueError, match="another configuration"):
        sa.train_standalone(bad)


@pytest.mark.slow
def test_sweep_resumes_without_retraining(shared_data, tmp_path, monkeypatch):
    archs = ["|nor_conv_1x1~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|",
             "|avg_pool_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|"]
    first = sa.run_standalone("smoke", tmp_path, archs[:1], seeds=(0,), n_workers=1, progress=False)
    calls = []
    real = sa.train_standalone

    def counting(task):
        calls.append(task["key"])
        return real(task)

    monkeypatch.setattr(sa, "train_standalone", counting)
    both = sa.run_standalone("smoke", tmp_path, archs, seeds=(0,), n_workers=1, progress=False)
    assert calls == [f"{archs[1]}@seed=0"]
    pd.testing.assert_frame_equal(both.iloc[:1], first)
    assert pd.read_csv(tmp_path / "runs.csv").shape[0] == 2
