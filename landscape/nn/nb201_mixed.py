"""NB201 supernet with α-weighted mixed operations, as DARTS searches NAS-Bench-201.

Mirrors ``TinyNetworkDarts`` of NAS-Bench-201's reference code (Dong & Yang, ICLR 2020): the
NB201 macro skeleton whose search cells hold, on each of their 6 edges, the softmax(α)-weighted
sum of the 5 NB201 operations (BatchNorm without affine parameters).  α has shape ``(6, 5)``:
one row per edge in :data:`~landscape.spaces.nb201.EDGES` order, one column per
:data:`~landscape.spaces.nb201.OPS` entry.  The discrete architecture takes the argmax op of each
edge (``none`` included), as DARTS-for-NB201 does.  Used by first-order DARTS and A²M
(:mod:`landscape.search.gradient`).

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
from ..validation import check_choice, check_int
from .nb201 import NB201Network, ResNetBlock
from .supernet import NB201SupernetCell

__all__ = ["NB201MixedCell", "NB201MixedSupernet", "AUX_SOURCES", "channel_shuffle"]

_NONE, _SKIP, _POOL = OPS.index("none"), OPS.index("skip_connect"), OPS.index("avg_pool_3x3")


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """Interleave ``groups`` equal channel groups (ShuffleNet; PC-DARTS after its partial-channel cell)."""
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


class NB201MixedCell(NB201SupernetCell):
    """An NB201 search cell: node ``j`` = Σ_{i<j} Σ_o w_{(j,i),o} · o(node ``i``); the output is node 3.

    The sum is NB201's ``TinyNetworkDarts`` cell, computed with the parameter-free work done once per source
    node: ``none`` contributes exactly zero and is skipped, and the average pooling and the ReLU in front of
    each convolution are computed once per source node and shared by its outgoing edges (the pooling has no
    parameters here: input and output widths are equal).  The same function and gradients in fewer passes
    (``benchmarks/``: the α-supernet step ran 1.2× faster).

    ``partial`` > 1 is the A²M code's PC-DARTS cell: the cell runs on the first ``c / partial`` channels of its
    input (operations ``partial`` times narrower), the other channels bypass it, and the two are concatenated
    and channel-shuffled in ``partial`` groups.  ``aux`` > 0 is DARTS−'s auxiliary skip connection, ``aux · x``
    added on every edge, ``x`` the cell input (``aux_source="cell"``, the A²M code) or the edge's own input
    (``"edge"``, the DARTS− paper).
    """

    def __init__(self, c: int, affine: bool = False, partial: int = 1):
        if c % partial:
            raise ValueError(f"partial channels: {partial} must divide the cell width {c}")
        super().__init__(c // partial, affine)
        self.partial, self.width = partial, c // partial

    def forward(self, x: torch.Tensor, weights: torch.Tensor, aux: float = 0.0,  # type: ignore[override]
                aux_source: str = "cell") -> torch.Tensor:
        """``weights``: one row of op weights per edge (softmax(α)), shape ``(6, 5)``."""
        if self.partial == 1:
            return self._dag(x, weights, aux, aux_source)
        out = self._dag(x[:, :self.width], weights, aux, aux_source)
        return channel_shuffle(torch.cat([out, x[:, self.width:]], dim=1), self.partial)

    def _dag(self, x: torch.Tensor, weights: torch.Tensor, aux: float, aux_source: str) -> torch.Tensor:
        nodes, shared = [x], {}
        for j in range(1, 4):
            terms = []
            for e, (dst, src) in enumerate(EDGES):
                if dst == j:
                    terms += [w * self._op(k, op, nodes[src], src, shared)
                              for k, (w, op) in enumerate(zip(weights[e], self.edges[e])) if k != _NONE]
                    if aux:
                        terms.append(aux * (x if aux_source == "cell" else nodes[src]))
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


#: Where DARTS−'s auxiliary skip connection takes its input: the cell input (A²M code) or the edge's input (paper).
AUX_SOURCES: tuple[str, ...] = ("cell", "edge")


class NB201MixedSupernet(NB201Network):
    """The NB201 skeleton (C, N) with mixed-operation cells and architecture parameters ``alphas`` (6, 5).

    ``alphas`` is initialised as ``1e-3 · randn`` (DARTS) and registered as a parameter, so
    ``parameters()`` includes it; use :meth:`weight_parameters` and :meth:`arch_parameters` for
    the two optimisers of the bilevel search.  ``partial_channels`` > 1 builds the PC-DARTS cells of the A²M
    code (:class:`NB201MixedCell`); :attr:`aux_skip` (default 0) is DARTS−'s auxiliary skip coefficient, which
    a search loop sets as it decays, with :attr:`aux_source` saying where the skip takes its input.
    """

    def __init__(self, c: int = 16, n: int = 5, num_classes: int = 10, in_channels: int = 3,
                 partial_channels: int = 1):
        check_int(partial_channels, "partial_channels", 1)
        super().__init__(lambda width: NB201MixedCell(width, affine=False, partial=partial_channels), c, n,
                         num_classes, in_channels)
        self.c, self.n, self.num_classes, self.in_channels = c, n, num_classes, in_channels
        self.partial_channels = partial_channels
        self.alphas = nn.Parameter(1e-3 * torch.randn(N_EDGES, N_OPS))
        self.aux_skip, self.aux_source = 0.0, "cell"

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

    def forward(self, x: torch.Tensor, alphas: torch.Tensor | Sequence[torch.Tensor] | None = None, *,
                weights: torch.Tensor | None = None) -> torch.Tensor:
        """Logits with the module's α, or with ``alphas`` (a ``(6, 5)`` tensor or ``[tensor]``) in its place, or
        with op ``weights`` given directly (``(6, 5)``, used as they are: SDARTS perturbs softmax(α)).

        The override is used functionally (the module is not modified) and gradients flow into
        it, so an optimiser can evaluate the loss at perturbed α (A²M).
        """
        if weights is None:
            weights = F.softmax(self._alphas(alphas), dim=-1)
        elif tuple(weights.shape) != tuple(self.alphas.shape):
            raise ValueError(f"weights must have shape {tuple(self.alphas.shape)}, got {tuple(weights.shape)}")
        check_choice(self.aux_source, "aux_source", AUX_SOURCES)
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x) if isinstance(cell, ResNetBlock) else cell(x, weights, self.aux_skip, self.aux_source)
        return self.classifier(self.global_pooling(self.lastact(x)).flatten(1))

    def arch(self, alphas: torch.Tensor | Sequence[torch.Tensor] | None = None, *, exclude_none: bool = False) -> str:
        """The NB201 architecture string of α (or of ``alphas``): the argmax op of each edge, ``none`` included
        (NB201's derivation), or with ``exclude_none`` the argmax over the other four (DARTS's derivation)."""
        alpha = self._alphas(alphas).detach()
        if exclude_none:
            alpha = alpha.clone()
            alpha[:, _NONE] = -torch.inf
        return str(format_arch(alpha.argmax(dim=-1).cpu().numpy()))
