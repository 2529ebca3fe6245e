"""Seeded initialisation without global side effects (landscape.nn.rng)."""

from __future__ import annotations

import pytest
import torch

from landscape.backend import evaluate_architecture
from landscape.nn import create_network
from landscape.nn.rng import torch_seed

ARCH = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"


def test_same_seed_same_weights_and_the_caller_state_is_restored():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    with torch_seed(7):
        a = create_network("nb201", ARCH, c=4, n=1)
    assert torch.equal(torch.get_rng_state(), before)
    with torch_seed(7):
        b = create_network("nb201", ARCH, c=4, n=1)
    with torch_seed(8):
        c = create_network("nb201", ARCH, c=4, n=1)
    pa, pb, pc = (torch.cat([p.flatten() for p in m.parameters()]) for m in (a, b, c))
    assert torch.equal(pa, pb) and not torch.equal(pa, pc)
    torch.manual_seed(7)  # the same weights as the global seeding it replaces
    pd_ = torch.cat([p.flatten() for p in create_network("nb201", ARCH, c=4, n=1).parameters()])
    assert torch.equal(pa, pd_)


def test_a_seeded_task_leaves_the_global_generator_alone():
    torch.manual_seed(0)
    before = torch.get_rng_state()
    first = evaluate_architecture({"arch": ARCH, "seed": 3, "epochs": 1, "device": "cpu"})
    assert torch.equal(torch.get_rng_state(), before)
    torch.manual_seed(99)  # another global state: the task's numbers do not depend on it
    assert evaluate_architecture({"arch": ARCH, "seed": 3, "epochs": 1, "device": "cpu"}) == first


def test_bad_seed_is_a_clear_error():
    with pytest.raises(ValueError, match="seed must be a non-negative integer seed, got -1"):
        with torch_seed(-1):
            pass
