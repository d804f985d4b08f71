"""A job's plan, made once when it is created: which benchmarks it runs (endpoint configurations x
environment-parameter combinations, within its resource limits), when each starts and ends (in the
service's seconds, scaled by the simulation speed), and what each measures (`perf`)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from ircli.simulator import perf
from ircli.simulator.common import REALTIME, SIMULATE_TAG, short_hash

# The service's FailureReason style, "CODE : 1. detail" (published: amazon-sagemaker-examples issue 3074).
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
    advanced = request["JobType"] == "Advanced"
    profile = perf.profile_for(config.get("ContainerConfig"))
    conditions = perf.Conditions.from_request(request.get("StoppingConditions"))
    # A job on existing endpoints measures them (EndpointPerformances) and recommends only the
    # configurations it is given; otherwise a Default job benchmarks the supported instance types, or the
    # model's candidates.
    endpoints = config.get("EndpointConfigurations") or (
        []
        if config.get("Endpoints")
        else [
            {"InstanceType": t}
            for t in (config.get("ContainerConfig", {}).get("SupportedInstanceTypes") or profile.candidates)
        ]
    )
    tests = [(endpoint, env) for endpoint in endpoints for env in env_combinations(endpoint)]
    limits = config.get("ResourceLimit", {})
    tests = tests[: limits.get("MaxNumberOfTests", len(tests))]
    parallel = max(1, min(limits.get("MaxParallelOfTests", len(tests)), len(tests)))
    waves = max(1, math.ceil(len(tests) / parallel))  # measuring existing endpoints alone is one wave
    # The schedule is worked out in the service's seconds, then scaled by the simulation speed.
    pending = REALTIME["pending"]
    if advanced:
        traffic = config.get("TrafficPattern", {})
        traffic_seconds = sum(p["DurationInSeconds"] for p in traffic.get("Phases", [])) or traffic.get(
            "Stairs", {}
        ).get("DurationInSeconds", 600)
        deploy_seconds = REALTIME["deploy"]
        step_seconds = deploy_seconds + traffic_seconds
    else:
        step_seconds = (REALTIME["default_job"] - REALTIME["pending"]) / waves
        deploy_seconds = min(REALTIME["deploy"], step_seconds / 4)
    bound = config.get("JobDurationInSeconds")
    job_name = request["JobName"]
    steps = []
    for index, (endpoint, env) in enumerate(tests):
        start = pending + (index // parallel) * step_seconds
        end = start + step_seconds
        if bound is not None and start >= bound and index >= parallel:
            break  # the service schedules no new test after JobDurationInSeconds
        if bound is not None:
            end = min(end, max(start, bound))
        # Invocations start once the endpoint is up.
        invocations = min(end, start + deploy_seconds)
        result = benchmark(endpoint, env, profile, conditions)
        if simulate == "fail-step" and index == 0:
            result = perf.Benchmark(failure=f"{MODEL_ERROR} (simulated by the {SIMULATE_TAG} tag)")
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
                "endpoint_name": f"sm-epc-{job_name[:40]}-{step_id}"[:63].rstrip("-"),
                "recommendation_id": f"{job_name}/{step_id}",
                "result": result.__dict__,
            }
        )
    pending *= factor
    step_seconds *= factor
    # Existing endpoints are measured in a wave of their own when nothing else is benchmarked.
    ends = max((step["end"] for step in steps), default=pending + (step_seconds if config.get("Endpoints") else 0))
    failure_reason = None
    if simulate == "fail-job":
        ends = min(ends, pending + step_seconds)
        failure_reason = f"{MODEL_ERROR} (simulated by the {SIMULATE_TAG} tag)"
    elif steps and all(step["result"]["failure"] for step in steps):
        failure_reason = f"BENCHMARKS_FAILED : No benchmark completed. 1. {steps[0]['result']['failure']}"
    performances = [
        endpoint_performance(endpoint_of, endpoint["EndpointName"], profile, conditions)
        for endpoint in config.get("Endpoints", [])
    ]
    return {
        "pending": pending,
        "ends": ends,
        "steps": steps,
        "failure_reason": failure_reason,
        "endpoint_performances": performances,
    }


def benchmark(
    endpoint: dict[str, Any], env: dict[str, str], profile: perf.ModelProfile, conditions: perf.Conditions
) -> perf.Benchmark:
    if "ServerlessConfig" in endpoint:
        serverless = endpoint["ServerlessConfig"]
        return perf.benchmark_serverless(
            serverless["MemorySizeInMB"], serverless["MaxConcurrency"], profile, env, conditions
        )
    return perf.benchmark_instance(endpoint["InstanceType"], profile, env, conditions)


def endpoint_performance(
    endpoint_of: Callable[[str], dict[str, Any]], name: str, profile: perf.ModelProfile, conditions: perf.Conditions
) -> dict[str, Any]:
    endpoint = endpoint_of(name)
    variant = endpoint["variants"][0]
    if variant.get("serverless"):
        serverless = variant["serverless"]
        result = perf.benchmark_serverless(
            serverless["MemorySizeInMB"],
            serverless["MaxConcurrency"],
            profile,
            {},
            perf.Conditions(None, conditions.percentile, conditions.threshold_ms),
        )
    else:
        single = perf.benchmark_instance(
            variant["instance_type"],
            profile,
            {},
            perf.Conditions(None, conditions.percentile, conditions.threshold_ms),
        )
        count = variant.get("instance_count") or 1
        result = perf.Benchmark(
            max_invocations=single.max_invocations * count,
            model_latency_ms=single.model_latency_ms,
            failure=single.failure,
        )
    return {
        "Metrics": {"MaxInvocations": result.max_invocations, "ModelLatency": result.model_latency_ms},
        "EndpointInfo": {"EndpointName": endpoint["EndpointName"]},
    }
