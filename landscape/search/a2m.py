"""Architecture gradients of first-order DARTS and of A²M (Architecture-Aware Minimization).

A²M (the A²M paper, "Architecture-Aware Minimization", 2025; code github.com/AI-Tech-Research-Lab/AsquaredM)
replaces the first-order DARTS architecture gradient g = ∇α L_val(w, α) by a direction biased
towards flat regions of the architecture space; the weights w are not perturbed:

    α̃ = α + ρ·g                      (not normalised)
    g̃ = ∇α L_val(w, α̃)
    h = [∇α L_val(w, α̃ + ε·g̃) − ∇α L_val(w, α̃ − ε·g̃)] / (2ε)     (central difference of ∇α along g̃)
    direction = g̃ + ρ·h

Both functions take ``loss_fn(alphas) -> scalar``, a pure function of the list of architecture
tensors (e.g. ``lambda a: cross_entropy(supernet(x, a), y)``), and return one gradient tensor
per entry of ``alphas``, detached, without touching any ``.grad`` (zero for an entry the loss
does not use, e.g. reduction-cell α of a supernet without reduction cells).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

__all__ = ["darts_gradient", "a2m_gradient"]

LossFn = Callable[[list[torch.Tensor]], torch.Tensor]


def _check_alphas(alphas: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    if isinstance(alphas, torch.Tensor) or not isinstance(alphas, (list, tuple)) or not alphas:
        raise ValueError(f"alphas must be a non-empty list of tensors (as arch_parameters() returns), "
                         f"got {type(alphas).__name__}")
    for i, a in enumerate(alphas):
        if not isinstance(a, torch.Tensor) or not a.is_floating_point():
            what = a.dtype if isinstance(a, torch.Tensor) else type(a).__name__
            raise ValueError(f"alphas must hold floating-point tensors; entry {i} is {what}")
    return [a.detach() for a in alphas]


def _check_step(name: str, value: float, allow_zero: bool) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and (
        value >= 0 if allow_zero else value > 0)
    if not ok:
        raise ValueError(f"{name} must be a finite float {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return float(value)


def _grad(loss_fn: LossFn, alphas: list[torch.Tensor]) -> list[torch.Tensor]:
    leaves = [a.detach().requires_grad_(True) for a in alphas]
    loss = loss_fn(leaves)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise ValueError(f"loss_fn must return a scalar tensor, got "
                         f"{tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__}")
    grads = torch.autograd.grad(loss, leaves, allow_unused=True)
    return [torch.zeros_like(a) if g is None else g.detach() for a, g in zip(alphas, grads)]


def darts_gradient(loss_fn: LossFn, alphas: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    """First-order DARTS architecture gradient ∇α L_val(w, α) (Liu et al., ICLR 2019; ξ = 0).

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(alphas) -> scalar tensor``, a pure function of the list of architecture tensors
        (e.g. ``lambda a: cross_entropy(supernet(x, a), y)``).
    alphas : list of torch.Tensor
        The architecture parameters (as ``arch_parameters()`` returns): a non-empty list or tuple of
        floating-point tensors.  They are not modified.

    Returns
    -------
    list of torch.Tensor
        ∇α of the loss, one detached tensor per entry of ``alphas`` (zeros for an entry the loss does not
        use); no ``.grad`` is touched.  One gradient evaluation of ``loss_fn``.

    Raises
    ------
    ValueError
        If ``alphas`` is not a non-empty list/tuple of floating-point tensors, or ``loss_fn`` does not
        return a scalar tensor.

    Examples
    --------
    On L(α) = ½‖α‖² the gradient is α itself:

    >>> darts_gradient(lambda a: 0.5 * (a[0] ** 2).sum(), [torch.tensor([1.0, 2.0])])
    [tensor([1., 2.])]
    """
    return _grad(loss_fn, _check_alphas(alphas))


def a2m_gradient(loss_fn: LossFn, alphas: Sequence[torch.Tensor], *, rho: float = 1e-2,
                 eps: float = 1e-2) -> list[torch.Tensor]:
    """The A²M architecture update direction g̃ + ρ·h (A²M paper; see the module docstring).

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(alphas) -> scalar tensor``, a pure function of the list of architecture tensors.
    alphas : list of torch.Tensor
        The architecture parameters α: a non-empty list or tuple of floating-point tensors (not modified).
    rho : float, default 1e-2
        The ascent radius ρ (A²M: 1e-2 on NB201); finite, >= 0 (0 gives the first-order DARTS gradient).
    eps : float, default 1e-2
        The central-difference step ε of the Hessian-vector product h ≈ ∇²α L(α̃)·g̃ (A²M: 1e-2);
        finite, > 0.

    Returns
    -------
    list of torch.Tensor
        g̃ + ρ·h, one detached tensor per entry of ``alphas`` (zeros for an entry the loss does not use).
        Four gradient evaluations of ``loss_fn`` (first-order DARTS: one).

    Raises
    ------
    ValueError
        If ``rho`` is not a finite float >= 0, ``eps`` not a finite float > 0, ``alphas`` not a non-empty
        list/tuple of floating-point tensors, or ``loss_fn`` does not return a scalar tensor.

    Examples
    --------
    On L(α) = ½‖α‖² (Hessian I): g = α, α̃ = (1 + ρ)α, g̃ = h = (1 + ρ)α, so the direction is (1 + ρ)²α:

    >>> a2m_gradient(lambda a: 0.5 * (a[0] ** 2).sum(), [torch.tensor([1.0, 2.0])], rho=0.1)
    [tensor([1.2100, 2.4200])]
    >>> a2m_gradient(lambda a: 0.5 * (a[0] ** 2).sum(), [torch.tensor([1.0, 2.0])], rho=0.0)
    [tensor([1., 2.])]
    """
    rho = _check_step("rho", rho, allow_zero=True)
    eps = _check_step("eps", eps, allow_zero=False)
    alphas = _check_alphas(alphas)
    g = _grad(loss_fn, alphas)
    tilde = [a + rho * gi for a, gi in zip(alphas, g)]
    g_tilde = _grad(loss_fn, tilde)
    plus = _grad(loss_fn, [a + eps * gt for a, gt in zip(tilde, g_tilde)])
    minus = _grad(loss_fn, [a - eps * gt for a, gt in zip(tilde, g_tilde)])
    return [gt + rho * (p - m) / (2 * eps) for gt, p, m in zip(g_tilde, plus, minus)]
