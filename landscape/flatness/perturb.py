"""Weight perturbations for GeNAS flatness: Gaussian noise at σ levels, or the top Hessian direction.

GeNAS (Eq. 3–4, 7) evaluates the validation loss at ``θ + N(σ_i)`` for ``σ_1 < … < σ_t``.
Two noise modes are offered (``../shared/papers/NOTES.md``):

* ``"faithful"`` — as the published code (``evolution_search/metrics/tester_wlm.py``): one copy
  perturbed level by level, N(0, σ_1) first, then N(0, σ_i − σ_{i−1}) *on top of* the earlier
  levels' noise, so copy ``i`` is ``θ + Σ_{j≤i} (σ_j − σ_{j−1}) ε_j`` (σ_0 = 0) and its total
  noise standard deviation is ``sqrt(Σ_{j≤i} (σ_j − σ_{j−1})²)``: 0.0020 / 0.0082 / 0.0130 for
  σ = (2e-3, 1e-2, 2e-2); ``n_draws`` independent chains.
* ``"exact"`` — the paper's definition: copy ``(i, k)`` is ``θ + σ_i ε_{i,k}`` from the trained
  weights, ``n_draws`` independent draws per σ.

Noise is drawn on the parameters' device from one seeded :class:`torch.Generator`, in a fixed
order (parameters in ``named_parameters`` order, each as one ``(n_draws, t, *shape)`` draw), so
the same seed on the same device gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from ..validation import check_choice, check_int
from .losses import Batches, LossFn, temporary_mode

__all__ = [
    "MODES",
    "POSITIONS",
    "check_sigmas",
    "check_generator",
    "perturbed_names",
    "gaussian_stack",
    "direction_stack",
    "top_hessian_direction",
]

MODES = ("faithful", "exact")
#: Which parameters are perturbed: all of them (the paper's default) or only those inside the
#: searched cells (GeNAS Table 13), as listed by the network's ``search_cell_parameters()``.
POSITIONS = ("all", "cells")


def check_sigmas(sigmas: Sequence[float]) -> tuple[float, ...]:
    """Validate the σ levels: a non-empty, strictly increasing sequence of finite positive numbers.

    Parameters
    ----------
    sigmas : sequence of float
        The noise levels ``σ_1 < … < σ_t`` (standard deviations of the weight noise, GeNAS Eq. 3–4).

    Returns
    -------
    tuple of float
        ``sigmas`` as Python floats.

    Raises
    ------
    ValueError
        If ``sigmas`` is not a sequence of numbers, is empty, holds a value that is not finite or not > 0, or is not
        strictly increasing.

    Examples
    --------
    >>> check_sigmas(np.array([2e-3, 1e-2, 2e-2]))
    (0.002, 0.01, 0.02)
    >>> check_sigmas([1e-2, 2e-3])
    Traceback (most recent call last):
    ...
    ValueError: sigmas must be strictly increasing (σ1 < σ2 < …), got (0.01, 0.002)
    """
    try:
        values = tuple(float(s) for s in sigmas)
    except (TypeError, ValueError):
        raise ValueError(f"sigmas must be a sequence of numbers, got {sigmas!r}") from None
    if not values:
        raise ValueError("sigmas is empty: give at least one noise level, e.g. (2e-3, 1e-2, 2e-2)")
    if not all(np.isfinite(values)) or min(values) <= 0:
        raise ValueError(f"sigmas must be finite and > 0, got {values}")
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"sigmas must be strictly increasing (σ1 < σ2 < …), got {values}")
    return values


def check_generator(random_state: int | torch.Generator | None, device: torch.device) -> torch.Generator:
    """A :class:`torch.Generator` on ``device`` from a seed, an existing generator or ``None`` (fresh entropy)."""
    if isinstance(random_state, torch.Generator):
        if random_state.device.type != device.type:
            raise ValueError(f"random_state is a generator on {random_state.device}, but the model is on {device}")
        return random_state
    g = torch.Generator(device=device)
    if random_state is None:
        g.seed()
    elif isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool) and random_state >= 0:
        g.manual_seed(int(random_state))
    else:
        raise ValueError(f"random_state must be a non-negative int, a torch.Generator or None, got {random_state!r}")
    return g


def perturbed_names(model: nn.Module, position: str = "all") -> list[str]:
    """Names of the parameters to perturb (``position`` in :data:`POSITIONS`)."""
    names = [n for n, _ in model.named_parameters()]
    if not names:
        raise ValueError(f"{type(model).__name__} has no parameters: there is nothing to perturb")
    if position == "all":
        return names
    if position == "cells":
        if not hasattr(model, "search_cell_parameters"):
            raise ValueError(
                f"position='cells' needs a network with search_cell_parameters() (NB201 / DARTS networks); "
                f"{type(model).__name__} has none"
            )
        return list(model.search_cell_parameters())
    raise ValueError(f"position must be one of {POSITIONS}, got {position!r}")


def _check(n_draws: int, mode: str) -> None:
    if not isinstance(n_draws, (int, np.integer)) or isinstance(n_draws, bool) or n_draws < 1:
        raise ValueError(f"n_draws must be an integer >= 1, got {n_draws!r}")
    check_choice(mode, "mode", MODES)


def _increments(sigmas: tuple[float, ...], mode: str) -> list[float]:
    """Noise std added at each level: ``σ_i`` (exact, fresh) or ``σ_i − σ_{i−1}`` (faithful, residual)."""
    return list(np.diff(sigmas, prepend=0.0)) if mode == "faithful" else list(sigmas)


def gaussian_stack(
    params: Mapping[str, torch.Tensor],
    sigmas: Sequence[float],
    n_draws: int,
    mode: str,
    generator: torch.Generator,
) -> dict[str, torch.Tensor]:
    """Perturbed copies of ``params`` as a parameter stack of ``n_draws · t`` copies.

    Copy ``k · t + i`` is level ``i`` (σ_i) of draw (chain) ``k``:
    ``θ + σ_i ε_{i,k}`` (exact) or ``θ + Σ_{j≤i} (σ_j − σ_{j−1}) ε_{j,k}`` (faithful, GeNAS code).

    Parameters
    ----------
    params : mapping of str to torch.Tensor
        The weights ``θ`` by name (e.g. ``model.named_parameters()``, detached); not modified.
    sigmas : sequence of float
        The ``t`` noise levels ``σ_1 < … < σ_t`` (:func:`check_sigmas`).
    n_draws : int
        Independent draws (exact) or chains (faithful), >= 1.
    mode : {"faithful", "exact"}
        Residual noise on top of the earlier levels (the published code) or fresh noise per level (the paper).
    generator : torch.Generator
        Source of the unit normals ``ε`` (on the parameters' device): one ``(n_draws, t, *shape)`` draw per parameter.

    Returns
    -------
    dict of str to torch.Tensor
        For every parameter, its copies: shape ``(n_draws · t, *shape)``, its dtype and device.

    Raises
    ------
    ValueError
        For invalid ``sigmas``, ``n_draws`` not an integer >= 1, or an unknown ``mode``.

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> stack = gaussian_stack({"w": torch.zeros(10_000)}, (0.1, 0.2), n_draws=2, mode="exact", generator=g)
    >>> stack["w"].shape
    torch.Size([4, 10000])
    >>> stack["w"].std(dim=1).numpy().round(2)            # copy k·t + i has noise std σ_i
    array([0.1, 0.2, 0.1, 0.2], dtype=float32)
    >>> g = torch.Generator().manual_seed(0)
    >>> stack = gaussian_stack({"w": torch.zeros(10_000)}, (0.1, 0.2), n_draws=2, mode="faithful", generator=g)
    >>> stack["w"].std(dim=1).numpy().round(2)            # sqrt(0.1² + (0.2 − 0.1)²) ≈ 0.14 at level 2
    array([0.1 , 0.14, 0.1 , 0.14], dtype=float32)
    """
    sigmas = check_sigmas(sigmas)
    _check(n_draws, mode)
    t = len(sigmas)
    out = {}
    for name, p in params.items():
        eps = torch.randn((n_draws, t, *p.shape), generator=generator, device=p.device, dtype=p.dtype)
        eps.mul_(torch.tensor(_increments(sigmas, mode), device=p.device, dtype=p.dtype).view(1, t, *([1] * p.dim())))
        if mode == "faithful":
            eps.cumsum_(dim=1)
        out[name] = eps.add_(p.detach()).view(n_draws * t, *p.shape)  # in place: one pass, no copy
    return out


def direction_stack(
    params: Mapping[str, torch.Tensor], direction: Mapping[str, torch.Tensor], sigmas: Sequence[float], mode: str
) -> dict[str, torch.Tensor]:
    """Copies along one unit direction ``v`` (e.g. the top Hessian eigenvector), one per σ.

    Copy ``i`` is ``θ + σ_i · sqrt(P) · v`` with ``P`` the number of perturbed scalars, so that
    its distance from ``θ`` equals the expected norm of a Gaussian draw ``σ_i ε`` (``≈ σ_i sqrt(P)``).
    Both modes give the same copies: residual steps ``σ_i − σ_{i−1}`` along one direction add up to ``σ_i``.
    """
    sigmas = check_sigmas(sigmas)
    _check(1, mode)
    n = sum(params[k].numel() for k in direction)
    scales = torch.tensor(sigmas, dtype=torch.float64) * float(np.sqrt(n))
    return {
        k: params[k].detach().unsqueeze(0) + scales.to(v).view(-1, *([1] * v.dim())) * v.unsqueeze(0)
        for k, v in direction.items()
    }


def top_hessian_direction(
    model: nn.Module,
    names: Sequence[str],
    batches: Batches,
    *,
    loss_fn: LossFn = nn.functional.cross_entropy,
    n_iter: int = 20,
    tol: float = 1e-4,
    generator: torch.Generator,
) -> tuple[dict[str, torch.Tensor], float]:
    """Top eigenvector of the loss Hessian w.r.t. the parameters ``names`` by power iteration.

    Uses Hessian-vector products (double back-propagation, Pearlmutter 1994) of the mean loss
    over ``batches`` with the network in eval mode, as in PyHessian (Yao et al. 2019), which
    GeNAS Table 13 uses for its Hessian-direction ablation.  Returns ``(v, λ)`` with ``v`` of
    unit norm over all listed parameters and ``λ`` its Rayleigh quotient.

    Parameters
    ----------
    model : torch.nn.Module
        The network; not modified (in eval mode during the iterations, then its modes restored).
    names : sequence of str
        The parameters (names in ``model.named_parameters()``) the Hessian is taken with respect to.
    batches : Batches
        The data (:func:`~landscape.flatness.losses.as_batches`); the loss is the sample-weighted mean over them.
    loss_fn : callable, default ``torch.nn.functional.cross_entropy``
        ``loss_fn(outputs, targets)`` → the mean loss of a batch.
    n_iter : int, default 20
        Most power iterations (>= 1).
    tol : float, default 1e-4
        Stop once ``λ`` changes by at most ``tol`` relative to the previous iteration's.
    generator : torch.Generator
        Draws the random start vector, on the parameters' device (keyword-only, required).

    Returns
    -------
    v : dict of str to torch.Tensor
        The eigenvector, one tensor per name in its parameter's shape; unit norm over all of them.
    eigenvalue : float
        ``λ = vᵀHv`` at the last iteration: the eigenvalue of largest magnitude, once converged.

    Raises
    ------
    ValueError
        If ``n_iter`` is not an integer >= 1 (a name that is not a parameter of ``model`` raises ``KeyError``).

    Examples
    --------
    >>> from landscape.flatness.losses import as_batches
    >>> data = as_batches([(torch.tensor([[2.0, 0.0], [0.0, 1.0]]), torch.zeros(2, 1))], "cpu")
    >>> v, lam = top_hessian_direction(torch.nn.Linear(2, 1, bias=False), ["weight"], data,
    ...                                loss_fn=torch.nn.functional.mse_loss, generator=torch.Generator().manual_seed(0))
    >>> round(lam, 3), v["weight"].abs().round(decimals=2)      # the mean squared error's Hessian is diag(4, 1)
    (4.0, tensor([[1., 0.]]))
    """
    check_int(n_iter, "n_iter", 1)
    return _power_iteration(model, names, batches, loss_fn, n_iter, tol, generator)


def _power_iteration(model: nn.Module, names: Sequence[str], batches: Batches, loss_fn: LossFn, n_iter: int, tol: float,
                     generator: torch.Generator) -> tuple[dict[str, torch.Tensor], float]:
    """The power iteration of :func:`top_hessian_direction`, its arguments checked."""
    all_params = dict(model.named_parameters())
    base = {k: all_params[k].detach() for k in names}
    v = {k: torch.randn(p.shape, generator=generator, device=p.device, dtype=p.dtype) for k, p in base.items()}

    def normalise(d):
        norm = torch.sqrt(sum((x.double() ** 2).sum() for x in d.values()))
        return {k: x / norm.to(x) for k, x in d.items()}

    def hvp(vec):
        p = {k: x.clone().requires_grad_(True) for k, x in base.items()}
        out = {k: torch.zeros_like(x) for k, x in base.items()}
        n = batches.n_samples
        for x, y in batches.pairs:
            loss = loss_fn(functional_call(model, p, (x,), strict=False), y) * (len(y) / n)
            grads = torch.autograd.grad(loss, list(p.values()), create_graph=True)
            dot = sum((g * vec[k]).sum() for g, k in zip(grads, p))
            hv = torch.autograd.grad(dot, list(p.values()))
            for k, h in zip(p, hv):
                out[k] += h
        return out

    v = normalise(v)
    eigenvalue = 0.0
    with temporary_mode(model, training=False):
        for _ in range(n_iter):
            hv = hvp(v)
            new_eigenvalue = float(sum((hv[k].double() * v[k].double()).sum() for k in v))
            v = normalise(hv)
            converged = abs(new_eigenvalue - eigenvalue) <= tol * (abs(eigenvalue) + 1e-12)
            eigenvalue = new_eigenvalue
            if converged:
                break
    return v, eigenvalue
