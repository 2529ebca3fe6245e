"""kill -9 of a running SPOS training, then the same call again: the final weights equal an uninterrupted run."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys

import pandas as pd
import pytest
import torch
from conftest import ROOT, subprocess_env

from landscape.studies import train_supernet

from .conftest import TINY

THREE = dataclasses.replace(TINY, epochs=3)

# The child trains THREE (TINY with 3 epochs, spelled out: the child cannot import the test package) and, after its first checkpoint, announces it and sleeps until killed.
CHILD = """
import dataclasses, sys, time
import torch
torch.set_num_threads(1)
from landscape.studies import get_preset, train_supernet
tiny = dataclasses.replace(get_preset("smoke"), name="tiny", train_per_class=4, valid_per_class=2, batch_size=20,
                           eval_batch_size=20, population=4, generations=3, top_k=2, mutants=2, crossovers=1,
                           epochs=3)
def hang(epoch):
    print("checkpointed", epoch, flush=True)
    time.sleep(600)
train_supernet(tiny, sys.argv[1], random_state=0, progress=False, on_epoch=hang)
"""


@pytest.mark.slow
def test_kill9_mid_training_then_rerun_gives_identical_weights(shared_data, tmp_path):
    out = tmp_path / "killed"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(out)], stdout=subprocess.PIPE, text=True,
                             env=subprocess_env(), cwd=ROOT)
    try:
        assert child.stdout.readline().split() == ["checkpointed", "1"]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    before = pd.read_csv(out / "spos" / "history.csv")
    assert len(before) == 1  # one finished epoch survived the kill
    resumed = train_supernet(THREE, out, random_state=0, progress=False)
    # resumed, not restarted: epoch 1's row (with its wall time) comes from the killed process
    assert resumed.history["seconds"].iloc[0] == before["seconds"].iloc[0]
    full = train_supernet(THREE, tmp_path / "full", random_state=0, progress=False)
    assert len(resumed.history) == 3
    for (k, a), (_, b) in zip(resumed.supernet.state_dict().items(), full.supernet.state_dict().items()):
        assert torch.equal(a, b), k
