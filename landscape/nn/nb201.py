"""NB201 networks: the cell and the macro skeleton (``infer.tiny``: C = 16, N = 5 in the benchmark).

Stem (3×3 conv + BN) → N cells at C channels → residual reduction block → N cells at 2C →
reduction → N cells at 4C → BN + ReLU → global average pool → linear classifier, as in
NAS-Bench-201's ``TinyNetwork``.  :func:`create_network` builds one by name.
"""

from __future__ import annotations

import torch
from torch import nn

from ..spaces.nb201 import EDGES, OPS, arch_codes
from ..validation import check_int
from .ops import NB201_OPS, ReLUConvBN, make_op

__all__ = ["NB201Cell", "ResNetBlock", "NB201Network"]


class NB201Cell(nn.Module):
    """One NB201 cell: node ``j`` = Σ_{i<j} op_{j,i}(node ``i``); the output is node 3."""

    def __init__(self, arch, c: int, affine: bool = True):
        super().__init__()
        self.codes = arch_codes(arch)
        self.edges = nn.ModuleList(make_op(NB201_OPS, OPS[k], c, c, 1, affine) for k in self.codes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for j in range(1, 4):
            nodes.append(sum(self.edges[e](nodes[src]) for e, (dst, src) in enumerate(EDGES) if dst == j))
        return nodes[3]


class ResNetBlock(nn.Module):
    """NB201's residual reduction block: two 3×3 ReLUConvBN (the first with stride 2) + pooled 1×1 shortcut."""

    def __init__(self, c_in: int, c_out: int, stride: int = 2, affine: bool = True):
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride, 1, affine=affine)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1, affine=affine)
        if stride == 2:
            self.downsample = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))
        elif c_in != c_out:
            self.downsample = ReLUConvBN(c_in, c_out, 1, 1, 0, affine=affine)
        else:
            self.downsample = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x if self.downsample is None else self.downsample(x)
        return residual + self.conv_b(self.conv_a(x))


class NB201Network(nn.Module):
    """The NB201 macro skeleton around a cell factory (``cell(c) -> nn.Module``)."""

    def __init__(self, cell, c: int = 16, n: int = 5, num_classes: int = 10, in_channels: int = 3):
        super().__init__()
        for name, value in (("C", c), ("N", n), ("num_classes", num_classes), ("in_channels", in_channels)):
            check_int(value, name, 1)
        self.stem = nn.Sequential(nn.Conv2d(in_channels, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        cells: list[nn.Module] = []
        c_prev = c
        for stage, width in enumerate((c, 2 * c, 4 * c)):
            if stage:
                cells.append(ResNetBlock(c_prev, width, 2))
            cells.extend(cell(width) for _ in range(n))
            c_prev = width
        self.cells = nn.ModuleList(cells)
        self.lastact = nn.Sequential(nn.BatchNorm2d(c_prev), nn.ReLU(inplace=False))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x)
        return self.global_pooling(self.lastact(x)).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))

    def search_cell_parameters(self) -> list[str]:
        """Names of the parameters inside the searched cells (not stem, reduction blocks or classifier)."""
        return [n for n, _ in self.named_parameters() if n.startswith("cells.")
                and not isinstance(self.cells[int(n.split(".")[1])], ResNetBlock)]
