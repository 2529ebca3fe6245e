"""Every name a package exports is documented in numpydoc: Parameters (what it takes), Returns (functions), an
Examples section (run by pytest's --doctest-modules), and Raises where its body raises."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap

import pytest

import landscape


def _packages():
    yield landscape
    for info in pkgutil.walk_packages(landscape.__path__, "landscape."):
        if info.ispkg:
            yield importlib.import_module(info.name)


def _exports() -> dict[str, object]:
    found = {}
    for package in _packages():
        for name in getattr(package, "__all__", ()):
            obj = getattr(package, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return found


EXPORTS = _exports()


def _sections(obj) -> list[str]:
    """The numpydoc sections ``obj`` needs: an exception class only an example; a class whose constructor takes
    arguments Parameters; a function Parameters (when it takes any) and Returns; Raises when its own body raises."""
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return ["Examples"]
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = [p for p in inspect.signature(obj).parameters.values() if p.name not in ("self", "cls")]
    except (TypeError, ValueError):
        params = []
    need = ["Parameters"] if params else []
    if inspect.isfunction(obj):
        need.append("Returns")
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(target)))
        except (OSError, TypeError):
            tree = None
        if tree is not None and any(isinstance(n, ast.Raise) for n in ast.walk(tree.body[0])):
            need.append("Raises")
    return need + ["Examples"]


def test_the_packages_export_callables():
    assert len(EXPORTS) > 100


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_export_has_its_numpydoc_sections(name):
    obj = EXPORTS[name]
    doc = inspect.getdoc(obj) or ""
    missing = [s for s in _sections(obj) if f"\n{s}\n{'-' * len(s)}\n" not in f"\n{doc}\n"]
    assert not missing, f"{name} lacks the numpydoc section(s) {missing}: add them to its docstring"
    if "Examples" in _sections(obj):
        assert ">>> " in doc.split("Examples\n--------", 1)[1], f"{name}: its Examples section has no doctest"


def test_sphinx_roles_render_as_code_in_the_api_reference():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "docs" / "griffe_roles.py"
    spec = importlib.util.spec_from_file_location("griffe_roles", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "see :func:`~landscape.flatness.flatness`, :class:`Store` and :mod:`landscape.search`; ``x`` stays"
    assert module.plain_roles(text) == "see `flatness`, `Store` and `landscape.search`; ``x`` stays"
