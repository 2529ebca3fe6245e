"""Search drivers for end-to-end checks: SPOS + evolution (GeNAS) and first-order DARTS + A²M.

Names are imported on first use, so ``python -m landscape.search --help`` answers before torch loads.
Training runs (minutes even at the smoke preset), so not run as doctests:

>>> trained = train_supernet("smoke", "runs/genas")                      # doctest: +SKIP
>>> result = run_search("smoke", "runs/genas", fitness="angle_flatness")  # doctest: +SKIP
>>> tables = proxy_tables("smoke", "runs/genas")                         # doctest: +SKIP
"""

from __future__ import annotations

from ..lazy import lazy_exports

#: Public name → the submodule that defines it.
_WHERE = {
    "a2m_gradient": "a2m", "darts_gradient": "a2m",
    "METHODS": "gradient", "VARIANTS": "gradient", "BilevelConfig": "gradient", "search_epoch": "gradient",
    "GENOMES": "evolution", "EvolutionResult": "evolution", "Genome": "evolution", "crossover": "evolution",
    "evolutionary_search": "evolution", "mutate": "evolution",
    "SearchResult": "genas", "run_search": "genas",
    "ProxyCache": "proxy_cache", "proxy_frame": "proxy_cache",
    "FITNESSES": "vocabulary", "PROXIES": "vocabulary",
    "SEARCH_PRESETS": "presets", "SearchPreset": "presets", "get_preset": "presets",
    "TrainedSupernet": "spos", "train_supernet": "spos",
    "ProxyTables": "tables", "pairwise_table": "tables", "proxy_tables": "tables", "rank_table": "tables",
    "sample_archs": "tables", "wide": "tables",
}

__all__ = list(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
