"""A refused command ends in one line and exit 2, and leaves its output folder absent (or as it was)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import subprocess_env

from landscape.bench.paths import load_store
from landscape.errors import StoreMissingError

ROOT = Path(__file__).resolve().parents[2]
ARCH = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=subprocess_env(**env), capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("args", [
    ["landscape.backend", "--workers", "-2", "--archs", ARCH],
    ["landscape.backend", "--epochs", "0", "--archs", ARCH],
    ["landscape.studies", "standalone", "--preset", "smoke", "--workers", "-2"],
    ["landscape.studies", "ladder", "--preset", "smoke", "--workers", "0"],
    ["landscape.flatness", "--preset", "smoke", "--n-archs", "0"],
])
def test_refused_commands_write_nothing(shared_data, tmp_path, args):
    out = tmp_path / "out"
    flag = "--out"
    done = _run(*args, flag, str(out / "results.csv" if args[0] == "landscape.flatness" else out))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "malformed" not in done.stderr  # refused for the argument under test
    assert not out.exists()


def test_the_corrected_command_then_runs(shared_data, tmp_path):
    """The refusal left nothing that would block the corrected command as "another configuration"."""
    out = tmp_path / "out"
    assert _run("landscape.backend", "--workers", "-2", "--archs", ARCH, "--out", str(out)).returncode == 2
    done = _run("landscape.backend", "--workers", "1", "--archs", ARCH, "--out", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr


def test_report_out_or_data_dir_pointing_at_a_file(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("not a folder")
    for args, env in ((["landscape.report", "--out", str(a_file), "--only", "space"], {}),
                      (["landscape.report", "--out", str(tmp_path / "r"), "--only", "space"],
                       {"LANDSCAPE_DATA": str(a_file)})):
        done = _run(*args, **env)
        assert done.returncode == 2 and "Traceback" not in done.stderr and "is a file" in done.stderr, done.stderr
    assert a_file.read_text() == "not a folder" and not (tmp_path / "r").exists()


def test_a_mistyped_store_path_is_an_error_not_a_new_store(shared_data, tmp_path):
    typo = tmp_path / "typo" / "path"
    with pytest.raises(StoreMissingError, match="mistyped"):
        load_store(typo)
    assert not typo.exists()
