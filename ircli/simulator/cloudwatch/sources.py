"""Where the metrics come from: every benchmark of every job (its load curve, `load`, laid on the job's
timeline), including the load a job on existing endpoints sent to each of them, and every deployed endpoint
(the invocations it really received, `counters`). Each yields its series: a namespace, a metric name, its
dimensions, its unit and one sample a minute; `merged` joins the series of one metric from several sources
(an endpoint a job load-tested that also answered its own callers).

A benchmark's series are kept as long as its job is, after its endpoint is gone, as the service keeps its
metrics; a minute shows once it has passed on the wall clock (`ircli.simulator.timeline`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist
from typing import Any

from ircli.lib.catalog import instance
from ircli.simulator import documents
from ircli.simulator.cloudwatch.load import Minute, load_curve
from ircli.simulator.cloudwatch.samples import Sample
from ircli.simulator.sagemaker.perf import jitter
from ircli.simulator.timeline import JobTimeline

SAGEMAKER, ENDPOINTS, JOBS = "AWS/SageMaker", "/aws/sagemaker/Endpoints", "/aws/sagemaker/InferenceRecommendationsJobs"
LATENCY_SIGMA = 0.25  # the spread of one minute's request latencies (log-normal)
Z = {
    "P50": 0.0,
    "P90": NormalDist().inv_cdf(0.90),
    "P95": NormalDist().inv_cdf(0.95),
    "P99": NormalDist().inv_cdf(0.99),
}


@dataclass
class Series:
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]  # sorted by name
    unit: str
    sampled: Callable[[], tuple[Sample, ...]]  # made on first need: listing metrics needs none

    @cached_property
    def samples(self) -> tuple[Sample, ...]:
        return self.sampled()

    def dimension_list(self) -> list[dict[str, str]]:
        return [{"Name": name, "Value": value} for name, value in self.dimensions]


def dims(**values: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(values.items()))


def minute_of(moment: float) -> float:
    return math.floor(moment / 60) * 60


def benchmark_series(row: Any, now: float, wanted: set[tuple[str, str]] | None = None) -> list[Series]:
    """The series (those `wanted`, or all) of every benchmark of one stored job, as of `now` on the wall
    clock."""
    plan, request = documents.loads(row["plan"]), documents.loads(row["request"])
    timeline = JobTimeline.of(row, plan)
    cut_at = timeline.halted(row["stop_at"], bool(row["failed"]))
    percentile = ((request.get("StoppingConditions") or {}).get("ModelLatencyThresholds") or [{}])[0].get("Percentile")
    z = Z.get(percentile or "P95", Z["P95"])
    found: list[Series] = []
    # Each benchmark endpoint's load, and the load each existing endpoint the job measured received.
    for step in plan["steps"] + plan.get("endpoint_benchmarks", []):
        minutes = [
            m
            for m in load_curve(request, step)
            if timeline.wall(m.offset + 60) <= now and (cut_at is None or m.offset + 60 <= cut_at)
        ]
        if minutes:
            found += _step_series(request["JobName"], step, minutes, timeline, z, wanted)
    return found


# How each of a benchmark's metrics samples a minute: (namespace, metric, by job, unit, the sample from the
# minute's start, its minute, the step's figures).
Make = Callable[[float, Minute, "_Step"], Sample]


@dataclass(frozen=True)
class _Step:
    count: int  # instances
    peak: int  # the most invocations a minute
    z: float  # the job's percentile, as a standard normal quantile
    overhead_us: float

    def share(self, minute: Minute) -> float:
        return minute.invocations / self.peak

    def median_us(self, minute: Minute) -> float:
        return minute.latency_ms * 1000 / math.exp(LATENCY_SIGMA * self.z)


METRICS: tuple[tuple[str, str, bool, str, Make], ...] = (
    (SAGEMAKER, "Invocations", False, "None", lambda at, m, s: Sample.point(at, 1.0, m.invocations)),
    (
        SAGEMAKER,
        "InvocationsPerInstance",
        False,
        "None",
        lambda at, m, s: Sample.point(at, 1.0 / s.count, m.invocations),
    ),
    (SAGEMAKER, "Invocation4XXErrors", False, "None", lambda at, m, s: Sample.point(at, 0.0, m.invocations)),
    (SAGEMAKER, "Invocation5XXErrors", False, "None", lambda at, m, s: Sample.point(at, 0.0, m.invocations)),
    (SAGEMAKER, "InvocationModelErrors", False, "None", lambda at, m, s: Sample.point(at, 0.0, m.invocations)),
    (
        SAGEMAKER,
        "ModelLatency",
        False,
        "Microseconds",
        lambda at, m, s: Sample.spread(at, s.median_us(m), LATENCY_SIGMA, m.invocations),
    ),
    (
        SAGEMAKER,
        "OverheadLatency",
        False,
        "Microseconds",
        lambda at, m, s: Sample.spread(at, s.overhead_us, 0.2, m.invocations),
    ),
    (JOBS, "ClientInvocations", True, "None", lambda at, m, s: Sample.point(at, 1.0, m.invocations)),
    (JOBS, "ClientInvocationErrors", True, "None", lambda at, m, s: Sample.point(at, 0.0, m.invocations)),
    (
        JOBS,
        "ClientLatency",
        True,
        "Milliseconds",
        lambda at, m, s: Sample.spread(at, (s.median_us(m) + s.overhead_us) / 1000 + 1.5, LATENCY_SIGMA, m.invocations),
    ),
    (JOBS, "NumberOfUsers", True, "None", lambda at, m, s: Sample.point(at, float(m.users))),
)


def _step_series(
    job: str,
    step: dict[str, Any],
    minutes: list[Minute],
    timeline: JobTimeline,
    z: float,
    wanted: set[tuple[str, str]] | None,
) -> list[Series]:
    name, result = step["endpoint_name"], step["result"]
    variant = step.get("variant_name", name)  # a benchmark's endpoint names its one variant after itself
    endpoint, job_dims = dims(EndpointName=name, VariantName=variant), dims(JobName=job, EndpointName=name)
    figures = _Step(
        max(1, int(result.get("instance_count") or 1)),
        max(m.invocations for m in minutes) or 1,
        z,
        1800 * jitter("overhead", name, spread=0.3),
    )
    stamps = [minute_of(timeline.shown(m.offset)) for m in minutes]
    moments = list(zip(stamps, minutes, strict=True))

    def made(make: Make) -> Callable[[], tuple[Sample, ...]]:
        return lambda: tuple(make(at, m, figures) for at, m in moments)

    def line(base: float, slope: float) -> Callable[[], tuple[Sample, ...]]:
        return lambda: tuple(Sample.point(at, round(base + slope * figures.share(m), 2)) for at, m in moments)

    found = [
        Series(ns, metric, job_dims if by_job else endpoint, unit, made(make))
        for ns, metric, by_job, unit, make in METRICS
        if wanted is None or (ns, metric) in wanted
    ]
    for metric, (base, slope) in _utilisation(step).items():
        if wanted is None or (ENDPOINTS, metric) in wanted:
            found.append(Series(ENDPOINTS, metric, endpoint, "Percent", line(base, slope)))
    setup = result.get("model_setup_time_us")
    if setup is not None and (wanted is None or (SAGEMAKER, "ModelSetupTime") in wanted):
        sample = Sample.point(stamps[0], setup)
        found.append(Series(SAGEMAKER, "ModelSetupTime", endpoint, "Microseconds", lambda: (sample,)))
    return found


def _utilisation(step: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """The instance's utilisation as a line in the minute's share of the benchmark's peak load (at zero
    load, and its rise to the peak), summed over its cores (CPU) and devices (GPU) as CloudWatch reports it;
    none for serverless endpoints."""
    if "InstanceType" not in step["endpoint"]:
        return {}
    spec, result = instance(step["endpoint"]["InstanceType"]), step["result"]
    cpu, memory = result.get("cpu_utilization"), result.get("memory_utilization")
    cpu = cpu if isinstance(cpu, float) and math.isfinite(cpu) else 50.0
    memory = memory if isinstance(memory, float) and math.isfinite(memory) else 20.0
    name = step["endpoint_name"]
    lines = {
        "CPUUtilization": (0.0, cpu * spec["vcpu"]),
        "MemoryUtilization": (memory * 0.97, memory * 0.03),
        "DiskUtilization": (4.0 * jitter("disk", name, spread=0.5), 0.0),
    }
    accelerator = spec.get("accelerator")
    if accelerator:
        devices = int(accelerator.get("count") or 1)
        busy, held = devices * jitter("gpu", name, spread=0.05), devices * jitter("gpu-memory", name, spread=0.2)
        lines["GPUUtilization"] = (0.0, 85.0 * busy)
        lines["GPUMemoryUtilization"] = (35.0 * held, 10.0 * held)
    return lines


def endpoint_series(rows: list[Any]) -> list[Series]:
    """The series of deployed endpoints' variants, from the invocations they received (`counters` rows of
    one or more variants, any order)."""
    by_variant: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        by_variant.setdefault((row["endpoint"], row["variant"]), []).append(row)
    found: list[Series] = []
    for (endpoint, variant), minutes in by_variant.items():
        where = dims(EndpointName=endpoint, VariantName=variant)
        minutes.sort(key=lambda r: r["minute"])
        series: dict[tuple[str, str, str], list[Sample]] = {}
        for row in minutes:
            hardware = documents.loads(row["hardware"]) if row["hardware"] else {}
            for (namespace, metric, unit), sample in _received(row, hardware).items():
                series.setdefault((namespace, metric, unit), []).append(sample)
        found += [
            Series(ns, metric, where, unit, _held(tuple(samples))) for (ns, metric, unit), samples in series.items()
        ]
    return found


def _received(row: Any, hardware: dict[str, Any]) -> dict[tuple[str, str, str], Sample]:
    at, n = float(row["minute"]), int(row["invocations"])
    count = max(1, int(hardware.get("instance_count") or 1))
    median_ms, busy = hardware_latency(hardware, n)
    samples = {
        (SAGEMAKER, "Invocations", "None"): Sample.point(at, 1.0, n),
        (SAGEMAKER, "InvocationsPerInstance", "None"): Sample.point(at, 1.0 / count, n),
        (SAGEMAKER, "ModelLatency", "Microseconds"): Sample.spread(at, median_ms * 1000, LATENCY_SIGMA, n),
        (SAGEMAKER, "OverheadLatency", "Microseconds"): Sample.spread(at, 1800.0, 0.2, n),
    }
    for metric, column in (
        ("Invocation4XXErrors", "errors_4xx"),
        ("Invocation5XXErrors", "errors_5xx"),
        ("InvocationModelErrors", "model_errors"),
    ):
        errors = int(row[column])
        samples[(SAGEMAKER, metric, "None")] = Sample(at, ((0.0, float(n - errors)), (1.0, float(errors))))
    if hardware.get("instance_type"):
        vcpu = instance(hardware["instance_type"])["vcpu"]
        samples[(ENDPOINTS, "CPUUtilization", "Percent")] = Sample.point(at, round(min(100.0, 2 + 90 * busy) * vcpu, 2))
        samples[(ENDPOINTS, "MemoryUtilization", "Percent")] = Sample.point(at, round(18.0 + 5 * busy, 2))
        samples[(ENDPOINTS, "DiskUtilization", "Percent")] = Sample.point(at, 4.0)
    return samples


def hardware_latency(hardware: dict[str, Any], invocations_per_minute: int) -> tuple[float, float]:
    """A deployed variant's median latency (ms) and how busy it is, at a minute's invocations, from the
    performance model's generic profile on the variant's hardware."""
    from ircli.simulator.sagemaker import perf

    profile = perf.PROFILES["generic"]
    if hardware.get("instance_type"):
        service_ms, slots = perf.service_time_ms(instance(hardware["instance_type"]), profile, 1.0)
        slots *= max(1, int(hardware.get("instance_count") or 1))
    else:
        serverless = hardware.get("serverless") or {}
        gib = float(serverless.get("MemorySizeInMB", 2048)) / 1024
        service_ms = profile.cpu_ms / max(0.25, min(2.0, gib * perf.SERVERLESS_VCPU_PER_GB))
        slots = int(serverless.get("MaxConcurrency", 1))
    busy = min(0.95, invocations_per_minute * service_ms / (60_000 * slots))
    return service_ms * (1 + busy / ((1 - busy) * slots)), busy


def _held(samples: tuple[Sample, ...]) -> Callable[[], tuple[Sample, ...]]:
    return lambda: samples


def merged(found: list[Series]) -> Series:
    """One metric's series from several sources as one: per-request values (invocations, latencies) add up,
    minute by minute; a value reported once a minute (a utilisation, the users) keeps the highest of a minute."""
    if len(found) == 1:
        return found[0]
    first = found[0]

    def sampled() -> tuple[Sample, ...]:
        every = sorted((s for series in found for s in series.samples), key=lambda s: s.timestamp)
        if first.unit != "Percent" and first.metric != "NumberOfUsers":
            return tuple(every)
        highest: dict[float, Sample] = {}
        for sample in every:
            held = highest.get(sample.timestamp)
            if held is None or sample.maximum > held.maximum:
                highest[sample.timestamp] = sample
        return tuple(highest.values())

    return Series(first.namespace, first.metric, first.dimensions, first.unit, sampled)
