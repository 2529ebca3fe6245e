"""DARTS networks: the evaluation network of a genotype and the search supernet (small C, few layers)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from landscape.nn.darts import DARTSCell, DARTSNetwork, DARTSSupernet, drop_path
from landscape.nn.ops import FactorizedReduce
from landscape.spaces.darts import CONCAT, DARTS_V1, DARTS_V2, PC_DARTS, SUPERNET_OPS, Genotype, random_genotype


def n_params(module: nn.Module, skip: str = "auxiliary_head") -> int:
    return sum(p.numel() for n, p in module.named_parameters() if not n.startswith(skip))


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


# --- evaluation network ------------------------------------------------------------------------------


@pytest.mark.parametrize(("genotype", "c", "layers", "size"), [
    (DARTS_V2, 4, 3, 8), (PC_DARTS, 6, 5, 16), (DARTS_V1, 8, 4, 8), (random_genotype(0), 4, 5, 16)])
def test_network_output_shape(genotype, c, layers, size):
    net = DARTSNetwork(genotype, c=c, layers=layers, num_classes=7).eval()
    with torch.no_grad():
        assert net(torch.randn(2, 3, size, size)).shape == (2, 7)


def test_reduction_positions_and_shapes():
    net = DARTSNetwork(DARTS_V2, c=4, layers=5, in_channels=1).eval()
    assert net.reduction_layers == (1, 3)
    assert [cell.reduction for cell in net.cells] == [False, True, False, True, False]
    shapes = []
    for cell in net.cells:
        cell.register_forward_hook(lambda m, i, out: shapes.append(tuple(out.shape[1:])))
    with torch.no_grad():
        net(torch.randn(2, 1, 16, 16))
    # 4 nodes concatenated: 4·C, 4·2C, 4·4C channels; resolution halves at cells 1 and 3
    assert shapes == [(16, 16, 16), (32, 8, 8), (32, 8, 8), (64, 4, 4), (64, 4, 4)]
    assert isinstance(net.cells[2].preprocess0, FactorizedReduce)  # the cell after a reduction halves state 0


@pytest.mark.parametrize(("genotype", "expected"), [(DARTS_V2, 3.3), (PC_DARTS, 3.6)])
def test_published_parameter_counts(genotype, expected):
    """DARTS reports 3.3M parameters for DARTS_V2 and PC-DARTS 3.6M (C = 36, 20 layers, auxiliary head excluded)."""
    net = DARTSNetwork(genotype, c=36, layers=20)
    assert abs(n_params(net) / 1e6 - expected) < 0.05
    assert n_params(DARTSNetwork(genotype, c=36, layers=20, auxiliary=True)) == n_params(net)


def test_darts_v2_exact_parameter_count():
    assert n_params(DARTSNetwork(DARTS_V2, c=36, layers=20)) == 3_349_342  # DARTS' log: "param size = 3.349342MB"


def test_search_cell_parameters():
    net = DARTSNetwork(DARTS_V2, c=4, layers=3, auxiliary=True)
    names = net.search_cell_parameters()
    assert names and all(n.startswith("cells.") for n in names)
    outside = {n for n, _ in net.named_parameters()} - set(names)
    assert {n.split(".")[0] for n in outside} == {"stem", "auxiliary_head", "classifier"}


def test_auxiliary_head():
    net = DARTSNetwork(DARTS_V2, c=4, layers=3, auxiliary=True)
    logits, aux = net.train()(torch.randn(2, 3, 32, 32))
    assert logits.shape == aux.shape == (2, 10)
    with torch.no_grad():
        assert net.eval()(torch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_drop_path_is_seeded_and_training_only():
    x = torch.randn(4, 3, 8, 8)
    net = DARTSNetwork(DARTS_V2, c=4, layers=3, drop_path_prob=0.5)
    a = net(x, generator=torch.Generator().manual_seed(1))
    b = net(x, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(a, b)
    net.eval()
    reference = net(x)
    net.drop_path_prob = 0.0
    torch.testing.assert_close(net(x), reference)  # no drop-path in evaluation mode
    with pytest.raises(ValueError, match=r"drop_path_prob must be a number in \[0, 1\), got 1"):
        net.drop_path_prob = 1


def test_drop_path_function():
    x = torch.ones(1000, 2, 3, 3)
    y = drop_path(x, 0.25, torch.Generator().manual_seed(0))
    per_sample = y.flatten(1)
    assert ((per_sample == 0).all(1) | (per_sample == 1 / 0.75).all(1)).all()  # whole samples drop or scale
    assert 0.2 < (per_sample[:, 0] == 0).float().mean() < 0.3
    assert torch.equal(x, torch.ones_like(x))  # not in place


def test_cell_validation():
    with pytest.raises(ValueError, match=r"invalid DARTS cell .*unknown operation 'none' on edge \[0\]"):
        DARTSCell([("none", 0)] + list(DARTS_V2.normal[1:]), CONCAT, 4, 4, 4, False, False)
    with pytest.raises(ValueError, match=r"concat must list distinct nodes among \[2, 3, 4, 5\], got \(1, 2\)"):
        DARTSCell(DARTS_V2.normal, (1, 2), 4, 4, 4, False, False)
    cell = DARTSCell(DARTS_V2.normal, (4, 5), 8, 8, 4, False, False)
    assert cell(torch.randn(1, 8, 6, 6), torch.randn(1, 8, 6, 6)).shape == (1, 8, 6, 6)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"c": 0}, ValueError, r"C must be an integer >= 1, got 0"),
    ({"layers": 2.0}, ValueError, r"layers must be an integer >= 1, got 2\.0"),
    ({"auxiliary": 1}, ValueError, r"auxiliary must be a bool, got 1"),
    ({"genotype": "Genotype(normal=[])"}, ValueError, r"malformed DARTS genotype 'Genotype\(normal=\[\]\)'"),
    ({"genotype": 3}, TypeError, r"expected a DARTS Genotype"),
])
def test_network_argument_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        DARTSNetwork(**{"genotype": DARTS_V2, **kwargs})


# --- supernet ----------------------------------------------------------------------------------------


@pytest.fixture
def supernet() -> DARTSSupernet:
    return DARTSSupernet(c=4, layers=3)


def test_supernet_structure(supernet):
    assert supernet.alphas_normal.shape == supernet.alphas_reduce.shape == (14, 8)
    assert supernet.alpha_edges[:5] == ((2, 0), (2, 1), (3, 0), (3, 1), (3, 2)) and len(supernet.alpha_edges) == 14
    arch, weights = supernet.arch_parameters(), supernet.weight_parameters()
    assert arch[0] is supernet.alphas_normal and arch[1] is supernet.alphas_reduce
    assert {id(p) for p in arch} | {id(p) for p in weights} == {id(p) for p in supernet.parameters()}
    assert not {id(p) for p in arch} & {id(p) for p in weights}
    cell = supernet.cells[0]
    assert len(cell.ops) == 14 and all(len(m.ops) == len(SUPERNET_OPS) for m in cell.ops)
    assert not any(m.affine for m in supernet.cells.modules() if isinstance(m, nn.BatchNorm2d))
    assert [c.reduction for c in supernet.cells] == [False, True, True]


def test_supernet_forward_shape(supernet):
    assert supernet(torch.randn(2, 3, 8, 8)).shape == (2, 10)
    small = DARTSSupernet(c=4, layers=4, num_classes=3, steps=2, multiplier=2)
    assert small.alphas_normal.shape == (5, 8) and small(torch.randn(2, 3, 8, 8)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"genotype\(\) needs steps=4 and multiplier=4 .*steps=2, multiplier=2"):
        small.genotype()


def _hand_set_alphas() -> tuple[torch.Tensor, torch.Tensor]:
    normal, reduce = torch.zeros(14, 8), torch.zeros(14, 8)
    row = {(2, 0): 0, (2, 1): 1, (3, 0): 2, (3, 1): 3, (3, 2): 4, (4, 0): 5, (4, 1): 6, (4, 2): 7, (4, 3): 8,
           (5, 0): 9, (5, 1): 10, (5, 2): 11, (5, 3): 12, (5, 4): 13}
    op = {name: k for k, name in enumerate(SUPERNET_OPS)}
    normal[row[2, 0], op["sep_conv_3x3"]] = 5.0
    normal[row[2, 1], op["skip_connect"]] = 3.0
    normal[row[3, 0], op["none"]] = 10.0  # 'none' dominates: the edge's best real op is weak, so it is dropped
    normal[row[3, 1], op["avg_pool_3x3"]] = 2.0
    normal[row[3, 2], op["dil_conv_3x3"]] = 6.0
    normal[row[4, 1], op["max_pool_3x3"]] = 3.0
    normal[row[4, 3], op["sep_conv_5x5"]] = 4.0
    normal[row[4, 3], op["none"]] = 4.5  # ignored when picking the op, but it weakens the edge below (4, 1)
    # node 5 of the normal cell: all uniform, ties go to the lower inputs and the first real op
    reduce[row[5, 2], op["sep_conv_3x3"]] = 1.0
    reduce[row[5, 4], op["skip_connect"]] = 1.0  # an exact tie with (5, 2): the lower input comes first
    return normal, reduce


EXPECTED = Genotype(
    normal=(("sep_conv_3x3", 0), ("skip_connect", 1), ("dil_conv_3x3", 2), ("avg_pool_3x3", 1),
            ("max_pool_3x3", 1), ("sep_conv_5x5", 3), ("max_pool_3x3", 0), ("max_pool_3x3", 1)),
    normal_concat=CONCAT,
    reduce=(("max_pool_3x3", 0), ("max_pool_3x3", 1), ("max_pool_3x3", 0), ("max_pool_3x3", 1),
            ("max_pool_3x3", 0), ("max_pool_3x3", 1), ("sep_conv_3x3", 2), ("skip_connect", 4)),
    reduce_concat=CONCAT,
)


def test_supernet_genotype_from_hand_set_alphas(supernet):
    alphas = _hand_set_alphas()
    assert supernet.genotype(alphas) == EXPECTED
    with torch.no_grad():
        supernet.alphas_normal.copy_(alphas[0])
        supernet.alphas_reduce.copy_(alphas[1])
    assert supernet.genotype() == EXPECTED
    assert DARTSNetwork(supernet.genotype(), c=4, layers=3).eval()(torch.randn(1, 3, 8, 8)).shape == (1, 10)


def test_forward_with_alpha_override_is_functional(supernet):
    x = torch.randn(2, 3, 8, 8)
    before = [a.detach().clone() for a in supernet.arch_parameters()]
    override = (torch.randn(14, 8), torch.randn(14, 8))
    out = supernet(x, alphas=override)
    for a, b in zip(supernet.arch_parameters(), before):
        assert torch.equal(a, b)  # the module's α are untouched
    with torch.no_grad():
        supernet.alphas_normal.copy_(override[0])
        supernet.alphas_reduce.copy_(override[1])
    torch.testing.assert_close(supernet(x), out)


def test_gradients_flow_to_alphas(supernet):
    x = torch.randn(2, 3, 8, 8)
    supernet(x).logsumexp(1).sum().backward()
    assert all(a.grad is not None and a.grad.abs().sum() > 0 for a in supernet.arch_parameters())
    supernet.zero_grad(set_to_none=True)
    override = tuple(a.detach().clone().requires_grad_(True) for a in supernet.arch_parameters())
    supernet(x, alphas=override).logsumexp(1).sum().backward()
    assert all(a.grad is not None and a.grad.abs().sum() > 0 for a in override)
    assert all(a.grad is None for a in supernet.arch_parameters())


@pytest.mark.parametrize("alphas", [torch.zeros(14, 8), (torch.zeros(14, 8),),
                                    (torch.zeros(14, 8), torch.zeros(14, 7))])
def test_alpha_override_errors(supernet, alphas):
    with pytest.raises(ValueError, match=r"alphas must be a pair \(alphas_normal, alphas_reduce\) of tensors of "
                                         r"shape \(14, 8\), got"):
        supernet(torch.randn(1, 3, 8, 8), alphas=alphas)


def test_supernet_argument_errors():
    with pytest.raises(ValueError, match=r"multiplier \(nodes concatenated\) must be at most steps=2, got 3"):
        DARTSSupernet(c=4, layers=3, steps=2, multiplier=3)
    with pytest.raises(ValueError, match=r"steps must be an integer >= 1, got 0"):
        DARTSSupernet(c=4, layers=3, steps=0)
