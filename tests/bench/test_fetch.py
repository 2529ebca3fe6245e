"""Downloading the sources from a (local) mirror, with SHA-256 checks."""

from __future__ import annotations

import functools
import hashlib
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import subprocess_env

from landscape.bench.fetch import fetch_sources
from landscape.bench.sources import SOURCES
from landscape.errors import SourceError

NAME = "autodl:hyper-opts/12E.config"
SRC = SOURCES[NAME]


@dataclass
class Mirror:
    root: Path
    port: int
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def file(self) -> Path:
        return self.root / SRC.repo / SRC.commit / SRC.repo_path


@pytest.fixture
def mirror(shared_data, tmp_path):
    root = tmp_path / "www"
    requests: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=functools.partial(server.serve_forever, poll_interval=0.05), daemon=True)
    thread.start()
    m = Mirror(root, server.server_address[1], requests)
    m.file.parent.mkdir(parents=True)
    shutil.copyfile(shared_data / SRC.path, m.file)
    try:
        yield m
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _files(d: Path) -> list[Path]:
    return sorted(p for p in d.rglob("*") if not p.is_dir()) if d.exists() else []


def test_fetch_downloads_and_checks(mirror, tmp_path):
    dest = tmp_path / "dest"
    paths = fetch_sources(dest, [NAME], base_url=mirror.url, timeout=10)
    assert paths == [dest / SRC.path]
    assert hashlib.sha256(paths[0].read_bytes()).hexdigest() == SRC.sha256
    assert mirror.requests == [f"/{SRC.repo}/{SRC.commit}/{SRC.repo_path}"]
    assert _files(dest) == paths  # no temporary file left behind


def test_second_fetch_does_not_download_again(mirror, tmp_path):
    dest = tmp_path / "dest"
    fetch_sources(dest, [NAME], base_url=mirror.url, timeout=10)
    assert len(mirror.requests) == 1
    paths = fetch_sources(dest, [NAME], base_url=mirror.url + "/", timeout=10)
    assert len(mirror.requests) == 1
    assert hashlib.sha256(paths[0].read_bytes()).hexdigest() == SRC.sha256


def test_a_damaged_local_copy_is_downloaded_again(mirror, tmp_path):
    dest = tmp_path / "dest"
    target = dest / SRC.path
    target.parent.mkdir(parents=True)
    target.write_text("damaged")
    fetch_sources(dest, [NAME], base_url=mirror.url, timeout=10)
    assert len(mirror.requests) == 1
    assert hashlib.sha256(target.read_bytes()).hexdigest() == SRC.sha256


def test_altered_bytes_are_refused(mirror, tmp_path):
    data = mirror.file.read_bytes()
    mirror.file.write_bytes(data.replace(b"12", b"13", 1))
    dest = tmp_path / "dest"
    with pytest.raises(SourceError, match="sha256") as info:
        fetch_sources(dest, [NAME], base_url=mirror.url, timeout=10)
    assert "nothing was written" in str(info.value)
    assert len(mirror.requests) == 1
    assert _files(dest) == []  # neither the file nor a temporary file


def test_missing_file_on_the_mirror(mirror, tmp_path):
    mirror.file.unlink()
    dest = tmp_path / "dest"
    with pytest.raises(SourceError, match="could not download"):
        fetch_sources(dest, [NAME], base_url=mirror.url, timeout=10)
    assert _files(dest) == []


def test_unreachable_server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dest = tmp_path / "dest"
    with pytest.raises(SourceError, match="could not download"):
        fetch_sources(dest, [NAME], base_url=f"http://127.0.0.1:{port}", timeout=5)
    assert _files(dest) == []


def test_unknown_source_name(tmp_path):
    with pytest.raises(ValueError, match="unknown source"):
        fetch_sources(tmp_path, ["nope"], base_url="http://127.0.0.1:9")


def test_cli_fetch(mirror, tmp_path):
    dest = tmp_path / "dest"
    cmd = [sys.executable, "-m", "landscape.data", "--data-dir", str(tmp_path / "data"), "fetch", "--dest", str(dest),
           "--only", NAME, "--base-url", mirror.url, "--timeout", "10"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "1 source file(s) ready" in proc.stdout
    assert hashlib.sha256((dest / SRC.path).read_bytes()).hexdigest() == SRC.sha256
    assert len(mirror.requests) == 1
    # a damaged mirror: exit 2, a clear message, no traceback
    mirror.file.write_bytes(b"x" + mirror.file.read_bytes())
    dest2 = tmp_path / "dest2"
    cmd[cmd.index(str(dest))] = str(dest2)
    proc = subprocess.run(cmd, cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "sha256" in proc.stderr and "Traceback" not in proc.stderr
    assert _files(dest2) == []
