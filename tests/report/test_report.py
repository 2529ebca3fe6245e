"""The report builds from the store, writes every figure, and is reproducible."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from landscape.report.build import build_report
from landscape.report.sections import SECTIONS


@pytest.fixture(scope="module")
def reports(store, tmp_path_factory):
    """The whole report, built twice into two folders."""
    root = tmp_path_factory.mktemp("report")
    first = build_report(root / "a", data_dir=store.path.parent)
    build_report(root / "b", data_dir=store.path.parent)
    return root / "a", root / "b", first.read_text()


def test_every_section_and_figure_is_written(reports):
    a, _, text = reports
    for name in SECTIONS:
        assert f"## {name}" in text, name
    assert (a / "index.html").is_file()
    for csv in a.glob("*.csv"):
        assert len(pd.read_csv(csv)) > 0, csv.name
    for png in a.glob("*.png"):
        assert png.stat().st_size > 10_000 and f"({png.name})" in text, png.name
    assert len(list(a.glob("*.png"))) >= 11


def test_report_is_reproducible(reports):
    a, b, _ = reports
    names = sorted(p.name for p in a.iterdir())  # tables and figures (PNG and SVG) alike
    assert names == sorted(p.name for p in b.iterdir()) and any(n.endswith(".svg") for n in names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_report_numbers_match_known_facts(reports):
    a, _, _ = reports
    summary = pd.read_csv(a / "space_summary.csv").set_index("quantity")["value"]
    assert summary["architectures"] == 15625
    assert summary["neighbour edges (Hamming 1)"] == 187500
    assert summary["isomorphism classes (NB201 canonical string)"] == 6466
    acc = pd.read_csv(a / "accuracy_distributions.csv").set_index("dataset")
    assert acc.loc["cifar10", "best_arch"] == 6111 and round(acc.loc["cifar10", "max"], 2) == 94.37
    abc = pd.read_csv(a / "abc_neighbours_summary.csv").set_index(["dataset", "model", "radius"])
    assert abc.loc[("cifar10", "A", 1), "neighbours"] == 24 * abc.loc[("cifar10", "A", 1), "centres"]
    assert abc.loc[("cifar10", "A", 1), "mean"] > abc.loc[("cifar10", "C", 1), "mean"]
    stats = pd.read_csv(a / "landscape_summary.csv").set_index(["dataset", "space"])
    assert stats.loc[("cifar10", "full"), "strict_optima"] == 17
    basins = pd.read_csv(a / "basins.csv")
    assert basins.iloc[0]["optimum"] == 6111 and basins.iloc[0]["size"] == 7951
    tree = pd.read_csv(a / "barrier_tree_cifar10.csv")
    assert (tree["parent"] == -1).sum() == 1 and tree["height"].max() == pytest.approx(94.37, abs=0.01)


@pytest.mark.slow
def test_unknown_section_is_a_clear_error(store, tmp_path):
    with pytest.raises(ValueError, match="report section must be one of 'space'"):
        build_report(tmp_path, only=["nope"], data_dir=store.path.parent)
    proc = subprocess.run([sys.executable, "-m", "landscape.report", "--out", str(tmp_path), "--only", "nope",
                           "--data-dir", str(store.path.parent)], capture_output=True, text=True)
    assert proc.returncode == 2 and "one of 'space'" in proc.stderr and "Traceback" not in proc.stderr


def test_search_accuracy_plot_one_panel_per_dataset_with_one_or_two_methods():
    """Runs of one method only (e.g. A²M runs still going) plot too; each dataset gets its own axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from landscape.report.plots import plot_search_accuracy

    long = pd.DataFrame({"method": ["darts"] * 3, "seed": [0] * 3, "dataset": ["cifar10", "cifar100", "ImageNet16-120"],
                         "test_accuracy": [91.0, 70.0, 40.0]})
    for frame, methods in ((long, 1), (pd.concat([long, long.assign(method="a2m", test_accuracy=[92.0, 71.0, 41.0])]), 2)):
        _, axes = plt.subplots(1, 3, squeeze=False)
        plot_search_accuracy(frame, axes)
        lows = [ax.get_ylim()[0] for ax in axes.ravel()]
        assert all(len(ax.get_xticks()) == methods for ax in axes.ravel())
        assert lows[0] > 80 and lows[2] < 50  # per-dataset axes, not one 30-95% range
        plt.close("all")


def test_smoke_results_live_apart():
    from pathlib import Path

    from landscape.presets import results_folder

    assert results_folder("smoke") == Path("runs/results") and results_folder("cpu") == Path("reports/results")
    with pytest.raises(ValueError, match="preset must be one of"):
        results_folder("tiny")


@pytest.mark.slow
def test_smoke_runs_never_mix_into_the_cpu_report(store, tmp_path):
    """A smoke run written beside the cpu runs (as --out allows) leaves the cpu report byte-identical."""
    import shutil

    from landscape.report.sections.base import RESULTS
    from landscape.studies.darts import run_darts
    from landscape.studies.__main__ import main as search_main

    results = tmp_path / "results"
    shutil.copytree(RESULTS / "search", results / "search", ignore=shutil.ignore_patterns("*.pt"))
    kwargs = dict(only=["search", "darts_genas"], data_dir=store.path.parent, results=results)
    build_report(tmp_path / "a", **kwargs)
    smoke = results / "search"
    assert search_main(["evolve", "--preset", "smoke", "--out", str(smoke / "genas-nb201-smoke-seed0"),
                        "--device", "cpu"]) == 0
    run_darts("nb201", "smoke", method="a2m", out=smoke / "a2m-nb201-smoke" / "a2m-seed0", progress=False)
    build_report(tmp_path / "b", **kwargs)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir()) and "genas_table5.png" in files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    text = build_report(tmp_path / "s", **{**kwargs, "only": ["search"]}, preset="smoke").read_text()
    assert "(preset smoke)" in text and "(preset cpu)" not in text
    searched = pd.read_csv(tmp_path / "s" / "genas_searched.csv")
    assert list(searched["run"]) == ["genas-nb201-smoke-seed0"]
    assert set(pd.read_csv(tmp_path / "s" / "a2m_vs_darts.csv")["preset"]) == {"smoke"}


@pytest.mark.slow
def test_bring_your_own_table(store, tmp_path):
    """A user's CSV keyed by architecture string goes through the same analyses as the benchmark's accuracies."""
    import numpy as np

    from landscape.geometry import landscape_summary
    from landscape.report.__main__ import main

    acc12 = store.array("cifar10", split="valid", epochs=12)
    order = np.random.default_rng(0).permutation(15625)  # any row order, keyed by string
    csv = tmp_path / "mine.csv"
    pd.DataFrame({"arch": store.index.arch_string(order), "acc12": acc12[order]}).to_csv(csv, index=False)
    out = tmp_path / "report"
    assert main(["--table", str(csv), "--metric", "acc12", "--out", str(out), "--data-dir", str(store.path.parent)]) == 0
    summary = pd.read_csv(out / "table_acc12_summary.csv").iloc[0]
    want = landscape_summary(acc12, store.index, random_state=0)
    assert summary["strict_optima"] == want["strict_optima"] and summary["fdc"] == pytest.approx(want["fdc"], rel=1e-5)
    assert (out / "table_acc12_barrier_tree.png").is_file() and "acc12" in (out / "index.md").read_text()
    assert main(["--table", str(csv), "--metric", "acc13", "--out", str(out),
                 "--data-dir", str(store.path.parent)]) == 2  # did-you-mean, one line


def _figure_texts(art) -> list[str]:
    """Every text a section's figure draws: titles, axis labels, tick labels, legends."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    if art.grid is None:
        fig = plt.figure()
        art.plot(art.table, fig.add_subplot())
    else:
        fig, axes = plt.subplots(*art.grid, squeeze=False)
        art.plot(art.table, axes)
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
    plt.close(fig)
    return texts


def test_a_users_latency_is_labelled_as_the_users_metric_everywhere(store):
    from landscape.report.sections.table import table_section

    latency = store.array("hardware", "latency_ms", split="1080ti_1")
    arts = table_section(store, latency, "latency_ms", lower_is_better=True)
    drawn = [art for art in arts if art.plot is not None]
    assert len(drawn) >= 3
    for art in arts:
        assert "latency_ms" in art.title and "test accuracy" not in art.title + art.description
    for art in drawn:
        texts = " | ".join(_figure_texts(art))
        assert "test accuracy" not in texts and "latency_ms" in texts, (art.name, texts[:300])
    tree = next(a for a in drawn if a.name.endswith("barrier_tree"))
    assert "lower is better" in " ".join(_figure_texts(tree))


def test_duplicate_rows_need_an_aggregate_and_the_report_says_how_many_merged(store, tmp_path):
    import numpy as np

    from landscape.report.__main__ import main

    acc12 = store.array("cifar10", split="valid", epochs=12)
    arch = store.index.arch_string(np.arange(15625))
    frame = pd.DataFrame({"arch": np.concatenate([arch, arch[:3]]), "acc12": np.concatenate([acc12, acc12[:3]])})
    csv = tmp_path / "dups.csv"
    frame.to_csv(csv, index=False)
    out = tmp_path / "report"
    common = ["--table", str(csv), "--metric", "acc12", "--out", str(out), "--data-dir", str(store.path.parent)]
    assert main(common) == 2 and not out.exists()  # refused before anything is written
    assert main([*common, "--aggregate", "median"]) == 0
    assert "3 rows were combined into other rows of the same cell by their median" in (out / "index.md").read_text()


def test_interactive_views_work_offline_and_link_each_point_to_its_record(reports):
    a, _, _ = reports
    page = (a / "index.html").read_text()
    assert page.count("<svg") >= 5  # the LON (three datasets), the barrier tree, the accuracy-flatness scatter
    assert "<title>optimum 6111:" in page and 'href="records.html#cell-6111"' in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    records = (a / "records.html").read_text()
    assert 'id="cell-6111"' in records and 'id="cell-13714"' in records
    for name in ("lon_nodes", "barrier_tree_cifar10", "accuracy_vs_flatness_cells"):
        assert (a / f"{name}.interactive.html").is_file() and (a / f"{name}.png").is_file()  # the PNG kept for papers
