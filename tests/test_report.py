"""The report builds from the store, writes every figure, and is reproducible."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from landscape.report.__main__ import build_report
from landscape.report.sections import SECTIONS


def test_report_builds_and_is_reproducible(store, tmp_path):
    data_dir = store.path.parent
    first = build_report(tmp_path / "a", data_dir=data_dir)
    second = build_report(tmp_path / "b", data_dir=data_dir)
    text = first.read_text()
    assert "## space" in text and (tmp_path / "a" / "index.html").is_file()
    for art in SECTIONS["space"](store):
        csv_a = (tmp_path / "a" / f"{art.name}.csv").read_bytes()
        assert csv_a == (tmp_path / "b" / f"{art.name}.csv").read_bytes(), art.name
        if art.plot is not None:
            assert (tmp_path / "a" / f"{art.name}.png").stat().st_size > 10_000
            assert f"({art.name}.png)" in text
    summary = pd.read_csv(tmp_path / "a" / "space_summary.csv").set_index("quantity")["value"]
    assert summary["architectures"] == 15625
    assert summary["neighbour edges (Hamming 1)"] == 187500
    assert summary["isomorphism classes (NB201 canonical string)"] == 6466
    acc = pd.read_csv(tmp_path / "a" / "accuracy_distributions.csv").set_index("dataset")
    assert acc.loc["cifar10", "best_arch"] == 6111 and round(acc.loc["cifar10", "max"], 2) == 94.37


def test_unknown_section_is_a_clear_error(store, tmp_path):
    with pytest.raises(ValueError, match="unknown report section"):
        build_report(tmp_path, only=["nope"], data_dir=store.path.parent)
    proc = subprocess.run([sys.executable, "-m", "landscape.report", "--out", str(tmp_path), "--only", "nope",
                           "--data-dir", str(store.path.parent)], capture_output=True, text=True)
    assert proc.returncode == 2 and "available: space" in proc.stderr and "Traceback" not in proc.stderr
