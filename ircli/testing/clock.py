"""The clock a test steps: the mock's simulator reads it, and `advance(seconds)` moves it on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class MockClock:
    """The wall clock (or a fixed epoch, or any clock given) plus the seconds a test has advanced it by.

    - `MockClock()`: runs with the wall clock; `advance(60)` jumps a minute ahead of it.
    - `MockClock(1_700_000_000.0)`: stands still at that epoch until advanced: nothing a test checks then
      depends on how fast the machine is.
    - `MockClock(callable)`: that clock's readings, plus what was advanced.
    """

    def __init__(self, base: float | Callable[[], float] | None = None) -> None:
        if base is None:
            self._base: Callable[[], float] = time.time
        elif callable(base):
            self._base = base
        else:
            epoch = float(base)
            self._base = lambda: epoch
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._base() + self._offset

    def advance(self, seconds: float) -> float:
        """Move time on by `seconds` (never back); returns the new time."""
        if not seconds >= 0:
            raise ValueError(f"a clock moves forward only, not by {seconds!r} seconds")
        with self._lock:
            self._offset += seconds
        return self()

    @property
    def now(self) -> float:
        return self()
