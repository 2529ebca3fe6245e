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

    Parameters
    ----------
    losses : array_like of float, shape (..., t)
        The losses ``L_1 … L_t`` at the σ levels on the last axis; any leading shape (e.g. one row per architecture).
    sigmas : sequence of float
        The ``t`` noise levels ``σ_1 < … < σ_t``: finite, > 0, strictly increasing (:func:`check_sigmas`).
    alpha : float, default 1.0
        ``α`` (finite, >= 0), the weight of the depth term ``|L_1/σ_1|`` (Eq. 4; GeNAS Table 9).
    eps : float, default ``FLATNESS_EPS`` (1e-5)
        Added to the sharpness before inverting, as in the published code.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``F_val`` (float64) of the leading shape of ``losses``: a NumPy scalar for one row of ``t`` losses.

    Raises
    ------
    ValueError
        If ``sigmas`` is invalid, the last axis of ``losses`` does not hold ``t`` values (or ``losses`` is a scalar),
        ``losses`` hold NaN or inf (the perturbed network diverged), or ``alpha`` is negative or not finite.

    Examples
    --------
    >>> float(flatness_from_losses([2.0, 2.1, 2.3], (2e-3, 1e-2, 2e-2)))     # 1 / (1000 + 12.5 + 20 + 1e-5)
    0.000968522...
    >>> float(flatness_from_losses([2.0, 2.1, 2.3], (2e-3, 1e-2, 2e-2), alpha=0.0))   # Eq. 3: 1 / (12.5 + 20 + 1e-5)
    0.030769221...
    >>> flatness_from_losses([[2.0, 2.1, 2.3], [1.0, 1.0, 1.5]], (2e-3, 1e-2, 2e-2)).round(6)
    array([0.000969, 0.001818])
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

    Parameters
    ----------
    flatness : float
        ``F_val`` (Eq. 4): ``1 / (sharpness + FLATNESS_EPS)`` of ``losses``.
    sharpness : float
        ``α·|L_1/σ_1| + Σ_i |(L_{i+1} − L_i)/(σ_{i+1} − σ_i)|`` (``1 / flatness − FLATNESS_EPS``).
    losses : numpy.ndarray, shape (t,)
        The mean loss per σ level over the draws, ``L_1 … L_t`` (float64).
    draw_losses : numpy.ndarray, shape (n_draws, t)
        The loss of every draw (exact) or chain (faithful) at every σ level (float64).
    clean_loss : float or None
        The loss at the unperturbed weights ``θ``; None unless ``clean=True``.
    clean_accuracy : float or None
        The accuracy (fraction of argmax hits; NaN when the outputs are not class scores) at ``θ``; None unless
        ``clean=True``.
    sigmas : tuple of float
        The noise levels ``σ_1 < … < σ_t``.
    settings : dict, default {}
        How it was computed: ``n_draws``, ``mode``, ``alpha``, ``position``, ``direction`` and ``recalibrate``
        (the ``bn_mode`` of the BN re-estimation, None without one).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net, x, y = torch.nn.Linear(4, 3), torch.randn(16, 4), torch.randint(0, 3, (16,))
    >>> r = flatness(net, [(x, y)], n_draws=2, clean=True, random_state=0)
    >>> r.draw_losses.shape, r.losses.shape, round(r.clean_loss, 4), r.settings["n_draws"]
    ((2, 3), (3,), 1.0575, 2)
    >>> bool(np.allclose(r.losses, r.draw_losses.mean(axis=0))), bool(np.isclose(r.flatness, 1 / (r.sharpness + 1e-5)))
    (True, True)
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

    The ``t · n_draws`` perturbed copies (noise modes: :mod:`landscape.flatness.perturb`) are evaluated on ``batches``
    (validation data: ``(x, y)`` pairs) in eval mode; ``L_i`` is the mean loss over draws.  ``model`` is not modified.

    Parameters
    ----------
    sigmas : increasing noise levels σ_1 < … < σ_t (GeNAS NB201 default ``(2e-3, 1e-2, 2e-2)``).
    n_draws : K independent draws (exact) or chains (faithful) per σ; the published code uses 1.
    alpha : weight of the depth term α|L_1/σ_1| (Eq. 4; GeNAS Table 9).
    position : ``"all"`` ``nn.Parameter``s (never BN buffers, as published) or only the searched ``"cells"`` (Table 13).
    direction : ``"gaussian"`` noise, or ``"hessian"``: the top Hessian eigenvector scaled to the norm of a Gaussian
        draw (GeNAS Table 13; deterministic, so ``n_draws`` must be 1).
    recalibrate : training batches; BatchNorm statistics are re-estimated on them once, on a copy of the clean network,
        *before* perturbing (as published, :func:`~landscape.flatness.losses.recalibrate_bn`), for every copy.
    bn_mode : ``"faithful"`` (momentum 0.1, as published) or ``"exact"`` (cumulative mean).
    clean : also evaluate the unperturbed weights (``clean_loss``, ``clean_accuracy``): one more copy, unused by GeNAS.
    random_state : seed or ``torch.Generator`` for the noise (drawn on the model's device).
    strategy, chunk_size, progress : how the copies are evaluated (:func:`landscape.flatness.losses.stacked_losses`).

    Returns
    -------
    FlatnessResult
        ``F_val`` (Eq. 4), the sharpness, the per-σ losses ``L_i`` (and every draw's) and the settings used.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> r = flatness(torch.nn.Linear(4, 3), [(torch.randn(16, 4), torch.randint(0, 3, (16,)))], random_state=0)
    >>> round(r.flatness, 6), r.losses.round(4), r.sigmas
    (0.001886, array([1.0579, 1.0539, 1.0608]), (0.002, 0.01, 0.02))
    """
    sigmas = _checked_sigmas(sigmas, direction, n_draws)
    model, base, data = _prepared(model, batches, position, recalibrate, check_choice(bn_mode, "bn_mode", BN_MODES))
    stack = _copies(model, base, data, sigmas, n_draws, mode, direction, random_state, loss_fn, hessian_iters, clean)
    losses, accuracies = stacked_losses(model, stack, data, loss_fn=loss_fn, strategy=strategy, chunk_size=chunk_size,
                                        progress=progress)
    return _result(losses.cpu().numpy(), accuracies, clean, sigmas, alpha,
                   {"n_draws": n_draws, "mode": mode, "alpha": alpha, "position": position, "direction": direction,
                    "recalibrate": None if recalibrate is None else bn_mode})


def _checked_sigmas(sigmas: Sequence[float], direction: str, n_draws: int) -> tuple[float, ...]:
    """The checked σ levels, after checking ``direction`` (the Hessian direction is one deterministic draw)."""
    sigmas = check_sigmas(sigmas)
    check_choice(direction, "direction", DIRECTIONS)
    if direction == "hessian" and n_draws != 1:
        raise ValueError(f"direction='hessian' is one deterministic direction: use n_draws=1, got {n_draws!r}")
    return sigmas


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
            direction: str, random_state: int | torch.Generator | None, loss_fn: LossFn, hessian_iters: int,
            clean: bool) -> dict[str, torch.Tensor]:
    """The perturbed copies of the weights ``base`` (Gaussian draws, or along the top Hessian direction), the clean
    weights first when ``clean``; the noise from ``random_state``, on the weights' device."""
    generator = check_generator(random_state, next(iter(base.values())).device)
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

    Parameters
    ----------
    score : float or numpy.ndarray
        ``S``: the angle (Eq. 8) divided by π, or the validation accuracy as a fraction.
    flatness_value : float or numpy.ndarray
        ``F_val`` (Eq. 4, :func:`flatness_from_losses`); broadcast against ``score``.
    sigma1 : float
        The smallest noise level ``σ_1`` (finite, > 0) the flatness was measured with; ``β = 1/σ_1``.
    gamma : float, default ``GENAS_GAMMA`` (16.0)
        ``γ`` (finite, >= 0), the weight of the flatness term.

    Returns
    -------
    float or numpy.ndarray
        ``score + gamma · (1 / sigma1) · flatness_value``, broadcast.

    Raises
    ------
    ValueError
        If ``sigma1`` is not a finite number > 0 or ``gamma`` not a finite number >= 0.

    Examples
    --------
    >>> combined_proxy(0.5, 1e-3, sigma1=2e-3)                 # 0.5 + 16 · 500 · 1e-3
    8.5
    >>> combined_proxy(np.array([0.5, 0.4]), np.array([1e-3, 2e-3]), 2e-3, gamma=1.0)
    array([1. , 1.4])
    """
    if not np.isfinite(sigma1) or sigma1 <= 0:
        raise ValueError(f"sigma1 must be > 0, got {sigma1!r}")
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}")
    return score + gamma * (1.0 / sigma1) * flatness_value
