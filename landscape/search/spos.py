"""SPOS supernet training (Guo et al. 2020; the supernet of RLNAS and GeNAS): one sampled path per step.

Every training step samples one path and updates only its weights: SGD with momentum, gradient norm clipped
(GeNAS: 5), the cosine schedule stepped once per epoch by the caller.  Paths: NB201 op codes drawn uniformly
(:func:`nb201_paths`), or DARTS supernet candidates drawn per edge and repaired to two inputs per node as the
published code (:func:`darts_paths`).  Algorithms only: the presets, data, folders and checkpoints of a study
live in :mod:`landscape.studies.supernet`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import torch
from torch import nn

from ..nn.speed import prepare_input, train_autocast
from ..nn.supernet import sample_architectures
from ..spaces.darts import random_candidates

__all__ = ["nb201_paths", "darts_paths", "PATH_SAMPLERS", "spos_epoch"]


def nb201_paths(steps: int, seed: np.random.SeedSequence) -> list[tuple[int, ...]]:
    """``steps`` NB201 paths (op-code tuples), each drawn uniformly (SPOS)."""
    return [tuple(int(c) for c in codes) for codes in sample_architectures(steps, seed)]


def darts_paths(steps: int, seed: np.random.SeedSequence) -> list[np.ndarray]:
    """``steps`` DARTS supernet candidates ``(2, 14)``: the published per-edge draw repaired to two inputs per
    node (:func:`~landscape.spaces.darts.random_candidates`)."""
    return list(random_candidates(steps, np.random.default_rng(seed)))


#: The path sampler of each space the SPOS supernets cover.
PATH_SAMPLERS: dict[str, Callable[[int, np.random.SeedSequence], list]] = {"nb201": nb201_paths,
                                                                           "darts": darts_paths}


def spos_epoch(net: nn.Module, paths: Sequence, batches: Iterable, opt: torch.optim.Optimizer, *,
               grad_clip: float, precision: str = "fp32", channels_last: bool = False) -> dict[str, float]:
    """One SPOS epoch: for each ``(path, (x, y))`` of ``zip(paths, batches)`` a forward pass ``net(x, path)`` at
    ``precision``, the cross-entropy's gradient clipped at norm ``grad_clip``, one ``opt`` step.

    Parameters
    ----------
    net : torch.nn.Module
        A supernet called as ``net(x, path)`` (e.g. :class:`~landscape.nn.supernet.NB201Supernet`), trained in place.
    paths : sequence
        One path per step, in the form ``net`` takes (:data:`PATH_SAMPLERS`); ``zip`` stops at the shorter.
    batches : iterable of (torch.Tensor, torch.Tensor)
        Images ``(b, C, H, W)`` and int64 labels ``(b,)``, on ``net``'s device.
    opt : torch.optim.Optimizer
        The optimiser of ``net``'s parameters (its learning-rate schedule is the caller's).
    grad_clip : float
        Largest gradient norm over all parameters (GeNAS: 5).
    precision : {"fp32", "bf16"}, default "fp32"
        Forward pass in fp32, or under bf16 autocast on ``net``'s device type.
    channels_last : bool, default False
        Feed the images in NHWC memory order (for a ``net`` prepared so).

    Returns
    -------
    dict
        ``train_loss`` (mean cross-entropy per image) and ``train_accuracy`` (a fraction) over the epoch, ``seconds``.

    Raises
    ------
    ValueError
        If ``precision`` is neither, or ``paths`` or ``batches`` is empty (no step).

    Examples
    --------
    >>> from landscape.nn.supernet import NB201Supernet
    >>> net = NB201Supernet(c=4, n=1, num_classes=3)
    >>> opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    >>> data = [(torch.randn(8, 3, 8, 8), torch.randint(0, 3, (8,))) for _ in range(3)]
    >>> row = spos_epoch(net, nb201_paths(3, np.random.SeedSequence(0)), data, opt, grad_clip=5.0)
    >>> sorted(row), 0 <= row["train_accuracy"] <= 1
    (['seconds', 'train_accuracy', 'train_loss'], True)
    """
    t0 = time.perf_counter()
    net.train()
    total = correct = seen = 0.0
    device = next(net.parameters()).device
    for path, (x, y) in zip(paths, batches):
        with train_autocast(precision, device):
            logits = net(prepare_input(x, channels_last), path)
            loss = nn.functional.cross_entropy(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), grad_clip)
        opt.step()
        total += float(loss.detach()) * len(y)
        correct += float((logits.argmax(1) == y).sum())
        seen += len(y)
    if not seen:
        raise ValueError("spos_epoch made no step: paths and batches must both be non-empty")
    return {"train_loss": total / seen, "train_accuracy": correct / seen, "seconds": time.perf_counter() - t0}
