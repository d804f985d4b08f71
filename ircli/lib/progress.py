"""What a running job's benchmarks are doing: for each, its stage (waiting, deploying its endpoint, the
load test and which phase or stair of it, done) and how far its load test has got against how long it is
expected to take. Worked out from the job's description and steps alone, so it reads the same from the
service and from the simulator."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ircli.lib.labels import endpoint_label
from ircli.lib.service import TERMINAL_STATUSES

# A Default job completes within about 45 minutes (developer guide); a few of them go to starting the job
# and deploying the endpoints, the rest to the load test the service chooses.
DEFAULT_LOAD_TEST_SECONDS = 2280.0


@dataclass(frozen=True)
class Segment:
    """One stretch of a load test: a phase of Phases, a step of Stairs, or the service's own pattern."""

    seconds: float
    label: str


@dataclass(frozen=True)
class BenchmarkState:
    endpoint: str
    environment: dict[str, str]
    status: str
    stage: str  # waiting | deploying | load test... | done | failed | stopped
    elapsed: float | None  # seconds of load test so far, or that it took (wall clock)
    expected: float | None  # seconds the load test is expected to take (wall clock)

    @property
    def fraction(self) -> float:
        """How much of this benchmark is done, 0 to 1; a running one is never shown finished."""
        if self.status in TERMINAL_STATUSES:
            return 1.0
        if self.elapsed is None or not self.expected:
            return 0.0
        return min(0.99, self.elapsed / self.expected)


def load_test_segments(job: dict[str, Any]) -> list[Segment]:
    """The load test each benchmark runs, in the service's seconds, from the job's TrafficPattern."""
    traffic = job.get("InputConfig", {}).get("TrafficPattern") or {}
    if job.get("JobType") != "Advanced" or not traffic:
        return [Segment(DEFAULT_LOAD_TEST_SECONDS, "load test")]
    phases = traffic.get("Phases") or []
    if phases:
        users, segments = 0.0, []
        for number, phase in enumerate(phases, 1):
            seconds = float(phase.get("DurationInSeconds", 0))
            users = float(phase.get("InitialNumberOfUsers", users))
            users_at_end = users + float(phase.get("SpawnRate", 0)) * seconds / 60
            label = f"phase {number}/{len(phases)} at {users:g}->{users_at_end:g} users"
            segments.append(Segment(seconds, label))
            users = users_at_end
        return segments
    stairs = traffic.get("Stairs") or {}
    count = max(1, int(stairs.get("NumberOfSteps", 1)))
    # "How long each traffic step should be" (API reference); the load-test guide's Duration / Steps is not it.
    per_step = float(stairs.get("DurationInSeconds", 0))
    users_per_step = int(stairs.get("UsersPerStep", 1))
    return [Segment(per_step, f"stair {n}/{count} at {n * users_per_step} users") for n in range(1, count + 1)]


def _epoch(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _took(benchmark: dict[str, Any]) -> float | None:
    start, end = _epoch(benchmark.get("InvocationStartTime")), _epoch(benchmark.get("InvocationEndTime"))
    return end - start if start is not None and end is not None and end >= start else None


def _wall(took: float | None, time_scale: float, status: str) -> float | None:
    """How long a completed benchmark's load test took on the wall clock."""
    return took * time_scale if took is not None and status == "COMPLETED" else None


def _observed_seconds(steps: list[dict[str, Any]]) -> float | None:
    """How long this job's finished load tests took: the best estimate for the ones still running."""
    durations = [
        took
        for step in steps
        if step.get("Status") == "COMPLETED" and (took := _took(step.get("InferenceBenchmark", {}))) is not None
    ]
    return statistics.median(durations) if durations else None


def benchmark_states(
    job: dict[str, Any], steps: list[dict[str, Any]], *, now: float, time_scale: float
) -> list[BenchmarkState]:
    """Each benchmark's state at `now`, as the job's timestamps count time (epoch seconds: the wall clock
    for the service; the simulator says where its clock is, `JobProgress.clock`). `time_scale` is wall
    seconds per second of the service's time (1 for the service; the simulator's speed): timestamps keep
    the service's pace, so their differences times `time_scale` are wall seconds. Once a benchmark has
    finished, its measured duration replaces the estimate."""
    segments = load_test_segments(job)
    planned = sum(segment.seconds for segment in segments)
    observed = _observed_seconds(steps)
    observed = None if observed is None else observed * time_scale
    expected = observed if observed is not None else planned * time_scale
    states = []
    for step in steps:
        benchmark = step.get("InferenceBenchmark", {})
        status = str(step.get("Status", ""))
        started = _epoch(benchmark.get("InvocationStartTime"))
        elapsed = None if started is None else max(0.0, now - started) * time_scale
        if status in TERMINAL_STATUSES:
            stage = {"COMPLETED": "done", "FAILED": "failed", "STOPPED": "stopped"}[status]
        elif status != "IN_PROGRESS":
            stage = "waiting"
        elif elapsed is None:
            stage = "deploying endpoint"
        else:
            stage = _stage_at(segments, elapsed / (expected / planned) if expected and planned else 0.0)
        states.append(
            BenchmarkState(
                endpoint=endpoint_label(benchmark.get("EndpointConfiguration", {})),
                environment={
                    str(p.get("Key")): str(p.get("Value"))
                    for p in benchmark.get("ModelConfiguration", {}).get("EnvironmentParameters") or []
                },
                status=status,
                stage=stage,
                elapsed=elapsed if status == "IN_PROGRESS" else _wall(_took(benchmark), time_scale, status),
                expected=expected if status == "IN_PROGRESS" else None,
            )
        )
    return states


def _stage_at(segments: list[Segment], service_seconds: float) -> str:
    """The segment of the load test `service_seconds` into it; past the plan, the last one."""
    if len(segments) == 1:
        return segments[0].label
    passed = 0.0
    for segment in segments:
        passed += segment.seconds
        if service_seconds < passed:
            return segment.label
    return segments[-1].label


def overall_fraction(states: list[BenchmarkState]) -> float:
    return sum(state.fraction for state in states) / len(states) if states else 0.0
