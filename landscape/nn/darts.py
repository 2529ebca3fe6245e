"""DARTS networks (Liu, Simonyan & Yang, ICLR 2019): a genotype's evaluation network and the search supernet.

:class:`DARTSNetwork` mirrors DARTS' ``NetworkCIFAR`` (``model.py``): stem (3×3 conv to 3C + BN) →
``layers`` cells, reduction cells (stride 2, channels doubled) at ``layers // 3`` and
``2 * layers // 3`` → global average pool → linear classifier, with an optional auxiliary head.
:class:`DARTSSupernet` mirrors the search ``Network`` (``model_search.py``): every one of a cell's
14 edges is a softmax(α)-weighted mixture of :data:`~landscape.spaces.darts.SUPERNET_OPS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..spaces.darts import CONCAT, N_EDGES, SUPERNET_OPS, Genotype, as_cell, as_genotype, format_genotype
from ..validation import check_int
from .ops import DARTS_OPS, FactorizedReduce, ReLUConvBN, make_op

__all__ = ["drop_path", "DARTSCell", "AuxiliaryHeadCIFAR", "DARTSNetwork", "supernet_op", "supernet_edge_ops", "cell_preprocess",
           "search_skeleton", "MixedOp", "SearchCell", "DARTSSupernet"]


def drop_path(x: torch.Tensor, drop_prob: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Zero whole samples with probability ``drop_prob`` and scale the rest by ``1 / (1 - drop_prob)``
    (DARTS ``utils.drop_path``, not in place); ``generator`` seeds the mask."""
    keep = 1.0 - drop_prob
    mask = torch.empty(x.shape[0], 1, 1, 1, dtype=x.dtype, device=x.device).bernoulli_(keep, generator=generator)
    return x * mask / keep


class DARTSCell(nn.Module):
    """One DARTS cell (``model.py``'s ``Cell``): node ``j`` = op_a(state a) + op_b(state b), output = concat.

    ``edges`` are the cell's 8 ``(op, input)`` pairs (``genotype.normal`` or ``genotype.reduce``);
    ``concat`` the nodes (2..5) concatenated into the output.  State 0 (``c_{k-2}``) is preprocessed by
    a FactorizedReduce when the previous cell reduced, else a 1×1 ReLUConvBN; state 1 by a 1×1
    ReLUConvBN.  In a reduction cell the ops on states 0 and 1 have stride 2.
    """

    def __init__(self, edges: Sequence[tuple[str, int]], concat: Sequence[int], c_prev_prev: int, c_prev: int,
                 c: int, reduction: bool, reduction_prev: bool):
        super().__init__()
        self.edges = as_cell(edges)
        concat = tuple(concat)
        if not concat or len(set(concat)) != len(concat) or not set(concat) <= set(CONCAT):
            raise ValueError(f"concat must list distinct nodes among {list(CONCAT)}, got {concat!r}")
        self.concat, self.multiplier, self.reduction = concat, len(concat), bool(reduction)
        self.preprocess0 = (FactorizedReduce(c_prev_prev, c) if reduction_prev
                            else ReLUConvBN(c_prev_prev, c, 1, 1, 0))
        self.preprocess1 = ReLUConvBN(c_prev, c, 1, 1, 0)
        self.ops = nn.ModuleList(make_op(DARTS_OPS, op, c, c, 2 if reduction and src < 2 else 1)
                                 for op, src in self.edges)

    def forward(self, s0: torch.Tensor, s1: torch.Tensor, drop_prob: float = 0.0,
                generator: torch.Generator | None = None) -> torch.Tensor:
        """Drop-path (``drop_prob`` > 0) applies in training mode only, never to identity ops, as in DARTS."""
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for k in range(0, N_EDGES, 2):
            node = []
            for op, (_, src) in zip(self.ops[k:k + 2], self.edges[k:k + 2]):
                h = op(states[src])
                if self.training and drop_prob > 0 and not isinstance(op, nn.Identity):
                    h = drop_path(h, drop_prob, generator)
                node.append(h)
            states.append(node[0] + node[1])
        return torch.cat([states[i] for i in self.concat], dim=1)


class AuxiliaryHeadCIFAR(nn.Module):
    """DARTS' auxiliary classifier for an 8×8 feature map (32×32 CIFAR input)."""

    def __init__(self, c: int, num_classes: int):
        super().__init__()
        self.features = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.AvgPool2d(5, stride=3, padding=0, count_include_pad=False),  # 8×8 → 2×2
            nn.Conv2d(c, 128, 1, bias=False),
            nn.BatchNorm2d(128),
            nn.ReLU(inplace=True),
            nn.Conv2d(128, 768, 2, bias=False),
            nn.BatchNorm2d(768),
            nn.ReLU(inplace=True),
        )
        self.classifier = nn.Linear(768, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).flatten(1))


class DARTSNetwork(nn.Module):
    """The CIFAR evaluation network of a genotype (DARTS ``NetworkCIFAR``; C = 36, 20 layers in the paper).

    ``forward`` returns the logits, or ``(logits, aux_logits)`` in training mode when
    ``auxiliary=True`` (the head reads the output of cell ``2 * layers // 3`` and assumes 32×32
    input).  ``drop_path_prob`` (settable, as DARTS' training loop does per epoch) applies
    drop-path inside the cells in training mode.
    """

    def __init__(self, genotype: Genotype | str, c: int = 16, layers: int = 8, num_classes: int = 10,
                 in_channels: int = 3, auxiliary: bool = False, drop_path_prob: float = 0.0):
        super().__init__()
        for name, value in dict(C=c, layers=layers, num_classes=num_classes, in_channels=in_channels).items():
            check_int(value, name, 1)
        if not isinstance(auxiliary, bool):
            raise ValueError(f"auxiliary must be a bool, got {auxiliary!r}")
        self.genotype = g = as_genotype(genotype)
        self.drop_path_prob = drop_path_prob
        self.reduction_layers = tuple(sorted({layers // 3, 2 * layers // 3}))
        self._aux_layer = 2 * layers // 3
        c_curr = 3 * c
        self.stem = nn.Sequential(nn.Conv2d(in_channels, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
        c_prev_prev, c_prev, c_curr = c_curr, c_curr, c
        cells, reduction_prev = [], False
        for i in range(layers):
            reduction = i in self.reduction_layers
            c_curr *= 2 if reduction else 1
            edges, concat = (g.reduce, g.reduce_concat) if reduction else (g.normal, g.normal_concat)
            cells.append(DARTSCell(edges, concat, c_prev_prev, c_prev, c_curr, reduction, reduction_prev))
            reduction_prev = reduction
            c_prev_prev, c_prev = c_prev, cells[-1].multiplier * c_curr
            if i == self._aux_layer:
                c_aux = c_prev
        self.cells = nn.ModuleList(cells)
        self.auxiliary_head = AuxiliaryHeadCIFAR(c_aux, num_classes) if auxiliary else None
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    @property
    def drop_path_prob(self) -> float:
        return self._drop_path_prob

    @drop_path_prob.setter
    def drop_path_prob(self, p: float) -> None:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
            raise ValueError(f"drop_path_prob must be a number in [0, 1), got {p!r}")
        self._drop_path_prob = float(p)

    def forward(self, x: torch.Tensor,
                generator: torch.Generator | None = None) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """Logits (and auxiliary logits, see the class docstring); ``generator`` seeds drop-path masks."""
        aux = None
        s0 = s1 = self.stem(x)
        for i, cell in enumerate(self.cells):
            s0, s1 = s1, cell(s0, s1, self._drop_path_prob, generator)
            if i == self._aux_layer and self.auxiliary_head is not None and self.training:
                aux = self.auxiliary_head(s1)
        logits = self.classifier(self.global_pooling(s1).flatten(1))
        return logits if aux is None else (logits, aux)

    def search_cell_parameters(self) -> list[str]:
        """Names of the parameters inside the cells (not stem, auxiliary head or classifier)."""
        return [n for n, _ in self.named_parameters() if n.startswith("cells.")]


def supernet_op(name: str, c: int, stride: int, affine: bool) -> nn.Module:
    """One operation of a supernet edge: pooling is followed by a BN (DARTS ``model_search.py``'s ``MixedOp``;
    ``affine=False`` there, ``True`` in the GeNAS/RLNAS SPOS supernet)."""
    op = make_op(DARTS_OPS, name, c, c, stride, affine=affine)
    return nn.Sequential(op, nn.BatchNorm2d(c, affine=affine)) if "pool" in name else op


def supernet_edge_ops(c: int, stride: int, affine: bool) -> nn.ModuleList:
    """All 8 :data:`SUPERNET_OPS` of one supernet edge (:func:`supernet_op`)."""
    return nn.ModuleList(supernet_op(name, c, stride, affine) for name in SUPERNET_OPS)


def cell_preprocess(c_prev_prev: int, c_prev: int, c: int, reduction_prev: bool, affine: bool
                    ) -> tuple[nn.Module, nn.Module]:
    """A search cell's two input projections to ``c`` channels (a factorized reduction after a reduction cell)."""
    pre0 = (FactorizedReduce(c_prev_prev, c, affine=affine) if reduction_prev
            else ReLUConvBN(c_prev_prev, c, 1, 1, 0, affine=affine))
    return pre0, ReLUConvBN(c_prev, c, 1, 1, 0, affine=affine)


class MixedOp(nn.Module):
    """A supernet edge: Σ_o w_o · o(x) over :data:`SUPERNET_OPS`, BN without affine, pooling followed by BN."""

    def __init__(self, c: int, stride: int):
        super().__init__()
        self.ops = supernet_edge_ops(c, stride, affine=False)

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        return sum(w * op(x) for w, op in zip(weights, self.ops))


class SearchCell(nn.Module):
    """A supernet cell (``model_search.py``'s ``Cell``): node ``2+i`` = Σ_{j<2+i} MixedOp_{j}(state j)."""

    def __init__(self, steps: int, multiplier: int, c_prev_prev: int, c_prev: int, c: int, reduction: bool,
                 reduction_prev: bool):
        super().__init__()
        self.steps, self.multiplier, self.reduction = steps, multiplier, reduction
        self.preprocess0, self.preprocess1 = cell_preprocess(c_prev_prev, c_prev, c, reduction_prev, affine=False)
        self.ops = nn.ModuleList(MixedOp(c, 2 if reduction and j < 2 else 1)
                                 for i in range(steps) for j in range(2 + i))

    def forward(self, s0: torch.Tensor, s1: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """``weights``: one row of op weights per edge, shape ``(n_edges, len(SUPERNET_OPS))``."""
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        offset = 0
        for _ in range(self.steps):
            states.append(sum(self.ops[offset + j](h, weights[offset + j]) for j, h in enumerate(states)))
            offset += len(states) - 1
        return torch.cat(states[-self.multiplier:], dim=1)


def search_skeleton(c: int, layers: int, in_channels: int, multiplier: int, make_cell: Callable[..., nn.Module],
                    stem_multiplier: int = 3) -> tuple[nn.Sequential, nn.ModuleList, int]:
    """DARTS' search-network skeleton (``model_search.py``): a stem to ``stem_multiplier``·C channels + BN, then
    ``layers`` cells ``make_cell(c_prev_prev, c_prev, c, reduction, reduction_prev)``, reductions (channels
    doubled) at ``layers // 3`` and ``2 * layers // 3``.  Returns the stem, the cells and the last cell's channels
    (``multiplier`` nodes concatenated)."""
    c_curr = stem_multiplier * c
    stem = nn.Sequential(nn.Conv2d(in_channels, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
    c_prev_prev, c_prev, c_curr = c_curr, c_curr, c
    cells, reduction_prev = [], False
    for i in range(layers):
        reduction = i in (layers // 3, 2 * layers // 3)
        c_curr *= 2 if reduction else 1
        cells.append(make_cell(c_prev_prev, c_prev, c_curr, reduction, reduction_prev))
        reduction_prev = reduction
        c_prev_prev, c_prev = c_prev, multiplier * c_curr
    return stem, nn.ModuleList(cells), c_prev


class DARTSSupernet(nn.Module):
    """The DARTS search network with architecture parameters α (``model_search.py``'s ``Network``).

    ``alphas_normal`` and ``alphas_reduce`` (shape ``(14, 8)`` for 4 steps; initialised as
    ``1e-3 · randn``) hold one row per edge in :attr:`alpha_edges` order (node 2 ← states 0, 1;
    node 3 ← 0, 1, 2; …) and one column per :data:`SUPERNET_OPS` entry.  They are registered
    parameters (so ``parameters()`` includes them); use :meth:`weight_parameters` and
    :meth:`arch_parameters` for the two optimisers.
    """

    def __init__(self, c: int = 16, layers: int = 8, num_classes: int = 10, steps: int = 4, multiplier: int = 4,
                 in_channels: int = 3):
        super().__init__()
        for name, value in dict(C=c, layers=layers, num_classes=num_classes, steps=steps, multiplier=multiplier,
                        in_channels=in_channels).items():
            check_int(value, name, 1)
        if multiplier > steps:
            raise ValueError(f"multiplier (nodes concatenated) must be at most steps={steps}, got {multiplier}")
        self.steps, self.multiplier = steps, multiplier
        self.alpha_edges = tuple((2 + i, j) for i in range(steps) for j in range(2 + i))
        self.stem, self.cells, c_prev = search_skeleton(
            c, layers, in_channels, multiplier,
            lambda cpp, cp, cc, red, red_prev: SearchCell(steps, multiplier, cpp, cp, cc, red, red_prev))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)
        shape = (len(self.alpha_edges), len(SUPERNET_OPS))
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(shape))
        self.alphas_reduce = nn.Parameter(1e-3 * torch.randn(shape))

    def arch_parameters(self) -> list[nn.Parameter]:
        """``[alphas_normal, alphas_reduce]``."""
        return [self.alphas_normal, self.alphas_reduce]

    def weight_parameters(self) -> list[nn.Parameter]:
        """All parameters except α."""
        arch = {id(p) for p in self.arch_parameters()}
        return [p for p in self.parameters() if id(p) not in arch]

    def _alphas(self, alphas: Sequence[torch.Tensor] | None) -> tuple[torch.Tensor, torch.Tensor]:
        if alphas is None:
            return self.alphas_normal, self.alphas_reduce
        shape = tuple(self.alphas_normal.shape)
        if (not isinstance(alphas, (list, tuple)) or len(alphas) != 2
                or not all(isinstance(a, torch.Tensor) and tuple(a.shape) == shape for a in alphas)):
            got = [tuple(a.shape) if isinstance(a, torch.Tensor) else type(a).__name__ for a in alphas] \
                if isinstance(alphas, (list, tuple)) else type(alphas).__name__
            raise ValueError(f"alphas must be a pair (alphas_normal, alphas_reduce) of tensors of shape {shape}, "
                             f"got {got}")
        return alphas[0], alphas[1]

    def forward(self, x: torch.Tensor, alphas: Sequence[torch.Tensor] | None = None) -> torch.Tensor:
        """Logits with the module's α, or with ``alphas = (normal, reduce)`` in their place.

        The override is used functionally (the module is not modified) and gradients flow into
        it, so an optimiser can evaluate the loss at perturbed α.
        """
        a_normal, a_reduce = self._alphas(alphas)
        w_normal, w_reduce = F.softmax(a_normal, dim=-1), F.softmax(a_reduce, dim=-1)
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, w_reduce if cell.reduction else w_normal)
        return self.classifier(self.global_pooling(s1).flatten(1))

    def arch(self, alphas: Sequence[torch.Tensor] | None = None) -> str:
        """The canonical string of :meth:`genotype` (the name of the argmax architecture, as every space gives one)."""
        return str(format_genotype(self.genotype(alphas)))

    def genotype(self, alphas: Sequence[torch.Tensor] | None = None) -> Genotype:
        """The discrete genotype of α (or of ``alphas``), derived as DARTS does.

        Per node, keep the two incoming edges whose strongest non-``none`` softmax weight is
        largest (ties to the lower input), each with its argmax non-``none`` op; edges are listed
        strongest first, as in DARTS.  Needs ``steps = multiplier = 4`` (the DARTS space).
        """
        if (self.steps, self.multiplier) != (4, 4):
            raise ValueError(f"genotype() needs steps=4 and multiplier=4 (the DARTS space), "
                             f"this supernet has steps={self.steps}, multiplier={self.multiplier}")

        def parse(alpha: torch.Tensor) -> list[tuple[str, int]]:
            w = F.softmax(alpha.detach(), dim=-1)[:, 1:].cpu().numpy()  # drop 'none'
            strength, best = w.max(axis=1), 1 + w.argmax(axis=1)
            edges, start = [], 0
            for n in range(2, 2 + self.steps):
                for j in sorted(range(n), key=lambda j: -strength[start + j])[:2]:
                    edges.append((SUPERNET_OPS[best[start + j]], j))
                start += n
            return edges

        a_normal, a_reduce = self._alphas(alphas)
        return as_genotype(Genotype(parse(a_normal), CONCAT, parse(a_reduce), CONCAT))
