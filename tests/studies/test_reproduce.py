"""Does it reproduce?: the paired tests and verdicts on known orders, and the driver end to end (smoke)."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from landscape.report.sections.reproduce import reproduce_section
from landscape.studies import reproduce as rp
from landscape.studies import standalone as sa


def test_paired_difference_on_known_orders():
    rng = np.random.default_rng(0)
    truth = np.arange(60.0)
    better, worse = truth + rng.normal(0, 3, 60), rng.permutation(truth)
    d = rp.paired_difference(better, worse, truth, n_boot=300)
    assert d["delta"] > 0.5 and d["ci_low"] > 0 and d["p_one_sided"] == 0.0 and d["n"] == 60
    same = rp.paired_difference(better, better, truth, n_boot=50)
    assert same["delta"] == 0 and same["p_one_sided"] == 1.0
    flipped = rp.paired_difference(worse, better, truth, n_boot=300)
    assert flipped["ci_high"] < 0 and rp.verdict(flipped["ci_low"], flipped["ci_high"]) == "does not hold"


def test_verdict_words():
    assert rp.verdict(0.1, 0.3) == "holds"
    assert rp.verdict(-0.3, -0.1) == "does not hold"
    assert rp.verdict(-0.1, 0.2).startswith("cannot tell")
    assert rp.verdict(0.5, 0.7, paper=0.6).startswith("holds")
    assert rp.verdict(0.1, 0.3, paper=0.6) == "lower than the paper's"
    assert rp.verdict(np.nan, np.nan).startswith("cannot tell")


def runs_frame(n: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    acc = np.linspace(0.3, 0.7, n)
    rows = []
    for seed in (0, 1):
        for i, a in enumerate(acc):
            rows.append({"arch": f"cell{i}", "seed": seed, "test_accuracy": a + (0.001 * seed), "test_loss": 2 - a,
                         "valid_loss": 2 - a + rng.normal(0, 0.05),
                         **{sa.loss_column(m, (0.1, 0.2, 0.4), k): 1 + 0.1 * k + rng.random() for m in sa.MODES
                            for k in (1, 2, 3)}})
    return pd.DataFrame(rows)


def test_standalone_truth_noise_ceiling_and_own_flatness():
    runs = runs_frame()
    truth = rp.standalone_truth(runs)
    assert list(truth.index) == [f"cell{i}" for i in range(8)] and truth["n_seeds"].eq(2).all()
    np.testing.assert_allclose(truth["test_accuracy"], np.linspace(0.3, 0.7, 8) + 0.0005)
    ceiling = rp.noise_ceiling(truth, np.arange(8.0), n_boot=100)
    assert list(ceiling["comparison"]) == ["seed 0 vs seed 1 (matched scale)",
                                           "matched scale (seed mean) vs 200-epoch CIFAR-10"]
    assert ceiling["tau"].tolist() == [1.0, 1.0]
    own = rp.standalone_flatness(runs, [(0.1, 0.2, 0.4)])
    row = runs.iloc[3]
    losses = [row[sa.loss_column("exact", (0.1, 0.2, 0.4), k)] for k in (1, 2, 3)]
    want = 1 / (abs(losses[0] / 0.1) + abs((losses[1] - losses[0]) / 0.1) + abs((losses[2] - losses[1]) / 0.2)
                + 1e-5)  # Eq. 4 with α = 1, the published code's +1e-5
    mine = own[(own["mode"] == "exact") & (own["arch"] == row["arch"]) & (own["seed"] == row["seed"])]
    assert mine[mine["alpha"] == 1.0]["flatness"].item() == pytest.approx(want, rel=1e-12)
    eq3 = 1 / (abs((losses[1] - losses[0]) / 0.1) + abs((losses[2] - losses[1]) / 0.2) + 1e-5)  # Eq. 3: no depth term
    assert mine[mine["alpha"] == 0.0]["flatness"].item() == pytest.approx(eq3, rel=1e-12)
    with pytest.raises(ValueError, match="NaN"):
        rp.standalone_truth(runs.assign(test_accuracy=np.nan))
    with pytest.raises(ValueError, match="no stand-alone runs"):
        rp.standalone_truth(runs.iloc[:0])


def test_generalisation_table_rows_and_the_clean_loss_reference():
    runs = runs_frame()
    table = rp.generalisation_table(runs, rp.standalone_flatness(runs, [(0.1, 0.2, 0.4)]), n_boot=50)
    assert len(table) == len(sa.MODES) * 2 + 1 and set(table["alpha"].dropna()) == {0.0, 1.0}
    ref = table.iloc[-1]
    assert ref["mode"] == "clean validation loss (negated)" and ref["n"] == 16
    assert ref["tau"] == pytest.approx(scipy.stats.kendalltau(-runs["valid_loss"], runs["test_accuracy"]).statistic)


def test_the_premise_row_judges_eq3_and_names_what_eq4_ranks_like():
    runs = runs_frame()
    runs["valid_loss"] = 3 - runs["test_accuracy"]  # the clean loss ranks the runs perfectly
    for mode in sa.MODES:  # the slopes grow with accuracy: better networks are sharper
        for k in (1, 2, 3):
            runs[sa.loss_column(mode, (0.1, 0.2, 0.4), k)] = 1 + k * runs["test_accuracy"]
    gen = rp.generalisation_table(runs, rp.standalone_flatness(runs, [(0.1, 0.2, 0.4)]), n_boot=50)
    tables = {"claims": pd.DataFrame(), "table5": pd.DataFrame(columns=["proxy"]), "generalise": gen}
    v = rp.verdicts(tables, {"delta": 0.1, "ci_low": 0.05, "ci_high": 0.2}, {"tau": 0.6, "ci_low": 0.5, "ci_high": 0.7},
                    pd.DataFrame(), sigmas="0.1,0.2,0.4")
    row = v[v["source"] == "GeNAS (premise)"].iloc[0]
    assert row["ours"] == -1.0 and row["verdict"] == "does not hold"
    assert "the clean validation loss 1.00" in row["reason"]
    assert "GeNAS (premise)" not in set(rp.verdicts(tables, {"delta": 0.1, "ci_low": 0.05, "ci_high": 0.2},
                                                    {"tau": 0.6, "ci_low": 0.5, "ci_high": 0.7},
                                                    pd.DataFrame())["source"])


def test_a_claim_that_holds_only_as_a_difference_says_so():
    """Δτ > 0 because the worse proxy ranks inversely, while the better one ranks nothing: not a plain "holds"."""
    rng = np.random.default_rng(3)
    truth = np.arange(80.0)
    values = {"noise": rng.permutation(truth), "inverse": -truth, "good": truth + rng.normal(0, 5, 80)}
    table = rp.claims_table(values, {"t": truth}, [("noise", "inverse"), ("good", "noise")], papers={}, n_boot=300)
    hollow, real = table.iloc[0], table.iloc[1]
    assert hollow["ci_low"] > 0 and hollow["tau_better_low"] <= 0 < hollow["tau_better_high"]
    assert hollow["verdict"].startswith("holds only as a difference: noise itself has τ")
    assert real["verdict"] == "holds" and real["tau_better_low"] > 0


def test_reproduction_end_to_end_smoke(shared_data, store, tmp_path):
    cells = sa.matched_cells("smoke", store=store)
    archs = cells[cells["group"] == "table5"]["arch"].tolist()[:5]
    # A returned cell outside the matched cells, trained alone too (as `study_cells` queues it): the
    # A²M-vs-DARTS row must judge it at matched scale, not only by the 200-epoch lookup.
    outside = next(a for a in map(str, store.index.arch_string(np.arange(100))) if a not in set(cells["arch"]))
    returned = {"a2m": outside, "darts": archs[0]}
    for method, arch in returned.items():
        (tmp_path / "a2m" / f"{method}-seed0").mkdir(parents=True)
        (tmp_path / "a2m" / f"{method}-seed0" / "result.json").write_text(json.dumps(
            {"method": method, "random_state": 0, "arch": arch, "space": "nb201", "accuracy": {"cifar10": 90.0}}))
    sa.run_standalone("smoke", tmp_path / "standalone", archs + [outside], seeds=(0, 1), n_workers=1,
                      progress=False)
    out = tmp_path / "search" / "genas-nb201-smoke-seed0"
    tables = rp.reproduction("smoke", out, tmp_path / "standalone", table1_archs=12, a2m_dir=tmp_path / "a2m",
                             progress=False, store=store)
    # the matched-scale truth by its definition: the mean over seeds of each cell's held-out test accuracy
    truth = pd.read_csv(tmp_path / "standalone" / "runs.csv").groupby("arch")["test_accuracy"].mean()
    searched = tables["searched"].set_index("method")["accuracy_matched"]
    assert searched.to_dict() == pytest.approx({m: 100 * truth[a] for m, a in returned.items()})
    assert tables["coverage"].iloc[0].to_dict() == {"cells": 5, "cells_with_2_seeds": 5, "runs": 10,
                                                    "target_cells": 100, "target_runs": 200}
    assert set(tables["table5"]["dataset"]) == {"matched", "200-epoch"}
    assert set(tables["claims"]["source"]) == {"GeNAS Table 5", "GeNAS Table 8", "GeNAS Table 9"}
    assert len(tables["table1"]) == 5 and tables["table1"]["n"].eq(12).all()
    v = tables["verdicts"]
    assert v["verdict"].notna().all()
    assert {"GeNAS Table 1", "GeNAS Table 5", "GeNAS (premise)", "A²M (geometry)"} <= set(v["source"])
    for name in tables:
        assert (out / "reproduce" / f"{name}.csv").exists()
    # `report --run` passes absolute folders, the CLI relative ones: the same runs, so the folder is reused.
    again = rp.reproduction("smoke", out, os.path.relpath(tmp_path / "standalone"), table1_archs=12,
                            a2m_dir=tmp_path / "a2m", progress=False, store=store)
    pd.testing.assert_frame_equal(again["verdicts"], v)
    arts = reproduce_section(store, preset="smoke", results=tmp_path)
    assert [a.name for a in arts][:3] == ["reproduce_verdicts", "reproduce_noise_ceiling", "reproduce_table5"]
    assert "5 cells (5 with both seeds), 10 of 200 stand-alone runs" in arts[0].description
    assert reproduce_section(store, preset="smoke", results=tmp_path / "nothing") == []
