"""A²M where DARTS fails: first-order DARTS long enough to collapse, and A²M against it and inside other methods.

A²M's NB201 headline is a rescue: first-order DARTS collapses (NB201/NATS report the all-skip cell, 54.30% on
CIFAR-10, in 3 of 3 seeds) and A²M (ρ = 1e-2) finds 92.39 ± 0.59.  The ``cpu`` DARTS preset (200 steps on
640 + 640 images) never leaves the initial α.  This study runs the published settings on the two 25,000-image
JPEG halves (391 steps per epoch) at C = 8, N = 1, logs the argmax genotype every 50 steps under both
derivations (NB201's over all five operations, DARTS's without ``none``), and compares methods with and without
A²M, paired by seed.

Each (variant, A²M on/off, seed) is a task of one resumable sweep (:func:`run_collapse`); each run is a
:func:`~landscape.search.darts.run_darts` folder ``<out>/<variant>-<method>-seed<seed>``, checkpointed every
epoch, so ``backend="ray"`` runs the study at the paper's scale on a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import torch

from ..runs import RunStore, config_hash
from ..search.gradient import METHODS, VARIANTS
from ..validation import check_choice, check_int, check_seed
from .darts import DartsPreset, preset_config, run_darts

__all__ = ["CollapsePreset", "COLLAPSE_PRESETS", "get_collapse", "collapse_tasks", "collapse_task", "run_collapse",
           "run_folder"]


@dataclass(frozen=True)
class CollapsePreset:
    """The study's scale: the search settings every run shares (``search``), and which runs to make, in order of
    priority: ``groups`` of ``(variant, seeds)``, each run with and without A²M."""

    name: str
    search: DartsPreset
    groups: tuple[tuple[str, tuple[int, ...]], ...]
    note: str

    def __post_init__(self) -> None:
        for variant, seeds in self.groups:
            check_choice(variant, "variant", VARIANTS)
            for s in seeds:
                check_seed(s)

    def runs(self) -> list[tuple[str, str, int]]:
        """Every ``(variant, method, seed)``, in priority order (the first group's DARTS and A²M seeds first)."""
        return [(v, m, s) for v, seeds in self.groups for s in seeds for m in METHODS]

    def preset(self, variant: str) -> DartsPreset:
        """The search settings of ``variant``."""
        return replace(self.search, name=f"collapse-{self.name}", variant=check_choice(variant, "variant", VARIANTS))


_CPU_SEARCH = DartsPreset("collapse-cpu", epochs=5, batch_size=64, n_train_per_class=None, n_valid_per_class=None,
                          c=8, n=1, channels_last=True, log_every=50)

COLLAPSE_PRESETS: dict[str, CollapsePreset] = {
    "smoke": CollapsePreset(
        "smoke", replace(_CPU_SEARCH, epochs=2, n_train_per_class=5, n_valid_per_class=5, batch_size=25, c=4,
                         log_every=1),
        groups=(("darts", (0, 1)), ("beta-darts", (0,))),
        note="test scale, seconds, meaningless numbers: C=4, 50 + 50 images, 2 epochs of 2 steps"),
    "cpu": CollapsePreset(
        "cpu", _CPU_SEARCH,
        groups=(("darts", (0, 1, 2, 3, 4)), ("beta-darts", (0, 1, 2)), ("pc-darts", (0, 1, 2)),
                ("sdarts", (0, 1, 2)), ("darts-minus", (0, 1, 2))),
        note="2-core CPU scale: NB201 alpha-supernet C=8, N=1 (paper C=16, N=5) on the 25,000 + 25,000 JPEG halves "
             "(391 steps per epoch, as published) for 5 epochs (paper 50; a 10-epoch pilot collapsed at step ~800), "
             "fp32 + channels-last; the published optimisers, rho = eps = 1e-2, batch 64, selection by the lowest "
             "validation loss; argmax logged every 50 steps. DARTS and A2M 5 seeds, then beta-DARTS, PC-DARTS, SDARTS, DARTS- 3 seeds each"),
    "paper": CollapsePreset(
        "paper", DartsPreset("collapse-paper", log_every=50),
        groups=tuple((v, (0, 1, 2, 3, 4)) for v in VARIANTS),
        note="A2M's NB201 settings (C=16, N=5, 50 epochs, 25,000 + 25,000 images), 5 seeds of every method"),
}


def get_collapse(preset: str | CollapsePreset) -> CollapsePreset:
    """The study preset called ``preset`` (a :class:`CollapsePreset` is returned as it is)."""
    if isinstance(preset, CollapsePreset):
        return preset
    return COLLAPSE_PRESETS[check_choice(preset, "preset", tuple(COLLAPSE_PRESETS))]


def run_folder(out: str | os.PathLike, variant: str, method: str, seed: int) -> Path:
    """The folder of one run: ``<out>/<variant>-<method>-seed<seed>``."""
    return Path(out) / f"{variant}-{method}-seed{seed}"


def collapse_tasks(study: CollapsePreset, out: str | os.PathLike) -> list[dict]:
    """One :func:`collapse_task` per run of ``study`` in priority order, keyed
    ``"<variant>-<method>-seed<seed>/<hash of its search settings>"``."""
    tasks = []
    for variant, method, seed in study.runs():
        config = preset_config(study.preset(variant))
        tasks.append({"key": f"{variant}-{method}-seed{seed}/{config_hash(config)[:8]}", "study": study.name,
                      "variant": variant, "method": method, "seed": seed, "out": str(out)})
    return tasks


def collapse_task(task: Mapping[str, Any]) -> dict[str, Any]:
    """Run (or resume) one search of the study on one torch thread; its summary row (the genotype chosen, the
    last genotype, epochs, seconds).  The per-epoch and per-step tables stay in its folder."""
    study = get_collapse(task["study"])
    variant, method, seed = task["variant"], check_choice(task["method"], "method", METHODS), check_seed(task["seed"])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = run_darts("nb201", study.preset(variant), method=method, out=run_folder(task["out"], variant, method,
                                                                                          seed),
                           random_state=seed, device="cpu", progress=False)
    finally:
        torch.set_num_threads(threads)
    epochs = pd.read_csv(run_folder(task["out"], variant, method, seed) / "epochs.csv")
    return {"variant": variant, "method": method, "seed": seed, "arch": result["arch"],
            "best_epoch": result["best_epoch"], "final_arch": result["final_arch"], "epochs_run": result["epochs_run"],
            "seconds": float(epochs["seconds"].sum())}


def run_collapse(preset: str | CollapsePreset, out: str | os.PathLike, *, limit: int | None = None,
                 n_workers: int | None = None, backend: str = "local", progress: bool = True) -> pd.DataFrame:
    """Run every search of ``preset`` not yet done (the first ``limit`` in priority order, when given); the summary
    table ``<out>/runs.csv``, one row per finished run.

    Parameters
    ----------
    preset : str or CollapsePreset
        A :data:`COLLAPSE_PRESETS` name or a study preset.
    out : str or os.PathLike
        The study's folder, pinned to the preset's name and search settings; each run in
        ``<out>/<variant>-<method>-seed<seed>`` (:func:`run_folder`).
    limit : int or None, default None
        Only the first ``limit`` runs (>= 1) of :meth:`CollapsePreset.runs` (None: all).
    n_workers : int or None, default None
        Workers, each on one torch thread (None: the CPU count; never more than the runs).
    backend : str, default "local"
        ``"local"`` (a process pool) or ``"ray"`` (:func:`~landscape.backend.sweep.run_sweep`).
    progress : bool, default True
        Show a progress bar over the runs.

    Returns
    -------
    pandas.DataFrame
        One :func:`collapse_task` row per finished run: ``key, variant, method, seed, arch, best_epoch,
        final_arch, epochs_run, seconds``.

    Raises
    ------
    ValueError
        For an unknown preset or backend, or an invalid ``limit`` or ``n_workers``.
    landscape.errors.ConfigMismatchError
        If ``out`` holds a study of another configuration.
    landscape.backend.sweep.SweepError
        If runs failed, after every other run has been saved.

    Examples
    --------
    >>> get_collapse("smoke").runs()[:3]
    [('darts', 'darts', 0), ('darts', 'a2m', 0), ('darts', 'darts', 1)]
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 4 s for the first run at the smoke preset
    ...     runs = run_collapse("smoke", out, limit=1, n_workers=1, progress=False)  # doctest: +SKIP
    """
    from ..backend.sweep import run_sweep

    study = get_collapse(preset)
    tasks = collapse_tasks(study, out)
    if limit is not None:
        tasks = tasks[:check_int(limit, "limit", 1)]
    workers = (os.cpu_count() or 1) if n_workers is None else check_int(n_workers, "n_workers", 1)
    run = RunStore(out, {"study": "collapse", "preset": study.name, "search": asdict(study.search)})
    return run_sweep(collapse_task, tasks, run, table="runs", n_workers=min(workers, len(tasks)), backend=backend,
                     progress=progress)
