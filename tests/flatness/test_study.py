"""Training loop and the proxy study: determinism, learning, tidy output, resuming."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

import landscape.flatness.study as study
from landscape.flatness.study import Preset, evaluate_proxies, proxy_scores, supernet_proxies
from landscape.nn.images import batches, digits
from landscape.nn.nb201 import NB201Cell, NB201Network
from landscape.nn.supernet import NB201Supernet
from landscape.nn.train import TrainConfig, train_network

ARCH = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"
TINY = Preset("tiny", c=4, n=1, train_per_class=4, valid_per_class=2, epochs=1, batch_size=20, n_draws=1,
              recalibrate_batches=0, note="test scale")


def digit_net(seed=0):
    torch.manual_seed(seed)
    return NB201Network(lambda c: NB201Cell(ARCH, c), c=4, n=1, num_classes=10, in_channels=1)


def test_training_learns_and_is_deterministic():
    data = digits("train", n_per_class=20)
    config = TrainConfig(epochs=4, batch_size=50, lr=0.05, augment=False)
    a, b = digit_net(), digit_net()
    hist_a = train_network(a, data, config, random_state=1, progress=False)
    hist_b = train_network(b, data, config, random_state=1, progress=False)
    assert hist_a == hist_b
    assert hist_a[-1] < hist_a[0]
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    with pytest.raises(ValueError, match="epochs"):
        TrainConfig(epochs=0)
    with pytest.raises(ValueError, match="lr"):
        TrainConfig(lr=0)


def test_proxy_scores_columns_and_ranges():
    net = digit_net()
    initial = {k: v.detach().clone() for k, v in net.named_parameters()}
    data = digits("train", n_per_class=10)
    train_network(net, data, TrainConfig(epochs=2, batch_size=50, lr=0.05, augment=False), progress=False)
    valid = list(batches(digits("valid", n_per_class=5), 25))
    s = proxy_scores(net, initial, valid, n_draws=2, gamma=1.0)
    assert set(s) == set(study.SCORE_COLUMNS)
    assert 0 < s["angle"] < np.pi / 2 and 0 <= s["valid_accuracy"] <= 1
    assert s["angle_flatness"] == pytest.approx(s["angle"] / np.pi + s["flatness_faithful"] / 2e-3)
    assert s["accuracy_flatness"] == pytest.approx(s["valid_accuracy"] + s["flatness_faithful"] / 2e-3)


def test_supernet_proxies_tidy():
    torch.manual_seed(0)
    sup = NB201Supernet(c=4, n=1, num_classes=10, in_channels=1)
    initial = {k: v.clone() for k, v in sup.state_dict().items()}
    with torch.no_grad():
        for p in sup.parameters():
            p.mul_(1.1)
    valid = list(batches(digits("valid", n_per_class=3), 30))
    recal = list(batches(digits("train", n_per_class=3), 30))
    frame = supernet_proxies(sup, initial, [ARCH, (3, 3, 3, 3, 3, 3)], valid, recal)
    assert list(frame.columns) == ["arch", "preset", "seed", "proxy", "value"]
    assert len(frame) == 2 * len(study.SCORE_COLUMNS)
    assert frame["value"].notna().all()
    # all weights scaled by 1.1: the all-parameter angle to the initial weights is zero; the path-wise
    # one is not for the cell with a pooling edge, whose constant 1/9 kernel does not scale
    assert np.allclose(frame.loc[frame.proxy == "angle_exact", "value"], 0, atol=1e-6)
    faithful = frame.loc[frame.proxy == "angle", "value"].to_numpy()
    assert faithful[0] > 1e-3 and faithful[1] == pytest.approx(0, abs=1e-6)


def test_evaluate_proxies_resumes(tmp_path, shared_data, monkeypatch):
    calls = []
    real = study.train_cell

    def counting(space, arch, data, config, **kw):
        calls.append(1)
        return real(space, arch, data, config, **kw)

    monkeypatch.setattr(study, "train_cell", counting)
    out = tmp_path / "p.csv"
    archs = [ARCH, "|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|"]
    first = evaluate_proxies(archs[:1], TINY, out=out, progress=False)
    assert len(calls) == 1 and set(first["arch"]) == {ARCH}
    both = evaluate_proxies(archs, TINY, out=out, progress=False)
    assert len(calls) == 2  # the finished architecture was not trained again
    assert set(both["arch"]) == set(archs)
    on_disk = pd.read_csv(out)
    assert len(on_disk) == 2 and set(study.SCORE_COLUMNS) <= set(on_disk.columns)
    pd.testing.assert_frame_equal(first.reset_index(drop=True),
                                  both[both.arch == ARCH].reset_index(drop=True), check_dtype=False)
    with pytest.raises(ValueError, match="preset"):
        evaluate_proxies(archs, "huge")
    with pytest.raises(ValueError, match="empty"):
        evaluate_proxies([], TINY)
