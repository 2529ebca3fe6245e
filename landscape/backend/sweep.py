"""``run_sweep``: evaluate many tasks once each, saving every result as it finishes.

A sweep is a list of task dicts and a function ``fn(task) -> dict``.  Each task has a stable
key (its ``"key"`` field, else a hash of the task); results go to one table of a
:class:`~landscape.runs.RunStore` (rewritten atomically after every finished task), so
an interrupted or failed sweep resumes with only the missing tasks, and a finished one does
nothing when run again.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from ..errors import CheckpointError, LandscapeError
from ..runs import RunStore, config_hash
from ..validation import check_choice, check_int
from .local import run_in_process, run_pool
from .options import BACKENDS
from .outcome import Outcome

__all__ = ["SweepError", "task_key", "check_sweep_args", "run_sweep"]

KEY = "key"


class SweepError(LandscapeError, RuntimeError):
    """Tasks of a sweep failed; the message (and ``keys``) name them.  Every other finished result is saved."""

    def __init__(self, message: str, keys: Sequence[str] = ()):
        super().__init__(message)
        self.keys = list(keys)


def task_key(task: Mapping[str, Any]) -> str:
    """The task's ``"key"`` field (a non-empty str or an int), else ``"h"`` + a hash of the whole task."""
    if not isinstance(task, Mapping):
        raise ValueError(f"a task must be a dict, got {type(task).__name__}: {task!r:.200}")
    if KEY in task:
        key = task[KEY]
        if isinstance(key, bool) or not isinstance(key, (str, int)) or key == "":
            raise ValueError(f"a task's 'key' must be a non-empty str or an int, got {key!r:.200}")
        return str(key)
    try:
        return "h" + config_hash(task)
    except ValueError as exc:
        raise ValueError(f"task {task!r:.200} has no 'key' and cannot be hashed ({exc}); give it a 'key'") from None


def _keys(tasks: Sequence[Mapping[str, Any]]) -> list[str]:
    keys = [task_key(t) for t in tasks]
    seen: set[str] = set()
    for k in keys:
        if k in seen:
            raise ValueError(f"two tasks share the key {k!r}; every task needs its own key")
        seen.add(k)
    return keys


def _read_done(run: RunStore, table: str) -> pd.DataFrame:
    """The table's rows so far, keys read as strings (so ``"007"`` stays ``"007"``)."""
    path = run.table_path(table)
    if not path.exists():
        return pd.DataFrame(columns=[KEY])
    try:
        frame = pd.read_csv(path, dtype={KEY: str})
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise CheckpointError(f"results table {path} is corrupt ({exc}); delete it to recompute its rows") from None
    if KEY not in frame.columns:
        raise CheckpointError(f"results table {path} has no {KEY!r} column, so run_sweep did not write it; "
                              "choose another table name or delete the file")
    return frame.drop_duplicates(KEY, keep="first")


def check_sweep_args(backend: str, n_workers: int | None, max_retries: int) -> None:
    """A ``ValueError`` for a backend, worker count or retry count :func:`run_sweep` would refuse (check them before
    creating the sweep's folder)."""
    check_choice(backend, "backend", BACKENDS)
    if n_workers is not None:
        check_int(n_workers, "n_workers", 1)
    check_int(max_retries, "max_retries", 0)


def _outcomes(fn, pending, backend, n_workers, max_retries, ray_address, num_gpus) -> Iterator[Outcome]:
    if backend == "ray":
        from .ray import run_ray

        return run_ray(fn, pending, n_workers=n_workers, max_retries=max_retries, address=ray_address,
                       num_gpus=num_gpus)

    if n_workers in (None, 1):
        return run_in_process(fn, pending)
    return run_pool(fn, pending, n_workers=n_workers, max_retries=max_retries)


def _row(outcome: Outcome) -> dict | str:
    """The table row of a successful outcome, or why its result cannot be stored."""
    result = outcome.result
    if not isinstance(result, Mapping):
        return f"fn returned {type(result).__name__}, not a dict of result columns"
    if KEY in result:
        return f"fn returned a {KEY!r} column, which run_sweep reserves for the task key"
    return {KEY: outcome.key, **result}


def run_sweep(
    fn: Callable[[dict], Mapping[str, Any]],
    tasks: Sequence[Mapping[str, Any]],
    run: RunStore,
    *,
    table: str = "results",
    backend: str = "local",
    n_workers: int | None = None,
    max_retries: int = 2,
    progress: bool = True,
    ray_address: str | None = None,
    num_gpus: float | None = None,
) -> pd.DataFrame:
    """Run ``fn`` on every task not yet in ``run``'s ``table``; the results of all tasks, in task order.

    Parameters
    ----------
    fn : ``fn(task) -> dict`` of result columns (scalars); a top-level importable function for
        the process pool and Ray, so it pickles.
    tasks : dicts; each one's key is its ``"key"`` field, else a hash of the task.  Tasks whose
        key is already in the table are skipped.
    run, table : where results are appended (column ``key`` first), atomically, as each task finishes.
    backend : ``"local"`` (in-process for ``n_workers`` None or 1, else a spawn process pool) or
        ``"ray"`` (needs ``pip install 'landscape[ray]'``).
    n_workers : pool size; for Ray, the CPUs of a locally started instance and the most tasks in flight.
    max_retries : re-runs of a task whose worker died (Ray's task retry; the pool restarts at most
        this many times).  An exception raised by ``fn`` is never retried.
    ray_address : a Ray cluster to connect to (default: the current connection, else a local
        instance started for this call and shut down after it).
    num_gpus : GPUs per Ray task; None: 1 when the cluster has GPUs, else 0.

    Raises
    ------
    SweepError
        When tasks failed (``fn`` raised, or its worker died ``max_retries + 1`` times), after every
        other task has finished and been saved; the message names the failed keys.
    """
    check_sweep_args(backend, n_workers, max_retries)
    tasks = list(tasks)
    keys = _keys(tasks)
    frame = _read_done(run, table)
    done = set(frame[KEY])
    pending = [(k, dict(t)) for k, t in zip(keys, tasks) if k not in done]
    failed: list[Outcome] = []
    if pending:
        outcomes = _outcomes(fn, pending, backend, n_workers, max_retries, ray_address, num_gpus)
        with tqdm(total=len(pending), desc=f"sweep ({backend})", unit="task", disable=not progress) as bar:
            for outcome in outcomes:
                bar.update()
                row = outcome.detail if outcome.failed else _row(outcome)
                if isinstance(row, str):
                    failed.append(Outcome(outcome.key, error=outcome.error, detail=row))
                    continue
                new = pd.DataFrame([row])
                frame = pd.concat([frame, new], ignore_index=True) if len(frame) else new
                run.write(table, frame)
        frame = _read_done(run, table)
    if failed:
        raise _sweep_error(failed, len(tasks), run.table_path(table))
    return frame.set_index(KEY).loc[keys].reset_index()


def _sweep_error(failed: list[Outcome], n_tasks: int, path: os.PathLike) -> SweepError:
    lines = "\n".join(f"  task {o.key!r}: {o.detail}" for o in failed[:20])
    more = f"\n  … and {len(failed) - 20} more" if len(failed) > 20 else ""
    first = next((o for o in failed if o.error is not None), None)
    remote = "".join(traceback.format_exception(first.error)) if first is not None else ""
    return SweepError(
        f"{len(failed)} of {n_tasks} task(s) failed:\n{lines}{more}\nThe other finished results are saved in {path}; "
        f"run the sweep again to retry only the failed tasks."
        + (f"\nTraceback of task {first.key!r}:\n{remote}" if remote else ""), [o.key for o in failed])
