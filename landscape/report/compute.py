"""``python -m landscape.report --run PRESET``: compute the cached results the report reads, where missing.

Everything is resumable, so an interrupted ``--run`` continues where it stopped and a second
one finds everything done.  Results land in ``reports/results/`` (``runs/results/`` for the smoke preset:
:func:`~landscape.report.sections.base.results_root`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..presets import PRESETS
from ..validation import check_choice
from .sections import PRESET_SECTIONS
from .sections.base import results_root

A2M_SEEDS = (0, 1, 2)


def compute_missing(preset: str, results: Path, *, only: Sequence[str] | None = None, device: str = "auto",
                    progress: bool = True) -> None:
    """Compute, where missing, the cached results that the report sections ``only`` (default: all) read, at
    ``preset``, under ``results``: the stand-alone flatness study (``flatness``), GeNAS (SPOS, tables,
    angle+flatness evolution) and A²M vs DARTS on NB201 (``search``) and on the DARTS space (``darts_genas``),
    and, below the paper preset, the matched-scale stand-alone training and the "Does it reproduce?" tables
    (``reproduce``, which needs the NB201 runs), and the supernet budget ladder (``ladder``)."""
    check_choice(preset, "--run preset", PRESETS)
    wanted = set(PRESET_SECTIONS if not only else only)
    from ..flatness.study import evaluate_proxies, spread_architectures
    from ..search import proxy_tables, run_search
    from ..studies.darts import compare_a2m_darts
    from ..studies.genas_darts_space import darts_tables
    from ..studies.reproduce import reproduction
    from ..studies.standalone import run_standalone, study_cells

    results.mkdir(parents=True, exist_ok=True)
    if "flatness" in wanted:
        evaluate_proxies(spread_architectures(8, 0), preset, out=results / "flatness_proxies.csv", device=device,
                         progress=progress)
    genas = results / "search" / f"genas-nb201-{preset}-seed0"
    a2m = results / "search" / f"a2m-nb201-{preset}"
    if wanted & {"search", "reproduce"}:
        proxy_tables(preset, genas, device=device, progress=progress)
        run_search(preset, genas, fitness="angle_flatness", device=device, progress=progress)
        compare_a2m_darts("nb201", preset, list(A2M_SEEDS), a2m, device=device, progress=progress)
    if "darts_genas" in wanted:
        darts = results / "search" / f"genas-darts-{preset}-seed0"
        darts_tables(preset, darts, device=device, progress=progress)
        run_search(preset, darts, space="darts", fitness="angle_flatness", device=device, progress=progress)
        compare_a2m_darts("darts", preset, list(A2M_SEEDS), results / "search" / f"a2m-darts-{preset}",
                          device=device, progress=progress)
    standalone = results / "standalone" / f"nb201-{preset}"
    if "reproduce" in wanted and preset != "paper":  # matched-scale ground truth: CPU hours (none for paper yet)
        run_standalone(preset, standalone, study_cells(preset, a2m), progress=progress)
        reproduction(preset, genas, standalone, a2m_dir=a2m, device=device, progress=progress)
    if "ladder" in wanted:  # the supernet budget ladder: core-hours at the cpu preset
        from ..studies.ladder import run_ladder
        from ..studies.ladder_results import ladder_results

        ladder = results / "ladder" / f"nb201-{preset}"
        run_ladder(preset, ladder, progress=progress)
        truth = results_root("cpu") / "standalone" / "nb201-cpu" / "runs.csv"  # the matched truth is the cpu one
        ladder_results(preset, ladder, pd.read_csv(truth))
