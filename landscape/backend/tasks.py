"""A real sweep task: train one NB201 network briefly on a tiny data subset and score it by every proxy.

>>> arch = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|"
>>> tasks = architecture_tasks([arch], seeds=[0, 1])
>>> len(tasks)
2
>>> frame = run_sweep(evaluate_architecture, tasks, RunStore("runs/proxies", {"sweep": "proxies"}))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import torch

from ..flatness.study import proxy_scores
from ..nn.device import resolve_device
from ..nn.images import batches, cifar10_jpeg, digits
from ..nn.train import TrainConfig, train_cell
from ..runs import config_hash
from ..spaces.nb201 import arch_codes, format_arch
from ..validation import check_choice, check_int, check_seed
from .options import TASK_DATASET_NAMES, TASK_DEFAULTS

__all__ = ["TASK_DATASETS", "evaluate_architecture", "architecture_tasks"]

#: Data of a task: ``(loader, channels)`` per :data:`~landscape.backend.options.TASK_DATASET_NAMES`; both are
#: class-balanced seeded subsets.
TASK_DATASETS = dict(zip(TASK_DATASET_NAMES, [(digits, 1), (cifar10_jpeg, 3)]))
_POSITIVE = ("c", "n", "train_per_class", "valid_per_class", "epochs", "batch_size", "n_draws")


def _settings(task: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(task) - set(TASK_DEFAULTS) - {"key", "arch", "seed"}
    if unknown:
        raise ValueError(f"unknown task field(s) {sorted(unknown)}; allowed: key, arch, seed, "
                         f"{', '.join(TASK_DEFAULTS)}")
    if "arch" not in task:
        raise ValueError(f"task {dict(task)!r:.200} has no 'arch'")
    s = {**TASK_DEFAULTS, **{k: v for k, v in task.items() if k in TASK_DEFAULTS}}
    for name in _POSITIVE:
        check_int(s[name], f"task field {name!r}", 1)
    check_choice(s["dataset"], "task field 'dataset'", tuple(TASK_DATASETS))
    s["seed"] = check_seed(task.get("seed", 0), "task field 'seed'")
    s["device"] = str(resolve_device(s["device"]))
    return s


def evaluate_architecture(task: Mapping[str, Any]) -> dict[str, Any]:
    """Train ``task["arch"]`` (NB201 string or codes) with ``task["seed"]`` and return every GeNAS proxy.

    Other fields (defaults :data:`TASK_DEFAULTS`): ``dataset`` (``"digits"`` or ``"cifar10-jpeg"``),
    network width ``c`` and depth ``n``, images per class for training and validation, ``epochs``,
    ``batch_size``, flatness draws ``n_draws`` and ``device``.  The seed fixes the data subsets, the
    initial weights, the batch order and the flatness noise; torch runs on one thread, so the result
    is the same on every CPU run.  Returns ``arch``, ``seed``, ``train_loss`` and the proxy columns.
    """
    s = _settings(task)
    arch = format_arch(arch_codes(task["arch"]))
    load, channels = TASK_DATASETS[s["dataset"]]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train = load("train", n_per_class=s["train_per_class"], random_state=s["seed"])
        valid = list(batches(load("valid", n_per_class=s["valid_per_class"], random_state=s["seed"]), 500,
                             device=s["device"]))
        net, initial, history = train_cell("nb201", arch, train, TrainConfig(epochs=s["epochs"], batch_size=s["batch_size"]),
                                           seed=s["seed"], device=s["device"], c=s["c"], n=s["n"],
                                           num_classes=train.classes, in_channels=channels)
        scores = proxy_scores(net, {k: initial[k] for k, _ in net.named_parameters()}, valid, n_draws=s["n_draws"],
                              random_state=s["seed"])
    finally:
        torch.set_num_threads(threads)
    return {"arch": arch, "seed": s["seed"], "train_loss": history[-1], **scores}


def architecture_tasks(archs: Iterable[str | Sequence[int]], seeds: Iterable[int] = (0,),
                       **settings: Any) -> list[dict]:
    """One :func:`evaluate_architecture` task per (architecture, seed), keyed ``"<arch>@seed=<s>/<settings hash>"``."""
    unknown = set(settings) - set(TASK_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {', '.join(TASK_DEFAULTS)}")
    for name in _POSITIVE:  # checked here, before a sweep's folder exists, not only when a task runs
        check_int({**TASK_DEFAULTS, **settings}[name], f"setting {name!r}", 1)
    check_choice({**TASK_DEFAULTS, **settings}["dataset"], "setting 'dataset'", tuple(TASK_DATASETS))
    tag = config_hash({**TASK_DEFAULTS, **settings})[:8]
    strings = [format_arch(arch_codes(a)) for a in archs]
    return [{"key": f"{a}@seed={s}/{tag}", "arch": a, "seed": s, **settings} for a in strings for s in seeds]
