"""Every command line parses its arguments before torch, pandas or matplotlib load: --help answers at once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIS = ("landscape.studies", "landscape.report", "landscape.data", "landscape.backend", "landscape.flatness")
HEAVY = ("torch", "pandas", "matplotlib", "scipy", "networkx")


@pytest.mark.parametrize("cli", CLIS)
def test_help_loads_no_heavy_module(cli):
    code = (f"import sys\nfrom {cli}.__main__ import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "usage: python -m " + cli in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout[-300:]


@pytest.mark.parametrize("cli", CLIS)
def test_help_and_argument_errors_answer_fast(cli):
    """Under 1 s on a quiet machine; the bound is generous for busy CI machines."""
    for argv, code in ((["--help"], 0), (["--no-such-option"], 2)):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", cli, *argv], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == code and "Traceback" not in proc.stderr
        assert time.perf_counter() - start < 5.0
