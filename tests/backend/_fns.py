"""Cheap task functions for the sweep tests: importable by worker processes, no heavy imports.

Each logs its call to ``task["log"]`` (one line per completed call), so a test can count calls.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def _log(task: dict) -> None:
    with open(task["log"], "a") as fh:
        fh.write(f"{task['key']}\n")


def square(task: dict) -> dict:
    """``x²`` and ``x/3`` (a float whose CSV round trip must be exact)."""
    _log(task)
    return {"x": task["x"], "square": task["x"] ** 2, "third": task["x"] / 3}


def scaled(task: dict, factor: int) -> dict:
    """``factor·x``: used through ``functools.partial``, a callable that is not a plain function."""
    _log(task)
    return {"x": task["x"], "scaled": factor * task["x"]}


def die_once(task: dict) -> dict:
    """Like :func:`square`, but the task ``task["die"]`` kills its own process on its first attempt."""
    if task["x"] == task["die"]:
        marker = Path(task["marker"])
        if not marker.exists():
            marker.write_text("killed")
            os.kill(os.getpid(), signal.SIGKILL)
    return square(task)


def die_always(task: dict) -> dict:
    """Like :func:`square`, but the task ``task["die"]`` kills its process in every attempt."""
    if task["x"] == task["die"]:
        os.kill(os.getpid(), signal.SIGKILL)
    return square(task)


def fail_on(task: dict) -> dict:
    """Like :func:`square`, but raises ``ValueError`` for the task ``task["bad"]``."""
    if task["x"] == task["bad"]:
        raise ValueError(f"bad input x={task['x']}")
    return square(task)


class Interrupt(BaseException):
    """Stands for Ctrl-C: not an ``Exception``, so it stops an in-process sweep at once."""


def interrupt_on(task: dict) -> dict:
    """Like :func:`square`, but interrupts the sweep at the task ``task["stop"]``."""
    if task["x"] == task["stop"]:
        raise Interrupt
    return square(task)


def not_a_dict(task: dict) -> list:
    """A task function that breaks the contract: returns a list."""
    return [task["x"]]
