"""Evaluation backends for sweeps: many tasks, each run once, results saved as they finish.

:func:`run_sweep` runs ``fn(task)`` for every task not yet in a
:class:`~landscape.runs.RunStore` table, in this process, in a local process pool or on
a Ray cluster (``backend="ray"``, optional: ``pip install 'landscape[ray]'``).
:func:`evaluate_architecture` is a real task: one NB201 network trained briefly, scored by every
GeNAS proxy.  Command line: ``python -m landscape.backend --help``.
"""

from __future__ import annotations

from ..lazy import lazy_exports

_WHERE = {"BACKENDS": "options", "TASK_DEFAULTS": "options", "SweepError": "sweep", "run_sweep": "sweep",
          "task_key": "sweep", "architecture_tasks": "tasks", "evaluate_architecture": "tasks"}

__all__ = list(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
