"""The papers' experiments, built on the algorithms of :mod:`landscape.search`: presets, data, folders, drivers,
ground-truth lookups, tables and verdicts.  ``python -m landscape.studies`` runs them.

* :mod:`~landscape.studies.presets` — the GeNAS scales (``smoke``, ``cpu``, ``paper``) of each space;
* :mod:`~landscape.studies.supernet` — SPOS supernet training, checkpointed and resumable;
* :mod:`~landscape.studies.proxy_cache` — the GeNAS proxies of sub-networks, each evaluated once and kept;
* :mod:`~landscape.studies.genas` — GeNAS end to end: supernet, evolution by a fitness, ground-truth lookup;
* :mod:`~landscape.studies.genas_tables` / :mod:`~landscape.studies.genas_darts_space` — GeNAS Tables 5, 8, 9 on
  NB201, and Table 5 on the DARTS space against the NB301 surrogate;
* :mod:`~landscape.studies.darts` — first-order DARTS and A²M as the A²M code runs them;
* :mod:`~landscape.studies.standalone` — cells trained alone with the supernet's recipe (the matched truth);
* :mod:`~landscape.studies.reproduce` — the "Does it reproduce?" claims and verdicts;
* :mod:`~landscape.studies.ladder` / :mod:`~landscape.studies.ladder_results` — the supernet budget ladder;
* :mod:`~landscape.studies.collapse` — A²M where DARTS fails, and inside the other differentiable methods;
* :mod:`~landscape.studies.precision` — does fast training change the science?

Names are imported on first use, so the command line answers ``--help`` before torch loads.
"""

from __future__ import annotations

from ..lazy import lazy_exports

#: Public name → the submodule that defines it.
_WHERE = {
    "SEARCH_PRESETS": "presets", "DARTS_SPACE_PRESETS": "presets", "SearchPreset": "presets", "get_preset": "presets",
    "TrainedSupernet": "supernet", "train_supernet": "supernet",
    "ProxyCache": "proxy_cache", "proxy_frame": "proxy_cache",
    "FITNESSES": "vocabulary", "PROXIES": "vocabulary",
    "SearchResult": "genas", "run_search": "genas",
    "ProxyTables": "genas_tables", "pairwise_table": "genas_tables", "proxy_tables": "genas_tables",
    "rank_table": "genas_tables", "sample_archs": "genas_tables", "wide": "genas_tables",
    "darts_tables": "genas_darts_space",
    "DARTS_PRESETS": "darts", "DartsPreset": "darts", "compare_a2m_darts": "darts", "run_darts": "darts",
    "run_standalone": "standalone", "matched_cells": "standalone",
    "reproduction": "reproduce",
    "LADDER_PRESETS": "ladder", "run_ladder": "ladder", "ladder_proxies": "ladder",
    "ladder_results": "ladder_results",
    "COLLAPSE_PRESETS": "collapse", "run_collapse": "collapse",
    "precision_study": "precision",
}

__all__ = list(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
