"""A SPOS supernet budget ladder: where do the GeNAS proxies begin to rank?

The matched-scale study found the ``cpu`` supernet (120,000 images seen) ranks nothing; GeNAS's saw
6.25 million.  The ladder trains SPOS supernets with the published recipe (uniform single paths,
SGD 0.025 → 0.001 cosine per epoch over each rung's own epochs, clip 5, batch 64), each rung from
scratch, on budgets that roughly double, and scores the same cells by every GeNAS proxy at every rung.

Each rung is a :class:`Rung`; its supernet is trained by :func:`~landscape.studies.supernet.train_supernet`
in ``<out>/<rung>/spos`` and its proxies kept by :class:`~landscape.studies.proxy_cache.ProxyCache` in
``<out>/<rung>/proxies`` (both resumable, checkpointed every epoch and every cell).  Training a rung
and scoring a rung are tasks of one resumable sweep each (:func:`~landscape.backend.sweep.run_sweep`),
so ``backend="ray"`` runs the same ladder on a cluster, up to the paper's own rung.

Examples
--------
>>> [r.name for r in LADDER_PRESETS["cpu"].rungs][:2]
['c8n1-e10-s0', 'c8n1-e20-s0']
>>> LADDER_PRESETS["cpu"].rungs[0].images_seen
250000
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from ..bench import load_store
from ..bench.store import Store
from ..nn.speed import speed_label
from ..runs import RunStore, config_hash
from ..validation import check_choice, check_int, check_random_state
from .presets import SEARCH_PRESETS, TABLE8_SIGMAS, SearchPreset
from .proxy_cache import ProxyCache, proxies_config, proxy_frame
from .seeds import stream
from .standalone import matched_cells
from .supernet import spos_config, train_supernet

__all__ = ["Rung", "LadderPreset", "LADDER_PRESETS", "get_ladder", "ladder_cells", "rung_preset", "rung_store", "ladder_tasks",
           "rung_cells", "ladder_task", "run_ladder", "ladder_proxies"]

#: The stages of a rung: training its supernet, scoring the cells on it.
STAGES: tuple[str, ...] = ("train", "proxies")
#: Images in the CIFAR-10 JPEG train half (``train_per_class=None``).
HALF = 25_000


@dataclass(frozen=True)
class Rung:
    """One supernet of the ladder: skeleton ``c``, ``n``; ``epochs`` over ``train_per_class`` images per class
    (None: the whole 25,000-image JPEG train half); supernet ``seed``; how its steps compute."""

    c: int
    n: int
    epochs: int
    seed: int = 0
    train_per_class: int | None = None
    precision: str = "fp32"
    channels_last: bool = True

    @property
    def name(self) -> str:
        return f"c{self.c}n{self.n}-e{self.epochs}-s{self.seed}"

    @property
    def images(self) -> int:
        return HALF if self.train_per_class is None else 10 * self.train_per_class

    @property
    def images_seen(self) -> int:
        return self.epochs * self.images

    @property
    def speed(self) -> str:
        return speed_label(self.precision, self.channels_last, False)


@dataclass(frozen=True)
class LadderPreset:
    """A ladder: its ``rungs``, the recipe they share (``base``), the cells every rung scores and where the paper
    stands.

    Cells: the ``n_matched`` cells of the matched-scale study (:func:`~landscape.studies.standalone.matched_cells`
    of ``matched_preset``, which have a ground truth at that scale) plus ``n_uniform`` cells drawn uniformly,
    one per isomorphism class.  Every rung scores them on ``valid_per_class`` × 10 JPEG-valid images, BN
    re-estimated as published; ``sigma_sweep`` names the rungs that also get GeNAS Table 8's other σ triples
    (all rungs get the default triple's per-level losses, from which Table 9's α sweep follows); ``reduced`` names
    the rungs too slow to score every cell, which score the matched cells only.
    """

    name: str
    rungs: tuple[Rung, ...]
    base: SearchPreset
    valid_per_class: int
    n_matched: int
    n_uniform: int
    sigma_sweep: tuple[str, ...]
    note: str
    reduced: tuple[str, ...] = ()
    matched_preset: str = "cpu"

    def __post_init__(self) -> None:
        names = [r.name for r in self.rungs]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"a ladder needs at least one rung and distinct rung names, got {names}")
        for field in ("sigma_sweep", "reduced"):
            unknown = sorted(set(getattr(self, field)) - set(names))
            if unknown:
                raise ValueError(f"{field} names rungs the ladder lacks: {unknown}; rungs: {names}")
        check_int(self.n_matched, "n_matched", 0, 100)
        check_int(self.n_uniform, "n_uniform", 0)
        for rung in self.rungs:  # a rung's preset must be valid before anything runs
            rung_preset(self, rung)

    def rung(self, name: str) -> Rung:
        """The rung called ``name``."""
        rungs = {r.name: r for r in self.rungs}
        return rungs[check_choice(name, "rung", tuple(rungs))]


def get_ladder(preset: str | LadderPreset) -> LadderPreset:
    """The ladder called ``preset`` (a :class:`LadderPreset` is returned as it is)."""
    if isinstance(preset, LadderPreset):
        return preset
    return LADDER_PRESETS[check_choice(preset, "preset", tuple(LADDER_PRESETS))]


def rung_preset(ladder: LadderPreset, rung: Rung) -> SearchPreset:
    """The :class:`~landscape.studies.presets.SearchPreset` that trains and scores ``rung`` (the ladder's recipe
    with the rung's skeleton, data, epochs and speed switches)."""
    return replace(ladder.base, name=f"ladder-{ladder.name}", c=rung.c, n=rung.n, epochs=rung.epochs,
                   train_per_class=rung.train_per_class, valid_per_class=ladder.valid_per_class,
                   precision=rung.precision, channels_last=rung.channels_last)


_CPU_BASE = replace(SEARCH_PRESETS["cpu"], eval_batch_size=250)
_C8 = dict(c=8, n=1, channels_last=True)

LADDER_PRESETS: dict[str, LadderPreset] = {
    "smoke": LadderPreset(
        "smoke", rungs=(Rung(4, 1, 1, train_per_class=10), Rung(4, 1, 2, train_per_class=10),
                        Rung(4, 1, 2, seed=1, train_per_class=10),
                        Rung(4, 2, 1, train_per_class=10, precision="bf16")),
        base=replace(SEARCH_PRESETS["smoke"], sigma_sets=TABLE8_SIGMAS), valid_per_class=5, n_matched=6,
        n_uniform=6, sigma_sweep=("c4n1-e2-s0", "c4n1-e2-s1"), reduced=("c4n2-e1-s0",),
        note="test scale, seconds, meaningless numbers: C=4 supernets on 100 images, 1-2 epochs, 12 cells"),
    "cpu": LadderPreset(
        "cpu", rungs=(Rung(epochs=10, **_C8), Rung(epochs=20, **_C8), Rung(epochs=40, **_C8),
                      Rung(epochs=80, **_C8), Rung(epochs=160, **_C8), Rung(epochs=160, seed=1, **_C8),
                      Rung(16, 5, 40, precision="bf16", channels_last=True)),
        base=_CPU_BASE, valid_per_class=100, n_matched=100, n_uniform=200,
        sigma_sweep=("c8n1-e160-s0", "c8n1-e160-s1"), reduced=("c16n5-e40-s0",),
        note="2-core CPU ladder: SPOS supernets C=8, N=1 on the 25,000-image JPEG train half for 10, 20, 40, 80 and "
             "160 epochs (250k to 4M images seen; paper C=16, N=5, 250 epochs = 6.25M), a second seed at 160, and "
             "C=16, N=5 (the paper's supernet) for 40 epochs (1M, the budget of the C=8 e40 rung); C=8 rungs fp32 + channels-last, the C=16 rung "
             "bf16 + channels-last (benchmarks/results.json); proxies in fp32 (channels-last) on 1,000 JPEG-valid "
             "images, BN re-estimated on 14 batches as published, for the 100 matched cells + 200 uniform cells "
             "(the C=16 rung: the 100 matched cells); Table 8's other sigma triples at the 160-epoch rungs"),
    "paper": LadderPreset(
        "paper", rungs=tuple(Rung(16, 5, e, precision="fp32", channels_last=False) for e in (16, 31, 62, 125, 250))
        + (Rung(16, 5, 250, seed=1, precision="fp32", channels_last=False),),
        base=SEARCH_PRESETS["paper"], valid_per_class=100, n_matched=100, n_uniform=900,
        sigma_sweep=("c16n5-e250-s0", "c16n5-e250-s1"),
        note="GPU ladder at the paper's supernet (C=16, N=5, 25,000 JPEG-train images) up to its own 250 epochs "
             "(6.25M images), fp32; 1,000 cells"),
}


def ladder_cells(ladder: LadderPreset, store: Store | None = None) -> pd.DataFrame:
    """The cells every rung scores: columns ``arch, index, group`` (``"matched"`` / ``"uniform"``).

    ``"matched"``: the first ``n_matched`` cells of the matched-scale study; ``"uniform"``: ``n_uniform`` cells
    drawn uniformly from the space (seed stream ``ladder_cells`` of :mod:`~landscape.studies.seeds`), skipping any whose isomorphism class
    is already present, so every cell is its own class.
    """
    store = load_store() if store is None else store
    matched = list(matched_cells(ladder.matched_preset, store=store)["arch"])[:ladder.n_matched]
    classes = store.isomorphism_classes()
    taken = set(classes[store.index.indices_of(matched)].tolist()) if matched else set()
    order = check_random_state(stream(0, "ladder_cells")).permutation(len(classes))
    uniform = []
    for index in order:
        if len(uniform) == ladder.n_uniform:
            break
        if int(classes[index]) not in taken:
            taken.add(int(classes[index]))
            uniform.append(int(index))
    archs = matched + [str(a) for a in store.index.arch_string(np.array(uniform, dtype=np.int64))]
    return pd.DataFrame({"arch": archs, "index": store.index.indices_of(archs).astype(int),
                         "group": ["matched"] * len(matched) + ["uniform"] * len(uniform)})


def _rung_config(ladder: LadderPreset, rung: Rung) -> dict:
    return spos_config(rung_preset(ladder, rung), "nb201", rung.seed)


def rung_store(ladder: LadderPreset, rung: Rung, out: str | os.PathLike, stage: str) -> RunStore | None:
    """The results folder of ``rung``'s ``stage`` (``"spos"`` or ``"proxies"``) under ``out``, opened for reading
    (checked against the rung's configuration), or None when it has not been written yet."""
    folder = Path(out) / rung.name / check_choice(stage, "stage", ("spos", "proxies"))
    if not (folder / "config.json").exists():
        return None
    spos = _rung_config(ladder, rung)
    if stage == "spos":
        return RunStore(folder, spos)
    return RunStore(folder, proxies_config(rung_preset(ladder, rung), config_hash(spos), rung.seed))


def _task(ladder: LadderPreset, rung: Rung, stage: str, out: str | os.PathLike, cells: Sequence[str]) -> dict:
    return {"key": f"{stage}/{rung.name}/{config_hash(_rung_config(ladder, rung))[:8]}", "stage": stage,
            "ladder": ladder.name, "rung": asdict(rung), "out": str(out),
            **({"cells": rung_cells(ladder, rung, cells)} if stage == "proxies" else {})}


def ladder_tasks(ladder: LadderPreset, out: str | os.PathLike, cells: Sequence[str],
                 stages: Sequence[str] = STAGES) -> list[dict]:
    """The :func:`ladder_task` of every rung and stage, keyed ``"<stage>/<rung>/<hash of its supernet's
    configuration>"`` (so a changed recipe is a new task), in an order that keeps two workers busy.

    The costliest rung trains first; the others follow from the cheapest up, each rung's proxies queued one
    training task after its own training (so a second worker rarely waits for the rung it is to score; when it
    does, :func:`ladder_task` waits on the rung's lock); the costliest rung's proxies come last.
    """
    stages = [check_choice(s, "stage", STAGES) for s in stages]
    if "proxies" in stages and not cells:
        raise ValueError("the proxies stage needs the cells to score (ladder_cells)")
    big, *rest = sorted(ladder.rungs, key=lambda r: (-r.images_seen * r.c * r.c * r.n, -r.seed))
    order = [("train", big)]
    for i, rung in enumerate(reversed(rest)):
        order.append(("train", rung))
        if i:
            order.append(("proxies", list(reversed(rest))[i - 1]))
    order += [("proxies", rest[0])] if rest else []
    order.append(("proxies", big))
    return [_task(ladder, rung, stage, out, cells) for stage, rung in order if stage in stages]


def rung_cells(ladder: LadderPreset, rung: Rung, cells: Sequence[str]) -> list[str]:
    """The cells ``rung`` scores: all ``cells`` (:func:`ladder_cells`), or the matched ones on a reduced rung."""
    return list(cells)[:ladder.n_matched] if rung.name in ladder.reduced else list(cells)


@contextlib.contextmanager
def _rung_lock(folder: Path) -> Iterator[None]:
    """One process at a time on a rung's folder (a second task of the same rung waits here), and one torch thread,
    so a CPU run gives the same numbers every time."""
    folder.mkdir(parents=True, exist_ok=True)
    threads = torch.get_num_threads()
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)
            fcntl.flock(lock, fcntl.LOCK_UN)


def ladder_task(task: Mapping[str, Any]) -> dict[str, Any]:
    """Train one rung's supernet (``stage="train"``) or score the cells on it (``"proxies"``, training it first
    if it is not yet trained), holding the rung's lock, on one torch thread.

    Returns one summary row: the rung, its budget and precision, and the stage's result and seconds.
    """
    ladder = get_ladder(task["ladder"])
    rung = Rung(**task["rung"])
    if rung not in ladder.rungs:
        raise ValueError(f"task {task.get('key')!r}: rung {rung} is not a rung of ladder {ladder.name!r}")
    p, out = rung_preset(ladder, rung), Path(task["out"]) / rung.name
    with _rung_lock(out):
        t0 = time.perf_counter()
        trained = train_supernet(p, out, random_state=rung.seed, device="cpu", progress=False)
        row: dict[str, Any] = {"rung": rung.name, "c": rung.c, "n": rung.n, "epochs": rung.epochs, "seed": rung.seed,
                               "images_seen": rung.images_seen, "precision": rung.speed,
                               "supernet_hash": trained.run.hash}
        last = trained.history.iloc[-1]
        row.update(final_train_loss=float(last["train_loss"]), final_train_accuracy=float(last["train_accuracy"]),
                   train_seconds=float(trained.history["seconds"].sum()))
        if task["stage"] == "proxies":
            cache = ProxyCache(trained, device="cpu", progress=False)
            cells = list(task["cells"])
            cache.scores(cells)
            sigma_sets = p.sigma_sets if rung.name in ladder.sigma_sweep else (p.sigmas,)
            cache.sigma_losses(cells, sigma_sets)
            row.update(n_cells=len(cells), proxies_hash=cache.run.hash, n_sigma_sets=len(sigma_sets))
        row["seconds"] = time.perf_counter() - t0
    return row


def run_ladder(
    preset: str | LadderPreset,
    out: str | os.PathLike,
    *,
    rungs: Sequence[str] | None = None,
    stages: Sequence[str] = ("train", "proxies"),
    n_workers: int | None = None,
    backend: str = "local",
    progress: bool = True,
    store: Store | None = None,
) -> pd.DataFrame:
    """Train every rung of ``preset`` not yet trained and score the cells on every rung not yet scored.

    Parameters
    ----------
    preset : str or LadderPreset
        A :data:`LADDER_PRESETS` name or a ladder.
    out : str or os.PathLike
        The ladder's folder, pinned to the ladder's name and cells; each rung in ``<out>/<rung>``.
    rungs : sequence of str or None, default None
        Only these rungs (names, e.g. ``"c8n1-e10-s0"``; None: all).
    stages : sequence of str, default ("train", "proxies")
        Only these stages (:data:`STAGES`).
    n_workers : int or None, default None
        Workers, each on one torch thread (None: the CPU count; never more than the tasks).
    backend : str, default "local"
        ``"local"`` (a process pool) or ``"ray"`` (a cluster; :func:`~landscape.backend.sweep.run_sweep`).
    progress : bool, default True
        Show a progress bar over the tasks.
    store : Store or None, default None
        The ground-truth store that names the cells (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    pandas.DataFrame
        ``<out>/tasks.csv`` of one resumable sweep (:func:`~landscape.backend.sweep.run_sweep`) over
        :func:`ladder_tasks`: a summary row per finished task.  The per-cell proxies: :func:`ladder_proxies`.

    Raises
    ------
    ValueError
        For an unknown preset, rung, stage or backend, or an invalid ``n_workers``.
    landscape.backend.sweep.SweepError
        If tasks failed, after every other task has been saved.

    Examples
    --------
    >>> arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|"
    >>> [t["key"].rsplit("/", 1)[0] for t in ladder_tasks(get_ladder("smoke"), "runs/ladder", [arch])][:4]
    ['train/c4n1-e2-s1', 'train/c4n1-e1-s0', 'train/c4n2-e1-s0', 'proxies/c4n1-e1-s0']
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 5 s for one rung at the smoke preset
    ...     tasks = run_ladder("smoke", out, rungs=["c4n1-e1-s0"], n_workers=1, progress=False)  # doctest: +SKIP
    """
    return _sweep(preset, out, rungs, stages, n_workers, backend, progress, store)


def _sweep(preset: str | LadderPreset, out: str | os.PathLike, rungs: Sequence[str] | None, stages: Sequence[str],
           n_workers: int | None, backend: str, progress: bool, store: Store | None) -> pd.DataFrame:
    """The body of :func:`run_ladder`: its tasks, swept."""
    from ..backend.sweep import run_sweep

    ladder = get_ladder(preset)
    names = [r.name for r in ladder.rungs]
    chosen = set(names if rungs is None else [check_choice(r, "rung", tuple(names)) for r in rungs])
    stages = [check_choice(s, "stage", STAGES) for s in stages]
    workers = (os.cpu_count() or 1) if n_workers is None else check_int(n_workers, "n_workers", 1)
    cells = list(ladder_cells(ladder, store)["arch"])
    tasks = [t for t in ladder_tasks(ladder, out, cells, stages) if Rung(**t["rung"]).name in chosen]
    run = RunStore(out, {"study": "ladder", "ladder": ladder.name, "cells": config_hash({"cells": cells})})
    return run_sweep(ladder_task, tasks, run, table="tasks", n_workers=min(workers, len(tasks)), backend=backend,
                     progress=progress)


def ladder_proxies(preset: str | LadderPreset, out: str | os.PathLike, store: Store | None = None) -> pd.DataFrame:
    """The tidy per-cell table of the ladder: one row per rung × cell × proxy, for the rungs scored so far.

    Columns ``rung, c, n, epochs, seed, images_seen, precision, arch, index, group, proxy, value``.  Proxies: the
    GeNAS proxies and their combinations with the preset's γ (:func:`~landscape.studies.proxy_cache.proxy_frame`)
    and the supernet validation loss (``valid_loss``, lower is better).

    Parameters
    ----------
    preset : str or LadderPreset
        A :data:`LADDER_PRESETS` name or a ladder.
    out : str or os.PathLike
        The ladder's folder (:func:`run_ladder`); only read.
    store : Store or None, default None
        The ground-truth store that names the cells (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    pandas.DataFrame
        The long table, in rung order; a rung appears once every cell it scores (:func:`rung_cells`) has its
        proxies.  Empty (with the columns) while no rung is scored.

    Raises
    ------
    ValueError
        For an unknown preset.
    landscape.errors.ConfigMismatchError
        If a rung's ``proxies`` folder holds another configuration.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     ladder_proxies("smoke", out, store=store).columns.tolist()
    ['rung', 'c', 'n', 'epochs', 'seed', 'images_seen', 'precision', 'arch', 'index', 'group', 'proxy', 'value']
    """
    ladder = get_ladder(preset)
    cells = ladder_cells(ladder, store)
    frames = []
    for rung in ladder.rungs:
        p, store_ = rung_preset(ladder, rung), rung_store(ladder, rung, out, "proxies")
        scores = pd.DataFrame() if store_ is None else store_.read("evaluations")
        mine = rung_cells(ladder, rung, cells["arch"])
        if scores.empty or not set(mine) <= set(scores["arch"]):
            continue
        scores = scores.drop_duplicates("arch").set_index("arch").loc[mine]
        wide = proxy_frame(scores, p.sigmas[0], p.gamma).assign(valid_loss=scores["valid_loss"])
        long = wide.reset_index().melt(id_vars="arch", var_name="proxy")
        long = long.merge(cells, on="arch")
        frames.append(long.assign(rung=rung.name, c=rung.c, n=rung.n, epochs=rung.epochs, seed=rung.seed,
                                  images_seen=rung.images_seen, precision=rung.speed))
    columns = ["rung", "c", "n", "epochs", "seed", "images_seen", "precision", "arch", "index", "group", "proxy",
               "value"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

