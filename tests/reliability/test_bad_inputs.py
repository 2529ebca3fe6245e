"""Hundreds of generated bad inputs to the public entry points: each must end in a clear error.

A clear error is a ``ValueError`` or :class:`~landscape.errors.LandscapeError` whose message is
non-empty and names the offending value, field or file (see ``conftest.expect_clear``), never a
bare ``KeyError``/``IndexError``/``TypeError`` from deep inside, and never a silent success.
The last test checks the session tally: at least 200 bad inputs, all of them clear.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from landscape.backend import SweepError, evaluate_architecture, run_sweep
from landscape.bench.store import Store
from landscape.flatness import flatness
from landscape.geometry.neighbourhood import neighbourhood
from landscape.geometry.ranking import bootstrap_counts, kendall_tau, precision_at_k, rank_agreement, spearman_rho
from landscape.graph import hamming_sphere
from landscape.graph.darts import sample_neighbours
from landscape.nn import create_network
from landscape.runs import RunStore
from landscape.spaces import darts
from landscape.spaces.nb201 import OPS, all_codes, format_arch, parse_arch

from .conftest import TALLY, expect_clear

ROOT = Path(__file__).resolve().parents[2]
REAL_STORE = ROOT / "data" / "nb201"
VALID_NB201 = frozenset(format_arch(all_codes()).tolist())
#: Derandomised (the same examples every run), no example database, no per-example deadline.
FUZZ = dict(deadline=None, derandomize=True, database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def needs_real_store() -> None:
    if not (REAL_STORE / "manifest.json").is_file():
        pytest.skip(f"no ground-truth store at {REAL_STORE}: run `make data` first")


# ------------------------------------------------------------------------ NB201 architecture strings

def _mutate_arch(codes: tuple[int, ...], kind: str, pos: int, text: str) -> str:
    arch = format_arch(codes)
    i = pos % len(arch)
    if kind == "delete":
        return arch[:i] + arch[i + 1:]
    if kind == "insert":
        return arch[:i] + text + arch[i:]
    if kind == "op":  # an unknown operation on one edge
        op = OPS[codes[pos % 6]]
        return arch.replace(op, text or "conv", 1)
    if kind == "node":  # a wrong input node on one edge
        j = arch.index("~", i) if "~" in arch[i:] else arch.index("~")
        return arch[:j + 1] + str(pos % 10 + 4) + arch[j + 2:]
    if kind == "truncate":
        return arch[:i]
    return arch.replace("+", text, 1)  # kind == "separator"


@settings(max_examples=40, **FUZZ)
@given(st.text(max_size=80))
def test_nb201_random_text(text):
    assume(text not in VALID_NB201)
    expect_clear(parse_arch, text, names=[repr(text)])


@settings(max_examples=60, **FUZZ)
@given(st.tuples(*[st.integers(0, 4)] * 6),
       st.sampled_from(["delete", "insert", "op", "node", "truncate", "separator"]),
       st.integers(0, 200), st.text(alphabet="abcxyz_|~+0123456789", max_size=6))
def test_nb201_mutated_strings(codes, kind, pos, text):
    arch = _mutate_arch(codes, kind, pos, text)
    assume(arch not in VALID_NB201)
    expect_clear(parse_arch, arch, names=[repr(arch)])


# ------------------------------------------------------------------------------- DARTS genotypes

def _cell(rng_ops, rng_inputs) -> list[tuple[str, int]]:
    return [(darts.OPS[o], i) for o, i in zip(rng_ops, rng_inputs)]


@st.composite
def bad_genotypes(draw) -> tuple[str, darts.Genotype]:
    """A genotype with one defect, as DARTS' repr string and as a (raw) Genotype tuple."""
    g = darts.random_genotype(draw(st.integers(0, 2**31)))
    normal, reduce = [list(c) for c in (g.normal, g.reduce)]
    normal_concat: object = [2, 3, 4, 5]
    cell = draw(st.sampled_from([normal, reduce]))
    e = draw(st.integers(0, 7))
    node = int(darts.EDGE_NODE[e])
    kind = draw(st.sampled_from(["op", "input", "twice", "edges", "concat", "pair"]))
    if kind == "op":
        op = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=14))
        assume(op not in darts.OPS)
        cell[e] = (op, cell[e][1])
    elif kind == "input":
        cell[e] = (cell[e][0], draw(st.one_of(st.integers(node, 99), st.integers(-99, -1))))
    elif kind == "twice":  # a node reads the same state on both of its edges
        first = e - e % 2
        cell[first + 1] = (cell[first + 1][0], cell[first][1])
    elif kind == "edges":
        n = draw(st.integers(0, 12).filter(lambda n: n != 8))
        cell[:] = (cell * 2)[:n]
    elif kind == "concat":
        normal_concat = draw(st.lists(st.integers(-3, 9), max_size=6).filter(lambda c: c != [2, 3, 4, 5]))
    else:
        cell[e] = draw(st.sampled_from([(cell[e][0],), (cell[e][0], cell[e][1], 1), (cell[e][1], cell[e][0]),
                                        (cell[e][0], str(cell[e][1]))]))
    raw = darts.Genotype(normal, normal_concat, reduce, [2, 3, 4, 5])
    return repr(raw), raw


@settings(max_examples=50, **FUZZ)
@given(bad_genotypes(), st.sampled_from(["parse", "object", "codes"]))
def test_darts_defective_genotypes(bad, entry):
    text, raw = bad
    call, arg = {"parse": (darts.parse_genotype, text), "object": (darts.as_genotype, raw),
                 "codes": (darts.genotype_to_codes, raw)}[entry]
    expect_clear(call, arg, names=["invalid DARTS genotype", "invalid DARTS cell"])


@settings(max_examples=30, **FUZZ)
@given(st.integers(0, 2**31), st.integers(0, 1000), st.text(max_size=20), st.booleans())
def test_darts_garbled_text(seed, pos, junk, truncate):
    text = repr(darts.random_genotype(seed))
    i = pos % len(text)
    bad = text[:i] if truncate else text[:i] + junk + "(" + text[i:]
    expect_clear(darts.parse_genotype, bad, names=[repr(bad)])


# ------------------------------------------------------------------ ground-truth store corruption

@pytest.fixture(scope="module")
def store_copy(tmp_path_factory) -> Path:
    """A private copy of the real store, restored after every corruption."""
    needs_real_store()
    path = tmp_path_factory.mktemp("bench") / "nb201"
    shutil.copytree(REAL_STORE, path)
    return path


def _read_file(store: Store, name: str) -> None:
    """Open ``name`` through the public API (a checksum check on first read)."""
    if name == "space.npz":
        store.index
    elif name == "splits.npz":
        store.splits()
    else:
        store.frame(source=Path(name).stem)


def _manifest_defect(manifest: dict, kind: str, data) -> dict:
    m = json.loads(json.dumps(manifest))
    if kind == "schema":
        m["schema_version"] = data.draw(st.one_of(st.integers().filter(lambda v: v != 1), st.text(), st.none()))
    elif kind == "drop":
        del m[data.draw(st.sampled_from(["files", "series", "schema_version"]))]
    elif kind == "type":
        m[data.draw(st.sampled_from(["files", "series"]))] = data.draw(st.one_of(st.integers(), st.text(),
                                                                                 st.lists(st.integers(), max_size=3)))
    elif kind == "bytes":
        name = data.draw(st.sampled_from(sorted(m["files"])))
        m["files"][name]["bytes"] = data.draw(st.integers(0, 10**8).filter(lambda b: b != m["files"][name]["bytes"]))
    elif kind == "series_field":
        entry = m["series"][data.draw(st.integers(0, len(m["series"]) - 1))]
        del entry[data.draw(st.sampled_from(["id", "file", "dataset", "metric", "seed"]))]
    elif kind == "series_target":  # the series read below points at an array or a file that is not there
        entry = next(e for e in m["series"] if (e["dataset"], e["split"], e["epochs"], e["seed"]) == (
            "cifar10", "test", 200, None))
        field = data.draw(st.sampled_from(["id", "file"]))
        entry[field] = data.draw(st.text(alphabet="abcs0123456789", min_size=1, max_size=6)) + (
            ".npz" if field == "file" else "")
    return m


def _damage_bytes(path, original: bytes, kind: str, pos: int, xor: int) -> None:
    """Write ``original`` cut at ``pos`` (``truncate``) or with the byte at ``pos`` XOR-ed by ``xor`` (``flip``)."""
    if kind == "truncate":
        path.write_bytes(original[:pos % len(original)])
    else:
        data = bytearray(original)
        data[pos % len(data)] ^= xor
        path.write_bytes(bytes(data))


@settings(max_examples=45, **FUZZ)
@given(st.sampled_from(["space.npz", "splits.npz", "nats.npz", "naslib.npz", "minibench.npz"]),
       st.sampled_from(["truncate", "flip", "append", "delete"]), st.integers(0, 2**40), st.integers(1, 255))
def test_store_damaged_files(store_copy, name, kind, pos, xor):
    path = store_copy / name
    original = path.read_bytes()
    try:
        if kind in ("truncate", "flip"):
            _damage_bytes(path, original, kind, pos, xor)
        elif kind == "append":
            path.write_bytes(original + bytes([xor]) * (pos % 64 + 1))
        else:
            path.unlink()
        expect_clear(lambda: _read_file(Store(store_copy), name), names=[str(path)])
    finally:
        path.write_bytes(original)


@settings(max_examples=35, **FUZZ)
@given(st.sampled_from(["truncate", "schema", "drop", "type", "bytes", "series_field", "series_target"]), st.data())
def test_store_damaged_manifest(store_copy, kind, data):
    path = store_copy / "manifest.json"
    original = path.read_text()
    try:
        if kind == "truncate":
            path.write_text(original[:data.draw(st.integers(0, original.rindex("}") - 1))])
        else:
            path.write_text(json.dumps(_manifest_defect(json.loads(original), kind, data)))
        expect_clear(lambda: Store(store_copy).array("cifar10", split="test", epochs=200), names=[str(store_copy)])
    finally:
        path.write_text(original)


@pytest.fixture(scope="module")
def real_store() -> Store:
    needs_real_store()
    return Store(REAL_STORE)


@settings(max_examples=30, **FUZZ)
@given(st.sampled_from(["dataset", "metric", "split", "epochs", "seed"]), st.data())
def test_store_unknown_names(real_store, field, data):
    kwargs: dict = {"dataset": "cifar10", "metric": "accuracy", "split": "test", "epochs": 200}
    if field in ("dataset", "metric"):
        known = real_store.datasets if field == "dataset" else real_store.metrics
        value = data.draw(st.text(max_size=16).filter(lambda v: v not in known))
    elif field == "split":
        value = data.draw(st.text(min_size=1, max_size=10).filter(lambda v: v not in ("train", "valid", "test")))
    elif field == "epochs":
        value = data.draw(st.integers(-10, 1000).filter(lambda v: v not in (1, 12, 90, 200)))
    else:
        value = data.draw(st.integers(10, 10**6))
    kwargs[field] = value
    dataset = kwargs.pop("dataset")
    expect_clear(real_store.array, dataset, **kwargs, names=[repr(value)])


# ------------------------------------------------------------------- run checkpoints and tables

CONFIG = {"stage": "reliability", "seed": 0, "lr": 0.1}


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("run") / "spos"
    run = RunStore(path, CONFIG)
    run.save_checkpoint({"epoch": 3, "weights": torch.arange(64, dtype=torch.float32)})
    run.write("results", pd.DataFrame({"key": ["a", "b"], "value": [1.0, 2.0]}))
    return path


@settings(max_examples=45, **FUZZ)
@given(st.sampled_from(["truncate", "flip", "garbage", "other_config"]), st.integers(0, 2**40), st.integers(1, 255),
       st.binary(max_size=200))
def test_checkpoint_damage(run_folder, kind, pos, xor, junk):
    path = run_folder / "checkpoint.pt"
    original = path.read_bytes()
    try:
        if kind in ("truncate", "flip"):
            _damage_bytes(path, original, kind, pos, xor)
        elif kind == "garbage":
            path.write_bytes(junk)
        else:  # the checkpoint of a run of another configuration, copied in
            other = RunStore(run_folder.parent / f"other{pos % 1000}", {**CONFIG, "seed": pos % 1000 + 1})
            other.save_checkpoint({"epoch": 1})
            shutil.copy(other.checkpoint_path, path)
        expect_clear(RunStore(run_folder, CONFIG).load_checkpoint, names=[str(path)])
    finally:
        path.write_bytes(original)


@settings(max_examples=25, **FUZZ)
@given(st.dictionaries(st.sampled_from(["stage", "seed", "lr", "epochs"]),
                       st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=5)), min_size=1))
def test_reopening_with_another_config(run_folder, changes):
    other = {**CONFIG, **changes}
    assume(other != CONFIG)
    expect_clear(RunStore, run_folder, other, names=[str(run_folder)])


@settings(max_examples=20, **FUZZ)
@given(st.sampled_from(["config", "table"]), st.binary(min_size=1, max_size=100), st.integers(1, 5))
def test_run_metadata_damage(run_folder, target, junk, extra):
    path = run_folder / ("config.json" if target == "config" else "results.csv")
    original = path.read_bytes()
    try:
        if target == "config":
            path.write_bytes(junk + b"\xff")  # never valid UTF-8 JSON
            expect_clear(RunStore, run_folder, CONFIG, names=[str(path)])
        else:  # non-UTF-8 bytes, or a row with more fields than the header
            path.write_bytes(original + (b"\xff\xfe" + junk if extra % 2 else b"c," * (extra + 2) + b"c\n"))
            expect_clear(run_sweep, _unused_task, [{"key": "z"}], RunStore(run_folder, CONFIG), progress=False,
                         names=[str(path)])
    finally:
        path.write_bytes(original)


class Unreachable(BaseException):
    """Not an ``Exception``: no sweep or ``expect_clear`` turns it into a clear error."""


def _unused_task(task: dict) -> dict:
    raise Unreachable("a sweep with a bad argument or a corrupt table must stop before running any task")


# ------------------------------------------------------------------ NaN / inf given to ranking

@st.composite
def poisoned_pairs(draw) -> tuple[np.ndarray, np.ndarray, str, list[int]]:
    n = draw(st.integers(3, 40))
    x = np.asarray(draw(st.lists(st.floats(-1e6, 1e6), min_size=n, max_size=n)))
    y = np.asarray(draw(st.lists(st.floats(-1e6, 1e6), min_size=n, max_size=n)))
    bad = sorted(set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))))
    which = draw(st.sampled_from(["x", "y"]))
    (x if which == "x" else y)[bad] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return x, y, which, bad


@settings(max_examples=40, **FUZZ)
@given(poisoned_pairs(), st.sampled_from(["kendall", "spearman", "agreement", "precision", "frame"]))
def test_ranking_with_nan_and_inf(pair, entry):
    x, y, which, bad = pair
    if entry == "kendall":
        call, args, kwargs = kendall_tau, (x, y), {}
    elif entry == "spearman":
        call, args, kwargs = spearman_rho, (x, y), {}
    elif entry == "agreement":
        call, args, kwargs = rank_agreement, (x, y), {"n_boot": 5, "n_boot_weighted": 0}
    elif entry == "precision":
        call, args, kwargs = precision_at_k, (x, y, 2), {}
    else:  # columns of a results table
        table = pd.DataFrame({"proxy": x, "truth": y})
        call, args, kwargs = rank_agreement, (table["proxy"], table["truth"]), {"n_boot": 5, "n_boot_weighted": 0}
    expect_clear(call, *args, **kwargs, names=[f"positions {bad}"])


@settings(max_examples=20, **FUZZ)
@given(st.sampled_from(["length", "empty", "2d", "strings", "objects"]), st.integers(2, 20))
def test_ranking_with_misshapen_tables(kind, n):
    x = np.arange(n, dtype=float) if kind != "empty" else np.array([])
    y = {"length": np.arange(n + 1.0), "empty": np.array([]), "2d": np.ones((n, 2)),
         "strings": np.array([f"a{i}" for i in range(n)]), "objects": np.array([None] * n)}[kind]
    names = {"length": [f"{n + 1} entries"], "empty": ["empty"], "2d": [str((n, 2))], "strings": ["dtype"],
             "objects": ["dtype"]}[kind]
    if n % 2:
        expect_clear(kendall_tau, x, y, names=names)
    else:
        expect_clear(rank_agreement, x, y, n_boot=3, names=names)


# --------------------------------------------------------------------- out-of-range parameters

@pytest.fixture(scope="module")
def tiny_net():
    torch.manual_seed(0)
    net = create_network("nb201", (3, 1, 2, 0, 3, 4), c=2, n=1, in_channels=1).eval()
    data = [(torch.randn(4, 1, 8, 8), torch.tensor([0, 1, 2, 3]))]
    return net, data


bad_sigmas = st.one_of(
    st.just([]),
    st.lists(st.floats(-1.0, 0.0), min_size=1, max_size=4),
    st.lists(st.floats(1e-4, 1.0), min_size=2, max_size=4).map(lambda s: sorted(s, reverse=True)),
    st.lists(st.sampled_from([float("nan"), float("inf")]), min_size=1, max_size=3),
)
bad_counts = st.one_of(st.integers(-10**6, 0), st.floats(allow_nan=True), st.booleans(), st.text(max_size=3))
bad_seeds = st.one_of(st.integers(-10**9, -1), st.floats(allow_nan=True), st.text(max_size=3))


@settings(max_examples=40, **FUZZ)
@given(st.sampled_from(["sigmas", "n_draws", "random_state", "mode", "position"]), st.data())
def test_flatness_out_of_range(tiny_net, param, data):
    net, batch = tiny_net
    value = data.draw({"sigmas": bad_sigmas, "n_draws": bad_counts, "random_state": bad_seeds,
                       "mode": st.text(max_size=8).filter(lambda m: m not in ("faithful", "exact")),
                       "position": st.text(max_size=8).filter(lambda p: p not in ("all", "cells"))}[param])
    if param == "sigmas":
        try:
            names = [str(tuple(float(s) for s in value)), "sigmas"]
        except ValueError:
            names = ["sigmas"]
    else:
        names = [repr(value)]
    expect_clear(flatness, net, batch, **{param: value}, names=names)


@settings(max_examples=40, **FUZZ)
@given(st.sampled_from(["nb201_radius", "sphere_r", "darts_radius", "darts_n", "darts_seed", "boot_n",
                        "boot_seed", "ci", "k", "precision_k"]), st.data())
def test_geometry_out_of_range(real_store_index, param, data):
    if param == "nb201_radius":
        r = data.draw(st.one_of(st.integers(-5, 0), st.integers(7, 100), st.floats(0.5, 3.5)))
        expect_clear(neighbourhood, real_store_index, r, [0], names=[repr(r)])
    elif param == "sphere_r":
        r = data.draw(st.one_of(st.integers(-5, -1), st.integers(7, 100)))
        expect_clear(hamming_sphere, real_store_index, r, np.array([0]), names=[repr(r)])
    elif param in ("darts_radius", "darts_n"):
        bad = data.draw(st.one_of(st.integers(-100, 0), st.floats(0.5, 3.5), st.booleans()))
        radius, n = (bad, 3) if param == "darts_radius" else (2, bad)
        expect_clear(sample_neighbours, darts.DARTS_V2, radius, n, names=[repr(bad)])
    elif param in ("darts_seed", "boot_seed"):
        seed = data.draw(bad_seeds)
        call = darts.random_genotype if param == "darts_seed" else (lambda random_state: bootstrap_counts(
            10, 3, random_state))
        expect_clear(call, random_state=seed, names=[repr(seed)])
    elif param == "boot_n":
        n = data.draw(bad_counts)
        expect_clear(bootstrap_counts, 10, n, names=[repr(n)])
    elif param == "ci":
        ci = data.draw(st.one_of(st.floats(1.0, 100.0), st.floats(-100.0, 0.0), st.just(float("nan"))))
        expect_clear(rank_agreement, np.arange(8.0), np.arange(8.0), ci=ci, n_boot=3, names=[repr(ci)])
    elif param == "k":
        k = data.draw(st.one_of(st.lists(st.integers(-100, 0), min_size=1, max_size=3), st.text(min_size=1, max_size=3),
                                st.integers(1, 5), st.lists(st.floats(0.5, 9.5), min_size=1, max_size=2)))
        expect_clear(rank_agreement, np.arange(8.0), np.arange(8.0), k=k, n_boot=3, names=["k must"])
    else:
        k = data.draw(st.one_of(st.integers(-100, 0), st.integers(9, 1000)))
        expect_clear(precision_at_k, np.arange(8.0), np.arange(8.0), k, names=[repr(k)])


@pytest.fixture(scope="module")
def real_store_index(real_store):
    return real_store.index


@settings(max_examples=25, **FUZZ)
@given(st.sampled_from(["arch", "seed", "epochs", "c", "dataset", "unknown", "backend", "n_workers", "max_retries"]),
       st.data())
def test_sweep_and_task_bad_arguments(tmp_path_factory, param, data):
    if param in ("backend", "n_workers", "max_retries"):
        value = data.draw({"backend": st.text(max_size=6).filter(lambda b: b not in ("local", "ray")),
                           "n_workers": st.one_of(st.integers(-5, 0), st.floats(), st.booleans()),
                           "max_retries": st.one_of(st.integers(-5, -1), st.floats(), st.text(max_size=2))}[param])
        run = RunStore(tmp_path_factory.mktemp("sweep"), {"sweep": "bad"})
        expect_clear(run_sweep, _unused_task, [{"key": "a"}], run, **{param: value}, progress=False,
                     names=[repr(value)])
        return
    task = {"arch": format_arch((3, 3, 3, 3, 3, 3)), "seed": 0}
    value = data.draw({"arch": st.text(max_size=20).filter(lambda a: a not in VALID_NB201), "seed": bad_seeds,
                       "epochs": bad_counts, "c": bad_counts,
                       "dataset": st.text(max_size=8).filter(lambda d: d not in ("digits", "cifar10-jpeg")),
                       "unknown": st.just(1)}[param])
    task[param if param != "unknown" else "learning_rate"] = value
    expect_clear(evaluate_architecture, task, names=["learning_rate" if param == "unknown" else repr(value)])


def test_failed_sweep_task_names_its_key(tmp_path):
    run = RunStore(tmp_path, {"sweep": "bad task"})
    tasks = [{"key": "good", "arch": format_arch((3, 3, 3, 3, 3, 3)), "epochs": 1, "c": 2},
             {"key": "broken", "arch": "|nor_conv_3x3~0|+|oops~0|"}]
    error = expect_clear(run_sweep, evaluate_architecture, tasks, run, progress=False, names=["task 'broken'"])
    assert isinstance(error, SweepError) and error.keys == ["broken"]
    assert list(run.read("results")["key"]) == ["good"]


# ---------------------------------------------------------------------------------------- totals

MIN_BAD_INPUTS = 200


def test_tally_every_bad_input_ended_in_a_clear_error(request):
    mine = [i for i in request.session.items if getattr(i, "module", None) is request.module and i is not request.node]
    battery = [name for name, obj in vars(request.module).items()
               if name.startswith("test_") and callable(obj) and name != request.node.name]
    if len({i.originalname for i in mine}) < len(battery):
        pytest.skip("the tally needs the whole module: run tests/reliability/test_bad_inputs.py without -k")
    assert TALLY.tried >= MIN_BAD_INPUTS, f"only {TALLY.tried} bad inputs were tried"
    assert TALLY.clear == TALLY.tried, f"{TALLY.tried - TALLY.clear} unclear: {TALLY.unclear[:10]}"
