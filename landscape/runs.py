"""A results folder that survives interruption: one run = one folder, written atomically.

``RunStore(path, config)`` pins a run to its configuration (``config.json``, with a hash).
Reopening the folder with the same configuration resumes it; with another configuration it
raises :class:`~landscape.errors.ConfigMismatchError` instead of silently restarting and
discarding work.  Checkpoints (``checkpoint.pt``) and tables (``<name>.csv``) are written to a
temporary file and renamed, so a ``kill -9`` leaves either the old or the new file, never half
of one; a corrupt file raises :class:`~landscape.errors.CheckpointError` naming it (checkpoints carry
a SHA-256 of their bytes, so a flipped byte is caught too, not loaded as wrong weights).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from .errors import CheckpointError, ConfigMismatchError

__all__ = ["RunStore", "config_hash", "rng_state", "set_rng_state"]

#: Checkpoint header: this magic, then the SHA-256 of the ``torch.save`` bytes that follow.
_CHECKPOINT_MAGIC = b"LANDSCAPE-CKPT-1\n"


def _jsonable(config: Mapping[str, Any]) -> dict:
    try:
        return json.loads(json.dumps(dict(config), sort_keys=True, default=_default))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a run configuration must be JSON-serialisable: {exc}") from None


def _default(obj):
    if isinstance(obj, (np.integer, np.floating)):
        return obj.item()
    if isinstance(obj, (tuple, set, frozenset)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON-serialisable")


def config_hash(config: Mapping[str, Any]) -> str:
    """A short stable hash of a JSON-serialisable configuration (key order does not matter)."""
    text = json.dumps(_jsonable(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class RunStore:
    """The folder of one run: its configuration, its latest checkpoint and its result tables."""

    def __init__(self, path: str | os.PathLike, config: Mapping[str, Any]):
        self.path = Path(path)
        self.config = _jsonable(config)
        self.hash = config_hash(self.config)
        self.path.mkdir(parents=True, exist_ok=True)
        meta = self.path / "config.json"
        if meta.exists():
            try:
                stored = json.loads(meta.read_text())
            except (OSError, ValueError) as exc:
                raise CheckpointError(f"{meta} is unreadable ({exc}); delete the folder {self.path} to start "
                                      "this run afresh") from None
            if stored.get("hash") != self.hash:
                diff = sorted(k for k in set(stored.get("config", {})) | set(self.config)
                              if stored.get("config", {}).get(k) != self.config.get(k))
                raise ConfigMismatchError(
                    f"{self.path} holds a run of another configuration (differs in {', '.join(diff) or 'hash'}); "
                    "choose another output folder, or delete this one to discard that run")
        else:
            _atomic_write(meta, lambda p: p.write_text(json.dumps({"hash": self.hash, "config": self.config},
                                                                  indent=2, sort_keys=True)))

    # checkpoints -------------------------------------------------------------------------------
    @property
    def checkpoint_path(self) -> Path:
        return self.path / "checkpoint.pt"

    def save_checkpoint(self, state: Mapping[str, Any]) -> None:
        """Replace the checkpoint by ``state`` (any ``torch.save``-able mapping) atomically."""
        buffer = io.BytesIO()
        torch.save({"config_hash": self.hash, "state": dict(state)}, buffer)
        raw = buffer.getvalue()
        _atomic_write(self.checkpoint_path,
                      lambda p: p.write_bytes(_CHECKPOINT_MAGIC + hashlib.sha256(raw).digest() + raw))

    def load_checkpoint(self) -> dict | None:
        """The last saved state, or None when the run has not checkpointed yet."""
        path = self.checkpoint_path
        if not path.exists():
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CheckpointError(f"checkpoint {path} is unreadable ({exc}); delete it to restart the run") from None
        source: Path | io.BytesIO = path  # a checkpoint written before checksums: torch.load's own checks only
        if data.startswith(_CHECKPOINT_MAGIC):
            digest, raw = data[len(_CHECKPOINT_MAGIC):len(_CHECKPOINT_MAGIC) + 32], data[len(_CHECKPOINT_MAGIC) + 32:]
            if hashlib.sha256(raw).digest() != digest:
                raise CheckpointError(f"checkpoint {path} fails its SHA-256 check (corrupt or truncated); delete it "
                                      "to restart the run from scratch, or restore it from a backup")
            source = io.BytesIO(raw)
        try:
            payload = torch.load(source, map_location="cpu", weights_only=False)
        except Exception as exc:  # torch raises many types for a truncated zip/pickle
            raise CheckpointError(f"checkpoint {path} is corrupt or truncated ({type(exc).__name__}: {exc}); "
                                  f"delete it to restart the run from scratch, or restore it from a backup") from None
        if not isinstance(payload, dict) or "state" not in payload:
            raise CheckpointError(f"{path} is not a landscape checkpoint; delete it to restart the run")
        if payload.get("config_hash") != self.hash:
            raise ConfigMismatchError(f"checkpoint {path} was written by a run of another configuration "
                                      f"({payload.get('config_hash')} != {self.hash}); delete it or use another folder")
        return payload["state"]

    # tables ------------------------------------------------------------------------------------
    def table_path(self, name: str) -> Path:
        if not name or not name.replace("_", "").isalnum():
            raise ValueError(f"table name must be alphanumeric with underscores, got {name!r}")
        return self.path / f"{name}.csv"

    def read(self, name: str) -> pd.DataFrame:
        """Table ``name`` (empty frame when nothing has been written yet)."""
        path = self.table_path(name)
        if not path.exists():
            return pd.DataFrame()
        try:
            return pd.read_csv(path)
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise CheckpointError(f"results table {path} is corrupt ({exc}); delete it to recompute its rows") from None

    def write(self, name: str, frame: pd.DataFrame) -> None:
        """Replace table ``name`` by ``frame`` atomically."""
        _atomic_write(self.table_path(name), lambda p: frame.to_csv(p, index=False))

    def append(self, name: str, rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
        """Append rows to table ``name`` (rewritten atomically); returns the whole table."""
        new = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        old = self.read(name)
        frame = new if old.empty else pd.concat([old, new], ignore_index=True)
        self.write(name, frame)
        return frame

    def write_json(self, name: str, obj: Mapping[str, Any]) -> None:
        _atomic_write(self.path / f"{name}.json",
                      lambda p: p.write_text(json.dumps(obj, indent=2, sort_keys=True, default=_default)))

    def read_json(self, name: str) -> dict | None:
        path = self.path / f"{name}.json"
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"{path} is corrupt ({exc}); delete it to recompute it") from None


def rng_state(generator: np.random.Generator | None = None) -> dict:
    """Python, NumPy (global and ``generator``) and torch RNG states, for a checkpoint."""
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    if generator is not None:
        state["generator"] = generator.bit_generator.state
    return state


def set_rng_state(state: Mapping[str, Any], generator: np.random.Generator | None = None) -> None:
    """Restore what :func:`rng_state` captured (``generator`` is set in place)."""
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    if generator is not None and "generator" in state:
        generator.bit_generator.state = state["generator"]
