"""The package's import structure: one-way layers, no private cross-imports, torch only where networks live.

Read from the source with ``ast`` (imports inside functions count too: they hide a cycle, they do not break it).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "landscape"
#: Packages that must stay importable without torch (analyses of tables and graphs).
TORCH_FREE = ("landscape.geometry", "landscape.graph", "landscape.spaces", "landscape.bench", "landscape.validation")


def _name(path: Path) -> str:
    parts = list((path.relative_to(ROOT) if path.is_relative_to(ROOT) else Path(path.name)).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """``(module, imported name or None, line)`` for every import in ``path``, relative ones resolved."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out += [(module, a.name, node.lineno) for a in node.names]
    return out


def _target(module: str, name: str | None) -> str:
    """The landscape module an import refers to (``from pkg import submodule`` names the submodule)."""
    return f"{module}.{name}" if name and f"{module}.{name}" in MODULES else module


def _graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(MODULES)
    for name, path in MODULES.items():
        for module, imported, _ in _imports(path):
            target = _target(module, imported)
            if target in MODULES and target != name:
                g.add_edge(name, target)
    return g


def _private_imports(path: Path, importer: str) -> list[str]:
    """Imports of a ``_private`` landscape name, or of a ``_private`` module from outside its package."""
    bad = []
    for module, imported, line in _imports(path):
        if not module.startswith("landscape"):
            continue
        parts = module.split(".")
        for i, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:i])  # the package the private module belongs to
                if not importer.startswith(owner + "."):
                    bad.append(f"{path.name}:{line} imports {module} (private to {owner})")
        if imported and imported.startswith("_") and not imported.startswith("__"):
            bad.append(f"{path.name}:{line} imports {imported} from {module}")
    return bad


def test_the_import_graph_is_read():
    g = _graph()
    assert len(MODULES) > 80 and g.number_of_edges() > 200
    assert g.has_edge("landscape.geometry.neighbourhood", "landscape.graph")
    assert g.has_edge("landscape.studies.supernet", "landscape.runs")


def test_no_cycle_between_modules():
    cycles = list(nx.simple_cycles(_graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:10])


def test_no_cycle_between_packages():
    def top(m: str) -> str:
        return ".".join(m.split(".")[:2])

    g = nx.DiGraph((top(a), top(b)) for a, b in _graph().edges if top(a) != top(b))
    cycles = list(nx.simple_cycles(g))
    assert not cycles, "package cycles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles)


def test_no_private_cross_imports():
    bad = [b for name, path in MODULES.items() for b in _private_imports(path, name)]
    bad += [b for path in sorted((ROOT / "tests").rglob("*.py")) for b in _private_imports(path, "tests")]
    bad += [b for path in sorted((ROOT / "benchmarks").rglob("*.py")) for b in _private_imports(path, "benchmarks")]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", TORCH_FREE)
def test_analysis_packages_never_import_torch_in_source(package):
    g = _graph()
    mine = [m for m in MODULES if m == package or m.startswith(package + ".")]
    reach = set(mine).union(*(nx.descendants(g, m) for m in mine))
    bad = [f"{MODULES[m].relative_to(ROOT)}:{line}" for m in sorted(reach)
           for module, _, line in _imports(MODULES[m]) if module.split(".")[0] == "torch"]
    assert not bad, f"{package} reaches torch through " + ", ".join(bad)


def test_analysis_packages_import_without_torch():
    code = ("import sys; " + "; ".join(f"import {p}" for p in TORCH_FREE)
            + "; import landscape.bench.importers.official, landscape.bench.importers.help_latency"
            + "; print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch')[:3])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_checks_catch_what_they_look_for(tmp_path):
    """The private-import check is not vacuous: two planted imports are found, a package-internal one is not."""
    bad = tmp_path / "x.py"
    bad.write_text("from landscape.geometry._common import check_nodes\nfrom landscape.studies.genas_tables import _tau\n")
    found = _private_imports(bad, "tests")
    assert len(found) == 2 and "private to landscape.geometry" in found[0] and "imports _tau" in found[1]
    assert not _private_imports(PACKAGE / "geometry" / "neighbourhood.py", "landscape.geometry.neighbourhood")


#: The layers of the package, lowest first: a package imports only from packages in earlier layers.
LAYERS = (
    ("validation", "errors", "safe_pickle", "presets", "lazy"),
    ("spaces", "runs"),
    ("graph",),
    ("geometry",),
    ("bench",),
    ("nn", "data", "oracles"),
    ("flatness",),
    ("backend",),
    ("search",),
    ("studies",),
    ("report",),
)


def test_packages_import_only_from_lower_layers():
    layer = {f"landscape.{p}": i for i, names in enumerate(LAYERS) for p in names}
    assert set(layer) == {".".join(m.split(".")[:2]) for m in MODULES if m != "landscape"}, "LAYERS misses a package"
    bad = sorted({f"{a} -> {b}" for a, b in _graph().edges
                  if (pa := ".".join(a.split(".")[:2])) != (pb := ".".join(b.split(".")[:2]))
                  and pa in layer and pb in layer and layer[pb] >= layer[pa]})
    assert not bad, "imports against the layering: " + "; ".join(bad)


def test_readme_layout_lists_every_module():
    text = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    listed = {line.split()[0] for line in block.splitlines() if line.strip().startswith("landscape/")}
    modules = {str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    assert not modules - listed, f"modules missing from docs/layout.md: {sorted(modules - listed)}"
    assert not listed - modules, f"docs/layout.md lists modules that do not exist: {sorted(listed - modules)}"


def _space_literal_comparisons(path: Path) -> list[str]:
    """Comparisons (``==``, ``!=``, ``in``, ``not in``) of a space (an operand whose source names ``space``) with a
    space name as a string literal (``"nb201"``, ``"darts"``; ``method == "darts"`` names a method, not a space)."""
    names = {"nb201", "darts"}
    source = path.read_text(encoding="utf-8")
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        literal = any(isinstance(c, ast.Constant) and c.value in names for o in operands
                      for c in ([o] if isinstance(o, ast.Constant) else getattr(o, "elts", [])))
        spacey = any("space" in (ast.get_source_segment(source, o) or "") for o in operands
                     if not isinstance(o, ast.Constant))
        if literal and spacey:
            bad.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{node.lineno}")
    return bad


def test_the_space_check_finds_what_it_looks_for(tmp_path):
    planted = tmp_path / "x.py"
    planted.write_text('if space == "darts":\n    pass\nif r["space"] in ("nb201",):\n    pass\nok = method == "darts"\n')
    assert _space_literal_comparisons(planted) == ["x.py:1", "x.py:3"]


def test_only_spaces_compare_space_names():
    bad = [b for name, path in MODULES.items() if not name.startswith("landscape.spaces")
           for b in _space_literal_comparisons(path)]
    assert not bad, "space names compared as string literals (use the space's attributes): " + ", ".join(bad)


def test_algorithms_and_report_keep_to_their_layers():
    """``search`` knows no study, ground truth or report; the report only reads (no search, no oracle)."""
    g = _graph()

    def top(m: str) -> str:
        return ".".join(m.split(".")[:2])

    bad = sorted(f"{a} -> {b}" for a, b in g.edges
                 if (top(a) == "landscape.search" and top(b) in ("landscape.studies", "landscape.bench", "landscape.report"))
                 or (top(a) == "landscape.report" and top(b) in ("landscape.search", "landscape.oracles")))
    assert not bad, "; ".join(bad)


def test_tests_mirror_the_tree_and_search_tests_never_import_the_report():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    test_dirs = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert test_dirs - {"reliability", "benchmarks"} <= packages, sorted(test_dirs - packages)
    bad = [f"{path.name}:{line}" for path in sorted((ROOT / "tests" / "search").glob("*.py"))
           for module, _, line in _imports(path) if module.startswith("landscape.report")]
    assert not bad, bad


def test_no_function_longer_than_60_lines():
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in MODULES.values() for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60]
    assert not long, "functions longer than 60 lines (docstring included): " + "; ".join(long)
