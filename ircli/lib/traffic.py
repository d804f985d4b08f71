"""Expected traffic: invocations per minute for each hour of a day (24 values) or of a week (168), read
from a file (CSV, JSON or YAML) or shaped from an average and a peak. Cost estimates run over it.

A CSV is read by one rule, never guessed at (README, cost-estimate): LF, CRLF or CR line ends; cells
separated by `;` when any line holds one, else by `,`; a row is the invocations per minute, alone or after
the hour; a first row with no digit in its last cell is a header. The decimal mark is `.` in a
`,`-separated file and `,` or `.` in a `;`-separated one (`0;10,5` is 10.5). What could be read two ways is
refused: a third cell (`0,10,5`: a decimal comma between commas), a comma inside a `,`-separated number,
digit grouping (`1.000` in a `;`-separated file, where `.` groups thousands), both marks in one number."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from typing import Any

from ircli.errors import InputError

HOURS = (24, 168)
# The scaling recommendation the estimate asks for carries the traffic's range as 32-bit integers
# (ScalingPolicyObjective.MinInvocationsPerMinute and MaxInvocationsPerMinute in the API model).
MAX_PER_MINUTE = 2**31 - 1
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


@dataclass(frozen=True)
class TrafficProfile:
    per_minute: tuple[float, ...]  # each hour's invocations per minute
    source: str  # how the profile was made, said with the figures
    # What ircli assumed that the user did not say (the traffic between peaks), and how to say otherwise.
    assumed: str = ""

    @property
    def average(self) -> float:
        return sum(self.per_minute) / len(self.per_minute)

    @property
    def peak(self) -> float:
        return max(self.per_minute)

    @property
    def trough(self) -> float:
        return min(self.per_minute)

    @property
    def starts_from_zero(self) -> int:
        """How many times a period the traffic starts after an hour with none (the period wraps around)."""
        values = self.per_minute
        return sum(1 for hour, load in enumerate(values) if load > 0 and values[hour - 1] == 0)


def from_average_and_peak(average: float, peak: float, baseline: float | None = None) -> TrafficProfile:
    """A day shaped from two figures: a sine between 2 x average - peak and the peak when that is not
    negative (its mean is the average); otherwise the peak for as many hours as the average allows and no
    traffic in the others (spiky traffic), an assumption the profile states. With `baseline` (the traffic
    between peaks), the peak for as many hours as keep the average and the baseline in the others."""
    _check_figure("--average-per-minute", average)
    _check_figure("--peak-per-minute", peak)
    if peak < average:
        raise InputError(f"--peak-per-minute ({peak:g}) is below --average-per-minute ({average:g}).")
    if peak == 0:
        raise InputError("--peak-per-minute must be more than 0.")
    if baseline is not None:
        return _peaks_over_baseline(average, peak, baseline)
    if 2 * average >= peak:
        amplitude = peak - average
        # Peak at 14:00, trough at 02:00.
        values = tuple(average + amplitude * math.cos(2 * math.pi * (hour - 14) / 24) for hour in range(24))
        shape = f"a daily sine between {2 * average - peak:,.0f} and {peak:,.0f} invocations/min"
        return TrafficProfile(values, f"average {average:,.0f}/min, peak {peak:,.0f}/min ({shape})")
    busy = max(1, round(24 * average / peak))
    values = tuple(peak if hour < busy else 0.0 for hour in range(24))
    shape = f"{peak:,.0f}/min for {busy} h a day, no traffic otherwise"
    assumed = (
        f"no traffic at all in the other {24 - busy} h of the day (set the traffic between peaks with "
        "--baseline-per-minute N)"
    )
    return TrafficProfile(values, f"average {average:,.0f}/min, peak {peak:,.0f}/min ({shape})", assumed)


def _peaks_over_baseline(average: float, peak: float, baseline: float) -> TrafficProfile:
    _check_figure("--baseline-per-minute", baseline)
    if baseline > average:
        raise InputError(f"--baseline-per-minute ({baseline:g}) is above --average-per-minute ({average:g}).")
    if peak == baseline:  # then the average is theirs too: the same traffic every hour
        shape = f"{peak:,.0f}/min all day"
        return TrafficProfile((peak,) * 24, f"average {average:,.0f}/min, peak {peak:,.0f}/min ({shape})")
    # Hours at the peak, the last one partly, so that the day's mean is the average exactly.
    busy = 24 * (average - baseline) / (peak - baseline)
    if busy < 1:
        raise InputError(_short_peak(average, peak, baseline, busy))
    full = int(busy)
    values = tuple(
        peak if hour < full else (baseline + (busy - full) * (peak - baseline) if hour == full else baseline)
        for hour in range(24)
    )
    shape = f"{peak:,.0f}/min for {hours(busy)} h a day, {baseline:,.0f}/min otherwise"
    return TrafficProfile(values, f"average {average:,.0f}/min, peak {peak:,.0f}/min ({shape})")


def _short_peak(average: float, peak: float, baseline: float, busy: float) -> str:
    """Why a baseline is refused: it leaves the peak, the busiest hour's traffic, less than an hour a day."""
    lasting = (
        f"--baseline-per-minute ({baseline:.15g}) would leave the peak ({peak:.15g}/min) {hours(busy)} h a day, but "
        "--peak-per-minute is the busiest hour's traffic: it lasts at least an hour."
    )
    most = (24 * average - peak) / 23  # the baseline whose peak lasts exactly one hour
    if most < 0:
        return (
            f"{lasting} A day whose busiest hour has {peak:.15g}/min averages at least {peak / 24:,.4g}/min: raise "
            "--average-per-minute or lower --peak-per-minute."
        )
    most_given = math.floor(most * 100) / 100
    return f"{lasting} With an average of {average:.15g}/min, give at most {most_given:g}, or leave it out."


def hours(value: float) -> str:
    """Hours as people write them: 2.47, 1, 23.9 (never 2.4e-06)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


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
    """A CSV profile, read by the module's rule."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    separator = ";" if ";" in text else ","
    rows = [row for row in csv.reader(lines, delimiter=separator) if any(cell.strip() for cell in row)]
    values: list[Any] = []
    for number, row in enumerate(rows, 1):
        cell = row[-1].strip()
        if number == 1 and not any(c.isdigit() for c in cell):
            continue  # a header
        if len(row) > 2:
            raise InputError(
                f"{name}, row {number} has {len(row)} cells separated by {separator!r}; a row holds the invocations "
                "per minute, alone or after the hour (with a decimal comma, separate the cells with ';': 0;10,5)."
            )
        values.append(_csv_number(cell, separator, f"{name}, row {number}"))
    return from_values(values, name)


def _csv_number(cell: str, separator: str, where: str) -> float:
    if separator == ";" and "," in cell:
        if "." in cell:
            raise InputError(f"{where}: {cell!r} has both '.' and ','; write the number without digit grouping.")
        cell = cell.replace(",", ".")
    elif separator == ";" and _GROUPED.fullmatch(cell):
        raise InputError(
            f"{where}: {cell!r} could be a decimal or thousands grouped with '.'; in a ';'-separated file write "
            "it without grouping, with a decimal comma if it has a fraction (1234 or 1,234)."
        )
    elif "," in cell:
        raise InputError(
            f"{where}: {cell!r} has a comma in a ','-separated file (a decimal comma or digit grouping?); write "
            "1234.5, or separate the cells with ';' to use a decimal comma (0;1234,5)."
        )
    if not _NUMBER.fullmatch(cell):
        raise InputError(f"{where}: {cell!r} is not a number of invocations per minute.")
    return float(cell)


def _check_figure(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number of invocations per minute (got {value:g}).")
    if value < 0:
        raise InputError(f"{name} must be 0 or more invocations per minute (got {value:g}).")
    if value > MAX_PER_MINUTE:
        raise InputError(
            f"{name} ({value:,.0f} invocations per minute) is more than a scaling request can express: at most "
            f"{MAX_PER_MINUTE:,} (GetScalingConfigurationRecommendation's MaxInvocationsPerMinute is a 32-bit "
            "integer)."
        )


def load_profile(value: str, *, stdin: Any = None) -> TrafficProfile:
    """A traffic profile from a path (`file://` allowed) or `-`: CSV by a `.csv` name, else JSON or YAML."""
    from ircli.lib.inputs import DocumentFormat, check_separators, decode_text, detect_format, parse_value, read_source

    data, label = read_source(value, stdin=stdin)
    if value.lower().endswith(".csv"):
        text = decode_text(data, label)
        # Every line end and either separator counts towards the bound.
        check_separators(text.replace("\r\n", "\n").replace("\r", "\n").replace(";", ","), label)
        return from_csv(text, label)
    fmt = detect_format(value) if value != "-" else DocumentFormat.YAML
    return from_document(parse_value(data, fmt, label, expected="a traffic profile has 24 or 168 values"), label)
