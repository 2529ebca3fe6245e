"""Sweep backends: a 2-worker Ray sweep vs the local backend (in-process) over the same evaluations.

Each evaluation is :func:`landscape.backend.evaluate_architecture` at its default smoke scale
(NB201 C=8 N=1 trained 2 epochs on 200 digits, all proxies on 100 more), one torch thread.
``ours_s`` is the Ray sweep on a freshly started 2-CPU instance (its workers import torch
during the sweep); ``ray_init_s`` is the start of that instance, ``ray_warm_s`` a second sweep
on the same, warm workers.  Both backends must return identical frames.
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np
import pandas as pd

from landscape.backend import architecture_tasks, evaluate_architecture, run_sweep
from landscape.backend.ray import import_ray
from landscape.bench.store import Store
from landscape.runs import RunStore

N_ARCHS, SEEDS, WORKERS = 12, (0, 1), 2


def _sweep(tasks: list[dict], folder: str, **kwargs) -> tuple[pd.DataFrame, float]:
    t = time.perf_counter()
    frame = run_sweep(evaluate_architecture, tasks, RunStore(folder, {"bench": "backend"}), progress=False, **kwargs)
    return frame, time.perf_counter() - t


def bench_sweep_ray(store: Store) -> dict | None:
    """Wall time of the same sweep on Ray (2 workers) and in-process, with the per-task overhead."""
    try:
        ray = import_ray()
    except ModuleNotFoundError:
        return None
    picks = np.random.default_rng(0).choice(len(store.index), N_ARCHS, replace=False)
    tasks = architecture_tasks(store.index.arch_string(picks).tolist(), SEEDS)
    evaluate_architecture(tasks[0])  # warm-up: data loaders and kernels, not counted
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        local, t_local = _sweep(tasks, f"{tmp}/local")
        t = time.perf_counter()
        ray.init(num_cpus=WORKERS, include_dashboard=False, log_to_driver=False)
        t_init = time.perf_counter() - t
        try:
            on_ray, t_ray = _sweep(tasks, f"{tmp}/ray", backend="ray")
            warm, t_warm = _sweep(tasks, f"{tmp}/warm", backend="ray")
        finally:
            ray.shutdown()
    pd.testing.assert_frame_equal(local, on_ray)
    pd.testing.assert_frame_equal(local, warm)
    n = len(tasks)
    return {"name": "sweep_ray", "baseline_kind": "the same sweep in a local process pool (the backend's own local mode)", "ours_s": t_ray, "baseline_s": t_local, "ray_init_s": round(t_init, 3),
            "ray_warm_s": round(t_warm, 3), "n_tasks": n, "local_per_task_s": round(t_local / n, 4),
            "overhead_per_task_s": round((WORKERS * t_ray - t_local) / n, 4),
            "warm_overhead_per_task_s": round((WORKERS * t_warm - t_local) / n, 4),
            "load_avg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)], "cores": os.cpu_count(),
            "note": f"{n} evaluate_architecture tasks ({N_ARCHS} NB201 cells x seeds {list(SEEDS)}, default smoke "
                    f"scale, 1 torch thread each); ours = Ray sweep with {WORKERS} workers on a fresh local "
                    f"instance (workers import torch in it), baseline = local in-process backend; ray_init_s "
                    f"(not in ours) = ray.init(num_cpus={WORKERS}); overhead per task = ({WORKERS} x Ray wall - "
                    f"in-process wall) / tasks, i.e. worker-seconds spent beyond the evaluations; identical "
                    f"frames; load_avg_1min = machine load before/after (shared cores)"}


BENCHMARKS = [bench_sweep_ray]
