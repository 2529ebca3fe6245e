"""The one preset vocabulary of the package.

Every driver offers the same three scales, each with its own settings:
:data:`landscape.studies.presets.SEARCH_PRESETS` (SPOS + evolution), :data:`landscape.studies.darts.DARTS_PRESETS`
(DARTS / A²M), :data:`landscape.flatness.study.STUDY_PRESETS` (stand-alone proxy study) and
``python -m landscape.report --run``.

* ``smoke`` — seconds to minutes, for tests and a first try; its numbers mean nothing;
* ``cpu`` — what a 2-core machine finishes in hours; every published number in ``reports/`` uses it;
* ``paper`` — the papers' settings, for a GPU.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PRESETS", "results_folder"]

PRESETS: tuple[str, ...] = ("smoke", "cpu", "paper")


def results_folder(preset: str) -> Path:
    """Where the runs of ``preset`` go by default, relative to the repository root: ``runs/results`` for smoke
    (ignored by git, never among the published results), ``reports/results`` for cpu and paper."""
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, got {preset!r}")
    return Path("runs" if preset == "smoke" else "reports") / "results"
