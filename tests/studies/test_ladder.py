"""The supernet budget ladder at smoke scale: its cells, its task order, a whole run, resuming, the tidy table."""

from __future__ import annotations

import dataclasses
import os

import pytest

from landscape.errors import ConfigMismatchError
from landscape.studies.standalone import matched_cells
from landscape.studies.ladder import (LADDER_PRESETS, LadderPreset, Rung, get_ladder, ladder_cells, ladder_proxies,
                                      ladder_tasks, rung_preset, run_ladder)
from landscape.studies.__main__ import main

SMOKE = LADDER_PRESETS["smoke"]
RUNS = os.path.join(os.path.dirname(__file__), "..", "..", "reports", "results", "standalone", "nb201-cpu", "runs.csv")


def test_cells_are_the_matched_cells_then_one_uniform_cell_per_isomorphism_class(store):
    cells = ladder_cells(LADDER_PRESETS["cpu"], store)
    assert len(cells) == 300 and list(cells["group"]).count("matched") == 100
    assert list(cells["arch"][:100]) == list(matched_cells("cpu", store=store)["arch"])
    classes = store.isomorphism_classes()[cells["index"].to_numpy()]
    matched, uniform = set(classes[:100]), classes[100:]
    assert len(set(uniform)) == 200 and matched.isdisjoint(uniform)  # each uniform cell a class of its own
    assert cells.equals(ladder_cells(LADDER_PRESETS["cpu"], store))  # seeded


def test_every_rungs_proxies_come_after_its_training():
    tasks = ladder_tasks(LADDER_PRESETS["cpu"], "out", ["a", "b"])
    keys = [t["key"] for t in tasks]
    assert len(keys) == len(set(keys)) == 2 * len(LADDER_PRESETS["cpu"].rungs)
    for rung in LADDER_PRESETS["cpu"].rungs:
        train, proxies = (keys.index(next(k for k in keys if k.startswith(f"{s}/{rung.name}/")))
                          for s in ("train", "proxies"))
        assert train < proxies
    assert keys[0].startswith("train/c16n5-e40-s0/")  # the costliest rung starts at once
    reduced = next(t for t in tasks if t["stage"] == "proxies" and t["rung"]["c"] == 16)
    assert reduced["cells"] == ["a", "b"][:LADDER_PRESETS["cpu"].n_matched]


def test_a_changed_recipe_is_a_new_task():
    other = dataclasses.replace(SMOKE, base=dataclasses.replace(SMOKE.base, lr=0.05))
    assert {t["key"] for t in ladder_tasks(SMOKE, "o", ["a"])}.isdisjoint(
        t["key"] for t in ladder_tasks(other, "o", ["a"]))


def test_rungs_record_budget_and_precision():
    rung = Rung(16, 5, 80, precision="bf16")
    assert rung.name == "c16n5-e80-s0" and rung.images_seen == 2_000_000
    assert rung.speed == "bf16 + channels-last"
    p = rung_preset(LADDER_PRESETS["cpu"], rung)
    assert (p.c, p.n, p.epochs, p.train_per_class, p.precision) == (16, 5, 80, None, "bf16")
    assert p.stage_config("spos")["precision"] == "bf16"


def test_bad_ladders_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        dataclasses.replace(SMOKE, rungs=SMOKE.rungs[:1] * 2)
    with pytest.raises(ValueError, match="sigma_sweep"):
        dataclasses.replace(SMOKE, sigma_sweep=("c9n9-e1-s0",))
    with pytest.raises(ValueError, match="preset"):
        get_ladder("cpus")


@pytest.fixture(scope="module")
def smoke_run(shared_data, store, tmp_path_factory):
    out = tmp_path_factory.mktemp("results") / "ladder" / "nb201-smoke"
    done = run_ladder(SMOKE, out, n_workers=1, progress=False, store=store)
    return out, done


def test_smoke_ladder_trains_and_scores_every_rung(smoke_run, store):
    out, done = smoke_run
    assert len(done) == 2 * len(SMOKE.rungs)
    trained = done[done["key"].str.startswith("train/")]
    assert sorted(trained["rung"]) == sorted(r.name for r in SMOKE.rungs)
    assert set(trained["precision"]) == {"fp32 + channels-last", "bf16 + channels-last"}
    scored = done[done["key"].str.startswith("proxies/")].set_index("rung")
    assert scored.loc["c4n2-e1-s0", "n_cells"] == SMOKE.n_matched  # the reduced rung
    assert scored.loc["c4n1-e2-s0", "n_sigma_sets"] == len(SMOKE.base.sigma_sets)
    assert scored.loc["c4n1-e1-s0", "n_sigma_sets"] == 1

    table = ladder_proxies(SMOKE, out, store)
    cells = ladder_cells(SMOKE, store)
    per_rung = table.groupby("rung")["arch"].nunique()
    assert per_rung["c4n1-e1-s0"] == len(cells) and per_rung["c4n2-e1-s0"] == SMOKE.n_matched
    assert {"angle", "accuracy", "flatness", "angle_flatness", "valid_loss"} <= set(table["proxy"])
    assert table["value"].notna().all()
    assert set(table.loc[table["rung"] == "c4n1-e2-s0", "images_seen"]) == {200}


def test_smoke_ladder_resumes_without_redoing_work(smoke_run, store):
    out, done = smoke_run
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob("*.csv")}
    again = run_ladder(SMOKE, out, n_workers=1, progress=False, store=store)
    assert again.equals(done)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.csv")} == stamp


def test_smoke_ladder_through_to_the_report_section(smoke_run, store, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from landscape.report.build import build_report
    from landscape.studies.ladder_results import ladder_results

    out, _ = smoke_run
    fp32 = pd.read_csv(RUNS)
    tables = ladder_results(SMOKE, out, fp32, n_boot=50, store=store)
    curve = tables["tau_curve"]
    assert set(curve["rung"]) == {r.name for r in SMOKE.rungs} and set(curve["truth"]) == {"matched", "cifar10"}
    matched = curve[curve["truth"] == "matched"]
    assert (matched["n_cells"] == SMOKE.n_matched).all()
    assert set(tables["claims"]["source"]) >= {"GeNAS Table 5", "GeNAS Table 8", "GeNAS Table 9", "GeNAS Table 1"}
    assert (tables["first_rung"]["first_rung"].str.startswith("none up to") | tables["first_rung"]["images_seen"]
            .notna()).all()
    changes = tables["verdict_changes"]
    steps = changes["path"].str.count("; ")  # two seed-0 rungs of C=4, N=1; Table 8 only where the σ sweep ran
    assert set(changes["largest_rung"]) == {"c4n1-e2-s0"} and steps.le(1).all() and steps.eq(1).any()
    assert changes.loc[steps.eq(0), "claim"].str.startswith("sigma").all()
    index = build_report(tmp_path / "report", ["ladder"], preset="smoke", results=out.parents[1])
    text = index.read_text()
    assert "Budget ladder (smoke)" in text and (tmp_path / "report" / "ladder_curve.png").exists()
    assert "where each verdict changed" in text and (tmp_path / "report" / "ladder_verdicts.csv").exists()


def test_another_ladder_into_the_same_folder_is_refused(smoke_run, store):
    out, _ = smoke_run
    other = LadderPreset("other", rungs=SMOKE.rungs[:1], base=SMOKE.base, valid_per_class=5, n_matched=2, n_uniform=1,
                         sigma_sweep=(), note="")
    with pytest.raises(ConfigMismatchError):
        run_ladder(other, out, n_workers=1, progress=False, store=store)


def test_cli_checks_its_arguments_before_writing(tmp_path, capsys):
    out = tmp_path / "ladder"
    assert main(["ladder", "--preset", "smoke", "--out", str(out), "--rung", "c4n1-e9-s0"]) == 2
    assert "rung" in capsys.readouterr().err and not os.path.exists(out)
    assert main(["ladder", "--preset", "smoke", "--out", str(out), "--workers", "0"]) == 2
    assert not os.path.exists(out)


def test_verdict_changes_follow_the_main_series_in_budget_order():
    import pandas as pd

    from landscape.studies.ladder_results import verdict_changes

    rows = []
    series = {"x > y": ["holds", "cannot tell", "cannot tell"], "u > v": ["holds"] * 3,
              "p > q": ["holds", "does not hold", "holds"]}
    for claim, verdicts in series.items():
        for i, (rung, images) in enumerate([("e1", 100), ("e2", 200), ("e4", 400)]):
            rows.append({"rung": rung, "c": 8, "n": 1, "seed": 0, "images_seen": images, "claim": claim,
                         "source": "T", "truth": "matched", "delta": i / 10, "ci_low": -1.0, "ci_high": 1.0,
                         "mde80": 0.2, "verdict": verdicts[i], "paper_delta": 0.1})
    rows.append({**rows[0], "rung": "big", "c": 16, "n": 5, "images_seen": 50, "verdict": "odd"})  # another series
    rows.append({**rows[0], "rung": "e4-s1", "seed": 1, "images_seen": 400, "verdict": "odd"})  # another seed
    frame = pd.DataFrame(rows).sample(frac=1, random_state=0)  # order must come from the budget
    out = verdict_changes(frame).set_index("claim")
    assert out.loc["x > y", "changed_at"] == "e2" and out.loc["x > y", "verdict"] == "cannot tell"
    assert out.loc["u > v", "changed_at"] == "every rung" and out.loc["p > q", "changed_at"] == "e4"
    assert out.loc["p > q", "path"] == "e1: holds; e2: does not hold; e4: holds"
    assert (out["largest_rung"] == "e4").all() and out.loc["x > y", "delta"] == pytest.approx(0.2)
