"""Stand-alone training: the SPOS recipe (cosine per epoch, gradient clip) against a hand-written SGD loop."""

from __future__ import annotations

import copy
import math

import pytest
import torch
from torch import nn

from landscape.nn.images import ImageData, batches
from landscape.nn.train import TrainConfig, evaluate_network, train_network


def toy_data(n: int = 24) -> ImageData:
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (n, 3, 4, 4), generator=g, dtype=torch.uint8)
    y = torch.randint(0, 3, (n,), generator=g)
    return ImageData("toy", "train", x, y, 3, "toy", (0.5, 0.5, 0.5), (0.25, 0.25, 0.25), 1)


def toy_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(4, 3))


def test_spos_recipe_equals_a_hand_written_loop():
    """lr of epoch e = lr_min + ½(lr − lr_min)(1 + cos(π e / E)) (cosine stepped per epoch, as the
    published SPOS training), plain momentum SGD, gradient norm clipped at 0.05 (small, so it bites)."""
    config = TrainConfig(epochs=3, batch_size=8, lr=0.5, lr_min=0.01, momentum=0.9, weight_decay=5e-4,
                         nesterov=False, augment=True, schedule_step="epoch", grad_clip=0.05)
    data, net = toy_data(), toy_net()
    ref = copy.deepcopy(net).train()
    history = train_network(net, data, config, random_state=3, progress=False)
    opt = torch.optim.SGD(ref.parameters(), lr=config.lr, momentum=0.9, weight_decay=5e-4)
    clipped = 0
    for epoch in range(3):
        for group in opt.param_groups:
            group["lr"] = 0.01 + 0.5 * (0.5 - 0.01) * (1 + math.cos(math.pi * epoch / 3))
        for x, y in batches(data, 8, shuffle=True, random_state=3 * 100_003 + epoch, augment=True):
            loss = nn.functional.cross_entropy(ref(x), y)
            opt.zero_grad()
            loss.backward()
            norm = torch.sqrt(sum((p.grad ** 2).sum() for p in ref.parameters()))
            if norm > 0.05:
                clipped += 1
                for p in ref.parameters():
                    p.grad.mul_(0.05 / (norm + 1e-6))
            opt.step()
    assert clipped > 0 and len(history) == 3
    for (name, a), b in zip(net.named_parameters(), ref.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6, msg=name)


def test_evaluate_network_and_bad_configs():
    data, net = toy_data(), toy_net()
    loss, acc = evaluate_network(net, data, batch_size=7)
    with torch.no_grad():
        x, y = next(batches(data, len(data)))
        out = net.eval()(x)
    assert loss == pytest.approx(float(nn.functional.cross_entropy(out, y)), rel=1e-5)
    assert acc == pytest.approx(float((out.argmax(1) == y).float().mean()))
    with pytest.raises(ValueError, match="schedule_step"):
        TrainConfig(schedule_step="batch")
    with pytest.raises(ValueError, match="grad_clip"):
        TrainConfig(grad_clip=0)
    with pytest.raises(ValueError, match="lr_min"):
        TrainConfig(lr=0.1, lr_min=0.2)
