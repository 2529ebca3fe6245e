"""NB201's data splits and training hyper-parameter sets (D-X-Y/AutoDL-Projects ``configs/nas-benchmark``).

Both are JSON despite the ``.txt``/``.config`` names; every value is ``[type, value]``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ...errors import SourceError
from .checks import require_file

SPLIT_FILES = {
    "cifar-split.txt": "cifar10-valid",
    "cifar100-test-split.txt": "cifar100",
    "imagenet-16-120-test-split.txt": "ImageNet16-120",
    "ImageNet16-120-split.txt": "ImageNet16-120-train",
}
CONFIG_FILES = ("hyper-opts/01E.config", "hyper-opts/12E.config", "hyper-opts/90E.config", "hyper-opts/200E.config")
_CASTS = {"int": int, "float": float, "str": str, "bool": lambda v: bool(int(v))}


def _read_json(p: Path) -> dict:
    try:
        data = json.loads(require_file(p).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{p}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SourceError(f"{p}: expected a JSON object")
    return data


def read_split(path: str | Path, name: str) -> dict[str, np.ndarray]:
    """``{"<name>:<part>": int32 indices}`` for every part of one split file."""
    p = Path(path)
    out = {}
    for part, value in _read_json(p).items():
        try:
            kind, ids = value
            out[f"{name}:{part}"] = np.asarray(ids, dtype=np.int64).astype(np.int32)
        except (TypeError, ValueError):
            raise SourceError(f"{p}: part {part!r} is not an [\"int\", [ids]] pair") from None
    return out


def read_config(path: str | Path) -> dict:
    """A hyper-parameter file as a typed dict (``{"epochs": 200, "LR": 0.1, ...}``)."""
    p = Path(path)
    out = {}
    for key, value in _read_json(p).items():
        try:
            kind, raw = value
            out[key] = _CASTS[kind](raw)
        except (KeyError, TypeError, ValueError):
            raise SourceError(f"{p}: entry {key!r} = {value!r} is not a [type, value] pair") from None
    return out
