"""Import a folder laid out like ``../shared/data`` into the canonical store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ...errors import SourceError
from ...spaces.nb201 import ArchIndex, format_arch, unique_strings
from ..sources import HELP_DEVICES, SOURCES, Source
from ..store import Record, sha256_file, write_store
from .autodl import CONFIG_FILES, SPLIT_FILES, read_config, read_split
from .help_latency import check_help_index, read_help_latency
from .landscapes_csv import read_landscapes_csv
from .metric_vals import read_metric_vals
from .minibench import read_minibench
from .naslib_zc import read_naslib_zc
from .nats_csv import read_nats_csv


def check_sources(src_dir: str | Path) -> dict[str, Path]:
    """Paths of every registered source under ``src_dir``, each verified against its pinned SHA-256."""
    src_dir = Path(src_dir)
    missing = [s.path for s in SOURCES.values() if not (src_dir / s.path).is_file()]
    if missing:
        raise SourceError(
            f"{len(missing)} source file(s) missing under {src_dir}, e.g. {missing[:3]}; "
            f"download them with `python -m landscape.data fetch --dest {src_dir}` or point to ../shared/data"
        )
    paths = {}
    for name, s in tqdm(SOURCES.items(), desc="checking sources", unit="file", leave=False):
        p = src_dir / s.path
        digest = sha256_file(p)
        if digest != s.sha256:
            raise SourceError(
                f"{p}: sha256 {digest[:12]}… differs from the pinned {s.sha256[:12]}… "
                f"({s.repo}@{s.commit}); the file is damaged or another version: fetch it again"
            )
        paths[name] = p
    return paths


def _source_meta(s: Source) -> dict:
    return {"path": s.path, "repo": s.repo, "commit": s.commit, "sha256": s.sha256, "licence": s.licence}


def check_nb201_partition(codes: np.ndarray, reference: np.ndarray) -> None:
    """Our NB201 canonical strings must equal the source's ``UniqueString`` column."""
    ours = unique_strings(codes)
    bad = np.flatnonzero(ours != reference)
    if bad.size:
        i = int(bad[0])
        raise SourceError(
            f"isomorphism check failed for {bad.size} cell(s), e.g. index {i} {format_arch(codes[i])!r}: "
            f"ours {ours[i]!r}, NATS {reference[i]!r}"
        )


def read_sources(src_dir: str | Path) -> tuple[np.ndarray, list[Record], dict, dict, dict]:
    """Read and cross-check every source: (codes, records, splits, configs, source metadata)."""
    src_dir = Path(src_dir)
    paths = check_sources(src_dir)
    steps = tqdm(total=8, desc="importing NB201 ground truth", unit="source")
    codes, unique, records = read_nats_csv(paths["nats"])
    index = ArchIndex(codes)
    check_nb201_partition(codes, unique)
    strings = np.array([format_arch(c) for c in codes])
    steps.update()
    check_help_index(paths["help_index"], strings)
    steps.update()
    records += read_minibench(paths["minibench"], strings)
    steps.update()
    records += read_landscapes_csv(paths["landscapes"], strings)
    steps.update()
    records += read_metric_vals(paths["metric_vals"])
    steps.update()
    records += [read_help_latency(paths[f"latency:{d}"], d) for d in HELP_DEVICES]
    steps.update()
    records += read_naslib_zc(paths["naslib_zc"], index)
    steps.update()
    splits: dict[str, np.ndarray] = {}
    for fname, name in SPLIT_FILES.items():
        splits.update(read_split(paths[f"autodl:{fname}"], name))
    configs = {Path(f).stem: read_config(paths[f"autodl:{f}"]) for f in CONFIG_FILES}
    steps.update()
    steps.close()
    return codes, records, splits, configs, {name: _source_meta(s) for name, s in SOURCES.items()}


def import_sources(src_dir: str | Path, data_dir: str | Path) -> Path:
    """Read every source under ``src_dir`` and write the store under ``data_dir``; returns its path."""
    codes, records, splits, configs, sources = read_sources(src_dir)
    return write_store(data_dir, codes, records, splits=splits, configs=configs, sources=sources)
