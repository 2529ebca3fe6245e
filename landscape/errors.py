"""Exceptions raised by ``landscape``: each message says what is wrong and how to fix it."""

from __future__ import annotations

__all__ = ["LandscapeError", "StoreError", "StoreMissingError", "SourceError", "DatasetMissingError",
           "CheckpointError", "ConfigMismatchError"]


class LandscapeError(Exception):
    """Base class of the toolkit's own errors."""


class StoreError(LandscapeError):
    """The canonical ground-truth store is corrupt, truncated or of another schema."""


class StoreMissingError(StoreError, FileNotFoundError):
    """No ground-truth store exists and none could be imported automatically."""


class SourceError(LandscapeError, ValueError):
    """A third-party source file is missing, corrupt or disagrees with the others."""


class DatasetMissingError(LandscapeError, FileNotFoundError):
    """A dataset's files are not where they were looked for; the message says how to get them."""


class CheckpointError(LandscapeError):
    """A run's checkpoint or results file is truncated, corrupt or unreadable; the message names the file."""


class ConfigMismatchError(LandscapeError, ValueError):
    """A results folder holds a run of another configuration; resuming it would mix two experiments."""
