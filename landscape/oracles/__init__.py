"""Accuracy oracles for DARTS-space genotypes: callables ``genotypes -> np.ndarray``.

* :class:`TableOracle` looks genotypes up in a table, e.g. NASLib's 725-genotype DARTS table
  (:func:`load_naslib_darts`);
* :class:`NB301Surrogate` predicts CIFAR-10 validation accuracy with YAHPO-Gym's NAS-Bench-301
  surrogate (``model_v2.onnx``, needs ``onnxruntime``) for any genotype.

Both take one genotype, a genotype string, an iterable of either, or a codes array
``(n, 2, 8, 2)`` (:mod:`landscape.spaces.darts`), and answer in %.
"""

from .naslib_darts import NASLIB_DARTS_FILE, TableOracle, load_naslib_darts
from .nb301 import NB301_DIR, X_CAT_COLUMNS, NB301Surrogate

__all__ = ["TableOracle", "load_naslib_darts", "NASLIB_DARTS_FILE", "NB301Surrogate",
           "NB301_DIR", "X_CAT_COLUMNS"]
