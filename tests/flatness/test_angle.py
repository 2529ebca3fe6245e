"""The GeNAS/RLNAS angle (Eq. 8) in both modes, against vectors built by hand.

The faithful references follow the published procedures written out by hand: RLNAS
``nas_bench_201/exps/angle/weight_angle.py`` (``get_arch_angle``) for NB201 and GeNAS
``evolution_search/cand_evaluator.py`` (``get_arch_vector``) for DARTS: each test lists the cell's
input→output paths explicitly and concatenates, per path, what each operation contributes.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn

import landscape.flatness.proxies as proxies
from landscape.flatness import ANGLE_MODES, angle
from landscape.flatness.weight_angle import angle as angle_module_fn
from landscape.nn.darts import DARTSNetwork
from landscape.nn.darts_spos import DARTSSPOSSupernet
from landscape.nn.nb201 import NB201Cell, NB201Network
from landscape.nn.ops import FactorizedReduce
from landscape.nn.supernet import NB201Supernet
from landscape.spaces.darts import Genotype, SUPERNET_OPS, random_candidates

C = 2  # NB201: cells 0, 2, 4 at C, 2C, 4C; 1 and 3 are the residual reduction blocks (N = 1)
CELLS = ((0, C), (2, 2 * C), (4, 4 * C))
RES_BLOCK = ("conv_a.1.weight", "conv_a.2.weight", "conv_a.2.bias", "conv_b.1.weight", "conv_b.2.weight",
             "conv_b.2.bias", "downsample.1.weight")


def arccos(u: np.ndarray, v: np.ndarray) -> float:
    return float(np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1.0, 1.0)))


def flat(pieces) -> np.ndarray:
    return np.concatenate([np.asarray(torch.as_tensor(p).detach(), dtype=np.float64).ravel() for p in pieces])


def train_like(net: nn.Module, seed: int = 1, scale: float = 0.5) -> nn.Module:
    """A 'trained' copy: every parameter moved by Gaussian noise."""
    out = copy.deepcopy(net)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in out.parameters():
            p.add_(scale * torch.randn(p.shape, generator=g))
    return out


def nb201(codes, seed: int = 0) -> NB201Network:
    torch.manual_seed(seed)
    return NB201Network(lambda w: NB201Cell(codes, w), c=C, n=1, num_classes=3, in_channels=1)


def rlnas_nb201_vector(w: dict, cell_pieces) -> np.ndarray:
    """RLNAS ``get_arch_angle``: stem (conv, BN), per searched cell the pieces of its paths, every
    reduction block once, lastact BN and classifier (weight and bias)."""
    pieces = [w["stem.0.weight"], w["stem.1.weight"], w["stem.1.bias"]]
    for i, width in CELLS:
        pieces += cell_pieces(w, i, width)
    for i in (1, 3):
        pieces += [w[f"cells.{i}.{k}"] for k in RES_BLOCK]
    pieces += [w["lastact.0.weight"], w["lastact.0.bias"], w["classifier.weight"], w["classifier.bias"]]
    return flat(pieces)


def pool(width: int) -> np.ndarray:
    return np.full((width, 3, 3), 1.0 / 9.0)


def weights(net: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in net.named_parameters()}


def test_exports_and_modes():
    assert ANGLE_MODES == ("faithful", "exact")
    assert angle is proxies.angle is angle_module_fn


def test_nb201_conv_then_skip_with_none_elsewhere():
    # edges (to←from) in string order: 1←0 conv3x3, 2←0 none, 2←1 none, 3←0 none, 3←1 skip, 3←2 none
    net = nb201((3, 0, 0, 0, 1, 0))
    initial, trained = weights(net), train_like(net)
    # paths 0→3 (3←0 none), 0→2→3 (2←0 none), 0→1→2→3 (2←1 none): dropped;
    # 0→1→3: conv (its conv weight only) + skip (nothing)
    def cell(w, i, width):
        return [w[f"cells.{i}.edges.0.1.weight"]]

    want = arccos(rlnas_nb201_vector(initial, cell), rlnas_nb201_vector(weights(trained), cell))
    assert angle(initial, trained) == pytest.approx(want, abs=1e-10)
    assert angle(initial, trained, mode="faithful") == pytest.approx(want, abs=1e-10)
    assert angle(net, trained) == pytest.approx(want, abs=1e-10)  # two networks
    # the cell's BN parameters are not in the faithful vector, so the two modes differ
    assert abs(angle(initial, trained, mode="exact") - want) > 1e-6


def test_nb201_pooling_constant_and_an_op_on_two_paths():
    # 1←0 conv3x3, 2←0 none, 2←1 skip, 3←0 skip, 3←1 avg_pool, 3←2 conv1x1
    net = nb201((3, 0, 1, 1, 4, 2))
    initial, trained = weights(net), weights(train_like(net, seed=2))
    # 0→3: skip (empty); 0→2→3: dropped (2←0 none);
    # 0→1→2→3: conv3x3(1←0), skip(2←1), conv1x1(3←2); 0→1→3: conv3x3(1←0), pool(3←1)
    def cell(w, i, width):
        conv3, conv1 = w[f"cells.{i}.edges.0.1.weight"], w[f"cells.{i}.edges.5.1.weight"]
        return [conv3, conv1] + [conv3, pool(width)]

    want = arccos(rlnas_nb201_vector(initial, cell), rlnas_nb201_vector(trained, cell))
    assert angle(initial, trained, network=net) == pytest.approx(want, abs=1e-10)
    # the conv on two paths counts twice: once would be another number
    def once(w, i, width):
        return [w[f"cells.{i}.edges.0.1.weight"], w[f"cells.{i}.edges.5.1.weight"], pool(width)]

    assert abs(arccos(rlnas_nb201_vector(initial, once), rlnas_nb201_vector(trained, once)) - want) > 1e-6


def test_nb201_pooling_constant_survives_scaling():
    # a single path 0→3 through avg_pool, everything else none: the cell gives only the constant
    net = nb201((0, 0, 0, 4, 0, 0))
    initial = weights(net)
    scaled = {k: 3.0 * v for k, v in initial.items()}
    u = rlnas_nb201_vector(initial, lambda w, i, width: [pool(width)])
    v = rlnas_nb201_vector(scaled, lambda w, i, width: [pool(width)])
    assert angle(initial, scaled, network=net) == pytest.approx(arccos(u, v), abs=1e-10)
    assert angle(initial, scaled, network=net) > 1e-3  # the constants do not scale
    assert angle(initial, scaled, mode="exact") == pytest.approx(0.0, abs=1e-7)


def test_nb201_cut_off_cell_scores_zero():
    # 3←0, 3←1, 3←2 all none: every path to the output runs through none (RLNAS returns 0.0)
    net = nb201((3, 3, 3, 0, 0, 0))
    trained = train_like(net)
    assert angle(weights(net), trained) == 0.0
    assert angle(weights(net), trained, mode="exact") > 0


def test_nb201_supernet_subnets():
    torch.manual_seed(0)
    sup = NB201Supernet(c=C, n=1, num_classes=3, in_channels=1)
    initial_state = {k: v.clone() for k, v in sup.state_dict().items()}
    trained_sup = train_like(sup)
    codes = (3, 0, 1, 1, 4, 2)
    first, last = sup.subnet(codes, state=initial_state), trained_sup.subnet(codes)
    # non-affine cell BN: the same pieces as above
    def cell(w, i, width):
        conv3, conv1 = w[f"cells.{i}.edges.0.1.weight"], w[f"cells.{i}.edges.5.1.weight"]
        return [conv3, conv1, conv3, pool(width)]

    want = arccos(rlnas_nb201_vector(weights(first), cell), rlnas_nb201_vector(weights(last), cell))
    assert angle(first, last) == pytest.approx(want, abs=1e-10)
    with pytest.raises(ValueError, match="subnet"):
        angle(sup, trained_sup)


def test_exact_mode_is_the_all_parameter_angle():
    net = nb201((3, 2, 1, 4, 3, 2))
    initial, trained = weights(net), train_like(net, seed=3)
    names = [k for k, _ in net.named_parameters()]
    u = np.concatenate([initial[k].double().numpy().ravel() for k in names])
    v = np.concatenate([dict(trained.named_parameters())[k].detach().double().numpy().ravel() for k in names])
    want = np.arccos(np.clip(u @ v / np.sqrt((u @ u) * (v @ v)), -1, 1))
    assert angle(initial, trained, mode="exact") == pytest.approx(want, abs=1e-10)
    sub = names[:3]
    u3 = np.concatenate([initial[k].double().numpy().ravel() for k in sub])
    v3 = np.concatenate([dict(trained.named_parameters())[k].detach().double().numpy().ravel() for k in sub])
    assert angle(initial, trained, mode="exact", names=sub) == pytest.approx(arccos(u3, v3), abs=1e-10)


# DARTS: the same cell for normal and reduction; edge e feeds node 2 + e // 2
GENOTYPE_CELL = (("sep_conv_3x3", 0), ("skip_connect", 1), ("dil_conv_3x3", 0), ("max_pool_3x3", 2),
                 ("skip_connect", 2), ("avg_pool_3x3", 3), ("sep_conv_5x5", 1), ("dil_conv_5x5", 4))
# every path from state 0 or 1 to every intermediate node 2..5, as edge indices
DARTS_PATHS = (
    (0,), (1,),                                              # node 2
    (2,), (0, 3), (1, 3),                                    # node 3
    (0, 4), (1, 4), (2, 5), (0, 3, 5), (1, 3, 5),            # node 4
    (6,), (0, 4, 7), (1, 4, 7), (2, 5, 7), (0, 3, 5, 7), (1, 3, 5, 7),  # node 5
)


def genas_darts_vector(model: DARTSNetwork, dil_bn=lambda bn: [bn.weight, bn.weight]) -> np.ndarray:
    """GeNAS ``get_arch_vector``: every cell's paths, then stem, preprocessing and classifier weight."""
    def op(cell, e, c):
        name, m = cell.edges[e][0], cell.ops[e]
        if name.startswith("sep_conv"):  # conv1..conv4, then bn1 weight, bias, bn2 weight, bias
            return [m[0][1].weight, m[0][2].weight, m[1][1].weight, m[1][2].weight,
                    m[0][3].weight, m[0][3].bias, m[1][3].weight, m[1][3].bias]
        if name.startswith("dil_conv"):  # two convs, then the BN weight in both slots (the published bug)
            return [m[1].weight, m[2].weight, *dil_bn(m[3])]
        if "pool" in name:
            return [pool(c)]
        if isinstance(m, FactorizedReduce):  # skip_connect at stride 2
            return [m.conv_1.weight, m.conv_2.weight, m.bn.weight, m.bn.bias]
        assert isinstance(m, nn.Identity)
        return [np.eye(c)]

    arch, extra = [], [model.stem[0].weight, model.stem[1].weight, model.stem[1].bias]
    for cell in model.cells:
        c = cell.preprocess1[1].weight.shape[0]
        p0 = cell.preprocess0
        extra += ([p0.conv_1.weight, p0.conv_2.weight, p0.bn.weight, p0.bn.bias] if isinstance(p0, FactorizedReduce)
                  else [p0[1].weight, p0[2].weight, p0[2].bias])
        extra += [cell.preprocess1[1].weight, cell.preprocess1[2].weight, cell.preprocess1[2].bias]
        for path in DARTS_PATHS:
            for e in path:
                arch += op(cell, e, c)
    return flat(arch + extra + [model.classifier.weight])


def test_darts_cells_path_by_path():
    genotype = Genotype(GENOTYPE_CELL, (2, 3, 4, 5), GENOTYPE_CELL, (2, 3, 4, 5))
    torch.manual_seed(0)
    # 3 layers: cell 0 normal (identity skip), cells 1, 2 reduction (FactorizedReduce skip; cell 2's
    # preprocess0 is a FactorizedReduce); C = 2, 4, 8
    net = DARTSNetwork(genotype, c=C, layers=3, num_classes=3, in_channels=1, auxiliary=True)
    trained = train_like(net, seed=4)
    want = arccos(genas_darts_vector(net), genas_darts_vector(trained))
    assert angle(net, trained) == pytest.approx(want, abs=1e-10)
    assert angle(weights(net), trained) == pytest.approx(want, abs=1e-10)
    # the dilated conv's BN weight twice (not weight + bias) is what makes this number
    other = arccos(genas_darts_vector(net, lambda bn: [bn.weight, bn.bias]),
                   genas_darts_vector(trained, lambda bn: [bn.weight, bn.bias]))
    assert abs(other - want) > 1e-6
    assert abs(angle(net, trained, mode="exact") - want) > 1e-6


# GeNAS config.paths: every path from state 0 or 1 to every node, as node lists
GENAS_PATHS = ([0, 2, 3, 4, 5], [0, 2, 3, 5], [0, 2, 4, 5], [0, 2, 5], [0, 3, 4, 5], [0, 3, 5], [0, 4, 5], [0, 5],
               [1, 2, 3, 4, 5], [1, 2, 3, 5], [1, 2, 4, 5], [1, 2, 5], [1, 3, 4, 5], [1, 3, 5], [1, 4, 5], [1, 5],
               [0, 2, 3, 4], [0, 2, 4], [0, 3, 4], [0, 4], [1, 2, 3, 4], [1, 2, 4], [1, 3, 4], [1, 4],
               [0, 2, 3], [0, 3], [1, 2, 3], [1, 3], [0, 2], [1, 2])


def genas_supernet_vector(model: DARTSSPOSSupernet, cand: np.ndarray) -> np.ndarray:
    """GeNAS ``get_arch_vector(model, normal_cand, reduction_cand)`` walked on the supernet itself: edge
    ``k + offset`` (offset = 2 + 3 + … up to node j) holds op ``cand[k + offset]``; a path through ``none`` is
    dropped; pooling = 1/9 kernel + its BN's weight and bias; identity skip = eye(C); dilated conv BN weight twice."""
    arch, extra = [], [model.stem[0].weight, model.stem[1].weight, model.stem[1].bias]
    for cell in model.cells:
        ops = cand[1] if cell.reduction else cand[0]
        p0 = cell.preprocess0
        extra += ([p0.conv_1.weight, p0.conv_2.weight, p0.bn.weight, p0.bn.bias] if isinstance(p0, FactorizedReduce)
                  else [p0[1].weight, p0[2].weight, p0[2].bias])
        extra += [cell.preprocess1[1].weight, cell.preprocess1[2].weight, cell.preprocess1[2].bias]
        c = cell.preprocess1[1].weight.shape[0]
        for path in GENAS_PATHS:
            pieces = []
            for k, j in zip(path[:-1], path[1:]):
                e = k + sum(range(2, j))
                name, m = SUPERNET_OPS[ops[e]], cell.edges[e].ops[ops[e]]
                if name == "none":
                    pieces = []
                    break
                if "pool" in name:
                    pieces += [pool(c), m[1].weight, m[1].bias]
                elif name == "skip_connect":
                    pieces += ([m.conv_1.weight, m.conv_2.weight, m.bn.weight, m.bn.bias]
                               if isinstance(m, FactorizedReduce) else [np.eye(c)])
                elif name.startswith("sep_conv"):
                    pieces += [m[0][1].weight, m[0][2].weight, m[1][1].weight, m[1][2].weight,
                               m[0][3].weight, m[0][3].bias, m[1][3].weight, m[1][3].bias]
                else:
                    pieces += [m[1].weight, m[2].weight, m[3].weight, m[3].weight]
            arch += pieces
    return flat(arch + extra + [model.classifier.weight])


def test_darts_spos_subnets_match_the_published_supernet_vector():
    torch.manual_seed(0)
    supernet = DARTSSPOSSupernet(c=2, layers=3, num_classes=3, in_channels=1)
    initial = {k: v.clone() for k, v in supernet.state_dict().items()}
    trained = train_like(supernet, seed=2)
    for cand in random_candidates(4, 3):
        want = arccos(genas_supernet_vector(supernet, cand), genas_supernet_vector(trained, cand))
        got = angle(trained.subnet(cand, state=initial), trained.subnet(cand))
        assert got == pytest.approx(want, abs=1e-10)


def test_errors():
    net = nb201((3, 0, 1, 1, 4, 2))
    initial, trained = weights(net), train_like(net)
    with pytest.raises(ValueError, match="mode must be one of"):
        angle(initial, trained, mode="paper")
    bad = dict(initial, **{"cells.0.edges.0.1.weight": torch.zeros(1, 1, 3, 3)})
    for mode in ANGLE_MODES:
        with pytest.raises(ValueError, match="shapes"):
            angle(bad, trained, mode=mode)
    missing = {k: v for k, v in initial.items() if k != "cells.2.edges.5.1.weight"}
    with pytest.raises(ValueError, match="missing"):
        angle(missing, trained)
    with pytest.raises(ValueError, match="nn.Module"):
        angle(initial, weights(trained))
    with pytest.raises(ValueError, match="cannot read the cell structure of Sequential"):
        angle(nn.Sequential(nn.Linear(2, 2)), nn.Sequential(nn.Linear(2, 2)))
    with pytest.raises(ValueError, match="different architectures"):
        angle(nb201((3, 0, 1, 1, 4, 1)), trained)
    with pytest.raises(ValueError, match="exact"):
        angle(initial, trained, names=["stem.0.weight"])
    with pytest.raises(ValueError, match="faithful"):
        angle(initial, trained, mode="exact", network=net)
    zero = {k: torch.zeros_like(v) for k, v in initial.items()}
    with pytest.raises(ValueError, match="all-zero"):
        angle(zero, trained, mode="exact")
    with pytest.raises(ValueError, match="all-zero"):
        angle(zero, {k: torch.zeros_like(v) for k, v in initial.items()}, network=nb201((3, 0, 0, 0, 1, 0)))
