"""The DARTS-collapse study: what "collapsed" means (by definition and on the real NB201 table), A²M's paired gains
(against scipy's t interval), a whole smoke study through resuming, its tables and the report section, the CLI."""

from __future__ import annotations

import dataclasses
import json
import os

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from landscape.errors import ConfigMismatchError
from landscape.spaces.nb201 import OPS, format_arch
from landscape.studies.__main__ import main
from landscape.studies.collapse import COLLAPSE_PRESETS, CollapsePreset, collapse_tasks, run_collapse, run_folder
from landscape.studies.collapse_results import collapse_results, collapsed, paired_gains

SMOKE = COLLAPSE_PRESETS["smoke"]


def _connected(arch: str) -> bool:
    """Definition: the cell's DAG (nodes 0..3, edge i→j carrying the op of node j's i-th input) has an
    input-output path avoiding ``none``."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(4))
    for j, node in enumerate(arch.strip("|").split("|+|"), start=1):
        for term in node.split("|"):
            op, i = term.split("~")
            if op != "none":
                graph.add_edge(int(i), j)
    return nx.has_path(graph, 0, 3)


def test_collapsed_is_disconnected_or_all_skip_by_definition():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, len(OPS), size=(400, 6))
    codes[:50, [0, 1, 3]] = 0  # every path through node 1 or straight out cut, many of them disconnected
    for arch in format_arch(codes):
        all_skip = all(t.split("~")[0] == "skip_connect" for n in arch.strip("|").split("|+|") for t in n.split("|"))
        assert collapsed(arch) == (not _connected(arch) or all_skip), arch
    assert collapsed("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|")
    assert not collapsed("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")  # one skip straight through


def test_collapsed_cells_are_the_ten_percent_cells_and_the_all_skip_cell(store):
    """NB201 fact: exactly 341 cells score 10.0% on CIFAR-10 (chance), every other cell at least 46.2%; the all-skip
    cell (the collapse NB201/NATS report for first-order DARTS) scores 54.30%."""
    acc = store.array("cifar10", split="test", epochs=200)
    archs = format_arch(store.codes)
    flags = np.array([collapsed(a) for a in archs])
    chance = acc == 10.0
    assert chance.sum() == 341 and acc[~chance].min() > 46.2
    skip = np.flatnonzero(flags & ~chance)
    assert len(skip) == 1 and round(float(acc[skip[0]]), 2) == 54.30
    assert set(archs[skip[0]].replace("|+|", "|").strip("|").split("|")) <= {f"skip_connect~{i}" for i in range(3)}
    assert (flags[chance]).all()


def _cells(gains: dict[str, list[float]], plain: float = 80.0) -> pd.DataFrame:
    rows = []
    for variant, diffs in gains.items():
        for seed, d in enumerate(diffs):
            for method, acc in (("darts", plain + seed), ("a2m", plain + seed + d)):
                rows.append({"variant": variant, "method": method, "seed": seed, "pick": "selected",
                             "acc_cifar10": acc, "acc_no_none_cifar10": 90.0})
    return pd.DataFrame(rows)


def test_paired_gains_are_the_mean_paired_difference_with_its_t_interval():
    diffs = {"darts": [2.0, 5.0, 3.5, 1.0], "sdarts": [-1.0, 0.5, 0.0]}
    frame = paired_gains(_cells(diffs)).set_index(["variant", "derivation"])
    for variant, d in diffs.items():
        row = frame.loc[(variant, "nb201")]
        low, high = stats.t.interval(0.95, len(d) - 1, loc=np.mean(d), scale=stats.sem(d))
        assert row["gain"] == pytest.approx(np.mean(d)) and row["seeds"] == len(d)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
        assert frame.loc[(variant, "darts"), "gain"] == pytest.approx(0.0)
    means = [np.mean(d) for d in diffs.values()]
    low, high = stats.t.interval(0.95, 1, loc=np.mean(means), scale=stats.sem(means))
    overall = frame.loc[("mean", "nb201")]
    assert overall["gain"] == pytest.approx(np.mean(means))
    assert (overall["ci_low"], overall["ci_high"]) == pytest.approx((low, high))


def test_a_run_without_its_pair_gives_no_gain():
    cells = _cells({"darts": [1.0, 2.0]})
    assert paired_gains(cells[cells["method"] == "darts"]).empty


def test_runs_come_in_priority_order_darts_and_a2m_seeds_first():
    runs = COLLAPSE_PRESETS["cpu"].runs()
    assert runs[:10] == [("darts", m, s) for s in range(5) for m in ("darts", "a2m")]
    assert len(runs) == len(set(runs)) == 10 + 4 * 3 * 2
    keys = [t["key"] for t in collapse_tasks(COLLAPSE_PRESETS["cpu"], "out")]
    assert len(set(keys)) == len(keys) and keys[0].startswith("darts-darts-seed0/")


def test_bad_studies_are_refused():
    with pytest.raises(ValueError, match="variant"):
        CollapsePreset("x", SMOKE.search, groups=(("ddarts", (0,)),), note="")
    with pytest.raises(ValueError, match="limit"):
        run_collapse(SMOKE, "unused", limit=0)


@pytest.fixture(scope="module")
def smoke_study(shared_data, store, tmp_path_factory):
    out = tmp_path_factory.mktemp("results") / "collapse" / "nb201-smoke"
    done = run_collapse(SMOKE, out, n_workers=1, progress=False)
    return out, done, collapse_results(SMOKE, out, store=store)


def test_smoke_study_runs_every_search_and_logs_both_derivations(smoke_study, store):
    out, done, tables = smoke_study
    assert sorted(zip(done["variant"], done["method"], done["seed"])) == sorted(SMOKE.runs())
    traj = tables["trajectories"]
    assert sorted(set(traj["step"])) == [1, 2, 3, 4]  # 2 epochs of 2 steps, logged every step
    for (variant, method, seed), run in traj.groupby(["variant", "method", "seed"]):
        epochs = pd.read_csv(run_folder(out, variant, method, seed) / "epochs.csv")
        at_end = run[run["step"] % 2 == 0].sort_values("step")  # the step log agrees with the epoch log
        assert list(at_end["arch"]) == list(epochs["arch"]) and list(at_end["arch_no_none"]) == list(
            epochs["arch_no_none"])
    assert not traj["arch_no_none"].str.contains("none~").any()
    assert (traj["arch_nones"] == traj["arch"].str.count("none~")).all()
    truth = store.array("cifar10", split="test", epochs=200)
    lookup = dict(zip(format_arch(store.codes), truth))
    np.testing.assert_allclose(traj["acc_cifar10"], [lookup[a] for a in traj["arch"]])
    np.testing.assert_allclose(traj["acc_no_none_cifar10"], [lookup[a] for a in traj["arch_no_none"]])

    cells = tables["cells"]
    assert len(cells) == 2 * len(SMOKE.runs())
    for r in cells[cells["pick"] == "selected"].itertuples():
        result = json.loads((run_folder(out, r.variant, r.method, r.seed) / "result.json").read_text())
        assert (r.arch, r.arch_no_none) == (result["arch"], result["arch_no_none"])
        assert r.acc_cifar10 == pytest.approx(result["accuracy"]["cifar10"])
    last = cells[cells["pick"] == "last"]
    assert (last["arch"] == [json.loads((run_folder(out, *k) / "result.json").read_text())["final_arch"]
                             for k in zip(last["variant"], last["method"], last["seed"])]).all()
    verdicts = tables["verdicts"].set_index("claim")
    assert verdicts.loc["first-order DARTS collapses at this scale", "seeds"] == 2
    assert {"A²M improves darts (CIFAR-10, points)", "A²M improves beta-darts (CIFAR-10, points)"} <= set(
        verdicts.index)
    assert verdicts.loc["A²M improves beta-darts (CIFAR-10, points)", "verdict"] == "cannot tell (too few seeds)"
    for name in ("trajectories", "cells", "gains", "verdicts"):
        assert (out / "tables" / f"{name}.csv").exists()


def test_smoke_study_resumes_without_redoing_work(smoke_study):
    out, done, _ = smoke_study
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and "tables" not in p.parts}
    again = run_collapse(SMOKE, out, n_workers=1, progress=False)
    assert again.equals(done)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and "tables" not in p.parts} == stamp


def test_another_study_into_the_same_folder_is_refused(smoke_study):
    out, _, _ = smoke_study
    other = dataclasses.replace(SMOKE, search=dataclasses.replace(SMOKE.search, epochs=3))
    with pytest.raises(ConfigMismatchError):
        run_collapse(other, out, n_workers=1, progress=False)


def test_smoke_study_through_to_the_report_section(smoke_study, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from landscape.report.build import build_report

    out, _, _ = smoke_study
    index = build_report(tmp_path / "report", ["collapse"], preset="smoke", results=out.parents[1])
    text = index.read_text()
    assert "collapse" in text.lower() and (tmp_path / "report" / "collapse_trajectories.png").exists()
    assert "A²M prevents the collapse" in text


def test_collapse_results_before_any_run_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no run"):
        collapse_results(SMOKE, tmp_path)


def test_cli_checks_its_arguments_before_writing(tmp_path, capsys):
    out = tmp_path / "collapse"
    for bad in (["--limit", "0"], ["--workers", "0"]):
        assert main(["collapse", "--preset", "smoke", "--out", str(out), *bad]) == 2
        assert bad[0] in capsys.readouterr().err and not os.path.exists(out)


def test_a_study_with_one_finished_run_has_its_tables_and_section(shared_data, store, tmp_path):
    """The first run of a study (DARTS, no A²M pair yet) already gives cells, verdicts and a section, no gains."""
    import matplotlib

    matplotlib.use("Agg")
    from landscape.report.build import build_report

    out = tmp_path / "collapse" / "nb201-smoke"
    run_collapse(SMOKE, out, limit=1, n_workers=1, progress=False)
    tables = collapse_results(SMOKE, out, store=store)
    assert tables["gains"].empty and list(tables["gains"].columns)[:3] == ["variant", "pick", "derivation"]
    assert tables["verdicts"].set_index("claim").loc["A²M prevents the collapse", "verdict"] == \
        "cannot tell (no run yet)"
    index = build_report(tmp_path / "report", ["collapse"], preset="smoke", results=tmp_path)
    assert "collapse_verdicts" in index.read_text() and not (tmp_path / "report" / "collapse_gains.csv").exists()
