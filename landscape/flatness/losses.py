"""Loss of many weight copies of one network, evaluated without touching the network.

A *parameter stack* maps parameter names to tensors of shape ``(M, *p.shape)``: the
M copies to evaluate (parameters not in the stack keep the network's values).  The
copies are evaluated with :func:`torch.func.functional_call`, either all together
with :func:`torch.func.vmap` (one forward pass per batch for all copies: what a GPU
wants) or one after the other (what a CPU wants: its convolutions are compute-bound
and grouping them only adds work).  Both give the same numbers; the network's
parameters, buffers and mode are never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn
from torch.func import functional_call, vmap

__all__ = ["Batches", "as_batches", "stacked_losses", "temporary_mode", "STRATEGIES"]

#: How copies are evaluated: ``"vmap"`` (batched), ``"loop"`` (one by one) or ``"auto"``
#: (``vmap`` on CUDA, ``loop`` on CPU; see ``benchmarks/bench_flatness.py`` for why).
STRATEGIES = ("auto", "vmap", "loop")

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Batches:
    """Evaluation batches materialised on one device: ``(inputs, targets)`` pairs."""

    pairs: tuple[tuple[torch.Tensor, torch.Tensor], ...]

    @property
    def n_samples(self) -> int:
        return sum(len(y) for _, y in self.pairs)


def as_batches(loader: Iterable, device: torch.device | str, name: str = "batches") -> Batches:
    """Materialise ``(x, y)`` pairs from a loader (list, DataLoader, generator) on ``device``.

    Raises ``ValueError`` for an empty loader or items that are not ``(inputs, targets)`` pairs.
    """
    pairs = []
    for i, item in enumerate(loader):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f"{name}: item {i} is a {type(item).__name__}, expected an (inputs, targets) pair")
        x, y = item
        if len(x) != len(y) or len(y) == 0:
            raise ValueError(f"{name}: item {i} has {len(x)} inputs and {len(y)} targets; both must be equal and > 0")
        pairs.append((torch.as_tensor(x).to(device), torch.as_tensor(y).to(device)))
    if not pairs:
        raise ValueError(f"{name} is empty: pass at least one (inputs, targets) batch")
    return Batches(tuple(pairs))


def _batchnorms(model: nn.Module) -> list[nn.modules.batchnorm._BatchNorm]:
    return [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]


@contextmanager
def temporary_mode(model: nn.Module, training: bool):
    """Temporarily set train/eval mode (and BN momentum), restoring both afterwards."""
    modes = {m: m.training for m in model.modules()}
    momenta = {m: m.momentum for m in _batchnorms(model)}
    model.train(training)
    try:
        yield
    finally:
        for m, t in modes.items():
            m.training = t
        for m, mom in momenta.items():
            m.momentum = mom


def _resolve_strategy(strategy: str, device: torch.device) -> str:
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if strategy == "auto":
        return "vmap" if device.type == "cuda" else "loop"
    return strategy


def _fresh_bn_buffers(model: nn.Module, m: int, device: torch.device) -> dict[str, torch.Tensor]:
    """Per-copy BN running statistics reset to (mean 0, var 1) for recalibration."""
    out = {}
    names = {id(b): n for n, b in model.named_modules()}
    for bn in _batchnorms(model):
        prefix = names[id(bn)]
        out[f"{prefix}.running_mean"] = torch.zeros(m, bn.num_features, device=device)
        out[f"{prefix}.running_var"] = torch.ones(m, bn.num_features, device=device)
        out[f"{prefix}.num_batches_tracked"] = torch.zeros(m, dtype=torch.long, device=device)
    return out


def stacked_losses(
    model: nn.Module,
    stack: Mapping[str, torch.Tensor],
    batches: Batches,
    *,
    loss_fn: LossFn = nn.functional.cross_entropy,
    recalibrate: Batches | None = None,
    strategy: str = "auto",
    chunk_size: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Sample-weighted mean loss and accuracy of each weight copy over ``batches``.

    Parameters
    ----------
    model : the network (any ``nn.Module``); evaluated in eval mode, never modified.
    stack : ``{parameter name: (M, *shape) tensor}``, the copies; other parameters are shared.
    batches : evaluation data (:func:`as_batches`).
    loss_fn : ``loss_fn(outputs, targets)`` → mean loss of the batch (default cross-entropy).
    recalibrate : if given, each copy's BatchNorm running statistics are re-estimated on
        these batches (train-mode forward passes, cumulative average) before evaluation.
    strategy : ``"vmap"``, ``"loop"`` or ``"auto"``.
    chunk_size : evaluate at most this many copies at once with ``vmap`` (bounds memory).

    Returns
    -------
    ``(losses, accuracies)``, each a float64 tensor of shape ``(M,)`` on the model's device;
    accuracy is the fraction of argmax hits (``nan`` when outputs are not class scores).
    """
    if not stack:
        raise ValueError("stack is empty: nothing to evaluate")
    sizes = {t.shape[0] for t in stack.values()}
    if len(sizes) != 1:
        raise ValueError(f"stack tensors disagree on the number of copies: {sorted(sizes)}")
    m = sizes.pop()
    device = next(iter(stack.values())).device
    strategy = _resolve_strategy(strategy, device)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive integer or None, got {chunk_size!r}")
    step = m if strategy == "loop" or chunk_size is None else chunk_size
    shared = dict(model.named_buffers())
    losses, accs = [], []
    with torch.no_grad():
        for start in range(0, m, step):
            part = {n: t[start:start + step] for n, t in stack.items()}
            k = next(iter(part.values())).shape[0]
            per_copy = _fresh_bn_buffers(model, k, device) if recalibrate is not None else {}
            plain = {n: b for n, b in shared.items() if n not in per_copy}
            evaluate = _evaluate_vmap if strategy == "vmap" else _evaluate_loop
            loss, acc = evaluate(model, part, per_copy, plain, batches, loss_fn, recalibrate)
            losses.append(loss)
            accs.append(acc)
    return torch.cat(losses), torch.cat(accs)


def _batch_stats(out: torch.Tensor, y: torch.Tensor, loss_fn: LossFn) -> tuple[torch.Tensor, torch.Tensor]:
    n = y.shape[0]
    loss = loss_fn(out, y).double() * n
    if out.dim() == 2 and y.dim() == 1 and not y.is_floating_point():
        hits = (out.argmax(-1) == y).sum().double()
    else:
        hits = torch.full((), float("nan"), dtype=torch.float64, device=out.device)
    return loss, hits


def _evaluate(run, model, batches, loss_fn, recalibrate, stats):
    """Recalibrate (optional), then accumulate loss and hits of ``run`` over the batches."""
    if recalibrate is not None:
        _recalibrate(model, run, recalibrate)
    total_loss = total_hits = 0
    with temporary_mode(model, False):
        for x, y in batches.pairs:
            loss, hits = stats(run(x), y)
            total_loss = total_loss + loss
            total_hits = total_hits + hits
    n = batches.n_samples
    return total_loss / n, total_hits / n


def _evaluate_vmap(model, part, per_copy, plain, batches, loss_fn, recalibrate):
    def forward(p, b, x):
        return functional_call(model, (p, b, plain), (x,), strict=False)

    batched = vmap(forward, in_dims=(0, 0, None))
    return _evaluate(lambda x: batched(part, per_copy, x), model, batches, loss_fn, recalibrate,
                     lambda out, y: vmap(lambda o: _batch_stats(o, y, loss_fn))(out))


def _evaluate_loop(model, part, per_copy, plain, batches, loss_fn, recalibrate):
    m = next(iter(part.values())).shape[0]
    losses, accs = [], []
    for i in range(m):
        params = {name: t[i] for name, t in part.items()}
        buffers = {name: b[i] for name, b in per_copy.items()}

        def run(x, params=params, buffers=buffers):
            return functional_call(model, (params, buffers, plain), (x,), strict=False)

        loss, acc = _evaluate(run, model, batches, loss_fn, recalibrate, lambda out, y: _batch_stats(out, y, loss_fn))
        losses.append(loss)
        accs.append(acc)
    return torch.stack(losses), torch.stack(accs)


def _recalibrate(model: nn.Module, run: Callable[[torch.Tensor], torch.Tensor], batches: Batches) -> None:
    """Re-estimate BN running statistics in place in the *passed* buffers: a cumulative
    average of batch statistics (momentum ``1/(t+1)`` at batch ``t``)."""
    with temporary_mode(model, True):
        for t, (x, _) in enumerate(batches.pairs):
            for bn in _batchnorms(model):
                bn.momentum = 1.0 / (t + 1)
            run(x)
