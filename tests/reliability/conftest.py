"""The reliability tally: every bad input tried, and how many ended in a clear error.

``expect_clear(call, *args, names=..., **kwargs)`` calls an entry point with a bad input and
passes only when it raises a ``ValueError`` or :class:`~landscape.errors.LandscapeError` whose
message is non-empty and contains one of ``names`` (the offending value, field or file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pytest

from landscape.errors import LandscapeError


@dataclass
class Tally:
    """Counts over the whole test session."""

    tried: int = 0
    clear: int = 0
    unclear: list[str] = field(default_factory=list)


TALLY = Tally()


def expect_clear(call: Callable, *args, names: Iterable[object] = (), **kwargs) -> BaseException:
    """Call ``call(*args, **kwargs)``; it must raise a clear error naming one of ``names``; returns the error."""
    TALLY.tried += 1
    names = [str(n) for n in names]
    what = f"{getattr(call, '__qualname__', call)}(*{args!r:.300}, **{kwargs!r:.200})"
    try:
        call(*args, **kwargs)
    except (ValueError, LandscapeError) as exc:
        message = str(exc)
        if message.strip() and (not names or any(n in message for n in names)):
            TALLY.clear += 1
            return exc
        TALLY.unclear.append(what)
        raise AssertionError(f"{what} raised {type(exc).__name__} without naming any of {names}: {message!r}") from exc
    except Exception as exc:
        TALLY.unclear.append(what)
        raise AssertionError(f"{what} raised a bare {type(exc).__name__}: {exc}") from exc
    TALLY.unclear.append(what)
    raise AssertionError(f"{what} accepted a bad input")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY.tried:
        terminalreporter.write_line(
            f"reliability: {TALLY.tried} bad inputs tried, {TALLY.clear} ended in a clear error")
