"""The search spaces: :mod:`.nb201` (15,625 cells) and :mod:`.darts` (DARTS genotypes); their graphs are in
:mod:`landscape.graph`."""

__all__ = ["SPACES"]

#: The search spaces by name, as every ``space=`` argument takes them.
SPACES: tuple[str, ...] = ("nb201", "darts")
