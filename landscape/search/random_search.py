"""Random search from a scored sample of architectures: the baseline every NAS method must beat."""

from __future__ import annotations

import numpy as np

from ..validation import check_int, check_random_state

__all__ = ["random_search"]


def random_search(fitness: np.ndarray, truth: np.ndarray, budget: int, *, n_repeats: int = 1000, ci: float = 0.95,
                  random_state=0) -> dict[str, float]:
    """Random search from a scored sample: ``budget`` architectures drawn without replacement, the one of best
    ``fitness`` kept, its ``truth`` read; repeated ``n_repeats`` times.

    Returns ``budget, mean, q_low, q_high, n_repeats``: the mean outcome and the central ``ci`` range of single
    searches (the spread of one run, not a CI of the mean).
    """
    fitness, truth = np.asarray(fitness, float), np.asarray(truth, float)
    if fitness.shape != truth.shape or fitness.ndim != 1:
        raise ValueError(f"fitness and truth must be 1-D of the same length, got {fitness.shape} and {truth.shape}")
    budget = check_int(budget, "budget", 1, len(fitness))
    n_repeats = check_int(n_repeats, "n_repeats", 1)
    rng = check_random_state(random_state)
    picks = np.argsort(rng.random((n_repeats, len(fitness))), axis=1)[:, :budget]
    found = truth[picks[np.arange(n_repeats), np.argmax(fitness[picks], axis=1)]]
    low, high = np.quantile(found, [(1 - ci) / 2, (1 + ci) / 2])
    return {"budget": budget, "mean": float(found.mean()), "q_low": float(low), "q_high": float(high),
            "n_repeats": n_repeats}
