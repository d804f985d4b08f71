"""The simulator's clock when it is not the wall clock: IRCLI_SIM_CLOCK names a virtual one, so that a test
pins the time of an ircli process it starts and nothing it checks depends on the machine's load.

- `EPOCH` (seconds since 1970): the clock stands still at EPOCH;
- `EPOCH+STEP`: EPOCH at the first reading, then STEP seconds later at each reading after it;
- `file:PATH`: the epoch the file PATH holds, read afresh at each reading (the test moves time by
  rewriting the file; a missing or unreadable file is an error, not the wall clock);
- `file:PATH+STEP`: the same, and each reading moves the time in the file on by STEP, so that time runs
  on from one ircli process to the next (as the wall clock does) but by readings, not by the machine's pace.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from itertools import count
from pathlib import Path

from ircli.errors import ConfigurationError

HINT = "Unset it for the wall clock, or give EPOCH, EPOCH+STEP, file:PATH or file:PATH+STEP (seconds since 1970)."


def virtual_clock(spec: str | None) -> Callable[[], float] | None:
    """The clock IRCLI_SIM_CLOCK's value names; None (the wall clock) when it is unset or empty."""
    text = (spec or "").strip()
    if not text:
        return None
    if text.startswith("file:"):
        ticking = re.fullmatch(r"file:(.+)\+([0-9.]+)", text)
        path = Path(ticking.group(1) if ticking else text.removeprefix("file:"))
        if ticking is None:
            return lambda: _epoch(_read(path), spec=text)
        moved = _epoch(ticking.group(2), spec=text)

        def tick() -> float:
            now = _epoch(_read(path), spec=text)
            path.write_text(repr(now + moved), "utf-8")
            return now

        return tick
    start, _, step = text.partition("+")
    epoch, seconds = _epoch(start, spec=text), _epoch(step or "0", spec=text)  # a fixed clock steps by 0
    readings = count()
    return lambda: epoch + seconds * next(readings)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        message = f"IRCLI_SIM_CLOCK names {str(path)!r}, which cannot be read: {exc.strerror}."
        raise ConfigurationError(message) from None


def _epoch(text: str, *, spec: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ConfigurationError(f"IRCLI_SIM_CLOCK={spec!r} is not a clock.", hint=HINT)
    return value
