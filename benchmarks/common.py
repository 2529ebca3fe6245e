"""Timing helper shared by the benchmark files."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable, repeat: int = 5, warmup: int = 1):
    """``(result, median wall seconds)`` of ``fn()`` over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, statistics.median(times)
