"""The single-path one-shot (SPOS) supernet of the DARTS space, as GeNAS trains it (from RLNAS).

Published code (GeNAS ``train_supernet/super_model.py``, copied from RLNAS
``darts_search_space/cifar10/rlnas``): ``layers`` cells (8), reduction cells at ``layers // 3`` and
``2 * layers // 3``, stem 3×3 conv to 3C + BN; every cell has all 14 edges of DARTS' search cell
(:data:`~landscape.spaces.darts.SUPERNET_EDGES`), each holding all 8 :data:`~landscape.spaces.darts.SUPERNET_OPS`
(``none`` included) with **affine** BN, pooling followed by an affine BN.  A forward pass takes one candidate
(:func:`~landscape.spaces.darts.genotype_to_candidate`: one op index per edge and cell type, ``none`` on the
unused edges) and runs only the chosen op of every edge; all normal cells share the normal half of the
candidate and both reduction cells the reduce half, their weights stay separate.

>>> from landscape.spaces.darts import DARTS_V2, genotype_to_candidate
>>> net = DARTSSPOSSupernet(c=4, layers=3)
>>> net(torch.zeros(2, 3, 32, 32), genotype_to_candidate(DARTS_V2)).shape
torch.Size([2, 10])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from ..spaces.darts import (N_NODES, SUPERNET_EDGES, SUPERNET_OPS, as_candidate, candidate_to_genotype,
                            check_candidate, format_genotype)
from ..validation import check_int
from .darts import DARTSNetwork, cell_preprocess, search_skeleton, supernet_edge_ops, supernet_op

__all__ = ["ChoiceEdge", "SPOSCell", "DARTSSPOSSupernet"]


class ChoiceEdge(nn.Module):
    """One supernet edge: all 8 operations; ``forward(x, op)`` runs operation ``op`` only."""

    def __init__(self, c: int, stride: int):
        super().__init__()
        self.ops = supernet_edge_ops(c, stride, affine=True)

    def forward(self, x: torch.Tensor, op: int) -> torch.Tensor:
        return self.ops[op](x)


class SPOSCell(nn.Module):
    """A supernet cell: node ``2 + i`` = Σ over its inputs ``j`` of the candidate's op on edge ``(2 + i, j)``."""

    def __init__(self, c_prev_prev: int, c_prev: int, c: int, reduction: bool, reduction_prev: bool,
                 multiplier: int = N_NODES):
        super().__init__()
        self.reduction, self.multiplier = reduction, multiplier
        self.preprocess0, self.preprocess1 = cell_preprocess(c_prev_prev, c_prev, c, reduction_prev, affine=True)
        self.edges = nn.ModuleList(ChoiceEdge(c, 2 if reduction and j < 2 else 1) for _, j in SUPERNET_EDGES)

    def forward(self, s0: torch.Tensor, s1: torch.Tensor, ops: Sequence[int]) -> torch.Tensor:
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for node in range(2, 2 + N_NODES):
            states.append(sum(self.edges[e](states[j], ops[e]) for e, (dst, j) in enumerate(SUPERNET_EDGES)
                              if dst == node and ops[e] > 0))
        return torch.cat(states[-self.multiplier:], dim=1)


class DARTSSPOSSupernet(nn.Module):
    """The DARTS-space SPOS supernet (published: C = 16, 8 cells); ``forward(x, candidate)`` runs one path.

    Unused edges (``none``) are skipped rather than multiplied by zero: the output is the same as the published
    ``Zero`` op's, and no work is spent on them.
    """

    def __init__(self, c: int = 16, layers: int = 8, num_classes: int = 10, in_channels: int = 3):
        super().__init__()
        for name, value in dict(C=c, layers=layers, num_classes=num_classes, in_channels=in_channels).items():
            check_int(value, name, 1)
        self.c, self.layers, self.num_classes, self.in_channels = c, layers, num_classes, in_channels
        self.stem, self.cells, c_prev = search_skeleton(c, layers, in_channels, N_NODES, SPOSCell)
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x: torch.Tensor, candidate: Sequence | np.ndarray | None = None) -> torch.Tensor:
        """Logits of the sub-network ``candidate`` (shape ``(2, 14)``: normal, reduce)."""
        if candidate is None:
            raise ValueError("a supernet forward pass needs a candidate: supernet(x, genotype_to_candidate(g))")
        normal, reduce = (row.tolist() for row in check_candidate(candidate))
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, reduce if cell.reduction else normal)
        return self.classifier(self.global_pooling(s1).flatten(1))

    @staticmethod
    def name(arch: Any) -> str:
        """The canonical genotype string of ``arch`` (a candidate or a genotype): one name per sub-network."""
        return format_genotype(candidate_to_genotype(as_candidate(arch)))

    def subnet(self, arch: Any, state: Mapping[str, torch.Tensor] | None = None) -> DARTSNetwork:
        """The stand-alone :class:`~landscape.nn.darts.DARTSNetwork` of ``arch`` (a candidate ``(2, 14)`` or a
        genotype) carrying this supernet's weights (or ``state``'s, a supernet ``state_dict`` snapshot such as the
        initial weights).  Its operations are the supernet's (affine BN, pooling followed by a BN), so its output
        equals ``self(x, arch)``; :func:`~landscape.flatness.weight_angle.angle` reads its cells path by path."""
        cand = as_candidate(arch)
        net = DARTSNetwork(candidate_to_genotype(cand), c=self.c, layers=self.layers, num_classes=self.num_classes,
                           in_channels=self.in_channels)
        where: dict[str, str] = {}  # sub-network module prefix -> supernet module prefix
        for i, cell in enumerate(net.cells):
            c = cell.preprocess1[1].out_channels
            for k, (op, src) in enumerate(cell.edges):
                e = SUPERNET_EDGES.index((2 + k // 2, src))
                cell.ops[k] = supernet_op(op, c, 2 if cell.reduction and src < 2 else 1, affine=True)
                where[f"cells.{i}.ops.{k}."] = f"cells.{i}.edges.{e}.ops.{SUPERNET_OPS.index(op)}."
        source = self.state_dict() if state is None else state
        mapped = {}
        for name in net.state_dict():
            prefix = ".".join(name.split(".")[:4]) + "."
            key = where[prefix] + name[len(prefix):] if prefix in where else name
            if key not in source:
                raise ValueError(f"supernet state has no entry {key!r} for sub-network parameter {name!r}")
            mapped[name] = source[key]
        net.load_state_dict(mapped)
        return net.to(next(self.parameters()).device)
