"""NB201 supernet with α-weighted mixed operations, as DARTS searches NAS-Bench-201.

Mirrors ``TinyNetworkDarts`` of NAS-Bench-201's reference code (Dong & Yang, ICLR 2020): the
NB201 macro skeleton whose search cells hold, on each of their 6 edges, the softmax(α)-weighted
sum of the 5 NB201 operations (BatchNorm without affine parameters).  α has shape ``(6, 5)``:
one row per edge in :data:`~landscape.spaces.nb201.EDGES` order, one column per
:data:`~landscape.spaces.nb201.OPS` entry.  The discrete architecture takes the argmax op of each
edge (``none`` included), as DARTS-for-NB201 does.  Used by first-order DARTS and A²M
(:mod:`landscape.search.darts`).

The edge modules are laid out like :class:`~landscape.nn.supernet.NB201SupernetCell`'s
(``cells.<i>.edges.<edge>.<op>``), so a state dict without ``alphas`` loads into an
:class:`~landscape.nn.supernet.NB201Supernet` of the same size.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..spaces.nb201 import EDGES, N_EDGES, N_OPS, OPS, format_arch
from .nb201 import NB201Network, ResNetBlock
from .supernet import NB201SupernetCell

__all__ = ["NB201MixedCell", "NB201MixedSupernet"]

_NONE, _SKIP, _POOL = OPS.index("none"), OPS.index("skip_connect"), OPS.index("avg_pool_3x3")


class NB201MixedCell(NB201SupernetCell):
    """An NB201 search cell: node ``j`` = Σ_{i<j} Σ_o w_{(j,i),o} · o(node ``i``); the output is node 3.

    The sum is NB201's ``TinyNetworkDarts`` cell, computed with the parameter-free work done once per source
    node: ``none`` contributes exactly zero and is skipped, and the average pooling and the ReLU in front of
    each convolution are computed once per source node and shared by its outgoing edges (the pooling has no
    parameters here: input and output widths are equal).  The same function and gradients in fewer passes
    (``benchmarks/``: the α-supernet step ran 1.2× faster).
    """

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        """``weights``: softmax(α), one row of op weights per edge, shape ``(6, 5)``."""
        nodes, shared = [x], {}
        for j in range(1, 4):
            terms = []
            for e, (dst, src) in enumerate(EDGES):
                if dst == j:
                    terms += [w * self._op(k, op, nodes[src], src, shared)
                              for k, (w, op) in enumerate(zip(weights[e], self.edges[e])) if k != _NONE]
            nodes.append(sum(terms))
        return nodes[3]

    @staticmethod
    def _op(k: int, op: nn.Module, h: torch.Tensor, src: int, shared: dict) -> torch.Tensor:
        """Operation ``k`` on node ``src``'s output ``h``, parameter-free parts taken from ``shared``."""
        if k == _SKIP:
            return h
        if k == _POOL:
            if ("pool", src) not in shared:
                shared["pool", src] = op(h)
            return shared["pool", src]
        if ("relu", src) not in shared:
            shared["relu", src] = F.relu(h)
        return op[2](op[1](shared["relu", src]))  # ReLUConvBN without its ReLU


class NB201MixedSupernet(NB201Network):
    """The NB201 skeleton (C, N) with mixed-operation cells and architecture parameters ``alphas`` (6, 5).

    ``alphas`` is initialised as ``1e-3 · randn`` (DARTS) and registered as a parameter, so
    ``parameters()`` includes it; use :meth:`weight_parameters` and :meth:`arch_parameters` for
    the two optimisers of the bilevel search.
    """

    def __init__(self, c: int = 16, n: int = 5, num_classes: int = 10, in_channels: int = 3):
        super().__init__(lambda width: NB201MixedCell(width, affine=False), c, n, num_classes, in_channels)
        self.c, self.n, self.num_classes, self.in_channels = c, n, num_classes, in_channels
        self.alphas = nn.Parameter(1e-3 * torch.randn(N_EDGES, N_OPS))

    def arch_parameters(self) -> list[nn.Parameter]:
        """``[alphas]``."""
        return [self.alphas]

    def weight_parameters(self) -> list[nn.Parameter]:
        """All parameters except α."""
        return [p for p in self.parameters() if p is not self.alphas]

    def _alphas(self, alphas: torch.Tensor | Sequence[torch.Tensor] | None) -> torch.Tensor:
        if alphas is None:
            return self.alphas
        shape = tuple(self.alphas.shape)
        alpha = alphas[0] if isinstance(alphas, (list, tuple)) and len(alphas) == 1 else alphas
        if not isinstance(alpha, torch.Tensor) or tuple(alpha.shape) != shape:
            got = tuple(alpha.shape) if isinstance(alpha, torch.Tensor) else type(alpha).__name__
            raise ValueError(f"alphas must be a tensor of shape {shape} or a one-element list of one (as "
                             f"arch_parameters() returns), got {got}")
        return alpha

    def forward(self, x: torch.Tensor, alphas: torch.Tensor | Sequence[torch.Tensor] | None = None) -> torch.Tensor:
        """Logits with the module's α, or with ``alphas`` (a ``(6, 5)`` tensor or ``[tensor]``) in its place.

        The override is used functionally (the module is not modified) and gradients flow into
        it, so an optimiser can evaluate the loss at perturbed α (A²M).
        """
        weights = F.softmax(self._alphas(alphas), dim=-1)
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x) if isinstance(cell, ResNetBlock) else cell(x, weights)
        return self.classifier(self.global_pooling(self.lastact(x)).flatten(1))

    def arch(self, alphas: torch.Tensor | Sequence[torch.Tensor] | None = None) -> str:
        """The NB201 architecture string of α (or of ``alphas``): the argmax op of each edge, ``none`` included."""
        return str(format_arch(self._alphas(alphas).detach().argmax(dim=-1).cpu().numpy()))
