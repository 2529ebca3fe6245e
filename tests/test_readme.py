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
