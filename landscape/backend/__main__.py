"""Command line: ``python -m landscape.backend --archs A B --seeds 0 1 --out runs/proxies [--backend ray]``.

Evaluates every (architecture, seed) with :func:`~landscape.backend.evaluate_architecture` into a
resumable :class:`~landscape.runs.RunStore` folder pinned to the task settings: rerunning
after an interruption computes only the missing tasks; a finished sweep computes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import BACKENDS, TASK_DATASET_NAMES, TASK_DEFAULTS, TASK_HELP


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m landscape.backend",
                                description="GeNAS proxies of NB201 architectures, one resumable sweep.")
    p.add_argument("--archs", nargs="+", help="NB201 architecture strings (default: --n-archs spread over accuracy)")
    p.add_argument("--n-archs", type=int, default=8, help="architectures spread over accuracy (default 8)")
    p.add_argument("--seeds", nargs="+", type=int, default=[0], help="seeds of every architecture (default 0)")
    p.add_argument("--out", type=Path, default=Path("reports/sweep"), help="results folder (a RunStore)")
    p.add_argument("--backend", choices=BACKENDS, default="local", help="where tasks run (default local)")
    p.add_argument("--workers", type=int, default=None, help="processes (local) or CPUs / tasks in flight (ray)")
    p.add_argument("--ray-address", default=None, help="a Ray cluster, e.g. ray://head:10001 (default: local)")
    p.add_argument("--max-retries", type=int, default=2, help="retries of a failed task (default 2)")
    p.add_argument("--dataset", choices=TASK_DATASET_NAMES, default=TASK_DEFAULTS["dataset"],
                   help=f"{TASK_HELP['dataset']} (default {TASK_DEFAULTS['dataset']})")
    for name in ("c", "n", "train_per_class", "valid_per_class", "epochs", "batch_size", "n_draws"):
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=TASK_DEFAULTS[name],
                       help=f"{TASK_HELP[name]} (default {TASK_DEFAULTS[name]})")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from ..errors import LandscapeError
    from ..runs import RunStore
    from .sweep import SweepError, check_sweep_args, run_sweep
    from .tasks import architecture_tasks, evaluate_architecture

    settings = {k: getattr(args, k) for k in TASK_DEFAULTS if k != "device"}
    try:
        if args.archs is None:
            from ..flatness.study import spread_architectures

            args.archs = spread_architectures(args.n_archs, args.seeds[0])
        tasks = architecture_tasks(args.archs, args.seeds, **settings)  # every argument checked before any file
        check_sweep_args(args.backend, args.workers, args.max_retries)
        run = RunStore(args.out, {"task": "landscape.backend.evaluate_architecture", **settings})
        frame = run_sweep(evaluate_architecture, tasks, run, backend=args.backend, n_workers=args.workers,
                          max_retries=args.max_retries, progress=not args.no_progress, ray_address=args.ray_address)
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to resume (finished tasks are kept)", file=sys.stderr)
        return 130
    except (LandscapeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, SweepError) else 2
    print(frame.drop(columns="key").to_string(index=False))
    print(f"{len(frame)} results in {run.table_path('results')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
