"""The canonical NB201 ground-truth store: pickle-free, checksummed, written atomically.

Layout of ``<data dir>/nb201/``::

    manifest.json   schema version, sources (path, sha256), files (sha256, bytes), series keys
    space.npz       op codes in official index order, NB201 isomorphism class per index
    splits.npz      NB201 data splits (index lists into the image sets)
    <source>.npz    one file per source: the values (and, for partial series, the indices)

Every ``.npz`` is read with ``allow_pickle=False``.  A file's SHA-256 is checked the
first time it is read, so a corrupt store fails loudly instead of giving wrong numbers.

A *series* is one measured quantity over architectures, keyed by
``(dataset, split, metric, epochs, seed, source)``; ``seed`` is ``None`` for the
mean over seeds and ``epochs`` is ``None`` where training length does not apply
(parameters, latency).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import StoreError
from ..spaces.nb201 import N_ARCHS, N_OPS, OPS, ArchIndex, as_codes
from ..validation import did_you_mean

#: Values closer than this are ties in :meth:`Store.top` (geometry's ``ATOL``: the tables' float32 noise is ~5e-8).
TIE_ATOL = 1e-6

__all__ = ["SCHEMA_VERSION", "DATASETS", "SeriesKey", "Record", "ArchRecord", "Store", "write_store", "sha256_file"]

SCHEMA_VERSION = 1
STORE_NAME = "nb201"
MEAN = "mean"  # the ``seed`` argument that selects seed-averaged series
#: The three NB201 datasets of the 200-epoch ground truth, in the order of the papers' tables.
DATASETS: tuple[str, ...] = ("cifar10", "cifar100", "ImageNet16-120")
_REIMPORT = "re-create it with `python -m landscape.data import DIR` (DIR: a folder laid out like ../shared/data)"


@dataclass(frozen=True)
class SeriesKey:
    """Identifies one series: what was measured, on which data, after how much training."""

    dataset: str
    split: str
    metric: str
    epochs: int | None
    seed: int | None
    source: str


@dataclass(frozen=True)
class Record:
    """A series' key and its values; ``index`` is ``None`` when it covers all 15,625 cells in order."""

    key: SeriesKey
    values: np.ndarray
    index: np.ndarray | None = None
    note: str = ""

    def __post_init__(self) -> None:
        v = np.asarray(self.values, dtype=np.float64)
        object.__setattr__(self, "values", v)
        if self.index is None:
            if v.shape != (N_ARCHS,):
                raise ValueError(f"series {self.key} covers all cells but has shape {v.shape}")
        else:
            i = np.asarray(self.index, dtype=np.int64)
            if i.shape != v.shape or (i.size and (i.min() < 0 or i.max() >= N_ARCHS)):
                raise ValueError(f"series {self.key}: index and values disagree or leave 0..{N_ARCHS - 1}")
            if np.unique(i).size != i.size:
                raise ValueError(f"series {self.key}: an architecture appears twice in the index")
            if i.size == N_ARCHS:  # covers every cell: store it in index order, without an index
                object.__setattr__(self, "values", v[np.argsort(i)])
                i = None
            object.__setattr__(self, "index", None if i is None else i.astype(np.int32))
        if not np.isfinite(v).all():
            bad = np.flatnonzero(~np.isfinite(v))[:5]
            raise ValueError(f"series {self.key} holds NaN/inf at positions {bad.tolist()}")


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def write_store(
    data_dir: str | os.PathLike,
    codes: np.ndarray,
    records: Sequence[Record],
    *,
    splits: dict[str, np.ndarray] | None = None,
    configs: dict[str, dict] | None = None,
    sources: dict[str, dict] | None = None,
) -> Path:
    """Write a complete store under ``data_dir/nb201`` and return its path.

    The store is assembled in a temporary folder beside the target and swapped in
    with renames, so readers never see a half-written store.
    """
    index = ArchIndex(codes)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    keys = [r.key for r in records]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"two series share the key {dup}")
    tmp = Path(tempfile.mkdtemp(prefix=f".{STORE_NAME}.tmp-", dir=data_dir))
    try:
        _save_npz(tmp / "space.npz", {"codes": index.codes, "nb201_class": index.isomorphism_classes()})
        _save_npz(tmp / "splits.npz", dict(splits or {}))
        series = _save_series(tmp, records)
        files = {
            p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for p in sorted(tmp.glob("*.npz"))
        }
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "sources": sources or {},
            "files": files,
            "configs": configs or {},
            "series": series,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        return _swap_in(tmp, data_dir / STORE_NAME)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _save_series(folder: Path, records: Sequence[Record]) -> list[dict]:
    """Each record's values (and index) into ``<folder>/<source>.npz``; the manifest's entry of each series."""
    by_source: dict[str, dict[str, np.ndarray]] = {}
    series = []
    for n, rec in enumerate(records):
        arrays = by_source.setdefault(rec.key.source, {})
        name = f"s{n:04d}"
        arrays[name] = rec.values
        if rec.index is not None:
            arrays[name + "_index"] = rec.index
        series.append({"id": name, "file": f"{rec.key.source}.npz", "n": int(rec.values.size), "note": rec.note,
                       **asdict(rec.key)})
    for src, arrays in by_source.items():
        _save_npz(folder / f"{src}.npz", arrays)
    return series


def _swap_in(tmp: Path, target: Path) -> Path:
    """Replace ``target`` by the finished folder ``tmp`` with renames (readers never see a half-written store)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{STORE_NAME}.old-", dir=target.parent))
        os.replace(target, old / STORE_NAME)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


@dataclass
class ArchRecord:
    """Everything the store knows about one cell (:meth:`Store.query`).

    ``series``: every stored series' value for the cell (``dataset, split, metric, epochs, seed, source, value``);
    ``ranks``: its 200-epoch test accuracy per dataset, rank (1 = best; ties share the best rank, ``tied`` cells
    have the same value) and the percentage of cells below it; ``neighbours``: its 24 Hamming-1 neighbours (one
    edge's op changed) with their 200-epoch test accuracies; ``isomorphism_class`` (the smallest index of the
    class) and ``members`` (every cell computing the same function, itself included).
    """

    index: int
    arch: str
    codes: tuple[int, ...]
    isomorphism_class: int
    members: list[str]
    series: pd.DataFrame
    ranks: pd.DataFrame
    neighbours: pd.DataFrame

    def __str__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_rows", 200):
            return "\n".join([
                f"cell {self.index}: {self.arch} (op codes {self.codes})",
                f"isomorphism class {self.isomorphism_class}: {len(self.members)} cell(s) compute the same function",
                "", "200-epoch test accuracy and rank:", self.ranks.round(3).to_string(index=False),
                "", f"{len(self.neighbours)} neighbours (one edge changed):",
                self.neighbours.drop(columns="arch").round(2).to_string(index=False),
                "", f"{len(self.series)} stored values:", self.series.to_string(index=False)])


class Store:
    """Read access to a ground-truth store (see the module docstring for its layout).

    Opening reads only the manifest and checks that every file is there with its
    recorded size; arrays are read, and their file's checksum verified, on first use.

    Parameters
    ----------
    path : str or os.PathLike
        Path of the store folder (``<data dir>/nb201``).

    Raises
    ------
    StoreError
        If the folder has no ``manifest.json``, the manifest is corrupt or of another schema version, or a file it
        lists is missing or has another size than recorded (truncated or overwritten).  The message says how to
        re-create the store.

    Examples
    --------
    >>> from landscape.bench import data_dir
    >>> store = Store(data_dir() / "nb201")            # usually: landscape.bench.load_store()
    >>> len(store.index), store.datasets[:2]
    (15625, ['ImageNet16-120', 'cifar10'])
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        manifest_path = self.path / "manifest.json"
        if not manifest_path.is_file():
            raise StoreError(f"no ground-truth store at {self.path} (manifest.json missing); {_REIMPORT}")
        try:
            self.manifest = json.loads(manifest_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(f"corrupt store manifest {manifest_path}: {exc}; {_REIMPORT}") from None
        version = self.manifest.get("schema_version") if isinstance(self.manifest, dict) else None
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {version!r}, this landscape reads {SCHEMA_VERSION}; {_REIMPORT}"
            )
        try:
            self._files: dict[str, dict] = self.manifest["files"]
            self._series: list[dict] = self.manifest["series"]
            self._check_manifest_fields()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"corrupt store manifest {manifest_path}: missing or malformed {exc}; {_REIMPORT}") from None
        for name, meta in self._files.items():
            p = self.path / name
            if not p.is_file():
                raise StoreError(f"store file {p} is missing; {_REIMPORT}")
            if p.stat().st_size != meta["bytes"]:
                raise StoreError(
                    f"store file {p} is {p.stat().st_size} bytes, the manifest says {meta['bytes']} "
                    f"(truncated or overwritten); {_REIMPORT}"
                )
        self._npz: dict[str, dict[str, np.ndarray]] = {}
        self._index: ArchIndex | None = None

    def _check_manifest_fields(self) -> None:
        for name, meta in self._files.items():
            if not (isinstance(meta, dict) and isinstance(meta.get("bytes"), int) and isinstance(meta.get("sha256"), str)):
                raise ValueError(f"file entry {name!r} needs integer 'bytes' and string 'sha256'")
        fields = {"id", "file", "n", "dataset", "split", "metric", "epochs", "seed", "source"}
        for entry in self._series:
            if not fields <= set(entry):
                raise KeyError(f"series entry lacks {sorted(fields - set(entry))}")

    # -- raw files ---------------------------------------------------------------------------
    def _load(self, name: str) -> dict[str, np.ndarray]:
        if name not in self._npz:
            if name not in self._files:
                raise StoreError(f"store {self.path} has no file {name!r}; {_REIMPORT}")
            p = self.path / name
            digest = sha256_file(p)
            if digest != self._files[name]["sha256"]:
                raise StoreError(
                    f"checksum mismatch for {p}: sha256 {digest[:12]}…, manifest {self._files[name]['sha256'][:12]}…; "
                    f"the file was changed after import; {_REIMPORT}"
                )
            try:
                with np.load(p, allow_pickle=False) as z:
                    self._npz[name] = {k: z[k] for k in z.files}
            except (ValueError, OSError, zipfile.BadZipFile) as exc:
                raise StoreError(f"unreadable store file {p}: {exc}; {_REIMPORT}") from None
        return self._npz[name]

    def _series_arrays(self, row: dict) -> dict[str, np.ndarray]:
        """The arrays of the file holding series ``row``, checked to contain it."""
        arrays = self._load(row["file"])
        if row["id"] not in arrays:
            raise StoreError(f"store file {self.path / row['file']} lacks the series {row['id']!r} that the manifest "
                             f"lists; {_REIMPORT}")
        return arrays

    # -- the space ---------------------------------------------------------------------------
    @property
    def index(self) -> ArchIndex:
        """Official index ⇄ architecture mapping (:class:`~landscape.spaces.nb201.ArchIndex`)."""
        if self._index is None:
            self._index = ArchIndex(self._load("space.npz")["codes"])
        return self._index

    @property
    def codes(self) -> np.ndarray:
        """Op codes in official index order, shape ``(15625, 6)``."""
        return self.index.codes

    def isomorphism_classes(self, kind: str = "nb201") -> np.ndarray:
        """Isomorphism class per official index (label = smallest index in the class), as
        :meth:`ArchIndex.isomorphism_classes <landscape.spaces.nb201.ArchIndex.isomorphism_classes>`: ``"nb201"``
        (6,466 classes, read from the store) or ``"functional"`` (4,930).

        Parameters
        ----------
        kind : {"nb201", "functional"}
            Which equivalence: NB201's own classes or the functional ones.

        Returns
        -------
        numpy.ndarray
            Class label per official index, shape ``(15625,)``.

        Raises
        ------
        ValueError
            For an unknown ``kind``.
        StoreError
            If ``space.npz`` is missing, unreadable or fails its checksum.

        Examples
        --------
        >>> classes = store.isomorphism_classes()
        >>> classes[[0, 1, 6111]].tolist(), len(set(classes)), len(set(store.isomorphism_classes("functional")))
        ([0, 1, 6111], 6466, 4930)
        """
        return self._load("space.npz")["nb201_class"] if kind == "nb201" else self.index.isomorphism_classes(kind)

    def splits(self) -> dict[str, np.ndarray]:
        """NB201 data splits, e.g. ``"cifar10-valid:train"`` → indices into the CIFAR-10 training set.

        Returns
        -------
        dict of str to numpy.ndarray
            Split name → image indices (a new dict each call).

        Raises
        ------
        StoreError
            If ``splits.npz`` is missing, unreadable or fails its checksum.

        Examples
        --------
        >>> train = store.splits()["cifar10-valid:train"]
        >>> len(train), train[:3].tolist()
        (25000, [0, 5, 7])
        """
        return dict(self._load("splits.npz"))

    @property
    def configs(self) -> dict[str, dict]:
        """NB201 training hyper-parameter sets (``hyper-opts/200E`` etc.)."""
        return self.manifest["configs"]

    # -- series ------------------------------------------------------------------------------
    def series_table(self) -> pd.DataFrame:
        """One row per stored series: its key, how many architectures it covers, and a note.

        Returns
        -------
        pandas.DataFrame
            Columns ``dataset, split, metric, epochs, seed, source, n, note``; ``epochs`` and ``seed`` are
            nullable integers (``<NA>``: not applicable, or the seed mean).

        Examples
        --------
        >>> store.series_table().head(2)
            dataset split    metric  epochs  seed source      n note
        0   cifar10  test  accuracy     200  <NA>   nats  15625
        1  cifar100  test  accuracy     200  <NA>   nats  15625
        """
        table = pd.DataFrame(self._series, columns=["dataset", "split", "metric", "epochs", "seed", "source", "n", "note"])
        return table.astype({"epochs": "Int64", "seed": "Int64"})

    @property
    def datasets(self) -> list[str]:
        """The datasets of the stored series, sorted."""
        return sorted({s["dataset"] for s in self._series})

    @property
    def metrics(self) -> list[str]:
        """The metrics of the stored series, sorted."""
        return sorted({s["metric"] for s in self._series})

    def _check_names(self, name: str, wanted: list[str]) -> None:
        allowed = self.datasets if name == "dataset" else self.metrics
        unknown = [v for v in wanted if v not in allowed]
        if unknown:
            raise ValueError(f"unknown {name} {unknown[0]!r}{did_you_mean(unknown[0], allowed)}; the store "
                             f"{self.path} has: {', '.join(allowed) or 'none'}")

    def _select(self, dataset=None, metric=None, split=None, epochs=None, seed=None, source=None) -> list[dict]:
        """Series entries matching every given field (``seed="mean"``: seed-averaged only)."""
        for name, value in (("dataset", dataset), ("metric", metric)):
            if value is not None:
                self._check_names(name, [value])
        fixed = {k: v for k, v in (("dataset", dataset), ("metric", metric), ("split", split),
                                   ("epochs", epochs), ("source", source)) if v is not None}
        if seed is not None:
            fixed["seed"] = None if seed == MEAN else seed
        return [s for s in self._series if all(s[k] == v for k, v in fixed.items())]

    @staticmethod
    def _describe(rows: list[dict]) -> str:
        return "; ".join(
            f"dataset={r['dataset']} split={r['split']} metric={r['metric']} epochs={r['epochs']} "
            f"seed={r['seed']} source={r['source']} (n={r['n']})"
            for r in rows
        )

    def _one(self, dataset, metric, split, epochs, seed, source) -> dict:
        rows = self._select(dataset, metric, split, epochs, seed, source)
        if len(rows) == 1:
            return rows[0]
        wanted = f"dataset={dataset!r} metric={metric!r} split={split!r} epochs={epochs!r} seed={seed!r}"
        if not rows:
            near = self._select(dataset, metric)
            raise ValueError(f"no series matches {wanted}; series for this dataset and metric: {self._describe(near) or 'none'}")
        raise ValueError(f"{len(rows)} series match {wanted}; narrow it with split/epochs/source: {self._describe(rows)}")

    def values(
        self,
        dataset: str,
        metric: str = "accuracy",
        *,
        split: str | None = None,
        epochs: int | None = None,
        seed: int | str = MEAN,
        source: str | None = None,
    ) -> pd.Series:
        """One series as a ``pandas.Series`` indexed by official architecture index.

        Works for partial series too (for example the NASLib zero-cost tables, which
        cover 725 cells).  ``seed="mean"`` (default) selects seed-averaged values;
        an integer selects that seed's run.

        Parameters
        ----------
        dataset : str
            A dataset of :attr:`datasets` (``"cifar10"``, ``"cifar100"``, ``"ImageNet16-120"``, …).
        metric : str
            A metric of :attr:`metrics` (``"accuracy"``, ``"loss"``, ``"zc:synflow"``, …).
        split, epochs, source : str, int, str, optional
            Narrow the selection to one series (e.g. ``split="test", epochs=200``).
        seed : int or "mean"
            ``"mean"``: the seed average; an integer: that seed's run.

        Returns
        -------
        pandas.Series
            float64 values indexed by official index (``arch``), named ``dataset/split/metric``.

        Raises
        ------
        ValueError
            For an unknown dataset or metric, or a selection that matches no series or several.
        StoreError
            If the series' file is missing, unreadable or fails its checksum.

        Examples
        --------
        >>> synflow = store.values("cifar10", "zc:synflow")            # a NASLib zero-cost proxy
        >>> len(synflow), synflow.name
        (724, 'cifar10/init/zc:synflow')
        """
        row = self._one(dataset, metric, split, epochs, seed, source)
        arrays = self._series_arrays(row)
        values = arrays[row["id"]]
        index = arrays.get(row["id"] + "_index")
        idx = pd.RangeIndex(N_ARCHS, name="arch") if index is None else pd.Index(index, name="arch")
        return pd.Series(values, index=idx, name=f"{dataset}/{row['split']}/{metric}")

    def array(
        self,
        dataset: str,
        metric: str = "accuracy",
        *,
        split: str | None = None,
        epochs: int | None = None,
        seed: int | str = MEAN,
        source: str | None = None,
    ) -> np.ndarray:
        """One series as a float64 array of length 15,625 in official index order.

        Parameters
        ----------
        dataset, metric, split, epochs, seed, source
            Select one series, as for :meth:`values`.

        Returns
        -------
        numpy.ndarray
            float64 values, shape ``(15625,)``.

        Raises
        ------
        ValueError
            For an unknown dataset or metric, for a selection that matches no series or several, and for a
            series that does not cover every architecture (use :meth:`values` for those).
        StoreError
            If the series' file is missing, unreadable or fails its checksum.

        Examples
        --------
        >>> acc = store.array("cifar10", split="test", epochs=200)
        >>> acc.shape, round(float(acc[6111]), 2)
        ((15625,), 94.37)
        """
        row = self._one(dataset, metric, split, epochs, seed, source)
        arrays = self._series_arrays(row)
        if row["id"] + "_index" in arrays:
            raise ValueError(
                f"series {self._describe([row])} covers {row['n']} of {N_ARCHS} architectures; "
                f"use store.values(...) for a Series indexed by architecture"
            )
        return arrays[row["id"]]

    def final_accuracy(self, datasets: Sequence[str] = DATASETS) -> dict[str, np.ndarray]:
        """200-epoch test accuracy (seed mean) per dataset, in index order: the NB201 ground truth.

        Parameters
        ----------
        datasets : sequence of str
            The datasets (default :data:`DATASETS`: CIFAR-10, CIFAR-100, ImageNet16-120).

        Returns
        -------
        dict of str to numpy.ndarray
            Dataset → accuracy (%) of every cell, shape ``(15625,)``.

        Raises
        ------
        ValueError
            For a dataset without a 200-epoch test series.

        Examples
        --------
        >>> {d: round(float(a[6111]), 2) for d, a in store.final_accuracy().items()}
        {'cifar10': 94.37, 'cifar100': 73.22, 'ImageNet16-120': 46.71}
        """
        return {d: self.array(d, split="test", epochs=200) for d in datasets}

    def frame(
        self,
        dataset: str | Iterable[str] | None = None,
        metric: str | Iterable[str] | None = None,
        *,
        split: str | None = None,
        epochs: int | None = None,
        seed: int | str | None = None,
        source: str | None = None,
    ) -> pd.DataFrame:
        """The store (or a filtered part) as one tidy long frame.

        Columns: ``arch, dataset, split, metric, epochs, seed, value, source``; one row
        per (series, architecture); ``seed`` is ``<NA>`` for seed-averaged values.

        Parameters
        ----------
        dataset, metric : str or iterable of str, optional
            One name or several (default: all).
        split, epochs, seed, source : optional
            Filter like :meth:`values` (``seed``: an integer or ``"mean"``; default: every seed and the mean).

        Returns
        -------
        pandas.DataFrame
            The long frame (no rows when nothing matches).

        Raises
        ------
        ValueError
            For an unknown dataset or metric.

        Examples
        --------
        >>> store.frame("cifar10", "accuracy", split="test", epochs=200).shape
        (15625, 8)
        """
        rows = self._select(None, None, split, epochs, seed, source)
        for name, value in (("dataset", dataset), ("metric", metric)):
            if value is not None:
                wanted = [value] if isinstance(value, str) else list(value)
                self._check_names(name, wanted)
                rows = [r for r in rows if r[name] in wanted]
        return self._long_frame(rows)

    def _long_frame(self, rows: list[dict]) -> pd.DataFrame:
        """The series of ``rows`` as one long frame (see :meth:`frame`)."""
        parts = []
        for r in rows:
            arrays = self._series_arrays(r)
            values = arrays[r["id"]]
            arch = arrays.get(r["id"] + "_index", np.arange(N_ARCHS, dtype=np.int32))
            parts.append((r, arch, values))
        sizes = [len(v) for _, _, v in parts]
        cols = {}
        for col in ("dataset", "split", "metric", "source"):
            cats = sorted({r[col] for r in rows})
            codes = np.repeat([cats.index(r[col]) for r, _, _ in parts], sizes).astype(np.int32)
            cols[col] = pd.Categorical.from_codes(codes, categories=cats)
        out = pd.DataFrame(
            {
                "arch": np.concatenate([a for _, a, _ in parts]) if parts else np.array([], np.int32),
                "dataset": cols["dataset"],
                "split": cols["split"],
                "metric": cols["metric"],
                "epochs": pd.array(np.repeat([r["epochs"] for r, _, _ in parts], sizes), dtype="Int64"),
                "seed": pd.array(np.repeat([r["seed"] for r, _, _ in parts], sizes), dtype="Int64"),
                "value": np.concatenate([v for _, _, v in parts]) if parts else np.array([]),
                "source": cols["source"],
            }
        )
        return out

    def query(self, arch: str | int | Sequence[int]) -> ArchRecord:
        """Everything the store knows about one cell (an architecture string, an official index or op codes).

        Parameters
        ----------
        arch : str, int or sequence of int
            An architecture string, an official index (0..15624) or six op codes.

        Returns
        -------
        ArchRecord
            Its stored values, ranks, neighbours and isomorphism class (``print`` it for a report).

        Raises
        ------
        ValueError
            For an index outside 0..15624, a malformed architecture string or invalid op codes.

        Examples
        --------
        >>> record = store.query(6111)
        >>> record.codes, len(record.neighbours), record.ranks[["dataset", "rank", "tied"]].values.tolist()
        ((3, 3, 3, 1, 3, 2), 24, [['cifar10', 1, 2], ['cifar100', 3, 1], ['ImageNet16-120', 8, 1]])
        """
        if isinstance(arch, (int, np.integer)) and not isinstance(arch, (bool, np.bool_)):
            if not 0 <= arch < N_ARCHS:
                raise ValueError(f"an official NB201 index lies in 0..{N_ARCHS - 1}, got {arch}")
            i = int(arch)
        else:
            i = int(self.index.index_of(arch if isinstance(arch, str) else as_codes(arch)))
        codes = self.index.codes_of(i)
        rows = []
        for r in self._series:
            arrays = self._series_arrays(r)
            where = arrays.get(r["id"] + "_index")
            if where is None:
                value = float(arrays[r["id"]][i])
            else:
                hit = np.flatnonzero(where == i)
                if not hit.size:
                    continue
                value = float(arrays[r["id"]][hit[0]])
            rows.append({k: r[k] for k in ("dataset", "split", "metric", "epochs", "seed", "source")} | {"value": value})
        series = pd.DataFrame(rows).astype({"epochs": "Int64", "seed": "Int64"})
        final = self.final_accuracy()
        ranks = pd.DataFrame([{"dataset": d, "test_accuracy_200": float(a[i]), "rank": int((a > a[i]).sum()) + 1,
                               "tied": int((a == a[i]).sum()), "of": N_ARCHS,
                               "percentile": float(100.0 * (a < a[i]).mean())} for d, a in final.items()])
        moves = [(e, op) for e in range(len(codes)) for op in range(N_OPS) if op != codes[e]]
        neighbour_codes = np.repeat(codes[None], len(moves), axis=0)
        for k, (e, op) in enumerate(moves):
            neighbour_codes[k, e] = op
        idx = self.index.index_of(neighbour_codes)
        neighbours = pd.DataFrame({"index": idx, "arch": self.index.arch_string(idx), "edge": [e for e, _ in moves],
                                   "from_op": [OPS[codes[e]] for e, _ in moves], "to_op": [OPS[op] for _, op in moves],
                                   **{d: a[idx] for d, a in final.items()}})
        classes = self.isomorphism_classes()
        members = np.flatnonzero(classes == classes[i])
        return ArchRecord(i, str(self.index.arch_string(i)), tuple(int(c) for c in codes), int(classes[i]),
                          [str(s) for s in self.index.arch_string(members)], series, ranks, neighbours)

    def top(self, k: int = 10, dataset: str = "cifar10", *, atol: float = TIE_ATOL) -> pd.DataFrame:
        """The ``k`` best cells by 200-epoch test accuracy on ``dataset``, and every cell tied with the ``k``-th.

        Ties are values within ``atol`` of each other (the tables' float noise is ~5e-8) and share a rank
        (competition ranking: 1, 1, 3, …).  Columns ``rank, index, arch``, the 200-epoch test accuracy on every
        dataset, ``isomorphism_class`` and ``class_size``; :meth:`query` gives a cell's whole record.

        Parameters
        ----------
        k : int
            How many cells, 1..15625.
        dataset : str
            Ranked by this dataset's accuracy: one of :data:`DATASETS`.
        atol : float
            Values within ``atol`` of each other are ties.

        Returns
        -------
        pandas.DataFrame
            One row per cell, best first (more than ``k`` rows when the ``k``-th is tied).

        Raises
        ------
        ValueError
            For ``k`` outside 1..15625 or a dataset not in :data:`DATASETS`.

        Examples
        --------
        >>> store.top(2)[["rank", "index", "cifar10"]]
           rank  index    cifar10
        0     1   6111  94.373333
        1     1  13714  94.373333
        """
        from ..validation import check_choice, check_int

        check_int(k, "k", 1, N_ARCHS)
        final = self.final_accuracy()
        acc = final[check_choice(dataset, "dataset", tuple(final))]
        order = np.argsort(-acc, kind="stable")
        cut = acc[order[k - 1]] - atol
        chosen = order[acc[order] >= cut]
        ranks = np.array([int((acc > acc[i] + atol).sum()) + 1 for i in chosen])
        classes = self.isomorphism_classes()
        sizes = np.bincount(classes, minlength=N_ARCHS)
        return pd.DataFrame({"rank": ranks, "index": chosen, "arch": self.index.arch_string(chosen),
                             **{d: a[chosen] for d, a in final.items()},
                             "isomorphism_class": classes[chosen], "class_size": sizes[classes[chosen]]})

    def info(self) -> dict:
        """Summary of the stored data (the CLI adds the graph's numbers to it).

        Returns
        -------
        dict
            ``path, schema_version, created, architectures, isomorphism_classes, datasets, metrics, series, sources,
            splits, bytes``.

        Raises
        ------
        StoreError
            If ``space.npz`` or ``splits.npz`` is missing, unreadable or fails its checksum.

        Examples
        --------
        >>> info = store.info()
        >>> info["architectures"], info["isomorphism_classes"], info["series"]
        (15625, 6466, 141)
        """
        return {
            "path": str(self.path),
            "schema_version": self.manifest["schema_version"],
            "created": self.manifest["created"],
            "architectures": N_ARCHS,
            "isomorphism_classes": int(np.unique(self.isomorphism_classes()).size),
            "datasets": self.datasets,
            "metrics": self.metrics,
            "series": len(self._series),
            "sources": sorted(self.manifest["sources"]),
            "splits": sorted(self._load("splits.npz")),
            "bytes": int(sum(m["bytes"] for m in self._files.values())),
        }
