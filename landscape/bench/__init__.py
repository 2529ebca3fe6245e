"""NB201 ground truth: the canonical store, its importers and the source registry, and analyses of it."""

from .paths import data_dir, find_sources, load_store
from .analyses import store_landscape_summary, store_rank_agreement
from .graph import DEFAULT_NODE_METRICS, nb201_graph
from .store import DATASETS, Store

__all__ = ["Store", "DATASETS", "load_store", "data_dir", "find_sources", "nb201_graph", "DEFAULT_NODE_METRICS",
           "store_rank_agreement", "store_landscape_summary"]
