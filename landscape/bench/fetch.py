"""Download the source files from their public origin, checking each SHA-256.

``python -m landscape.data fetch`` uses this.  Files already present with the right
checksum are skipped, so an interrupted fetch resumes; every download goes to a temporary
file that is renamed into place only after its checksum matched.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from tqdm.auto import tqdm

from ..errors import SourceError
from .sources import DEFAULT_BASE_URL, SOURCES, Source, source
from .store import sha256_file

__all__ = ["fetch_sources"]


def _url(s: Source, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/{s.repo}/{s.commit}/{s.repo_path}"


def _download(url: str, target: Path, expected: str, timeout: float) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".fetch-", dir=target.parent)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            while block := resp.read(1 << 20):
                h.update(block)
                out.write(block)
        if h.hexdigest() != expected:
            raise SourceError(
                f"{url}: downloaded file has sha256 {h.hexdigest()[:12]}…, expected {expected[:12]}…; "
                f"the origin changed or the download was damaged (nothing was written)"
            )
        os.replace(tmp, target)
    except (urllib.error.URLError, OSError) as exc:
        raise SourceError(f"could not download {url}: {exc}; check the network or use --base-url for a mirror") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def fetch_sources(
    dest: str | os.PathLike,
    names: Iterable[str] | None = None,
    *,
    base_url: str = DEFAULT_BASE_URL,
    timeout: float = 60.0,
) -> list[Path]:
    """Download the named sources (default: all) into ``dest``, laid out like ``../shared/data``.

    Returns the local paths.  Raises :class:`~landscape.errors.SourceError` on a network
    failure or a checksum mismatch.
    """
    dest = Path(dest)
    chosen = [source(n) for n in names] if names else list(SOURCES.values())
    paths = []
    for s in tqdm(chosen, desc="fetching sources", unit="file"):
        target = dest / s.path
        if not (target.is_file() and sha256_file(target) == s.sha256):
            _download(_url(s, base_url), target, s.sha256, timeout)
        paths.append(target)
    return paths
