"""The periods and time windows of CloudWatch's requests: which periods it takes, the window's order, and
the minutes of a series grouped by the period they fall in."""

from __future__ import annotations

import math
from typing import Any

from ircli.simulator.cloudwatch.samples import Sample
from ircli.simulator.common import epoch
from ircli.simulator.exceptions import InvalidParameterValue


def check_period(period: int, member: str = "Period") -> None:
    if period <= 0 or (period not in (1, 5, 10, 30) and period % 60):
        raise InvalidParameterValue(f"The parameter {member} must be 1, 5, 10, 30, or a multiple of 60.")


def window(request: dict[str, Any]) -> tuple[float, float]:
    start, end = epoch(request["StartTime"]), epoch(request["EndTime"])
    if start >= end:
        raise InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.")
    return start, end


def buckets(samples: tuple[Sample, ...], start: float, end: float, period: int) -> dict[float, list[Sample]]:
    """The samples in [start, end), by the start of their period (periods counted from the epoch)."""
    found: dict[float, list[Sample]] = {}
    for sample in samples:
        if start <= sample.timestamp < end:
            found.setdefault(math.floor(sample.timestamp / period) * period, []).append(sample)
    return dict(sorted(found.items()))


def dimension_key(dimensions: list[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((d["Name"], str(d.get("Value", ""))) for d in dimensions or []))
