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
    """Build the stand-alone network of ``arch`` (an NB201 string/codes or a DARTS genotype) by space name.

    Parameters
    ----------
    space : str
        A space name in :data:`NETWORKS`: ``"nb201"`` or ``"darts"``.
    arch : str, sequence of int or Genotype
        NB201: an architecture string or its six op codes; DARTS: a
        :class:`~landscape.spaces.darts.Genotype` or its string.
    **kwargs
        The space's network options, named in :data:`NETWORKS`: the width ``c`` and ``n`` (NB201 cells per stage)
        or ``layers`` (DARTS cells in all), ``num_classes``, ``in_channels``; DARTS also ``auxiliary`` and
        ``drop_path_prob`` (:class:`~landscape.nn.nb201.NB201Network`, :class:`~landscape.nn.darts.DARTSNetwork`).

    Returns
    -------
    torch.nn.Module
        A freshly initialised :class:`~landscape.nn.nb201.NB201Network` or :class:`~landscape.nn.darts.DARTSNetwork`.

    Raises
    ------
    ValueError
        For an unknown space, an option the space's network does not take, an invalid architecture, or an
        option out of range (e.g. ``c < 1``).

    Examples
    --------
    >>> net = create_network("nb201", (3, 3, 3, 1, 3, 3), c=4, n=1)     # op codes; see landscape.spaces.nb201
    >>> type(net).__name__, net(torch.zeros(2, 3, 32, 32)).shape
    ('NB201Network', torch.Size([2, 10]))
    >>> create_network("nb201", (3, 3, 3, 1, 3, 3), layers=8)
    Traceback (most recent call last):
    ...
    ValueError: nb201 networks take ('c', 'n', 'num_classes', 'in_channels'), not ['layers']
    """
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
