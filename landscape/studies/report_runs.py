"""The runs behind the report: ``python -m landscape.report --run PRESET`` computes, where missing, the cached
results the report's sections read, then the report only reads them.

Everything is resumable, so an interrupted ``--run`` continues where it stopped and a second one finds everything
done.  Results land under a results root (``reports/results/``, ``runs/results/`` for the smoke preset), in the
layout of :mod:`landscape.studies.layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..presets import PRESETS
from ..validation import check_choice
from . import layout

__all__ = ["PIECES", "A2M_SEEDS", "compute_missing"]

#: The report sections that read cached results, and so the pieces ``--run`` computes, in order.
PIECES: tuple[str, ...] = ("flatness", "darts_space", "search", "darts_genas", "reproduce", "ladder", "collapse")
#: Seeds of the A²M-against-DARTS comparison the report shows.
A2M_SEEDS = (0, 1, 2)


def _flatness(preset: str, results: Path, device: str, progress: bool) -> None:
    from ..flatness.study import evaluate_proxies, spread_architectures

    evaluate_proxies(spread_architectures(8, 0), preset, out=layout.flatness_csv(results), device=device,
                     progress=progress)


def _genas(space: str, preset: str, results: Path, device: str, progress: bool) -> None:
    """The GeNAS run of ``space`` (supernet, tables, angle+flatness evolution) and A²M against DARTS on it; on the
    DARTS space, the searches compared under the NB301 surrogate."""
    from .darts import compare_a2m_darts
    from .genas import run_search
    from .genas_darts_space import darts_tables, write_search_comparison
    from .genas_tables import proxy_tables

    genas, a2m = layout.genas_dir(results, space, preset), layout.a2m_dir(results, space, preset)
    tables = {"nb201": proxy_tables, "darts": darts_tables}[space]
    tables(preset, genas, device=device, progress=progress)
    run_search(preset, genas, space=space, fitness="angle_flatness", device=device, progress=progress)
    compare_a2m_darts(space, preset, list(A2M_SEEDS), a2m, device=device, progress=progress)
    compared = {"darts": write_search_comparison}.get(space)
    if compared is not None:
        compared(genas, a2m_dir=a2m)


def _reproduce(preset: str, results: Path, device: str, progress: bool) -> None:
    from .reproduce import reproduction
    from .standalone import run_standalone, study_cells

    a2m = layout.a2m_dir(results, "nb201", preset)
    standalone = layout.standalone_dir(results, preset)
    run_standalone(preset, standalone, study_cells(preset, a2m), progress=progress)
    reproduction(preset, layout.genas_dir(results, "nb201", preset), standalone, a2m_dir=a2m, device=device,
                 progress=progress)


def _ladder(preset: str, results: Path, truth: Path, progress: bool) -> None:
    from .ladder import run_ladder
    from .ladder_results import ladder_results

    folder = layout.ladder_dir(results, preset)
    run_ladder(preset, folder, progress=progress)
    ladder_results(preset, folder, pd.read_csv(layout.standalone_dir(truth, "cpu") / "runs.csv"))


def compute_missing(preset: str, results: Path, *, only: Sequence[str] | None = None, device: str = "auto",
                    progress: bool = True, truth: Path | None = None) -> None:
    """Compute, where missing, the cached results of the pieces ``only`` (None: all of :data:`PIECES`) at
    ``preset`` under ``results``: the stand-alone flatness study (``flatness``), the DARTS space's geometry under
    the NB301 surrogate (``darts_space``), GeNAS (SPOS, tables,
    angle+flatness evolution) and A²M vs DARTS on NB201 (``search``) and on the DARTS space (``darts_genas``),
    below the paper preset the matched-scale stand-alone training and the "Does it reproduce?" tables
    (``reproduce``), the supernet budget ladder (``ladder``, judged against the cpu matched truth under
    ``truth``, default ``results``) and the DARTS-collapse study (``collapse``)."""
    check_choice(preset, "--run preset", PRESETS)
    wanted = set(PIECES if only is None else only)
    for name in wanted:
        check_choice(name, "piece", PIECES)
    results.mkdir(parents=True, exist_ok=True)
    if "flatness" in wanted:
        _flatness(preset, results, device, progress)
    if "darts_space" in wanted:
        from .darts_space_geometry import darts_space_tables

        darts_space_tables(results)
    if wanted & {"search", "reproduce"}:
        _genas("nb201", preset, results, device, progress)
    if "darts_genas" in wanted:
        _genas("darts", preset, results, device, progress)
    if "reproduce" in wanted and preset != "paper":  # matched-scale ground truth: CPU hours (none for paper yet)
        _reproduce(preset, results, device, progress)
    if "ladder" in wanted:  # the supernet budget ladder: core-hours at the cpu preset
        _ladder(preset, results, results if truth is None else truth, progress)
    if "collapse" in wanted:  # DARTS long enough to collapse, A²M beside it: core-hours at the cpu preset
        from .collapse import run_collapse
        from .collapse_results import collapse_results

        run_collapse(preset, layout.collapse_dir(results, preset), progress=progress)
        collapse_results(preset, layout.collapse_dir(results, preset))
