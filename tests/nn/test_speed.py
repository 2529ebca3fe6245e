"""The speed switches (precision, channels-last, compile): what they change, and that fp32 runs stay as they were."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from torch import nn

from landscape.nn import create_network
from landscape.nn.images import digits
from landscape.nn.speed import is_channels_last, prepare_input, prepare_network, speed_config, train_autocast
from landscape.nn.supernet import NB201Supernet
from landscape.nn.train import TrainConfig, train_network
from landscape.studies.darts import DARTS_PRESETS, DartsPreset, preset_config
from landscape.studies.presets import SEARCH_PRESETS

ARCH = "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"


def test_switches_off_their_defaults_enter_the_configuration():
    fast = dataclasses.replace(SEARCH_PRESETS["cpu"], precision="bf16", channels_last=True)
    config = fast.stage_config("spos")
    assert config["precision"] == "bf16" and config["channels_last"] is True and "compile" not in config
    assert "precision" not in fast.stage_config("eval")  # evaluation is fp32 whatever the training precision
    darts = preset_config(dataclasses.replace(DARTS_PRESETS["cpu"], compile=True))
    assert darts["compile"] is True and "precision" not in darts
    assert speed_config("fp32", False, False) == {}


@pytest.mark.parametrize("bad", [dict(precision="fp16"), dict(channels_last=1), dict(compile="yes")])
def test_bad_switches_are_named(bad):
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        TrainConfig(**bad)
    with pytest.raises(ValueError, match=name):
        DartsPreset("x", **bad)


def test_spos_refuses_compile():
    with pytest.raises(ValueError, match="recompile"):
        dataclasses.replace(SEARCH_PRESETS["smoke"], compile=True)


def test_bf16_autocast_runs_convolutions_in_bf16_and_fp32_does_not():
    conv = nn.Conv2d(3, 4, 3)
    x = torch.randn(2, 3, 8, 8)
    with train_autocast("bf16", "cpu"):
        assert conv(x).dtype == torch.bfloat16
    with train_autocast("fp32", "cpu"):
        assert conv(x).dtype == torch.float32


def test_an_unknown_precision_is_refused_by_every_training_step():
    """fp16 used to run silently as bf16 when a loop was called directly."""
    from landscape.search.spos import spos_epoch

    with pytest.raises(ValueError, match="precision"):
        train_autocast("fp16", "cpu")
    net = NB201Supernet(c=4, n=1, num_classes=3)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    data = [(torch.randn(4, 3, 8, 8), torch.randint(0, 3, (4,)))]
    with pytest.raises(ValueError, match="precision"):
        spos_epoch(net, [(3, 3, 3, 3, 3, 3)], data, opt, grad_clip=5.0, precision="fp16")
    with pytest.raises(ValueError, match="no step"):
        spos_epoch(net, [], data, opt, grad_clip=5.0)


def test_channels_last_changes_the_memory_order_not_the_values():
    torch.manual_seed(0)
    net = create_network("nb201", ARCH, c=4, n=1).eval()
    x = torch.randn(3, 3, 32, 32)
    expected = net(x)
    prepared = prepare_network(net, channels_last=True, compile=False)
    assert prepared is net and is_channels_last(net)
    xc = prepare_input(x, True)
    assert xc.is_contiguous(memory_format=torch.channels_last) and torch.equal(xc, x)
    torch.testing.assert_close(net(xc), expected, rtol=1e-4, atol=1e-5)
    assert prepare_input(torch.zeros(2, 3), True).is_contiguous()  # not an image batch: unchanged


def test_subnet_inherits_the_supernets_memory_format():
    torch.manual_seed(0)
    supernet = NB201Supernet(c=4, n=1)
    assert not is_channels_last(supernet.subnet(ARCH))
    prepare_network(supernet, channels_last=True, compile=False)
    sub = supernet.subnet(ARCH)
    assert is_channels_last(sub)
    x = torch.randn(2, 3, 32, 32)
    torch.testing.assert_close(sub.eval()(x), supernet.eval()(x, ARCH), rtol=1e-4, atol=1e-5)


def _trained(**switches) -> tuple[list[float], dict]:
    data = digits("train", n_per_class=6)
    torch.manual_seed(0)
    net = create_network("nb201", ARCH, c=4, n=1, num_classes=10, in_channels=1)
    history = train_network(net, data, TrainConfig(epochs=2, batch_size=20, **switches), progress=False)
    return history, {k: v.detach().clone() for k, v in net.state_dict().items()}


def test_fast_training_follows_the_fp32_trajectory():
    """channels-last is fp32 arithmetic in another order (the same run up to rounding); bf16 stays close."""
    base_history, base = _trained()
    cl_history, cl = _trained(channels_last=True)
    assert cl_history == pytest.approx(base_history, rel=1e-4)
    for k in base:
        torch.testing.assert_close(cl[k].contiguous(), base[k], rtol=1e-3, atol=1e-4)
    bf_history, _ = _trained(precision="bf16", channels_last=True)
    assert bf_history != base_history and bf_history == pytest.approx(base_history, rel=0.05)
