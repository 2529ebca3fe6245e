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
    ``data/`` holds a store (so notebooks and scripts anywhere in the checkout share one store).

    Nothing is created or checked beyond looking for ``nb201/manifest.json`` in the two candidates.

    Returns
    -------
    pathlib.Path
        ``Path($LANDSCAPE_DATA)``, ``<checkout>/data`` (absolute) or ``Path("data")`` (relative to the working
        directory).

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"LANDSCAPE_DATA": "/srv/nas-data"}):
    ...     str(data_dir())
    '/srv/nas-data'
    >>> with mock.patch.dict(os.environ):
    ...     _ = os.environ.pop("LANDSCAPE_DATA", None)
    ...     data_dir().name
    'data'
    """
    env = os.environ.get("LANDSCAPE_DATA")
    if env:
        return Path(env)
    local, checkout = Path("data"), _PACKAGE_ROOT / "data"
    has_store = [(d / STORE_NAME / "manifest.json").is_file() for d in (local, checkout)]
    return checkout if has_store == [False, True] else local


def find_sources() -> Path | None:
    """A local copy of the sources: ``$LANDSCAPE_SOURCES``, else ``../shared/data`` beside the
    working directory or beside the checkout; ``None`` if there is none.

    A folder counts as the sources if it holds ``MANIFEST.md`` or ``v-tao_nats-bench-landscape/``.  A set
    ``$LANDSCAPE_SOURCES`` is the only candidate (no fallback when it is not the sources).

    Returns
    -------
    pathlib.Path or None
        The first candidate that holds the sources, as found (``../shared/data`` stays relative).

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"LANDSCAPE_SOURCES": tmp}):
    ...     print(find_sources())
    ...     (Path(tmp) / "MANIFEST.md").touch()
    ...     find_sources() == Path(tmp)
    None
    True
    """
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
    path : str, os.PathLike or None, default None
        A data directory (holding ``nb201/``) or the store folder itself; None: :func:`data_dir`.
    auto_import : bool or None, default None
        When no store exists and a local copy of the sources is found (:func:`find_sources`), import it first.
        None: only at the default location, so that a mistyped ``path`` is an error rather than a new store
        (``python -m landscape.data ensure`` or ``import`` create one anywhere).

    Returns
    -------
    Store
        The opened store; arrays are read, and checksummed, on first use.

    Raises
    ------
    StoreMissingError
        No store at ``path`` (and none imported), or ``path`` is a file.
    StoreError
        The store is damaged (the message names the local sources to re-import it from, if any).

    Examples
    --------
    >>> store = load_store()
    >>> store.path.name, len(store.index)
    ('nb201', 15625)
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     load_store(tmp)
    Traceback (most recent call last):
    landscape.errors.StoreMissingError: no ground-truth store under ... (a mistyped path?). ...
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
