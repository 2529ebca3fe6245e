"""Where the store lives and where the third-party sources are found."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import StoreError, StoreMissingError
from .store import STORE_NAME, Store

__all__ = ["data_dir", "find_sources", "load_store"]

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The data directory: ``$LANDSCAPE_DATA`` if set; else ``./data``, unless only the checkout's
    ``data/`` holds a store (so notebooks and scripts anywhere in the checkout share one store)."""
    env = os.environ.get("LANDSCAPE_DATA")
    if env:
        return Path(env)
    local, checkout = Path("data"), _PACKAGE_ROOT / "data"
    has_store = [(d / STORE_NAME / "manifest.json").is_file() for d in (local, checkout)]
    return checkout if has_store == [False, True] else local


def find_sources() -> Path | None:
    """A local copy of the sources: ``$LANDSCAPE_SOURCES``, else ``../shared/data`` beside the
    working directory or beside the checkout; ``None`` if there is none."""
    env = os.environ.get("LANDSCAPE_SOURCES")
    candidates = [Path(env)] if env else [Path("../shared/data"), _PACKAGE_ROOT.parent / "shared" / "data"]
    for c in candidates:
        if (c / "MANIFEST.md").is_file() or (c / "v-tao_nats-bench-landscape").is_dir():
            return c
    return None


def load_store(path: str | os.PathLike | None = None, *, auto_import: bool | None = None) -> Store:
    """Open the ground-truth store.

    Parameters
    ----------
    path : a data directory (holding ``nb201/``) or the store folder itself;
        default :func:`data_dir`.
    auto_import : when no store exists and a local copy of the sources is found
        (:func:`find_sources`), import it first.  Default: only at the default location, so that a mistyped
        ``path`` is an error rather than a new store (``python -m landscape.data ensure`` or ``import`` create one
        anywhere).

    Raises
    ------
    StoreMissingError
        No store at ``path`` (and none imported), or ``path`` is a file.
    """
    root = Path(path) if path is not None else data_dir()
    if root.exists() and not root.is_dir():
        raise StoreMissingError(f"the data directory {root} is a file, not a folder; point LANDSCAPE_DATA or "
                                "--data-dir at a folder")
    auto_import = path is None if auto_import is None else auto_import
    store_path = root if (root / "manifest.json").is_file() else root / STORE_NAME
    if not (store_path / "manifest.json").exists():
        src = find_sources() if auto_import else None
        if src is None:
            raise StoreMissingError(
                f"no ground-truth store under {root} (a mistyped path?). Create one with "
                f"`python -m landscape.data import DIR` (DIR: a folder laid out like ../shared/data), or "
                f"`python -m landscape.data fetch` to download the sources first; "
                f"set LANDSCAPE_DATA to use another data directory"
            )
        from .importers.sources_dir import import_sources

        import_sources(src, root)
    try:
        return Store(store_path)
    except StoreError as exc:  # damaged: name the sources this machine already has
        src = find_sources()
        if src is None:
            raise
        raise StoreError(f"{exc}. Sources found at {src}: `python -m landscape.data import {src}`") from None
