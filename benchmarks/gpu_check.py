"""The CUDA paths, checked against the CPU on the same inputs, with timings: run it the first time a GPU is lent.

    python benchmarks/gpu_check.py [--device cuda] [--out benchmarks/gpu_check.json]

Needs only the package and torch (no data files: the inputs are seeded random images, so the working tree is all
that travels to the device machine).  Four checks, each timed on the device and compared with the CPU:

1. flatness (GeNAS Eq. 3-4): the same perturbed copies of an NB201 C=16, N=5 network evaluated by the ``vmap``
   path and by the copy-by-copy loop on the device, and by the loop on the CPU;
2. one SPOS supernet step at the ``paper`` preset's size (NB201, C=16, N=5, batch 64, one path);
3. one first-order DARTS and 4. one A²M architecture direction on the NB201 α-supernet (C=16, N=5, batch 64).

Each check records its device seconds (median of repeats after a warm-up), CPU seconds and the largest relative
difference of its outputs; ``ok`` when that is within the tolerance (float32 kernels differ between devices).
``--device cpu`` runs the same code on the CPU against itself, as a quick test of the script.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from landscape.flatness.losses import as_batches, stacked_losses  # noqa: E402
from landscape.flatness.perturb import gaussian_stack  # noqa: E402
from landscape.flatness.proxies import GENAS_SIGMAS  # noqa: E402
from landscape.nn import create_network  # noqa: E402
from landscape.nn.nb201_mixed import NB201MixedSupernet  # noqa: E402
from landscape.nn.supernet import NB201Supernet  # noqa: E402
from landscape.search.a2m import a2m_gradient, darts_gradient  # noqa: E402

ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#: Largest relative difference accepted between devices (float32 convolutions, different kernels).
TOLERANCE = {"flatness_vmap_vs_loop": 1e-4, "flatness_device_vs_cpu": 1e-3, "spos_step": 1e-3,
             "darts_direction": 1e-2, "a2m_direction": 1e-2}


def _timed(fn: Callable[[], object], device: torch.device, repeat: int) -> tuple[object, float]:
    result = fn()  # warm-up (cuDNN autotuning, allocator)
    times = []
    for _ in range(repeat):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        result = fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return result, statistics.median(times)


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.detach().double().cpu(), b.detach().double().cpu()
    return float((a - b).norm() / b.norm().clamp_min(1e-12))


def _images(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, 32, 32, generator=g), torch.randint(0, 10, (n,), generator=g)


def check_flatness(device: torch.device, repeat: int, small: bool) -> list[dict]:
    torch.manual_seed(0)
    c, n, images, draws = (4, 1, 32, 2) if small else (16, 5, 512, 8)
    net = create_network("nb201", ARCH, c=c, n=n).eval()
    data = as_batches([_images(images, 1)], "cpu")
    stack = gaussian_stack(dict(net.named_parameters()), GENAS_SIGMAS, draws, "faithful", torch.Generator().manual_seed(0))
    cpu, cpu_s = _timed(lambda: stacked_losses(net, stack, data, strategy="loop")[0], torch.device("cpu"), 1)
    dev_net = copy.deepcopy(net).to(device)
    dev_stack = {k: v.to(device) for k, v in stack.items()}
    dev_data = as_batches(data.pairs, device)
    vmap, vmap_s = _timed(lambda: stacked_losses(dev_net, dev_stack, dev_data, strategy="vmap")[0], device, repeat)
    loop, loop_s = _timed(lambda: stacked_losses(dev_net, dev_stack, dev_data, strategy="loop")[0], device, repeat)
    what = f"{draws * 3} perturbed copies of NB201 C={c}, N={n} on {images} images"
    return [{"check": "flatness_vmap_vs_loop", "device_s": vmap_s, "device_loop_s": loop_s, "cpu_s": cpu_s,
             "rel_difference": _rel(vmap, loop), "note": f"{what}: vmap against the loop, both on {device}"},
            {"check": "flatness_device_vs_cpu", "device_s": vmap_s, "cpu_s": cpu_s, "rel_difference": _rel(vmap, cpu),
             "note": f"{what}: {device} vmap against the CPU loop"}]


def _spos_step(net: NB201Supernet, x, y, path) -> torch.Tensor:
    opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=5e-4)
    loss = F.cross_entropy(net(x, path), y)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
    opt.step()
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def check_spos(device: torch.device, repeat: int, small: bool) -> list[dict]:
    torch.manual_seed(0)
    c, n = (4, 1) if small else (16, 5)
    base = NB201Supernet(c=c, n=n).train()
    x, y = _images(64, 2)
    path = (3, 2, 1, 4, 3, 0)
    cpu, cpu_s = _timed(lambda: _spos_step(copy.deepcopy(base), x, y, path), torch.device("cpu"), 1)
    dev_base, xd, yd = copy.deepcopy(base).to(device), x.to(device), y.to(device)
    dev, dev_s = _timed(lambda: _spos_step(copy.deepcopy(dev_base), xd, yd, path), device, repeat)
    return [{"check": "spos_step", "device_s": dev_s, "cpu_s": cpu_s, "rel_difference": _rel(dev, cpu),
             "note": f"one SPOS step, NB201 supernet C={c}, N={n}, batch 64: the updated weights, {device} vs CPU"}]


def check_alpha(device: torch.device, repeat: int, small: bool) -> list[dict]:
    torch.manual_seed(0)
    c, n = (4, 1) if small else (16, 5)
    net = NB201MixedSupernet(c=c, n=n).train()
    with torch.no_grad():
        net.alphas.normal_(0, 0.1)
    x, y = _images(64, 3)
    rows = []
    for name, gradient in (("darts_direction", darts_gradient), ("a2m_direction", a2m_gradient)):
        def direction(model=net, xs=x, ys=y) -> torch.Tensor:
            return gradient(lambda a: F.cross_entropy(model(xs, a), ys), model.arch_parameters())[0]

        cpu, cpu_s = _timed(direction, torch.device("cpu"), 1)
        dev_net = copy.deepcopy(net).to(device)
        xd, yd = x.to(device), y.to(device)
        dev, dev_s = _timed(lambda: direction(dev_net, xd, yd), device, repeat)
        rows.append({"check": name, "device_s": dev_s, "cpu_s": cpu_s, "rel_difference": _rel(dev, cpu),
                     "note": f"{name.split('_')[0]} architecture direction, NB201 alpha-supernet C={c}, N={n}, "
                             f"batch 64 (train-mode BN), {device} vs CPU"})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda", help="the device to check (default cuda)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("gpu_check.json"))
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats per check after a warm-up")
    parser.add_argument("--small", action="store_true", help="tiny networks (a quick test of the script)")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("gpu_check: CUDA is not available on this machine; nothing checked, nothing written", file=sys.stderr)
        return 2
    torch.backends.cudnn.benchmark = False
    rows = []
    for check in (check_flatness, check_spos, check_alpha):
        for row in check(device, args.repeat, args.small):
            row["ok"] = row["rel_difference"] <= TOLERANCE[row["check"]]
            row["tolerance"] = TOLERANCE[row["check"]]
            rows.append(row)
            print(f"{row['check']:<24} {device}: {row['device_s']:.4f} s  cpu {row['cpu_s']:.4f} s  "
                  f"rel diff {row['rel_difference']:.2e}  {'ok' if row['ok'] else 'MISMATCH'}", flush=True)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    report = {"device": str(device), "device_name": name, "torch": torch.__version__, "small": args.small,
              "machine": f"{platform.machine()}, Python {platform.python_version()}", "checks": rows}
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
