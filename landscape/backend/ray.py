"""The Ray backend: one Ray task per sweep task, retried by Ray when its worker dies.

Ray is optional (``pip install 'landscape[ray]'``); it is imported only when this backend is used.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from types import ModuleType

from .outcome import Outcome, failure

__all__ = ["import_ray", "run_ray"]

INSTALL_HINT = "backend='ray' needs Ray: pip install 'landscape[ray]' (or pip install ray)"


def import_ray() -> ModuleType:
    """The ``ray`` module, or a ``ModuleNotFoundError`` that says how to install it."""
    try:
        return importlib.import_module("ray")
    except ImportError as exc:
        raise ModuleNotFoundError(f"{INSTALL_HINT} ({exc})", name="ray") from None


def _call(fn: Callable, task: dict):
    """Run a callable that is not a plain function (``ray.remote`` takes only functions)."""
    return fn(task)


def run_ray(
    fn: Callable,
    pending: list[tuple[str, dict]],
    *,
    n_workers: int | None,
    max_retries: int,
    address: str | None,
    num_gpus: float | None,
) -> Iterator[Outcome]:
    """Submit the tasks to Ray (at most ``n_workers`` in flight), yielding outcomes as they finish.

    Uses the current Ray connection if there is one, else connects to ``address``, else starts a
    local instance with ``n_workers`` CPUs; an instance or connection made here is shut down at the end.
    """
    ray = import_ray()
    started = not ray.is_initialized()
    if started:
        if address:
            ray.init(address=address)
        else:
            ray.init(num_cpus=n_workers, include_dashboard=False)
    in_flight: dict = {}
    try:
        if num_gpus is None:
            num_gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
        options = {"num_cpus": 1, "num_gpus": num_gpus, "max_retries": max_retries, "retry_exceptions": False}
        if inspect.isfunction(fn):  # workers import only fn's own module
            remote, head = ray.remote(**options)(fn), ()
        else:
            remote, head = ray.remote(**options)(_call), (ray.put(fn),)
        queue = list(reversed(pending))
        limit = n_workers or len(pending)
        while queue or in_flight:
            while queue and len(in_flight) < limit:
                key, task = queue.pop()
                in_flight[remote.remote(*head, task)] = key
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            key = in_flight.pop(ready[0])
            try:
                outcome = Outcome(key, ray.get(ready[0]))
            except ray.exceptions.RayTaskError as exc:  # fn raised: not retried
                outcome = failure(key, exc, f"{type(exc.cause).__name__}: {exc.cause}")
            except ray.exceptions.RayError as exc:  # the worker or its node died in every attempt
                outcome = failure(key, exc, f"its Ray worker failed in each of {max_retries + 1} attempts "
                                            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
            yield outcome
    finally:
        if started:
            ray.shutdown()
        else:
            for ref in in_flight:
                ray.cancel(ref, force=True)
