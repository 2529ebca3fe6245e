"""Weight-space flatness (GeNAS Eq. 3–5, 8): reference loops, closed forms, determinism, errors."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch
from torch import nn

from landscape.flatness import angle, combined_proxy, flatness, flatness_from_losses, stacked_losses
from landscape.flatness.losses import as_batches, published_recalibration_batches, recalibrate_bn
from landscape.nn.nb201 import NB201Cell, NB201Network

ARCH = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"
SIGMAS = (2e-3, 1e-2, 2e-2)


def tiny_net(seed: int = 0) -> NB201Network:
    torch.manual_seed(seed)
    net = NB201Network(lambda c: NB201Cell(ARCH, c), c=4, n=1, num_classes=10)
    with torch.no_grad():  # non-trivial BN statistics, so that eval mode matters
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    return net.eval()


def tiny_batches(n_batches: int = 2, seed: int = 1) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(6, 3, 8, 8, generator=g), torch.randint(0, 10, (6,), generator=g)) for _ in range(n_batches)]


def genas_reference(model, batches, sigmas, n_draws, seed):
    """GeNAS's published procedure (``evolution_search/metrics/tester_wlm.py`` as NOTES.md describes
    it), a plain loop: per chain, deep-copy the network, add N(0, σ_1) to every parameter, then
    N(0, σ_i − σ_{i−1}) on top of the already-perturbed weights, and take the mean of the per-batch
    mean losses in eval mode after each level.  The unit normals come from the same generator, in
    the same order (one ``(n_draws, t, *shape)`` draw per parameter), so draws compare one to one."""
    g = torch.Generator().manual_seed(seed)
    names = [n for n, _ in model.named_parameters()]
    noise = {n: torch.randn((n_draws, len(sigmas), *p.shape), generator=g) for n, p in model.named_parameters()}
    losses = np.zeros((n_draws, len(sigmas)))
    for k in range(n_draws):
        net = copy.deepcopy(model).eval()
        params = dict(net.named_parameters())
        previous = 0.0
        for i, s in enumerate(sigmas):
            with torch.no_grad():
                for n in names:
                    params[n].add_((s - previous) * noise[n][k, i])
                per_batch = [nn.functional.cross_entropy(net(x), y).item() for x, y in batches]
            previous = s
            losses[k, i] = np.mean(per_batch)
    mean = losses.mean(axis=0)
    poor = abs(mean[0] / sigmas[0]) + sum(abs((mean[i + 1] - mean[i]) / (sigmas[i + 1] - sigmas[i]))
                                          for i in range(len(sigmas) - 1))
    return 1 / (poor + 1e-5), losses


@pytest.mark.parametrize("strategy", ["loop", "vmap"])
@pytest.mark.parametrize("n_draws", [1, 3])
def test_faithful_matches_reference_loop(strategy, n_draws):
    net, batches = tiny_net(), tiny_batches()  # equal batch sizes: mean of batch means = sample mean
    want_flat, want_losses = genas_reference(net, batches, SIGMAS, n_draws, seed=7)
    got = flatness(net, batches, sigmas=SIGMAS, n_draws=n_draws, mode="faithful", random_state=7, strategy=strategy)
    np.testing.assert_allclose(got.draw_losses, want_losses, rtol=0, atol=1e-6)
    assert got.flatness == pytest.approx(want_flat, rel=1e-6)


def test_exact_mode_perturbs_from_trained_weights():
    """Exact mode: every copy is θ + σ_i ε_{i,k}; the faithful chain adds up, the exact one does not."""
    net, batches = tiny_net(), tiny_batches()
    big = (0.05, 0.1, 0.2)
    exact = flatness(net, batches, sigmas=big, n_draws=4, mode="exact", random_state=3)
    faithful = flatness(net, batches, sigmas=big, n_draws=4, mode="faithful", random_state=3)
    # Level 1 is the same draw in both modes (σ_1 ε_1); later levels differ.
    np.testing.assert_allclose(exact.draw_losses[:, 0], faithful.draw_losses[:, 0], atol=1e-6)
    assert not np.allclose(exact.draw_losses[:, 1:], faithful.draw_losses[:, 1:])


@pytest.mark.parametrize("recalibrate", [False, True])
@pytest.mark.parametrize("mode", ["faithful", "exact"])
def test_batched_equals_sequential(recalibrate, mode):
    net, batches = tiny_net(), tiny_batches()
    recal = tiny_batches(2, seed=9) if recalibrate else None
    kw = dict(sigmas=SIGMAS, n_draws=3, mode=mode, random_state=11, recalibrate=recal)
    loop = flatness(net, batches, strategy="loop", **kw)
    vmapped = flatness(net, batches, strategy="vmap", **kw)
    chunked = flatness(net, batches, strategy="vmap", chunk_size=4, **kw)
    for other in (vmapped, chunked):
        np.testing.assert_allclose(other.draw_losses, loop.draw_losses, rtol=0, atol=1e-5)
        assert other.flatness == pytest.approx(loop.flatness, rel=1e-5)


class Probe(nn.Module):
    """A network whose loss is the mean square of its weights' displacement from zero, so that
    ``sqrt(L)`` is the total standard deviation of the noise the weights carry."""

    def __init__(self, size: int = 400_000):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(size, dtype=torch.float64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w.expand(len(x), -1)


def mean_square(out, y):
    return (out[0] ** 2).mean()


@pytest.mark.parametrize("mode", ["faithful", "exact"])
def test_total_noise_std_per_level(mode):
    """The noise the public ``flatness`` adds, measured: the published code's residual levels give a
    total std of sqrt(Σ_j (σ_j − σ_{j−1})²) (0.0020 / 0.0082 / 0.0130), the paper's fresh draws σ_i."""
    data = [(torch.zeros(1, 1), torch.zeros(1))]
    got = flatness(Probe(), data, sigmas=SIGMAS, n_draws=2, mode=mode, loss_fn=mean_square, random_state=0)
    std = np.sqrt(got.draw_losses)
    if mode == "faithful":
        want = [0.002, math.sqrt(0.002 ** 2 + 0.008 ** 2), math.sqrt(0.002 ** 2 + 0.008 ** 2 + 0.01 ** 2)]
    else:
        want = list(SIGMAS)
    np.testing.assert_allclose(std, np.tile(want, (2, 1)), rtol=0.01)
    np.testing.assert_allclose(want, {"faithful": [0.0020, 0.0082, 0.0130], "exact": SIGMAS}[mode], atol=5e-5)


def batch_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel batch mean and unbiased variance of NCHW inputs (what BN feeds its running stats)."""
    flat = x.transpose(1, 0, 2, 3).reshape(x.shape[1], -1)
    return flat.mean(axis=1), flat.var(axis=1, ddof=1)


@pytest.mark.parametrize("mode", ["faithful", "exact"])
def test_recalibrate_bn_running_stats(mode):
    """Running statistics after ``recalibrate_bn`` = an independent numpy computation: reset to
    (0, 1), then per batch r ← 0.9 r + 0.1 s (published, momentum 0.1) or the mean of the s (exact)."""
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.running_mean.fill_(5.0)
        bn.running_var.fill_(7.0)
    g = torch.Generator().manual_seed(0)
    data = [(torch.randn(8, 3, 4, 4, generator=g) * 2 + 1, torch.zeros(8, dtype=torch.long)) for _ in range(14)]
    model = nn.Sequential(bn)
    assert recalibrate_bn(model, data, mode=mode) is model and not model.training
    stats = [batch_stats(x.numpy().astype(np.float64)) for x, _ in data]
    if mode == "faithful":
        mean, var = np.zeros(3), np.ones(3)
        for m, v in stats:
            mean, var = 0.9 * mean + 0.1 * m, 0.9 * var + 0.1 * v
    else:
        mean, var = np.mean([m for m, _ in stats], axis=0), np.mean([v for _, v in stats], axis=0)
    np.testing.assert_allclose(bn.running_mean.numpy(), mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-5)
    assert published_recalibration_batches(64) == 14


def test_flatness_recalibrates_once_before_perturbing():
    """``flatness(recalibrate=…)`` = flatness of a copy recalibrated first; the network is untouched."""
    net, batches, recal = tiny_net(), tiny_batches(), tiny_batches(3, seed=5)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    got = flatness(net, batches, recalibrate=recal, bn_mode="faithful", random_state=0, clean=True)
    ref_net = recalibrate_bn(copy.deepcopy(net), recal)
    want = flatness(ref_net, batches, random_state=0, clean=True)
    np.testing.assert_allclose(got.draw_losses, want.draw_losses, rtol=0, atol=1e-7)
    assert got.clean_loss == pytest.approx(want.clean_loss, abs=1e-7)
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
    assert flatness(net, batches, random_state=0).clean_loss is None


class Quadratic(nn.Module):
    """Loss ½ Σ h_j w_j² (minimum at w = 0): the input is ignored."""

    def __init__(self, h: torch.Tensor):
        super().__init__()
        self.h = h
        self.w = nn.Parameter(torch.zeros(len(h), dtype=torch.float64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w.expand(len(x), -1)


def quadratic_loss(h):
    return lambda out, y: 0.5 * (h * out[0] ** 2).sum()


def closed_form_flatness(levels, sigmas, alpha=1.0):
    poor = alpha * abs(levels[0] / sigmas[0]) + sum(
        abs((levels[i + 1] - levels[i]) / (sigmas[i + 1] - sigmas[i])) for i in range(len(levels) - 1))
    return 1 / (poor + 1e-5)


def test_quadratic_closed_form_hessian_direction():
    """Along the top eigenvector, L(θ + s√P v) = ½ λ_max s² P."""
    h = torch.tensor([0.5, 4.0, 1.0, 2.0], dtype=torch.float64)
    model, data = Quadratic(h), [(torch.zeros(3, 1), torch.zeros(3))]
    for mode in ("exact", "faithful"):  # residual steps along one direction add up to σ_i
        scale = np.array(SIGMAS)
        got = flatness(model, data, sigmas=SIGMAS, mode=mode, direction="hessian", loss_fn=quadratic_loss(h),
                       random_state=0, hessian_iters=200)
        want_levels = 0.5 * 4.0 * scale ** 2 * 4
        # power iteration stops at a relative eigenvalue change of 1e-4 (PyHessian's default)
        np.testing.assert_allclose(got.losses, want_levels, rtol=1e-4)
        assert got.flatness == pytest.approx(closed_form_flatness(want_levels, SIGMAS), rel=1e-4)


def test_quadratic_closed_form_gaussian_expectation():
    """Exact mode: E L(θ + σε) = ½ σ² tr(H); with many draws the mean loss approaches it."""
    h = torch.tensor([0.5, 4.0, 1.0, 2.0], dtype=torch.float64)
    model, data = Quadratic(h), [(torch.zeros(1, 1), torch.zeros(1))]
    sigmas = (0.1, 0.2, 0.4)
    got = flatness(model, data, sigmas=sigmas, n_draws=4000, mode="exact", loss_fn=quadratic_loss(h),
                   random_state=1, alpha=0.5)
    want_levels = 0.5 * np.array(sigmas) ** 2 * float(h.sum())
    np.testing.assert_allclose(got.losses, want_levels, rtol=0.05)
    assert got.flatness == pytest.approx(closed_form_flatness(want_levels, sigmas, alpha=0.5), rel=0.05)


def test_flatness_from_losses_formula():
    losses = np.array([[1.0, 1.5, 3.0], [2.0, 1.0, 1.0]])
    s = (0.1, 0.2, 0.4)
    want = [1 / (10 + 5 + 7.5 + 1e-5), 1 / (0.5 * 20 + 10 + 0 + 1e-5)]
    np.testing.assert_allclose(flatness_from_losses(losses[:1], s), want[:1])
    np.testing.assert_allclose(flatness_from_losses(losses[1], s, alpha=0.5), want[1])
    with pytest.raises(ValueError, match="last axis"):
        flatness_from_losses([1.0, 2.0], s)
    with pytest.raises(ValueError, match="NaN"):
        flatness_from_losses([1.0, np.nan, 2.0], s)
    with pytest.raises(ValueError, match="alpha"):
        flatness_from_losses([1.0, 1.0, 2.0], s, alpha=-1)


def test_same_seed_same_numbers_and_model_untouched():
    net, batches = tiny_net(), tiny_batches()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    modes = [m.training for m in net.modules()]
    kw = dict(n_draws=2, mode="exact", recalibrate=tiny_batches(1, seed=4))
    a = flatness(net, batches, random_state=5, **kw)
    b = flatness(net, batches, random_state=5, **kw)
    c = flatness(net, batches, random_state=6, **kw)
    flatness(net, batches, direction="hessian", hessian_iters=3, random_state=5)
    np.testing.assert_array_equal(a.draw_losses, b.draw_losses)
    assert a.flatness == b.flatness
    assert not np.array_equal(a.draw_losses, c.draw_losses)
    after = net.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert [m.training for m in net.modules()] == modes
    assert all(not p.requires_grad or p.grad is None for p in net.parameters())


def test_position_cells_leaves_stem_and_classifier():
    net, batches = tiny_net(), tiny_batches()
    names = set(net.search_cell_parameters())
    assert names and not any(n.startswith(("stem", "classifier")) for n in names)
    all_ = flatness(net, batches, random_state=0, sigmas=(0.1, 0.2, 0.3))
    cells = flatness(net, batches, random_state=0, sigmas=(0.1, 0.2, 0.3), position="cells")
    assert not np.allclose(all_.losses, cells.losses)


def test_stacked_losses_shared_parameters_are_not_perturbed():
    net, batches = tiny_net(), as_batches(tiny_batches(), "cpu")
    w = dict(net.named_parameters())["classifier.bias"].detach()
    losses, acc = stacked_losses(net, {"classifier.bias": torch.stack([w, w])}, batches)
    clean = sum(nn.functional.cross_entropy(net(x), y).item() * len(y) for x, y in batches.pairs) / 12
    np.testing.assert_allclose(losses.numpy(), [clean, clean], atol=1e-6)
    assert ((acc >= 0) & (acc <= 1)).all()


def test_angle_and_combined_proxy():
    a = {"w": torch.tensor([1.0, 0.0]), "b": torch.tensor([0.0])}
    b = {"w": torch.tensor([0.0, 2.0]), "b": torch.tensor([0.0])}
    assert angle(a, b, mode="exact") == pytest.approx(math.pi / 2)
    assert angle(a, a, mode="exact") == pytest.approx(0.0, abs=1e-7)
    assert angle(a, {"w": -a["w"], "b": a["b"]}, mode="exact") == pytest.approx(math.pi)
    net = tiny_net()
    assert angle(net, net, mode="exact") == pytest.approx(0.0, abs=1e-6)
    assert 0 < angle(tiny_net(1), net, mode="exact") < math.pi
    assert combined_proxy(0.25, 0.004, sigma1=2e-3, gamma=16) == pytest.approx(0.25 + 16 * 2.0)
    with pytest.raises(ValueError, match="missing"):
        angle(a, {"w": b["w"]}, mode="exact")
    with pytest.raises(ValueError, match="shapes"):
        angle(a, {"w": torch.zeros(3), "b": b["b"]}, mode="exact")
    with pytest.raises(ValueError, match="all-zero"):
        angle(a, {"w": torch.zeros(2), "b": torch.zeros(1)}, mode="exact")
    with pytest.raises(ValueError, match="sigma1"):
        combined_proxy(0.1, 0.1, sigma1=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sigmas=(0.0, 0.1)), "> 0"),
        (dict(sigmas=(-1e-3, 0.1)), "> 0"),
        (dict(sigmas=(0.02, 0.01)), "strictly increasing"),
        (dict(sigmas=(0.01, 0.01)), "strictly increasing"),
        (dict(sigmas=()), "empty"),
        (dict(sigmas="abc"), "sequence of numbers"),
        (dict(n_draws=0), "n_draws"),
        (dict(n_draws=1.5), "n_draws"),
        (dict(mode="approx"), "mode"),
        (dict(position="stem"), "position"),
        (dict(direction="sam"), "direction"),
        (dict(direction="hessian", n_draws=2), "n_draws=1"),
        (dict(strategy="threads"), "strategy"),
        (dict(chunk_size=0), "chunk_size"),
        (dict(bn_mode="running"), "bn_mode"),
        (dict(random_state=-1), "random_state"),
        (dict(random_state="seed"), "random_state"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        flatness(tiny_net(), tiny_batches(), **kwargs)


def test_bad_data_and_models():
    net = tiny_net()
    with pytest.raises(ValueError, match="empty"):
        flatness(net, [])
    with pytest.raises(ValueError, match="empty"):
        flatness(net, tiny_batches(), recalibrate=[])
    with pytest.raises(ValueError, match="pair"):
        flatness(net, [torch.zeros(2, 3, 8, 8)])
    with pytest.raises(ValueError, match="targets"):
        flatness(net, [(torch.zeros(2, 3, 8, 8), torch.zeros(3, dtype=torch.long))])
    with pytest.raises(ValueError, match="no parameters"):
        flatness(nn.ReLU(), tiny_batches())
    with pytest.raises(ValueError, match="search_cell_parameters"):
        flatness(nn.Linear(3, 2), [(torch.zeros(2, 3), torch.zeros(2, dtype=torch.long))], position="cells")
    with pytest.raises(ValueError, match="unknown operation|not one of|op"):
        NB201Cell("|conv_7x7~0|+|none~0|none~1|+|none~0|none~1|none~2|", 4)


@pytest.mark.parametrize("strategy", ["loop", "vmap"])
def test_progress_bar_changes_no_number(strategy, capsys):
    net, batches = tiny_net(), tiny_batches()
    quiet = flatness(net, batches, n_draws=2, strategy=strategy, random_state=3)
    shown = flatness(net, batches, n_draws=2, strategy=strategy, random_state=3, progress=True)
    np.testing.assert_allclose(shown.draw_losses, quiet.draw_losses, rtol=1e-6)
    assert "weight copies" in capsys.readouterr().err
