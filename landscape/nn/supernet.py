"""NB201 single-path one-shot supernet (SPOS, Guo et al. 2020), as trained by RLNAS and GeNAS.

Every edge of every search cell holds all five NB201 operations (BatchNorm without affine
parameters, as in SPOS/RLNAS supernets); a forward pass takes one architecture and runs only
its path.  :meth:`NB201Supernet.subnet` builds the stand-alone :class:`NB201Network` of one
architecture and copies its weights out of the supernet (optionally from an earlier snapshot,
e.g. the initial weights that the angle of GeNAS Eq. 8 compares against).

The DARTS-space supernet with α-weighted mixed operations is :class:`landscape.nn.darts.DARTSSupernet`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from ..spaces.nb201 import EDGES, N_OPS, OPS, arch_codes, format_arch
from ..validation import check_int, check_random_state
from .nb201 import NB201Cell, NB201Network, ResNetBlock
from .ops import NB201_OPS, make_op
from .speed import is_channels_last

__all__ = ["NB201SupernetCell", "NB201Supernet", "sample_architectures"]


class NB201SupernetCell(nn.Module):
    """An NB201 cell with all five operations on each of its six edges."""

    def __init__(self, c: int, affine: bool = False):
        super().__init__()
        self.edges = nn.ModuleList(
            nn.ModuleList(make_op(NB201_OPS, op, c, c, 1, affine) for op in OPS) for _ in EDGES
        )

    def forward(self, x: torch.Tensor, codes: tuple[int, ...]) -> torch.Tensor:
        nodes = [x]
        for j in range(1, 4):
            nodes.append(sum(self.edges[e][codes[e]](nodes[src]) for e, (dst, src) in enumerate(EDGES) if dst == j))
        return nodes[3]


class NB201Supernet(NB201Network):
    """The NB201 macro skeleton (C, N) with supernet cells; ``forward(x, arch)`` runs one path."""

    def __init__(self, c: int = 16, n: int = 5, num_classes: int = 10, in_channels: int = 3, affine: bool = False):
        self.affine = affine
        super().__init__(lambda width: NB201SupernetCell(width, affine), c, n, num_classes, in_channels)
        self.c, self.n, self.num_classes, self.in_channels = c, n, num_classes, in_channels

    def forward(self, x: torch.Tensor, arch=None) -> torch.Tensor:  # type: ignore[override]
        if arch is None:
            raise ValueError("a supernet forward pass needs an architecture: supernet(x, arch)")
        codes = arch_codes(arch)
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x) if isinstance(cell, ResNetBlock) else cell(x, codes)
        return self.classifier(self.global_pooling(self.lastact(x)).flatten(1))

    @staticmethod
    def name(arch) -> str:
        """The official string of ``arch`` (a string or op codes): one name per sub-network."""
        return format_arch(arch_codes(arch))

    def subnet(self, arch, state: Mapping[str, torch.Tensor] | None = None) -> NB201Network:
        """The stand-alone network of ``arch`` carrying this supernet's weights (or ``state``'s).

        ``state`` is a supernet ``state_dict`` snapshot (e.g. taken before training).  The sub-network is on the
        supernet's device, in its memory format (NHWC for a supernet trained with ``channels_last``).
        """
        codes = arch_codes(arch)
        net = NB201Network(lambda width: NB201Cell(codes, width, self.affine), self.c, self.n, self.num_classes,
                           self.in_channels)
        source = self.state_dict() if state is None else state
        mapped = {}
        for name in net.state_dict():
            parts = name.split(".")
            if parts[0] == "cells" and parts[2] == "edges" and not isinstance(self.cells[int(parts[1])], ResNetBlock):
                parts.insert(4, str(codes[int(parts[3])]))
            key = ".".join(parts)
            if key not in source:
                raise ValueError(f"supernet state has no entry {key!r} for sub-network parameter {name!r}")
            mapped[name] = source[key]
        net.load_state_dict(mapped)
        net.to(next(self.parameters()).device)
        return net.to(memory_format=torch.channels_last) if is_channels_last(self) else net


def sample_architectures(n: int, random_state: int | np.random.Generator | None = None) -> np.ndarray:
    """``n`` uniformly random NB201 op-code rows (SPOS's uniform path sampling), shape ``(n, 6)``."""
    return check_random_state(random_state).integers(0, N_OPS, size=(check_int(n, "n", 1), len(EDGES)))
