"""Evaluation backends for sweeps: many tasks, each run once, results saved as they finish.

:func:`run_sweep` runs ``fn(task)`` for every task not yet in a
:class:`~landscape.runs.RunStore` table, in this process, in a local process pool or on
a Ray cluster (``backend="ray"``, optional: ``pip install 'landscape[ray]'``).
:func:`evaluate_architecture` is a real task: one NB201 network trained briefly, scored by every
GeNAS proxy.  Command line: ``python -m landscape.backend --help``.
"""

from __future__ import annotations

from .sweep import BACKENDS, SweepError, run_sweep, task_key
from .tasks import TASK_DEFAULTS, architecture_tasks, evaluate_architecture

__all__ = ["BACKENDS", "SweepError", "run_sweep", "task_key", "TASK_DEFAULTS", "architecture_tasks",
           "evaluate_architecture"]
