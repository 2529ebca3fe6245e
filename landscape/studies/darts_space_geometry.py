"""The DARTS space's geometry under the NAS-Bench-301 surrogate, computed once and kept for the report.

:func:`~landscape.geometry.darts_space.darts_space_summary` (neighbourhoods, flatness and barriers of 200 seeded
random genotypes and the published ones) over the YAHPO-Gym NB301 v2 surrogate, written as CSVs to
``<results>/darts_space`` with the surrogate's own rank agreement with NASLib's trained genotypes
(``surrogate.csv``), so that the report reads numbers and never calls the oracle.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..geometry.darts_space import darts_space_summary
from ..oracles.nb301 import NASLIB_TAU, NB301Surrogate
from ..runs import RunStore

__all__ = ["N_GENOTYPES", "darts_space_tables", "surrogate_agreement"]

#: Random genotypes the summary samples (seed 0).
N_GENOTYPES = 200


def surrogate_agreement() -> pd.DataFrame:
    """The surrogate's Kendall τ against NASLib's trained DARTS genotypes (:data:`~landscape.oracles.nb301.NASLIB_TAU`),
    one row: ``tau, ci_low, ci_high``."""
    return pd.DataFrame([dict(zip(("tau", "ci_low", "ci_high"), NASLIB_TAU))])


def darts_space_tables(results: str | os.PathLike, *, surrogate: NB301Surrogate | None = None
                       ) -> dict[str, pd.DataFrame]:
    """Compute (or read back) the DARTS-space summary into ``<results>/darts_space``: every frame of
    :func:`~landscape.geometry.darts_space.darts_space_summary` and ``surrogate``."""
    run = RunStore(Path(results) / "darts_space", {"stage": "darts space geometry", "n_genotypes": N_GENOTYPES,
                                                     "random_state": 0, "oracle": "nb301 v2 (YAHPO-Gym)"})
    if run.table_path("surrogate").exists():
        return {p.stem: run.read(p.stem) for p in sorted(run.path.glob("*.csv"))}
    frames = darts_space_summary(NB301Surrogate() if surrogate is None else surrogate, N_GENOTYPES, random_state=0)
    frames["surrogate"] = surrogate_agreement()
    for name, frame in frames.items():
        run.write(name, frame)
    return frames
