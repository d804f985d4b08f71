"""What a load test measured, and the same figures Inference Recommender reports.

`Measurements` collects every answer by load level and second (the engine fills one in each Locust process,
the master merges them); `evaluate` turns one level's answers into its rate and latency; `stop_reason`
applies the stopping conditions after each level as the service does (the latency threshold broken, the
MaxInvocations target reached, invocations flat); `summarise` picks MaxInvocations at the highest load that
met the conditions and ModelLatency at the threshold's percentile, in whole milliseconds.

A simulated endpoint's answers carry the latency it modelled (`cycle_ms`: that latency and the loop's time
outside the model, in the service's time): a level's rate is then its closed loops' own, users x 60000 / the
mean cycle a minute (Little's law), and its latencies are the modelled ones, so neither depends on how fast
this machine drove the loops, nor on the simulator's speed. Otherwise, times from a simulator are scaled
back to the service's time by its `x-ircli-time-scale` (wall seconds per second of the service's time):
latencies are divided by it and rates multiplied.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ircli.lib.loadtest.traffic import FLAT_GAIN, Conditions, Level, Traffic
from ircli.lib.units import reported_model_latency

MAX_ERROR_SAMPLES = 5
MAX_ERROR_BODY = 2000
# Latencies are kept as a histogram of logarithmic bins 0.5% wide (any percentile within 0.25%), so a long
# test at thousands of requests a second holds bins, not every answer, and sends its workers' reports small.
BINS_PER_E = 200


def latency_bin(latency_ms: float) -> int:
    return round(math.log(max(latency_ms, 1e-3)) * BINS_PER_E)


def bin_latency(index: int) -> float:
    return math.exp(index / BINS_PER_E)


@dataclass
class Bucket:
    """The answers of one second of one level."""

    latencies: dict[int, int] = field(default_factory=dict)  # successful answers: latency bin -> count
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    cycle_ms: float = 0.0  # modelled answers: the sum of their loops' cycles (latency + time outside the model)

    @property
    def answered(self) -> int:
        return sum(self.latencies.values())


@dataclass
class Measurements:
    """Every answer, by (level, second of the test); mergeable across processes as plain JSON."""

    buckets: dict[tuple[int, int], Bucket] = field(default_factory=lambda: defaultdict(Bucket))
    error_samples: list[dict[str, Any]] = field(default_factory=list)
    time_scale: float | None = None  # as the target said it (a simulator's x-ircli-time-scale)

    def add(
        self,
        level: int,
        second: int,
        latency_ms: float,
        *,
        ok: bool,
        status: str = "200",
        body: str = "",
        cycle_ms: float | None = None,
    ) -> None:
        bucket = self.buckets[(level, second)]
        bucket.statuses[status] = bucket.statuses.get(status, 0) + 1
        if ok:
            bucket.cycle_ms += cycle_ms or 0.0
            index = latency_bin(latency_ms)
            bucket.latencies[index] = bucket.latencies.get(index, 0) + 1
            return
        bucket.errors += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append({"Status": status, "Body": body[:MAX_ERROR_BODY], "Level": level})

    def to_json(self) -> dict[str, Any]:
        return {
            "buckets": [
                [level, second, [[k, n] for k, n in b.latencies.items()], b.errors, b.statuses, b.cycle_ms]
                for (level, second), b in self.buckets.items()
            ],
            "errors": self.error_samples,
        }

    def merge(self, data: dict[str, Any]) -> None:
        for level, second, latencies, errors, statuses, *cycles in data.get("buckets", []):
            bucket = self.buckets[(int(level), int(second))]
            bucket.cycle_ms += float(cycles[0]) if cycles else 0.0
            for index, count in latencies:
                bucket.latencies[int(index)] = bucket.latencies.get(int(index), 0) + int(count)
            bucket.errors += int(errors)
            for status, count in statuses.items():
                bucket.statuses[str(status)] = bucket.statuses.get(str(status), 0) + int(count)
        if data.get("time_scale") is not None:
            self.time_scale = float(data["time_scale"])
        for sample in data.get("errors", []):
            if len(self.error_samples) < MAX_ERROR_SAMPLES:
                self.error_samples.append(dict(sample))

    def clear(self) -> None:
        self.buckets.clear()
        self.error_samples.clear()

    def level_buckets(self, level: int) -> list[Bucket]:
        return [b for (index, _), b in self.buckets.items() if index == level]


def percentile(values: list[float], quantile: float) -> float | None:
    """Nearest-rank percentile, as load-testing tools report it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(quantile * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def merged(buckets: list[Bucket]) -> dict[int, int]:
    histogram: dict[int, int] = {}
    for bucket in buckets:
        for index, count in bucket.latencies.items():
            histogram[index] = histogram.get(index, 0) + count
    return histogram


def histogram_percentile(histogram: dict[int, int], quantile: float) -> float | None:
    """The nearest-rank percentile of a latency histogram, at its bin's latency."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(quantile * total))
    seen = 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen >= rank:
            return bin_latency(index)
    return bin_latency(max(histogram))


@dataclass(frozen=True)
class LevelResult:
    index: int
    label: str
    users: int
    seconds: float  # how long it ran (the last may be cut short)
    invocations: int  # successful answers
    errors: int
    per_minute: float  # successful answers per minute, in the service's time
    latency_ms: float | None  # at the conditions' percentile, in the service's time
    p50_ms: float | None
    met: bool  # the threshold held and nothing failed

    def to_document(self) -> dict[str, Any]:
        return {
            "Level": self.index + 1,
            "Label": self.label,
            "Users": self.users,
            "Seconds": round(self.seconds, 3),
            "Invocations": self.invocations,
            "Errors": self.errors,
            "InvocationsPerMinute": round(self.per_minute, 1),
            "LatencyMs": None if self.latency_ms is None else round(self.latency_ms, 3),
            "P50Ms": None if self.p50_ms is None else round(self.p50_ms, 3),
            "MetConditions": self.met,
        }


def evaluate(
    measurements: Measurements, level: Level, seconds: float, conditions: Conditions, time_scale: float = 1.0
) -> LevelResult:
    buckets = measurements.level_buckets(level.index)
    histogram = merged(buckets)
    answered = sum(histogram.values())
    errors = sum(b.errors for b in buckets)
    cycles = sum(b.cycle_ms for b in buckets)
    scale = 1.0 if cycles > 0 else time_scale if time_scale > 0 else 1.0  # modelled answers: the service's time
    ran = max(seconds, 1e-9)
    per_minute = level.users * 60000.0 * answered / cycles if cycles > 0 else answered / ran * 60.0 * scale
    at = histogram_percentile(histogram, conditions.quantile)
    p50 = histogram_percentile(histogram, 0.5)
    latency = None if at is None else at / scale
    met = (
        answered > 0
        and errors == 0
        and (conditions.threshold_ms is None or (latency is not None and latency <= conditions.threshold_ms))
    )
    return LevelResult(
        level.index,
        level.label,
        level.users,
        seconds,
        answered,
        errors,
        per_minute,
        latency,
        None if p50 is None else p50 / scale,
        met,
    )


def stop_reason(done: list[LevelResult], conditions: Conditions) -> str | None:
    """Why the service would stop after the last of `done` levels, or None to go on."""
    if not done:
        return None
    last = done[-1]
    if (
        conditions.threshold_ms is not None
        and last.latency_ms is not None
        and last.latency_ms > conditions.threshold_ms
    ):
        return (
            f"{conditions.percentile} latency {last.latency_ms:.1f} ms above the threshold of "
            f"{conditions.threshold_ms:g} ms"
        )
    if conditions.max_invocations is not None and last.met and last.per_minute >= conditions.max_invocations:
        return f"MaxInvocations reached ({last.per_minute:,.0f} >= {conditions.max_invocations:,} per minute)"
    if conditions.stop_when_flat and len(done) >= 2:
        before = done[-2]
        if last.users > before.users and before.per_minute > 0:
            expected_gain = before.per_minute * (last.users / before.users - 1.0)
            if last.per_minute - before.per_minute < FLAT_GAIN * expected_gain:
                return f"invocations flat ({before.per_minute:,.0f} -> {last.per_minute:,.0f} per minute)"
    return None


@dataclass(frozen=True)
class MinuteResult:
    minute: int
    invocations: int
    errors: int
    users: int
    p50_ms: float | None
    latency_ms: float | None

    def to_document(self, percentile_name: str) -> dict[str, Any]:
        return {
            "Minute": self.minute + 1,
            "Invocations": self.invocations,
            "Errors": self.errors,
            "Users": self.users,
            "P50Ms": None if self.p50_ms is None else round(self.p50_ms, 3),
            f"{percentile_name}Ms": None if self.latency_ms is None else round(self.latency_ms, 3),
        }


def _modelled_rates(measurements: Measurements, traffic: Traffic) -> dict[int, float]:
    """Each level of modelled answers: its closed loops' invocations a second, in the service's time."""
    answered: dict[int, int] = defaultdict(int)
    cycles: dict[int, float] = defaultdict(float)
    for (level, _), bucket in measurements.buckets.items():
        answered[level] += bucket.answered
        cycles[level] += bucket.cycle_ms
    return {
        level: traffic.levels[level].users * 1000.0 * answered[level] / cycles[level]
        for level in cycles
        if cycles[level] > 0 and level < len(traffic.levels)
    }


def _overlap(level: Level, ran: float, minute: int) -> float:
    start, end = max(level.start, minute * 60.0), min(level.start + ran, (minute + 1) * 60.0)
    return max(0.0, end - start)


def minutes(
    measurements: Measurements, traffic: Traffic, time_scale: float = 1.0, ran: dict[int, float] | None = None
) -> list[MinuteResult]:
    """The test minute by minute (of the service's time). A minute's invocations are those answered in it,
    or, of modelled answers, what each level's closed loops served in the part of the minute it lasted."""
    scale = time_scale if time_scale > 0 else 1.0
    rates = _modelled_rates(measurements, traffic)
    by_minute: dict[int, list[tuple[int, Bucket]]] = defaultdict(list)
    for (level, second), bucket in measurements.buckets.items():
        if level < len(traffic.levels):  # the answers in flight when a level ended are its last second's
            known = traffic.levels[level]
            last = math.ceil(known.start + (ran or {}).get(level, known.seconds)) - 1
            second = max(int(known.start), min(second, last))
        by_minute[second // 60].append((level, bucket))
    result = []
    for minute in sorted(by_minute):
        entries = by_minute[minute]
        histogram = merged([b for _, b in entries])
        users = max((traffic.levels[level].users for level, _ in entries if level < len(traffic.levels)), default=0)
        p50, at = histogram_percentile(histogram, 0.5), histogram_percentile(histogram, traffic.conditions.quantile)
        invocations = sum(histogram.values())
        within = 1.0 if rates else scale
        if rates:
            levels = {level for level, _ in entries if level in rates}
            spans = {lv: (ran or {}).get(lv, traffic.levels[lv].seconds) for lv in levels}
            invocations = round(sum(rates[lv] * _overlap(traffic.levels[lv], spans[lv], minute) for lv in levels))
        result.append(
            MinuteResult(
                minute,
                invocations,
                sum(b.errors for _, b in entries),
                users,
                None if p50 is None else p50 / within,
                None if at is None else at / within,
            )
        )
    return result


@dataclass(frozen=True)
class Summary:
    levels: tuple[LevelResult, ...]  # the levels that count: up to the one after which the test stopped
    best: LevelResult | None
    stop_reason: str | None
    errors: int
    statuses: dict[str, int]

    @property
    def max_invocations(self) -> int:
        return round(self.best.per_minute) if self.best else 0

    @property
    def model_latency_ms(self) -> int | None:
        if self.best is None or self.best.latency_ms is None:
            return None
        return reported_model_latency(self.best.latency_ms)


def summarise(measurements: Measurements, traffic: Traffic, ran: dict[int, float], time_scale: float = 1.0) -> Summary:
    """The figures of a finished (or interrupted) test; `ran` is how long each level that started ran."""
    counted: list[LevelResult] = []
    reason = None
    for level in traffic.levels:
        if level.index not in ran:
            break
        counted.append(evaluate(measurements, level, ran[level.index], traffic.conditions, time_scale))
        reason = stop_reason(counted, traffic.conditions)
        if reason:
            break
    met = [level for level in counted if level.met]
    best = max(met, key=lambda level: (level.per_minute, level.users)) if met else None
    statuses: dict[str, int] = {}
    for bucket in measurements.buckets.values():
        for status, count in bucket.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    errors = sum(b.errors for b in measurements.buckets.values())
    return Summary(tuple(counted), best, reason, errors, statuses)
