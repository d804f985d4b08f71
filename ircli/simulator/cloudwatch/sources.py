"""Where the metrics come from: every benchmark of every job (its load curve, `load`, laid on the job's
timeline) and every deployed endpoint (the invocations it really received, `counters`). Each yields its
series: a namespace, a metric name, its dimensions, its unit and one sample a minute.

A benchmark's series are kept as long as its job is, after its endpoint is gone, as the service keeps its
metrics; a minute shows once it has passed on the wall clock (`ircli.simulator.timeline`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from ircli.lib.catalog import instance
from ircli.simulator import documents
from ircli.simulator.cloudwatch.load import Minute, load_curve
from ircli.simulator.cloudwatch.samples import Sample
from ircli.simulator.sagemaker.perf import jitter
from ircli.simulator.timeline import JobTimeline, step_offsets

SAGEMAKER, ENDPOINTS, JOBS = "AWS/SageMaker", "/aws/sagemaker/Endpoints", "/aws/sagemaker/InferenceRecommendationsJobs"
LATENCY_SIGMA = 0.25  # the spread of one minute's request latencies (log-normal)
Z = {
    "P50": 0.0,
    "P90": NormalDist().inv_cdf(0.90),
    "P95": NormalDist().inv_cdf(0.95),
    "P99": NormalDist().inv_cdf(0.99),
}


@dataclass(frozen=True)
class Series:
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]  # sorted by name
    unit: str
    samples: tuple[Sample, ...]

    def dimension_list(self) -> list[dict[str, str]]:
        return [{"Name": name, "Value": value} for name, value in self.dimensions]


def dims(**values: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(values.items()))


def minute_of(moment: float) -> float:
    return math.floor(moment / 60) * 60


def benchmark_series(row: Any, now: float) -> list[Series]:
    """Every series of every benchmark of one stored job, as of `now` on the wall clock."""
    plan, request = documents.loads(row["plan"]), documents.loads(row["request"])
    timeline = JobTimeline.of(row, plan)
    halted = row["stop_at"] if row["stop_at"] is not None else (timeline.wall_end if row["failed"] else None)
    percentile = ((request.get("StoppingConditions") or {}).get("ModelLatencyThresholds") or [{}])[0].get("Percentile")
    found: list[Series] = []
    for step in plan["steps"]:
        cut = halted is not None and timeline.wall(step_offsets(step)[2]) > halted
        horizon = min(now, halted) if cut and halted is not None else now
        minutes = [m for m in load_curve(request, step) if timeline.wall(m.offset + 60) <= horizon]
        if minutes:
            found += _step_series(request["JobName"], step, minutes, timeline, Z.get(percentile or "P95", Z["P95"]))
    return found


def _step_series(
    job: str, step: dict[str, Any], minutes: list[Minute], timeline: JobTimeline, z: float
) -> list[Series]:
    name, result = step["endpoint_name"], step["result"]
    endpoint, job_dims = dims(EndpointName=name, VariantName=name), dims(JobName=job, EndpointName=name)
    count = max(1, int(result.get("instance_count") or 1))
    stamps = [minute_of(timeline.shown(m.offset)) for m in minutes]
    overhead_us = 1800 * jitter("overhead", name, spread=0.3)
    per_minute: dict[tuple[str, str, tuple[tuple[str, str], ...], str], list[Sample]] = {}

    def add(namespace: str, metric: str, where: tuple[tuple[str, str], ...], unit: str, sample: Sample) -> None:
        per_minute.setdefault((namespace, metric, where, unit), []).append(sample)

    peak = max(m.invocations for m in minutes) or 1
    for at, minute in zip(stamps, minutes, strict=True):
        n, share = minute.invocations, minute.invocations / peak
        median_us = minute.latency_ms * 1000 / math.exp(LATENCY_SIGMA * z)
        add(SAGEMAKER, "Invocations", endpoint, "None", Sample.point(at, 1.0, n))
        add(SAGEMAKER, "InvocationsPerInstance", endpoint, "None", Sample.point(at, 1.0 / count, n))
        for errors in ("Invocation4XXErrors", "Invocation5XXErrors", "InvocationModelErrors"):
            add(SAGEMAKER, errors, endpoint, "None", Sample.point(at, 0.0, n))
        add(SAGEMAKER, "ModelLatency", endpoint, "Microseconds", Sample.spread(at, median_us, LATENCY_SIGMA, n))
        add(SAGEMAKER, "OverheadLatency", endpoint, "Microseconds", Sample.spread(at, overhead_us, 0.2, n))
        add(JOBS, "ClientInvocations", job_dims, "None", Sample.point(at, 1.0, n))
        add(JOBS, "ClientInvocationErrors", job_dims, "None", Sample.point(at, 0.0, n))
        client_ms = (median_us + overhead_us) / 1000 + 1.5
        add(JOBS, "ClientLatency", job_dims, "Milliseconds", Sample.spread(at, client_ms, LATENCY_SIGMA, n))
        add(JOBS, "NumberOfUsers", job_dims, "None", Sample.point(at, float(minute.users)))
        for metric, value in _utilisation(step, share).items():
            add(ENDPOINTS, metric, endpoint, "Percent", Sample.point(at, value))
    if result.get("model_setup_time_us") is not None:
        add(
            SAGEMAKER,
            "ModelSetupTime",
            endpoint,
            "Microseconds",
            Sample.point(stamps[0], result["model_setup_time_us"]),
        )
    return [
        Series(ns, metric, where, unit, tuple(samples)) for (ns, metric, where, unit), samples in per_minute.items()
    ]


def _utilisation(step: dict[str, Any], share: float) -> dict[str, float]:
    """The instance's utilisation in a minute at `share` of the benchmark's peak load, summed over its cores
    (CPU) and devices (GPU) as CloudWatch reports it; none for serverless endpoints."""
    if "InstanceType" not in step["endpoint"]:
        return {}
    spec, result = instance(step["endpoint"]["InstanceType"]), step["result"]
    cpu, memory = result.get("cpu_utilization"), result.get("memory_utilization")
    name = step["endpoint_name"]
    values = {
        "CPUUtilization": (cpu if isinstance(cpu, float) and math.isfinite(cpu) else 50.0) * share * spec["vcpu"],
        "MemoryUtilization": (memory if isinstance(memory, float) and math.isfinite(memory) else 20.0)
        * (0.97 + 0.03 * share),
        "DiskUtilization": 4.0 * jitter("disk", name, spread=0.5),
    }
    accelerator = spec.get("accelerator")
    if accelerator:
        devices = int(accelerator.get("count") or 1)
        values["GPUUtilization"] = 85.0 * share * devices * jitter("gpu", name, spread=0.05)
        values["GPUMemoryUtilization"] = (35.0 + 10.0 * share) * devices * jitter("gpu-memory", name, spread=0.2)
    return {metric: round(value, 2) for metric, value in values.items()}


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
        found += [Series(ns, metric, where, unit, tuple(samples)) for (ns, metric, unit), samples in series.items()]
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
