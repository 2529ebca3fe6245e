"""Ctrl-C: one line saying how to resume, exit 130, no traceback; an interrupted report leaves the previous one whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import subprocess_env

ROOT = Path(__file__).resolve().parents[2]


def _interrupt(args: list[str], ready, timeout: float = 300) -> subprocess.CompletedProcess:
    """Start ``python -m <args>``, send SIGINT once ``ready()`` holds, return the finished process."""
    proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=subprocess_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"finished before it could be interrupted: {proc.communicate()[1][-500:]}"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.slow
def test_an_interrupted_report_leaves_the_previous_one_whole(store, tmp_path):
    out = tmp_path / "report"
    args = ["landscape.report", "--out", str(out), "--data-dir", str(store.path.parent), "--only", "space",
            "neighbourhoods", "barriers"]
    assert subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=subprocess_env(),
                          capture_output=True).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def building() -> bool:
        return any(d.name.startswith(".report-build-") and any(d.iterdir()) for d in out.iterdir() if d.is_dir())

    done = _interrupt(args, building)
    assert done.returncode == 130 and "Traceback" not in done.stderr
    assert "interrupted" in done.stderr and "rerun the same command" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [d for d in out.iterdir() if d.is_dir()]  # the half-built copy is gone


@pytest.mark.slow
def test_an_interrupted_supernet_says_how_to_resume(shared_data, tmp_path):
    out = tmp_path / "genas"
    done = _interrupt(["landscape.studies", "spos", "--preset", "cpu", "--out", str(out), "--device", "cpu"],
                      lambda: (out / "spos" / "checkpoint.pt").exists())
    assert done.returncode == 130 and "Traceback" not in done.stderr
    assert "interrupted; rerun the same command to resume" in done.stderr
    assert os.path.exists(out / "spos" / "checkpoint.pt")  # the finished epochs are kept
