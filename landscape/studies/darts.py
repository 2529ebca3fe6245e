"""First-order DARTS and A²M searches as the papers run them: presets, data, folders, ground truth; resumable.

The search itself is :mod:`landscape.search.gradient` (the bilevel loop, its variants and A²M's step); this
module gives it the A²M code's NB201 settings (:class:`DartsPreset`), the CIFAR-10 JPEG halves (weights on
``train``, α on ``valid``), a checkpointed :class:`~landscape.runs.RunStore` folder, the returned genotype (the
epoch of lowest supernet validation loss, early stopping after ``patience`` epochs without improvement) and, on
NB201, its ground truth (200-epoch test accuracy on CIFAR-10, CIFAR-100 and ImageNet16-120, mean over NB201's
seeds); on the DARTS space the genotype is returned (there is no ground truth).

A killed run resumes from its last epoch and ends with the same numbers as an uninterrupted one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn
from tqdm.auto import tqdm

from ..bench.analyses import ground_truth
from ..bench.store import DATASETS
from ..nn.device import resolve_device
from ..nn.images import ImageData, batches, cifar10_jpeg
from ..nn.rng import torch_seed
from ..nn.speed import check_speed, prepare_network
from ..nn.train import evaluate_network
from ..runs import RunStore, rng_state, set_rng_state
from ..search.gradient import (
    METHODS,
    VARIANTS,
    BilevelConfig,
    SearchState,
    early_stop,
    epoch_schedule,
    make_optimizers,
    search_epoch,
    trajectory_row,
)
from ..spaces import SPACES, get_space
from ..validation import check_choice, check_int, check_random_state, check_seed
from .seeds import batch_seed as batch_seed_of
from .seeds import stream

__all__ = ["DartsPreset", "DARTS_PRESETS", "SELECTIONS", "preset_config", "run_darts", "compare_a2m_darts"]

#: How the returned genotype is chosen (see :class:`DartsPreset`).
SELECTIONS: tuple[str, ...] = ("faithful", "exact")
#: Fields added after runs were committed: a run's configuration lists them only where they differ from these.
_LATER_FIELDS = {"precision": "fp32", "channels_last": False, "compile": False, "variant": "darts",
                 "sdarts_epsilon": (0.03, 0.3), "aux_source": "cell", "beta_weight": 25.0, "partial_channels": 4,
                 "log_every": None}


@dataclass(frozen=True)
class DartsPreset:
    """Search hyper-parameters (defaults: the A²M code's NB201 settings).

    Parameters
    ----------
    name : str
        The preset's name (part of a run's configuration).
    epochs : int, default 50
        Search epochs.
    batch_size : int, default 64
        Batch size of both halves.
    n_train_per_class, n_valid_per_class : int or None, default None
        Images per class of the CIFAR-10 JPEG ``train`` (weights) / ``valid`` (α) halves (None: all 2,500).
    c : int, default 16
        Initial channels.
    n : int, default 5
        Cells per stage of the NB201 skeleton.
    layers : int, default 8
        Cells of the DARTS supernet.
    w_lr : float, default 0.025
        Weights: SGD with momentum and weight decay from ``w_lr``, cosine-annealed per epoch to ``w_lr_min``.
    w_lr_min : float, default 0.001
        The weights' final learning rate.
    w_momentum : float, default 0.9
        The weights' SGD momentum.
    w_weight_decay : float, default 3e-4
        The weights' weight decay.
    grad_clip : float, default 5.0
        Gradient norm clip of the weight step.
    a_lr : float, default 3e-4
        α: Adam's learning rate.
    a_betas : (float, float), default (0.5, 0.999)
        α: Adam's betas.
    a_weight_decay : float, default 1e-3
        α: Adam's weight decay.
    rho : float, default 1e-2
        A²M's ρ.
    eps : float, default 1e-2
        A²M's ε.
    patience : int, default 10
        Stop when more than this many epochs have passed without a lower validation loss (``> patience``,
        as the published A²M script).
    augment : bool, default True
        Random crop and flip of the training batches.
    selection : {"faithful", "exact"}, default "faithful"
        Which genotype the epoch of lowest validation loss stands for.  ``"faithful"`` (the published NB201
        ``train_search.py``): the genotype taken at the *start* of that epoch, and the validation loss over
        the whole valid half with the training augmentation (when ``augment``), eval mode; ``"exact"``: the
        genotype at the *end* of the epoch, whose weights the loss measured, on clean images.
    note : str, default ""
        What the preset shrinks, and by how much.
    precision : str, default "fp32"
        How the search steps compute (:mod:`landscape.nn.speed`): ``"fp32"`` or ``"bf16"``; the validation
        loss of the selection is always fp32.
    channels_last : bool, default False
        Run the search steps in the channels-last memory format.
    compile : bool, default False
        Compile the search network (``torch.compile``; default eager).
    variant : str, default "darts"
        The differentiable method, one of :data:`~landscape.search.gradient.VARIANTS`, each with the DARTS or
        the A²M architecture step (:mod:`landscape.search.gradient`).
    sdarts_epsilon : (float, float), default (0.03, 0.3)
        SDARTS's noise range ε at the first epoch and towards the last
        (:class:`~landscape.search.gradient.BilevelConfig`).
    aux_source : str, default "cell"
        DARTS−'s skip input: ``"cell"`` (the A²M code) or ``"edge"`` (the paper).
    beta_weight : float, default 25.0
        β-DARTS's λ at the end of the epochs.
    partial_channels : int, default 4
        PC-DARTS's k (the cell runs on 1/k of its channels).
    log_every : int or None, default None
        Record the argmax genotype of α every so many steps (None: never) in ``trajectory.csv``: NB201's
        derivation over all five operations and DARTS's with ``none`` excluded.

    Raises
    ------
    ValueError
        For a field out of its range or an unknown choice (named in the message).

    Examples
    --------
    >>> p = DARTS_PRESETS["smoke"]
    >>> p.epochs, p.batch_size, p.n_train_per_class, p.c, p.n, p.layers
    (2, 25, 5, 4, 1, 3)
    >>> p.bilevel().variant, p.bilevel().a_lr
    ('darts', 0.0003)
    >>> DartsPreset("mine", selection="best")
    Traceback (most recent call last):
    ...
    ValueError: selection must be one of 'faithful', 'exact', got 'best'
    """

    name: str
    epochs: int = 50
    batch_size: int = 64
    n_train_per_class: int | None = None
    n_valid_per_class: int | None = None
    c: int = 16
    n: int = 5
    layers: int = 8
    w_lr: float = 0.025
    w_lr_min: float = 0.001
    w_momentum: float = 0.9
    w_weight_decay: float = 3e-4
    grad_clip: float = 5.0
    a_lr: float = 3e-4
    a_betas: tuple[float, float] = (0.5, 0.999)
    a_weight_decay: float = 1e-3
    rho: float = 1e-2
    eps: float = 1e-2
    patience: int = 10
    augment: bool = True
    selection: str = "faithful"
    note: str = ""
    precision: str = "fp32"
    channels_last: bool = False
    compile: bool = False
    variant: str = "darts"
    sdarts_epsilon: tuple[float, float] = (0.03, 0.3)
    aux_source: str = "cell"
    beta_weight: float = 25.0
    partial_channels: int = 4
    log_every: int | None = None

    def __post_init__(self) -> None:
        check_speed(self.precision, self.channels_last, self.compile)
        self.bilevel()  # the search's own checks
        if self.log_every is not None:
            check_int(self.log_every, "log_every", 1)
        for name in ("batch_size", "c", "n", "layers", "patience"):
            check_int(getattr(self, name), name, 1)
        for name in ("n_train_per_class", "n_valid_per_class"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive integer or None (all images), got {value!r}")
        check_choice(self.selection, "selection", SELECTIONS)

    def bilevel(self) -> BilevelConfig:
        """The search's configuration (:class:`~landscape.search.gradient.BilevelConfig`) from this preset."""
        return BilevelConfig(**{f.name: getattr(self, f.name) for f in fields(BilevelConfig)})


DARTS_PRESETS: dict[str, DartsPreset] = {
    "smoke": DartsPreset(
        "smoke", epochs=2, batch_size=25, n_train_per_class=5, n_valid_per_class=5, c=4, n=1, layers=3,
        note="plumbing check, not a search: 50 + 50 images, C=4, one cell per stage (DARTS: 3 cells), "
             "2 epochs of 2 steps of 25 images"),
    "cpu": DartsPreset(
        "cpu", epochs=20, batch_size=64, n_train_per_class=64, n_valid_per_class=64, c=8, n=1, layers=5,
        note="reduced for 2 CPU cores: 640 + 640 images (vs 25,000 + 25,000), C=8 (vs 16), one cell per "
             "stage (vs 5; DARTS space: 5 cells vs 8), 20 epochs of 10 steps (vs 50 of 390); optimisers, "
             "batch size, rho, eps as in A2M"),
    "paper": DartsPreset(
        "paper", note="A2M's NB201 settings: 50 epochs, batch 64, C=16, N=5, all 25,000 + 25,000 images of the "
                      "CIFAR-10 train/valid halves (DARTS space: the DARTS search network, C=16, 8 cells)"),
}


def preset_config(p: DartsPreset) -> dict:
    """The preset's fields for a run's configuration; the fields added after runs were committed (speed switches,
    variants, trajectory logging) only where they differ from their defaults, so the configurations (and
    hashes) of the committed runs are unchanged."""
    return {k: v for k, v in asdict(p).items()
            if k not in _LATER_FIELDS or (list(v) if isinstance(v, tuple) else v) != (
                list(_LATER_FIELDS[k]) if isinstance(_LATER_FIELDS[k], tuple) else _LATER_FIELDS[k])}


def _resolve_preset(preset: str | DartsPreset) -> DartsPreset:
    if isinstance(preset, DartsPreset):
        return preset
    return DARTS_PRESETS[check_choice(preset, "preset", tuple(DARTS_PRESETS))]


def _nb201_supernet(p: DartsPreset) -> nn.Module:
    from ..nn.nb201_mixed import NB201MixedSupernet

    net = NB201MixedSupernet(c=p.c, n=p.n, num_classes=10,
                             partial_channels=p.partial_channels if p.variant == "pc-darts" else 1)
    net.aux_source = p.aux_source
    return net


def _darts_supernet(p: DartsPreset) -> nn.Module:
    from ..nn.darts import DARTSSupernet

    return DARTSSupernet(c=p.c, layers=p.layers, num_classes=10)


#: The α-supernet of each space, built from a preset; each has ``arch()``, the name of its argmax architecture.
SUPERNETS = {"nb201": _nb201_supernet, "darts": _darts_supernet}
#: The variants each space's α-supernet runs (the A²M code's NB201 methods; plain DARTS on the DARTS space).
SPACE_VARIANTS = {"nb201": VARIANTS, "darts": ("darts",)}


def _data(p: DartsPreset, data_seed: int) -> tuple[ImageData, ImageData]:
    """The preset's seeded class-balanced subsets of the JPEG ``train`` (weights) and ``valid`` (α) halves."""
    train = cifar10_jpeg("train", n_per_class=p.n_train_per_class, random_state=data_seed)
    valid = cifar10_jpeg("valid", n_per_class=p.n_valid_per_class, random_state=data_seed)
    for data in (train, valid):
        if len(data) < p.batch_size:
            raise ValueError(f"batch_size={p.batch_size} exceeds the {len(data)} images of the {data.split} split; "
                             f"lower batch_size or raise n_{data.split}_per_class")
    return train, valid


@dataclass
class _Search:
    """A search in progress: the supernet, its forward module, the optimisers and what the epochs have logged."""

    net: nn.Module
    step: nn.Module
    config: BilevelConfig
    w_opt: torch.optim.Optimizer
    a_opt: torch.optim.Optimizer
    sched: torch.optim.lr_scheduler.LRScheduler
    history: list[dict]
    trajectory: list[dict]
    start: int


def _setup(space: str, p: DartsPreset, state: dict | None, init_seed: int, device: torch.device) -> _Search:
    """The supernet (seeded) and its optimisers, from scratch or restored from the checkpoint ``state``."""
    with torch_seed(init_seed):
        net = SUPERNETS[space](p)
    net = net.to(device)
    config = p.bilevel()
    w_opt, a_opt, sched = make_optimizers(net, config)
    search = _Search(net, prepare_network(net, p.channels_last, p.compile), config, w_opt, a_opt, sched, [], [], 0)
    if state is not None:
        net.load_state_dict(state["model"])
        for part, key in ((w_opt, "w_opt"), (a_opt, "a_opt"), (sched, "sched")):
            part.load_state_dict(state[key])
        set_rng_state(state["rng"])
        search.history, search.start = list(state["history"]), state["epoch"]
        search.trajectory = list(state.get("trajectory", []))
    return search


def _epoch(search: _Search, epoch: int, method: str, p: DartsPreset, data: tuple[ImageData, ImageData],
           seeds: tuple[int, int], device: torch.device, tabular: bool) -> dict:
    """One epoch of the search and its validation; the epoch's history row (on a tabular space the trajectory grows
    in place every ``p.log_every`` steps)."""
    began, (train, valid), (seed, batch_seed) = time.perf_counter(), data, seeds
    net = search.net
    start, log_steps = _argmax(net, tabular), tabular and p.log_every is not None
    net.train()
    base = batch_seed_of(batch_seed, 3 * epoch)  # then + 1 (valid half) and + 2 (validation loss)
    pairs = zip(*(batches(d, p.batch_size, shuffle=True, random_state=base + k, device=device, augment=p.augment,
                          drop_last=True) for k, d in enumerate((train, valid))))
    lr = search.w_opt.param_groups[0]["lr"]
    schedule = epoch_schedule(search.config, epoch)
    noise = torch.Generator().manual_seed(int(stream(seed, "sdarts_noise", epoch).generate_state(1)[0]))
    state = SearchState(net, search.step, method, search.config, search.w_opt, search.a_opt, schedule, noise)
    steps_per_epoch = min(len(train), len(valid)) // p.batch_size

    def log(i: int) -> None:
        done = epoch * steps_per_epoch + i
        if log_steps and done % p.log_every == 0:
            search.trajectory.append({"epoch": epoch + 1, **trajectory_row(net, done)})

    train_loss, train_acc = search_epoch(state, pairs, log)
    search.sched.step()
    net.aux_skip = schedule.aux_valid
    valid_loss, valid_acc = evaluate_network(net, valid, batch_size=256, device=device,
                                             augment=p.selection == "faithful" and p.augment, random_state=base + 2)
    return {"epoch": epoch + 1, "lr": lr, "train_loss": train_loss, "train_acc": train_acc, "valid_loss": valid_loss,
            "valid_acc": 100.0 * valid_acc, **{f"{k}_start": v for k, v in start.items()}, **_argmax(net, tabular),
            "seconds": time.perf_counter() - began}


def _argmax(net: torch.nn.Module, tabular: bool) -> dict[str, str]:
    """The supernet's argmax genotype (``arch``) and, on a tabular space, DARTS's derivation without ``none``
    (``arch_no_none``) beside NB201's."""
    return {"arch": net.arch(), **({"arch_no_none": net.arch(exclude_none=True)} if tabular else {})}


def _search(run: RunStore, state: dict | None, space: str, method: str, p: DartsPreset, seed: int,
            device: str | torch.device, progress: bool, callback: Callable[[dict], None] | None) -> list[dict]:
    """Train the supernet and α from scratch or on from ``state`` (a checkpoint), checkpointing every epoch;
    returns all epoch rows.  A tabular space's argmax genotypes are logged every ``p.log_every`` steps."""
    init_seed, data_seed, batch_seed = (int(s) for s in check_random_state(seed).integers(0, 2**31 - 1, size=3))
    data = _data(p, data_seed)
    search = _setup(space, p, state, init_seed, device)
    tabular = get_space(space).tabular
    bar = tqdm(total=p.epochs, initial=search.start, desc=f"{method} search on {space}", unit="epoch",
               disable=not progress, leave=False)
    for epoch in range(search.start, p.epochs):
        row = _epoch(search, epoch, method, p, data, (seed, batch_seed), device, tabular)
        search.history.append(row)
        stopped = early_stop([r["valid_loss"] for r in search.history], p.patience)
        run.save_checkpoint({"epoch": epoch + 1, "model": search.net.state_dict(), "w_opt": search.w_opt.state_dict(),
                             "a_opt": search.a_opt.state_dict(), "sched": search.sched.state_dict(),
                             "rng": rng_state(), "history": search.history, "stopped": stopped,
                             "trajectory": search.trajectory})
        run.write("epochs", pd.DataFrame(search.history))
        if tabular and p.log_every is not None:
            run.write("trajectory", pd.DataFrame(search.trajectory))
        bar.update()
        bar.set_postfix(valid_loss=f"{row['valid_loss']:.3f}")
        if callback is not None:
            callback(dict(row))
        if stopped:
            break
    bar.close()
    return search.history


def run_darts(
    space: str,
    preset: str | DartsPreset,
    *,
    method: str = "darts",
    out: str | os.PathLike,
    random_state: int = 0,
    device: str | torch.device = "auto",
    progress: bool = True,
    callback: Callable[[dict], None] | None = None,
) -> dict:
    """Run (or resume) one first-order DARTS or A²M search; returns its result.

    Parameters
    ----------
    space : str
        ``"nb201"`` (:class:`~landscape.nn.nb201_mixed.NB201MixedSupernet`) or ``"darts"``
        (:class:`~landscape.nn.darts.DARTSSupernet`, plain DARTS only).
    preset : str or DartsPreset
        A :data:`DARTS_PRESETS` name or a preset.
    method : str, default "darts"
        ``"darts"`` (first-order) or ``"a2m"`` (A²M, fp32 only).
    out : str or os.PathLike
        The run's folder: per-epoch rows in ``epochs.csv``, the result in ``result.json``.
    random_state : int, default 0
        Seed (>= 0) of the initial weights, the image subsets, the batches and the noise.
    device : str or torch.device, default "auto"
        Where it runs (:func:`~landscape.nn.device.resolve_device`).
    progress : bool, default True
        Show a progress bar over the epochs.
    callback : callable or None, default None
        ``callback(row)`` is called after each epoch's checkpoint with that epoch's table row.

    Returns
    -------
    dict
        ``arch`` (NB201 string or DARTS genotype) of ``best_epoch`` (lowest supernet validation loss; at its
        start or end by ``preset.selection``), ``best_valid_loss``, ``final_arch``, ``epochs_run``, the settings,
        and on NB201 ``arch_index`` and ``accuracy`` (dataset → ground-truth test accuracy, %).

    Raises
    ------
    ValueError
        For an unknown space, method or preset, a variant the space lacks, A²M below fp32, a bad seed or callback.
    landscape.errors.ConfigMismatchError
        If ``out`` holds a run of another configuration.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 10 s at the smoke preset
    ...     result = run_darts("nb201", "smoke", out=out, progress=False)  # doctest: +SKIP
    """
    space, method, p = _check(space, method, preset)
    seed = check_seed(random_state)
    device = resolve_device(device)
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be callable or None, got {type(callback).__name__}")
    return _run(out, space, method, p, seed, device, progress, callback)


def _run(out: str | os.PathLike, space: str, method: str, p: DartsPreset, seed: int, device: torch.device,
         progress: bool, callback: Callable[[dict], None] | None) -> dict:
    """:func:`run_darts` after its checks: the search in ``out`` resumed (or started) and its result written."""
    config = {"driver": "darts", "space": space, "method": method, "preset": preset_config(p), "random_state": seed,
              "data": "cifar10-jpeg train/valid halves"}
    run = RunStore(out, config)
    state = run.load_checkpoint()
    history = [] if state is None else list(state["history"])
    if state is not None:  # the table may lag the checkpoint after a kill between the two writes
        run.write("epochs", pd.DataFrame(history))
    if state is None or not (state["stopped"] or state["epoch"] >= p.epochs):
        history = _search(run, state, space, method, p, seed, device, progress, callback)

    result = _result(space, method, p, seed, history)
    run.write_json("result", result)
    return result


def _check(space: str, method: str, preset: str | DartsPreset) -> tuple[str, str, DartsPreset]:
    """The space, method and preset of a search, checked together before anything is written."""
    space = check_choice(space, "space", SPACES)
    method = check_choice(method, "method", METHODS)
    p = _resolve_preset(preset)
    if p.variant not in SPACE_VARIANTS[space]:
        raise ValueError(f"variant {p.variant!r} runs on the NB201 space only (the A²M code's NB201 methods); "
                         f"on the {space} space use {', '.join(map(repr, SPACE_VARIANTS[space]))}")
    if method == "a2m" and p.precision != "fp32":
        raise ValueError(f"A²M needs precision='fp32' (preset {p.name!r} has {p.precision!r}): its Hessian term is a "
                         f"central difference of gradients with eps={p.eps}, below bf16's resolution (its cosine with "
                         f"the fp32 term is near 0: benchmarks/results.json, train_a2m_alpha_bf16)")
    return space, method, p


def _result(space: str, method: str, p: DartsPreset, seed: int, history: list[dict]) -> dict:
    """The search's result: the genotype of the epoch of lowest validation loss and, on a tabular space, its
    ground truth (percent)."""
    best = int(np.argmin([r["valid_loss"] for r in history]))
    chosen = history[best]["arch_start" if p.selection == "faithful" else "arch"]
    result = {"space": space, "preset": p.name, "method": method, "random_state": seed, "selection": p.selection,
              **({"variant": p.variant} if p.variant != "darts" else {}),
              "arch": chosen, "best_epoch": history[best]["epoch"],
              "best_valid_loss": history[best]["valid_loss"], "final_arch": history[-1]["arch"],
              "epochs_run": len(history)}
    if get_space(space).tabular:
        no_none = history[best].get("arch_no_none_start" if p.selection == "faithful" else "arch_no_none")
        result.update({"arch_no_none": no_none} if no_none else {})  # absent from epochs logged before 2026-12-06
        truth = ground_truth([result["arch"]]).iloc[0]
        result["arch_index"] = int(truth["index"])
        result["accuracy"] = {d: float(truth[d]) for d in DATASETS}
    return result


def compare_a2m_darts(
    space: str,
    preset: str | DartsPreset,
    seeds: Sequence[int],
    out: str | os.PathLike,
    *,
    device: str | torch.device = "auto",
    progress: bool = True,
) -> pd.DataFrame:
    """A²M vs first-order DARTS over ``seeds`` (the A²M paper reports ≥ 3): one tidy row per (method, seed).

    Parameters
    ----------
    space : str
        ``"nb201"`` or ``"darts"``.
    preset : str or DartsPreset
        A :data:`DARTS_PRESETS` name or a preset, shared by every run.
    seeds : sequence of int
        Distinct seeds (>= 0); each method runs once per seed.
    out : str or os.PathLike
        Runs (or resumes) :func:`run_darts` in ``out/<method>-seed<seed>``.
    device : str or torch.device, default "auto"
        Where the searches run.
    progress : bool, default True
        Show progress bars.

    Returns
    -------
    pandas.DataFrame
        ``space, preset, method, seed, arch, best_epoch`` and, on NB201, ``arch_index`` and one ground-truth
        test-accuracy column (%) per NB201 dataset (``cifar10``, ``cifar100``, ``ImageNet16-120``).

    Raises
    ------
    ValueError
        If ``seeds`` is empty, not a sequence or not distinct, or as :func:`run_darts`.

    Examples
    --------
    >>> METHODS  # one row per method and seed, in this order
    ('darts', 'a2m')
    >>> compare_a2m_darts("nb201", "smoke", [0, 0], "runs/a2m")  # checked before anything runs
    Traceback (most recent call last):
    ...
    ValueError: seeds must be distinct, got [0, 0]
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 30 s a seed at the smoke preset
    ...     table = compare_a2m_darts("nb201", "smoke", [0, 1], out, progress=False)  # doctest: +SKIP
    """
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError(f"seeds must be a non-empty sequence of non-negative ints, got {seeds!r}")
    seeds = [check_seed(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds!r}")
    check_choice(space, "space", SPACES)
    p = _resolve_preset(preset)
    return pd.DataFrame([_compare_row(space, p, method, seed, out, device, progress) for method in METHODS
                         for seed in seeds])


def _compare_row(space: str, p: DartsPreset, method: str, seed: int, out: str | os.PathLike,
                 device: str | torch.device, progress: bool) -> dict:
    """One row of :func:`compare_a2m_darts`: :func:`run_darts` of ``method`` and ``seed``, in its own folder."""
    r = run_darts(space, p, method=method, out=Path(out) / f"{method}-seed{seed}", random_state=seed,
                  device=device, progress=progress)
    row = {"space": space, "preset": p.name, "method": method, "seed": seed, "arch": r["arch"],
           "best_epoch": r["best_epoch"]}
    if get_space(space).tabular:
        row["arch_index"] = r["arch_index"]
        row.update(r["accuracy"])
    return row
