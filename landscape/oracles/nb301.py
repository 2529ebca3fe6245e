"""NAS-Bench-301 surrogate (YAHPO-Gym v2, ``model_v2.onnx``) as a batched accuracy oracle.

The model (github.com/slds-lmu/yahpo_data, branch ``v2_final``, ``nb301/``) maps a DARTS
genotype in NAS-Bench-301's ConfigSpace form plus a training epoch (1..98) to four outputs,
named by YAHPO-Gym's ``nb301`` scenario (``yahpo_gym/benchmarks/nb301.py`` with
``model_v2.onnx``): ``val_accuracy`` (a fraction), ``val_cross_entropy``, ``runtime`` (s,
cumulative) and ``runtime_increase``.

Encoding (YAHPO-Gym's ``_config_to_xs``, NASLib's / NAS-Bench-301's ``convert_genotype_to_config``):

* ``x_cat`` int32 ``(n, 34)`` in the column order :data:`X_CAT_COLUMNS`: ``edge_normal_0..13``,
  ``edge_reduce_0..13``, ``inputs_node_normal_3..5``, ``inputs_node_reduce_3..5``.  Node
  ``j`` (states 2..5) owns edges ``start_j + i`` for its inputs ``i = 0..j-1`` (``start`` = 0,
  2, 5, 9); an edge in use holds its op's code, an unused one ``#na#`` (0).
  ``inputs_node_<cell>_<j>`` (j = 3..5) holds the sorted input pair ``"a_b"``.  Codes come from
  ``encoding_v2.json`` beside the model.
* ``x_cont`` float32 ``(n, 1)``: the epoch.

The encoding is checked in ``tests/oracles/test_nb301.py`` against NASLib's 725 DARTS
genotypes (Kendall τ of predicted vs NASLib val_accuracy, and a deliberately wrong column order).

Examples
--------
>>> from landscape.spaces.darts import DARTS_V2, PC_DARTS
>>> oracle = NB301Surrogate()
>>> oracle([DARTS_V2, PC_DARTS]).round(2).tolist()          # % at epoch 98
[92.91, 92.65]
>>> list(oracle.predict([DARTS_V2], epoch=50).columns)      # all four outputs
['val_accuracy', 'val_cross_entropy', 'runtime', 'runtime_increase']
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceError
from ..spaces.darts import EDGE_NODE, N_NODES, OPS, genotype_batch
from ..validation import check_int
from ._common import locate

__all__ = ["NB301_DIR", "X_CAT_COLUMNS", "OUTPUTS", "MAX_EPOCH", "NASLIB_TAU", "NB301Surrogate"]

#: Folder of the surrogate under the sources folder (:func:`landscape.bench.paths.find_sources`).
NB301_DIR = "slds-lmu_yahpo_data/nb301"
_MODEL, _ENCODING = "model_v2.onnx", "encoding_v2.json"
_PREFIX = "NetworkSelectorDatasetInfo_COLON_darts_COLON_"
_CELLS = ("normal", "reduce")
_N_CELL_EDGES = 14  # possible edges of a cell: 2 + 3 + 4 + 5
#: The model's ``x_cat`` columns, in order (YAHPO-Gym's ``cat_names`` for nb301).
X_CAT_COLUMNS: tuple[str, ...] = (
    *(f"{_PREFIX}edge_{cell}_{i}" for cell in _CELLS for i in range(_N_CELL_EDGES)),
    *(f"{_PREFIX}inputs_node_{cell}_{j}" for cell in _CELLS for j in range(3, 2 + N_NODES)),
)
#: The model's outputs, in order (YAHPO-Gym's ``y_names`` for nb301 v2).
OUTPUTS = ("val_accuracy", "val_cross_entropy", "runtime", "runtime_increase")
#: Last epoch of the training curves the surrogate was fitted on.
MAX_EPOCH = 98
#: What the surrogate can tell: Kendall τ (95 % bootstrap CI) of its epoch-98 prediction against NASLib's
#: val_accuracy on NASLib's 725 trained DARTS genotypes (measured, and kept so, in ``tests/oracles/test_nb301.py``).
NASLIB_TAU: tuple[float, float, float] = (0.416, 0.378, 0.454)
_NODE_START = np.array([0, 2, 5, 9])  # first edge column of nodes 2..5 within a cell
_BATCH = 65_536


def _tables(encoding: Any, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables from ``encoding_v2.json``: op code per (edge column, :data:`OPS` code), shape ``(28, 7)``,
    and input-pair code per (cell, node 3..5, lower input, higher input), shape ``(2, 3, 5, 5)``."""
    if not isinstance(encoding, dict):
        raise SourceError(f"{path}: expected a JSON object {{column: {{choice: code}}}}, got {type(encoding).__name__}")
    missing = [c for c in X_CAT_COLUMNS if not isinstance(encoding.get(c), dict)]
    if missing:
        raise SourceError(f"{path}: no encoding for {len(missing)} of the {len(X_CAT_COLUMNS)} columns, "
                          f"e.g. {missing[0]!r}; is this nb301's encoding_v2.json?")
    try:
        ops = np.array([[encoding[c][op] for op in OPS] for c in X_CAT_COLUMNS[:2 * _N_CELL_EDGES]], dtype=np.int32)
        pairs = np.zeros((2, N_NODES - 1, N_NODES + 1, N_NODES + 1), dtype=np.int32)
        for cell in range(2):
            for k, j in enumerate(range(3, 2 + N_NODES)):
                table = encoding[X_CAT_COLUMNS[2 * _N_CELL_EDGES + 3 * cell + k]]
                for hi in range(1, j):
                    for lo in range(hi):
                        pairs[cell, k, lo, hi] = table[f"{lo}_{hi}"]
    except KeyError as exc:
        raise SourceError(f"{path}: choice {exc} missing from the encoding") from None
    return ops, pairs


class NB301Surrogate:
    """Predicted CIFAR-10 validation accuracy (%) of DARTS genotypes from YAHPO-Gym's NAS-Bench-301 surrogate.

    Parameters
    ----------
    path : str, os.PathLike or None, default None
        ``model_v2.onnx`` or the folder holding it; ``encoding_v2.json`` must lie beside it.
        None: ``<sources>/`` :data:`NB301_DIR`.
    epoch : int, default :data:`MAX_EPOCH` (98)
        Training epoch the accuracy is predicted at, 1.. :data:`MAX_EPOCH`; a call may override it.
    n_threads : int or None, default None
        onnxruntime intra-op threads (>= 1; None: onnxruntime's default).

    Raises
    ------
    DatasetMissingError
        The model or the encoding is not there (the message says where to put them).
    SourceError
        A file is corrupt or is not the nb301 v2 surrogate / encoding.
    ValueError
        ``epoch`` is not an integer in 1.. :data:`MAX_EPOCH`, or ``n_threads`` is not an integer >= 1.
    ImportError
        ``onnxruntime`` is not installed.

    Examples
    --------
    >>> from landscape.spaces.darts import DARTS_V2, PC_DARTS
    >>> oracle = NB301Surrogate(epoch=50, n_threads=1)
    >>> oracle
    NB301Surrogate('.../slds-lmu_yahpo_data/nb301/model_v2.onnx', epoch=50)
    >>> oracle([DARTS_V2, PC_DARTS]).round(2).tolist()               # % at epoch 50
    [88.57, 89.34]
    >>> oracle([DARTS_V2], epoch=MAX_EPOCH).round(2).tolist()
    [92.91]
    >>> NB301Surrogate(epoch=99)
    Traceback (most recent call last):
    ValueError: epoch must be an integer 1..98, got 99
    """

    def __init__(self, path: str | os.PathLike | None = None, *, epoch: int = MAX_EPOCH,
                 n_threads: int | None = None) -> None:
        how = ("It is nb301/" + _MODEL + " (with " + _ENCODING + ") of github.com/slds-lmu/yahpo_data, "
               "branch v2_final.")
        given = Path(path) if path is not None else None
        if given is not None and given.is_dir():
            given = given / _MODEL
        model = locate(given, f"{NB301_DIR}/{_MODEL}", "the NAS-Bench-301 surrogate " + _MODEL, how)
        enc_path = locate(model.parent / _ENCODING, f"{NB301_DIR}/{_ENCODING}", "its encoding " + _ENCODING, how)
        self.epoch = check_int(epoch, "epoch", 1, MAX_EPOCH)
        self.path = model
        try:
            encoding = json.loads(enc_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(f"{enc_path}: not valid JSON ({exc}); the file is truncated or corrupt") from None
        self._ops, self._pairs = _tables(encoding, enc_path)
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ImportError("NB301Surrogate needs onnxruntime: pip install 'landscape[nb301]'") from exc
        options = ort.SessionOptions()
        if n_threads is not None:
            options.intra_op_num_threads = check_int(n_threads, "n_threads", 1)
        try:
            self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail / InvalidProtobuf / InvalidGraph types
            raise SourceError(f"{model}: onnxruntime cannot load it ({type(exc).__name__}: {exc}); the file is "
                              f"truncated or corrupt, re-download it") from None
        inputs, outputs = self._session.get_inputs(), self._session.get_outputs()
        shapes = [(i.type, i.shape[-1]) for i in inputs], [o.shape[-1] for o in outputs]
        if shapes != ([("tensor(int32)", len(X_CAT_COLUMNS)), ("tensor(float)", 1)], [len(OUTPUTS)]):
            raise SourceError(f"{model}: inputs {[(i.name, i.type, i.shape) for i in inputs]} and outputs "
                              f"{[(o.name, o.shape) for o in outputs]} are not those of the nb301 v2 surrogate "
                              f"(x_cat int32 [n, 34], x_cont float [n, 1] -> [n, 4])")
        self._inputs = [i.name for i in inputs]

    def __repr__(self) -> str:
        return f"NB301Surrogate({str(self.path)!r}, epoch={self.epoch})"

    def encode(self, genotypes: Any) -> np.ndarray:
        """The model's ``x_cat`` for each genotype: int32 ``(n, 34)`` in :data:`X_CAT_COLUMNS` order (vectorised)."""
        c = genotype_batch(genotypes).astype(np.int64)
        n = len(c)
        ops, src = c[..., 0], c[..., 1]  # (n, 2, 8)
        cell = np.arange(2)[None, :, None]
        column = cell * _N_CELL_EDGES + _NODE_START[EDGE_NODE - 2][None, None, :] + src
        x = np.zeros((n, len(X_CAT_COLUMNS)), dtype=np.int32)
        x[np.arange(n)[:, None, None], column] = self._ops[column, ops]
        lo, hi = src[..., 2::2], src[..., 3::2]  # nodes 3..5 (canonical: lo < hi)
        pair_cols = 2 * _N_CELL_EDGES + 3 * np.arange(2)[:, None] + np.arange(N_NODES - 1)[None, :]
        x[:, pair_cols] = self._pairs[np.arange(2)[:, None], np.arange(N_NODES - 1)[None, :], lo, hi]
        return x

    def predict_encoded(self, x_cat: np.ndarray, epoch: int | None = None) -> np.ndarray:
        """Raw model outputs ``(n, 4)`` (:data:`OUTPUTS`) for an encoded batch, in blocks of 65,536 rows."""
        x = np.asarray(x_cat)
        if x.ndim != 2 or x.shape[1] != len(X_CAT_COLUMNS) or x.dtype.kind not in "iu":
            raise ValueError(f"x_cat must be integer codes of shape (n, {len(X_CAT_COLUMNS)}), "
                             f"got {x.dtype} of shape {x.shape}")
        ep = self.epoch if epoch is None else check_int(epoch, "epoch", 1, MAX_EPOCH)
        x = x.astype(np.int32, copy=False)
        out = np.empty((len(x), len(OUTPUTS)), dtype=np.float64)
        for lo in range(0, len(x), _BATCH):
            block = x[lo:lo + _BATCH]
            cont = np.full((len(block), 1), ep, dtype=np.float32)
            out[lo:lo + _BATCH] = self._session.run(None, {self._inputs[0]: block, self._inputs[1]: cont})[0]
        return out

    def predict(self, genotypes: Any, epoch: int | None = None) -> pd.DataFrame:
        """All four outputs per genotype: ``val_accuracy`` (%), ``val_cross_entropy``, ``runtime``,
        ``runtime_increase`` (YAHPO-Gym's names and units but accuracy in %)."""
        out = self.predict_encoded(self.encode(genotypes), epoch)
        frame = pd.DataFrame(out, columns=list(OUTPUTS))
        frame["val_accuracy"] *= 100.0
        return frame

    def __call__(self, genotypes: Any, epoch: int | None = None) -> np.ndarray:
        """Predicted validation accuracy (%) at ``epoch`` (default: the surrogate's), float64 ``(n,)``."""
        return 100.0 * self.predict_encoded(self.encode(genotypes), epoch)[:, 0]
