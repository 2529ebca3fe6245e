"""NB201 ground truth: the canonical store, its importers and the source registry."""

from .paths import data_dir, find_sources, load_store
from .store import Store

__all__ = ["Store", "load_store", "data_dir", "find_sources"]
