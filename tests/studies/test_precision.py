"""The precision checks: fast against fp32 training of the same cells, bf16 against fp32 evaluation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import scipy.stats
import torch

from landscape.nn import create_network
from landscape.studies.presets import get_preset
from landscape.studies.standalone import matched_cells, standalone_config, weights_path
from landscape.studies.precision import (EVAL_TAU_BAR, accuracy_agreement, check_cells, evaluation_agreement,
                                         fast_preset)


def _runs(accuracy: np.ndarray, cells: list[str]) -> pd.DataFrame:
    """Runs frame: ``accuracy[i, s]`` is cell i's test accuracy (fraction) with seed s."""
    return pd.DataFrame([{"arch": a, "seed": s, "test_accuracy": accuracy[i, s]} for i, a in enumerate(cells)
                         for s in range(2)])


def test_accuracy_agreement_by_definition():
    rng = np.random.default_rng(0)
    cells = [f"cell{i}" for i in range(12)]
    fp32 = rng.uniform(0.3, 0.6, size=(12, 2))
    fast = fp32 + rng.normal(0.002, 0.01, size=(12, 2))
    table = accuracy_agreement(_runs(fast, cells), _runs(fp32, cells).sample(frac=1, random_state=1)).set_index(
        "comparison")
    diff = (fast.mean(1) - fp32.mean(1)) * 100  # percentage points, one value per cell
    half = scipy.stats.t.ppf(0.975, 11) * diff.std(ddof=1) / np.sqrt(12)
    row = table.loc["test accuracy, fast - fp32 (points)"]
    assert row["estimate"] == pytest.approx(diff.mean()) and row["n"] == 12
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((diff.mean() - half, diff.mean() + half))
    tau = scipy.stats.kendalltau(fast.mean(1), fp32.mean(1)).statistic
    row = table.loc["fast vs fp32 (seed means)"]
    assert row["estimate"] == pytest.approx(tau) and row["ci_low"] <= tau <= row["ci_high"]
    assert table.loc["seed 0 vs seed 1, fp32", "estimate"] == pytest.approx(
        scipy.stats.kendalltau(fp32[:, 0], fp32[:, 1]).statistic)


def test_accuracy_agreement_needs_every_run():
    cells = ["a", "b", "c"]
    runs = _runs(np.full((3, 2), 0.5), cells)
    with pytest.raises(ValueError, match="lack a run"):
        accuracy_agreement(runs, runs.iloc[:-2])


def test_check_cells_are_a_seeded_subset_of_the_matched_cells(store):
    cells = check_cells(20, store=store)
    assert len(set(cells)) == 20 and set(cells) <= set(matched_cells("cpu", store=store)["arch"])
    assert cells == check_cells(20, store=store)
    with pytest.raises(ValueError, match="n_cells"):
        check_cells(101, store=store)


def test_fast_runs_get_their_own_configuration():
    fast, fp32 = standalone_config(fast_preset()), standalone_config("cpu")
    assert fast == {**fp32, "precision": "bf16", "channels_last": True}


def test_evaluation_agreement_measures_both_precisions(shared_data, tmp_path):
    p = dataclasses.replace(get_preset("smoke"), valid_per_class=3)
    arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"
    rows = []
    for seed in range(3):
        torch.manual_seed(seed)
        net = create_network("nb201", arch, c=p.c, n=p.n, num_classes=10)
        path = weights_path(tmp_path, f"{arch}@seed={seed}")
        torch.save({"arch": arch, "seed": seed, "trained": net.state_dict()}, path)
        rows.append({"arch": arch, "seed": seed})
    values, summary = evaluation_agreement(pd.DataFrame(rows), tmp_path, p, test_per_class=3, n_boot=50)
    assert len(values) == 3 and values.notna().all().all()
    assert (values["flatness_fp32"] != values["flatness_bf16"]).all()  # bf16 changes the losses a little
    assert set(summary["measure"]) == {"test_accuracy", "flatness"}
    assert (summary["meets_bar"] == (summary["tau"] >= EVAL_TAU_BAR)).all()
    with pytest.raises(ValueError, match="no trained weights"):
        evaluation_agreement(pd.DataFrame([{"arch": arch, "seed": 9}]), tmp_path, p, test_per_class=3)


def test_runs_without_weights_are_retrained(store, tmp_path, monkeypatch):
    from landscape.studies import precision

    cells = check_cells(3, store=store)
    weights = tmp_path / "weights"
    weights.mkdir()
    weights_path(weights, f"{cells[0]}@seed=0").write_bytes(b"kept")
    trained = []
    monkeypatch.setattr(precision, "train_standalone", lambda task: trained.append(task["key"]))
    keys = precision.retrain_missing_weights(tmp_path, cells)
    assert keys == trained and len(keys) == 5 and f"{cells[0]}@seed=0" not in keys


def test_the_study_evaluates_both_seeds_of_the_last_checked_cells(store, tmp_path, monkeypatch):
    """Issue 25 asks for 20 networks: 10 cells x 2 seeds, only their missing weights retrained."""
    from landscape.studies import precision

    cells = check_cells(20, store=store)
    fast = pd.DataFrame([{"arch": c, "seed": s} for c in cells for s in (0, 1)])
    seen = {}
    monkeypatch.setattr(precision, "run_fast_check", lambda *a, **k: fast)
    monkeypatch.setattr(precision, "retrain_missing_weights", lambda d, c: seen.setdefault("retrain", list(c)))
    monkeypatch.setattr(precision, "accuracy_agreement", lambda f, p: pd.DataFrame({"n": [len(f)]}))
    monkeypatch.setattr(precision, "evaluation_agreement",
                        lambda runs, w: (seen.setdefault("evaluated", runs), pd.DataFrame({"n": [len(runs)]})))
    tables = precision.precision_study(tmp_path / "runs", tmp_path / "tables", fast, store=store)
    assert seen["retrain"] == cells[-10:] and len(seen["evaluated"]) == 20
    assert set(seen["evaluated"]["arch"]) == set(cells[-10:]) and tables["accuracy"]["n"].iloc[0] == 40
    with pytest.raises(ValueError, match="n_eval_cells"):
        precision.precision_study(tmp_path / "runs", tmp_path / "t2", fast, n_eval_cells=21, store=store)
