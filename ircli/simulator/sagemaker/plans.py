"""A job's plan, made once when it is created: which benchmarks it runs (endpoint configurations x
environment-parameter combinations, within its resource limits), when each starts and ends (in the
service's seconds, scaled by the simulation speed), and what each measures (`perf`)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ircli.simulator.common import REALTIME, SIMULATE_TAG, short_hash
from ircli.simulator.sagemaker import load, perf

# The service's FailureReason style, "CODE : 1. detail" (published: amazon-sagemaker-examples issue 3074).
# A Default job's serverless candidates: the sizes the model fits (1-6 GB in 1 GB steps, ProductionVariant-
# ServerlessConfig), the smallest two where real-time instances are benchmarked too, at one concurrency.
SERVERLESS_SIZES_MB = (1024, 2048, 3072, 4096, 5120, 6144)
SERVERLESS_IN_COMBINED = 2
SERVERLESS_CONCURRENCY = 5
MODEL_ERROR = "INVALID_INPUT : 1. Model (owned by the customer in the container) returned 4xx or 5xx error code."


def env_combinations(endpoint: dict[str, Any]) -> list[dict[str, str]]:
    ranges = (endpoint.get("EnvironmentParameterRanges") or {}).get("CategoricalParameterRanges") or []
    if not ranges:
        return [{}]
    names = [r["Name"] for r in ranges]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(r["Value"] for r in ranges))]


def make_plan(
    request: dict[str, Any], simulate: str | None, factor: float, endpoint_of: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    """The job's timeline (offsets from creation, in seconds) and what each benchmark measures."""
    config = request["InputConfig"]
    profile = perf.profile_for(config.get("ContainerConfig"))
    conditions = perf.Conditions.from_request(request.get("StoppingConditions"))
    tests = [(endpoint, env) for endpoint in _configurations(config, profile) for env in env_combinations(endpoint)]
    limits = config.get("ResourceLimit", {})
    tests = tests[: limits.get("MaxNumberOfTests", len(tests))]
    parallel = max(1, min(limits.get("MaxParallelOfTests", len(tests)), len(tests)))
    waves = max(1, math.ceil(len(tests) / parallel))  # measuring existing endpoints alone is one wave
    # The schedule is worked out in the service's seconds, then scaled by the simulation speed.
    step_seconds, deploy_seconds = _step_seconds(request, waves)
    schedule = Schedule(REALTIME["pending"], step_seconds, deploy_seconds, parallel, config.get("JobDurationInSeconds"))
    traffic = load.Traffic(config.get("TrafficPattern"), step_seconds - deploy_seconds)
    steps = _steps(request["JobName"], tests, schedule, profile, conditions, simulate, factor, traffic)
    pending = schedule.pending
    measured = [
        (
            endpoint["EndpointName"],
            endpoint_performance(endpoint_of, endpoint["EndpointName"], profile, conditions, traffic),
        )
        for endpoint in config.get("Endpoints", [])
    ]
    # Their load tests run alongside the first wave's, once its endpoints are up.
    loaded = [_existing_load(p, pending + deploy_seconds, traffic, factor) for _, p in measured if "benchmark" in p]
    # Existing endpoints are measured in a wave of their own when nothing else is benchmarked.
    alone = [pending + step_seconds] if config.get("Endpoints") and not steps else []
    ends = max([step["at"]["end"] for step in steps] + [b["at"]["end"] for b in loaded] + alone, default=pending)
    failure_reason: str | None = None
    if simulate == "fail-job":
        ends = min(ends, pending + step_seconds)
        failure_reason = f"{MODEL_ERROR} (simulated by the {SIMULATE_TAG} tag)"
    performances = [{k: p[k] for k in ("Metrics", "EndpointInfo")} for _, p in measured if "Metrics" in p]
    unmeasured = [f"endpoint {name}: {p['failure']}" for name, p in measured if "failure" in p]
    failures = [step["result"]["failure"] for step in steps if step["result"]["failure"]] + unmeasured
    if failure_reason is None and failures and len(failures) == len(steps) + len(measured):
        failure_reason = f"BENCHMARKS_FAILED : No benchmark completed. 1. {failures[0]}"
    return {
        "pending": pending * factor,
        "ends": ends * factor,
        # The same timeline in the service's own seconds, as its timestamps show it at every speed
        # (`ircli.simulator.timeline`).
        "service": {"pending": pending, "ends": ends},
        "factor": factor,
        "steps": steps,
        "failure_reason": failure_reason,
        "endpoint_performances": performances,
        "endpoint_failures": unmeasured,
        # The load each existing endpoint received, for its own CloudWatch metrics (`ircli.simulator.cloudwatch`).
        "endpoint_benchmarks": loaded,
    }


def _existing_load(performance: dict[str, Any], start: float, traffic: load.Traffic, factor: float) -> dict[str, Any]:
    """When an existing endpoint's load test ran (from `start`, for its traffic pattern's length or until a
    stopping condition ended it), as a benchmark step the metrics read."""
    benchmark = performance["benchmark"]
    seconds = benchmark["result"]["load_seconds"] if traffic.pattern is not None else None
    end = start + (seconds if seconds is not None else traffic.budget_seconds)
    at = {"start": start, "invocations": start, "end": end}
    return {**benchmark, "at": at, "start": start * factor, "invocations": start * factor, "end": end * factor}


@dataclass(frozen=True)
class Schedule:
    """When the benchmarks run, in the service's seconds: after `pending`, `parallel` at a time, each
    `step_seconds` long (its first `deploy_seconds` deploying), none started after `bound`."""

    pending: float
    step_seconds: float
    deploy_seconds: float
    parallel: int
    bound: int | None


def _configurations(config: dict[str, Any], profile: perf.ModelProfile) -> list[dict[str, Any]]:
    """A job on existing endpoints measures them (EndpointPerformances) and recommends only the
    configurations it is given; otherwise a Default job benchmarks the supported instance types, or the
    model's candidates."""
    if config.get("EndpointConfigurations"):
        return list(config["EndpointConfigurations"])
    if config.get("Endpoints"):
        return []
    container = config.get("ContainerConfig", {})
    endpoint_type = container.get("SupportedEndpointType")
    supported = container.get("SupportedInstanceTypes") or profile.candidates
    instances = [{"InstanceType": t} for t in supported] if endpoint_type != "Serverless" else []
    # "By default this is null, and the results ... return a combined list of both real-time and serverless
    # benchmarks. By specifying a value ... you can receive a longer list of benchmarks for the desired endpoint
    # type" (API reference, RecommendationJobContainerConfig.SupportedEndpointType).
    # Candidate instance types named for the job (SupportedInstanceTypes, or a model package's
    # SupportedRealtimeInferenceInstanceTypes) ask for real-time endpoints: AWS's own notebooks name them and
    # read an InstanceType from every recommendation the service returns.
    named = bool(container.get("SupportedInstanceTypes"))
    if endpoint_type == "RealTime" or profile.requires_accelerator or (named and endpoint_type is None):
        return instances
    sizes = [mb for mb in SERVERLESS_SIZES_MB if mb / 1024 >= profile.memory_gib + 0.5]
    sizes = sizes if endpoint_type == "Serverless" else sizes[:SERVERLESS_IN_COMBINED]
    return instances + [
        {"ServerlessConfig": {"MemorySizeInMB": mb, "MaxConcurrency": SERVERLESS_CONCURRENCY}} for mb in sizes
    ]


def _step_seconds(request: dict[str, Any], waves: int) -> tuple[float, float]:
    """How long each benchmark takes and how much of it deploys: an Advanced job's traffic pattern after the
    deployment; a Default job's waves share its published duration."""
    if request["JobType"] == "Advanced":
        # Stairs last NumberOfSteps x DurationInSeconds (API reference; see `load`).
        traffic_seconds = load.pattern_seconds(request["InputConfig"].get("TrafficPattern")) or 600
        return REALTIME["deploy"] + traffic_seconds, REALTIME["deploy"]
    step_seconds = (REALTIME["default_job"] - REALTIME["pending"]) / waves
    return step_seconds, min(REALTIME["deploy"], step_seconds / 4)


def _steps(
    job_name: str,
    tests: list[tuple[dict[str, Any], dict[str, str]]],
    schedule: Schedule,
    profile: perf.ModelProfile,
    conditions: perf.Conditions,
    simulate: str | None,
    factor: float,
    traffic: load.Traffic,
) -> list[dict[str, Any]]:
    steps = []
    for index, (endpoint, env) in enumerate(tests):
        start = schedule.pending + (index // schedule.parallel) * schedule.step_seconds
        end = start + schedule.step_seconds
        if schedule.bound is not None and start >= schedule.bound and index >= schedule.parallel:
            break  # the service schedules no new test after JobDurationInSeconds
        if schedule.bound is not None:
            end = min(end, max(start, schedule.bound))
        # Invocations start once the endpoint is up.
        invocations = min(end, start + schedule.deploy_seconds)
        result = benchmark(endpoint, env, profile, conditions, traffic)
        if simulate == "fail-step" and index == 0:
            result = perf.Benchmark(failure=f"{MODEL_ERROR} (simulated by the {SIMULATE_TAG} tag)")
        if result.load_seconds is not None and traffic.pattern is not None:
            # A stopping condition ended the load test early; a Default job's benchmarks fill their wave of the
            # service's own schedule (about 45 minutes in all, developer guide).
            end = min(end, invocations + result.load_seconds)
        step_id = short_hash(job_name, index)
        steps.append(
            {
                "index": index,
                "endpoint": {k: v for k, v in endpoint.items() if k in ("InstanceType", "ServerlessConfig")},
                "inference_specification": endpoint.get("InferenceSpecificationName"),
                "env": env,
                "start": start * factor,
                "invocations": invocations * factor,
                "end": end * factor,
                "at": {"start": start, "invocations": invocations, "end": end},  # the service's seconds
                "endpoint_name": f"sm-epc-{job_name[:40]}-{step_id}"[:63].rstrip("-"),
                "recommendation_id": f"{job_name}/{step_id}",
                "result": result.__dict__,
            }
        )
    return steps


def benchmark(
    endpoint: dict[str, Any],
    env: dict[str, str],
    profile: perf.ModelProfile,
    conditions: perf.Conditions,
    traffic: load.Traffic = load.DEFAULT_TRAFFIC,
) -> perf.Benchmark:
    if "ServerlessConfig" in endpoint:
        serverless = endpoint["ServerlessConfig"]
        return perf.benchmark_serverless(
            serverless["MemorySizeInMB"], serverless["MaxConcurrency"], profile, env, conditions, traffic
        )
    return perf.benchmark_instance(endpoint["InstanceType"], profile, env, conditions, traffic)


def endpoint_performance(
    endpoint_of: Callable[[str], dict[str, Any]],
    name: str,
    profile: perf.ModelProfile,
    conditions: perf.Conditions,
    traffic: load.Traffic = load.DEFAULT_TRAFFIC,
) -> dict[str, Any]:
    """An existing endpoint, load-tested as it is (its instance type and count, or its serverless
    configuration): its EndpointPerformance, or the failure of its benchmark (an endpoint whose latency is
    above the threshold at the lowest load has no performance that meets the job's conditions)."""
    endpoint = endpoint_of(name)
    variant = endpoint["variants"][0]
    # The endpoint's own capacity is measured: MaxInvocations does not resize it.
    as_is = perf.Conditions(None, conditions.percentile, conditions.threshold_ms, conditions.flat_stop)
    if variant.get("serverless"):
        serverless = variant["serverless"]
        result = perf.benchmark_serverless(
            serverless["MemorySizeInMB"], serverless["MaxConcurrency"], profile, {}, as_is, traffic
        )
    else:
        count = variant.get("instance_count") or 1
        result = perf.benchmark_instance(variant["instance_type"], profile, {}, as_is, traffic, instance_count=count)
    if result.failure:
        return {"failure": result.failure}
    hardware = {"ServerlessConfig": variant["serverless"]} if variant.get("serverless") else {}
    return {
        "Metrics": {"MaxInvocations": result.max_invocations, "ModelLatency": result.model_latency_ms},
        "EndpointInfo": {"EndpointName": endpoint["EndpointName"]},
        "benchmark": {
            "endpoint": hardware or {"InstanceType": variant["instance_type"]},
            "endpoint_name": endpoint["EndpointName"],
            "variant_name": variant["VariantName"],
            "result": result.__dict__,
        },
    }
