"""Does fast training change the science?  Stand-alone cells retrained fast against their fp32 runs, and bf16
evaluation against fp32 evaluation of the same trained networks.

* **Training** (:func:`run_fast_check`, :func:`accuracy_agreement`): ``n_cells`` of the matched-scale cells
  (a seeded uniform draw from the 100), both seeds, retrained with the ``cpu`` recipe in bf16 autocast and
  channels-last (:data:`FAST`), then set beside their fp32 runs of the matched-scale sweep
  (``reports/results/standalone/nb201-cpu/runs.csv``): the paired mean difference of test accuracy with a 95%
  t interval over cells, and Kendall τ between the two seed means, to be at least the seed-to-seed τ.
* **Evaluation** (:func:`evaluation_agreement`): the trained networks' test accuracy and flatness (GeNAS Eq. 4,
  σ = (2e-3, 1e-2, 2e-2), faithful noise) measured in fp32 and under bf16 autocast; bf16 replaces fp32 for
  evaluation only if τ between the two is at least :data:`EVAL_TAU_BAR` for both.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch

from ..bench.store import Store
from ..flatness.proxies import GENAS_SIGMAS, flatness
from ..geometry.ranking import bootstrap_counts, kendall_tau_interval, mean_difference_interval
from ..nn import create_network
from ..nn.images import batches, cifar10_jpeg
from ..nn.speed import train_autocast
from ..nn.train import evaluate_network
from ..runs import RunStore, config_hash
from ..validation import check_int, check_random_state
from .presets import SearchPreset, get_preset
from .seeds import stream
from .standalone import (
    DATA_SEED,
    TEST_PER_CLASS,
    matched_cells,
    run_standalone,
    standalone_config,
    standalone_tasks,
    train_standalone,
    weights_path,
)
from .supernet import load_data

__all__ = ["FAST", "EVAL_TAU_BAR", "fast_preset", "check_cells", "run_fast_check",
           "accuracy_agreement", "evaluation_agreement", "retrain_missing_weights", "precision_study"]

#: The fast training settings the check retrains with.
FAST = {"precision": "bf16", "channels_last": True}
#: τ between fp32 and bf16 evaluation that bf16 evaluation must reach to replace fp32 (issue 25).
EVAL_TAU_BAR = 0.99


def fast_preset(preset: str | SearchPreset = "cpu") -> SearchPreset:
    """``preset`` with the :data:`FAST` training settings (its stand-alone runs get their own configuration)."""
    return replace(get_preset(preset), **FAST)


def check_cells(n_cells: int = 20, preset: str = "cpu", store: Store | None = None) -> list[str]:
    """``n_cells`` of the matched-scale cells of ``preset``, drawn uniformly without replacement (seeded)."""
    cells = list(matched_cells(preset, store=store)["arch"])
    check_int(n_cells, "n_cells", 2, len(cells))
    picks = check_random_state(stream(0, "precision_cells")).choice(len(cells), n_cells,
                                                                                      replace=False)
    return [cells[i] for i in sorted(picks)]


def run_fast_check(out: str | os.PathLike, n_cells: int = 20, *, n_workers: int | None = None,
                   progress: bool = True, store: Store | None = None) -> pd.DataFrame:
    """Retrain :func:`check_cells` (both seeds) with :func:`fast_preset` into ``out``; the runs, one row each."""
    return run_standalone(fast_preset(), out, check_cells(n_cells, store=store), n_workers=n_workers,
                          progress=progress)


def _seed_means(runs: pd.DataFrame, cells: Sequence[str]) -> pd.DataFrame:
    table = runs.pivot_table(index="arch", columns="seed", values="test_accuracy")
    missing = sorted(set(cells) - set(table.index))
    if missing or table.loc[list(cells)].isna().any().any():
        raise ValueError(f"{len(missing)} cell(s) lack a run (e.g. {missing[:1]}), or a seed is missing; finish "
                         "both sweeps first")
    return table.loc[list(cells)]


def accuracy_agreement(fast: pd.DataFrame, fp32: pd.DataFrame, *, n_boot: int = 1000,
                       random_state: int = 0) -> pd.DataFrame:
    """The fast runs against the fp32 runs of the same cells and seeds: one row per comparison.

    ``mean_difference`` (fast − fp32 test accuracy, percentage points: the mean over cells of the seed-mean
    difference, 95% t interval over cells); ``tau`` rows (Kendall τ-b with a 95% bootstrap CI over cells):
    fast vs fp32 seed means, and seed 0 vs seed 1 within each precision on the same cells.
    """
    cells = list(dict.fromkeys(fast["arch"]))
    a, b = _seed_means(fast, cells) * 100, _seed_means(fp32, cells) * 100
    mean, low, high = mean_difference_interval((a.mean(axis=1) - b.mean(axis=1)).to_numpy())
    rows = [{"comparison": "test accuracy, fast - fp32 (points)", "kind": "mean_difference", "estimate": mean,
             "ci_low": low, "ci_high": high, "n": len(cells)}]
    counts = bootstrap_counts(len(cells), n_boot, random_state)
    pairs = {"fast vs fp32 (seed means)": (a.mean(axis=1), b.mean(axis=1)),
             "seed 0 vs seed 1, fp32": (b[0], b[1]), "seed 0 vs seed 1, fast": (a[0], a[1])}
    for name, (x, y) in pairs.items():
        tau = kendall_tau_interval(x.to_numpy(), y.to_numpy(), counts, 0.95)
        rows.append({"comparison": name, "kind": "tau", "estimate": tau["tau"], "ci_low": tau["ci_low"],
                     "ci_high": tau["ci_high"], "n": tau["n"]})
    return pd.DataFrame(rows)


def _evaluate(net: torch.nn.Module, test, valid_batches: list, precision: str, seed: int) -> tuple[float, float]:
    with train_autocast(precision, "cpu"):
        _, accuracy = evaluate_network(net, test, batch_size=250)
        flat = flatness(net, valid_batches, sigmas=GENAS_SIGMAS, mode="faithful", random_state=seed).flatness
    return accuracy, flat


def evaluation_agreement(runs: pd.DataFrame, weights_dir: str | os.PathLike, preset: str | SearchPreset = "cpu",
                         *, test_per_class: int = TEST_PER_CLASS, n_boot: int = 1000,
                         random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Test accuracy and flatness of every trained network of ``runs`` (weights in ``weights_dir``) in fp32 and
    in bf16: per-network values and the τ between the two precisions (``tau``, CI, ``meets_bar``).

    The images are the stand-alone sweep's: ``test_per_class`` per class of the JPEG test folder, the preset's
    validation images for the flatness.
    """
    p = get_preset(preset)
    test = cifar10_jpeg("test", n_per_class=test_per_class, random_state=DATA_SEED)
    valid_batches = list(batches(load_data(p, DATA_SEED, split="valid"), p.eval_batch_size))
    rows = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for _, run in runs.iterrows():
            path = weights_path(weights_dir, f"{run['arch']}@seed={run['seed']}")
            if not path.exists():
                raise ValueError(f"no trained weights {path} for {run['arch']} seed {run['seed']}; rerun the sweep "
                                 "that trained them (its weights are not committed)")
            state = torch.load(path, map_location="cpu", weights_only=True)["trained"]
            net = create_network("nb201", run["arch"], c=p.c, n=p.n, num_classes=10)
            net.load_state_dict(state)
            row = {"arch": run["arch"], "seed": int(run["seed"])}
            for precision in ("fp32", "bf16"):
                row[f"test_accuracy_{precision}"], row[f"flatness_{precision}"] = _evaluate(
                    net, test, valid_batches, precision, int(run["seed"]))
            rows.append(row)
    finally:
        torch.set_num_threads(threads)
    values = pd.DataFrame(rows)
    counts = bootstrap_counts(len(values), n_boot, random_state)
    summary = []
    for measure in ("test_accuracy", "flatness"):
        tau = kendall_tau_interval(values[f"{measure}_fp32"].to_numpy(), values[f"{measure}_bf16"].to_numpy(),
                                   counts, 0.95)
        summary.append({"measure": measure, **tau, "bar": EVAL_TAU_BAR, "meets_bar": tau["tau"] >= EVAL_TAU_BAR,
                        "max_abs_difference": float((values[f"{measure}_fp32"] - values[f"{measure}_bf16"]).abs()
                                                    .max())})
    return values, pd.DataFrame(summary)


def retrain_missing_weights(runs_dir: str | os.PathLike, cells: Sequence[str]) -> list[str]:
    """Retrain the fast runs of ``cells`` whose weights are not beside their table (weights are never committed:
    a run finished in an earlier checkout has its row but no ``.pt``).  Each run is deterministic, so its row is
    reproduced; returns the keys retrained."""
    weights = Path(runs_dir) / "weights"
    tasks = [t for t in standalone_tasks(fast_preset(), cells, weights_dir=weights)
             if not weights_path(weights, t["key"]).exists()]
    for task in tasks:
        train_standalone(task)
    return [t["key"] for t in tasks]


def precision_study(runs_dir: str | os.PathLike, tables_dir: str | os.PathLike, fp32_runs: pd.DataFrame, *,
                    n_cells: int = 20, n_eval_cells: int = 10, n_workers: int | None = None, progress: bool = True,
                    store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Run (or resume) the fast retraining into ``runs_dir``, then write ``accuracy.csv``, ``evaluation.csv`` (the
    networks of the last ``n_eval_cells`` checked cells, both seeds) and ``evaluation_summary.csv`` to
    ``tables_dir`` (a :class:`~landscape.runs.RunStore` pinned to the check).

    Parameters
    ----------
    runs_dir : str or os.PathLike
        The fast stand-alone sweep's folder (:func:`run_fast_check`; weights in ``<runs_dir>/weights``, those
        missing retrained by :func:`retrain_missing_weights`).
    tables_dir : str or os.PathLike
        Where the tables are written.
    fp32_runs : pandas.DataFrame
        The fp32 runs of the matched-scale sweep (``reports/results/standalone/nb201-cpu/runs.csv``), both seeds
        of every checked cell.
    n_cells : int, default 20
        Matched-scale cells checked (:func:`check_cells`, ``2..100``).
    n_eval_cells : int, default 10
        The last cells of :func:`check_cells` (``2..n_cells``) whose networks (both seeds) are evaluated.
    n_workers : int or None, default None
        Processes of the fast sweep (None: the CPU count).
    progress : bool, default True
        Show a progress bar over the runs.
    store : Store or None, default None
        The ground-truth store (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``runs`` (the fast runs), ``accuracy`` (:func:`accuracy_agreement`), ``evaluation`` and
        ``evaluation_summary`` (:func:`evaluation_agreement`).

    Raises
    ------
    ValueError
        If ``n_cells`` is out of range, a cell lacks a run or a seed in ``fp32_runs``, or weights are missing.
    landscape.errors.ConfigMismatchError
        If ``runs_dir`` or ``tables_dir`` holds another configuration.

    Examples
    --------
    >>> p = fast_preset()
    >>> p.name, p.precision, p.channels_last
    ('cpu', 'bf16', True)
    >>> len(check_cells(20, store=store))
    20
    >>> tables = precision_study("runs/fast", "runs/fast-tables", fp32_runs)  # hours: 40 cpu runs  # doctest: +SKIP
    """
    evaluated = check_cells(n_cells, store=store)[-check_int(n_eval_cells, "n_eval_cells", 2, n_cells):]
    fast = run_fast_check(runs_dir, n_cells, n_workers=n_workers, progress=progress, store=store)
    retrain_missing_weights(runs_dir, evaluated)
    run = RunStore(tables_dir, {"study": "precision", "n_cells": n_cells, "n_eval_cells": n_eval_cells,
                                "runs": config_hash(standalone_config(fast_preset()))})
    accuracy = accuracy_agreement(fast, fp32_runs[fp32_runs["arch"].isin(set(fast["arch"]))])
    values, summary = evaluation_agreement(fast[fast["arch"].isin(set(evaluated))], Path(runs_dir) / "weights")
    for name, frame in (("accuracy", accuracy), ("evaluation", values), ("evaluation_summary", summary)):
        run.write(name, frame)
    return {"runs": fast, "accuracy": accuracy, "evaluation": values, "evaluation_summary": summary}
