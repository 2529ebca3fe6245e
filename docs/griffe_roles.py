"""A griffe extension for the API reference: the Sphinx roles of our docstrings (``:func:`~a.b.c```) are rendered
as code (``c``) instead of as raw text, which mkdocstrings would otherwise show."""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:func|class|meth|mod|data|attr|obj|exc):`(~?)([^`]+)`")


def plain_roles(text: str) -> str:
    """``text`` with every Sphinx cross-reference role replaced by its target as inline code (``~``: the last
    dotted part only, as Sphinx shows it)."""
    return _ROLE.sub(lambda m: f"`{m[2].rsplit('.', 1)[-1] if m[1] else m[2]}`", text)


class SphinxRoles(griffe.Extension):
    """Rewrite every loaded docstring with :func:`plain_roles`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = plain_roles(obj.docstring.value)
