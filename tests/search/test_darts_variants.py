"""The differentiable methods A²M is added to, each pinned by its definition (the methods' papers and the A²M code's
NB201 scripts, docs/fidelity.md), and each run end to end with and without A²M."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from landscape.nn.nb201_mixed import NB201MixedCell, NB201MixedSupernet, channel_shuffle
from landscape.search.gradient import VARIANTS, BilevelConfig, beta_regulariser, epoch_schedule, smoothed_weights, trajectory_row
from landscape.studies.darts import DARTS_PRESETS, preset_config, run_darts
from landscape.spaces.nb201 import OPS, format_arch


def test_schedules_follow_the_published_scripts():
    """At the scripts' 50 epochs: SDARTS ε = 0.03 + 0.27·e/50; DARTS− β = 1 in epoch 0, (51 − e)/50 after, and
    (50 − e)/50 in the epoch's validation; β-DARTS λ = 0.5·e."""
    p = BilevelConfig(epochs=50, variant="sdarts")
    for e in (0, 1, 25, 49):
        assert epoch_schedule(p, e).sdarts_epsilon == pytest.approx(0.03 + 0.27 * e / 50)
        assert epoch_schedule(p, e).aux_train == epoch_schedule(p, e).beta_weight == 0
    minus = dataclasses.replace(p, variant="darts-minus")
    assert [epoch_schedule(minus, e).aux_train for e in (0, 1, 49)] == pytest.approx([1.0, 1.0, 2 / 50])
    assert [epoch_schedule(minus, e).aux_valid for e in (0, 1, 49)] == pytest.approx([1.0, 49 / 50, 1 / 50])
    beta = dataclasses.replace(p, variant="beta-darts")
    assert [epoch_schedule(beta, e).beta_weight for e in (0, 1, 49)] == pytest.approx([0.0, 0.5, 24.5])
    plain = dataclasses.replace(p, variant="darts")
    assert epoch_schedule(plain, 7) == epoch_schedule(dataclasses.replace(p, variant="pc-darts"), 7)


def test_beta_regulariser_is_the_mean_logsumexp_over_edges():
    alphas = torch.randn(6, 5)
    expected = np.mean([math.log(sum(math.exp(v) for v in row)) for row in alphas.tolist()])
    assert float(beta_regulariser([alphas])) == pytest.approx(expected, rel=1e-6)


def _published_smoothing(alphas: torch.Tensor, epsilon: float, uniform: torch.Tensor) -> torch.Tensor:
    """The A²M code's SDARTS step on softmax(α): add U(−ε, ε), clip to [0, 1], an all-zero row gets a one at its
    argmax, rows renormalised (``uniform`` is the U(0, 1) draw)."""
    w = F.softmax(alphas, dim=-1).numpy().copy()
    w = np.clip(w + (2 * uniform.numpy() - 1) * epsilon, 0, 1)
    for row in w:
        if row.sum() == 0:
            row[np.argmax(row)] = 1
    return torch.tensor(w / w.sum(-1, keepdims=True))


@pytest.mark.parametrize("epsilon", [0.0, 0.05, 0.3, 5.0])
def test_smoothed_weights_as_published(epsilon):
    alphas = torch.randn(6, 5)
    out = smoothed_weights(alphas, epsilon, torch.Generator().manual_seed(3))
    uniform = torch.rand((6, 5), generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(out, _published_smoothing(alphas, epsilon, uniform).float())
    assert torch.allclose(out.sum(-1), torch.ones(6)) and (out >= 0).all()
    if epsilon == 0:
        torch.testing.assert_close(out, F.softmax(alphas, -1))


def _one_hot(op: str) -> torch.Tensor:
    return F.one_hot(torch.full((6,), OPS.index(op)), len(OPS)).float()


@pytest.mark.parametrize("source", ["cell", "edge"])
def test_auxiliary_skip_by_definition(source):
    """All weight on ``none``: node j = Σ over its edges of β·x (the cell input, or the edge's own input)."""
    torch.manual_seed(0)
    cell = NB201MixedCell(4).eval()
    x, beta = torch.randn(2, 4, 6, 6), 0.3
    out = cell(x, _one_hot("none"), beta, source)
    if source == "cell":
        expected = 3 * beta * x
    else:
        n1 = beta * x
        n2 = beta * x + beta * n1
        expected = beta * x + beta * n1 + beta * n2
    torch.testing.assert_close(out, expected)
    torch.testing.assert_close(cell(x, _one_hot("none"), 0.0), torch.zeros_like(x))


def test_partial_channel_cell_runs_a_quarter_and_shuffles_the_rest():
    torch.manual_seed(0)
    cell = NB201MixedCell(8, partial=4).eval()
    assert cell.edges[0][2][1].in_channels == 2  # ops are 4 times narrower
    x = torch.randn(2, 8, 6, 6)
    out = cell(x, _one_hot("skip_connect"))
    dag = cell._dag(x[:, :2], _one_hot("skip_connect"), 0.0, "cell")
    torch.testing.assert_close(dag, 4 * x[:, :2])  # skip on every edge: node 3 = x + 2x + x... = 4x
    joined = torch.cat([dag, x[:, 2:]], 1)
    groups, per = 4, 2  # shuffle: new channel j·groups + i holds old channel i·per + j
    for i in range(groups):
        for j in range(per):
            torch.testing.assert_close(out[:, j * groups + i], joined[:, i * per + j])
    torch.testing.assert_close(channel_shuffle(channel_shuffle(joined, 4), 2), joined)
    with pytest.raises(ValueError, match="divide"):
        NB201MixedCell(6, partial=4)


def test_arch_without_none_is_darts_derivation():
    net = NB201MixedSupernet(c=4, n=1)
    with torch.no_grad():
        net.alphas.copy_(_one_hot("none") + 0.5 * _one_hot("nor_conv_3x3"))
    assert net.arch() == format_arch([0] * 6)
    assert net.arch(exclude_none=True) == format_arch([3] * 6)
    row = trajectory_row(net, 50)
    assert (row["step"], row["arch_nones"], row["arch_no_none_nones"]) == (50, 6, 0)
    assert row["arch_parameter_free"] == 6 and row["arch_no_none_parameter_free"] == 0


def test_committed_configurations_ignore_the_new_fields():
    assert set(preset_config(DARTS_PRESETS["cpu"])) == {f.name for f in dataclasses.fields(DARTS_PRESETS["cpu"])} - {
        "precision", "channels_last", "compile", "variant", "sdarts_epsilon", "aux_source", "beta_weight",
        "partial_channels", "log_every"}
    assert preset_config(dataclasses.replace(DARTS_PRESETS["cpu"], variant="sdarts"))["variant"] == "sdarts"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("method", ["darts", "a2m"])
def test_every_variant_searches_with_and_without_a2m(shared_data, tmp_path, variant, method):
    p = dataclasses.replace(DARTS_PRESETS["smoke"], variant=variant, log_every=1, c=8)
    result = run_darts("nb201", p, method=method, out=tmp_path / "run", progress=False)
    assert result["variant" if variant != "darts" else "method"] == (variant if variant != "darts" else method)
    trajectory = pd.read_csv(tmp_path / "run" / "trajectory.csv")
    assert list(trajectory["step"]) == [1, 2, 3, 4]  # 2 epochs of 2 steps, every step logged
    assert not trajectory["arch_no_none"].str.contains("none").any()


def test_variants_need_the_nb201_space(tmp_path):
    with pytest.raises(ValueError, match="NB201 space only"):
        run_darts("darts", dataclasses.replace(DARTS_PRESETS["smoke"], variant="sdarts"), out=tmp_path / "x")
    assert not (tmp_path / "x").exists()
    with pytest.raises(ValueError, match="variant"):
        dataclasses.replace(DARTS_PRESETS["smoke"], variant="pcdarts")
