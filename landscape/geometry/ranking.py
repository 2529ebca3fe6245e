"""Rank agreement between a proxy and a ground truth, with bootstrap confidence intervals.

Kendall τ-b, Spearman ρ, weighted τ (``scipy.stats.weightedtau``, hyperbolic weights on the
top of both rankings) and precision@k.  The bootstrap resamples architectures with
replacement; τ-b and ρ are computed exactly for all resamples at once by
:class:`~landscape.geometry.rank_plan.RankPlan` (the same numbers as ``scipy.stats`` on the
resampled arrays, several times faster than looping over it).  Weighted τ has no batched
form: its CI loops ``scipy.stats.weightedtau`` over the first ``n_boot_weighted`` of the same
resamples (about 6 ms each at n = 725 and 0.1 s at n = 15,625, so 200 resamples cost about 1 s
and 20 s).  ``collapse="isomorphism"``
first averages proxy and truth within isomorphism classes (``classes``: one label per entry).

Examples
--------
>>> table = rank_agreement(store.array("cifar10", split="valid", epochs=12),
...                        store.array("cifar10", split="test", epochs=200), n_boot=200, random_state=0,
...                        n_boot_weighted=0)
>>> table.set_index("measure")["estimate"].round(3).tolist()
[0.594, 0.772, 0.837, 0.4, 0.6]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import weightedtau

from ..validation import check_choice, check_fraction, check_int, check_n_jobs, check_random_state, check_values
from .rank_plan import RankPlan

__all__ = [
    "kendall_tau",
    "spearman_rho",
    "precision_at_k",
    "bootstrap_counts",
    "bootstrap_interval",
    "kendall_tau_interval",
    "weighted_tau_bootstrap",
    "rank_agreement",
    "paired_bootstrap_test",
    "mean_difference_interval",
]

_MEASURES = {"kendall": "kendall_tau_b", "spearman": "spearman_rho"}


def _pair(x, y, names=("x", "y")) -> tuple[np.ndarray, np.ndarray]:
    x = check_values(x, names[0])
    return x, check_values(y, names[1], len(x))


def _weights(weights, n: int) -> np.ndarray:
    w = np.asarray(weights)
    if w.ndim != 2 or w.shape[1] != n or w.dtype.kind not in "iu" or (w.size and w.min() < 0):
        raise ValueError(f"weights must be non-negative integer multiplicities of shape (B, {n}), "
                         f"got {w.dtype} of shape {w.shape}")
    return w


def kendall_tau(x, y, weights=None, *, n_jobs: int | None = None) -> float | np.ndarray:
    """Kendall τ-b with ties (equal to ``scipy.stats.kendalltau(x, y).statistic``), O(n log n).

    With ``weights`` (``(B, n)`` multiplicities, e.g. :func:`bootstrap_counts`) returns the
    ``B`` values of τ-b on the weighted copies of ``(x, y)``, computed together.

    Parameters
    ----------
    x, y : array_like of float
        Aligned finite 1-D arrays of the same length ``n`` (>= 1).
    weights : array_like of int, shape (B, n), optional
        Non-negative integer multiplicities, one row per weighted copy of ``(x, y)`` (e.g. :func:`bootstrap_counts`);
        None (default) for ``(x, y)`` itself.
    n_jobs : int or None, default None
        Threads over the rows of ``weights`` (None: 1, -1: every core); unused without ``weights``.

    Returns
    -------
    float or numpy.ndarray
        τ-b of ``(x, y)`` (a float), or with ``weights`` the ``(B,)`` float64 values of the weighted copies; NaN where
        τ-b is undefined (a constant array).

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not a finite numeric 1-D array, is empty or their lengths differ, or ``weights`` is not
        a non-negative integer array of shape ``(B, n)``, or ``n_jobs`` is invalid.

    Examples
    --------
    >>> kendall_tau([1, 2, 3, 4, 5], [1, 3, 2, 5, 4])                    # 8 concordant, 2 discordant pairs
    0.6
    >>> kendall_tau([1, 2, 3, 4, 5], [1, 3, 2, 5, 4], weights=np.array([[1, 1, 1, 1, 1], [2, 0, 1, 1, 1]]))
    array([0.6       , 0.77777778])
    """
    x, y = _pair(x, y)
    if weights is None:
        return float(RankPlan(x, y).kendall(np.ones((1, len(x)), np.int32))[0])
    return RankPlan(x, y).kendall(_weights(weights, len(x)), n_jobs=check_n_jobs(n_jobs))


def spearman_rho(x, y, weights=None, *, n_jobs: int | None = None) -> float | np.ndarray:
    """Spearman ρ with average ranks for ties (equal to ``scipy.stats.spearmanr(x, y).statistic``).

    ``weights`` as for :func:`kendall_tau`.

    Parameters
    ----------
    x, y : array_like of float
        Aligned finite 1-D arrays of the same length ``n`` (>= 1).
    weights : array_like of int, shape (B, n), optional
        Non-negative integer multiplicities, one row per weighted copy of ``(x, y)`` (e.g. :func:`bootstrap_counts`);
        None (default) for ``(x, y)`` itself.
    n_jobs : int or None, default None
        Threads over the rows of ``weights`` (None: 1, -1: every core); unused without ``weights``.

    Returns
    -------
    float or numpy.ndarray
        ρ of ``(x, y)`` (a float), or with ``weights`` the ``(B,)`` float64 values of the weighted copies; NaN where
        ρ is undefined (a constant array).

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not a finite numeric 1-D array, is empty or their lengths differ, or ``weights`` is not
        a non-negative integer array of shape ``(B, n)``, or ``n_jobs`` is invalid.

    Examples
    --------
    >>> round(spearman_rho([1, 2, 3, 4, 5], [1, 3, 2, 5, 4]), 6)          # 1 − 6 · 4 / (5 · 24)
    0.8
    >>> spearman_rho([1, 2, 3, 4, 5], [1, 3, 2, 5, 4], weights=np.array([[1, 1, 1, 1, 1], [2, 0, 1, 1, 1]])).round(4)
    array([0.8   , 0.8947])
    """
    x, y = _pair(x, y)
    if weights is None:
        return float(RankPlan(x, y).spearman(np.ones((1, len(x))))[0])
    return RankPlan(x, y).spearman(_weights(weights, len(x)), n_jobs=check_n_jobs(n_jobs))


def precision_at_k(proxy, truth, k: int) -> float:
    """Fraction of the proxy's top ``k`` that is in the truth's top ``k`` (top-k overlap / k).

    Ties at the cut are broken by index order (a stable sort).

    Parameters
    ----------
    proxy, truth : array_like of float
        Aligned finite 1-D arrays of the same length ``n``; larger is better (the top ``k`` are the ``k`` largest).
    k : int
        The cut-off, ``1..n``.

    Returns
    -------
    float
        ``|top_k(proxy) ∩ top_k(truth)| / k``, in [0, 1].

    Raises
    ------
    ValueError
        If ``proxy`` or ``truth`` is not a finite numeric 1-D array, is empty or their lengths differ, or ``k`` is
        not an integer in ``1..n``.

    Examples
    --------
    >>> precision_at_k([0.9, 0.8, 0.1, 0.5], [10, 9, 8, 1], k=2)
    1.0
    >>> precision_at_k([0.9, 0.8, 0.1, 0.5], [10, 9, 8, 1], k=3)    # the proxy's third (index 3) is the truth's last
    0.666...
    """
    p, t = _pair(proxy, truth, ("proxy", "truth"))
    k = check_int(k, "k", 1, len(p))
    return len(np.intersect1d(np.argsort(-p, kind="stable")[:k], np.argsort(-t, kind="stable")[:k])) / k


def bootstrap_counts(n: int, n_boot: int, random_state=None) -> np.ndarray:
    """Bootstrap resamples of ``n`` items as multiplicities, shape ``(n_boot, n)`` int32.

    Row ``r`` is ``np.bincount(rng.integers(0, n, n), minlength=n)`` for the ``r``-th draw of
    ``rng = numpy.random.default_rng(random_state)``, so ``x[rng.integers(0, n, n)]`` with the
    same generator reproduces resample ``r`` exactly.

    Parameters
    ----------
    n : int
        Items per resample (>= 1).
    n_boot : int
        Resamples (>= 1).
    random_state : None, int or numpy.random.Generator, default None
        Seed of the draws (a SeedSequence or BitGenerator is accepted too).

    Returns
    -------
    numpy.ndarray
        ``(n_boot, n)`` int32: how often each item was drawn in each resample; every row sums to ``n``.

    Raises
    ------
    ValueError
        If ``n`` or ``n_boot`` is not an integer >= 1, or ``random_state`` is not a valid seed.

    Examples
    --------
    >>> counts = bootstrap_counts(5, 3, random_state=0)
    >>> counts
    array([[0, 2, 1, 1, 1],
           [4, 0, 0, 0, 1],
           [0, 0, 1, 2, 2]], dtype=int32)
    >>> rng = np.random.default_rng(0)
    >>> np.bincount(rng.integers(0, 5, 5), minlength=5)                # the first row again
    array([0, 2, 1, 1, 1])
    """
    n, n_boot = check_int(n, "n", 1), check_int(n_boot, "n_boot", 1)
    rng = check_random_state(random_state)
    out = np.empty((n_boot, n), np.int32)
    for r in range(n_boot):  # one resample per row: n_boot iterations, each vectorised over n
        out[r] = np.bincount(rng.integers(0, n, n), minlength=n)
    return out


def _collapse(arrays: list[np.ndarray], collapse: str | None, classes) -> list[np.ndarray]:
    """Class means of each array when ``collapse="isomorphism"``."""
    if check_choice(collapse, "collapse", (None, "isomorphism")) is None:
        return arrays
    if classes is None:
        raise ValueError("collapse='isomorphism' needs classes: one isomorphism-class label per entry")
    c = np.asarray(classes)
    if c.shape != arrays[0].shape or c.dtype.kind not in "iu":
        raise ValueError(f"classes must be integer labels of shape {arrays[0].shape}, got {c.dtype} of shape {c.shape}")
    inverse, size = np.unique(c, return_inverse=True, return_counts=True)[1:]
    return [np.bincount(inverse, weights=a) / size for a in arrays]


def bootstrap_interval(boot: np.ndarray, ci: float) -> tuple[float, float]:
    """Percentile bootstrap interval ``(low, high)`` at confidence ``ci`` of the finite values of ``boot``.

    Parameters
    ----------
    boot : numpy.ndarray of float
        Bootstrap values of a statistic (any shape); NaN and inf entries are dropped.
    ci : float
        The confidence level, e.g. 0.95 (not checked here: :func:`rank_agreement` checks it).

    Returns
    -------
    tuple of float
        The ``(1 − ci) / 2`` and ``(1 + ci) / 2`` quantiles (``numpy.quantile``, linear interpolation) of the finite
        values; ``(nan, nan)`` when there is none.

    Raises
    ------
    ValueError
        If some value is finite and ``ci`` is outside [0, 1] (numpy: "Quantiles must be in the range [0, 1]").

    Examples
    --------
    >>> bootstrap_interval(np.arange(1.0, 100.0), 0.5)
    (25.5, 74.5)
    >>> bootstrap_interval(np.array([np.nan, np.inf]), 0.95)
    (nan, nan)
    """
    alpha = 1 - ci
    finite = boot[np.isfinite(boot)]
    if not finite.size:
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def kendall_tau_interval(x: np.ndarray, y: np.ndarray, counts: np.ndarray, ci: float) -> dict:
    """Kendall τ-b of ``(x, y)`` and its percentile CI over the bootstrap resamples ``counts``
    (:func:`bootstrap_counts`): ``{tau, ci_low, ci_high, n, n_boot}``.

    Parameters
    ----------
    x, y : numpy.ndarray of float
        Aligned finite 1-D arrays of the same length ``n``.
    counts : numpy.ndarray of int, shape (B, n)
        The resamples as multiplicities (:func:`bootstrap_counts`).
    ci : float
        The confidence level, e.g. 0.95 (see :func:`bootstrap_interval`).

    Returns
    -------
    dict
        ``tau`` (τ-b of ``(x, y)``), ``ci_low`` and ``ci_high`` (the percentile interval of the ``B`` resampled τ-b,
        NaN ones dropped), ``n`` and ``n_boot`` (``B``).

    Raises
    ------
    ValueError
        As :func:`kendall_tau` for bad ``x``, ``y`` or ``counts``, and as :func:`bootstrap_interval` for ``ci``.

    Examples
    --------
    >>> x = np.arange(20.0)
    >>> y = x[[0, 1, 3, 2, *range(4, 10), 15, *range(11, 15), 10, *range(16, 20)]]     # two pairs swapped
    >>> out = kendall_tau_interval(x, y, bootstrap_counts(20, 200, random_state=0), 0.95)
    >>> {k: round(v, 3) for k, v in out.items()}
    {'tau': 0.895, 'ci_low': 0.73, 'ci_high': 1.0, 'n': 20, 'n_boot': 200}
    """
    low, high = bootstrap_interval(kendall_tau(x, y, weights=counts), ci)
    return {"tau": kendall_tau(x, y), "ci_low": low, "ci_high": high, "n": len(x), "n_boot": len(counts)}


def weighted_tau_bootstrap(x, y, weights) -> np.ndarray:
    """``scipy.stats.weightedtau`` (hyperbolic weights) on each weighted copy of ``(x, y)``.

    ``weights``: ``(B, n)`` multiplicities (e.g. :func:`bootstrap_counts`); row ``r`` repeats
    entry ``i`` ``weights[r, i]`` times.  A loop over the ``B`` rows (scipy has no batched form).

    Parameters
    ----------
    x, y : array_like of float
        Aligned finite 1-D arrays of the same length ``n``.
    weights : array_like of int, shape (B, n)
        Non-negative integer multiplicities, one row per weighted copy.

    Returns
    -------
    numpy.ndarray
        ``(B,)`` float64: the weighted τ of each copy.

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not a finite numeric 1-D array, is empty or their lengths differ, or ``weights`` is not
        a non-negative integer array of shape ``(B, n)``.

    Examples
    --------
    >>> x, y = [0.1, 0.4, 0.35, 0.8, 0.6], [1, 2, 3, 4, 5]
    >>> weighted_tau_bootstrap(x, y, np.array([[1, 1, 1, 1, 1], [2, 1, 0, 1, 1]])).round(3)
    array([0.544, 0.655])
    """
    x, y = _pair(x, y)
    w = _weights(weights, len(x))
    items = np.arange(len(x))
    return np.array([weightedtau(x[s], y[s]).statistic for s in (np.repeat(items, row) for row in w)])


def _cutoffs(k) -> list[int]:
    """The precision@k cut-offs: an iterable of integers >= 1."""
    if isinstance(k, (str, bytes)) or not isinstance(k, Iterable):
        raise ValueError(f"k must be an iterable of integers >= 1 (precision@k cut-offs), got {k!r}")
    return [check_int(kk, "k", 1) for kk in k]


def rank_agreement(proxy, truth, *, k: Iterable[int] | None = None, n_boot: int = 1000, ci: float = 0.95,
                   random_state=None, collapse: str | None = None, classes=None, n_jobs: int | None = None,
                   n_boot_weighted: int = 0) -> pd.DataFrame:
    """How well ``proxy`` ranks architectures as ``truth`` does, with percentile-bootstrap CIs.

    Parameters
    ----------
    proxy, truth : aligned finite arrays (one entry per architecture).
    k : cut-offs for precision@k, each at most the number of entries (else a ValueError); default: 10 and 100
        where they fit.
    n_boot : bootstrap resamples (see :func:`bootstrap_counts`) for the CIs of τ-b and ρ;
        precision@k is a point estimate (CI NaN).
    n_boot_weighted : resamples for the weighted-τ CI, opt-in: the first ``min(n_boot, n_boot_weighted)``
        of the same ones (a loop over ``scipy.stats.weightedtau``, see :func:`weighted_tau_bootstrap`;
        seconds per hundred on the whole space); 0 (default) for no CI (NaN).
    ci : confidence level.
    collapse : ``"isomorphism"`` to average within ``classes`` first.
    n_jobs : threads for the bootstrap (None: 1, -1: every core).

    Returns
    -------
    DataFrame ``measure, estimate, ci_low, ci_high, n, n_boot`` (``n_boot``: the resamples behind that row's CI,
    0 where it has none).

    Raises
    ------
    ValueError
        For non-finite, non-1-D or misaligned ``proxy``/``truth``, a ``k`` above the number of entries, ``ci`` not in
        (0, 1), or a bad ``n_boot``, ``n_boot_weighted``, ``random_state``, ``collapse``/``classes`` or ``n_jobs``.

    Examples
    --------
    >>> table = rank_agreement([0.1, 0.4, 0.35, 0.8, 0.6], [1, 2, 3, 4, 5], k=[2], n_boot=100, random_state=0)
    >>> table["measure"].tolist(), table["estimate"].round(3).tolist()
    (['kendall_tau_b', 'spearman_rho', 'weighted_tau', 'precision@2'], [0.6, 0.8, 0.544, 1.0])
    >>> table["n_boot"].tolist()                        # no CI for weighted τ (opt-in) nor precision@k
    [100, 100, 0, 0]
    """
    p, t = _collapse(list(_pair(proxy, truth, ("proxy", "truth"))), collapse, classes)
    ci, jobs = check_fraction(ci, "ci"), check_n_jobs(n_jobs)
    ks = tuple(kk for kk in (10, 100) if kk <= len(p)) if k is None else _cutoffs(k)
    if any(kk > len(p) for kk in ks):
        raise ValueError(f"k={max(ks)} exceeds the {len(p)} architectures compared: precision@k needs k <= {len(p)} "
                         f"(pass k=() for none)")
    counts = bootstrap_counts(len(p), n_boot, random_state)
    plan = RankPlan(p, t)
    weights = np.vstack([np.ones((1, len(p)), np.int32), counts])
    rows = []
    for name, stat in (("kendall_tau_b", plan.kendall(weights, n_jobs=jobs)),
                       ("spearman_rho", plan.spearman(weights, n_jobs=jobs))):
        rows.append((name, stat[0], *bootstrap_interval(stat[1:], ci)))
    n_weighted = min(n_boot, check_int(n_boot_weighted, "n_boot_weighted", 0))
    weighted = (bootstrap_interval(weighted_tau_bootstrap(p, t, counts[:n_weighted]), ci) if n_weighted
                else (np.nan, np.nan))
    rows.append(("weighted_tau", weightedtau(p, t).statistic, *weighted))
    rows += [(f"precision@{kk}", precision_at_k(p, t, kk), np.nan, np.nan) for kk in ks]
    frame = pd.DataFrame(rows, columns=["measure", "estimate", "ci_low", "ci_high"])
    return frame.assign(n=len(p), n_boot=[n_boot, n_boot, n_weighted, *[0] * len(ks)])


def paired_bootstrap_test(proxy_a, proxy_b, truth, *, measure: str = "kendall", n_boot: int = 1000, ci: float = 0.95,
                          random_state=None, collapse: str | None = None, classes=None, n_jobs: int | None = None
                          ) -> pd.DataFrame:
    """Paired bootstrap comparison of two proxies against the same truth.

    Both proxies are scored on the same resamples; the difference ``score_a − score_b`` gets
    a percentile CI and a two-sided bootstrap p-value
    ``min(1, 2 · min(#{Δ* <= 0} + 1, #{Δ* >= 0} + 1) / (n_boot + 1))``.

    Parameters
    ----------
    proxy_a, proxy_b, truth : array_like of float
        Aligned finite 1-D arrays (one entry per architecture).
    measure : {"kendall", "spearman"}, default "kendall"
        Kendall τ-b or Spearman ρ (``measure`` column: ``kendall_tau_b`` / ``spearman_rho``).
    n_boot : int, default 1000
        Bootstrap resamples, shared by both proxies; those with a NaN difference ``Δ*`` are left out of CI and p-value.
    ci : float, default 0.95
        Confidence level of the interval, strictly between 0 and 1.
    random_state : None, int or numpy.random.Generator, default None
        Seed of the resamples.
    collapse : {None, "isomorphism"}, default None
        ``"isomorphism"`` to average all three arrays within ``classes`` first.
    classes : array_like of int, optional
        One isomorphism-class label per entry; needed with ``collapse="isomorphism"``.
    n_jobs : int or None, default None
        Threads for the bootstrap (None: 1, -1: every core).

    Returns
    -------
    One-row DataFrame ``measure, estimate_a, estimate_b, difference, ci_low, ci_high, p_value, n, n_boot``.

    Raises
    ------
    ValueError
        For non-finite, non-1-D or misaligned arrays, or a bad ``measure``, ``n_boot``, ``ci``, ``random_state``,
        ``collapse``/``classes`` or ``n_jobs``.

    Examples
    --------
    >>> truth, a, b = [1, 2, 3, 4, 5], [0.1, 0.4, 0.35, 0.8, 0.6], [5, 4, 3, 2, 1]
    >>> paired_bootstrap_test(a, b, truth, n_boot=200, random_state=0).round(3).to_dict("records")[0]
    {'measure': 'kendall_tau_b', 'estimate_a': 0.6, 'estimate_b': -1.0, 'difference': 1.6, 'ci_low': 0.0,
     'ci_high': 2.0, 'p_value': 0.08, 'n': 5, 'n_boot': 200}
    """
    which = _MEASURES[check_choice(measure, "measure", tuple(_MEASURES))]
    a, t = _pair(proxy_a, truth, ("proxy_a", "truth"))
    b = check_values(proxy_b, "proxy_b", len(a))
    a, b, t = _collapse([a, b, t], collapse, classes)
    ci, jobs = check_fraction(ci, "ci"), check_n_jobs(n_jobs)
    weights = np.vstack([np.ones((1, len(a)), np.int32), bootstrap_counts(len(a), n_boot, random_state)])
    score = {name: getattr(RankPlan(p, t), measure)(weights, n_jobs=jobs) for name, p in (("a", a), ("b", b))}
    diff = score["a"] - score["b"]
    boot = diff[1:][np.isfinite(diff[1:])]
    p_value = min(1.0, 2 * min((boot <= 0).sum() + 1, (boot >= 0).sum() + 1) / (len(boot) + 1))
    low, high = bootstrap_interval(diff[1:], ci)
    return pd.DataFrame([{"measure": which, "estimate_a": score["a"][0], "estimate_b": score["b"][0],
                          "difference": diff[0], "ci_low": low, "ci_high": high, "p_value": p_value,
                          "n": len(a), "n_boot": n_boot}])


def mean_difference_interval(diff, ci: float = 0.95) -> tuple[float, float, float]:
    """Mean of paired differences with its Student-t interval: ``(mean, low, high)``; NaN entries are dropped,
    and the interval is NaN with fewer than 2 pairs.

    >>> mean_difference_interval([1.0, 2.0, 3.0])
    (2.0, -0.48..., 4.48...)
    """
    from scipy import stats

    diff = np.asarray(diff, dtype=np.float64)
    diff = diff[np.isfinite(diff)]
    if diff.size < 2:
        return (float(diff.mean()) if diff.size else float("nan")), float("nan"), float("nan")
    half = stats.t.ppf(0.5 + ci / 2, diff.size - 1) * diff.std(ddof=1) / np.sqrt(diff.size)
    return float(diff.mean()), float(diff.mean() - half), float(diff.mean() + half)
