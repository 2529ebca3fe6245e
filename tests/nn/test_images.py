"""Tests of ``landscape.nn.images``: every on-disk format written small into tmp_path, splits, subsets,
normalisation, augmentation and the error paths; one test on the real CIFAR-10 JPEG zip."""

from __future__ import annotations

import io
import os
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from landscape.errors import SourceError
from landscape.nn.images import (CIFAR10_CLASSES, IMAGE_DATASETS, NORMALIZATION, DatasetMissingError, ImageData, batches,
                               cifar10_jpeg, digits, load_cifar, load_dataset, load_imagenet16_120)

RNG = np.random.default_rng(0)
JPEG_ZIP = Path(__file__).resolve().parents[3] / "shared" / "data" / "YoongiKim_CIFAR-10-images" / "CIFAR-10-images.zip"


# ----------------------------------------------------------------------------- writers


def _images(n: int, pixels: int = 3072) -> np.ndarray:
    return RNG.integers(0, 256, (n, pixels), dtype=np.uint8)


def write_cifar10_bin(root: Path, per_batch: int = 4, n_test: int = 6) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    d = root / "cifar-10-batches-bin"
    d.mkdir(parents=True)
    out = {}
    for name, n in [*[(f"data_batch_{i}.bin", per_batch) for i in range(1, 6)], ("test_batch.bin", n_test)]:
        x, y = _images(n), RNG.integers(0, 10, n)
        (d / name).write_bytes(np.concatenate([y[:, None].astype(np.uint8), x], axis=1).tobytes())
        out[name] = (x, y)
    return out


def write_cifar10_py(root: Path, per_batch: int = 4, n_test: int = 6, protocol: int = 2,
                     bytes_keys: bool = True) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    d = root / "cifar-10-batches-py"
    d.mkdir(parents=True)
    out = {}
    for name, n in [*[(f"data_batch_{i}", per_batch) for i in range(1, 6)], ("test_batch", n_test)]:
        x, y = _images(n), RNG.integers(0, 10, n)
        entry = {"batch_label": "x", "data": x, "labels": [int(v) for v in y], "filenames": ["a.png"] * n}
        if bytes_keys:  # as the original Python-2 files read with encoding="bytes"
            entry = {k.encode(): v for k, v in entry.items()}
        (d / name).write_bytes(pickle.dumps(entry, protocol=protocol))
        out[name] = (x, y)
    return out


def write_cifar100(root: Path, fmt: str, n_train: int = 12, n_test: int = 8) -> dict[str, tuple[np.ndarray, ...]]:
    out = {}
    d = root / ("cifar-100-binary" if fmt == "bin" else "cifar-100-python")
    d.mkdir(parents=True)
    for part, n in (("train", n_train), ("test", n_test)):
        x, fine, coarse = _images(n), RNG.integers(0, 100, n), RNG.integers(0, 20, n)
        if fmt == "bin":
            rec = np.concatenate([coarse[:, None].astype(np.uint8), fine[:, None].astype(np.uint8), x], axis=1)
            (d / f"{part}.bin").write_bytes(rec.tobytes())
        else:
            entry = {"data": x, "fine_labels": fine.tolist(), "coarse_labels": coarse.tolist()}
            (d / part).write_bytes(pickle.dumps(entry))
        out[part] = (x, fine)
    return out


def write_imagenet16(root: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    d = root / "ImageNet16"
    d.mkdir(parents=True)
    out = {}
    names = [f"train_data_batch_{i}" for i in range(1, 11)] + ["val_data"]
    for name in names:
        n = 6
        x = _images(n, 768)
        y = np.array([1, 120, 121, 1000, 5 + len(out), 60])  # 1-based; 121 and 1000 are dropped
        (d / name).write_bytes(pickle.dumps({"data": x, "labels": y.tolist(), "mean": np.zeros(768)}))
        out[name] = (x, y)
    return out


def _jpeg_bytes(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buf, format="JPEG", quality=95)
    return buf.getvalue()


def colour_of(folder: str, c: int, k: int) -> tuple[int, int, int]:
    """A distinct flat colour per image, so a decoded image tells which file it came from."""
    return (20 * c + 10, 8 * k + 5, 200 if folder == "train" else 40)


def write_jpeg_zip(path: Path, n_train: int = 8, n_test: int = 3, skip_class: str | None = None,
                   bad_member: str | None = None, size: int = 32) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("CIFAR-10-images/README.md", "readme")
        for folder, n in (("train", n_train), ("test", n_test)):
            for c, cls in enumerate(CIFAR10_CLASSES):
                if cls == skip_class:
                    continue
                for k in range(n):
                    name = f"CIFAR-10-images/{folder}/{cls}/{k:04d}.jpg"
                    if name == bad_member:
                        data = b"not a jpeg"
                    elif size != 32:
                        buf = io.BytesIO()
                        Image.new("RGB", (size, size)).save(buf, format="JPEG")
                        data = buf.getvalue()
                    else:
                        data = _jpeg_bytes(colour_of(folder, c, k))
                    z.writestr(name, data)
    return path


def cifar10_splits(n: int) -> dict[str, np.ndarray]:
    perm = np.random.default_rng(1).permutation(n).astype(np.int32)
    return {"cifar10-valid:train": perm[: n // 2], "cifar10-valid:valid": perm[n // 2:]}


def nchw(flat: np.ndarray, side: int = 32) -> torch.Tensor:
    return torch.from_numpy(flat.reshape(-1, 3, side, side))


# ----------------------------------------------------------------------------- original CIFAR


def test_cifar10_binary_round_trip(tmp_path: Path) -> None:
    files = write_cifar10_bin(tmp_path)
    train = load_cifar(tmp_path, "cifar10", "train")
    xs = np.concatenate([files[f"data_batch_{i}.bin"][0] for i in range(1, 6)])
    ys = np.concatenate([files[f"data_batch_{i}.bin"][1] for i in range(1, 6)])
    assert train.x.dtype == torch.uint8 and train.x.shape == (20, 3, 32, 32)
    assert torch.equal(train.x, nchw(xs)) and torch.equal(train.y, torch.from_numpy(ys))
    assert train.y.dtype == torch.int64 and train.classes == 10 and "binary" in train.note
    test = load_cifar(tmp_path / "cifar-10-batches-bin", "cifar10", "test")  # the batch folder itself
    assert torch.equal(test.x, nchw(files["test_batch.bin"][0]))
    assert (test.mean, test.std, test.crop_pad) == (*NORMALIZATION["cifar10"], 4)


@pytest.mark.parametrize(("protocol", "bytes_keys"), [(2, True), (5, False)])
def test_cifar10_python_round_trip(tmp_path: Path, protocol: int, bytes_keys: bool) -> None:
    files = write_cifar10_py(tmp_path, protocol=protocol, bytes_keys=bytes_keys)
    train = load_cifar(tmp_path, "cifar10", "train")
    assert torch.equal(train.x, nchw(np.concatenate([files[f"data_batch_{i}"][0] for i in range(1, 6)])))
    assert torch.equal(train.y, torch.from_numpy(np.concatenate([files[f"data_batch_{i}"][1] for i in range(1, 6)])))
    test = load_cifar(tmp_path, "cifar10", "test")
    assert torch.equal(test.x, nchw(files["test_batch"][0])) and "python" in test.note


def py2_pickle(pixels: bytes, label: int) -> bytes:
    """``{'data': uint8 array (1, len(pixels)), 'labels': [label]}`` as Python 2's cPickle (protocol 2) wrote it,
    i.e. as in the original ``cifar-10-batches-py`` files."""
    return (b"\x80\x02}q\x00(U\x04dataq\x01cnumpy.core.multiarray\n_reconstruct\nq\x02cnumpy\nndarray\nq\x03"
            b"K\x00\x85q\x04U\x01bq\x05\x87Rq\x06(K\x01K\x01M" + struct.pack("<H", len(pixels)) + b"\x86q\x07"
            b"cnumpy\ndtype\nq\x08U\x02u1K\x00K\x01\x87Rq\x09(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
            b"\x89T" + struct.pack("<I", len(pixels)) + pixels + b"tbU\x06labelsq\x0a]q\x0bK" + bytes([label]) + b"au.")


def test_python2_pickles_as_in_the_original_release(tmp_path: Path) -> None:
    d = tmp_path / "cifar-10-batches-py"
    d.mkdir()
    pixels = bytes(range(256)) * 12
    (d / "test_batch").write_bytes(py2_pickle(pixels, 7))
    test = load_cifar(tmp_path, "cifar10", "test")
    assert test.y.tolist() == [7]
    assert torch.equal(test.x.flatten(), torch.frombuffer(bytearray(pixels), dtype=torch.uint8))


def test_cifar10_valid_applies_nb201_split(tmp_path: Path) -> None:
    write_cifar10_bin(tmp_path)
    full = load_cifar(tmp_path, "cifar10", "train")
    splits = cifar10_splits(20)
    tr = load_cifar(tmp_path, "cifar10-valid", "train", splits=splits)
    va = load_cifar(tmp_path, "cifar10-valid", "valid", splits=splits)
    for part, key in ((tr, "cifar10-valid:train"), (va, "cifar10-valid:valid")):
        idx = torch.from_numpy(np.sort(splits[key]).astype(np.int64))
        assert torch.equal(part.x, full.x[idx]) and torch.equal(part.y, full.y[idx])
        assert key in part.note
    assert len(tr) + len(va) == 20
    assert len(load_cifar(tmp_path, "cifar10-valid", "test", splits=splits)) == 6


def test_default_splits_come_from_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from landscape.bench.store import write_store
    from landscape.spaces.nb201 import all_codes

    write_cifar10_bin(tmp_path / "cifar")
    splits = cifar10_splits(20)
    write_store(tmp_path / "store", all_codes(), [], splits=splits)
    monkeypatch.setenv("LANDSCAPE_DATA", str(tmp_path / "store"))
    va = load_cifar(tmp_path / "cifar", "cifar10-valid", "valid")
    assert torch.equal(va.x, load_cifar(tmp_path / "cifar", "cifar10-valid", "valid", splits=splits).x)


@pytest.mark.parametrize("fmt", ["bin", "py"])
def test_cifar100_fine_labels_and_splits(tmp_path: Path, fmt: str) -> None:
    files = write_cifar100(tmp_path, fmt)
    train = load_cifar(tmp_path, "cifar100", "train")
    assert torch.equal(train.x, nchw(files["train"][0])) and torch.equal(train.y, torch.from_numpy(files["train"][1]))
    assert train.classes == 100 and train.mean == NORMALIZATION["cifar100"][0]
    test = load_cifar(tmp_path, "cifar100", "test")
    splits = {"cifar100:xvalid": np.array([5, 1, 3, 7], np.int32), "cifar100:xtest": np.array([0, 2, 4, 6], np.int32)}
    xv = load_cifar(tmp_path, "cifar100", "xvalid", splits=splits)
    xt = load_cifar(tmp_path, "cifar100", "xtest", splits=splits)
    assert torch.equal(xv.x, test.x[[1, 3, 5, 7]]) and torch.equal(xt.y, test.y[[0, 2, 4, 6]])


def test_imagenet16_filters_relabels_and_splits(tmp_path: Path) -> None:
    files = write_imagenet16(tmp_path)
    train = load_imagenet16_120(tmp_path, "train")
    keep = [(x[y <= 120], y[y <= 120] - 1) for x, y in (files[f"train_data_batch_{i}"] for i in range(1, 11))]
    assert train.x.shape == (40, 3, 16, 16) and train.classes == 120 and train.crop_pad == 2
    assert torch.equal(train.x, nchw(np.concatenate([k[0] for k in keep]), 16))
    assert torch.equal(train.y, torch.from_numpy(np.concatenate([k[1] for k in keep])))
    test = load_imagenet16_120(tmp_path / "ImageNet16", "test")
    assert test.y.tolist() == [0, 119, 14, 59]
    splits = {"ImageNet16-120:xvalid": np.array([3, 0]), "ImageNet16-120:xtest": np.array([1, 2])}
    xv = load_imagenet16_120(tmp_path, "xvalid", splits=splits)
    assert torch.equal(xv.x, test.x[[0, 3]]) and xv.y.tolist() == [0, 59]


# ----------------------------------------------------------------------------- JPEG zip


@pytest.fixture
def jpeg_zip(tmp_path: Path) -> Path:
    return write_jpeg_zip(tmp_path / "CIFAR-10-images.zip")


def test_jpeg_layout_pixels_and_labels(jpeg_zip: Path) -> None:
    test = cifar10_jpeg("test", path=jpeg_zip)
    assert test.x.shape == (30, 3, 32, 32) and test.x.dtype == torch.uint8
    assert torch.bincount(test.y).tolist() == [3] * 10
    for i in range(len(test)):  # class-major, file-number order; flat colours survive JPEG within a few units
        c, k = divmod(i, 3)
        assert test.y[i] == c
        want = torch.tensor(colour_of("test", c, k), dtype=torch.float32).view(3, 1, 1)
        assert (test.x[i].float() - want).abs().max() <= 4
    assert "jpeg-test" in test.note and "lossy" in test.note
    assert torch.equal(cifar10_jpeg("test", path=jpeg_zip.parent).x, test.x)  # the folder holding the zip


def test_jpeg_train_valid_disjoint_balanced_and_seeded(jpeg_zip: Path) -> None:
    def ids(d: ImageData) -> set[tuple[int, int]]:  # (class, file number) recovered from the flat colours
        x = d.x[:, :, 0, 0].int()
        return {(round((int(p[0]) - 10) / 20), round((int(p[1]) - 5) / 8)) for p in x}

    tr, va = cifar10_jpeg("train", path=jpeg_zip), cifar10_jpeg("valid", path=jpeg_zip)
    assert len(tr) == len(va) == 40 and torch.bincount(tr.y).tolist() == torch.bincount(va.y).tolist() == [4] * 10
    assert ids(tr).isdisjoint(ids(va)) and len(ids(tr) | ids(va)) == 80
    a = cifar10_jpeg("train", path=jpeg_zip, n_per_class=2, random_state=3)
    b = cifar10_jpeg("train", path=jpeg_zip, n_per_class=2, random_state=3)
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y) and torch.bincount(a.y).tolist() == [2] * 10
    assert ids(a) <= ids(tr) and "2 per class" in a.note
    others = [cifar10_jpeg("train", path=jpeg_zip, n_per_class=2, random_state=s) for s in range(4)]
    assert len({frozenset(ids(o)) for o in others}) > 1
    assert ids(cifar10_jpeg("valid", path=jpeg_zip, n_per_class=2, random_state=3)).isdisjoint(ids(tr))
    assert not ids(cifar10_jpeg("train", path=jpeg_zip, split_seed=1)) == ids(tr)


@pytest.mark.skipif(not JPEG_ZIP.is_file(), reason="../shared/data CIFAR-10 JPEG zip not present")
def test_real_jpeg_zip() -> None:
    mean = torch.tensor([125.3, 123.0, 113.9])
    for split in ("train", "test"):
        d = load_dataset("cifar10-jpeg", split, root=JPEG_ZIP, n_per_class=20)
        assert d.x.shape == (200, 3, 32, 32) and torch.bincount(d.y, minlength=10).tolist() == [20] * 10
        assert (d.x.float().mean((0, 2, 3)) - mean).abs().max() < 8
    assert torch.equal(load_dataset("cifar10-jpeg", "test", n_per_class=2).x,
                       load_dataset("cifar10-jpeg", "test", root=JPEG_ZIP.parent, n_per_class=2).x)


# ----------------------------------------------------------------------------- digits, subsets


def test_digits_splits_subsets_and_scale() -> None:
    parts = {s: digits(s) for s in IMAGE_DATASETS["digits"]}
    assert sum(len(p) for p in parts.values()) == 1797
    assert parts["train"].x.shape[1:] == (1, 8, 8) and parts["train"].x.dtype == torch.float32
    assert 0 <= parts["train"].x.min() and parts["train"].x.max() <= 1 and parts["train"].crop_pad == 1
    from sklearn.datasets import load_digits

    whole = torch.from_numpy(load_digits().images / 16).float()
    assert abs(whole.mean() - NORMALIZATION["digits"][0][0]) < 1e-3
    assert abs(whole.std() - NORMALIZATION["digits"][1][0]) < 1e-3
    rows = {s: {p.numpy().tobytes() for p in d.x} for s, d in parts.items()}
    assert len(rows["train"] | rows["valid"] | rows["test"]) == 1797  # disjoint: the 1797 images are distinct
    small = load_dataset("digits", "valid", n_per_class=7, random_state=5)
    assert torch.bincount(small.y).tolist() == [7] * 10
    assert torch.equal(small.x, digits("valid", n_per_class=7, random_state=5).x)
    bigger = digits("valid", n_per_class=9, random_state=5)
    assert {p.numpy().tobytes() for p in small.x} <= {p.numpy().tobytes() for p in bigger.x}  # subsets nest


def test_n_per_class_on_nb201_split(tmp_path: Path) -> None:
    write_cifar100(tmp_path, "bin", n_test=40)
    y = load_cifar(tmp_path, "cifar100", "test").y
    splits = {"cifar100:xvalid": np.arange(0, 40, 2), "cifar100:xtest": np.arange(1, 40, 2)}
    with pytest.raises(ValueError, match="allowed: 1..0"):
        load_cifar(tmp_path, "cifar100", "xvalid", splits=splits, n_per_class=1)  # not every class is present
    write_cifar10_bin(tmp_path / "c10", per_batch=20)
    full = load_cifar(tmp_path / "c10", "cifar10", "train")
    counts = torch.bincount(full.y, minlength=10)
    sub = load_cifar(tmp_path / "c10", "cifar10", "train", n_per_class=int(counts.min()), random_state=1)
    assert torch.bincount(sub.y).tolist() == [int(counts.min())] * 10 and y.dtype == torch.int64


# ----------------------------------------------------------------------------- batches


def _toy(n: int = 10, side: int = 6) -> ImageData:
    x = torch.from_numpy(RNG.integers(0, 256, (n, 3, side, side), dtype=np.uint8))
    mean, std = NORMALIZATION["cifar10"]
    return ImageData("toy", "train", x, torch.arange(n), n, "", mean, std, 2)


def test_normalisation_constants() -> None:
    assert np.allclose(np.array(NORMALIZATION["cifar10"]) * 255, [[125.3, 123.0, 113.9], [63.0, 62.1, 66.7]])
    assert np.allclose(np.array(NORMALIZATION["cifar100"]) * 255, [[129.3, 124.1, 112.4], [68.2, 65.4, 70.4]])
    assert np.allclose(np.array(NORMALIZATION["ImageNet16-120"]) * 255,
                       [[122.68, 116.66, 104.01], [63.22, 61.26, 65.09]])
    d = _toy()
    (x, y), = batches(d, 100)
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in NORMALIZATION["cifar10"])
    assert x.dtype == torch.float32 and torch.allclose(x, (d.x.float() / 255 - mean) / std, atol=1e-5)
    assert torch.equal(y, d.y)
    g = digits("test")
    (xg, _), = batches(g, 10_000)
    assert torch.allclose(xg, (g.x - 0.3053) / 0.3760, atol=1e-5)


def test_batches_order_shuffle_and_drop_last() -> None:
    d = _toy(10)
    assert [b[1].tolist() for b in batches(d, 4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [len(b[1]) for b in batches(d, 4, drop_last=True)] == [4, 4]
    s1 = torch.cat([y for _, y in batches(d, 3, shuffle=True, random_state=7)])
    s2 = torch.cat([y for _, y in batches(d, 3, shuffle=True, random_state=7)])
    s3 = torch.cat([y for _, y in batches(d, 3, shuffle=True, random_state=8)])
    assert torch.equal(s1, s2) and sorted(s1.tolist()) == list(range(10)) and not torch.equal(s1, s3)
    with pytest.raises(ValueError, match="batch_size"):
        next(batches(d, 0))


def test_augmentation_is_a_seeded_crop_and_flip() -> None:
    d = _toy(64)
    (a, ya), = batches(d, 64, augment=True, random_state=3)
    (b, _), = batches(d, 64, augment=True, random_state=3)
    (c, _), = batches(d, 64, augment=True, random_state=4)
    assert a.shape == (64, 3, 6, 6) and torch.equal(a, b) and not torch.equal(a, c)
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in NORMALIZATION["cifar10"])
    raw = a * std + mean  # back to [0, 1]
    padded = torch.nn.functional.pad(d.x.float() / 255, (2, 2, 2, 2))
    flips = 0
    for i in range(64):
        img = padded[int(ya[i])]
        cands = [(f, img[:, r:r + 6, s:s + 6].flip(-1) if f else img[:, r:r + 6, s:s + 6])
                 for f in (0, 1) for r in range(5) for s in range(5)]
        hits = [f for f, cand in cands if torch.allclose(raw[i], cand, atol=1e-5)]
        assert hits, f"augmented image {i} is no crop/flip of its source"
        flips += hits[0]
    assert 10 < flips < 54


# ----------------------------------------------------------------------------- errors


def test_missing_data_says_where_and_how(tmp_path: Path) -> None:
    for call, words in [
        (lambda: load_cifar(tmp_path, "cifar10", "train"), ["cifar-10-batches-bin", "cs.toronto.edu", "root="]),
        (lambda: load_cifar(tmp_path, "cifar100", "test"), ["cifar-100-python", "CIFAR-100"]),
        (lambda: load_imagenet16_120(tmp_path, "test"), ["ImageNet16", "val_data", "image-net.org"]),
        (lambda: cifar10_jpeg("test", path=tmp_path / "nope.zip"), ["nope.zip", "YoongiKim"]),
        (lambda: load_dataset("cifar10-jpeg", "test", root=tmp_path), ["CIFAR-10-images.zip"]),
    ]:
        with pytest.raises(FileNotFoundError) as info:
            call()
        assert isinstance(info.value, DatasetMissingError)
        assert all(w in str(info.value) for w in words), str(info.value)


def test_incomplete_cifar_names_the_missing_batch(tmp_path: Path) -> None:
    write_cifar10_py(tmp_path)
    (tmp_path / "cifar-10-batches-py" / "data_batch_3").unlink()
    with pytest.raises(DatasetMissingError, match="data_batch_3"):
        load_cifar(tmp_path, "cifar10", "train")
    assert len(load_cifar(tmp_path, "cifar10", "test")) == 6


def test_truncated_and_bad_binary(tmp_path: Path) -> None:
    write_cifar10_bin(tmp_path)
    f = tmp_path / "cifar-10-batches-bin" / "test_batch.bin"
    f.write_bytes(f.read_bytes()[:-10])
    with pytest.raises(SourceError, match="test_batch.bin.*3073-byte record"):
        load_cifar(tmp_path, "cifar10", "test")
    f.write_bytes(bytes([11]) + bytes(3072))
    with pytest.raises(SourceError, match="test_batch.bin: labels span 11..11"):
        load_cifar(tmp_path, "cifar10", "test")


def test_bad_pickles(tmp_path: Path) -> None:
    write_cifar10_py(tmp_path)
    f = tmp_path / "cifar-10-batches-py" / "test_batch"
    good = f.read_bytes()
    cases = [
        (good[: len(good) // 2], "test_batch: unreadable pickle"),
        (pickle.dumps({"data": np.zeros((2, 3072), np.uint8), "targets": [0, 1]}), r"keys \['data', 'targets'\]"),
        (pickle.dumps([1, 2]), "holds a list"),
        (pickle.dumps({"data": np.zeros((2, 100), np.uint8), "labels": [0, 1]}), r"expected uint8 \(N, 3072\)"),
        (pickle.dumps({"data": np.zeros((2, 3072), np.uint8), "labels": [0, 1], "x": os.system}), "refusing to load"),
        (pickle.dumps({"data": np.zeros((1, 3072), np.uint8), "labels": [0], "x": np.float64}), "refusing to load"),
    ]
    for payload, msg in cases:
        f.write_bytes(payload)
        with pytest.raises(SourceError, match=msg):
            load_cifar(tmp_path, "cifar10", "test")
    write_imagenet16(tmp_path)
    bad = {"data": np.zeros((1, 768), np.uint8), "labels": [0]}
    (tmp_path / "ImageNet16" / "val_data").write_bytes(pickle.dumps(bad))
    with pytest.raises(SourceError, match="val_data: labels span 0..0, expected 1-based"):
        load_imagenet16_120(tmp_path, "test")


def test_bad_jpeg_zips(tmp_path: Path) -> None:
    bad = write_jpeg_zip(tmp_path / "a.zip", bad_member="CIFAR-10-images/test/cat/0001.jpg")
    with pytest.raises(SourceError, match="test/cat/0001.jpg is not a decodable JPEG"):
        cifar10_jpeg("test", path=bad)
    assert len(cifar10_jpeg("train", path=bad)) == 40  # only the decoded members matter
    with pytest.raises(SourceError, match=r"class\(es\) \['frog'\]"):
        cifar10_jpeg("test", path=write_jpeg_zip(tmp_path / "b.zip", skip_class="frog"))
    with pytest.raises(SourceError, match="is 16x16, expected 32x32"):
        cifar10_jpeg("test", path=write_jpeg_zip(tmp_path / "c.zip", size=16))
    (tmp_path / "d.zip").write_bytes(b"garbage")
    with pytest.raises(SourceError, match="d.zip: not a readable zip"):
        cifar10_jpeg("test", path=tmp_path / "d.zip")


def test_bad_names_and_sizes(tmp_path: Path, jpeg_zip: Path) -> None:
    with pytest.raises(ValueError, match=r"dataset must be one of 'cifar10-jpeg', .*, got 'cifar-10' "
                                         r"\(did you mean 'cifar10'\?\)"):
        load_dataset("cifar-10", "train")
    with pytest.raises(ValueError, match="split of cifar100 must be one of 'train', 'xvalid', 'xtest', 'test', got 'valid'"):
        load_dataset("cifar100", "valid")
    with pytest.raises(ValueError, match="split of cifar10-jpeg must be one of 'train', 'valid', 'test', got 'xvalid'"):
        cifar10_jpeg("xvalid", path=jpeg_zip)
    with pytest.raises(ValueError, match="load_cifar reads"):
        load_cifar(tmp_path, "ImageNet16-120", "train")
    with pytest.raises(ValueError, match=r"n_per_class=5 not available.*allowed: 1..4 or None"):
        cifar10_jpeg("train", path=jpeg_zip, n_per_class=5)
    with pytest.raises(ValueError, match="allowed: 1..4"):
        cifar10_jpeg("valid", path=jpeg_zip, n_per_class=0)
    write_cifar10_bin(tmp_path)
    with pytest.raises(ValueError, match=r"no NB201 split 'cifar10-valid:valid'.*\['cifar10-valid:train'\]"):
        load_cifar(tmp_path, "cifar10-valid", "valid", splits={"cifar10-valid:train": np.arange(3)})
    with pytest.raises(SourceError, match="indexes images up to 49999 but .* holds 20"):
        load_cifar(tmp_path, "cifar10-valid", "train", splits={"cifar10-valid:train": np.array([0, 49999])})
