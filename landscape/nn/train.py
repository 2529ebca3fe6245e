"""Stand-alone training of a network (SGD, cosine schedule, label CE).

The defaults are NAS-Bench-201's ``200E.config``: SGD lr 0.1, momentum 0.9, Nesterov, weight
decay 5e-4, cosine annealing to 0 stepped per iteration, batch 256, random crop + flip.
Reduced presets shorten the schedule and the data; the schedule shape stays the same.  The
SPOS recipe of GeNAS/RLNAS (no Nesterov, lr 0.025 → 0.001 stepped per epoch, gradient norm
clipped at 5) is the same function with other fields (:meth:`~landscape.studies.presets.SearchPreset.train_config`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from tqdm.auto import tqdm

from ..validation import check_choice, check_int
from .images import ImageData, batches
from .speed import check_speed, prepare_input, prepare_network, train_autocast

__all__ = ["SCHEDULE_STEPS", "TrainConfig", "train_network", "train_cell", "evaluate_network"]

#: When the cosine schedule steps: after every mini-batch (NB201) or after every epoch (SPOS code).
SCHEDULE_STEPS = ("iteration", "epoch")


@dataclass(frozen=True)
class TrainConfig:
    """Training hyper-parameters (defaults: NB201's ``200E.config`` apart from ``epochs``).

    ``precision``, ``channels_last`` and ``compile`` set how the steps compute (:mod:`landscape.nn.speed`):
    defaults fp32, default memory format, eager.
    """

    epochs: int = 200
    batch_size: int = 256
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 5e-4
    nesterov: bool = True
    augment: bool = True
    lr_min: float = 0.0
    schedule_step: str = "iteration"
    grad_clip: float | None = None
    precision: str = "fp32"
    channels_last: bool = False
    compile: bool = False

    def __post_init__(self) -> None:
        check_speed(self.precision, self.channels_last, self.compile)
        for name in ("epochs", "batch_size"):
            check_int(getattr(self, name), name, 1)
        if not self.lr > 0:
            raise ValueError(f"lr must be > 0, got {self.lr!r}")
        if not 0 <= self.lr_min <= self.lr:
            raise ValueError(f"lr_min must be in [0, lr={self.lr}], got {self.lr_min!r}")
        check_choice(self.schedule_step, "schedule_step", SCHEDULE_STEPS)
        if self.grad_clip is not None and not self.grad_clip > 0:
            raise ValueError(f"grad_clip must be None or > 0, got {self.grad_clip!r}")


def train_network(
    net: nn.Module,
    data: ImageData,
    config: TrainConfig = TrainConfig(),
    *,
    device: str | torch.device = "cpu",
    random_state: int = 0,
    progress: bool = True,
) -> list[float]:
    """Train ``net`` in place on ``data``; returns the mean training loss of each epoch.

    Deterministic for a given ``random_state`` on a given device (shuffling and augmentation
    are seeded per epoch; cuDNN may still choose non-deterministic kernels on a GPU).
    """
    if len(data) == 0:
        raise ValueError(f"{data.name}/{data.split} has no images to train on")
    net.to(device).train()
    step = prepare_network(net, config.channels_last, config.compile)
    opt = torch.optim.SGD(net.parameters(), lr=config.lr, momentum=config.momentum,
                          weight_decay=config.weight_decay, nesterov=config.nesterov)
    per_iteration = config.schedule_step == "iteration"
    steps = config.epochs * -(-len(data) // config.batch_size) if per_iteration else config.epochs
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=config.lr_min)
    history = []
    for epoch in tqdm(range(config.epochs), desc="training", unit="epoch", disable=not progress, leave=False):
        total, n = 0.0, 0
        for x, y in batches(data, config.batch_size, shuffle=True, random_state=random_state * 100_003 + epoch,
                            device=device, augment=config.augment):
            with train_autocast(config.precision, device):
                loss = nn.functional.cross_entropy(step(prepare_input(x, config.channels_last)), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip is not None:
                nn.utils.clip_grad_norm_(net.parameters(), config.grad_clip)
            opt.step()
            if per_iteration:
                sched.step()
            total += float(loss.detach()) * len(y)
            n += len(y)
        if not per_iteration:
            sched.step()
        history.append(total / n)
    net.eval()
    return history


def train_cell(space: str, arch, data: ImageData, config: TrainConfig = TrainConfig(), *, seed: int = 0,
               device: str | torch.device = "cpu", progress: bool = False, **network
               ) -> tuple[nn.Module, dict[str, torch.Tensor], list[float]]:
    """Train one cell alone: the one place every stand-alone study (the matched-scale truth, the proxy study, the
    sweep demo task) builds, seeds and trains a network.

    Parameters
    ----------
    space : str
        ``"nb201"`` or ``"darts"`` (:func:`~landscape.nn.create_network`).
    arch
        The architecture (NB201 string or op codes; DARTS genotype).
    data : ImageData
        The training images.
    config : TrainConfig
        The recipe.
    seed : int
        Seeds the initial weights (:func:`~landscape.nn.rng.torch_seed`), the batch order and the augmentation.
    device, progress
        Where to train; a progress bar over the epochs.
    **network
        The network's size (``c``, ``n`` or ``layers``, ``num_classes``, ``in_channels``).

    Returns
    -------
    (net, initial, history)
        The trained network (eval mode), a copy of its initial ``state_dict`` (the angle's reference, GeNAS Eq. 8)
        and the mean training loss of each epoch.
    """
    from . import create_network
    from .rng import torch_seed

    with torch_seed(seed):
        net = create_network(space, arch, **network)
    net = net.to(device)
    initial = {k: v.detach().clone() for k, v in net.state_dict().items()}
    history = train_network(net, data, config, device=device, random_state=seed, progress=progress)
    return net, initial, history


@torch.no_grad()
def evaluate_network(net: nn.Module, data: ImageData, *, batch_size: int = 500, device: str | torch.device = "cpu",
                     augment: bool = False, random_state: int = 0) -> tuple[float, float]:
    """``(mean cross-entropy per image, accuracy as a fraction)`` of ``net`` on ``data`` in eval mode.

    ``augment`` applies the training augmentation (seeded by ``random_state``), as the published A²M
    script does for its validation loss; by default the images are clean.
    """
    if len(data) == 0:
        raise ValueError(f"{data.name}/{data.split} has no images to evaluate on")
    training = net.training
    net.to(device).eval()
    loss = correct = 0.0
    for x, y in batches(data, batch_size, device=device, augment=augment, random_state=random_state):
        logits = net(x)
        loss += float(nn.functional.cross_entropy(logits, y, reduction="sum"))
        correct += float((logits.argmax(1) == y).sum())
    net.train(training)
    return loss / len(data), correct / len(data)
