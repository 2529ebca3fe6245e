"""Torch networks for the NB201 and DARTS spaces, supernets, data loaders and training.

>>> from landscape.spaces.darts import DARTS_V2
>>> net = create_network("nb201", "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
...                      "nor_conv_3x3~2|")
>>> net(torch.zeros(2, 3, 32, 32)).shape
torch.Size([2, 10])
>>> net = create_network("darts", DARTS_V2, c=16, layers=8)
"""

from __future__ import annotations

from torch import nn

from ..validation import check_choice

__all__ = ["NETWORKS", "create_network"]

#: Space name → keyword arguments its network takes besides the architecture.
NETWORKS = {"nb201": ("c", "n", "num_classes", "in_channels"),
            "darts": ("c", "layers", "num_classes", "in_channels", "auxiliary", "drop_path_prob")}


def create_network(space: str, arch, **kwargs) -> nn.Module:
    """Build the stand-alone network of ``arch`` (an NB201 string/codes or a DARTS genotype) by space name."""
    check_choice(space, "space", tuple(NETWORKS))
    unknown = set(kwargs) - set(NETWORKS[space])
    if unknown:
        raise ValueError(f"{space} networks take {NETWORKS[space]}, not {sorted(unknown)}")
    return _BUILDERS[space](arch, **kwargs)


def _nb201_network(arch, **kwargs) -> nn.Module:
    from ..spaces.nb201 import arch_codes
    from .nb201 import NB201Cell, NB201Network

    codes = arch_codes(arch)
    return NB201Network(lambda c: NB201Cell(codes, c), **kwargs)


def _darts_network(arch, **kwargs) -> nn.Module:
    from .darts import DARTSNetwork

    return DARTSNetwork(arch, **kwargs)


_BUILDERS = {"nb201": _nb201_network, "darts": _darts_network}
