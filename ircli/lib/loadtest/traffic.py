"""A job's TrafficPattern and StoppingConditions as a load test runs them.

The traffic is a schedule of load levels, each a stretch of constant users (the closed loops that invoke
the endpoint one request after another), read as the API reference and the load-test guide define it and
as `ircli.lib.progress` reads it for a running job:

* Phases run one after another; a phase starts with its InitialNumberOfUsers and adds SpawnRate users a
  minute for its DurationInSeconds, so each level of a phase lasts 60 / SpawnRate seconds (the whole
  phase when SpawnRate is 0).
* Stairs: NumberOfSteps steps of DurationInSeconds / NumberOfSteps seconds each, step n with
  n x UsersPerStep users.

The service's minimums and maximums (InitialNumberOfUsers 1-3, SpawnRate 0-3, 120-3600 s, MaxInvocations
1-30000) are warnings here: a short local test is a useful smoke test, but the request would be refused as a
job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ircli.errors import InputError
from ircli.lib.rules import create_job_rules

# The service stops a test at "flat invocations" when added users bring no more throughput: here, a level
# whose rate rose by less than this share of what the added users would bring at the previous level's rate.
FLAT_GAIN = 0.25
DEFAULT_PERCENTILE = "P95"
MAX_LEVELS = 10_000
MAX_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Level:
    """One stretch of constant load: `users` closed loops from `start` for `seconds` (seconds of the test)."""

    index: int
    start: float
    seconds: float
    users: int
    label: str

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True)
class Conditions:
    """StoppingConditions as the load test applies them."""

    max_invocations: int | None = None  # per minute: the test stops once a level reaches it
    percentile: str = DEFAULT_PERCENTILE  # the threshold's percentile, also the one ModelLatency reports
    threshold_ms: float | None = None
    stop_when_flat: bool = True  # FlatInvocations: Stop (the default) or Continue

    @property
    def quantile(self) -> float:
        return percentile_quantile(self.percentile)

    def to_request(self) -> dict[str, Any]:
        stopping: dict[str, Any] = {"FlatInvocations": "Stop" if self.stop_when_flat else "Continue"}
        if self.max_invocations is not None:
            stopping["MaxInvocations"] = self.max_invocations
        if self.threshold_ms is not None:
            stopping["ModelLatencyThresholds"] = [
                {"Percentile": self.percentile, "ValueInMilliseconds": round(self.threshold_ms)}
            ]
        return stopping


@dataclass(frozen=True)
class Traffic:
    """The whole load test: its levels, its conditions, and the request members they came from."""

    levels: tuple[Level, ...]
    conditions: Conditions
    pattern: dict[str, Any]  # the TrafficPattern, as the API shapes it
    warnings: tuple[str, ...] = field(default=())

    @property
    def seconds(self) -> float:
        return self.levels[-1].end if self.levels else 0.0

    def level_at(self, elapsed: float) -> Level | None:
        for level in self.levels:
            if level.start <= elapsed < level.end:
                return level
        return None


def percentile_quantile(text: str) -> float:
    """`P95` -> 0.95, `P99.9` -> 0.999."""
    value = text.strip().upper()
    try:
        number = float(value[1:]) if value.startswith("P") else math.nan
    except ValueError:
        number = math.nan
    if not (0 < number <= 100):
        raise InputError(f"Bad percentile {text!r}.", hint="Use P50, P90, P95, P99 or the like.")
    return number / 100.0


def _int(value: Any, where: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise InputError(f"{where} must be a whole number (got {value!r}).")
    if int(value) < low:
        raise InputError(f"{where} must be {low} or more (got {int(value)}).")
    return int(value)


def phase_levels(phases: list[Any]) -> list[Level]:
    levels: list[Level] = []
    start = 0.0
    for number, phase in enumerate(phases, 1):
        if not isinstance(phase, dict):
            raise InputError(f"TrafficPattern.Phases[{number - 1}] must be an object.")
        where = f"TrafficPattern.Phases[{number - 1}]"
        users = _int(phase.get("InitialNumberOfUsers", 1), f"{where}.InitialNumberOfUsers", 1)
        rate = _int(phase.get("SpawnRate", 0), f"{where}.SpawnRate")
        seconds = float(_int(phase.get("DurationInSeconds"), f"{where}.DurationInSeconds", 1))
        step = 60.0 / rate if rate else seconds
        offset = 0.0
        while offset < seconds - 1e-9:
            length = min(step, seconds - offset)
            levels.append(Level(len(levels), start + offset, length, users, f"phase {number} at {users} users"))
            offset += length
            users += 1
            if len(levels) > MAX_LEVELS:
                raise InputError("The traffic pattern has more load levels than ircli runs (10,000).")
        start += seconds
    return levels


def stair_levels(stairs: dict[str, Any]) -> list[Level]:
    steps = _int(stairs.get("NumberOfSteps", 1), "TrafficPattern.Stairs.NumberOfSteps", 1)
    per_step = _int(stairs.get("UsersPerStep", 1), "TrafficPattern.Stairs.UsersPerStep", 1)
    seconds = float(_int(stairs.get("DurationInSeconds"), "TrafficPattern.Stairs.DurationInSeconds", 1))
    if steps > MAX_LEVELS:
        raise InputError("The traffic pattern has more load levels than ircli runs (10,000).")
    length = seconds / steps
    return [
        Level(n - 1, (n - 1) * length, length, n * per_step, f"stair {n}/{steps} at {n * per_step} users")
        for n in range(1, steps + 1)
    ]


def conditions_from(stopping: dict[str, Any] | None) -> Conditions:
    stopping = stopping or {}
    if not isinstance(stopping, dict):
        raise InputError("StoppingConditions must be an object.")
    thresholds = stopping.get("ModelLatencyThresholds") or []
    if not isinstance(thresholds, list) or not all(isinstance(t, dict) for t in thresholds):
        raise InputError("StoppingConditions.ModelLatencyThresholds must be a list of objects.")
    first = thresholds[0] if thresholds else {}
    percentile = str(first.get("Percentile") or DEFAULT_PERCENTILE)
    percentile_quantile(percentile)
    threshold = first.get("ValueInMilliseconds")
    flat = str(stopping.get("FlatInvocations") or "Stop")
    if flat not in ("Stop", "Continue"):
        raise InputError(f"StoppingConditions.FlatInvocations must be Stop or Continue (got {flat!r}).")
    maximum = stopping.get("MaxInvocations")
    return Conditions(
        max_invocations=_int(maximum, "StoppingConditions.MaxInvocations", 1) if maximum is not None else None,
        percentile=percentile.upper(),
        threshold_ms=float(_int(threshold, "ModelLatencyThresholds[0].ValueInMilliseconds", 1))
        if threshold is not None
        else None,
        stop_when_flat=flat == "Stop",
    )


def traffic_from(pattern: dict[str, Any] | None, stopping: dict[str, Any] | None) -> Traffic:
    """The load test a TrafficPattern and StoppingConditions describe, with the service's limits as warnings."""
    pattern = pattern or {}
    if not isinstance(pattern, dict):
        raise InputError("TrafficPattern must be an object.")
    phases, stairs = pattern.get("Phases"), pattern.get("Stairs")
    if phases and stairs:
        raise InputError("Give TrafficPattern.Phases or TrafficPattern.Stairs, not both.")
    if stairs:
        if not isinstance(stairs, dict):
            raise InputError("TrafficPattern.Stairs must be an object.")
        levels = stair_levels(stairs)
    elif phases:
        if not isinstance(phases, list):
            raise InputError("TrafficPattern.Phases must be a list.")
        levels = phase_levels(phases)
    else:
        raise InputError(
            "The load test needs a traffic pattern.",
            hint="Give --phase or --stairs, or a request file with InputConfig.TrafficPattern.",
        )
    if levels[-1].end > MAX_SECONDS:
        raise InputError("The traffic pattern lasts more than 24 hours; ircli runs shorter load tests.")
    conditions = conditions_from(stopping)
    request: dict[str, Any] = {
        "InputConfig": {"TrafficPattern": pattern},
        "StoppingConditions": stopping or {},
    }
    warnings = tuple(
        f"{violation} - the service would refuse this as a job; ircli runs it as a local test."
        for violation in create_job_rules(request)
        if violation.path[:2] == ("InputConfig", "TrafficPattern") or violation.path[:1] == ("StoppingConditions",)
    )
    return Traffic(tuple(levels), conditions, pattern, warnings)
