"""Search drivers for end-to-end checks: SPOS + evolution (GeNAS) and first-order DARTS + A²M.

Training runs (minutes even at the smoke preset), so not run as doctests:

>>> trained = train_supernet("smoke", "runs/genas")                      # doctest: +SKIP
>>> result = run_search("smoke", "runs/genas", fitness="angle_flatness")  # doctest: +SKIP
>>> tables = proxy_tables("smoke", "runs/genas")                         # doctest: +SKIP
>>> result = run_darts("nb201", "smoke", method="a2m", out="runs/a2m")   # doctest: +SKIP
"""

from .a2m import a2m_gradient, darts_gradient
from .darts import DARTS_PRESETS, DartsPreset, compare_a2m_darts, run_darts
from .evolution import GENOMES, EvolutionResult, Genome, crossover, evolutionary_search, mutate
from .genas import SearchResult, run_search
from .proxy_cache import FITNESSES, PROXIES, ProxyCache, proxy_frame
from .presets import SEARCH_PRESETS, SearchPreset, get_preset
from .spos import TrainedSupernet, train_supernet
from .tables import ProxyTables, pairwise_table, proxy_tables, rank_table, sample_archs, wide

__all__ = [
    "SearchPreset", "SEARCH_PRESETS", "get_preset",
    "TrainedSupernet", "train_supernet",
    "FITNESSES", "PROXIES", "Genome", "GENOMES", "EvolutionResult", "SearchResult", "ProxyCache", "mutate", "crossover",
    "evolutionary_search", "proxy_frame", "run_search",
    "ProxyTables", "sample_archs", "rank_table", "pairwise_table", "wide", "proxy_tables",
    "a2m_gradient", "darts_gradient", "DartsPreset", "DARTS_PRESETS", "run_darts", "compare_a2m_darts",
]
