"""Geometry of NAS landscapes: neighbourhood statistics, barriers, landscape statistics and rank agreement.

Pure NumPy/SciPy/pandas.  Functions take metric arrays and an explicit graph (an NB201
``ArchIndex``, an ``(m, 2)`` edge array, or a toy product space's code table), so they run
on toy graphs as on the 15,625-cell NB201 space; the ``store_*`` helpers apply them to the
ground-truth store.
"""

from .barriers import (
                       barrier_tree,
                       basins,
                       max_spanning_tree,
                       minimax_barriers,
                       pair_barriers,
                       path_barriers,
                       steepest_ascent,
)
from .landscape_stats import (
                       best_neighbour,
                       correlation_length,
                       fitness_distance_correlation,
                       landscape_summary,
                       local_optima,
                       neutral_network_table,
                       neutral_networks,
                       quotient,
                       random_walk_autocorrelation,
                       store_landscape_summary,
)
from .neighbourhood import (
                       ABC_INTERVALS,
                       STATISTICS,
                       abc_neighbours,
                       flatness_by_decile,
                       neighbourhood,
                       neighbourhood_flatness,
                       neighbourhood_stats,
)
from .ranking import (
                       bootstrap_counts,
                       kendall_tau,
                       paired_bootstrap_test,
                       precision_at_k,
                       rank_agreement,
                       spearman_rho,
                       store_rank_agreement,
                       weighted_tau_bootstrap,
)

__all__ = [
    "ABC_INTERVALS", "STATISTICS", "neighbourhood", "neighbourhood_stats", "neighbourhood_flatness",
    "flatness_by_decile", "abc_neighbours",
    "path_barriers", "pair_barriers", "max_spanning_tree", "minimax_barriers", "barrier_tree", "steepest_ascent",
    "basins",
    "best_neighbour", "local_optima", "neutral_networks", "neutral_network_table", "fitness_distance_correlation",
    "random_walk_autocorrelation", "correlation_length", "quotient", "landscape_summary", "store_landscape_summary",
    "kendall_tau", "spearman_rho", "precision_at_k", "bootstrap_counts", "weighted_tau_bootstrap", "rank_agreement",
    "paired_bootstrap_test", "store_rank_agreement",
]
