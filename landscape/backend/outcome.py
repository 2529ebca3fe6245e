"""What a backend reports for one task (:class:`Outcome`), shared by the sweep and its backends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Outcome", "failure"]


@dataclass(frozen=True)
class Outcome:
    """What a backend reports for one task: its result, or (failed) a one-line ``detail`` and the error if any."""

    key: str
    result: Any = None
    error: BaseException | None = None
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.error is not None or bool(self.detail)


def failure(key: str, exc: BaseException, detail: str | None = None) -> Outcome:
    """An :class:`Outcome` for a task whose ``fn`` raised ``exc``."""
    return Outcome(key, error=exc, detail=detail or f"{type(exc).__name__}: {exc}")
