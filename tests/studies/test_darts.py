"""First-order DARTS and A²M: the gradients, the NB201 mixed supernet, and the resumable search driver."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from landscape.bench import load_store
from landscape.errors import ConfigMismatchError
from landscape.nn.nb201_mixed import NB201MixedSupernet
from landscape.nn.supernet import NB201Supernet
from landscape.runs import RunStore
from landscape.search.a2m import a2m_gradient, darts_gradient
from landscape.studies.darts import DARTS_PRESETS, DartsPreset, compare_a2m_darts, run_darts
from landscape.spaces.darts import parse_genotype
from landscape.spaces.nb201 import EDGES, OPS, format_arch, parse_arch

# -- the gradients ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rho, eps", [(1e-2, 1e-2), (0.3, 0.05)])
def test_a2m_closed_form_on_a_quadratic(rho: float, eps: float) -> None:
    # L(α) = ½ vᵀAv over v = concat(α₀, α₁): g = Av, ṽ = (I + ρA)v, g̃ = Aṽ, h = A g̃ exactly (central
    # differences are exact for a quadratic), so the A²M direction is (A + ρA²)(I + ρA)v.
    rng = np.random.default_rng(0)
    m = rng.normal(size=(10, 10))
    a = torch.tensor(m + m.T, dtype=torch.float64)
    alphas = [torch.tensor(rng.normal(size=(2, 3))), torch.tensor(rng.normal(size=(4,)))]

    def loss_fn(al: list[torch.Tensor]) -> torch.Tensor:
        v = torch.cat([t.reshape(-1) for t in al])
        return 0.5 * v @ a @ v

    v = torch.cat([t.reshape(-1) for t in alphas])
    eye = torch.eye(10, dtype=torch.float64)
    expected = (a + rho * a @ a) @ (eye + rho * a) @ v
    got = a2m_gradient(loss_fn, alphas, rho=rho, eps=eps)
    assert [g.shape for g in got] == [t.shape for t in alphas] and all(g.dtype == torch.float64 for g in got)
    torch.testing.assert_close(torch.cat([g.reshape(-1) for g in got]), expected, rtol=0, atol=1e-5)
    torch.testing.assert_close(torch.cat([g.reshape(-1) for g in darts_gradient(loss_fn, alphas)]), a @ v)
    # the direction differs from the plain gradient: the test would catch a missing ρ·h or α̃
    assert (torch.cat([g.reshape(-1) for g in got]) - a @ v).abs().max() > 1e-3


def _tiny_batch(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(6, 3, 8, 8, generator=g), torch.randint(0, 10, (6,), generator=g)


def test_darts_gradient_is_autograd_and_leaves_grads_alone() -> None:
    torch.manual_seed(0)
    net = NB201MixedSupernet(c=4, n=1)
    net.alphas.data.normal_()
    x, y = _tiny_batch()

    def loss_fn(al: list[torch.Tensor]) -> torch.Tensor:
        return F.cross_entropy(net(x, al), y)

    before = net.alphas.detach().clone()
    (got,) = darts_gradient(loss_fn, net.arch_parameters())
    assert net.alphas.grad is None and all(p.grad is None for p in net.weight_parameters())
    assert torch.equal(net.alphas, before)  # the override is functional
    F.cross_entropy(net(x), y).backward()
    torch.testing.assert_close(got, net.alphas.grad, rtol=1e-5, atol=1e-7)
    # ρ = 0: α̃ = α and no curvature term, so A²M is first-order DARTS
    (same,) = a2m_gradient(loss_fn, net.arch_parameters(), rho=0.0)
    torch.testing.assert_close(same, got, rtol=1e-5, atol=1e-7)
    (a2m,) = a2m_gradient(loss_fn, net.arch_parameters(), rho=1.0, eps=1e-2)
    assert not torch.allclose(a2m, got)


def test_gradient_argument_errors() -> None:
    quad = lambda al: (al[0] ** 2).sum()  # noqa: E731
    alpha = [torch.ones(3)]
    with pytest.raises(ValueError, match="rho must be a finite float >= 0, got -0.1"):
        a2m_gradient(quad, alpha, rho=-0.1)
    with pytest.raises(ValueError, match="eps must be a finite float > 0, got 0"):
        a2m_gradient(quad, alpha, eps=0)
    with pytest.raises(ValueError, match="non-empty list of tensors"):
        darts_gradient(quad, torch.ones(3))
    with pytest.raises(ValueError, match="entry 0 is torch.int64"):
        darts_gradient(quad, [torch.ones(3, dtype=torch.long)])
    with pytest.raises(ValueError, match="scalar tensor"):
        darts_gradient(lambda al: al[0] * 2, alpha)
    # an α the loss does not use gets a zero gradient
    (unused,) = darts_gradient(lambda al: torch.tensor(1.0, requires_grad=True), alpha)
    assert torch.equal(unused, torch.zeros(3))


# -- the NB201 mixed supernet ----------------------------------------------------------------------------------


def test_mixed_supernet_with_one_hot_alphas_is_the_standalone_network() -> None:
    torch.manual_seed(1)
    mixed = NB201MixedSupernet(c=4, n=1)
    x, _ = _tiny_batch(1)
    with torch.no_grad():  # non-trivial BN running statistics, shared by both networks below
        for k in range(3):
            mixed(x * (k + 1))
    mixed.eval()
    spos = NB201Supernet(c=4, n=1, affine=False)
    spos.load_state_dict({k: v for k, v in mixed.state_dict().items() if k != "alphas"})
    for codes in [(3, 3, 3, 1, 3, 3), (0, 2, 4, 1, 0, 3), (1, 0, 0, 2, 4, 0)]:
        arch = format_arch(codes)
        alphas = 1e4 * F.one_hot(torch.tensor(codes), len(OPS)).float()  # softmax is exactly one-hot
        net = spos.subnet(arch).eval()
        with torch.no_grad():
            torch.testing.assert_close(mixed(x, alphas), net(x), rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(mixed(x, [alphas]), net(x), rtol=1e-5, atol=1e-6)
        assert mixed.arch(alphas) == arch


def _definition_cell(cell, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """NB201's TinyNetworkDarts cell by its definition: node j = sum over i < j and every op o (``none`` included,
    each op module applied whole) of w_(j,i),o * o(node i)."""
    nodes = [x]
    for j in range(1, 4):
        nodes.append(sum(sum(w * op(nodes[src]) for w, op in zip(weights[e], cell.edges[e]))
                         for e, (dst, src) in enumerate(EDGES) if dst == j))
    return nodes[3]


def test_mixed_cell_equals_its_definition_in_values_and_gradients() -> None:
    """The cell shares parameter-free work between edges; the function and every gradient are the definition's."""
    torch.manual_seed(2)
    cell = NB201MixedSupernet(c=4, n=1).cells[0].train()
    x = torch.randn(3, 4, 8, 8)
    alphas = torch.randn(6, 5, requires_grad=True)
    grads = []
    for forward in (cell.forward, lambda h, w: _definition_cell(cell, h, w)):
        cell.zero_grad()
        h = x.clone().requires_grad_(True)
        out = forward(h, F.softmax(alphas, dim=-1))
        d_alpha, d_x = torch.autograd.grad((out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum(), [alphas, h])
        grads.append((out.detach(), d_alpha, d_x, [p.grad for p in cell.parameters()]))
    (out, da, dx, dw), (ref, ref_da, ref_dx, ref_dw) = grads
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(da, ref_da, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(dx, ref_dx, rtol=1e-5, atol=1e-6)
    for g, ref_g in zip(dw, ref_dw):
        torch.testing.assert_close(g, ref_g, rtol=1e-5, atol=1e-6)


def test_a2m_refuses_bf16(tmp_path) -> None:
    fast = dataclasses.replace(DARTS_PRESETS["smoke"], precision="bf16")
    with pytest.raises(ValueError, match="A²M needs precision='fp32'"):
        run_darts("nb201", fast, method="a2m", out=tmp_path / "a2m", progress=False)
    assert not (tmp_path / "a2m").exists()


def test_mixed_supernet_arch_and_parameters() -> None:
    net = NB201MixedSupernet(c=4, n=1)
    assert net.alphas.shape == (6, 5) and net.arch_parameters() == [net.alphas]
    assert len(net.weight_parameters()) == len(list(net.parameters())) - 1
    alphas = torch.zeros(6, 5)
    codes = (0, 4, 2, 3, 1, 0)
    alphas[torch.arange(6), torch.tensor(codes)] = torch.linspace(0.1, 0.6, 6)
    net.alphas.data.copy_(alphas)
    assert parse_arch(net.arch()) == codes  # argmax per edge, 'none' (code 0) included
    with pytest.raises(ValueError, match=r"shape \(6, 5\).*got \(5, 6\)"):
        net(torch.zeros(2, 3, 8, 8), torch.zeros(5, 6))
    with pytest.raises(ValueError, match="got list"):
        net.arch([torch.zeros(6, 5), torch.zeros(6, 5)])


# -- the search driver -----------------------------------------------------------------------------------------


def _model_state(folder: Path) -> dict[str, torch.Tensor]:
    """The supernet state of a run folder's last checkpoint, read through its own pinned configuration."""
    config = json.loads((folder / "config.json").read_text())["config"]
    return RunStore(folder, config).load_checkpoint()["model"]


@pytest.fixture(scope="module")
def smoke_runs(shared_data, tmp_path_factory) -> tuple[dict[str, dict], object]:
    """The smoke preset on NB201 with both methods, seed 0, in ``<dir>/<method>-seed0`` (compare_a2m_darts' layout)."""
    root = tmp_path_factory.mktemp("darts")
    return {m: run_darts("nb201", "smoke", method=m, out=root / f"{m}-seed0", progress=False)
            for m in ("a2m", "darts")}, root


@pytest.mark.slow
@pytest.mark.parametrize("method", ["a2m", "darts"])
def test_smoke_search_finds_an_nb201_cell_and_its_ground_truth(smoke_runs, method: str) -> None:
    results, root = smoke_runs
    r = results[method]
    folder = root / f"{method}-seed0"
    epochs = pd.read_csv(folder / "epochs.csv")
    assert list(epochs["epoch"]) == [1, 2] and r["epochs_run"] == 2
    best = int(epochs["valid_loss"].idxmin())
    # faithful selection (the published script): the genotype taken at the start of the best epoch
    assert r["selection"] == "faithful" and r["best_epoch"] == best + 1 and r["arch"] == epochs["arch_start"][best]
    assert r["final_arch"] == epochs["arch"][1] and epochs["arch_start"][1] == epochs["arch"][0]
    assert r["best_valid_loss"] == pytest.approx(epochs["valid_loss"][best])
    store = load_store()
    index = store.index.index_of(r["arch"])
    assert r["arch_index"] == index
    for dataset in ("cifar10", "cifar100", "ImageNet16-120"):
        assert r["accuracy"][dataset] == pytest.approx(store.array(dataset, split="test", epochs=200)[index])
    assert json.loads((folder / "result.json").read_text())["arch"] == r["arch"]
    np.testing.assert_array_equal(epochs["lr"], [0.025, (0.025 + 0.001) / 2])  # cosine over 2 epochs


def test_methods_differ_and_compare_reuses_finished_runs(smoke_runs) -> None:
    results, root = smoke_runs
    a2m, darts = (_model_state(root / f"{m}-seed0")["alphas"] for m in ("a2m", "darts"))
    assert not torch.allclose(a2m, darts)  # same seed and data: only the architecture gradient differs
    frame = compare_a2m_darts("nb201", "smoke", [0], root, progress=False)
    assert list(frame.columns) == ["space", "preset", "method", "seed", "arch", "best_epoch", "arch_index",
                                   "cifar10", "cifar100", "ImageNet16-120"]
    assert list(frame["method"]) == ["darts", "a2m"]
    for _, row in frame.iterrows():
        assert row["arch"] == results[row["method"]]["arch"]
        assert row["cifar10"] == results[row["method"]]["accuracy"]["cifar10"]


@pytest.mark.slow
def test_interrupted_run_resumes_to_the_same_result(smoke_runs, tmp_path) -> None:
    results, root = smoke_runs

    class Interrupt(Exception):
        pass

    def stop_after_first(row: dict) -> None:
        if row["epoch"] == 1:
            raise Interrupt

    out = tmp_path / "run"
    with pytest.raises(Interrupt):
        run_darts("nb201", "smoke", method="a2m", out=out, progress=False, callback=stop_after_first)
    assert len(pd.read_csv(out / "epochs.csv")) == 1 and not (out / "result.json").exists()
    seen: list[int] = []
    resumed = run_darts("nb201", "smoke", method="a2m", out=out, progress=False, callback=lambda r: seen.append(r["epoch"]))
    assert seen == [2]  # epoch 1 came from the checkpoint
    reference = results["a2m"]
    assert {k: v for k, v in resumed.items() if k != "out"} == {k: v for k, v in reference.items() if k != "out"}
    ours = pd.read_csv(out / "epochs.csv").drop(columns="seconds")
    pd.testing.assert_frame_equal(ours, pd.read_csv(root / "a2m-seed0" / "epochs.csv").drop(columns="seconds"))
    a, b = (_model_state(p) for p in (out, root / "a2m-seed0"))
    assert all(torch.equal(a[k], b[k]) for k in b)  # bit-identical weights, α and BN statistics
    # a finished run is not trained again
    assert run_darts("nb201", "smoke", method="a2m", out=out, progress=False, callback=seen.append) == resumed
    assert seen == [2]


def test_darts_space_returns_a_genotype(shared_data, tmp_path) -> None:
    preset = dataclasses.replace(DARTS_PRESETS["smoke"], name="one-step", epochs=1, batch_size=10,
                                 n_train_per_class=1, n_valid_per_class=1)
    r = run_darts("darts", preset, method="darts", out=tmp_path, progress=False)
    genotype = parse_genotype(r["arch"])
    assert len(genotype.normal) == len(genotype.reduce) == 8
    assert r["epochs_run"] == r["best_epoch"] == 1 and "accuracy" not in r


def test_config_mismatch_and_argument_errors(smoke_runs, tmp_path) -> None:
    out = smoke_runs[1] / "darts-seed0"  # a finished first-order DARTS run, seed 0
    with pytest.raises(ConfigMismatchError, match="method"):
        run_darts("nb201", "smoke", method="a2m", out=out, progress=False)
    with pytest.raises(ConfigMismatchError, match="random_state"):
        run_darts("nb201", "smoke", method="darts", out=out, random_state=1, progress=False)
    with pytest.raises(ValueError, match="preset must be one of 'smoke', 'cpu', 'paper', got 'huge'"):
        run_darts("nb201", "huge", out=tmp_path / "x")
    with pytest.raises(ValueError, match="space must be one of 'nb201', 'darts', got 'nb101'"):
        run_darts("nb101", "smoke", out=tmp_path / "x")
    with pytest.raises(ValueError, match="method must be one of 'darts', 'a2m', got 'sam'"):
        run_darts("nb201", "smoke", method="sam", out=tmp_path / "x")
    with pytest.raises(ValueError, match="random_state"):
        run_darts("nb201", "smoke", out=tmp_path / "x", random_state=-1)
    with pytest.raises(ValueError, match="epochs must be an integer >= 1, got 0"):
        DartsPreset("bad", epochs=0)
    with pytest.raises(ValueError, match="seeds must be distinct"):
        compare_a2m_darts("nb201", "smoke", [1, 1], tmp_path)
    assert DARTS_PRESETS["paper"].epochs == 50 and DARTS_PRESETS["paper"].batch_size == 64
    assert (DARTS_PRESETS["paper"].c, DARTS_PRESETS["paper"].n) == (16, 5)


def test_early_stop_after_more_than_patience_epochs() -> None:
    """The published A²M script stops once the epochs since the best validation loss exceed ``patience``."""
    from landscape.search.gradient import early_stop

    losses = [3.0, 2.0, 2.5, 2.6, 2.7, 2.8]
    assert [early_stop(losses[:k], 2) for k in range(1, 7)] == [False, False, False, False, True, True]
    assert not early_stop([1.0, 0.5, 0.4], 0) and early_stop([1.0, 0.5, 0.6], 0)


def test_exact_selection_takes_the_genotype_at_the_end_of_the_best_epoch(shared_data, tmp_path) -> None:
    import dataclasses


    exact = dataclasses.replace(DARTS_PRESETS["smoke"], selection="exact")
    r = run_darts("nb201", exact, method="darts", out=tmp_path / "exact", progress=False)
    epochs = pd.read_csv(tmp_path / "exact" / "epochs.csv")
    best = int(epochs["valid_loss"].idxmin())
    assert r["selection"] == "exact" and r["arch"] == epochs["arch"][best]
    with pytest.raises(ValueError, match="selection"):
        dataclasses.replace(exact, selection="last")
