"""The load a benchmark's traffic pattern reaches: users over time, each a closed loop, against one endpoint, minute
by minute, until a stopping condition ends the load test (the performance model, `perf`, reads its peak).

The semantics, from the API reference (botocore's documentation of TrafficPattern, Phase, Stairs and
RecommendationJobStoppingConditions) first and the load-test guide second:

* A user is "a system-generated actor that runs in a loop and invokes requests" (load-test guide): it sends a
  request, waits for the answer (the model latency plus the request's time outside the model) and sends the next.
  One user at L ms sends at most 60000 / L requests a minute.
* A Phase starts with InitialNumberOfUsers ("how many concurrent users to start with") and adds SpawnRate users a
  minute ("how many new users to spawn in a minute"), evenly spread, for DurationInSeconds; each phase starts with
  its own initial users.
* Stairs: NumberOfSteps steps of DurationInSeconds each (the reference: "how long each traffic step should be"),
  UsersPerStep more users at each step. The load-test guide says instead that each step lasts
  DurationInSeconds / NumberOfSteps; where the two disagree the simulator follows the reference.
* A Default job's load test is the service's own and not published: here one user, growing by a factor of
  sqrt(2) a minute (rounded to whole users), until invocations flatten or the benchmark's time ends.
* StoppingConditions.MaxInvocations ("the maximum number of requests per minute expected for the endpoint") sizes
  the endpoint (`perf`) and does not end the test: the published load test, sized for 1000, reports 1113 at its
  latency threshold. A minute whose percentile latency is above the threshold ends the test, and the figures are
  then read where the latency reaches the threshold (that example reports ModelLatency equal to its 100 ms).
  With FlatInvocations Stop (the default) the test ends when invocations flatten: users grew and invocations
  hardly followed ("the instance has reached capacity"); with Continue it runs its whole pattern.

The queue: an instance serves `slots` requests at once, each taking `service_ms` unloaded; with `u` users the
slots' utilisation `rho` solves the closed loop `u = X (R + Z)`, where a request's latency `R` queues behind the
other users' load only (`s (1 + q / (c (1 - q)))`, `q = rho (u - 1) / u`): exact for one user (no queueing) and
for a single slot without overhead (`u` users wait `u s`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ircli.lib.units import reported_model_latency

SAMPLES_PER_MINUTE = 12
# A Default job's benchmark, when no plan gives its time: the load test of one wave of a 45-minute job.
DEFAULT_LOAD_SECONDS = 2280.0
DEFAULT_GROWTH = math.sqrt(2.0)  # a Default job's users grow by this factor a minute (doubling every two)
# Invocations flatten when they grow by less than this share of the users' growth over a minute.
FLAT_ELASTICITY = 0.1
PLATEAU_TOLERANCE = 0.03


@dataclass(frozen=True)
class Station:
    """One instance (or a serverless endpoint) as a queue."""

    service_ms: float  # one request's model latency without queueing
    slots: int  # requests served at once
    overhead_ms: float  # each user's time per request outside the model

    def busy(self, users: float) -> float:
        """The slots' utilisation with `users` closed-loop users."""
        if users <= 0:
            return 0.0
        ck = self.slots * (1.0 + self.overhead_ms / self.service_ms)
        m = (users - 1.0) / users if users > 1 else 0.0
        if m == 0.0:
            return min(users / ck, 1.0)
        a, b = m * (1.0 - ck), ck + users * m
        rho = 2.0 * users / (b + math.sqrt(max(0.0, b * b + 4.0 * a * users)))
        return min(rho, 1.0 - 1e-12)

    def per_minute(self, users: float) -> float:
        return self.busy(users) * self.slots / self.service_ms * 60_000.0

    def latency_ms(self, users: float) -> float:
        """The mean model latency a request sees with `users` users."""
        if users <= 1:
            return self.service_ms
        q = self.busy(users) * (users - 1.0) / users
        return self.service_ms * (1.0 + q / (self.slots * (1.0 - q)))

    def capacity(self, threshold_ms: float | None, factor: float, flattening: float) -> float:
        """What one instance serves a minute with as many users as it takes: where the percentile latency
        reaches the threshold, or at the `flattening` utilisation without one."""
        most = flattening * self.slots / self.service_ms * 60_000.0
        if threshold_ms is None:
            return most
        return min(most, self.per_minute(self.users_at_latency(threshold_ms / factor)))

    def users_at_latency(self, latency_ms: float) -> float:
        """How many users bring the mean latency to `latency_ms` (at least one)."""
        headroom = latency_ms / self.service_ms - 1.0
        if headroom <= 0:
            return 1.0
        q = headroom * self.slots / (1.0 + headroom * self.slots)
        return 1.0 + q * self.slots * (latency_ms + self.overhead_ms) / self.service_ms


@dataclass(frozen=True)
class Traffic:
    """A benchmark's traffic pattern (None: a Default job's) and the time its load test may take."""

    pattern: dict[str, Any] | None = None
    budget_seconds: float = DEFAULT_LOAD_SECONDS


DEFAULT_TRAFFIC = Traffic()


@dataclass(frozen=True)
class Segment:
    """A stretch of the traffic: `start` users, `increment` more every `every` seconds, for `seconds`."""

    seconds: float
    start: float
    increment: float = 0.0
    every: float = math.inf

    def users(self, t: float) -> float:
        return self.start + self.increment * math.floor(t / self.every) if self.increment else self.start


def segments(traffic: dict[str, Any] | None, budget_seconds: float) -> list[Segment]:
    """The traffic pattern as segments; a Default job's (None) fills the benchmark's time."""
    if not traffic:
        count = max(1, math.ceil(budget_seconds / 60.0))
        return [Segment(60.0, float(max(1, round(DEFAULT_GROWTH ** min(i, 80))))) for i in range(count)]
    if traffic.get("TrafficType") == "STAIRS" or ("Stairs" in traffic and not traffic.get("Phases")):
        stairs = traffic.get("Stairs") or {}
        step, steps, per_step = stairs["DurationInSeconds"], stairs["NumberOfSteps"], stairs["UsersPerStep"]
        return [Segment(float(step * steps), float(per_step), float(per_step), float(step))]
    result = []
    for phase in traffic.get("Phases", []):
        rate = float(phase.get("SpawnRate", 0))
        every = 60.0 / rate if rate > 0 else math.inf
        result.append(Segment(float(phase["DurationInSeconds"]), float(phase["InitialNumberOfUsers"]), 1.0, every))
    return result


def pattern_seconds(traffic: dict[str, Any] | None) -> float | None:
    """How long a traffic pattern lasts (None for a Default job's, which fills the benchmark's time)."""
    return sum(s.seconds for s in segments(traffic, 0)) if traffic else None


def users_over_time(parts: list[Segment]) -> Iterator[tuple[float, float]]:
    """(seconds from the test's start, users) at SAMPLES_PER_MINUTE points a minute."""
    offset = 0.0
    step = 60.0 / SAMPLES_PER_MINUTE
    for part in parts:
        t = step / 2
        while t < part.seconds:
            yield offset + t, part.users(t)
            t += step
        offset += part.seconds


@dataclass(frozen=True)
class Minute:
    users: float  # the endpoint's users, on average over the minute
    invocations: float  # the endpoint's invocations in the minute
    latency_ms: float  # the percentile latency of the minute (its busiest moment)
    busy: float  # one instance's utilisation


@dataclass(frozen=True)
class LoadTest:
    """What a load test reached: its peak (the most invocations a minute while the conditions held), the
    percentile latency and utilisation there, why and when it stopped, and its minutes."""

    peak: float
    latency_ms: float
    busy: float
    seconds: float
    stopped_by: str  # "pattern" (its end), "latency" or "flat"
    minutes: tuple[Minute, ...]

    def figures(self, variation: float) -> dict[str, Any]:
        """The figures as a benchmark's members; run-to-run `variation` shapes the throughput measured, never
        the latency that decides whether the threshold is met."""
        return {
            "max_invocations": max(1, int(self.peak * variation)),
            "model_latency_ms": reported_model_latency(self.latency_ms),
            "load_seconds": self.seconds,
            "stopped_by": self.stopped_by,
            "minutes": tuple(
                (round(m.users, 2), round(m.invocations * variation, 1), round(m.latency_ms, 2)) for m in self.minutes
            ),
        }


@dataclass(frozen=True)
class Limits:
    percentile_factor: float
    threshold_ms: float | None = None
    flat_stop: bool = True


def _minutes(station: Station, count: int, parts: list[Segment], factor: float) -> Iterator[tuple[float, Minute]]:
    samples: list[float] = []
    minute_end = 60.0
    last_t = 0.0
    for t, users in users_over_time(parts):
        if t >= minute_end and samples:
            yield minute_end, _minute(station, count, samples, factor)
            samples, minute_end = [], minute_end + 60.0
        samples.append(users)
        last_t = t
    if samples:
        yield min(minute_end, last_t + 60.0 / SAMPLES_PER_MINUTE / 2), _minute(station, count, samples, factor)


def _minute(station: Station, count: int, samples: list[float], factor: float) -> Minute:
    invocations = sum(count * station.per_minute(u / count) for u in samples) / len(samples)
    busiest = max(samples) / count
    return Minute(sum(samples) / len(samples), invocations, factor * station.latency_ms(busiest), station.busy(busiest))


def run(station: Station, count: int, parts: list[Segment], limits: Limits) -> LoadTest:
    """The load test of an endpoint of `count` such instances, the users shared evenly among them."""
    held: list[Minute] = []
    minutes: list[Minute] = []
    seconds, stopped_by = 0.0, "pattern"
    for end, minute in _minutes(station, count, parts, limits.percentile_factor):
        seconds = end
        minutes.append(minute)
        if limits.threshold_ms is not None and minute.latency_ms > limits.threshold_ms:
            # Read where the latency reaches the threshold, between the last minute within it and this one.
            users = station.users_at_latency(limits.threshold_ms / limits.percentile_factor)
            held.append(
                Minute(users * count, count * station.per_minute(users), limits.threshold_ms, station.busy(users))
            )
            stopped_by = "latency"
            break
        held.append(minute)
        if limits.flat_stop and len(held) > 1 and _flattened(held[-2], minute):
            stopped_by = "flat"
            break
    tolerance = PLATEAU_TOLERANCE if stopped_by == "flat" else 0.0
    best = _peak(held, tolerance) if held else Minute(0.0, 0.0, 0.0, 0.0)
    return LoadTest(best.invocations, best.latency_ms, best.busy, seconds, stopped_by, tuple(minutes))


def _peak(held: list[Minute], tolerance: float) -> Minute:
    """The minute of the most invocations. Where the test stopped because invocations flattened, minutes within
    `tolerance` of the highest are the same load within a load test's minute-to-minute variation, and the figures
    are read where that plateau begins. Otherwise (Continue, which keeps loading the endpoint at capacity, or a
    pattern that never flattened) it is the highest minute, with the latency its users queued to: a latency
    threshold is what bounds that."""
    top = max(held, key=lambda m: m.invocations)
    return next(m for m in held if m.invocations >= (1.0 - tolerance) * top.invocations)


def _flattened(before: Minute, now: Minute) -> bool:
    if now.users <= before.users * 1.01 or before.invocations <= 0:
        return False
    users_growth = now.users / before.users - 1.0
    return now.invocations / before.invocations - 1.0 < FLAT_ELASTICITY * users_growth
