"""Search spaces as graphs of neighbouring architectures.

* :mod:`.nb201` — the NB201 neighbour table (24 per cell) and Hamming spheres, vectorised over 15,625 cells;
* :mod:`.darts` — the DARTS space's A²M moves (120 neighbours per genotype), distances, spheres and sampling;
* :mod:`.views` — ``networkx`` graphs from edge arrays and quotients by a partition (isomorphism classes);
* :mod:`.space_graph` — :class:`SpaceGraph` / :func:`as_graph`, the one ``graph`` argument every
  :mod:`landscape.geometry` function accepts (an ``ArchIndex``, an edge array, a ``networkx.Graph``).

The NB201 graph with the store's accuracies on its nodes is :func:`landscape.bench.nb201_graph`.
"""

from .nb201 import edge_list, hamming_sphere, neighbour_table, sphere_size
from .space_graph import SpaceGraph, adjacency, as_graph
from .views import graph_from_edges, quotient_degrees, quotient_edges, quotient_graph

__all__ = ["neighbour_table", "hamming_sphere", "sphere_size", "edge_list", "SpaceGraph", "as_graph", "adjacency",
           "graph_from_edges", "quotient_edges", "quotient_graph", "quotient_degrees"]
