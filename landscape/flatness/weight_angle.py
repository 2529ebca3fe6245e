"""The RLNAS angle between initial and trained weights (GeNAS Eq. 8), as the paper and as the code define it.

GeNAS Eq. 8 (from RLNAS): ``θ = acos(W⁰·Wᶠ / (‖W⁰‖ ‖Wᶠ‖))``, the angle between the sub-network's
initial weights ``W⁰`` and its trained weights ``Wᶠ``, each flattened into one vector.  The two
modes build that vector differently:

``"exact"`` (the paper's text, GeNAS App. A.2)
    every parameter flattened and concatenated once.
``"faithful"`` (the published code)
    the vector is built path by path: for every input→output path of the cell DAG the weights of
    the operations on it are appended, so an operation on ``k`` paths enters ``k`` times; a path
    through ``none`` is dropped; parameter-free operations enter as constants (identical in ``W⁰``
    and ``Wᶠ``).  The rest of the network enters once.  Per space, following the authors' code:

    * NB201 — RLNAS ``nas_bench_201/exps/angle/weight_angle.py`` (``get_arch_angle``; GeNAS's own
      NB201 code is not published and its NB201 set-up follows RLNAS): the 4 paths ``0→…→3`` of
      every searched cell; a convolution gives its conv weight (not its BN), ``avg_pool_3x3`` a
      ``C×3×3`` kernel of ``1/9``, ``skip_connect`` nothing; plus the stem (conv, BN), every
      parameter of the residual reduction blocks, ``lastact`` BN and the classifier (weight and
      bias).  A network whose cells have no path without ``none`` (output cut off from the input)
      gets angle 0, as the published function returns.
    * DARTS — GeNAS ``evolution_search/cand_evaluator.py`` (``get_arch_vector`` / ``get_angle``,
      taken from RLNAS ``darts_search_space/cifar10/rlnas/evolution_search/test_server.py``): every
      path from either cell input (states 0, 1) to every intermediate node 2..5, in every cell
      (normal and reduction, each with its own weights); separable convolutions give their four
      convs and both BNs (weight, bias), dilated convolutions their two convs and the BN weight
      *twice* (the code reads ``.weight`` where it means ``.bias``), pooling a ``C×3×3`` kernel of
      ``1/9`` (plus the parameters of a BN after it, which the published supernet has),
      ``skip_connect`` a ``C×C`` identity matrix (at stride 2, the FactorizedReduce's convs and
      BN); plus the stem (conv, BN), each cell's two preprocessing blocks and the classifier
      weight (not its bias; no auxiliary head).

The order of the concatenation does not change the angle (both vectors are permuted alike), so
only how often each weight enters matters.  Everything is accumulated in float64.

Examples
--------
>>> from landscape.nn import create_network
>>> net = create_network("nb201", "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|")
>>> initial = {k: v.detach().clone() for k, v in net.named_parameters()}
>>> with torch.no_grad():                 # stands in for training: every weight flips sign
...     for p in net.parameters():
...         _ = p.mul_(-1)
>>> round(angle(initial, net), 4), round(angle(initial, net, mode="exact"), 4)   # radians
(3.1416, 3.1416)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from ..nn.darts import DARTSNetwork
from ..nn.nb201 import NB201Cell, NB201Network, ResNetBlock
from ..spaces.nb201 import EDGES as NB201_EDGES
from ..spaces.nb201 import OPS as NB201_OPS
from ..validation import check_choice

__all__ = ["ANGLE_MODES", "angle"]

#: ``"faithful"``: the published code's path-wise vector; ``"exact"``: the paper's all-parameter vector.
ANGLE_MODES = ("faithful", "exact")


def angle(
    initial: nn.Module | Mapping[str, torch.Tensor],
    trained: nn.Module | Mapping[str, torch.Tensor],
    *,
    mode: str = "faithful",
    network: nn.Module | None = None,
    names: Sequence[str] | None = None,
) -> float:
    """RLNAS angle between initial and trained weights (GeNAS Eq. 8), in radians.

    Parameters
    ----------
    initial, trained : networks or ``{name: tensor}`` parameter dicts with the same names and shapes (e.g. a network
        and ``{k: v.clone() for k, v in net.named_parameters()}`` before training, or two ``NB201Supernet.subnet``).
    mode : ``"faithful"`` (path-wise, the published code; see the module docstring) or ``"exact"`` (the paper's text).
    network : faithful mode only: the network whose cells give the paths (an ``NB201Network`` of ``NB201Cell`` or a
        ``DARTSNetwork``); default ``trained``, else ``initial``, whichever is an ``nn.Module``.
    names : exact mode only: the parameters to compare (default: all of ``initial``).

    Returns
    -------
    float
        ``θ`` in ``[0, π]`` (sums in float64); 0 in faithful mode for NB201 cells with no path that avoids ``none``.

    Raises
    ------
    ValueError
        For a bad ``mode``, ``network`` or ``names``, missing/misshapen/all-zero weights, unreadable or differing cells.

    Examples
    --------
    >>> round(angle({"w": torch.tensor([1.0, 0.0])}, {"w": torch.tensor([1.0, 1.0])}, mode="exact"), 4)   # π/4
    0.7854
    """
    check_choice(mode, "mode", ANGLE_MODES)
    a, b = _weights(initial), _weights(trained)
    if mode == "exact":
        if network is not None:
            raise ValueError("network applies to mode='faithful' only")
        keys = list(a) if names is None else list(names)
        if not keys:
            raise ValueError("no parameters to compare")
        return _angle(a, b, Counter(keys), 0.0)
    if names is not None:
        raise ValueError("names applies to mode='exact' only; faithful mode takes the parameters on the cell paths")
    modules = [m for m in (network, trained, initial) if isinstance(m, nn.Module)]
    if not modules:
        raise ValueError("faithful mode reads the cell paths from a network: pass an nn.Module as trained or "
                         "initial, or network=..., or use mode='exact'")
    net = modules[0]
    arch = _architecture(net)
    for other in modules[1:]:
        if other is not net and _architecture(other) != arch:
            raise ValueError(f"the networks have different architectures: {_architecture(other)} vs {arch}")
    pieces, connected = _nb201_pieces(net) if arch[0] == "nb201" else (_darts_pieces(net), True)
    ids = {id(p): k for k, p in net.named_parameters()}
    counts = Counter(ids[id(p)] for p in pieces if isinstance(p, nn.Parameter))
    constant = sum(float((p.double() ** 2).sum()) for p in pieces if not isinstance(p, nn.Parameter))
    theta = _angle(a, b, counts, constant)
    return theta if connected else 0.0


def _weights(weights: nn.Module | Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    if isinstance(weights, nn.Module):
        return {k: v.detach() for k, v in weights.named_parameters()}
    return {k: torch.as_tensor(v).detach() for k, v in weights.items()}


def _angle(a: Mapping[str, torch.Tensor], b: Mapping[str, torch.Tensor], counts: Counter,
           constant: float) -> float:
    """``acos`` of the cosine of two vectors holding parameter ``k`` ``counts[k]`` times each, plus
    constants of squared norm ``constant`` shared by both."""
    keys = list(counts)
    missing = [k for k in keys if k not in a or k not in b]
    if missing:
        raise ValueError(f"parameters missing on one side: {missing[:5]}{' …' if len(missing) > 5 else ''}")
    bad = [k for k in keys if a[k].shape != b[k].shape]
    if bad:
        raise ValueError(f"parameter shapes differ for {bad[:5]}")
    dot = na2 = nb2 = constant
    for k in keys:
        x, y = a[k].double(), b[k].to(device=a[k].device, dtype=torch.float64)
        dot += counts[k] * float((x * y).sum())
        na2 += counts[k] * float((x * x).sum())
        nb2 += counts[k] * float((y * y).sum())
    if na2 == 0 or nb2 == 0:
        raise ValueError("the angle is undefined for an all-zero weight vector")
    return float(np.arccos(np.clip(dot / (np.sqrt(na2) * np.sqrt(nb2)), -1.0, 1.0)))


def _architecture(net: nn.Module) -> tuple:
    """``("nb201" | "darts", per-cell architecture)``, or a ValueError saying why it cannot be read."""
    if isinstance(net, NB201Network):
        odd = {type(c).__name__ for c in net.cells if not isinstance(c, (NB201Cell, ResNetBlock))}
        if not odd:
            return "nb201", tuple(c.codes for c in net.cells if isinstance(c, NB201Cell))
        hint = " (for a supernet, pass its sub-network: supernet.subnet(arch))"
    elif isinstance(net, DARTSNetwork):
        return "darts", tuple(c.edges for c in net.cells)
    else:
        odd, hint = {type(net).__name__}, ""
    raise ValueError(f"faithful angle cannot read the cell structure of {type(net).__name__} ({', '.join(sorted(odd))})"
                     f"{hint}: it needs an NB201Network of NB201Cells or a DARTSNetwork; use mode='exact' for the "
                     "all-parameter angle")


def _paths(edges: Sequence[tuple[int, int]], sources: Sequence[int], node: int) -> list[tuple[int, ...]]:
    """Every path from one of ``sources`` to ``node`` as edge indices in input→output order;
    ``edges[e] = (to, from)``."""
    out: list[tuple[int, ...]] = []
    for e, (dst, src) in enumerate(edges):
        if dst == node:
            out += [(e,)] if src in sources else [p + (e,) for p in _paths(edges, sources, src)]
    return out


def _pool_kernel(c: int) -> torch.Tensor:
    """The constant that stands for 3×3 pooling: a ``C×3×3`` kernel of ``1/9``."""
    return torch.full((c, 3, 3), 1.0 / 9.0, dtype=torch.float64)


def _nb201_pieces(net: NB201Network) -> tuple[list, bool]:
    """RLNAS ``get_arch_angle``'s vector of an NB201 network, and whether any cell path avoids ``none``."""
    pieces: list = [*net.stem.parameters()]
    paths = _paths(NB201_EDGES, (0,), 3)
    width, connected = net.stem[0].out_channels, False
    for cell in net.cells:
        if isinstance(cell, ResNetBlock):
            pieces += cell.parameters()
            width = cell.conv_a[1].out_channels
            continue
        for path in paths:
            ops = [NB201_OPS[cell.codes[e]] for e in path]
            if "none" in ops:
                continue
            connected = True
            for e, op in zip(path, ops):
                if op == "avg_pool_3x3":
                    pieces.append(_pool_kernel(width))
                elif op in ("nor_conv_1x1", "nor_conv_3x3"):
                    pieces.append(cell.edges[e][1].weight)  # the conv of ReLU → Conv → BN
    pieces += [*net.lastact.parameters(), *net.classifier.parameters()]
    return pieces, connected


def _darts_op(name: str, op: nn.Module, c: int) -> list:
    """What one DARTS operation contributes to a path (GeNAS ``cand_evaluator.py``)."""
    if "pool" in name:
        return [_pool_kernel(c), *op.parameters()]
    if name == "skip_connect":
        return [torch.eye(c, dtype=torch.float64)] if isinstance(op, nn.Identity) else [*op.parameters()]
    if name.startswith("sep_conv"):
        return [*op.parameters()]  # 4 convs, 2 BNs (weight, bias)
    if name.startswith("dil_conv"):
        bn = op[3]
        return [op[1].weight, op[2].weight, *([bn.weight, bn.weight] if bn.weight is not None else [])]
    raise ValueError(f"faithful angle: unknown DARTS operation {name!r}")


def _darts_pieces(net: DARTSNetwork) -> list:
    """GeNAS/RLNAS ``get_arch_vector`` of a DARTS network."""
    pieces: list = [*net.stem.parameters()]
    for cell in net.cells:
        c = cell.preprocess1[1].out_channels
        pieces += [*cell.preprocess0.parameters(), *cell.preprocess1.parameters()]
        edges = [(2 + e // 2, src) for e, (_, src) in enumerate(cell.edges)]
        for node in range(2, 2 + len(edges) // 2):
            for path in _paths(edges, (0, 1), node):
                if any(cell.edges[e][0] == "none" for e in path):
                    continue
                for e in path:
                    pieces += _darts_op(cell.edges[e][0], cell.ops[e], c)
    pieces.append(net.classifier.weight)
    return pieces
