"""GeNAS flatness: ours vs the published procedure, and vs the plain forward passes it cannot avoid.

Baseline: the published procedure (GeNAS ``evolution_search/metrics/tester_wlm.py`` as
``../shared/papers/NOTES.md`` describes it), written plainly: per chain, deep-copy the trained
network, add N(0, σ_1) to every parameter in place, then N(0, σ_i − σ_{i−1}) on top, and after
each level take the mean of the per-batch mean losses in eval mode; one copy at a time.
Ours: :func:`landscape.flatness.flatness` in ``faithful`` mode on the same copies (same unit
normals, so the same losses, checked before timing).  All contenders run in turn within each
round, so a busy machine slows them alike; medians over the rounds.

``forward_fraction`` = the time of the same number of plain forward passes of the clean network
over the same batches (the faster of one pass per copy and one batched pass) / our time.  The
work is those forward passes, so this is the limit an implementation can approach;
``forward_fraction_channels_last`` measures the same against plain passes in channels-last
memory format, which ours uses on CPU (oneDNN's convolutions are faster so).
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from common import timed
from torch import nn

from landscape.bench.store import Store
from landscape.flatness import flatness
from landscape.flatness.proxies import GENAS_SIGMAS
from landscape.nn.images import batches, cifar10_jpeg
from landscape.nn.nb201 import NB201Cell, NB201Network

#: The best CIFAR-10 cell of NB201 (94.37% at 200 epochs): five 3×3 convolutions.
ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
N_DRAWS = 8


def _setup(device: str, batch_size: int):
    torch.manual_seed(0)
    net = NB201Network(lambda c: NB201Cell(ARCH, c), c=16, n=5, num_classes=10).to(device).eval()
    data = cifar10_jpeg("valid", n_per_class=batch_size // 10, random_state=0)
    x, y = next(batches(data, batch_size, device=device))
    return net, [(x, y)]


def published_procedure(net: nn.Module, data, sigmas, n_draws: int, seed: int) -> np.ndarray:
    """The published residual-noise procedure, one deep copy per chain (see the module docstring)."""
    device = next(net.parameters()).device
    g = torch.Generator(device=device).manual_seed(seed)
    noise = {n: torch.randn((n_draws, len(sigmas), *p.shape), generator=g, device=device)
             for n, p in net.named_parameters()}
    losses = np.zeros((n_draws, len(sigmas)))
    with torch.no_grad():
        for k in range(n_draws):
            work = copy.deepcopy(net).eval()
            params = dict(work.named_parameters())
            previous = 0.0
            for i, s in enumerate(sigmas):
                for n, p in params.items():
                    p.add_((s - previous) * noise[n][k, i])
                previous = s
                losses[k, i] = np.mean([nn.functional.cross_entropy(work(x), y).item() for x, y in data])
    return losses


def _plain_forwards(net: nn.Module, data, copies: int, sync, channels_last: bool) -> dict:
    """``copies`` plain forward passes of ``net`` over ``data``, one pass per copy and one batched pass."""
    if channels_last:
        net = copy.deepcopy(net).to(memory_format=torch.channels_last)
        data = [(x.contiguous(memory_format=torch.channels_last), y) for x, y in data]
    big = [(x.repeat(copies, 1, 1, 1), y) for x, y in data]

    def per_copy():
        with torch.inference_mode():
            for _ in range(copies):
                for x, _ in data:
                    net(x)
        sync()

    def batched():
        with torch.inference_mode():
            for x, _ in big:
                net(x)
        sync()

    return {"per_copy": per_copy, "batched": batched}


def _compare(device: str, batch_size: int, repeat: int, strategy: str) -> dict:
    """Every contender timed in turn in each of ``repeat`` rounds (after a warm-up round); medians."""
    net, data = _setup(device, batch_size)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    copies = len(GENAS_SIGMAS) * N_DRAWS

    def ours():
        out = flatness(net, data, n_draws=N_DRAWS, random_state=0, strategy=strategy).draw_losses
        sync()
        return out

    def base():
        out = published_procedure(net, data, GENAS_SIGMAS, N_DRAWS, 0)
        sync()
        return out

    np.testing.assert_allclose(ours(), base(), atol=1e-4)
    fwd = _plain_forwards(net, data, copies, sync, channels_last=False)
    fwd_cl = _plain_forwards(net, data, copies, sync, channels_last=True)
    contenders = {"ours": ours, "base": base, **{f"fwd_{k}": f for k, f in fwd.items()},
                  **{f"fwd_cl_{k}": f for k, f in fwd_cl.items()}}
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(repeat):
        for name, fn in contenders.items():
            times[name].append(timed(fn, repeat=1, warmup=0)[1])
    med = {k: float(np.median(v)) for k, v in times.items()}
    t_ours, t_base = med["ours"], med["base"]
    t_fwd = min(med["fwd_per_copy"], med["fwd_batched"])
    t_fwd_cl = min(med["fwd_cl_per_copy"], med["fwd_cl_batched"])
    return {"ours_s": t_ours, "baseline_s": t_base, "forward_s": round(t_fwd, 4),
            "forward_channels_last_s": round(t_fwd_cl, 4), "forward_fraction": round(t_fwd / t_ours, 3),
            "forward_fraction_channels_last": round(t_fwd_cl / t_ours, 3),
            "channels_last_speedup": round(t_fwd / t_fwd_cl, 3), "copies": copies}


def bench_flatness_cpu(store: Store) -> dict:
    """CPU: faithful flatness vs the published procedure (NB201 C=16 N=5, 64 CIFAR-10 images)."""
    r = _compare("cpu", 64, repeat=5, strategy="loop")
    return {"name": "flatness_cpu", "baseline_kind": "the published GeNAS procedure (deep copy per chain, noise in place)", **r, "target_ratio": 1.1, "target_forward_fraction": 0.9,
            "threads": torch.get_num_threads(),
            "note": f"faithful flatness, 3 sigmas x {N_DRAWS} chains = {r['copies']} copies (no clean copy), NB201 "
                    f"C=16 N=5 (best CIFAR-10 cell), one batch of 64 CIFAR-10 JPEG images; ours = strategy 'loop' "
                    f"('auto' on CPU: copies one by one in channels-last format); baseline = the published procedure "
                    f"(deep copy per chain, residual noise in place, default memory format); same losses to 1e-4. "
                    f"forward_fraction = {r['copies']} plain forward passes of the clean network (default format; "
                    f"faster of per-copy and one batched pass) / ours; forward_fraction_channels_last = the same "
                    f"passes in channels-last format / ours; channels_last_speedup = how much faster the plain "
                    f"passes run in channels-last format (why ours uses it on CPU). torch.inference_mode instead of "
                    f"no_grad gained about 3% on a plain pass in a side test (not used: ours runs functional_call "
                    f"under no_grad); torch.compile was not tried (its compile time alone exceeds this whole run)"}


def bench_flatness_gpu(store: Store) -> dict | None:
    """GPU: vmap-batched copies vs the published procedure, and the share of plain forward throughput reached."""
    if not torch.cuda.is_available():
        return None
    r = _compare("cuda", 256, repeat=5, strategy="vmap")
    return {"name": "flatness_gpu", "baseline_kind": "the published GeNAS procedure (deep copy per chain, noise in place)", **r, "target_ratio": 4.0, "target_forward_fraction": 0.6,
            "device": torch.cuda.get_device_name(),
            "note": f"faithful flatness, 3 sigmas x {N_DRAWS} chains = {r['copies']} copies, NB201 C=16 N=5, one "
                    f"batch of 256 CIFAR-10 JPEG images; ours = strategy 'vmap' ('auto' on CUDA); baseline = the "
                    f"published procedure; forward_fraction = plain forward passes over the same images / ours "
                    f"(target >= 0.6); same losses to 1e-4"}


BENCHMARKS = [bench_flatness_cpu, bench_flatness_gpu]
