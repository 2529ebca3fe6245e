"""Candidate operations of the NB201 and DARTS spaces, as in their reference implementations.

NB201 (Dong & Yang 2020): ``none``, ``skip_connect``, ``nor_conv_1x1``, ``nor_conv_3x3``,
``avg_pool_3x3``, where a convolution is ReLU → Conv → BN.  DARTS (Liu et al. 2019) adds
separable and dilated convolutions and max pooling.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

__all__ = ["ReLUConvBN", "Zero", "FactorizedReduce", "Pool", "SepConv", "DilConv", "NB201_OPS", "DARTS_OPS", "make_op"]


class ReLUConvBN(nn.Sequential):
    """ReLU → Conv2d (no bias) → BatchNorm2d."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int, dilation: int = 1,
                 affine: bool = True):
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride, padding, dilation, bias=False),
            nn.BatchNorm2d(c_out, affine=affine),
        )


class Zero(nn.Module):
    """The ``none`` operation: a zero tensor of the output shape."""

    def __init__(self, c_in: int, c_out: int, stride: int):
        super().__init__()
        self.c_out, self.stride = c_out, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 1 and x.shape[1] == self.c_out:
            return x.mul(0.0)
        n, _, h, w = x.shape
        return x.new_zeros(n, self.c_out, (h + self.stride - 1) // self.stride, (w + self.stride - 1) // self.stride)


class FactorizedReduce(nn.Module):
    """Halve the resolution with two offset stride-2 1×1 convolutions (skip_connect at stride 2)."""

    def __init__(self, c_in: int, c_out: int, affine: bool = True):
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out - c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:] if x.shape[-1] % 2 == 0 else x)], 1))


class Pool(nn.Module):
    """3×3 average or max pooling (NB201: average with ``count_include_pad=False``); a 1×1 ReLUConvBN first
    when the channel count changes."""

    def __init__(self, c_in: int, c_out: int, stride: int, mode: str, affine: bool = True):
        super().__init__()
        self.preprocess = None if c_in == c_out else ReLUConvBN(c_in, c_out, 1, 1, 0, affine=affine)
        self.pool = (nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False) if mode == "avg"
                     else nn.MaxPool2d(3, stride=stride, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x if self.preprocess is None else self.preprocess(x))


class DilConv(nn.Sequential):
    """ReLU → depthwise dilated conv → pointwise conv → BN (DARTS)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int, dilation: int, affine=True):
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, kernel, stride, padding, dilation, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out, affine=affine),
        )


class SepConv(nn.Sequential):
    """Two stacked DilConv blocks with dilation 1 (DARTS separable convolution)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int, affine=True):
        super().__init__(
            DilConv(c_in, c_in, kernel, stride, padding, 1, affine),
            DilConv(c_in, c_out, kernel, 1, padding, 1, affine),
        )


def _skip(c_in: int, c_out: int, stride: int, affine: bool) -> nn.Module:
    return nn.Identity() if stride == 1 and c_in == c_out else FactorizedReduce(c_in, c_out, affine)


OpFactory = Callable[[int, int, int, bool], nn.Module]

NB201_OPS: dict[str, OpFactory] = {
    "none": lambda ci, co, s, a: Zero(ci, co, s),
    "skip_connect": _skip,
    "nor_conv_1x1": lambda ci, co, s, a: ReLUConvBN(ci, co, 1, s, 0, affine=a),
    "nor_conv_3x3": lambda ci, co, s, a: ReLUConvBN(ci, co, 3, s, 1, affine=a),
    "avg_pool_3x3": lambda ci, co, s, a: Pool(ci, co, s, "avg", a),
}

DARTS_OPS: dict[str, OpFactory] = {
    "none": lambda ci, co, s, a: Zero(ci, co, s),
    "skip_connect": _skip,
    "max_pool_3x3": lambda ci, co, s, a: Pool(ci, co, s, "max", a),
    "avg_pool_3x3": lambda ci, co, s, a: Pool(ci, co, s, "avg", a),
    "sep_conv_3x3": lambda ci, co, s, a: SepConv(ci, co, 3, s, 1, a),
    "sep_conv_5x5": lambda ci, co, s, a: SepConv(ci, co, 5, s, 2, a),
    "dil_conv_3x3": lambda ci, co, s, a: DilConv(ci, co, 3, s, 2, 2, a),
    "dil_conv_5x5": lambda ci, co, s, a: DilConv(ci, co, 5, s, 4, 2, a),
}


def make_op(space: dict[str, OpFactory], name: str, c_in: int, c_out: int, stride: int, affine: bool = True) -> nn.Module:
    """Build one operation by name, with a clear error for an unknown one."""
    try:
        factory = space[name]
    except KeyError:
        raise ValueError(f"unknown operation {name!r}; allowed: {', '.join(space)}") from None
    return factory(c_in, c_out, stride, affine)
