"""How a job's simulated time relates to the wall clock, at every speed (the README's "The simulator's
clock").

A job's plan is laid out in the service's own seconds (a Default job about 45 minutes, each benchmark its
load test's length). The simulation speed `factor` (wall seconds per second of the service's time: 1 at
realtime, 1/90 by default, 0 at instant speed) says how long the job takes on the wall clock; the job's
timestamps keep the service's spacing, and its timeline ends at the wall-clock moment the job ends. So the
job's CreationTime is the moment of the request moved back by (1 - factor) x its duration: nothing moves
at realtime, and at instant speed a Default job created now completed now and was created 45 minutes ago.

Whether something has happened is a wall-clock question (`wall`); what a response shows is `shown`.
Every shown moment is at or before the wall-clock moment it happens, so nothing shows in the future, and
a metrics window taken from the job's own timestamps holds its datapoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def backdated(now: float, duration: float, factor: float) -> float:
    """The shown start of something that starts now and takes `duration` of the service's seconds."""
    return now - duration * (1.0 - min(1.0, factor))


@dataclass(frozen=True)
class JobTimeline:
    created: float  # the job's shown CreationTime
    wall_end: float  # the wall-clock moment the job's plan ends
    duration: float  # the plan's length, in the service's seconds
    factor: float  # wall seconds per second of the service's time

    @classmethod
    def of(cls, row: Any, plan: dict[str, Any]) -> JobTimeline:
        """A stored job's timeline. Plans stored before this layout carry only wall-clock offsets: their
        timestamps were the wall clock's, and stay so."""
        service = plan.get("service")
        if service is None:
            return cls(float(row["created"]), float(row["ends_at"]), float(plan["ends"]), 1.0)
        return cls(float(row["created"]), float(row["ends_at"]), float(service["ends"]), float(plan["factor"]))

    def shown(self, offset: float) -> float:
        """The timestamp of the moment `offset` service seconds after the job's creation."""
        return self.created + offset

    def wall(self, offset: float) -> float:
        """When that moment comes on the wall clock."""
        return self.wall_end - (self.duration - offset) * self.factor

    def shown_at(self, wall: float) -> float:
        """The timestamp of a wall-clock moment (a stop request): the service's pace while the plan runs,
        the wall clock after it."""
        if self.factor <= 0 or wall >= self.wall_end:
            return wall
        return self.wall_end + (wall - self.wall_end) / min(1.0, self.factor)

    def halted(self, stop_at: float | None, failed: bool) -> float | None:
        """Where a stop request (at wall-clock `stop_at`) or the job's failure cut its plan, as an offset in
        the service's seconds (at instant speed every wall-clock moment of a plan is the same one, so the
        plan's own offsets order its events); None when nothing cut it."""
        if stop_at is not None:
            return self.shown_at(stop_at) - self.created
        return self.duration if failed else None

    def service_seconds(self, wall_seconds: float) -> float:
        """A wall-clock span (stopping) as the service's seconds."""
        return wall_seconds / self.factor if self.factor > 0 else wall_seconds


def step_offsets(step: dict[str, Any]) -> tuple[float, float, float]:
    """A benchmark's start, the start of its invocations and its end, in the service's seconds after the
    job's creation (older plans: their wall-clock offsets, and a start of invocations with the step)."""
    at = step.get("at")
    if at is not None:
        return float(at["start"]), float(at["invocations"]), float(at["end"])
    return float(step["start"]), float(step.get("invocations", step["start"])), float(step["end"])
