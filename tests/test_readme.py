"""Every Python block of the README runs as written (in a scratch folder, on the session's store)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_readme_block_runs_as_written(i, store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANDSCAPE_DATA", str(store.path.parent))
    start = time.perf_counter()
    exec(compile(BLOCKS[i], f"README.md python block {i + 1}", "exec"), {"__name__": f"readme_block_{i}"})
    print(f"README python block {i + 1}: {time.perf_counter() - start:.1f} s")


def test_every_preset_and_command_the_readme_names_exists():
    """`python -m landscape.X ... --preset P` in the README: the module has a command line and P is a preset."""
    import importlib
    import re

    from landscape.presets import PRESETS

    text = README.read_text(encoding="utf-8")
    for module in set(re.findall(r"python -m (landscape(?:\.[a-z_]+)+)", text)):
        assert importlib.util.find_spec(module + ".__main__") is not None, module
    for preset in set(re.findall(r"--preset ([a-z0-9_]+)", text)):
        assert preset in PRESETS, preset
