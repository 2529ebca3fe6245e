"""Argument checks shared across the package (scikit-learn style: the argument, the value, what is allowed)."""

from __future__ import annotations

import numpy as np

__all__ = ["check_random_state", "check_seed"]


def check_random_state(random_state) -> np.random.Generator:
    """``numpy.random.default_rng(random_state)`` for None, an int, a SeedSequence, a BitGenerator or a Generator."""
    ok = random_state is None or isinstance(
        random_state, (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)) or (
        isinstance(random_state, (int, np.integer)) and not isinstance(random_state, (bool, np.bool_))
        and random_state >= 0)
    if not ok:
        raise ValueError(f"random_state must be None, a non-negative int or a numpy.random.Generator, got "
                         f"{random_state!r} (a SeedSequence or BitGenerator is accepted too)")
    return np.random.default_rng(random_state)


def check_seed(random_state) -> int:
    """A seed for a results folder: a non-negative integer (it is part of the folder's configuration)."""
    if not isinstance(random_state, (int, np.integer)) or isinstance(random_state, (bool, np.bool_)) \
            or random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer seed, got {random_state!r}")
    return int(random_state)
