"""``python -m landscape.data``: import, info, ensure (run as real subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import subprocess_env

from landscape.bench.store import Store


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landscape.data", *map(str, args)], cwd=cwd,
                          env=env or subprocess_env(), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def imported(shared_data, tmp_path_factory):
    """A data dir filled by ``python -m landscape.data --data-dir D import SHARED``."""
    d = tmp_path_factory.mktemp("cli") / "data"
    proc = run_cli("--data-dir", d, "import", shared_data, cwd=d.parent)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    return d


def test_import_then_info_json(imported):
    proc = run_cli("--data-dir", imported, "info", "--json", cwd=imported.parent)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["architectures"] == 15625
    assert info["neighbour_edges"] == 187500
    assert info["isomorphism_classes"] == 6466
    assert isinstance(info["datasets"], list) and "cifar10-valid" in info["datasets"]
    assert isinstance(info["metrics"], list) and "accuracy" in info["metrics"]
    assert info["path"] == str(imported / "nb201")
    assert (imported / "nb201" / "manifest.json").is_file()


def test_info_plain_text(imported):
    proc = run_cli("--data-dir", imported, "info", cwd=imported.parent)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(None, 1) for line in proc.stdout.splitlines() if line.strip())
    assert lines["architectures"].strip() == "15625"
    assert lines["neighbour_edges"].strip() == "187500"


def test_info_reads_LANDSCAPE_DATA(imported, tmp_path):
    proc = run_cli("info", "--json", cwd=tmp_path, env=subprocess_env(LANDSCAPE_DATA=str(imported)))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["architectures"] == 15625


def test_info_on_an_empty_dir_says_what_to_run(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("--data-dir", empty, "info", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "python -m landscape.data import" in proc.stderr
    assert proc.stdout == ""
    assert list(empty.iterdir()) == []


def test_info_on_a_corrupt_store_fails_cleanly(tmp_path):
    from conftest import make_tiny_store

    tiny = make_tiny_store(tmp_path / "data")
    p = tiny.path / "space.npz"
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))
    proc = run_cli("--data-dir", tiny.data_dir, "info", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "checksum mismatch" in proc.stderr


def test_import_errors_are_clean(tmp_path):
    proc = run_cli("--data-dir", tmp_path / "d", "import", tmp_path / "no-sources", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "fetch" in proc.stderr
    proc = run_cli("--data-dir", tmp_path / "d", "import", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "import needs" in proc.stderr
    assert not (tmp_path / "d" / "nb201").exists()


def test_ensure_imports_from_LANDSCAPE_SOURCES(shared_data, tmp_path):
    d = tmp_path / "data"
    proc = run_cli("--data-dir", d, "ensure", cwd=tmp_path, env=subprocess_env(LANDSCAPE_SOURCES=str(shared_data)))
    assert proc.returncode == 0, proc.stderr
    assert "store ready" in proc.stdout
    store = Store(d / "nb201")
    assert len(store.index) == 15625
    assert round(float(store.array("cifar10", split="test", epochs=200).max()), 2) == 94.37
    # a second ensure finds the store and leaves it alone
    manifest = (d / "nb201" / "manifest.json").read_bytes()
    proc = run_cli("--data-dir", d, "ensure", cwd=tmp_path, env=subprocess_env(LANDSCAPE_SOURCES=str(tmp_path / "x")))
    assert proc.returncode == 0, proc.stderr
    assert (d / "nb201" / "manifest.json").read_bytes() == manifest


def test_ensure_without_sources_says_what_to_run(tmp_path):
    proc = run_cli("--data-dir", tmp_path / "data", "ensure", cwd=tmp_path,
                   env=subprocess_env(LANDSCAPE_SOURCES=str(tmp_path / "nowhere")))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "python -m landscape.data import" in proc.stderr


def test_help_lists_the_commands(tmp_path):
    proc = run_cli("--help", cwd=tmp_path)
    assert proc.returncode == 0
    for cmd in ("import", "info", "fetch", "ensure"):
        assert cmd in proc.stdout


def test_query_and_series_listing(store, capsys):
    from landscape.data.__main__ import main

    assert main(["--data-dir", str(store.path.parent), "query", "6111"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cell 6111: |nor_conv_3x3~0|") and "24 neighbours" in out
    assert main(["--data-dir", str(store.path.parent), "info", "--series"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 + len(store.series_table()) and "coverage" in lines[0]
    assert main(["--data-dir", str(store.path.parent), "query", "|nope|"]) == 2
    assert "malformed NB201 architecture" in capsys.readouterr().err


def test_top_lists_the_two_tied_best_cifar10_cells_first(imported):
    proc = run_cli("--data-dir", imported, "top", "--dataset", "cifar10", "-k", "1", "--json", cwd=imported.parent)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["rank"], r["index"]) for r in rows] == [(1, 6111), (1, 13714)]  # k=1, and the cell tied with it
    assert all(round(r["cifar10"], 2) == 94.37 for r in rows)
    text = run_cli("--data-dir", imported, "top", cwd=imported.parent).stdout
    assert "ties (within 1e-6): rank 1: 6111, 13714" in text and "query 6111" in text
    bad = run_cli("--data-dir", imported, "top", "--dataset", "cifar-100", cwd=imported.parent)
    assert bad.returncode == 2 and "did you mean 'cifar100'" in bad.stderr and "Traceback" not in bad.stderr
