"""Geometry of NAS landscapes: neighbourhood statistics, barriers, landscape statistics and rank agreement.

Pure NumPy/SciPy/pandas.  Functions take metric arrays and a ``graph`` (anything
:func:`landscape.graph.as_graph` accepts: an NB201 ``ArchIndex``, an ``(m, 2)`` edge array, a
``networkx.Graph``, a toy product space's ``SpaceGraph``), so they run on toy graphs as on the
15,625-cell NB201 space; :mod:`landscape.bench.analyses` applies them to the ground-truth store.
"""

from .barriers import (abc_path_barriers, barrier_tree, basins, distance3_pairs, max_spanning_tree, minimax_barriers,
                       minimax_quantiles, pair_barriers, path_barriers, steepest_ascent, weak_strong_basins)
from .landscape_stats import (ATOL, FDC_METHODS, autocorrelation, best_neighbour, correlation_length,
                              fitness_distance_correlation, global_optima, landscape_summary, local_optima,
                              neutral_network_table, neutral_networks, quotient, random_walk_autocorrelation)
from .lon import EDGE_TYPES, LON, basin_lon, funnels, sampled_lon
from .neighbourhood import (ABC_INTERVALS, STATISTICS, abc_neighbours, abc_summary, flatness_by_decile, neighbourhood,
                            neighbourhood_flatness, neighbourhood_stats, table_stats)
from .ranking import (bootstrap_counts, bootstrap_interval, kendall_tau, kendall_tau_interval, paired_bootstrap_test,
                      precision_at_k, rank_agreement, spearman_rho, weighted_tau_bootstrap)

__all__ = [
    "ABC_INTERVALS", "STATISTICS", "neighbourhood", "neighbourhood_stats", "neighbourhood_flatness", "table_stats",
    "flatness_by_decile", "abc_neighbours", "abc_summary",
    "path_barriers", "pair_barriers", "distance3_pairs", "abc_path_barriers", "minimax_quantiles",
    "max_spanning_tree", "minimax_barriers", "barrier_tree", "steepest_ascent", "basins", "weak_strong_basins",
    "best_neighbour", "local_optima", "neutral_networks", "neutral_network_table", "fitness_distance_correlation",
    "random_walk_autocorrelation", "autocorrelation", "correlation_length", "FDC_METHODS", "global_optima",
    "quotient", "landscape_summary", "ATOL", "LON", "EDGE_TYPES", "basin_lon", "sampled_lon", "funnels",
    "kendall_tau", "kendall_tau_interval", "spearman_rho", "precision_at_k", "bootstrap_counts", "bootstrap_interval",
    "weighted_tau_bootstrap", "rank_agreement", "paired_bootstrap_test",
]
