"""Stand-alone training of NB201 cells at a search preset's scale: the matched-scale ground truth.

GeNAS judges supernet proxies against NAS-Bench-201's 200-epoch accuracies.  At a reduced
preset (``cpu``: C=8, N=1, 3,000 images, 40 epochs) a weak Kendall τ may be a scale effect or a
bug; this module gives the preset a ground truth of its own.  Each cell is trained alone with
exactly the supernet's recipe (:meth:`~landscape.studies.presets.SearchPreset.train_config`:
same C, N, training images, epochs, augmentation, SGD with cosine per epoch and gradient clip
5) and measured on a seeded class-balanced split of the CIFAR-10 JPEG *test* folder, which
neither the supernet (JPEG-train half) nor the proxies (JPEG-valid half) ever read.

Each trained network also gets its own weight-space flatness (GeNAS Eq. 3–4, both noise modes,
every σ triple of the preset's Table 8 sweep, on the proxies' validation images, with the
network's own BN statistics) and its all-parameter angle (Eq. 8), so "do flat minima
generalise at this scale?" needs no retraining.

The runs go through :func:`~landscape.backend.sweep.run_sweep` (a process pool, one torch
thread per worker): every finished run is saved at once, an interrupted sweep resumes with the
missing runs only.  Weights (initial and trained) are kept beside the table as ``.pt`` files.

>>> cells = matched_cells("cpu")                                   # Table 5's 50 cells + 50 stratified
>>> len(cells)
100
>>> runs = run_standalone("cpu", "reports/results/standalone/nb201-cpu", cells["arch"])  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from ..bench import load_store
from ..bench.analyses import ground_truth
from ..bench.store import Store
from ..flatness.perturb import MODES
from ..flatness.proxies import angle, flatness
from ..nn.images import batches, cifar10_jpeg
from ..nn.speed import speed_config
from ..nn.train import evaluate_network, train_cell
from ..runs import RunStore, config_hash
from ..spaces.nb201 import arch_codes, format_arch
from ..validation import check_int, check_random_state, check_seed
from .genas_tables import sample_archs
from .layout import search_records
from .presets import SearchPreset, get_preset
from .seeds import stream
from .supernet import load_data

__all__ = ["TEST_PER_CLASS", "DATA_SEED", "MODES", "matched_cells", "study_cells", "standalone_config",
           "standalone_tasks", "train_standalone", "run_standalone", "loss_column", "weights_path"]

#: Images per class of the held-out test split (2,500 of the JPEG test folder).
TEST_PER_CLASS = 250
#: Seed of the training / validation image subsets: the supernet's (seed 0), so the data are the same.
DATA_SEED = 0
#: Chains (faithful) or draws (exact) per σ level.
N_DRAWS = 2


def loss_column(mode: str, sigmas: Sequence[float], level: int) -> str:
    """Column of the mean validation loss at level ``level`` (1-based) of σ triple ``sigmas`` in ``mode``."""
    return f"loss_{mode}_{'_'.join(f'{s:g}' for s in sigmas)}_L{level}"


def matched_cells(preset: str | SearchPreset, n_extra: int = 50, random_state: int = 0,
                  store: Store | None = None) -> pd.DataFrame:
    """The cells of the matched-scale study: Table 5's sample plus ``n_extra`` stratified cells.

    The first group is the preset's Table 5 sample (the cells :func:`~landscape.studies.genas_tables.proxy_tables`
    scores for supernet seed ``random_state``).  The ``n_extra`` others cover the 200-epoch
    CIFAR-10 test accuracy evenly: the isomorphism classes not already present are sorted by
    that accuracy and cut into ``n_extra`` equal-count strata, and one class is drawn per stratum
    (its smallest official index represents it), so every extra cell is its own isomorphism class.

    Parameters
    ----------
    preset : str or SearchPreset
        An NB201 preset name or a preset (its ``table_archs`` sets the size of the first group).
    n_extra : int, default 50
        Stratified cells (>= 0).
    random_state : int, default 0
        The supernet seed whose Table 5 sample is taken; also seeds the stratified draw.
    store : Store or None, default None
        The ground-truth store (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    pandas.DataFrame
        ``arch, index, group`` (``"table5"`` first, then ``"stratified"``) and the 200-epoch test accuracy (%).

    Raises
    ------
    ValueError
        If ``n_extra`` is negative or exceeds the isomorphism classes left, or the preset or seed is invalid.

    Examples
    --------
    >>> cells = matched_cells("smoke", n_extra=2, store=store)
    >>> cells.columns.tolist()
    ['arch', 'index', 'group', 'cifar10', 'cifar100', 'ImageNet16-120']
    >>> cells[["index", "group", "cifar10"]].tail(3)
       index       group    cifar10
    7  15297      table5  92.443333
    8   2816  stratified  90.066667
    9  10425  stratified  92.710000
    """
    p = get_preset(preset)
    random_state = check_seed(random_state)
    if isinstance(n_extra, bool) or not isinstance(n_extra, (int, np.integer)) or n_extra < 0:
        raise ValueError(f"n_extra must be a non-negative integer, got {n_extra!r}")
    store = load_store() if store is None else store
    table5 = sample_archs(p.table_archs, stream(random_state, "table_sample"), store)
    classes = store.isomorphism_classes()
    taken = set(classes[store.index.indices_of(table5)].tolist())
    candidates = np.array(sorted(set(np.unique(classes).tolist()) - taken))
    if n_extra > candidates.size:
        raise ValueError(f"n_extra={n_extra} exceeds the {candidates.size} isomorphism classes left")
    accuracy = store.array("cifar10", split="test", epochs=200)[candidates]
    strata = np.array_split(candidates[np.argsort(accuracy, kind="stable")], n_extra) if n_extra else []
    rng = check_random_state(stream(random_state, "matched_strata"))
    extra = [int(s[rng.integers(s.size)]) for s in strata]
    frame = ground_truth(table5 + [str(a) for a in store.index.arch_string(np.array(extra, dtype=np.int64))], store)
    frame.insert(2, "group", ["table5"] * len(table5) + ["stratified"] * len(extra))
    return frame


def study_cells(preset: str | SearchPreset, a2m_dir: str | os.PathLike | None = None, random_state: int = 0,
                store: Store | None = None) -> list[str]:
    """The cells to train alone: :func:`matched_cells`, then the cells A²M/DARTS runs in ``a2m_dir`` returned
    (``<a2m_dir>/*-seed*/result.json``, NB201 only), each once."""
    cells = list(matched_cells(preset, random_state=random_state, store=store)["arch"])
    if a2m_dir is not None:
        cells += [r.arch for r in search_records(Path(a2m_dir)) if r.accuracy]  # NB201 runs: looked up cells
    return list(dict.fromkeys(cells))


def standalone_config(preset: str | SearchPreset) -> dict[str, Any]:
    """Everything that changes a stand-alone run's numbers (the results folder is pinned to it).

    The training's speed switches (:mod:`landscape.nn.speed`) enter only where they differ from the defaults, so
    fp32 runs keep their configuration; evaluation is fp32 whatever the training precision.
    """
    p = get_preset(preset)
    fields = ("c", "n", "train_per_class", "valid_per_class", "epochs", "batch_size", "lr", "lr_min", "momentum",
              "weight_decay", "augment", "grad_clip", "eval_batch_size")
    return {"stage": "standalone", "space": "nb201", "preset": p.name, **{f: getattr(p, f) for f in fields},
            "nesterov": False, "schedule_step": "epoch", "data_seed": DATA_SEED, "test_per_class": TEST_PER_CLASS,
            "sigma_sets": [list(s) for s in p.sigma_sets], "modes": list(MODES), "n_draws": N_DRAWS,
            **speed_config(p.precision, p.channels_last, p.compile)}


def _task_preset(config: Mapping[str, Any]) -> SearchPreset:
    """The preset a task's configuration was made from: the named preset with the configuration's speed switches."""
    p = get_preset(config["preset"])
    return replace(p, precision=config.get("precision", "fp32"), channels_last=config.get("channels_last", False))


def standalone_tasks(preset: str | SearchPreset, archs: Iterable[str | Sequence[int]],
                     seeds: Iterable[int] = (0, 1), weights_dir: str | os.PathLike | None = None) -> list[dict]:
    """One :func:`train_standalone` task per (cell, seed), keyed ``"<arch>@seed=<s>"``, the seeds of a cell together
    (so a partly finished sweep has whole cells: seed means and the seed-vs-seed noise ceiling)."""
    config = standalone_config(preset)
    strings = [format_arch(arch_codes(a)) for a in archs]
    if len(set(strings)) != len(strings):
        raise ValueError("archs holds the same cell twice; give each cell once")
    seeds = [check_seed(s) for s in seeds]
    extra = {} if weights_dir is None else {"weights_dir": str(weights_dir)}
    return [{"key": f"{a}@seed={s}", "arch": a, "seed": s, "config": config, **extra} for a in strings for s in seeds]


def weights_path(weights_dir: str | os.PathLike, key: str) -> Path:
    """Where the sweep keeps the initial and trained weights of the run keyed ``key`` (``"<arch>@seed=<s>"``)."""
    return Path(weights_dir) / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.pt"


def train_standalone(task: Mapping[str, Any]) -> dict[str, Any]:
    """Train one cell alone (a sweep task from :func:`standalone_tasks`) and measure it.

    The seed sets the initial weights, the batch order, the augmentation and the flatness noise;
    the images are the preset's (seed :data:`DATA_SEED`).  Runs on one torch thread, so a CPU
    run gives the same numbers every time.  Returns test/valid/train loss and accuracy
    (accuracy as a fraction; test = :data:`TEST_PER_CLASS` per class of the JPEG test folder),
    the all-parameter angle, the validation loss at every σ level (:func:`loss_column`) and timings.
    """
    config = dict(task["config"])
    p = _task_preset(config)
    if standalone_config(p) != config:
        raise ValueError(f"task {task.get('key')!r} was made for another configuration of preset {p.name!r}")
    seed = check_seed(task["seed"])
    arch = format_arch(arch_codes(task["arch"]))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        t0 = time.perf_counter()
        train = load_data(p, DATA_SEED, split="train")
        valid = load_data(p, DATA_SEED, split="valid")
        test = cifar10_jpeg("test", n_per_class=TEST_PER_CLASS, random_state=DATA_SEED)
        t1 = time.perf_counter()
        net, initial, history = train_cell("nb201", arch, train, p.train_config(), seed=seed, c=p.c, n=p.n,
                                           num_classes=10)
        t2 = time.perf_counter()
        row: dict[str, Any] = {"arch": arch, "seed": seed, "config_hash": config_hash(config),
                               "final_train_loss": history[-1]}
        for name, data in (("test", test), ("valid", valid), ("train", train)):
            row[f"{name}_loss"], row[f"{name}_accuracy"] = evaluate_network(net, data, batch_size=p.eval_batch_size)
        row["angle_exact"] = angle({k: initial[k] for k, _ in net.named_parameters()}, net, mode="exact")
        valid_batches = list(batches(valid, p.eval_batch_size))
        for mode in MODES:
            for sigmas in p.sigma_sets:
                result = flatness(net, valid_batches, sigmas=sigmas, n_draws=N_DRAWS, mode=mode, random_state=seed)
                for i, loss in enumerate(result.losses, start=1):
                    row[loss_column(mode, sigmas, i)] = float(loss)
        if "weights_dir" in task:
            path = weights_path(task["weights_dir"], task["key"])
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save({"arch": arch, "seed": seed, "initial": initial, "trained": net.state_dict()}, path)
    finally:
        torch.set_num_threads(threads)
    return {**row, "train_seconds": t2 - t1, "seconds": time.perf_counter() - t0}


def run_standalone(
    preset: str | SearchPreset,
    out: str | os.PathLike,
    archs: Iterable[str | Sequence[int]] | None = None,
    seeds: Iterable[int] = (0, 1),
    *,
    n_workers: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Train every (cell, seed) not yet in ``<out>/runs.csv``; the whole table, one row per run.

    Parameters
    ----------
    preset : str or SearchPreset
        An NB201 preset name or a preset: its supernet recipe trains every cell (:func:`standalone_config`).
    out : str or os.PathLike
        The sweep's folder, pinned to :func:`standalone_config`, so another preset or recipe never mixes into
        its table; the weights are kept in ``<out>/weights``.
    archs : iterable of str or sequence of int, or None, default None
        The cells, each once (NB201 strings or op codes; None: :func:`matched_cells` of the preset).
    seeds : iterable of int, default (0, 1)
        Training seeds of every cell.
    n_workers : int or None, default None
        Processes, each training one network on one thread (None: the CPU count).
    progress : bool, default True
        Show a progress bar over the runs.

    Returns
    -------
    pandas.DataFrame
        The whole table ``<out>/runs.csv``, one row per finished run (:func:`train_standalone`): ``key, arch,
        seed``, test/valid/train loss and accuracy (a fraction), ``angle_exact``, the loss at every σ level
        (:func:`loss_column`) and timings.

    Raises
    ------
    ValueError
        If ``archs`` holds a cell twice, or a seed or ``n_workers`` is invalid.
    landscape.errors.ConfigMismatchError
        If ``out`` holds a sweep of another configuration.
    landscape.backend.sweep.SweepError
        If runs failed, after every other run has been saved.

    Examples
    --------
    >>> arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|"
    >>> [t["key"][-7:] for t in standalone_tasks("smoke", [arch])]  # the runs it would make
    ['@seed=0', '@seed=1']
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 5 s per run at the smoke preset
    ...     runs = run_standalone("smoke", out, [arch], n_workers=1, progress=False)  # doctest: +SKIP
    """
    p = get_preset(preset)
    archs = matched_cells(p)["arch"] if archs is None else archs
    workers = (os.cpu_count() or 1) if n_workers is None else check_int(n_workers, "n_workers", 1)
    run = RunStore(out, standalone_config(p))
    tasks = standalone_tasks(p, archs, seeds, weights_dir=run.path / "weights")
    from ..backend.sweep import run_sweep

    return run_sweep(train_standalone, tasks, run, table="runs", n_workers=workers, progress=progress)
