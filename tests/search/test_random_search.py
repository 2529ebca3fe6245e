"""Random search by a proxy: the expected best of ``budget`` uniform draws, by definition, and its argument checks."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from landscape.search.random_search import random_search


def test_an_oracle_search_finds_the_expected_best_of_k_draws():
    """Definition: the best of k cells drawn without replacement from n is the j-th smallest with probability
    C(j-1, k-1) / C(n, k)."""
    truth = np.array([90.0, 91.5, 92.0, 93.0, 94.0, 94.5])
    n, k = len(truth), 3
    expected = sum(comb(j - 1, k - 1) / comb(n, k) * t for j, t in enumerate(np.sort(truth), start=1))
    found = random_search(truth, truth, k, n_repeats=20_000, random_state=1)
    assert found["mean"] == pytest.approx(expected, abs=0.03)
    assert random_search(truth, truth, n, n_repeats=50)["q_low"] == truth.max()
    assert random_search(-truth, truth, 1, n_repeats=20_000, random_state=2)["mean"] == pytest.approx(truth.mean(),
                                                                                                      abs=0.05)


@pytest.mark.parametrize("ci", [0.0, 1.0, 1.5, -0.1, "0.9"])
def test_a_confidence_level_outside_zero_one_is_refused(ci):
    with pytest.raises(ValueError, match="ci"):
        random_search(np.arange(4.0), np.arange(4.0), 2, ci=ci)
