"""The GPU check runs end to end (on the CPU, against itself, with tiny networks), so it works when a GPU is lent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu_check.py"


def test_gpu_check_runs_on_the_cpu(tmp_path):
    out = tmp_path / "gpu_check.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--device", "cpu", "--small", "--repeat", "1", "--out",
                           str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert {r["check"] for r in report["checks"]} == {"flatness_vmap_vs_loop", "flatness_device_vs_cpu", "spos_step",
                                                     "darts_direction", "a2m_direction"}
    assert all(r["ok"] and r["device_s"] > 0 for r in report["checks"])


def test_gpu_check_without_cuda_writes_nothing(tmp_path):
    import torch

    if torch.cuda.is_available():
        return
    out = tmp_path / "gpu_check.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "CUDA is not available" in done.stderr and not out.exists()
