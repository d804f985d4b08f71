"""Expected traffic: invocations per minute for each hour of a day (24 values) or of a week (168), read
from a file (CSV, JSON or YAML) or shaped from an average and a peak. Cost estimates run over it."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

from ircli.errors import InputError

HOURS = (24, 168)
MAX_PER_MINUTE = 1e12  # beyond any endpoint; a larger figure is a typo


@dataclass(frozen=True)
class TrafficProfile:
    per_minute: tuple[float, ...]  # each hour's invocations per minute
    source: str  # how the profile was made, said with the figures

    @property
    def average(self) -> float:
        return sum(self.per_minute) / len(self.per_minute)

    @property
    def peak(self) -> float:
        return max(self.per_minute)

    @property
    def trough(self) -> float:
        return min(self.per_minute)


def from_average_and_peak(average: float, peak: float) -> TrafficProfile:
    """A day shaped from two figures: a sine between 2 x average - peak and the peak when that is not
    negative (its mean is the average); otherwise the peak for as many hours as the average allows and no
    traffic in the others (spiky traffic)."""
    _check_figure("--average-per-minute", average)
    _check_figure("--peak-per-minute", peak)
    if peak < average:
        raise InputError(f"--peak-per-minute ({peak:g}) is below --average-per-minute ({average:g}).")
    if peak == 0:
        raise InputError("--peak-per-minute must be more than 0.")
    if 2 * average >= peak:
        amplitude = peak - average
        # Peak at 14:00, trough at 02:00.
        values = tuple(average + amplitude * math.cos(2 * math.pi * (hour - 14) / 24) for hour in range(24))
        shape = f"a daily sine between {2 * average - peak:,.0f} and {peak:,.0f} invocations/min"
        return TrafficProfile(values, f"average {average:,.0f}/min, peak {peak:,.0f}/min ({shape})")
    busy = max(1, round(24 * average / peak))
    values = tuple(peak if hour < busy else 0.0 for hour in range(24))
    shape = f"{peak:,.0f}/min for {busy} h a day, no traffic otherwise"
    return TrafficProfile(values, f"average {average:,.0f}/min, peak {peak:,.0f}/min ({shape})")


def from_values(values: list[Any], name: str) -> TrafficProfile:
    if len(values) not in HOURS:
        raise InputError(
            f"{name} has {len(values)} values; a traffic profile has one per hour of a day (24) or a week (168)."
        )
    numbers = []
    for hour, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{name}: hour {hour} is {value!r}, not a number of invocations per minute.")
        _check_figure(f"{name}: hour {hour}", float(value))
        numbers.append(float(value))
    if not any(numbers):
        raise InputError(f"{name} has no traffic in any hour.")
    period = "day" if len(numbers) == 24 else "week"
    return TrafficProfile(tuple(numbers), f"{name}: invocations per minute for each hour of a {period}")


def from_document(document: Any, name: str) -> TrafficProfile:
    """A JSON or YAML profile: a list of numbers, or a mapping whose `InvocationsPerMinute` is one."""
    if isinstance(document, dict):
        document = document.get("InvocationsPerMinute")
    if not isinstance(document, list):
        raise InputError(
            f"{name} is not a traffic profile: give a list of 24 or 168 numbers, or a mapping whose "
            "InvocationsPerMinute is one."
        )
    return from_values(document, name)


def from_csv(text: str, name: str) -> TrafficProfile:
    """A CSV profile: one row an hour, the invocations per minute in its last column (an `hour,...` first
    column and a header row are allowed)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    values: list[Any] = []
    for number, row in enumerate(rows, 1):
        cell = row[-1].strip()
        try:
            values.append(float(cell))
        except ValueError:
            if number == 1:
                continue  # a header
            raise InputError(f"{name}, row {number}: {cell!r} is not a number of invocations per minute.") from None
    return from_values(values, name)


def _check_figure(name: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{name} must be 0 or more invocations per minute (got {value:g}).")
    if value > MAX_PER_MINUTE:
        raise InputError(f"{name} ({value:g} invocations per minute) is beyond any endpoint's reach.")


def load_profile(value: str, *, stdin: Any = None) -> TrafficProfile:
    """A traffic profile from a path (`file://` allowed) or `-`: CSV by a `.csv` name, else JSON or YAML."""
    from ircli.lib.inputs import DocumentFormat, check_separators, decode_text, detect_format, parse_value, read_source

    data, label = read_source(value, stdin=stdin)
    if value.lower().endswith(".csv"):
        text = decode_text(data, label)
        check_separators(text, label)
        return from_csv(text, label)
    fmt = detect_format(value) if value != "-" else DocumentFormat.YAML
    return from_document(parse_value(data, fmt, label, expected="a traffic profile has 24 or 168 values"), label)
