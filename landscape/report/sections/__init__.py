"""Report sections: each computes tidy frames from the store and names the figures drawn from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Artifact:
    """One report item: a tidy table, optionally a figure drawn from it, and what it shows."""

    name: str
    title: str
    description: str
    table: pd.DataFrame
    plot: Callable | None = None  # plots.<function>(table, ax) -> Axes
    extra: dict = field(default_factory=dict)


from .space import space_section  # noqa: E402

#: Section name -> function(store) -> list of artifacts, in report order.
SECTIONS = {"space": space_section}

__all__ = ["Artifact", "SECTIONS"]
