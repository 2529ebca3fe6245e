"""The bilevel gradient search of differentiable NAS: first-order DARTS or A²M architecture steps, in DARTS and in
the methods A²M is added to (SDARTS, DARTS−, β-DARTS, PC-DARTS), one epoch at a time.

Bilevel first-order DARTS (Liu et al., ICLR 2019, ξ = 0): for each pair of a training and a validation
mini-batch, one architecture step (Adam on α with the validation loss) and one weight step (SGD on w with the
training loss).  With ``method="a2m"`` the architecture direction is A²M's flatness-biased one
(:func:`~landscape.search.a2m.a2m_gradient`).  The variants, as the A²M code runs them on NB201
(:class:`BilevelConfig`, ``docs/fidelity.md``):

* ``"darts"``: first-order DARTS;
* ``"sdarts"``: SDARTS random smoothing: in the weight step, softmax(α) plus uniform noise in ``[−ε_e, ε_e]``,
  clipped to [0, 1] and renormalised per edge; ε_e = a + (b − a)·e/E over the epochs (:func:`smoothed_weights`);
* ``"darts-minus"``: DARTS−: ``β_e · x`` added on every edge (x: the cell input, as the A²M code, or the edge's
  input, as the paper), β decaying linearly from 1 (epoch 0: 1, epoch e ≥ 1: (E + 1 − e)/E in training and
  (E − e)/E in the epoch's validation, as the code's scheduler);
* ``"beta-darts"``: β-DARTS: every architecture loss is L_val + λ_e · mean over edges of logsumexp(α)
  (:func:`beta_regulariser`), λ_e = ``beta_weight`` · e/E (the code's 0.5 per epoch over its 50 epochs);
* ``"pc-darts"``: the A²M code's PC-DARTS: each cell on 1/``partial_channels`` of its channels, then a shuffle
  (a network choice: :class:`~landscape.nn.nb201_mixed.NB201MixedSupernet`).

Algorithms only: networks, batches and a configuration in, losses and directions out; the folders, presets,
data and ground truth of a study live in :mod:`landscape.studies.darts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..nn.nb201_mixed import AUX_SOURCES
from ..nn.speed import check_speed, prepare_input, train_autocast
from ..validation import check_choice, check_int
from .a2m import a2m_gradient, darts_gradient

__all__ = ["METHODS", "VARIANTS", "BilevelConfig", "EpochSchedule", "epoch_schedule", "beta_regulariser",
           "smoothed_weights", "architecture_direction", "SearchState", "make_optimizers", "search_epoch",
           "trajectory_row", "early_stop"]

#: Architecture-gradient methods: first-order DARTS and A²M.
METHODS: tuple[str, ...] = ("darts", "a2m")
#: Differentiable methods the loop runs, each with the DARTS or the A²M architecture step.
VARIANTS: tuple[str, ...] = ("darts", "sdarts", "darts-minus", "beta-darts", "pc-darts")


@dataclass(frozen=True)
class BilevelConfig:
    """The hyper-parameters of the bilevel search (defaults: the A²M code's NB201 settings).

    Parameters
    ----------
    epochs : int
        Epochs of the weights' cosine schedule (the variants' schedules run over them too).
    w_lr, w_lr_min, w_momentum, w_weight_decay : float
        SGD on the weights, cosine-annealed per epoch from ``w_lr`` to ``w_lr_min``.
    grad_clip : float
        Gradient norm clip of the weight step.
    a_lr, a_betas, a_weight_decay : float, (float, float), float
        Adam on α.
    rho, eps : float
        A²M's ascent radius ρ and central-difference step ε.
    variant : str
        One of :data:`VARIANTS` (the module docstring).
    sdarts_epsilon : (float, float)
        SDARTS's noise range ε at the first epoch and towards the last.
    aux_source : str
        DARTS−'s skip input: ``"cell"`` (the A²M code) or ``"edge"`` (the paper).
    beta_weight : float
        β-DARTS's λ at the end of the epochs (λ_e = ``beta_weight`` · e/E).
    partial_channels : int
        PC-DARTS's k (the cell runs on 1/k of its channels).
    precision, channels_last : str, bool
        How the steps compute (:mod:`landscape.nn.speed`).

    Raises
    ------
    ValueError
        For a value out of its range, named.

    Examples
    --------
    >>> config = BilevelConfig(epochs=10, variant="sdarts")
    >>> config.a_lr, config.sdarts_epsilon
    (0.0003, (0.03, 0.3))
    >>> BilevelConfig(epochs=0)
    Traceback (most recent call last):
    ...
    ValueError: epochs must be an integer >= 1, got 0
    """

    epochs: int = 50
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
    variant: str = "darts"
    sdarts_epsilon: tuple[float, float] = (0.03, 0.3)
    aux_source: str = "cell"
    beta_weight: float = 25.0
    partial_channels: int = 4
    precision: str = "fp32"
    channels_last: bool = False

    def __post_init__(self) -> None:
        check_int(self.epochs, "epochs", 1)
        check_speed(self.precision, self.channels_last, False)
        check_choice(self.variant, "variant", VARIANTS)
        check_choice(self.aux_source, "aux_source", AUX_SOURCES)
        check_int(self.partial_channels, "partial_channels", 1)
        for name in ("w_lr", "a_lr", "grad_clip", "eps"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("w_lr_min", "w_momentum", "w_weight_decay", "a_weight_decay", "rho", "beta_weight"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if len(self.a_betas) != 2 or not all(0 <= b < 1 for b in self.a_betas):
            raise ValueError(f"a_betas must be two floats in [0, 1), got {self.a_betas!r}")
        low, high = self.sdarts_epsilon
        if not 0 <= low <= high:
            raise ValueError(f"sdarts_epsilon must be (start, end) with 0 <= start <= end, got {self.sdarts_epsilon!r}")


@dataclass(frozen=True)
class EpochSchedule:
    """What the variant's schedules are in one epoch: SDARTS's ε, DARTS−'s skip coefficient in training and in the
    epoch's validation, β-DARTS's λ (all 0 when the variant does not use them).

    Parameters
    ----------
    sdarts_epsilon : float
        SDARTS's noise range ε_e of the weight step.
    aux_train, aux_valid : float
        DARTS−'s skip coefficient β_e in the epoch's training and in its validation.
    beta_weight : float
        β-DARTS's λ_e.
    """

    sdarts_epsilon: float
    aux_train: float
    aux_valid: float
    beta_weight: float


def epoch_schedule(config: BilevelConfig, epoch: int) -> EpochSchedule:
    """The schedules of ``config.variant`` in 0-based ``epoch`` of ``config.epochs`` (the module docstring).

    Parameters
    ----------
    config : BilevelConfig
        The search's configuration: its ``variant``, ``epochs`` E, ``sdarts_epsilon`` and ``beta_weight``.
    epoch : int
        The 0-based epoch e (not checked against E).

    Returns
    -------
    EpochSchedule
        SDARTS's ε_e = a + (b − a)·e/E, DARTS−'s β_e (training: 1 at e = 0, then (E + 1 − e)/E; validation:
        (E − e)/E) and β-DARTS's λ_e = ``beta_weight``·e/E; 0 for what the variant does not use.

    Examples
    --------
    >>> epoch_schedule(BilevelConfig(variant="beta-darts"), 10).beta_weight
    5.0
    >>> epoch_schedule(BilevelConfig(variant="darts-minus", epochs=10), 2)
    EpochSchedule(sdarts_epsilon=0.0, aux_train=0.9, aux_valid=0.8, beta_weight=0.0)
    """
    e, total = epoch, config.epochs
    low, high = config.sdarts_epsilon
    minus = config.variant == "darts-minus"
    return EpochSchedule(
        sdarts_epsilon=low + (high - low) * e / total if config.variant == "sdarts" else 0.0,
        aux_train=(1.0 if e == 0 else (total + 1 - e) / total) if minus else 0.0,
        aux_valid=(total - e) / total if minus else 0.0,
        beta_weight=config.beta_weight * e / total if config.variant == "beta-darts" else 0.0)


def beta_regulariser(alphas: Sequence[torch.Tensor]) -> torch.Tensor:
    """β-DARTS's regulariser: the mean over edges of logsumexp of the raw α (summed over the α tensors).

    Parameters
    ----------
    alphas : sequence of torch.Tensor
        The architecture tensors, one row of operation logits per edge.

    Returns
    -------
    torch.Tensor
        A scalar, differentiable in ``alphas``.

    Examples
    --------
    >>> beta_regulariser([torch.zeros(6, 5)])    # log 5 on every edge
    tensor(1.6094)
    """
    return sum(torch.logsumexp(a, dim=-1).mean() for a in alphas)


def smoothed_weights(alphas: torch.Tensor, epsilon: float, generator: torch.Generator) -> torch.Tensor:
    """SDARTS random smoothing as the A²M code: softmax(α) + U(−ε, ε), clipped to [0, 1], an all-zero row set to
    one at its argmax, each row renormalised to sum 1 (no gradient flows to α).

    Parameters
    ----------
    alphas : torch.Tensor
        The operation logits, one row per edge.
    epsilon : float
        The noise range ε.
    generator : torch.Generator
        The CPU generator of the noise.

    Returns
    -------
    torch.Tensor
        The smoothed operation weights, shaped as ``alphas``, rows summing to 1.

    Examples
    --------
    >>> weights = smoothed_weights(torch.zeros(2, 5), 0.1, torch.Generator().manual_seed(0))
    >>> weights.sum(-1)
    tensor([1.0000, 1.0000])
    """
    weights = F.softmax(alphas.detach(), dim=-1)
    noise = torch.rand(weights.shape, generator=generator, dtype=weights.dtype).to(weights.device)
    weights = (weights + (2 * noise - 1) * epsilon).clamp(0, 1)
    empty = weights.sum(-1) == 0
    if empty.any():
        weights[empty] = F.one_hot(weights[empty].argmax(-1), weights.shape[-1]).to(weights.dtype)
    return weights / weights.sum(-1, keepdim=True)


def architecture_direction(net: nn.Module, method: str, config: BilevelConfig, x: torch.Tensor, y: torch.Tensor,
                           beta_weight: float = 0.0) -> list[torch.Tensor]:
    """The architecture step's direction on one validation batch: DARTS' first-order gradient of the loss in α,
    or A²M's gradient at the flatness-perturbed α (``rho``, ``eps``; see :mod:`landscape.search.a2m`); with
    ``beta_weight`` > 0 every loss carries β-DARTS's regulariser.

    Parameters
    ----------
    net : torch.nn.Module
        Runs the forward passes ``net(x, alphas)``: a network with ``arch_parameters()``, or its
        :func:`~landscape.nn.speed.prepare_network` wrapper.
    method : str
        ``"a2m"`` for A²M's direction; anything else (``"darts"``) gives first-order DARTS.
    config : BilevelConfig
        Its ``rho``, ``eps`` and ``precision``.
    x, y : torch.Tensor
        The validation batch.
    beta_weight : float, default 0.0
        β-DARTS's λ of this epoch (:func:`epoch_schedule`).

    Returns
    -------
    list of torch.Tensor
        One detached direction per tensor of ``net.arch_parameters()``.

    Raises
    ------
    ValueError
        From :func:`~landscape.search.a2m.a2m_gradient` (``rho``/``eps`` out of range) or when the loss is not a
        scalar.

    Examples
    --------
    >>> from landscape.nn.nb201_mixed import NB201MixedSupernet
    >>> net = NB201MixedSupernet(c=4, n=1, num_classes=10)
    >>> x, y = torch.randn(2, 3, 8, 8), torch.tensor([0, 1])
    >>> [d.shape for d in architecture_direction(net, "a2m", BilevelConfig(), x, y)]
    [torch.Size([6, 5])]
    """
    def loss_fn(alphas: list[torch.Tensor]) -> torch.Tensor:
        with train_autocast(config.precision, x.device):
            loss = F.cross_entropy(net(x, alphas), y)
        return loss + beta_weight * beta_regulariser(alphas) if beta_weight else loss

    if method == "a2m":
        return a2m_gradient(loss_fn, net.arch_parameters(), rho=config.rho, eps=config.eps)
    return darts_gradient(loss_fn, net.arch_parameters())


def make_optimizers(net: nn.Module, config: BilevelConfig) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer,
                                                                     torch.optim.lr_scheduler.LRScheduler]:
    """SGD on the weights, Adam on α, and the weights' cosine schedule (stepped once per epoch).

    Parameters
    ----------
    net : torch.nn.Module
        A network with ``weight_parameters()`` and ``arch_parameters()``.
    config : BilevelConfig
        The learning rates, momentum, weight decays, Adam's betas and the epochs of the cosine.

    Returns
    -------
    tuple
        ``(w_opt, a_opt, sched)``: SGD on the weights, Adam on α, cosine annealing of ``w_opt`` from ``w_lr``
        to ``w_lr_min`` over ``config.epochs``.

    Examples
    --------
    >>> from landscape.nn.nb201_mixed import NB201MixedSupernet
    >>> parts = make_optimizers(NB201MixedSupernet(c=4, n=1, num_classes=10), BilevelConfig(epochs=2))
    >>> [type(part).__name__ for part in parts]
    ['SGD', 'Adam', 'CosineAnnealingLR']
    """
    w_opt = torch.optim.SGD(net.weight_parameters(), lr=config.w_lr, momentum=config.w_momentum,
                            weight_decay=config.w_weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(w_opt, T_max=config.epochs, eta_min=config.w_lr_min)
    a_opt = torch.optim.Adam(net.arch_parameters(), lr=config.a_lr, betas=tuple(config.a_betas),
                             weight_decay=config.a_weight_decay)
    return w_opt, a_opt, sched


@dataclass
class SearchState:
    """One epoch's search state: the network, the module that runs its forward passes (the network or its
    :func:`~landscape.nn.speed.prepare_network` wrapper), the method (``"darts"``/``"a2m"``), the configuration,
    the two optimisers, the epoch's schedules and SDARTS's noise generator.

    Parameters
    ----------
    net : torch.nn.Module
        The α-supernet (``arch_parameters()``, ``weight_parameters()``, ``aux_skip``).
    step : torch.nn.Module
        The module that runs its forward passes (``net`` or its wrapper).
    method : str
        ``"darts"`` or ``"a2m"`` (:data:`METHODS`).
    config : BilevelConfig
        The search's configuration.
    w_opt, a_opt : torch.optim.Optimizer
        The optimisers of the weights and of α (:func:`make_optimizers`).
    schedule : EpochSchedule
        The epoch's schedules (:func:`epoch_schedule`).
    noise : torch.Generator or None, default None
        SDARTS's noise generator (needed by ``variant="sdarts"`` only).
    """

    net: nn.Module
    step: nn.Module
    method: str
    config: BilevelConfig
    w_opt: torch.optim.Optimizer
    a_opt: torch.optim.Optimizer
    schedule: EpochSchedule
    noise: torch.Generator | None = None


def _weight_step(state: SearchState, xt: torch.Tensor, yt: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """SGD on w with the training loss (SDARTS: at smoothed op weights); returns the logits and the loss."""
    weight_params, config = state.net.weight_parameters(), state.config
    state.w_opt.zero_grad(set_to_none=True)
    with train_autocast(config.precision, xt.device):
        if config.variant == "sdarts":
            weights = smoothed_weights(state.net.arch_parameters()[0], state.schedule.sdarts_epsilon, state.noise)
            logits = state.step(xt, weights=weights)
        else:
            logits = state.step(xt)
        loss = F.cross_entropy(logits, yt)
    loss.backward(inputs=weight_params)
    nn.utils.clip_grad_norm_(weight_params, config.grad_clip)
    state.w_opt.step()
    return logits, loss


def search_epoch(state: SearchState, pairs: Iterable, on_step: Callable[[int], None] | None = None
                 ) -> tuple[float, float]:
    """One search epoch over ``(train batch, valid batch)`` pairs: per pair an architecture step on the
    validation batch, then a weight step (gradient clipped at ``config.grad_clip``) on the training batch, then
    ``on_step(steps done this epoch)``.

    Parameters
    ----------
    state : SearchState
        The network, its optimisers, the method, the configuration and the epoch's schedules; the network and
        the optimisers are updated in place.
    pairs : iterable
        ``((x_train, y_train), (x_valid, y_valid))`` pairs of mini-batches.
    on_step : callable or None, default None
        Called with the number of steps done this epoch after each step.

    Returns
    -------
    tuple of float
        The training loss and accuracy (%) over the epoch.

    Raises
    ------
    ZeroDivisionError
        If ``pairs`` is empty.

    Examples
    --------
    >>> from landscape.nn.nb201_mixed import NB201MixedSupernet
    >>> net, config = NB201MixedSupernet(c=4, n=1, num_classes=10), BilevelConfig(epochs=1)
    >>> w_opt, a_opt, _ = make_optimizers(net, config)
    >>> state = SearchState(net, net, "darts", config, w_opt, a_opt, epoch_schedule(config, 0))
    >>> batch = (torch.randn(2, 3, 8, 8), torch.tensor([0, 1]))
    >>> loss, accuracy = search_epoch(state, [(batch, batch)])
    >>> 0 <= accuracy <= 100
    True
    """
    config, arch_params = state.config, state.net.arch_parameters()
    state.net.aux_skip = state.schedule.aux_train
    train_loss, train_correct, seen = 0.0, 0, 0
    for i, ((xt, yt), (xv, yv)) in enumerate(pairs, start=1):
        xt, xv = prepare_input(xt, config.channels_last), prepare_input(xv, config.channels_last)
        for param, direction in zip(arch_params, architecture_direction(state.step, state.method, config, xv, yv,
                                                                        state.schedule.beta_weight)):
            param.grad = direction
        state.a_opt.step()
        logits, loss = _weight_step(state, xt, yt)
        train_loss += float(loss.detach()) * len(yt)
        train_correct += int((logits.detach().argmax(1) == yt).sum())
        seen += len(yt)
        if on_step is not None:
            on_step(i)
    return train_loss / seen, 100.0 * train_correct / seen


def trajectory_row(net: nn.Module, step: int) -> dict:
    """The argmax genotypes of an NB201 α-supernet after ``step`` steps: NB201's derivation (``arch``) and DARTS's
    without ``none`` (``arch_no_none``), with their numbers of skip connections, ``none`` edges and parameter-free
    operations, and the largest softmax weight.

    Parameters
    ----------
    net : torch.nn.Module
        An NB201 α-supernet (``alphas``, ``arch(exclude_none=...)``).
    step : int
        The steps done so far (the row's ``step``).

    Returns
    -------
    dict
        ``step, max_weight, arch, arch_skips, arch_nones, arch_parameter_free`` and the same four for
        ``arch_no_none``.

    Examples
    --------
    >>> from landscape.nn.nb201_mixed import NB201MixedSupernet
    >>> row = trajectory_row(NB201MixedSupernet(c=4, n=1, num_classes=10), 0)
    >>> sorted(row)[:4]
    ['arch', 'arch_no_none', 'arch_no_none_nones', 'arch_no_none_parameter_free']
    """
    row = {"step": step, "max_weight": float(F.softmax(net.alphas.detach(), -1).max())}
    for key, arch in (("arch", net.arch()), ("arch_no_none", net.arch(exclude_none=True))):
        ops = [o.split("~")[0] for node in arch.strip("|").split("|+|") for o in node.split("|")]
        row.update({key: arch, f"{key}_skips": ops.count("skip_connect"), f"{key}_nones": ops.count("none"),
                    f"{key}_parameter_free": sum(o in ("none", "skip_connect", "avg_pool_3x3") for o in ops)})
    return row


def early_stop(valid_losses: Sequence[float], patience: int) -> bool:
    """True when more than ``patience`` epochs have passed since the lowest validation loss so far
    (the published A²M script stops at ``> patience``, so ``patience`` non-improving epochs are allowed).

    Parameters
    ----------
    valid_losses : sequence of float
        The validation loss of every epoch so far (non-empty).
    patience : int
        Non-improving epochs allowed.

    Returns
    -------
    bool
        Whether to stop now.

    Raises
    ------
    ValueError
        If ``valid_losses`` is empty.

    Examples
    --------
    >>> early_stop([3.0, 2.0, 2.5, 2.4], patience=1), early_stop([3.0, 2.0, 2.5], patience=1)
    (True, False)
    """
    best = int(np.argmin(valid_losses))
    return len(valid_losses) - 1 - best > patience
