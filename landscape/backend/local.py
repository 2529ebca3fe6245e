"""The local backend: tasks in this process, or in a pool of spawned worker processes."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from .outcome import Outcome, failure

__all__ = ["run_in_process", "run_pool"]


def run_in_process(fn: Callable, pending: list[tuple[str, dict]]) -> Iterator[Outcome]:
    """Call ``fn`` on each task in turn, in this process."""
    for key, task in pending:
        try:
            result = fn(task)
        except Exception as exc:  # reported with its key; the sweep goes on with the other tasks
            yield failure(key, exc)
            continue
        yield Outcome(key, result)


def run_pool(fn: Callable, pending: list[tuple[str, dict]], *, n_workers: int, max_retries: int) -> Iterator[Outcome]:
    """Run the tasks in a ``ProcessPoolExecutor`` (spawn context), yielding outcomes as they finish.

    A worker that dies breaks the whole pool: the unfinished tasks are resubmitted to a fresh
    pool, at most ``max_retries`` times; after that each is reported as failed.
    """
    try:
        pickle.dumps(fn)
    except Exception as exc:
        raise ValueError(f"fn {fn!r} cannot be sent to worker processes ({exc}); use a top-level function "
                         "of an importable module, not a lambda or a local function") from None
    remaining = dict(pending)
    context = multiprocessing.get_context("spawn")
    for attempt in range(max_retries + 1):
        pool = ProcessPoolExecutor(max_workers=min(n_workers, len(remaining)), mp_context=context)
        try:
            futures = {pool.submit(fn, task): key for key, task in remaining.items()}
            for future in as_completed(futures):
                key = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    continue
                except Exception as exc:  # raised by fn in the worker
                    del remaining[key]
                    yield failure(key, exc)
                    continue
                del remaining[key]
                yield Outcome(key, result)
        finally:  # also when the caller stops early: queued tasks are cancelled, not run
            pool.shutdown(wait=True, cancel_futures=True)
        if not remaining:
            return
    for key in remaining:
        yield Outcome(key, detail=f"its worker process died in each of {max_retries + 1} attempts")
