"""NB201 ground truth: the canonical store, its importers and the source registry, and analyses of it.

Names load with their submodule on first use (:mod:`landscape.lazy`).
"""

from __future__ import annotations

from ..lazy import lazy_exports

_WHERE = {"Store": "store", "DATASETS": "store", "load_store": "paths", "data_dir": "paths", "find_sources": "paths",
          "nb201_graph": "graph", "DEFAULT_NODE_METRICS": "graph", "store_rank_agreement": "analyses",
          "store_landscape_summary": "analyses"}

__all__ = list(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
