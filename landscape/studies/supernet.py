"""SPOS supernet training (Guo et al. 2020; the supernet of RLNAS and GeNAS) on NB201 or DARTS, resumable.

Every training step samples one path (NB201: uniformly, :func:`~landscape.nn.supernet.sample_architectures`;
DARTS: the published per-edge draw repaired to two inputs per node,
:func:`~landscape.spaces.darts.random_candidates`) and updates only its weights; SGD with momentum, gradient norm clipped at ``grad_clip`` (5), cosine
annealing from ``lr`` to ``lr_min`` stepped once per epoch, as GeNAS's ``train_supernet/train.py``.
The run lives in ``<out>/spos`` (a :class:`~landscape.runs.RunStore` pinned to the
preset's supernet fields and the seed): the initial weights (the reference of the angle, GeNAS
Eq. 8) and, after every epoch, weights, optimizer, schedule and RNG states are checkpointed,
so after ``kill -9`` the same call resumes and ends with the same weights as an uninterrupted run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from ..nn.darts_spos import DARTSSPOSSupernet
from ..nn.device import resolve_device
from ..nn.images import ImageData, batches, cifar10_jpeg
from ..nn.rng import torch_seed
from ..nn.speed import prepare_network
from ..nn.supernet import NB201Supernet
from ..runs import RunStore, rng_state, set_rng_state
from ..search.spos import PATH_SAMPLERS, spos_epoch
from ..spaces import SPACES, get_space
from ..validation import check_choice, check_seed
from .presets import SearchPreset, get_preset
from .seeds import batch_seed

__all__ = ["SPOS_SPACES", "TrainedSupernet", "check_space", "check_nb201", "load_data", "spos_config",
           "train_epoch", "train_supernet"]

#: Search spaces of the SPOS supernet training.
SPOS_SPACES = SPACES


def check_space(space: str) -> str:
    """``space`` if the SPOS supernet training supports it, else a ValueError saying what is."""
    return check_choice(space, "space", SPOS_SPACES)


def check_nb201(space: str, what: str) -> str:
    """``space`` if it is NB201; the GeNAS proxies, tables, evolution and stand-alone runs read NB201 cells."""
    if not get_space(check_space(space)).tabular:
        raise ValueError(f"{what} runs on the NB201 space only so far; on the DARTS space the SPOS supernet trains "
                         f"(python -m landscape.studies spos --space darts) and DARTS/A²M search (darts, a2m)")
    return space


@dataclass
class TrainedSupernet:
    """A trained supernet, its initial weights (for the angle, Eq. 8) and its per-epoch history.

    Parameters
    ----------
    supernet : NB201Supernet or DARTSSPOSSupernet
        The trained supernet (eval mode, on the training device).
    initial_state : dict of str to torch.Tensor
        Its initial weights, the reference of the angle (GeNAS Eq. 8), on the same device.
    history : pandas.DataFrame
        One row per epoch: ``epoch, train_loss, train_accuracy`` (a fraction), ``lr, seconds``.
    run : landscape.runs.RunStore
        Its results folder ``<out>/spos``.
    preset : SearchPreset
        The preset it was trained with.
    random_state : int
        The seed it was trained with.

    Examples
    --------
    >>> from dataclasses import fields
    >>> [f.name for f in fields(TrainedSupernet)]
    ['supernet', 'initial_state', 'history', 'run', 'preset', 'random_state']
    """

    supernet: NB201Supernet | DARTSSPOSSupernet
    initial_state: dict[str, torch.Tensor]
    history: pd.DataFrame
    run: RunStore
    preset: SearchPreset
    random_state: int


def load_data(preset: SearchPreset, random_state: int = 0, data_path: str | os.PathLike | None = None,
              split: str = "train") -> ImageData:
    """The preset's seeded class-balanced subset of a half (``"train"``/``"valid"``) of the CIFAR-10 JPEG zip."""
    per_class = preset.train_per_class if split == "train" else preset.valid_per_class
    return cifar10_jpeg(split, path=data_path, n_per_class=per_class, random_state=random_state)


def spos_config(preset: SearchPreset, space: str, random_state: int) -> dict:
    """The configuration ``<out>/spos`` is pinned to: the preset's supernet fields, the space and the seed."""
    return {"stage": "spos", "space": space, "seed": random_state, **preset.stage_config("spos")}


def _epoch_seed(random_state: int, epoch: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([random_state, epoch])


#: The SPOS supernet of each space, built from a preset.
SUPERNETS = {"nb201": lambda p: NB201Supernet(c=p.c, n=p.n, num_classes=10),
             "darts": lambda p: DARTSSPOSSupernet(c=p.c, layers=p.layers, num_classes=10)}


def train_epoch(net: NB201Supernet | DARTSSPOSSupernet, space: str, train: ImageData, opt: torch.optim.Optimizer,
                p: SearchPreset, random_state: int, epoch: int, steps: int, device: torch.device) -> dict:
    """One SPOS epoch of the preset (:func:`~landscape.search.spos.spos_epoch`): a path per step seeded by
    ``(random_state, epoch)``, the batches shuffled and augmented by :func:`~landscape.studies.seeds.batch_seed`; the epoch's
    history row (``epoch, train_loss, train_accuracy, lr, seconds``)."""
    paths = PATH_SAMPLERS[space](steps, _epoch_seed(random_state, epoch))
    lr = opt.param_groups[0]["lr"]  # the lr this epoch used
    row = spos_epoch(net, paths, batches(train, p.batch_size, shuffle=True, device=device, augment=p.augment,
                                         random_state=batch_seed(random_state, epoch)),
                     opt, grad_clip=p.grad_clip, precision=p.precision, channels_last=p.channels_last)
    return {"epoch": epoch + 1, "train_loss": row["train_loss"], "train_accuracy": row["train_accuracy"], "lr": lr,
            "seconds": row["seconds"]}


def train_supernet(
    preset: str | SearchPreset,
    out: str | os.PathLike,
    *,
    space: str = "nb201",
    random_state: int = 0,
    device: str | torch.device = "auto",
    progress: bool = True,
    data_path: str | os.PathLike | None = None,
    on_epoch: Callable[[int], None] | None = None,
) -> TrainedSupernet:
    """Train (or resume, or just load) the SPOS supernet of ``preset`` in ``<out>/spos``.

    Parameters
    ----------
    preset : str or SearchPreset
        A preset name of ``space`` (:data:`~landscape.studies.presets.PRESETS_BY_SPACE`) or a preset.
    out : str or os.PathLike
        The search's results folder.
    space : str, default "nb201"
        ``"nb201"`` or ``"darts"`` (the published DARTS-space supernet, :mod:`landscape.nn.darts_spos`).
    random_state : int, default 0
        Seed (>= 0) of the data subset, the initial weights, the sampled paths and the batches.
    device : str or torch.device, default "auto"
        Where it trains (:func:`~landscape.nn.device.resolve_device`).
    progress : bool, default True
        Show a progress bar over the epochs.
    data_path : str, os.PathLike or None, default None
        The CIFAR-10 JPEG zip or its folder (None: the shared data folder).
    on_epoch : callable or None, default None
        Called with the number of finished epochs after each checkpoint (e.g. for a progress hook; an
        exception raised there stops the run, which the next call resumes).

    Returns
    -------
    TrainedSupernet
        The supernet in eval mode, its initial weights and its per-epoch history.

    Raises
    ------
    ValueError
        For an unknown space or preset, a DARTS-space preset without ``layers``, or a negative seed.
    landscape.errors.ConfigMismatchError
        If ``<out>/spos`` holds another configuration (never silently restarted).
    landscape.errors.CheckpointError
        If the checkpoint is corrupt.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 6 s at the smoke preset (2 epochs, 100 images)
    ...     trained = train_supernet("smoke", out, progress=False)  # doctest: +SKIP
    """
    space = check_space(space)
    p = get_preset(preset, space)
    if get_space(space).skeleton == "layers" and p.layers is None:
        raise ValueError(f"preset {p.name!r} has no layers: on the DARTS space use DARTS_SPACE_PRESETS or set "
                         f"SearchPreset.layers")
    random_state = check_seed(random_state)
    return _load_or_train(p, space, out, random_state, device, progress, data_path, on_epoch)


def _load_or_train(p: SearchPreset, space: str, out: str | os.PathLike, random_state: int,
                   device: str | torch.device, progress: bool, data_path: str | os.PathLike | None,
                   on_epoch: Callable[[int], None] | None) -> TrainedSupernet:
    """:func:`train_supernet` after its checks: the seeded supernet, restored from ``<out>/spos`` and trained on."""
    dev = resolve_device(device)
    run = RunStore(Path(out) / "spos", spos_config(p, space, random_state))
    with torch_seed(random_state):
        net = SUPERNETS[space](p)
    net = prepare_network(net.to(dev), p.channels_last, compile=False)
    state = run.load_checkpoint()
    if state is None:
        initial = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
        history: list[dict] = []
    else:
        initial, history = state["initial"], list(state["history"])
        net.load_state_dict(state["model"])
    if len(history) < p.epochs:
        _train(net, space, p, run, state, initial, history, random_state, dev, progress, data_path, on_epoch)
    net.eval()
    return TrainedSupernet(net, {k: v.to(dev) for k, v in initial.items()}, pd.DataFrame(history), run, p,
                           random_state)


def _train(net: NB201Supernet | DARTSSPOSSupernet, space: str, p: SearchPreset, run: RunStore, state: dict | None,
           initial: dict, history: list[dict], random_state: int, dev: torch.device, progress: bool,
           data_path: str | os.PathLike | None, on_epoch: Callable[[int], None] | None) -> None:
    """The epochs still to train (``history`` holds the finished ones), a checkpoint after each."""
    train = load_data(p, random_state, data_path)
    steps_per_epoch = -(-len(train) // p.batch_size)
    opt = torch.optim.SGD(net.parameters(), lr=p.lr, momentum=p.momentum, weight_decay=p.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=p.epochs, eta_min=p.lr_min)
    if state is not None:
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        set_rng_state(state["rng"])
    start = len(history)
    bar = tqdm(range(start, p.epochs), desc=f"SPOS supernet ({space}, {p.name})", unit="epoch", initial=start,
               total=p.epochs, disable=not progress)
    for epoch in bar:
        history.append(train_epoch(net, space, train, opt, p, random_state, epoch, steps_per_epoch, dev))
        sched.step()
        run.save_checkpoint({"epoch": epoch + 1, "model": net.state_dict(), "optimizer": opt.state_dict(),
                             "scheduler": sched.state_dict(), "initial": initial, "history": history,
                             "rng": rng_state()})
        run.write("history", pd.DataFrame(history))
        bar.set_postfix(loss=f"{history[-1]['train_loss']:.3f}", acc=f"{history[-1]['train_accuracy']:.3f}")
        if on_epoch is not None:
            on_epoch(epoch + 1)
