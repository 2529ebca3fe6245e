"""A ``kill -9`` of a running sweep CLI, then a rerun: identical final numbers; same seed, same numbers on CPU."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import torch

from landscape.backend import architecture_tasks, evaluate_architecture

ROOT = Path(__file__).resolve().parents[2]
ARCHS = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
         "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
         "|skip_connect~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"]
SEEDS = [0, 1]
SETTINGS = {"c": 4, "epochs": 2, "train_per_class": 10, "valid_per_class": 5}


def cli(out: Path) -> list[str]:
    flags = [x for name, value in SETTINGS.items() for x in (f"--{name.replace('_', '-')}", str(value))]
    return [sys.executable, "-m", "landscape.backend", "--archs", *ARCHS, "--seeds", *map(str, SEEDS),
            "--out", str(out), "--no-progress", *flags]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "TQDM_DISABLE": "1"}


def rows(table: Path) -> int:
    return len(pd.read_csv(table)) if table.exists() else 0


@pytest.mark.slow
def test_kill_9_mid_sweep_then_rerun_gives_identical_numbers(tmp_path):
    out, n = tmp_path / "sweep", len(ARCHS) * len(SEEDS)
    table = out / "results.csv"
    job = subprocess.Popen(cli(out), env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while rows(table) == 0:
        if job.poll() is not None:
            pytest.fail(f"the sweep ended (rc {job.returncode}) before a result appeared: {job.stderr.read()!r}")
        if time.monotonic() > deadline:
            job.kill()
            pytest.fail("no result within 180 s")
        time.sleep(0.02)
    job.send_signal(signal.SIGKILL)
    job.wait()
    job.stderr.close()
    killed = pd.read_csv(table)
    assert job.returncode == -signal.SIGKILL and 1 <= len(killed) < n

    rerun = subprocess.run(cli(out), env=env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    final = pd.read_csv(table)
    assert len(final) == final["key"].nunique() == n
    pd.testing.assert_frame_equal(final.iloc[:len(killed)], killed)  # finished rows kept, not recomputed

    tasks = architecture_tasks(ARCHS, SEEDS, **SETTINGS)
    reference = pd.DataFrame([{"key": t["key"], **evaluate_architecture(t)} for t in tasks])
    pd.testing.assert_frame_equal(final.set_index("key").loc[reference["key"]].reset_index(), reference)


def test_same_seed_same_numbers_on_cpu():
    task = {"arch": ARCHS[1], "seed": 3, **SETTINGS}
    threads = torch.get_num_threads()
    first, second = evaluate_architecture(task), evaluate_architecture(dict(task))
    assert first == second
    assert torch.get_num_threads() == threads  # the task's single thread is not leaked to the caller
    other = evaluate_architecture({**task, "seed": 4})
    assert other["valid_loss"] != first["valid_loss"] and other["angle"] != first["angle"]
