"""A²M vs first-order DARTS: the cost of one search step on the NB201 mixed supernet (A²M paper).

One bilevel step = an architecture step on a validation batch + a weight step on a training
batch.  First-order DARTS computes ∇α once; A²M computes it four times (g, g̃ and the two
central-difference gradients of h), so a step costs 5 forward-backward passes instead of 2: the
issue's compute limit is 2.5× and its target A²M/DARTS ≤ 2.75×.  ``run.py`` scores ratios as
baseline / ours (higher is better), so ours = A²M, baseline = DARTS and the target is
DARTS/A²M ≥ 1/2.75 ≈ 0.364.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from landscape.bench.store import Store
from landscape.nn.images import batches, cifar10_jpeg
from landscape.nn.nb201_mixed import NB201MixedSupernet
from landscape.search.a2m import a2m_gradient, darts_gradient

BATCH = 64  # A²M's NB201 batch size


def interleaved(fns: dict[str, Callable[[], None]], repeat: int = 3) -> dict[str, float]:
    """Median wall seconds of each function over ``repeat`` rounds that run them in turn, after one warm-up round.

    Interleaving keeps the ratio fair on a shared machine whose load drifts during the run.
    """
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def bench_a2m_step(store: Store) -> dict:
    """CPU: one A²M search step over one first-order DARTS step (NB201 mixed supernet C=16 N=5, 64 CIFAR-10 images)."""
    torch.manual_seed(0)
    net = NB201MixedSupernet(c=16, n=5).train()
    per_class = -(-BATCH // 10)
    xt, yt = next(batches(cifar10_jpeg("train", n_per_class=per_class, random_state=0), BATCH))
    xv, yv = next(batches(cifar10_jpeg("valid", n_per_class=per_class, random_state=0), BATCH))
    weights = net.weight_parameters()
    w_opt = torch.optim.SGD(weights, lr=0.025, momentum=0.9, weight_decay=3e-4)
    a_opt = torch.optim.Adam(net.arch_parameters(), lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)

    def loss_fn(alphas: list[torch.Tensor]) -> torch.Tensor:
        return F.cross_entropy(net(xv, alphas), yv)

    def arch_step(gradient) -> None:
        for p, d in zip(net.arch_parameters(), gradient(loss_fn, net.arch_parameters())):
            p.grad = d
        a_opt.step()

    def weight_step() -> None:
        w_opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(xt), yt).backward(inputs=weights)
        nn.utils.clip_grad_norm_(weights, 5.0)
        w_opt.step()

    t = interleaved({"a2m": lambda: arch_step(lambda f, a: a2m_gradient(f, a, rho=1e-2, eps=1e-2)),
                     "darts": lambda: arch_step(darts_gradient), "weight": weight_step})
    t_a2m, t_darts, t_weight = t["a2m"], t["darts"], t["weight"]
    ours, baseline = t_a2m + t_weight, t_darts + t_weight
    return {"name": "a2m_step", "baseline_kind": "a first-order DARTS step (what A²M adds to)", "ours_s": ours, "baseline_s": baseline, "target_ratio": round(1 / 2.75, 3),
            "a2m_over_darts": round(ours / baseline, 3), "arch_step_a2m_s": round(t_a2m, 4),
            "arch_step_darts_s": round(t_darts, 4), "weight_step_s": round(t_weight, 4),
            "arch_step_ratio": round(t_a2m / t_darts, 3), "threads": torch.get_num_threads(),
            "note": f"one bilevel search step (architecture step on a validation batch + SGD weight step on a "
                    f"training batch), NB201 mixed supernet C=16 N=5, {BATCH} CIFAR-10 JPEG images per batch; "
                    f"ours = A2M (rho = eps = 1e-2), baseline = first-order DARTS; the three parts (A2M arch step, "
                    f"DARTS arch step, weight step) timed in turn in one run, median of 3 rounds after a warm-up "
                    f"round, the weight step shared by both; ratio = DARTS/A2M (target "
                    f">= 1/2.75, i.e. A2M/DARTS <= 2.75x; 5 vs 2 forward-backward passes = 2.5x); a2m_over_darts "
                    f"= the A2M/DARTS ratio itself; arch_step_ratio = architecture steps alone (4 vs 1 "
                    f"gradients of alpha)"}


BENCHMARKS = [bench_a2m_step]
