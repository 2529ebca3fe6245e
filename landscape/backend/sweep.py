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
    """Tasks of a sweep failed; the message (and ``keys``) name them.  Every other finished result is saved.

    Raised by :func:`run_sweep` after every other task has finished; running the sweep again retries only the
    failed tasks.

    Parameters
    ----------
    message : str
        What failed: each failed task's key and error, where the other results are saved, and the first
        failed task's traceback.
    keys : sequence of str, default ()
        The keys of the failed tasks, kept as the list ``keys``.

    Examples
    --------
    >>> import tempfile
    >>> def half(task):
    ...     if task["x"] % 2:
    ...         raise ValueError("odd x")
    ...     return {"half": task["x"] // 2}
    >>> tasks = [{"key": f"x={x}", "x": x} for x in range(3)]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     try:
    ...         run_sweep(half, tasks, RunStore(tmp, {}), progress=False)
    ...     except SweepError as err:
    ...         print(err.keys)
    ...         print(str(err).splitlines()[:2])
    ['x=1']
    ['1 of 3 task(s) failed:', "  task 'x=1': ValueError: odd x"]
    """

    def __init__(self, message: str, keys: Sequence[str] = ()):
        super().__init__(message)
        self.keys = list(keys)


def task_key(task: Mapping[str, Any]) -> str:
    """The task's ``"key"`` field (a non-empty str or an int), else ``"h"`` + a hash of the whole task.

    Parameters
    ----------
    task : mapping of str
        One task of a sweep.  Without a ``"key"`` it must be JSON-serialisable (it is hashed by
        :func:`~landscape.runs.config_hash`, so key order does not matter).

    Returns
    -------
    str
        The key as a string (an int key ``7`` gives ``"7"``), or ``"h"`` and 16 hex digits.

    Raises
    ------
    ValueError
        If ``task`` is not a mapping, its ``"key"`` is not a non-empty str or an int (a bool is refused), or it
        has no ``"key"`` and cannot be hashed.

    Examples
    --------
    >>> task_key({"key": "resnet", "lr": 0.1}), task_key({"key": 7})
    ('resnet', '7')
    >>> task_key({"lr": 0.1, "arch": "a"}) == task_key({"arch": "a", "lr": 0.1})
    True
    >>> task_key({"lr": 0.1})
    'h...'
    >>> task_key({"key": ""})
    Traceback (most recent call last):
    ValueError: a task's 'key' must be a non-empty str or an int, got ''
    """
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


def run_sweep(fn: Callable[[dict], Mapping[str, Any]], tasks: Sequence[Mapping[str, Any]], run: RunStore, *,
              table: str = "results", backend: str = "local", n_workers: int | None = None, max_retries: int = 2,
              progress: bool = True, ray_address: str | None = None, num_gpus: float | None = None) -> pd.DataFrame:
    """Run ``fn`` on every task not yet in ``run``'s ``table``; the results of all tasks, in task order.

    Parameters
    ----------
    fn : callable
        ``fn(task) -> dict`` of scalar result columns (not ``key``); top-level for the pool and Ray, so it pickles.
    tasks : sequence of dict
        Keyed by :func:`task_key` (keys unique); a task whose key is in the table already is skipped.
    run : landscape.runs.RunStore
        Holds the results ``table``, rewritten atomically (column ``key`` first) as each task finishes.
    table : str, default "results"
        The table's name.
    backend : {"local", "ray"}, default "local"
        ``"local"``: in-process for ``n_workers`` None or 1, else a spawn process pool; ``"ray"``: a Ray cluster.
    n_workers : int or None, default None
        Pool size (>= 1); for Ray, the CPUs of a locally started instance and the most tasks in flight.
    max_retries : int, default 2
        Re-runs (>= 0) of a task whose worker died; an exception raised by ``fn`` is never retried.
    progress : bool, default True
        A progress bar over the pending tasks.
    ray_address : str or None, default None
        The Ray cluster to join (None: the current connection, else a local instance for this call).
    num_gpus : float or None, default None
        GPUs per Ray task (None: 1 when the cluster has GPUs, else 0).

    Returns
    -------
    pandas.DataFrame
        ``key`` then ``fn``'s columns, one row per task in task order (read back from the table).

    Raises
    ------
    ValueError
        For an unknown backend, ``n_workers < 1``, ``max_retries < 0``, or a malformed or repeated task key.
    SweepError
        Tasks failed (``fn`` raised or returned no dict, or its worker died); raised after the others are saved.
    CheckpointError
        If the table exists but is corrupt, or has no ``key`` column (run_sweep did not write it).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     run_sweep(lambda t: {"y": t["x"] ** 2}, [{"key": "a", "x": 3}], RunStore(tmp, {})).to_dict("records")
    [{'key': 'a', 'y': 9}]
    """
    check_sweep_args(backend, n_workers, max_retries)
    tasks = list(tasks)
    keys = _keys(tasks)
    frame = _read_done(run, table)
    done = set(frame[KEY])
    pending = [(k, dict(t)) for k, t in zip(keys, tasks) if k not in done]
    failed, frame = _run_pending(fn, pending, run, table, frame, backend, n_workers, max_retries, ray_address,
                                 num_gpus, progress)
    if failed:
        raise _sweep_error(failed, len(tasks), run.table_path(table))
    return frame.set_index(KEY).loc[keys].reset_index()


def _run_pending(fn, pending, run, table, frame, backend, n_workers, max_retries, ray_address, num_gpus,
                 progress) -> tuple[list[Outcome], pd.DataFrame]:
    """Run the pending tasks of :func:`run_sweep`, appending each result to ``frame`` and rewriting ``run``'s
    ``table`` as it finishes; the failed outcomes and the table read back (``frame`` itself if none is pending)."""
    failed: list[Outcome] = []
    if not pending:
        return failed, frame
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
    return failed, _read_done(run, table)


def _sweep_error(failed: list[Outcome], n_tasks: int, path: os.PathLike) -> SweepError:
    lines = "\n".join(f"  task {o.key!r}: {o.detail}" for o in failed[:20])
    more = f"\n  … and {len(failed) - 20} more" if len(failed) > 20 else ""
    first = next((o for o in failed if o.error is not None), None)
    remote = "".join(traceback.format_exception(first.error)) if first is not None else ""
    return SweepError(
        f"{len(failed)} of {n_tasks} task(s) failed:\n{lines}{more}\nThe other finished results are saved in {path}; "
        f"run the sweep again to retry only the failed tasks."
        + (f"\nTraceback of task {first.key!r}:\n{remote}" if remote else ""), [o.key for o in failed])
