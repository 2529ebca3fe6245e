"""The training loops of the cpu presets at this CPU's limit: precision, memory format, compilation (issue 25).

Each loop is the package's own code on a fixed set of mini-batches of 64 CIFAR-10 JPEG images, one torch
thread: the stand-alone NB201 network (:func:`~landscape.nn.train.train_network`, the heaviest cell, five 3×3
convolutions, C=8, N=1), the NB201 SPOS supernet step and the DARTS-space SPOS step
(:mod:`landscape.studies.supernet`, C=8, N=1 / C=8, 5 cells, a new uniformly sampled path each step), and the NB201
α-supernet (C=8, N=1) with a first-order DARTS and an A²M architecture step (:mod:`landscape.search.gradient`).

Variants, side by side in one run: eager fp32 (the baseline: how every loop ran before), channels-last,
bf16 autocast, their combination, ``torch.compile`` with and without them.  The α-supernet's baseline also runs
NB201's reference mixed cell (``TinyNetworkDarts``: every operation on every edge, ``none`` included), as the
package did before its cell began sharing parameter-free work between edges; the other variants run the
package's cell.  A SPOS path changes every step, so
compiling the whole step recompiles for every new path; there the compiled variant compiles the candidate
operations instead (one graph per operation type and shape, shared by every edge and path).

Each entry: images/s, the ratio to eager fp32 in the same run, the warm-up (first steps, compilation included),
and ``fraction_of_peak``: the step's FLOPs (counted by ``torch.utils.flop_counter`` on the eager fp32 step) per
second over this machine's peak on the same thread count, measured in the same run as a large matmul in the
variant's precision.  A last entry per loop compares 1 thread × 2 processes with 2 threads × 1 process.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import re
import time
import types
from collections.abc import Callable

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from landscape.bench.store import Store
from landscape.nn import create_network
from landscape.nn.darts_spos import DARTSSPOSSupernet
from landscape.nn.images import ImageData, batches, cifar10_jpeg
from landscape.nn.nb201_mixed import NB201MixedCell, NB201MixedSupernet
from landscape.nn.speed import prepare_network, speed_label, train_autocast
from landscape.nn.supernet import NB201Supernet
from landscape.nn.train import train_network
from landscape.spaces.nb201 import EDGES
from landscape.search import gradient
from landscape.studies import supernet
from landscape.search.a2m import darts_gradient
from landscape.studies.presets import DARTS_SPACE_PRESETS, SEARCH_PRESETS
from landscape.studies.darts import DARTS_PRESETS

BATCH = 64
HEAVIEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#: (precision, channels_last, compile) of every variant, the baseline first.
VARIANTS = (("fp32", False, False), ("fp32", True, False), ("bf16", False, False), ("bf16", True, False),
            ("fp32", False, True), ("fp32", True, True), ("bf16", True, True))
#: The α-supernet loops: the baseline runs NB201's reference cell; every other variant the package's cell.
ALPHA_VARIANTS = (("fp32-reference", False, False),) + VARIANTS
#: Steps timed per variant (after the warm-up steps), per loop.
STEPS = {"standalone": 24, "spos_nb201": 30, "spos_darts": 12, "darts_alpha": 10, "a2m_alpha": 5}
WARMUP_STEPS = 3
#: The issue's targets: images/s of the fastest variant over eager fp32.
TARGETS = {"standalone": 2.0, "spos_nb201": 1.4, "spos_darts": 1.4, "darts_alpha": 2.0, "a2m_alpha": 2.0}


def _images(n: int) -> ImageData:
    return cifar10_jpeg("train", n_per_class=-(-n // 10), random_state=0)


class _Loop:
    """One training loop: ``run(steps)`` does ``steps`` real steps of the package's code with one variant."""

    def __init__(self, name: str, variant: tuple[str, bool, bool]):
        self.name, (self.precision, self.channels_last, self.compile) = name, variant
        torch.manual_seed(0)
        self._setup()

    def _setup(self) -> None:
        raise NotImplementedError

    def run(self, steps: int) -> None:
        raise NotImplementedError


class _Standalone(_Loop):
    def _setup(self) -> None:
        self.net = create_network("nb201", HEAVIEST, c=8, n=1)
        self.data = _images(BATCH * max(STEPS["standalone"], WARMUP_STEPS))
        self.config = dataclasses.replace(SEARCH_PRESETS["cpu"].train_config(), precision=self.precision,
                                          channels_last=self.channels_last, compile=self.compile)

    def run(self, steps: int) -> None:
        data = ImageData(self.data.name, self.data.split, self.data.x[:steps * BATCH], self.data.y[:steps * BATCH],
                         self.data.classes, self.data.note, self.data.mean, self.data.std, self.data.crop_pad)
        train_network(self.net, data, dataclasses.replace(self.config, epochs=1, batch_size=BATCH), progress=False)


class _SPOS(_Loop):
    space = "nb201"

    def _setup(self) -> None:
        p = (SEARCH_PRESETS if self.space == "nb201" else DARTS_SPACE_PRESETS)["cpu"]
        self.p = dataclasses.replace(p, batch_size=BATCH, precision=self.precision, channels_last=self.channels_last)
        net = NB201Supernet(c=8, n=1) if self.space == "nb201" else DARTSSPOSSupernet(c=8, layers=p.layers)
        self.net = prepare_network(net, self.channels_last, compile=False)
        if self.compile:  # the ops, not the step: one compiled graph per operation type and shape
            for name, ops in list(self.net.named_modules()):
                if re.search(r"edges\.\d+(\.ops)?$", name) and isinstance(ops, nn.ModuleList):
                    for i, op in enumerate(ops):
                        if any(True for _ in op.parameters()):
                            ops[i] = torch.compile(op)
        self.opt = torch.optim.SGD(self.net.parameters(), lr=0.025, momentum=0.9, weight_decay=self.p.weight_decay)
        self.data, self.epoch = _images(BATCH * 40), 0

    def run(self, steps: int) -> None:
        data = ImageData(self.data.name, self.data.split, self.data.x[:steps * BATCH], self.data.y[:steps * BATCH],
                         self.data.classes, self.data.note, self.data.mean, self.data.std, self.data.crop_pad)
        supernet.train_epoch(self.net, self.space, data, self.opt, self.p, 0, self.epoch, steps, torch.device("cpu"))
        self.epoch += 1  # new paths every call


class _SPOSDarts(_SPOS):
    space = "darts"


def _reference_cell(self: NB201MixedCell, x: torch.Tensor, weights: torch.Tensor, aux: float = 0.0,
                    aux_source: str = "cell") -> torch.Tensor:
    """NB201's ``TinyNetworkDarts`` cell as published: every operation on every edge, ``none`` included (plain
    first-order DARTS: no auxiliary skip)."""
    assert aux == 0.0
    nodes = [x]
    for j in range(1, 4):
        nodes.append(sum(sum(w * op(nodes[src]) for w, op in zip(weights[e], self.edges[e]))
                         for e, (dst, src) in enumerate(EDGES) if dst == j))
    return nodes[3]


class _Alpha(_Loop):
    method = "darts"

    def _setup(self) -> None:
        reference = self.precision == "fp32-reference"
        self.precision = "fp32" if reference else self.precision
        self.p = dataclasses.replace(DARTS_PRESETS["cpu"], precision=self.precision,
                                     channels_last=self.channels_last, compile=self.compile)
        self.net = NB201MixedSupernet(c=8, n=1).train()
        if reference:
            for cell in self.net.cells:
                if isinstance(cell, NB201MixedCell):
                    cell.forward = types.MethodType(_reference_cell, cell)
        self.step = prepare_network(self.net, self.channels_last, self.compile)
        self.w_opt = torch.optim.SGD(self.net.weight_parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
        self.a_opt = torch.optim.Adam(self.net.arch_parameters(), lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
        data = _images(BATCH * 10)
        self.pairs = list(zip(batches(data, BATCH, shuffle=True, random_state=0),
                              batches(data, BATCH, shuffle=True, random_state=1)))

    def run(self, steps: int) -> None:
        pairs = [self.pairs[i % len(self.pairs)] for i in range(steps)]
        config = self.p.bilevel()
        state = gradient.SearchState(self.net, self.step, self.method, config, self.w_opt, self.a_opt,
                                     gradient.epoch_schedule(config, 0))
        gradient.search_epoch(state, pairs)


class _A2M(_Alpha):
    method = "a2m"


LOOPS: dict[str, type[_Loop]] = {"standalone": _Standalone, "spos_nb201": _SPOS, "spos_darts": _SPOSDarts,
                                 "darts_alpha": _Alpha, "a2m_alpha": _A2M}
LOOP_TEXT = {"standalone": "stand-alone NB201 network (train_network; heaviest cell, C=8, N=1)",
             "spos_nb201": "NB201 SPOS supernet step (C=8, N=1, a new path each step)",
             "spos_darts": "DARTS-space SPOS supernet step (C=8, 5 cells, a new path each step)",
             "darts_alpha": "NB201 alpha-supernet, first-order DARTS step (C=8, N=1)",
             "a2m_alpha": "NB201 alpha-supernet, A2M step (C=8, N=1)"}


#: Forward passes per α-supernet step, counted as FLOPs: an architecture gradient is a forward and a backward to the
#: inputs only (2 forwards), the weight step a forward and a backward to inputs and weights (3); DARTS takes one
#: architecture gradient, A²M four.
ALPHA_FORWARDS = {"darts_alpha": 2 + 3, "a2m_alpha": 4 * 2 + 3}


def step_flops(name: str) -> int:
    """FLOPs of one eager fp32 step of loop ``name`` (``torch.utils.flop_counter``: convolutions and matmuls).

    The α-supernet steps take gradients with ``torch.autograd.grad``, which the counter's module hooks do not
    follow: their forward pass is counted and multiplied by :data:`ALPHA_FORWARDS`.
    """
    loop = LOOPS[name](name, ("fp32", False, False))
    with FlopCounterMode(display=False) as counter:
        if name in ALPHA_FORWARDS:
            with torch.no_grad():
                loop.net(loop.pairs[0][0][0])
        else:
            loop.run(1)
    return int(counter.get_total_flops()) * ALPHA_FORWARDS.get(name, 1)


def peak_flops(precision: str, size: int = 2048, repeat: int = 5) -> float:
    """FLOP/s of a ``size``² matmul in ``precision`` on the current torch thread count (the machine's peak)."""
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    a, b = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
    a @ b
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t)
    return 2 * size**3 / min(times)


def measure(name: str, variant: tuple[str, bool, bool]) -> dict:
    """Warm-up seconds (first :data:`WARMUP_STEPS` steps, compilation included) and seconds per step after it."""
    t0 = time.perf_counter()
    loop = LOOPS[name](name, variant)
    loop.run(WARMUP_STEPS)
    warmup = time.perf_counter() - t0
    steps = STEPS[name]
    times = []
    for _ in range(2):
        t = time.perf_counter()
        loop.run(steps // 2)
        times.append((time.perf_counter() - t) / (steps // 2))
    return {"warmup_s": warmup, "step_s": min(times)}


def _process_rate(name: str, variant: tuple[str, bool, bool], threads: int, queue) -> None:
    torch.set_num_threads(threads)
    try:
        queue.put(measure(name, variant)["step_s"])
    except BaseException as exc:  # the parent must never wait for a rate that will not come
        queue.put(exc)
        raise


def _rate(queue) -> float:
    step_s = queue.get(timeout=3600)
    if isinstance(step_s, BaseException):
        raise RuntimeError(f"a measuring process failed: {step_s!r}") from step_s
    return BATCH / step_s


def parallel_rates(name: str, variant: tuple[str, bool, bool]) -> dict:
    """Images/s of the whole machine: 1 thread × 2 processes (together) against 2 threads × 1 process."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_process_rate, args=(name, variant, 1, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    two_procs = sum(_rate(queue) for _ in procs)
    for p in procs:
        p.join()
    proc = ctx.Process(target=_process_rate, args=(name, variant, 2, queue))
    proc.start()
    two_threads = _rate(queue)
    proc.join()
    return {"images_per_s_1thread_x2proc": two_procs, "images_per_s_2threads_x1proc": two_threads}


#: The variant each loop adopts (its presets' settings): the fastest that keeps the science; ``None``: the fastest.
ADOPTED = {"standalone": ("bf16", True, False), "spos_nb201": ("fp32", True, False),
           "spos_darts": ("fp32", True, False), "darts_alpha": ("fp32", True, False),
           "a2m_alpha": ("fp32", True, False)}
_WHY = {"standalone": "bf16 + channels-last: compiling pays only on runs much longer than its warm-up (each cell is "
                      "its own graph)",
        "spos_nb201": "fp32 + channels-last at C=8 (bf16 gains little there; the C=16, N=5 rung takes bf16)",
        "spos_darts": "fp32 + channels-last",
        "darts_alpha": "fp32 + channels-last, as A2M (a paired comparison computes both alike)",
        "a2m_alpha": "fp32 + channels-last: A2M's Hessian term is lost in bf16 (docs/fidelity.md)"}


def _entry(name: str, v: tuple[str, bool, bool], t: dict, base: float, flops: int, peak: float) -> dict:
    reference = v == ALPHA_VARIANTS[0]
    return {
        "name": f"train_{name}_" + speed_label(*v).replace(" + ", "_").replace("-", "_"),
        "ours_s": t["step_s"], "baseline_s": base,
        "baseline_kind": "the same loop, eager fp32 in the default memory format (how every loop ran before"
                         + ("; NB201's reference mixed cell)" if "alpha" in name else ")"),
        "target_ratio": TARGETS[name] if v == ADOPTED[name] else None,
        "images_per_s": round(BATCH / t["step_s"], 2), "baseline_images_per_s": round(BATCH / base, 2),
        "warmup_s": round(t["warmup_s"], 2), "step_gflops": round(flops / 1e9, 4), "peak_gflops": round(peak / 1e9, 2),
        "fraction_of_peak": round(flops / t["step_s"] / peak, 4), "threads": 1, "batch": BATCH,
        "note": f"{LOOP_TEXT[name]}, "
                + ("fp32, NB201's reference cell (every op on every edge)" if reference else speed_label(*v))
                + ("; compiled ops, not the step (the path changes every step)" if v[2] and "spos" in name else "")
                + (f"; adopted: {_WHY[name]}" if v == ADOPTED[name] else ""),
    }


def a2m_hessian_bf16_cosine(steps: int = 20) -> dict:
    """Cosines between fp32 and bf16 of A²M's direction and of its Hessian term h alone, on one validation batch of
    the α-supernet (C=8, N=1) after ``steps`` weight steps: why A²M stays fp32."""
    torch.manual_seed(0)
    net = NB201MixedSupernet(c=8, n=1).train()
    x, y = next(batches(_images(BATCH), BATCH))
    opt = torch.optim.SGD(net.weight_parameters(), lr=0.025, momentum=0.9)
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    out = {}
    for precision in ("fp32", "bf16"):
        def loss(a, precision=precision):
            with train_autocast(precision, "cpu"):
                return nn.functional.cross_entropy(net(x, a), y)
        alpha = net.alphas.detach()
        g = darts_gradient(loss, [alpha])[0]
        tilde = alpha + 1e-2 * g
        g_tilde = darts_gradient(loss, [tilde])[0]
        h = (darts_gradient(loss, [tilde + 1e-2 * g_tilde])[0] - darts_gradient(loss, [tilde - 1e-2 * g_tilde])[0]) / 2e-2
        out[precision] = (g_tilde + 1e-2 * h, h)
    cos = [float(nn.functional.cosine_similarity(a.flatten(), b.flatten(), dim=0))
           for a, b in zip(out["fp32"], out["bf16"])]
    return {"direction_cosine": round(cos[0], 4), "hessian_term_cosine": round(cos[1], 4)}


def bench_training(name: str) -> list[dict]:
    """Every variant of loop ``name`` side by side, then the adopted one on 2 processes and on 2 threads."""
    variants = ALPHA_VARIANTS if "alpha" in name else VARIANTS
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        flops = step_flops(name)
        peaks = {p: peak_flops(p) for p in ("fp32", "bf16")}
        timings = {v: measure(name, v) for v in variants}
    finally:
        torch.set_num_threads(threads)
    base = timings[variants[0]]["step_s"]
    entries = [_entry(name, v, t, base, flops, peaks[v[0].split("-")[0]]) for v, t in timings.items()]
    if name == "a2m_alpha":
        cosines = a2m_hessian_bf16_cosine()
        for e in entries:
            if "bf16" in e["name"]:
                e.update(cosines)
                e["note"] += (f"; not adopted: fp32 vs bf16 cosine of the A2M direction {cosines['direction_cosine']}, "
                              f"of its Hessian term {cosines['hessian_term_cosine']}")
    rates = parallel_rates(name, ADOPTED[name])
    entries.append({
        "name": f"train_{name}_processes_vs_threads", "ours_s": 1 / rates["images_per_s_1thread_x2proc"],
        "baseline_s": 1 / rates["images_per_s_2threads_x1proc"], "target_ratio": None,
        "baseline_kind": "one process on 2 torch threads", **{k: round(v, 2) for k, v in rates.items()},
        "note": f"{LOOP_TEXT[name]}, {speed_label(*ADOPTED[name])}: seconds per image of the whole machine, 1 thread "
                f"x 2 processes (ours, as the sweeps run) against 2 threads x 1 process"})
    return entries


def _entries(name: str) -> Callable[[Store], list[dict]]:
    def run(store: Store) -> list[dict]:
        return bench_training(name)
    run.__name__ = f"bench_training_{name}"
    return run


BENCHMARKS = [_entries(name) for name in LOOPS]
