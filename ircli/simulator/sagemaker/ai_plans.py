"""An AI recommendation job's plan, made once when it is created: which instance types it benchmarks (those
asked, or the cheapest that fit the model when none is), every tensor-parallel degree and copy count that
fits each, with and without the optimisation the goal calls for, measured by `llm_perf` at the workload's
concurrency and ranked by the goal; and each configuration's curve over concurrency levels.

The service's own durations are not published: ircli takes 20 minutes to prepare and 15 minutes per
benchmarked configuration (each is deployed, then driven by AIPerf), scaled by the simulator's speed.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from ircli.lib.workload_spec import Workload
from ircli.simulator.sagemaker import llm_perf
from ircli.simulator.sagemaker.gpus import gpu_instance
from ircli.simulator.sagemaker.llm_models import LlmSpec

PREPARE_SECONDS = 1200.0
PER_CONFIGURATION_SECONDS = 900.0
MAX_RECOMMENDATIONS = 10
MAX_INSTANCES = 10
CURVE_LEVELS = (1, 2, 4, 8, 16, 32, 64, 128)
# Chosen when the request names no instance type: the cheapest three of these that fit the model.
DEFAULT_CANDIDATES = (
    "ml.g6.2xlarge",
    "ml.g5.2xlarge",
    "ml.g6e.2xlarge",
    "ml.g6.12xlarge",
    "ml.g5.12xlarge",
    "ml.g6e.12xlarge",
    "ml.g5.48xlarge",
    "ml.g6e.48xlarge",
    "ml.p4d.24xlarge",
    "ml.p5.48xlarge",
)
# The optimisation each goal calls for when OptimizeModel is true (the developer guide: speculative
# decoding for throughput and cost, kernel tuning for latency).
OPTIMIZATION_FOR_GOAL = {"throughput": "SpeculativeDecoding", "cost": "SpeculativeDecoding", "ttft-ms": "KernelTuning"}
# The performance field each goal ranks by, and its sign (-1: the higher the better).
GOAL_KEYS = {
    "ttft-ms": ("ttft_ms", 1),
    "throughput": ("output_tokens_per_second", -1),
    "cost": ("cost_per_million_tokens", 1),
}


def _instances_needed(deployment: llm_perf.Deployment, workload: Workload) -> int:
    """Enough instances that every user's request runs at once (no queue) at the workload's concurrency."""
    capacity = llm_perf.fit(deployment, workload.input_mean, workload.output_mean)
    per_instance = max(1, capacity.max_batch) * deployment.copies
    return max(1, min(MAX_INSTANCES, math.ceil(max(workload.concurrency) / per_instance)))


def candidates(
    model: LlmSpec, instance_type: str, framework: str, optimization: str | None
) -> list[llm_perf.Deployment]:
    instance = gpu_instance(instance_type)
    if instance is None:
        return []
    return [
        llm_perf.Deployment(model, instance, tp, instance.count // tp, framework, 1, optimization)
        for tp in llm_perf.tensor_parallel_options(model, instance)
    ]


def choose_instance_types(model: LlmSpec, workload: Workload) -> list[str]:
    fitting = []
    for instance_type in DEFAULT_CANDIDATES:
        options = candidates(model, instance_type, "LMI", None)
        if any(llm_perf.fit(d, workload.input_mean, workload.output_mean).fits for d in options):
            instance = gpu_instance(instance_type)
            assert instance is not None
            fitting.append((instance.price_per_hour, instance_type))
    return [name for _, name in sorted(fitting)[:3]]


def measured(deployment: llm_perf.Deployment, workload: Workload) -> dict[str, Any]:
    """One configuration's figures at the workload's concurrency and over the curve's levels."""
    level = max(workload.concurrency)
    at = llm_perf.performance(deployment, level, workload.input_mean, workload.output_mean)
    levels = sorted(set(CURVE_LEVELS) | set(workload.concurrency))
    curve = [asdict(llm_perf.performance(deployment, c, workload.input_mean, workload.output_mean)) for c in levels]
    return {"performance": {**asdict(at), **_p90(deployment, workload, at)}, "curve": curve}


def _p90(deployment: llm_perf.Deployment, workload: Workload, at: llm_perf.Performance) -> dict[str, float]:
    """The 90th percentiles the token distributions imply (normal, as AIPerf draws them): a prompt at its p90
    length takes its prefill longer; a response at its p90 length, its decode."""
    z = 1.2816  # the standard normal's 90th percentile
    prompt = workload.input_mean + z * workload.input_stddev
    output = workload.output_mean + z * workload.output_stddev
    ttft = at.ttft_ms * llm_perf.prefill_ms(deployment, prompt) / llm_perf.prefill_ms(deployment, workload.input_mean)
    return {"ttft_p90_ms": ttft, "request_latency_p90_ms": ttft + max(output - 1, 0) * at.itl_ms}


def make_plan(
    model: LlmSpec,
    workload: Workload,
    instance_types: list[str],
    framework: str,
    goal: str,
    optimize: bool,
) -> dict[str, Any]:
    """Every configuration benchmarked, the ranked recommendations, and why none, if none fits."""
    chosen = instance_types or choose_instance_types(model, workload)
    optimizations: list[str | None] = [None] + ([OPTIMIZATION_FOR_GOAL[goal]] if optimize else [])
    benchmarked, refused = [], []
    for instance_type in chosen:
        for optimization in optimizations:
            for deployment in candidates(model, instance_type, framework, optimization):
                capacity = llm_perf.fit(deployment, workload.input_mean, workload.output_mean)
                if not capacity.fits:
                    refused.append(f"{instance_type} TP {deployment.tensor_parallel}: {capacity.reason}")
                    continue
                if (
                    optimization == "SpeculativeDecoding"
                    and llm_perf.speculative_speedup(max(workload.concurrency) / deployment.copies) <= 1.0
                ):
                    continue  # at this load speculation gains nothing (vLLM): not worth recommending
                count = _instances_needed(deployment, workload)
                deployment = llm_perf.Deployment(**{**deployment.__dict__, "instances": count})
                figures = measured(deployment, workload)
                benchmarked.append({"deployment": deployment, "fit": asdict(capacity), **figures})
    ranked = _ranked(benchmarked, goal)
    failure = None
    if not ranked:
        why = "; ".join(dict.fromkeys(refused)) or "no instance type with NVIDIA GPUs was given"
        failure = f"No configuration of {model.name} fits the instance types {', '.join(chosen) or 'chosen'}: {why}"
    configurations = len(
        {(b["deployment"].instance.instance_type, b["deployment"].tensor_parallel) for b in benchmarked}
    )
    return {
        "instance_types": chosen,
        "recommendations": [_stored(b) for b in ranked[:MAX_RECOMMENDATIONS]],
        "failure_reason": failure,
        "seconds": PREPARE_SECONDS + PER_CONFIGURATION_SECONDS * max(1, configurations),
    }


def _ranked(benchmarked: list[dict[str, Any]], goal: str) -> list[dict[str, Any]]:
    """By the goal; each instance type's best kept within the recommendations' limit, then the next best."""
    field, sign = GOAL_KEYS[goal]
    order = sorted(benchmarked, key=lambda b: (sign * b["performance"][field], b["performance"]["price_per_hour"]))
    best: dict[str, int] = {}
    for index, benchmark in enumerate(order):
        best.setdefault(benchmark["deployment"].instance.instance_type, index)
    chosen = set(list(best.values())[:MAX_RECOMMENDATIONS])
    for index in range(len(order)):
        if len(chosen) >= MAX_RECOMMENDATIONS:
            break
        chosen.add(index)
    return [order[index] for index in sorted(chosen)]


def _stored(benchmark: dict[str, Any]) -> dict[str, Any]:
    deployment: llm_perf.Deployment = benchmark["deployment"]
    return {
        "instance_type": deployment.instance.instance_type,
        "instance_count": deployment.instances,
        "tensor_parallel": deployment.tensor_parallel,
        "copies": deployment.copies,
        "framework": deployment.framework,
        "optimization": deployment.optimization,
        "min_cpu_memory_mb": llm_perf.min_cpu_memory_mb(deployment),
        "fit": benchmark["fit"],
        "performance": benchmark["performance"],
        "curve": benchmark["curve"],
    }
