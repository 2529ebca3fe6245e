"""The search spaces: :mod:`.nb201` (15,625 cells) and :mod:`.darts` (DARTS genotypes); their graphs are in
:mod:`landscape.graph`.

Every ``space=`` argument takes a space by name; :func:`get_space` returns its :class:`Space`, whose attributes say
what the rest of the package would otherwise branch on (whether the space has a tabular benchmark, how its
supernets are sized, how an architecture is named).  Code elsewhere asks the space, never compares its name.

>>> get_space("nb201").tabular, get_space("darts").tabular
(True, False)
>>> get_space("darts").skeleton
'layers'
>>> get_space("nb101")
Traceback (most recent call last):
...
ValueError: space must be one of 'nb201', 'darts', got 'nb101' (did you mean 'nb201'?)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SPACES", "Space", "get_space"]

#: The search spaces by name, as every ``space=`` argument takes them.
SPACES: tuple[str, ...] = ("nb201", "darts")


@dataclass(frozen=True)
class Space:
    """What the package needs to know of a search space.

    Parameters
    ----------
    name : str
        Its name in :data:`SPACES`.
    title : str
        How tables and figures name it.
    tabular : bool
        Whether every architecture has a trained ground truth (NB201's 200-epoch tables); else ground truth is a
        surrogate's prediction (the DARTS space: NB301).
    skeleton : str
        Which preset field sizes its supernets besides the width ``c``: ``"n"`` (cells per stage, NB201) or
        ``"layers"`` (cells in all, DARTS).
    truth : str
        What its ground truth is, in words.

    Raises
    ------
    dataclasses.FrozenInstanceError
        On assigning to a field: a space is immutable.

    Examples
    --------
    >>> space = get_space("darts")
    >>> space.title, space.tabular, space.skeleton
    ('DARTS', False, 'layers')
    >>> Space("toy", "A toy space", tabular=True, skeleton="n", truth="exact").name
    'toy'
    """

    name: str
    title: str
    tabular: bool
    skeleton: str
    truth: str


_SPACES = {
    "nb201": Space("nb201", "NAS-Bench-201", tabular=True, skeleton="n",
                   truth="NB201 200-epoch test accuracy"),
    "darts": Space("darts", "DARTS", tabular=False, skeleton="layers",
                   truth="ground truth (a prediction)"),
}


def get_space(space: str | Space) -> Space:
    """The :class:`Space` called ``space`` (a :class:`Space` is returned as it is); a ``ValueError`` naming the
    spaces for any other name.

    Parameters
    ----------
    space : str or Space
        A name in :data:`SPACES` (``"nb201"``, ``"darts"``), or a :class:`Space`.

    Returns
    -------
    Space
        The space's description.

    Raises
    ------
    ValueError
        For a name not in :data:`SPACES` (a near miss is named: ``'nb-201'`` → ``'nb201'``).

    Examples
    --------
    >>> get_space("nb201")
    Space(name='nb201', title='NAS-Bench-201', tabular=True, skeleton='n', truth='NB201 200-epoch test accuracy')
    >>> get_space(get_space("darts")).name
    'darts'
    """
    if isinstance(space, Space):
        return space
    from ..validation import check_choice  # numpy: not at import time, so that command lines answer --help at once

    return _SPACES[check_choice(space, "space", SPACES)]
