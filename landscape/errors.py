"""Exceptions raised by ``landscape``: each message says what is wrong and how to fix it."""

from __future__ import annotations

__all__ = ["LandscapeError", "StoreError", "StoreMissingError", "SourceError"]


class LandscapeError(Exception):
    """Base class of the toolkit's own errors."""


class StoreError(LandscapeError):
    """The canonical ground-truth store is corrupt, truncated or of another schema."""


class StoreMissingError(StoreError, FileNotFoundError):
    """No ground-truth store exists and none could be imported automatically."""


class SourceError(LandscapeError, ValueError):
    """A third-party source file is missing, corrupt or disagrees with the others."""
