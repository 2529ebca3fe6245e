"""Argument checks used across the package (scikit-learn style).

Every check raises ``ValueError`` naming the argument, the offending value and what is allowed, so a bad
argument fails at the public boundary in one line instead of deep inside numpy or torch.

>>> check_int(3, "radius", 1, 6)
3
>>> check_choice("cifar-10", "dataset", ("cifar10", "cifar100"))
Traceback (most recent call last):
...
ValueError: dataset must be one of 'cifar10', 'cifar100', got 'cifar-10' (did you mean 'cifar10'?)
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence

import numpy as np

__all__ = [
    "check_random_state",
    "check_seed",
    "check_int",
    "check_choice",
    "did_you_mean",
    "check_fraction",
    "check_values",
    "check_n_jobs",
    "DEVICE_HELP",
]

#: Help text of every ``--device`` option (checked by :func:`landscape.nn.device.resolve_device`).
DEVICE_HELP = "torch device: auto (default: cuda when available, else cpu), cpu, cuda or cuda:N"


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


def check_seed(random_state, name: str = "random_state") -> int:
    """A seed for a results folder: a non-negative integer (it is part of the folder's configuration)."""
    if not isinstance(random_state, (int, np.integer)) or isinstance(random_state, (bool, np.bool_)) \
            or random_state < 0:
        raise ValueError(f"{name} must be a non-negative integer seed, got {random_state!r}")
    return int(random_state)


def check_int(value, name: str, low: int, high: int | None = None) -> int:
    """An integer in ``low..high`` (``high`` unbounded when None); bools and floats are refused."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < low or (high is not None and value > high):
        allowed = f"{low}..{high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")
    return int(value)


def check_choice(value, name: str, allowed: Sequence[str]) -> str:
    """One of ``allowed``; a near miss (``'cifar-10'``, ``'CIFAR10'``) is named in the error."""
    if any(value is a or (type(value) is type(a) and value == a) for a in allowed):
        return value
    raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}"
                     f"{did_you_mean(value, allowed)}")


def did_you_mean(value, allowed: Sequence) -> str:
    """``" (did you mean 'cifar10'?)"`` for a near miss of a string in ``allowed`` (case, ``-`` and ``_``
    ignored, else the closest spelling, else a name it begins: ``'imagenet'`` → ``'ImageNet16-120'``), ``""`` when
    nothing is near."""
    if not isinstance(value, str):
        return ""
    names = [a for a in allowed if isinstance(a, str)]
    folded = {a.lower().replace("-", "").replace("_", ""): a for a in names}
    key = value.lower().replace("-", "").replace("_", "")
    near = folded.get(key) or next(iter(difflib.get_close_matches(value, names, n=1)), None) \
        or next((a for k, a in folded.items() if key and k.startswith(key)), None)
    return f" (did you mean {near!r}?)" if near else ""


def check_fraction(value, name: str) -> float:
    """A float strictly between 0 and 1 (a confidence level)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not 0 < value < 1:
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {value!r}")
    return float(value)


def check_values(values, name: str = "values", n: int | None = None) -> np.ndarray:
    """A finite 1-D float64 array (of length ``n`` when given); NaN/inf positions are named in the error."""
    v = np.asarray(values)
    if v.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {v.shape}")
    if n is not None and v.shape[0] != n:
        raise ValueError(f"{name} has {v.shape[0]} entries, expected {n} (one per node)")
    if v.size == 0:
        raise ValueError(f"{name} is empty; pass at least one value")
    if v.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be numeric, got dtype {v.dtype}")
    v = v.astype(np.float64, copy=False)
    bad = np.flatnonzero(~np.isfinite(v))
    if bad.size:
        more = f" … ({bad.size} in all)" if bad.size > 10 else ""
        raise ValueError(f"{name} holds NaN or inf at positions {bad[:10].tolist()}{more}; drop or impute them first")
    return v


def check_n_jobs(n_jobs) -> int:
    """Threads to use: None -> 1, -1 -> every core, else a positive int (scikit-learn's convention)."""
    if n_jobs is None:
        return 1
    if n_jobs == -1 and not isinstance(n_jobs, bool):
        return os.cpu_count() or 1
    return check_int(n_jobs, "n_jobs", 1)
