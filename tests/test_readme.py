"""Every Python block of the README and of the documentation pages runs as written (in a scratch folder, on the
session's store); every command and preset they name exists."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [(page.relative_to(ROOT), block) for page in PAGES
          for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)]


def test_the_readme_and_the_pages_have_python_blocks():
    assert sum(str(page) == "README.md" for page, _ in BLOCKS) >= 1 and len(BLOCKS) >= 3


def test_the_readme_is_what_a_newcomer_needs():
    """Under 15 KB: what it is, the two commands, the ten-line API, where everything else is."""
    text = README.read_text(encoding="utf-8")
    assert len(text.encode()) < 15_000
    for needed in ("make report", "make test", "## The API in ten lines", "docs/search.md", "make docs"):
        assert needed in text, needed


@pytest.mark.slow
@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_readme_block_runs_as_written(i, store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANDSCAPE_DATA", str(store.path.parent))
    start = time.perf_counter()
    page, block = BLOCKS[i]
    exec(compile(block, f"{page} python block {i + 1}", "exec"), {"__name__": f"readme_block_{i}"})
    print(f"{page} python block {i + 1}: {time.perf_counter() - start:.1f} s")


def test_every_preset_and_command_the_readme_names_exists():
    """`python -m landscape.X ... --preset P` in the README and the pages: the module has a command line and P is a
    preset."""
    import importlib
    import re

    from landscape.presets import PRESETS

    text = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    for module in set(re.findall(r"python -m (landscape(?:\.[a-z_]+)+)", text)):
        assert importlib.util.find_spec(module + ".__main__") is not None, module
    for preset in set(re.findall(r"--preset ([a-z0-9_]+)", text)):
        assert preset in PRESETS, preset
