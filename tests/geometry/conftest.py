"""Toy graphs with hand-checkable answers, and the NB201 graph of the real store."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from landscape.graph import edge_list, neighbour_table
from landscape.spaces.nb201 import ArchIndex, all_codes


def path_edges(n: int) -> np.ndarray:
    """Edges of the path graph 0 - 1 - ... - n-1."""
    return np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)


@pytest.fixture
def path5() -> np.ndarray:
    return path_edges(5)


@pytest.fixture(scope="session")
def toy_codes() -> np.ndarray:
    """The 2-edge × 3-op product space: row i is node i (a shuffled order, so ids are not keys)."""
    codes = np.array(list(product(range(3), repeat=2)))
    return codes[np.random.default_rng(7).permutation(len(codes))]


@pytest.fixture(scope="session")
def toy_edges(toy_codes) -> np.ndarray:
    """Hamming-1 edges of the toy space (each cell has 2 × 2 = 4 neighbours)."""
    d = (toy_codes[:, None, :] != toy_codes[None, :, :]).sum(-1)
    u, v = np.nonzero(np.triu(d == 1))
    return np.stack([u, v], axis=1)


@pytest.fixture(scope="session")
def base5_index() -> ArchIndex:
    """An NB201 index in base-5 key order: the full space without needing the store."""
    return ArchIndex(all_codes())


@pytest.fixture(scope="session")
def nb201_edges(store) -> np.ndarray:
    return edge_list(neighbour_table(store.index))


@pytest.fixture(scope="session")
def cifar10(store) -> np.ndarray:
    return store.array("cifar10", split="test", epochs=200)
