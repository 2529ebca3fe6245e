"""GeNAS search proxies: weight-space flatness (Eq. 3–4), angle (Eq. 8) and their combination (Eq. 5).

The angle lives in :mod:`landscape.flatness.weight_angle` (faithful and exact modes) and is re-exported here.

Equation numbers refer to GeNAS ("Neural Architecture Search with Loss Flatness-aware
Measure", ``../shared/papers/genas-paper.txt``).

Examples
--------
>>> from landscape.nn import create_network
>>> net = create_network("nb201", "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
...                      "nor_conv_3x3~2|", c=4, n=1)
>>> x, y = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
>>> result = flatness(net, [(x, y)], sigmas=(2e-3, 1e-2, 2e-2), random_state=0)
>>> result.sigmas, len(result.losses)    # result.flatness: F_val (Eq. 4); result.losses: mean loss per σ
((0.002, 0.01, 0.02), 3)
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..validation import check_choice
from .weight_angle import angle
from .losses import BN_MODES, LossFn, as_batches, recalibrate_bn, stacked_losses
from .perturb import (check_generator, check_sigmas, direction_stack, gaussian_stack, perturbed_names,
                      top_hessian_direction)

__all__ = [
    "GENAS_SIGMAS",
    "GENAS_GAMMA",
    "FlatnessResult",
    "flatness_from_losses",
    "flatness",
    "angle",
    "combined_proxy",
]

#: σ levels of GeNAS on NAS-Bench-201 (Sec. B.1).
GENAS_SIGMAS = (2e-3, 1e-2, 2e-2)
#: γ of Eq. 5 in the published angle + flatness command (``--wlm_weight 16``); the paper states none for NB201.
GENAS_GAMMA = 16.0
#: Added to the sharpness before inverting, as in the published code.
FLATNESS_EPS = 1e-5
DIRECTIONS = ("gaussian", "hessian")


def flatness_from_losses(
    losses: np.ndarray | Sequence[float], sigmas: Sequence[float], alpha: float = 1.0, eps: float = FLATNESS_EPS
) -> np.ndarray:
    """GeNAS flatness from the losses at the σ levels (Eq. 3–4, in the published code's form).

    ``sharpness = α·|L_1/σ_1| + Σ_{i=1}^{t−1} |(L_{i+1} − L_i)/(σ_{i+1} − σ_i)|`` and
    ``F_val = 1 / (sharpness + eps)``, where ``L_i`` is the loss at ``θ + N(σ_i)``.  The first
    term is the depth of the minimum (Eq. 4, weight ``α``); ``α = 0`` gives Eq. 3.

    ``losses`` has the σ levels on its last axis (any leading shape); returns that leading shape.
    """
    sigmas = np.asarray(check_sigmas(sigmas))
    losses = np.asarray(losses, dtype=np.float64)
    if losses.ndim == 0 or losses.shape[-1] != sigmas.size:
        raise ValueError(f"losses must have the {sigmas.size} σ levels on the last axis, got shape {losses.shape}")
    if not np.all(np.isfinite(losses)):
        raise ValueError("losses contain NaN or inf: the perturbed network diverged; use smaller sigmas")
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
    slopes = np.abs(np.diff(losses, axis=-1) / np.diff(sigmas))
    sharpness = alpha * np.abs(losses[..., 0] / sigmas[0]) + slopes.sum(axis=-1)
    return 1.0 / (sharpness + eps)


@dataclass(frozen=True)
class FlatnessResult:
    """Outcome of :func:`flatness`.

    ``draw_losses[k, i]`` is the loss of draw (or chain) ``k`` at level ``σ_i``; ``losses`` its
    mean over draws, the ``L_i`` of Eq. 4; ``clean_loss`` / ``clean_accuracy`` at ``θ`` (None
    unless :func:`flatness` was asked for them with ``clean=True``).
    """

    flatness: float
    sharpness: float
    losses: np.ndarray
    draw_losses: np.ndarray
    clean_loss: float | None
    clean_accuracy: float | None
    sigmas: tuple[float, ...]
    settings: dict = field(default_factory=dict)


def flatness(
    model: nn.Module,
    batches: Iterable,
    *,
    sigmas: Sequence[float] = GENAS_SIGMAS,
    n_draws: int = 1,
    mode: str = "faithful",
    alpha: float = 1.0,
    position: str = "all",
    direction: str = "gaussian",
    recalibrate: Iterable | None = None,
    bn_mode: str = "faithful",
    clean: bool = False,
    loss_fn: LossFn = nn.functional.cross_entropy,
    random_state: int | torch.Generator | None = 0,
    strategy: str = "auto",
    chunk_size: int | None = None,
    hessian_iters: int = 20,
    progress: bool = False,
) -> FlatnessResult:
    """Weight-space flatness of a trained network (GeNAS Eq. 3–4).

    The ``t · n_draws`` perturbed copies (see :mod:`landscape.flatness.perturb` for the
    ``"faithful"`` and ``"exact"`` noise modes) are evaluated on ``batches`` (validation data:
    ``(x, y)`` pairs) in eval mode; ``L_i`` is the mean loss over draws.  Only ``nn.Parameter``s
    are perturbed, never BN buffers, as in the published code.  The network is never modified.

    Parameters
    ----------
    sigmas : increasing noise levels σ_1 < … < σ_t (GeNAS NB201 default ``(2e-3, 1e-2, 2e-2)``).
    n_draws : K independent draws (exact) or chains (faithful) per σ; the published code uses 1.
    alpha : weight of the depth term α|L_1/σ_1| (Eq. 4; GeNAS Table 9).
    position : ``"all"`` parameters or only the searched ``"cells"`` (GeNAS Table 13).
    direction : ``"gaussian"`` noise, or ``"hessian"``: the top Hessian eigenvector scaled to the
        norm of a Gaussian draw (GeNAS Table 13; deterministic, so ``n_draws`` must be 1).
    recalibrate : training batches; if given, BatchNorm statistics are re-estimated on them
        once, on a copy of the clean network, *before* perturbing (the published procedure,
        :func:`~landscape.flatness.losses.recalibrate_bn`); every perturbed copy uses them.
    bn_mode : ``"faithful"`` (momentum 0.1, as published) or ``"exact"`` (cumulative mean).
    clean : also evaluate the unperturbed weights (``clean_loss``, ``clean_accuracy``): one more
        copy; GeNAS's measure does not use it.
    random_state : seed or ``torch.Generator`` for the noise (drawn on the model's device).
    strategy, chunk_size : how copies are evaluated (:func:`landscape.flatness.losses.stacked_losses`).
    progress : a progress bar over the perturbed copies.
    """
    sigmas = check_sigmas(sigmas)
    check_choice(direction, "direction", DIRECTIONS)
    if direction == "hessian" and n_draws != 1:
        raise ValueError(f"direction='hessian' is one deterministic direction: use n_draws=1, got {n_draws!r}")
    model, base, data = _prepared(model, batches, position, recalibrate, check_choice(bn_mode, "bn_mode", BN_MODES))
    device = next(iter(base.values())).device
    stack = _copies(model, base, data, sigmas, n_draws, mode, direction, check_generator(random_state, device),
                    loss_fn, hessian_iters, clean)
    losses, accuracies = stacked_losses(model, stack, data, loss_fn=loss_fn, strategy=strategy, chunk_size=chunk_size,
                                        progress=progress)
    return _result(losses.cpu().numpy(), accuracies, clean, sigmas, alpha,
                   {"n_draws": n_draws, "mode": mode, "alpha": alpha, "position": position, "direction": direction,
                    "recalibrate": None if recalibrate is None else bn_mode})


def _result(losses: np.ndarray, accuracies: torch.Tensor, clean: bool, sigmas: tuple[float, ...], alpha: float,
            settings: dict) -> FlatnessResult:
    """Eq. 4 from the copies' losses (the clean copy first when ``clean``; then draw by draw, σ by σ)."""
    draw_losses = losses[int(clean):].reshape(settings["n_draws"], len(sigmas))
    flat = float(flatness_from_losses(draw_losses.mean(axis=0), sigmas, alpha))
    return FlatnessResult(flatness=flat, sharpness=1.0 / flat - FLATNESS_EPS, losses=draw_losses.mean(axis=0),
                          draw_losses=draw_losses, clean_loss=float(losses[0]) if clean else None,
                          clean_accuracy=float(accuracies[0]) if clean else None, sigmas=sigmas, settings=settings)


def _prepared(model: nn.Module, batches: Iterable, position: str, recalibrate: Iterable | None, bn_mode: str
              ) -> tuple[nn.Module, dict[str, torch.Tensor], object]:
    """The network to perturb (a BN-recalibrated copy when ``recalibrate``), its weights at ``position`` and the
    evaluation batches on its device."""
    names = perturbed_names(model, position)
    data = as_batches(batches, dict(model.named_parameters())[names[0]].device)
    if recalibrate is not None:
        model = recalibrate_bn(copy.deepcopy(model), recalibrate, mode=bn_mode)
    params = dict(model.named_parameters())
    return model, {k: params[k].detach() for k in names}, data


def _copies(model: nn.Module, base: dict[str, torch.Tensor], data, sigmas: tuple[float, ...], n_draws: int, mode: str,
            direction: str, generator: torch.Generator, loss_fn: LossFn, hessian_iters: int, clean: bool
            ) -> dict[str, torch.Tensor]:
    """The perturbed copies of the weights ``base`` (Gaussian draws, or along the top Hessian direction), the clean
    weights first when ``clean``."""
    if direction == "gaussian":
        stack = gaussian_stack(base, sigmas, n_draws, mode, generator)
    else:
        v, _ = top_hessian_direction(model, list(base), data, loss_fn=loss_fn, n_iter=hessian_iters,
                                     generator=generator)
        stack = direction_stack(base, v, sigmas, mode)
    if clean:
        stack = {k: torch.cat([base[k].unsqueeze(0), s]) for k, s in stack.items()}
    return stack


def combined_proxy(score: np.ndarray | float, flatness_value: np.ndarray | float, sigma1: float,
                   gamma: float = GENAS_GAMMA) -> np.ndarray | float:
    """GeNAS Eq. 5: ``S + γ·β·F_val`` with ``β = 1/σ_1``.

    ``S`` is the conventional metric: the angle divided by π (as the published code does for
    *angle + flatness*) or the validation accuracy as a fraction (*accuracy + flatness*).
    """
    if not np.isfinite(sigma1) or sigma1 <= 0:
        raise ValueError(f"sigma1 must be > 0, got {sigma1!r}")
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}")
    return score + gamma * (1.0 / sigma1) * flatness_value
