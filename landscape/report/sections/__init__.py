"""Report sections: each computes tidy frames from the store (and cached results) and names the figures.

The pieces they share (:class:`~.base.Artifact`, the results folder) live in :mod:`.base`.
"""

from __future__ import annotations

from .barriers import barriers_section
from .darts_genas import darts_genas_section
from .darts_space import darts_space_section
from .flatness import flatness_section
from .neighbourhoods import neighbourhoods_section
from .ranking import ranking_section
from .reproduce import reproduce_section
from .search import search_section
from .space import space_section
from .statistics import statistics_section

#: Section name -> function(store) -> list of artifacts, in report order.
SECTIONS = {"space": space_section, "neighbourhoods": neighbourhoods_section, "barriers": barriers_section,
            "statistics": statistics_section, "ranking": ranking_section, "flatness": flatness_section,
            "darts_space": darts_space_section, "search": search_section, "darts_genas": darts_genas_section,
            "reproduce": reproduce_section}

#: What to do when a section that reads cached results finds none.
EMPTY_HINTS = {
    "flatness": "run `python -m landscape.flatness.study --preset cpu` (writes reports/results/flatness_proxies.csv)",
    "darts_space": "install onnxruntime (`pip install 'landscape[nb301]'`) and put the NAS-Bench-301 surrogate "
                   "(slds-lmu_yahpo_data/nb301/model_v2.onnx) in the shared data folder",
    "search": "run `python -m landscape.search {spos,tables,evolve} --preset cpu --out reports/results/search/"
              "genas-nb201-cpu-seed0` (and the A²M comparison), or `python -m landscape.report --run cpu`",
    "darts_genas": "run `python -m landscape.search evolve --space darts --preset cpu` and `… tables --space darts "
                   "--preset cpu` (and `darts`/`a2m --space darts` for the comparison), or `python -m landscape.report "
                   "--run cpu`",
    "reproduce": "run `python -m landscape.search standalone --preset cpu` (hours: the matched-scale ground truth), "
                 "then `python -m landscape.report --run cpu`",
}

__all__ = ["SECTIONS", "EMPTY_HINTS"]
