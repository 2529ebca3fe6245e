"""Seeded network initialisation that leaves the caller's random state alone.

Module constructors draw their initial weights from torch's default generator.  Instead of
``torch.manual_seed`` (which changes the state every later draw of the caller sees), build networks inside
:func:`torch_seed`: the same seed gives the same weights, and the caller's generator is restored on exit.
Everything after construction (batches, augmentation, noise, drop-path) takes an explicit
``torch.Generator``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from ..validation import check_seed

__all__ = ["torch_seed"]


@contextmanager
def torch_seed(seed: int) -> Iterator[None]:
    """Seed torch's CPU generator with ``seed`` inside the block, restore the previous state after it.

    Build networks on the CPU inside the block and move them afterwards (CUDA generators are not touched).

    >>> with torch_seed(0):
    ...     a = torch.nn.Linear(2, 2)
    >>> with torch_seed(0):
    ...     b = torch.nn.Linear(2, 2)
    >>> bool(torch.equal(a.weight, b.weight))
    True
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed, "seed"))
        yield
