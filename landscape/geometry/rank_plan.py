"""Batched, exact Kendall τ-b and Spearman ρ for many integer weightings of one pair of arrays.

A bootstrap resample of ``n`` items is a vector of multiplicities ``w`` (how often each
item was drawn); both statistics of the resample depend only on ``w``.  The sorting work
is done once per pair of arrays (:class:`RankPlan`); every weighting then costs a few
``take``/``cumsum`` passes, batched over weightings.

τ-b (Knight's algorithm, weighted): sort by ``(x, y)``; the discordant count is the
weighted inversion count of ``y`` in that order, summed over the levels of a bottom-up
merge sort whose merged orders are precomputed: at each level the cross pairs of a block
(left half × right half) that are *not* inversions are ``Σ_j w_j · (left weight before j
in the merged y order)``, one cumulative sum; all cross pairs together are
``(N² − Σ w²) / 2``.  Ties come from prefix sums over tie groups.  Same value as
``scipy.stats.kendalltau`` (variant ``"b"``) on the resampled arrays.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["RankPlan"]


def _starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Start of every run of equal keys, and the end."""
    return np.r_[np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]), len(sorted_keys)]


class RankPlan:
    """Precomputed orders of ``x`` and ``y`` (finite 1-D arrays of equal length ``n``)."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        n = len(x)
        rx, ry = np.unique(x, return_inverse=True)[1], np.unique(y, return_inverse=True)[1]
        order = np.lexsort((ry, rx))
        xo, yo = rx[order], ry[order]
        self.n, self.order, self.order_y = n, order, np.argsort(ry, kind="stable")
        self.ties_x = _starts(xo)
        self.ties_xy = _starts(xo * (int(ry.max()) + 1) + yo)
        self.ties_y = _starts(ry[self.order_y])
        pos = np.arange(n)
        self.levels: list[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = []
        width = 1
        while width < n:  # log2(n) merge levels: (left sources, right sources, left count before each right, width)
            block, right = pos // (2 * width), (pos // width) % 2 == 1
            merged = np.lexsort((right, yo, block))  # y ascending; left before right on ties
            is_right = right[merged]
            left_upto = np.cumsum(~is_right)  # left elements at or before each merged position
            self.levels.append((order[merged[~is_right]], order[merged[is_right]], left_upto[is_right], width))
            width *= 2
        self.rank_x_group = np.repeat(np.arange(len(self.ties_x) - 1), np.diff(self.ties_x))  # in x order
        self.rank_y_group = np.repeat(np.arange(len(self.ties_y) - 1), np.diff(self.ties_y))  # in y order

    def kendall(self, weights: np.ndarray, *, chunk: int = 16, n_jobs: int = 1) -> np.ndarray:
        """τ-b for each row of ``weights`` (``(B, n)`` non-negative integers); NaN where undefined.

        Rows are processed ``chunk`` at a time, on ``n_jobs`` threads (NumPy releases the GIL).
        """
        w_all = np.asarray(weights, dtype=np.int32)
        big = int(w_all.sum(axis=1).max(initial=0)) * int(w_all.max(initial=0)) >= 2**31  # cs × w overflows int32
        wide = np.int64 if big else np.int32
        return _by_chunks(lambda w: self._kendall_block(w.astype(wide, copy=False)), w_all, chunk, n_jobs)

    def _kendall_block(self, w: np.ndarray) -> np.ndarray:
        px, py = self._prefix(w, self.order), self._prefix(w, self.order_y)
        total = px[:, -1].astype(np.float64)
        n0 = total * (total - 1) / 2
        n1, n3, n2 = (_tie_pairs(p, g) for p, g in ((px, self.ties_x), (px, self.ties_xy), (py, self.ties_y)))
        ordered = np.zeros(len(w), np.int64)
        for left, right, left_before, width in self.levels:  # small per-level arrays stay in cache
            cs = self._prefix(w, left)
            prod = np.take(cs, left_before, axis=1, mode="clip")
            prod *= np.take(w, right, axis=1, mode="clip")
            ordered += prod.sum(axis=1, dtype=np.int64)
            mids = px[:, width:self.n:2 * width]  # minus the left weight of earlier blocks (strided)
            ends = px[:, 2 * width:self.n + 1:2 * width]
            if ends.shape[1] < mids.shape[1]:  # the last block is cut short by n
                ends = np.concatenate([ends, px[:, -1:]], axis=1)
            ordered -= np.einsum("ij,ij->i", ends - mids, cs[:, :mids.shape[1] * width:width], dtype=np.int64)
        discordant = (total * total - np.einsum("ij,ij->i", w, w, dtype=np.float64)) / 2 - ordered
        with np.errstate(invalid="ignore", divide="ignore"):
            return (n0 - n1 - n2 + n3 - 2 * discordant) / np.sqrt((n0 - n1) * (n0 - n2))

    @staticmethod
    def _prefix(w: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Row-wise prefix sums of ``w[:, index]`` with a leading zero column, in ``w``'s dtype."""
        out = np.empty((len(w), len(index) + 1), w.dtype)
        out[:, 0] = 0
        np.cumsum(np.take(w, index, axis=1, mode="clip"), axis=1, dtype=w.dtype, out=out[:, 1:])
        return out

    def spearman(self, weights: np.ndarray, *, chunk: int = 64, n_jobs: int = 1) -> np.ndarray:
        """Spearman ρ (Pearson correlation of average ranks) for each row of ``weights``; NaN where undefined."""
        return _by_chunks(self._spearman_block, np.asarray(weights, dtype=np.float64), chunk, n_jobs)

    def _spearman_block(self, w: np.ndarray) -> np.ndarray:
        rank_x, rank_y = np.empty_like(w), np.empty_like(w)
        rank_x[:, self.order] = _average_ranks(np.take(w, self.order, axis=1), self.ties_x, self.rank_x_group)
        rank_y[:, self.order_y] = _average_ranks(np.take(w, self.order_y, axis=1), self.ties_y, self.rank_y_group)
        mean = (w.sum(axis=1, keepdims=True) + 1) / 2
        rank_x -= mean
        rank_y -= mean
        wx = w * rank_x
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.einsum("ij,ij->i", wx, rank_y) / np.sqrt(
                np.einsum("ij,ij->i", wx, rank_x) * np.einsum("ij,ij,ij->i", w, rank_y, rank_y))


def _by_chunks(block, rows: np.ndarray, chunk: int, n_jobs: int) -> np.ndarray:
    """``block`` applied to consecutive ``chunk``-row slices of ``rows``, on ``n_jobs`` threads, concatenated."""
    parts = [rows[lo:lo + chunk] for lo in range(0, len(rows), chunk)]
    if n_jobs == 1 or len(parts) < 2:
        return np.concatenate([block(p) for p in parts] or [np.empty(0)])
    with ThreadPoolExecutor(n_jobs) as pool:
        return np.concatenate(list(pool.map(block, parts)))


def _tie_pairs(prefix: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``Σ_g T_g (T_g − 1) / 2`` over tie groups, ``T_g`` the weight of group ``g``."""
    t = np.diff(np.take(prefix, starts, axis=1, mode="clip"), axis=1)
    return np.einsum("ij,ij->i", t, t - 1, dtype=np.float64) / 2


def _average_ranks(w_sorted: np.ndarray, starts: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Average 1-based rank of each item (columns in sorted order) among ``Σ w`` draws."""
    prefix = np.concatenate([np.zeros((len(w_sorted), 1)), np.cumsum(w_sorted, axis=1)], axis=1)
    at = np.take(prefix, starts, axis=1)
    group_rank = at[:, :-1] + (np.diff(at, axis=1) + 1) / 2
    return np.take(group_rank, group, axis=1)
