"""Stand-alone training of a network, NB201-style (SGD + Nesterov, cosine schedule, label CE).

NAS-Bench-201's ``200E.config``: SGD lr 0.1, momentum 0.9, Nesterov, weight decay 5e-4,
cosine annealing to 0, batch 256, random crop + flip.  Reduced presets shorten the schedule
and the data; the schedule shape stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from tqdm.auto import tqdm

from .data import ImageData, batches

__all__ = ["TrainConfig", "train_network"]


@dataclass(frozen=True)
class TrainConfig:
    """Training hyper-parameters (defaults: NB201's ``200E.config`` apart from ``epochs``)."""

    epochs: int = 200
    batch_size: int = 256
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 5e-4
    nesterov: bool = True
    augment: bool = True

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be > 0, got {self.lr!r}")


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
    opt = torch.optim.SGD(net.parameters(), lr=config.lr, momentum=config.momentum,
                          weight_decay=config.weight_decay, nesterov=config.nesterov)
    steps = config.epochs * -(-len(data) // config.batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    history = []
    for epoch in tqdm(range(config.epochs), desc="training", unit="epoch", disable=not progress, leave=False):
        total, n = 0.0, 0
        for x, y in batches(data, config.batch_size, shuffle=True, random_state=random_state * 100_003 + epoch,
                            device=device, augment=config.augment):
            loss = nn.functional.cross_entropy(net(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(y)
            n += len(y)
        history.append(total / n)
    net.eval()
    return history
