"""Random search from a scored sample of architectures: the baseline every NAS method must beat."""

from __future__ import annotations

import numpy as np

from ..validation import check_fraction, check_int, check_random_state

__all__ = ["random_search"]


def random_search(fitness: np.ndarray, truth: np.ndarray, budget: int, *, n_repeats: int = 1000, ci: float = 0.95,
                  random_state=0) -> dict[str, float]:
    """Random search from a scored sample: ``budget`` architectures drawn without replacement, the one of best
    ``fitness`` kept, its ``truth`` read; repeated ``n_repeats`` times.

    Each repeat ranks a fresh random permutation, so memory and time grow as ``n_repeats * len(fitness)``.

    Parameters
    ----------
    fitness : array_like of float, shape (n,)
        What the search sees per architecture (a proxy, or ``truth`` itself for an oracle search); higher is
        better, and a tie goes to the architecture drawn first.
    truth : array_like of float, shape (n,)
        What the kept architecture is worth (e.g. 200-epoch test accuracy in %), aligned with ``fitness``.
    budget : int
        Architectures drawn per search, without replacement, in ``1..n``.
    n_repeats : int, default 1000
        Independent searches (>= 1).
    ci : float, default 0.95
        Probability mass of the central range ``q_low..q_high``, strictly between 0 and 1.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the draws.

    Returns
    -------
    dict
        ``budget, mean, q_low, q_high, n_repeats``: the mean outcome (``truth`` units) and the central ``ci``
        range of single searches (the spread of one run, not a CI of the mean); the counts as int, the
        rest as float.

    Raises
    ------
    ValueError
        If ``fitness`` and ``truth`` are not 1-D of the same length, ``budget`` is not an integer in ``1..n``,
        ``n_repeats`` not an integer >= 1, ``ci`` not strictly between 0 and 1 or ``random_state`` not a valid seed.

    Examples
    --------
    >>> truth = np.array([90.0, 91.0, 92.0, 93.0, 94.0])
    >>> random_search(truth, truth, 2, n_repeats=100)                 # an oracle search, 2 of 5 draws
    {'budget': 2, 'mean': 92.96, 'q_low': 91.0, 'q_high': 94.0, 'n_repeats': 100}
    >>> random_search(-truth, truth, 2, n_repeats=100)["mean"]        # an anti-correlated proxy
    90.96
    >>> random_search(truth, truth, 5, n_repeats=10)["q_low"]         # the whole space: always the best
    94.0
    """
    fitness, truth = np.asarray(fitness, float), np.asarray(truth, float)
    if fitness.shape != truth.shape or fitness.ndim != 1:
        raise ValueError(f"fitness and truth must be 1-D of the same length, got {fitness.shape} and {truth.shape}")
    budget = check_int(budget, "budget", 1, len(fitness))
    n_repeats = check_int(n_repeats, "n_repeats", 1)
    ci = check_fraction(ci, "ci")
    rng = check_random_state(random_state)
    picks = np.argsort(rng.random((n_repeats, len(fitness))), axis=1)[:, :budget]
    found = truth[picks[np.arange(n_repeats), np.argmax(fitness[picks], axis=1)]]
    low, high = np.quantile(found, [(1 - ci) / 2, (1 + ci) / 2])
    return {"budget": budget, "mean": float(found.mean()), "q_low": float(low), "q_high": float(high),
            "n_repeats": n_repeats}
