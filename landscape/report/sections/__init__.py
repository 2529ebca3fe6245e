"""Report sections: each computes tidy frames from the store (and cached results) and names the figures.

The pieces they share (:class:`~.base.Artifact`, the results folder) live in :mod:`.base`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: Section names in report order; section ``name`` is ``<name>_section`` in module ``.<name>`` (imported on first
#: use of :data:`SECTIONS`, so that the command line answers before matplotlib and torch load).
SECTION_NAMES: tuple[str, ...] = ("space", "neighbourhoods", "barriers", "statistics", "lon", "ranking", "flatness",
                                  "darts_space", "search", "darts_genas", "reproduce", "ladder",
                                  "collapse")

#: Sections that read cached results: they render the runs of one preset (``section(store, preset, results)``);
#: ``--run`` computes them (:data:`landscape.studies.report_runs.PIECES`, the same names).
PRESET_SECTIONS: tuple[str, ...] = ("flatness", "search", "darts_genas", "reproduce", "ladder", "collapse")

#: What to do when a section that reads cached results finds none.
EMPTY_HINTS = {
    "flatness": "run `python -m landscape.flatness --preset cpu` (writes reports/results/flatness_proxies.csv)",
    "darts_space": "install onnxruntime (`pip install 'landscape[nb301]'`) and put the NAS-Bench-301 surrogate "
                   "(slds-lmu_yahpo_data/nb301/model_v2.onnx) in the shared data folder",
    "search": "run `python -m landscape.studies {spos,tables,evolve} --preset cpu --out reports/results/search/"
              "genas-nb201-cpu-seed0` (and the A²M comparison), or `python -m landscape.report --run cpu`",
    "darts_genas": "run `python -m landscape.studies evolve --space darts --preset cpu` and `… tables --space darts "
                   "--preset cpu` (and `darts`/`a2m --space darts` for the comparison), or `python -m landscape.report "
                   "--run cpu`",
    "reproduce": "run `python -m landscape.studies standalone --preset cpu` (hours: the matched-scale ground truth), "
                 "then `python -m landscape.report --run cpu`",
    "ladder": "run `python -m landscape.studies ladder --preset cpu` (about 15 core-hours: the supernet budget ladder), "
              "then `python -m landscape.report --run cpu --only ladder`",
    "collapse": "run `python -m landscape.studies collapse --preset cpu` (the DARTS-collapse study: about half a "
                "core-hour a DARTS run, 1.3 an A²M run; `--limit N` for the first N runs), which writes the tables",
}

__all__ = ["SECTION_NAMES", "PRESET_SECTIONS", "SECTIONS", "EMPTY_HINTS"]


def __getattr__(name: str) -> Any:
    if name == "SECTIONS":  # section name -> function(store) -> list of artifacts, in report order
        sections: dict[str, Callable] = {
            n: getattr(importlib.import_module(f".{n}", __name__), f"{n}_section") for n in SECTION_NAMES}
        globals()["SECTIONS"] = sections
        return sections
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
