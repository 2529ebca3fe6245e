"""A tiny search preset and one supernet trained with it, shared by the search tests."""

from __future__ import annotations

import dataclasses

import pytest

from landscape.studies import get_preset, train_supernet

TINY = dataclasses.replace(get_preset("smoke"), name="tiny", train_per_class=4, valid_per_class=2, batch_size=20,
                           eval_batch_size=20, population=4, generations=3, top_k=2, mutants=2, crossovers=1)


@pytest.fixture(scope="session")
def trained_dir(shared_data, tmp_path_factory):
    """Results folder holding a finished TINY supernet (seed 0)."""
    out = tmp_path_factory.mktemp("genas")
    train_supernet(TINY, out, random_state=0, progress=False)
    return out
