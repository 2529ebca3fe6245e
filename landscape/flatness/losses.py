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
from tqdm.auto import tqdm

from ..validation import check_choice, check_int

__all__ = ["Batches", "as_batches", "stacked_losses", "temporary_mode", "STRATEGIES", "BN_MODES",
           "PUBLISHED_RECALIBRATION_IMAGES", "published_recalibration_batches", "recalibrate_bn"]

#: How copies are evaluated: ``"vmap"`` (batched), ``"loop"`` (one by one) or ``"auto"``
#: (``vmap`` on CUDA, ``loop`` on CPU; see ``benchmarks/bench_flatness.py`` for why).
STRATEGIES = ("auto", "vmap", "loop")

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

#: BatchNorm re-estimation: ``"faithful"`` (GeNAS code: momentum 0.1) or ``"exact"`` (cumulative mean).
BN_MODES = ("faithful", "exact")
#: Training images the published GeNAS code feeds to re-estimate BN: ⌈850 / batch⌉ batches.
PUBLISHED_RECALIBRATION_IMAGES = 850
#: PyTorch's default BN momentum, which the published re-estimation keeps.
_FAITHFUL_MOMENTUM = 0.1


@dataclass(frozen=True)
class Batches:
    """Evaluation batches materialised on one device: ``(inputs, targets)`` pairs."""

    pairs: tuple[tuple[torch.Tensor, torch.Tensor], ...]

    @property
    def n_samples(self) -> int:
        return sum(len(y) for _, y in self.pairs)


def as_batches(loader: Iterable, device: torch.device | str, name: str = "batches") -> Batches:
    """Materialise ``(x, y)`` pairs from a loader (list, DataLoader, generator) on ``device``.

    Parameters
    ----------
    loader : iterable of (inputs, targets) pairs
        A list, ``torch.utils.data.DataLoader`` or generator of tuples or lists of two, each ``inputs`` and ``targets``
        of the same non-zero length (array-likes are converted with ``torch.as_tensor``); iterated once.
    device : torch.device or str
        Where the tensors are put (``"cpu"``, ``"cuda"``, ...).
    name : str, default "batches"
        What the error messages call ``loader``.

    Returns
    -------
    Batches
        The pairs (``.pairs``, a tuple of tensor pairs on ``device``); ``.n_samples`` counts the targets.

    Raises
    ------
    ValueError
        For an empty loader or items that are not ``(inputs, targets)`` pairs of equal, non-zero length.

    Examples
    --------
    >>> data = as_batches([(torch.zeros(4, 3), torch.arange(4)), (torch.zeros(2, 3), torch.arange(2))], "cpu")
    >>> len(data.pairs), data.n_samples
    (2, 6)
    >>> as_batches([(torch.zeros(4, 3), torch.arange(3))], "cpu")
    Traceback (most recent call last):
    ...
    ValueError: batches: item 0 has 4 inputs and 3 targets; both must be equal and > 0
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
    check_choice(strategy, "strategy", STRATEGIES)
    if strategy == "auto":
        return "vmap" if device.type == "cuda" else "loop"
    return strategy


def stacked_losses(
    model: nn.Module,
    stack: Mapping[str, torch.Tensor],
    batches: Batches,
    *,
    loss_fn: LossFn = nn.functional.cross_entropy,
    strategy: str = "auto",
    chunk_size: int | None = None,
    progress: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Sample-weighted mean loss and accuracy of each weight copy over ``batches``.

    Parameters
    ----------
    model : the network (any ``nn.Module``); evaluated in eval mode, never modified.
    stack : ``{parameter name: (M, *shape) tensor}``, the copies; other parameters are shared.
    batches : evaluation data (:func:`as_batches`).
    loss_fn : ``loss_fn(outputs, targets)`` → mean loss of the batch (default cross-entropy).
    strategy : ``"vmap"``, ``"loop"`` or ``"auto"``.
    chunk_size : evaluate at most this many copies at once with ``vmap`` (bounds memory).
    progress : a progress bar over the copies (the loop strategy then takes them one call each).

    Returns
    -------
    ``(losses, accuracies)``, each a float64 tensor of shape ``(M,)`` on the model's device;
    accuracy is the fraction of argmax hits (``nan`` when outputs are not class scores).

    Raises
    ------
    ValueError
        If ``stack`` is empty, its tensors disagree on the number of copies, or an option is invalid.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net, data = torch.nn.Linear(4, 3), as_batches([(torch.randn(8, 4), torch.randint(0, 3, (8,)))], "cpu")
    >>> stack = {"weight": torch.stack([net.weight.detach(), torch.zeros(3, 4)]), "bias": torch.zeros(2, 3)}
    >>> losses, _ = stacked_losses(net, stack, data)      # 2 copies; the second gives uniform outputs
    >>> losses.shape, round(float(losses[1]), 4)          # ln 3
    (torch.Size([2]), 1.0986)
    """
    m = _n_copies(stack)
    device = next(iter(stack.values())).device
    strategy = _resolve_strategy(strategy, device)
    if chunk_size is not None:
        check_int(chunk_size, "chunk_size", 1)
    step = (1 if progress else m) if strategy == "loop" else (m if chunk_size is None else chunk_size)
    losses, accs = [], []
    evaluate = _evaluate_vmap if strategy == "vmap" else _evaluate_loop
    bar = tqdm(total=m, desc="weight copies", unit="copy", leave=False, disable=not progress)
    with torch.no_grad(), bar:
        for start in range(0, m, step):
            part = {n: t[start:start + step] for n, t in stack.items()}
            loss, acc = evaluate(model, part, batches, loss_fn)
            losses.append(loss)
            accs.append(acc)
            bar.update(len(loss))
    return torch.cat(losses), torch.cat(accs)


def _n_copies(stack: Mapping[str, torch.Tensor]) -> int:
    """The number of weight copies ``M`` of a non-empty stack whose tensors all hold ``M``."""
    if not stack:
        raise ValueError("stack is empty: nothing to evaluate")
    sizes = {t.shape[0] for t in stack.values()}
    if len(sizes) != 1:
        raise ValueError(f"stack tensors disagree on the number of copies: {sorted(sizes)}")
    return sizes.pop()


def _batch_stats(out: torch.Tensor, y: torch.Tensor, loss_fn: LossFn) -> tuple[torch.Tensor, torch.Tensor]:
    n = y.shape[0]
    loss = loss_fn(out, y).double() * n
    if out.dim() == 2 and y.dim() == 1 and not y.is_floating_point():
        hits = (out.argmax(-1) == y).sum().double()
    else:
        hits = torch.full((), float("nan"), dtype=torch.float64, device=out.device)
    return loss, hits


def _evaluate(run, model, batches, stats):
    """Accumulate loss and hits of ``run`` over the batches, the model in eval mode."""
    total_loss = total_hits = 0
    with temporary_mode(model, False):
        for x, y in batches.pairs:
            loss, hits = stats(run(x), y)
            total_loss = total_loss + loss
            total_hits = total_hits + hits
    n = batches.n_samples
    return total_loss / n, total_hits / n


def _evaluate_vmap(model, part, batches, loss_fn):
    batched = vmap(lambda p, x: functional_call(model, p, (x,), strict=False), in_dims=(0, None))
    return _evaluate(lambda x: batched(part, x), model, batches,
                     lambda out, y: vmap(lambda o: _batch_stats(o, y, loss_fn))(out))


def _channels_last(t: torch.Tensor) -> torch.Tensor:
    return t.contiguous(memory_format=torch.channels_last) if t.dim() == 4 else t


def _evaluate_loop(model, part, batches, loss_fn):
    """One copy after the other, in channels-last memory format on CPU when the inputs are images
    (oneDNN's convolutions run faster so: see ``benchmarks/bench_flatness.py``)."""
    m = next(iter(part.values())).shape[0]
    images = all(x.dim() == 4 and x.device.type == "cpu" for x, _ in batches.pairs)
    if images:
        batches = Batches(tuple((_channels_last(x), y) for x, y in batches.pairs))
    losses, accs = [], []
    for i in range(m):
        params = {name: _channels_last(t[i]) if images else t[i] for name, t in part.items()}

        def run(x, params=params):
            return functional_call(model, params, (x,), strict=False)

        loss, acc = _evaluate(run, model, batches, lambda out, y: _batch_stats(out, y, loss_fn))
        losses.append(loss)
        accs.append(acc)
    return torch.stack(losses), torch.stack(accs)


def published_recalibration_batches(batch_size: int) -> int:
    """Batches the published GeNAS code uses to re-estimate BN: ``⌈850 / batch_size⌉`` (14 at batch 64)."""
    return -(-PUBLISHED_RECALIBRATION_IMAGES // check_int(batch_size, "batch_size", 1))


def recalibrate_bn(model: nn.Module, batches: Iterable, *, mode: str = "faithful") -> nn.Module:
    """Re-estimate ``model``'s BatchNorm running statistics on ``batches`` of training data, in place.

    Every BN's ``running_mean``/``running_var`` is reset to 0/1, then the batches go through the
    network in train mode without gradients; the network is left in eval mode.  ``mode``:

    * ``"faithful"`` — the published GeNAS code before scoring a SPOS sub-network: PyTorch's
      default momentum 0.1, an exponential average that still carries ``0.9^b`` of the reset
      values after ``b`` batches (23% after the code's ⌈850/64⌉ = 14,
      :func:`published_recalibration_batches`).
    * ``"exact"`` — a cumulative mean of the batch statistics (momentum ``None``).

    It runs once, on the weights as they are (GeNAS: on the clean sub-network, before any
    perturbation).  Returns ``model``.
    """
    check_choice(mode, "mode", BN_MODES)
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    data = as_batches(batches, device, "recalibration batches")
    bns = _batchnorms(model)
    for bn in bns:
        bn.reset_running_stats()
    with temporary_mode(model, True), torch.no_grad():
        for bn in bns:
            bn.momentum = _FAITHFUL_MOMENTUM if mode == "faithful" else None
        for x, _ in data.pairs:
            model(x)
    return model.eval()
