"""landscape: the geometry of neural-architecture-search landscapes.

Modules, left to right (a module imports only from those to its left):
``spaces`` (architectures) → ``bench`` (ground truth) → ``graph`` (neighbour graphs) →
``report`` (figures and tables).
"""

__version__ = "0.1.0"
