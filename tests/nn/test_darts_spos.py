"""The DARTS-space SPOS supernet: one path per forward pass, as the published GeNAS/RLNAS supernet."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape.nn.darts_spos import DARTSSPOSSupernet
from landscape.nn.rng import torch_seed
from landscape.spaces.darts import DARTS_V2, PC_DARTS, SUPERNET_EDGES, SUPERNET_OPS, genotype_to_candidate


@pytest.fixture(scope="module")
def net():
    with torch_seed(0):
        return DARTSSPOSSupernet(c=4, layers=3).eval()


def chosen(cell, ops) -> set[str]:
    """Parameter-name prefixes of the ops a candidate runs in one cell (published: op index per edge)."""
    return {f"edges.{e}.ops.{op}." for e, op in enumerate(ops) if op > 0}


def test_only_the_candidates_path_is_run(net):
    cand = genotype_to_candidate(DARTS_V2)
    x = torch.randn(2, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    before = net(x, cand)
    state = {k: v.clone() for k, v in net.state_dict().items()}
    with torch.no_grad():
        for i, cell in enumerate(net.cells):
            ops = cand[1] if cell.reduction else cand[0]
            for name, p in cell.named_parameters():
                if name.startswith("edges.") and not any(name.startswith(c) for c in chosen(cell, ops)):
                    p.add_(1.0)  # every weight off the path
        assert torch.allclose(net(x, cand), before)
        next(net.cells[0].edges[0].ops[int(cand[0][0])].parameters()).add_(1.0)
        assert not torch.allclose(net(x, cand), before)  # a weight on the path matters
    net.load_state_dict(state)


def test_gradients_reach_only_the_chosen_ops_and_cells_share_their_half(net):
    cand = genotype_to_candidate(PC_DARTS)
    net.zero_grad(set_to_none=True)
    net(torch.randn(2, 3, 16, 16), cand).sum().backward()
    for cell in net.cells:
        ops = cand[1] if cell.reduction else cand[0]
        for name, p in cell.named_parameters():
            if name.startswith("edges."):
                on_path = any(name.startswith(c) for c in chosen(cell, ops))
                assert (p.grad is not None) == on_path, name
    net.zero_grad(set_to_none=True)


def test_published_structure():
    net = DARTSSPOSSupernet(c=16, layers=8)
    assert [i for i, cell in enumerate(net.cells) if cell.reduction] == [2, 5]
    assert len(net.cells[0].edges) == len(SUPERNET_EDGES) == 14
    assert all(len(edge.ops) == len(SUPERNET_OPS) == 8 for cell in net.cells for edge in cell.edges)
    bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert bns and all(m.affine for m in bns)  # the DARTS-space supernet's BN is affine (published)
    assert net.stem[0].out_channels == 48 and net.classifier.in_features == 4 * 64


@pytest.mark.parametrize("bad, message", [
    (None, "needs a candidate"),
    (np.zeros((2, 8), dtype=int), r"shape \(2, 14\)"),
    (np.ones((2, 14), dtype=int), "normal cell, node 3: 3 active inputs"),
])
def test_bad_candidates_are_clear_errors(net, bad, message):
    with pytest.raises(ValueError, match=message):
        net(torch.zeros(1, 3, 8, 8), bad)


def test_subnet_is_the_supernet_path_with_its_weights(net):
    from landscape.nn.darts import DARTSNetwork
    from landscape.spaces.darts import candidate_to_genotype, format_genotype, random_candidates

    x = torch.randn(3, 3, 16, 16, generator=torch.Generator().manual_seed(2))
    initial = {k: torch.zeros_like(v) if k.endswith("weight") else v for k, v in net.state_dict().items()}
    for cand in [*random_candidates(3, 5), genotype_to_candidate(DARTS_V2)]:
        sub = net.subnet(cand).eval()
        assert isinstance(sub, DARTSNetwork) and sub.genotype == candidate_to_genotype(cand)
        torch.testing.assert_close(sub(x), net(x, cand), rtol=0, atol=0)
        assert net.subnet(format_genotype(sub.genotype)).state_dict().keys() == sub.state_dict().keys()
        assert net.name(cand) == format_genotype(candidate_to_genotype(cand)) == net.name(sub.genotype)
        zeroed = net.subnet(cand, state=initial)
        assert all(float(p.detach().abs().sum()) == 0 for k, p in zeroed.named_parameters() if k.endswith("weight"))
    with pytest.raises(ValueError, match="no entry"):
        net.subnet(genotype_to_candidate(DARTS_V2), state={})
