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
    """One SPOS epoch: for each ``(path, (x, y))`` of ``zip(paths, batches)`` a forward pass of ``net(x, path)`` at
    ``precision`` (:mod:`landscape.nn.speed`), the cross-entropy's gradient clipped at norm ``grad_clip`` and one
    ``opt`` step.  Returns ``train_loss`` and ``train_accuracy`` (a fraction) over the epoch and its ``seconds``."""
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
    return {"train_loss": total / seen, "train_accuracy": correct / seen, "seconds": time.perf_counter() - t0}
