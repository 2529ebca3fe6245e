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

    The seed fixes the data subsets, the initial weights, the batch order and the flatness noise; torch runs on
    one thread, so the result is the same on every CPU run.

    Parameters
    ----------
    task : mapping of str
        ``arch`` (required: an NB201 string or 6 op codes), ``seed`` (a non-negative int, default 0), an
        optional ``key`` (ignored here) and any of :data:`~landscape.backend.options.TASK_DEFAULTS`, the
        defaults of the others: ``dataset`` (``"digits"`` or ``"cifar10-jpeg"``), network width ``c`` and
        cells per stage ``n``, images per class ``train_per_class`` and ``valid_per_class``, ``epochs``,
        ``batch_size``, flatness noise draws ``n_draws`` (all ints >= 1) and ``device`` (``"auto"``: CUDA if
        available, else CPU).

    Returns
    -------
    dict
        ``arch`` (official string), ``seed``, ``train_loss`` (the last epoch's mean) and the columns of
        :func:`~landscape.flatness.study.proxy_scores`: ``valid_loss``, ``valid_accuracy`` (a fraction), ``angle``,
        ``angle_exact``, ``flatness_faithful``, ``flatness_exact``, ``angle_flatness``, ``accuracy_flatness``.

    Raises
    ------
    ValueError
        For an unknown field, no ``arch``, a malformed architecture, a setting that is not an int >= 1, an
        unknown ``dataset`` or ``device``, or a seed that is not a non-negative int.

    Examples
    --------
    >>> arch = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|"
    >>> tiny = {"epochs": 1, "c": 4, "train_per_class": 5, "valid_per_class": 5, "device": "cpu"}
    >>> result = evaluate_architecture({"arch": arch, "seed": 0, **tiny})
    >>> list(result)
    ['arch', 'seed', 'train_loss', 'valid_loss', 'valid_accuracy', 'angle', 'angle_exact', 'flatness_faithful',
     'flatness_exact', 'angle_flatness', 'accuracy_flatness']
    >>> evaluate_architecture({"arch": [0, 1, 2, 3, 4, 0], **tiny})["arch"]
    '|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|'
    >>> evaluate_architecture({"arch": arch, "epoch": 1})
    Traceback (most recent call last):
    ValueError: unknown task field(s) ['epoch']; allowed: key, arch, seed, dataset, c, n, ...
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
    """One :func:`evaluate_architecture` task per (architecture, seed), keyed ``"<arch>@seed=<s>/<settings hash>"``.

    The settings are checked here, before a sweep's folder exists; the hash (8 hex digits of the settings with
    their defaults filled in) keeps runs at other settings apart in one results table.

    Parameters
    ----------
    archs : iterable of str or sequence of int
        NB201 architectures, as strings or 6 op codes; tasks carry the official string.
    seeds : iterable of int, default (0,)
        Seeds of each architecture (checked when a task runs).
    **settings
        Any of :data:`~landscape.backend.options.TASK_DEFAULTS` (``dataset``, ``c``, ``n``, ``train_per_class``,
        ``valid_per_class``, ``epochs``, ``batch_size``, ``n_draws``, ``device``), copied into every task.

    Returns
    -------
    list of dict
        ``{"key", "arch", "seed", **settings}`` per (architecture, seed), architectures outer, seeds inner.

    Raises
    ------
    ValueError
        For an unknown setting, a count that is not an int >= 1, an unknown ``dataset``, or a malformed
        architecture.

    Examples
    --------
    >>> tasks = architecture_tasks([[0, 1, 2, 3, 4, 0]], seeds=[0, 1], epochs=1)
    >>> [task["key"] for task in tasks]
    ['|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|@seed=0/fad7dc17',
     '|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|@seed=1/fad7dc17']
    >>> {k: v for k, v in tasks[1].items() if k != "key"}
    {'arch': '|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|', 'seed': 1,
     'epochs': 1}
    >>> architecture_tasks(["|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"], epochs=0)
    Traceback (most recent call last):
    ValueError: setting 'epochs' must be an integer >= 1, got 0
    """
    unknown = set(settings) - set(TASK_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {', '.join(TASK_DEFAULTS)}")
    for name in _POSITIVE:  # checked here, before a sweep's folder exists, not only when a task runs
        check_int({**TASK_DEFAULTS, **settings}[name], f"setting {name!r}", 1)
    check_choice({**TASK_DEFAULTS, **settings}["dataset"], "setting 'dataset'", tuple(TASK_DATASETS))
    tag = config_hash({**TASK_DEFAULTS, **settings})[:8]
    strings = [format_arch(arch_codes(a)) for a in archs]
    return [{"key": f"{a}@seed={s}/{tag}", "arch": a, "seed": s, **settings} for a in strings for s in seeds]
