"""What a benchmark's load test did minute by minute, read from its job's plan: the users it ran, the
invocations it reached and the latency under that load. The one place the metrics read a plan, so they
follow whatever the performance model puts there.

A plan whose step carries its own minute-by-minute curve (`step["load"]`: a list of `{"offset",
"users", "invocations", "latency_ms"}`, offsets in the service's seconds after the job's creation) is
read as it is. Otherwise the curve follows the job's traffic pattern (Phases: InitialNumberOfUsers plus
SpawnRate users a minute, each phase for its DurationInSeconds; Stairs: UsersPerStep more users at each of
NumberOfSteps equal steps), or, for a Default job, users that grow over the first two thirds of the load
test and then hold. Closed-loop users send in proportion to their number until the endpoint saturates,
so the minute with the most users reaches the step's MaxInvocations, and its latency at the job's
percentile is the step's ModelLatency; lighter minutes are faster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ircli.simulator.common import stored_latency_ms
from ircli.simulator.timeline import step_offsets

UNLOADED_LATENCY_SHARE = 0.6  # the latency of a lightly loaded endpoint, as a share of the saturated one's


@dataclass(frozen=True)
class Minute:
    offset: float  # the minute's start, in the service's seconds after the job's creation
    users: int
    invocations: int  # in that minute, the whole endpoint's
    latency_ms: float  # the job's percentile of ModelLatency (P95 unless the job names another)


def load_curve(request: dict[str, Any], step: dict[str, Any]) -> list[Minute]:
    """The benchmark's minutes, oldest first; none for a benchmark that failed."""
    result = step["result"]
    if result.get("failure"):
        return []
    if step.get("load"):
        return [
            Minute(float(m["offset"]), int(m["users"]), int(m["invocations"]), float(m["latency_ms"]))
            for m in step["load"]
        ]
    _, start, end = step_offsets(step)
    minutes = max(1, int((end - start) // 60))
    peak, latency = int(result["max_invocations"]), float(stored_latency_ms(result))
    users = _users(request, minutes, peak, latency)
    most = max(users)
    curve = []
    for index, count in enumerate(users):
        share = count / most
        curve.append(
            Minute(
                start + 60 * index,
                count,
                peak if count == most else round(peak * share),
                latency * (UNLOADED_LATENCY_SHARE + (1 - UNLOADED_LATENCY_SHARE) * share**2),
            )
        )
    return curve


def _users(request: dict[str, Any], minutes: int, peak: int, latency_ms: float) -> list[int]:
    traffic = request.get("InputConfig", {}).get("TrafficPattern") or {}
    if request.get("JobType") == "Advanced" and traffic.get("Phases"):
        return _phases(traffic["Phases"], minutes)
    if request.get("JobType") == "Advanced" and traffic.get("Stairs"):
        return _stairs(traffic["Stairs"], minutes)
    # Users enough to keep the endpoint saturated (Little's law on the median latency), ramped up.
    needed = max(1, math.ceil(peak * latency_ms / 1.5 / 60_000))
    ramp = max(1, round(minutes * 2 / 3))
    return [max(1, min(needed, math.ceil(needed * (index + 1) / ramp))) for index in range(minutes)]


def _phases(phases: list[dict[str, Any]], minutes: int) -> list[int]:
    users: list[int] = []
    for phase in phases:
        initial, rate = int(phase.get("InitialNumberOfUsers", 1)), int(phase.get("SpawnRate", 0))
        length = max(1, int(phase.get("DurationInSeconds", 60)) // 60)
        users += [max(1, initial + rate * minute) for minute in range(length)]
    return _fit(users, minutes)


def _stairs(stairs: dict[str, Any], minutes: int) -> list[int]:
    steps = max(1, int(stairs.get("NumberOfSteps", 1)))
    per_step = max(1, int(stairs.get("UsersPerStep", 1)))
    length = max(1, int(stairs.get("DurationInSeconds", 60)) // 60)
    return _fit([per_step * (1 + min(steps - 1, minute * steps // length)) for minute in range(length)], minutes)


def _fit(users: list[int], minutes: int) -> list[int]:
    """The pattern over the load test's minutes: cut where it stopped early, held where it ran on."""
    return [users[min(index, len(users) - 1)] for index in range(minutes)] if users else [1] * minutes
