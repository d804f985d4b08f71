"""What an AI benchmark job measures on a simulated endpoint, written as AIPerf writes
`profile_export_aiperf.json` (NVIDIA AIPerf's JSON export schema: each metric a block with `unit`, `avg`,
`min`, `max`, `p1` ... `p99`, `std` and `count` for per-request metrics; derived metrics such as the
request throughput carry `unit` and `avg` only; `input_config` holds the run's configuration).

What the endpoint runs is read from it: its first production variant's instance type and count, the model
its container serves (a model package's inference specification when the model names one), the model's
architecture from its S3 location (`llm_models.identify`), the tensor-parallel degree from the container's
environment (OPTION_TENSOR_PARALLEL_DEGREE, SM_VLLM_TENSOR_PARALLEL_SIZE; LMI's default is every GPU),
speculative decoding when the environment configures it, and one copy per tensor-parallel group of GPUs.
On an endpoint for inference components (its variant has no model of its own) the component the target
names (or the endpoint's only one) is measured instead: its model, its own container's image, artefacts and
environment over the model's, the GPUs each copy asks for as its tensor-parallel degree, and its copies in
service spread evenly over the instances.
Each request's token counts are drawn from the workload's distributions (seeded by the job's name, so a
job always measures the same); its time to first token scales with its prefill, and both latencies vary by
a few percent around what `llm_perf` predicts at the level's concurrency (with a `request_rate`, at the
requests in flight that rate keeps, the concurrency its ceiling).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ircli.lib.workload_spec import Workload
from ircli.simulator.common import short_hash
from ircli.simulator.sagemaker import llm_perf
from ircli.simulator.sagemaker.gpus import gpu_instance
from ircli.simulator.sagemaker.llm_models import identify

if TYPE_CHECKING:
    from ircli.simulator.models import Simulator

SETUP_SECONDS = 120.0  # AIPerf's start, tokenizer and warm-up before the first measured request
MAX_SIMULATED_REQUESTS = 2000  # per level: enough for stable percentiles
PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)
TP_VARIABLES = (
    "OPTION_TENSOR_PARALLEL_DEGREE",
    "SM_VLLM_TENSOR_PARALLEL_SIZE",
    "TENSOR_PARALLEL_DEGREE",
    "SM_NUM_GPUS",
)


def container_of(sim: Simulator, model_name: str) -> dict[str, Any]:
    """The container a model serves, resolved through the model registry when it names a package."""
    model = sim.models.describe_model({"ModelName": model_name})
    container: dict[str, Any] = model.get("PrimaryContainer") or (model.get("Containers") or [{}])[0]
    package_name = container.get("ModelPackageName")
    if not package_name:
        return container
    package = sim.models.describe_model_package({"ModelPackageName": package_name})
    wanted = container.get("InferenceSpecificationName")
    for spec in package.get("AdditionalInferenceSpecifications", []):
        if spec.get("Name") == wanted:
            return dict(spec["Containers"][0])
    return dict(package.get("InferenceSpecification", {}).get("Containers", [{}])[0])


def deployment_of(
    sim: Simulator, endpoint: dict[str, Any], components: list[str] | None = None
) -> llm_perf.Deployment | str:
    """What the endpoint runs, or why an LLM benchmark cannot run on it. On an endpoint whose variant hosts
    inference components, the component's model is measured (the first of `components`, the target's, or
    the endpoint's only one), on the GPUs each copy asks for, with its copies in service."""
    variants = [v for v in endpoint["variants"] if not v.get("shadow")]
    variant = variants[0] if variants else {}
    instance = gpu_instance(variant.get("instance_type") or "")
    if instance is None:
        what = variant.get("instance_type") or "serverless"
        return f"The endpoint's variant runs on {what}, which has no NVIDIA GPU for an LLM container."
    instances = int(variant.get("instance_count") or 1)
    if components or not variant.get("model"):
        hosted = component_of(sim, endpoint["EndpointName"], components)
        if isinstance(hosted, str):
            return hosted
        container, accelerators, placed = hosted
        copies = max(1, math.ceil(placed / instances))  # spread evenly over the instances
        return _deployment(sim, instance, container, instances, accelerators, copies)
    container = container_of(sim, variant["model"])
    return _deployment(sim, instance, container, instances, None, None)


def component_of(
    sim: Simulator, endpoint_name: str, wanted: list[str] | None
) -> tuple[dict[str, Any], int | None, int] | str:
    """The container a component serves (its own image, artefacts and environment over its model's), the GPUs
    a copy needs and its copies in service; or why there is none to measure."""
    hosted = sim.inference_components.on_endpoint(endpoint_name, wanted[0] if wanted else None)
    if not hosted:
        return f"Endpoint {endpoint_name} serves no model: it has no model of its own and no inference component."
    if not wanted and len(hosted) > 1:
        names = ", ".join(sorted(c["InferenceComponentName"] for c in hosted))
        return f"Endpoint {endpoint_name} hosts {len(hosted)} inference components ({names}): name the one to measure."
    component = hosted[0]
    if component["status"] not in ("InService", "Updating") or not component["placed"]:
        return f"Inference component {component['InferenceComponentName']} has no copy in service."
    specification = component["Specification"]
    base_name = specification.get("BaseInferenceComponentName")
    base = sim.inference_components.on_endpoint(endpoint_name, base_name) if base_name else []
    model_spec = base[0]["Specification"] if base else specification
    container = dict(container_of(sim, model_spec["ModelName"])) if model_spec.get("ModelName") else {}
    own = model_spec.get("Container") or {}
    if own.get("Image"):
        container["Image"] = own["Image"]
    if own.get("ArtifactUrl"):
        container["ModelDataUrl"] = own["ArtifactUrl"]
    container["Environment"] = {**(container.get("Environment") or {}), **(own.get("Environment") or {})}
    needs = model_spec.get("ComputeResourceRequirements") or {}
    accelerators = needs.get("NumberOfAcceleratorDevicesRequired")
    return container, int(accelerators) if accelerators else None, int(component["placed"])


def _deployment(
    sim: Simulator,
    instance: Any,
    container: dict[str, Any],
    instances: int,
    accelerators: int | None,
    copies: int | None,
) -> llm_perf.Deployment:
    uri = container.get("ModelDataSource", {}).get("S3DataSource", {}).get("S3Uri") or container.get("ModelDataUrl", "")
    try:
        config = sim.objects.get_json(uri.rstrip("/") + "/config.json") if uri else None
    except ValueError:
        config = None
    model = identify(uri or "s3://unknown/", config)
    env = container.get("Environment", {})
    given = next((env[name] for name in TP_VARIABLES if name in env), None)
    tp = int(given) if given and str(given).isdigit() else accelerators or instance.count
    tp = max(1, min(tp, instance.count))
    framework = "VLLM" if "vllm:" in container.get("Image", "") else "LMI"
    speculative = any("SPECULATIVE" in name for name in env)
    return llm_perf.Deployment(
        model,
        instance,
        tp,
        copies or max(1, instance.count // tp),
        framework,
        instances,
        "SpeculativeDecoding" if speculative else None,
    )


def stats(values: list[float], unit: str) -> dict[str, Any]:
    """One per-request metric's block."""
    ordered = sorted(values)
    count = len(ordered)
    mean = sum(ordered) / count
    block: dict[str, Any] = {"unit": unit, "avg": mean, "min": ordered[0], "max": ordered[-1]}
    for p in PERCENTILES:
        rank = (count - 1) * p / 100
        low, high = math.floor(rank), math.ceil(rank)
        block[f"p{p}"] = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    block["std"] = math.sqrt(sum((v - mean) ** 2 for v in ordered) / (count - 1)) if count > 1 else 0.0
    block["count"] = count
    return block


def in_flight(deployment: llm_perf.Deployment, workload: Workload, level: int) -> float:
    """How many requests are in flight at once: the concurrency, or with a request rate (AIPerf's
    request-rate mode, the concurrency its ceiling) what Little's law gives, rate x latency."""
    if workload.request_rate is None:
        return float(level)
    users = 1.0
    for _ in range(50):
        latency = llm_perf.performance(deployment, max(1, round(users)), workload.input_mean, workload.output_mean)
        users = min(float(level), max(1.0, workload.request_rate * latency.request_latency_ms / 1000))
    return users


def _requests(
    deployment: llm_perf.Deployment, workload: Workload, level: int, rng: random.Random
) -> dict[str, list[float]]:
    users = max(1, round(in_flight(deployment, workload, level)))
    base = llm_perf.performance(deployment, users, workload.input_mean, workload.output_mean)
    base_prefill = llm_perf.prefill_ms(deployment, workload.input_mean)
    columns: dict[str, list[float]] = {k: [] for k in ("ttft", "itl", "latency", "per_user", "input", "output")}
    for _ in range(min(workload.request_count, MAX_SIMULATED_REQUESTS)):
        tokens_in = max(1, round(rng.gauss(workload.input_mean, workload.input_stddev)))
        tokens_out = max(1, round(rng.gauss(workload.output_mean, workload.output_stddev)))
        ttft = base.ttft_ms * llm_perf.prefill_ms(deployment, tokens_in) / base_prefill * rng.lognormvariate(0, 0.08)
        itl = base.itl_ms * rng.lognormvariate(0, 0.05)
        columns["ttft"].append(ttft)
        columns["itl"].append(itl)
        columns["latency"].append(ttft + (tokens_out - 1) * itl)
        columns["per_user"].append(1000 / itl)
        columns["input"].append(float(tokens_in))
        columns["output"].append(float(tokens_out))
    return columns


def document(
    deployment: llm_perf.Deployment,
    workload: Workload,
    level: int,
    rng: random.Random,
    started: float,
    factor: float,
) -> dict[str, Any]:
    """One concurrency level's profile_export_aiperf.json (its wall-clock times scaled by the simulator's
    speed `factor`, as the job's own are)."""
    model_id = deployment.model.name
    columns = _requests(deployment, workload, level, rng)
    count = len(columns["latency"])
    users = in_flight(deployment, workload, level)
    duration = sum(columns["latency"]) / 1000 / users
    if workload.request_rate is not None:  # requests leave at the rate unless the endpoint cannot keep up
        duration = max(duration, count / workload.request_rate)
    ended = started + duration * factor

    def iso(epoch: float) -> str:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat()

    result: dict[str, Any] = {
        "schema_version": "1.0",
        "request_throughput": {"unit": "requests/sec", "avg": count / duration},
        "request_latency": stats(columns["latency"], "ms"),
        "request_count": {"unit": "requests", "avg": count},
        "time_to_first_token": stats(columns["ttft"], "ms"),
        "inter_token_latency": stats(columns["itl"], "ms"),
        "output_token_throughput": {"unit": "tokens/sec", "avg": sum(columns["output"]) / duration},
        "output_token_throughput_per_user": stats(columns["per_user"], "tokens/sec/user"),
        "output_sequence_length": stats(columns["output"], "tokens"),
        "input_sequence_length": stats(columns["input"], "tokens"),
        "benchmark_duration": {"unit": "sec", "avg": duration},
        "input_config": {
            "endpoint": {"model_names": [model_id], "type": "chat", "streaming": workload.streaming},
            "input": {
                "prompt": {"input_tokens": {"mean": workload.input_mean, "stddev": workload.input_stddev}},
                "output_tokens": {"mean": workload.output_mean, "stddev": workload.output_stddev},
            },
            "loadgen": {"concurrency": level, "request_count": count},
        },
        "was_cancelled": False,
        "error_summary": [],
        "start_time": iso(started),
        "end_time": iso(ended),
    }
    if not workload.streaming:  # without streaming AIPerf sees only whole responses
        for name in ("time_to_first_token", "inter_token_latency", "output_token_throughput_per_user"):
            del result[name]
    return result


def run(
    sim: Simulator,
    endpoint: dict[str, Any],
    workload: Workload,
    job: str,
    started: float,
    factor: float,
    components: list[str] | None = None,
) -> dict[str, Any]:
    """The whole job: its deployment, one document per concurrency level, how long it takes in the service's
    seconds, or why it fails."""
    deployment = deployment_of(sim, endpoint, components)
    if isinstance(deployment, str):
        return {"failure_reason": deployment, "seconds": SETUP_SECONDS, "documents": {}, "levels": []}
    capacity = llm_perf.fit(deployment, workload.input_mean, workload.output_mean)
    if not capacity.fits:
        reason = f"{deployment.model.name} does not run on {deployment.instance.instance_type}: {capacity.reason}."
        return {"failure_reason": reason, "seconds": SETUP_SECONDS, "documents": {}, "levels": []}
    rng = random.Random(short_hash(job, length=16))
    documents: dict[str, Any] = {}
    seconds = SETUP_SECONDS
    for level in workload.concurrency:
        documents[str(level)] = document(deployment, workload, level, rng, started + seconds * factor, factor)
        seconds += documents[str(level)]["benchmark_duration"]["avg"]
    summary = {
        "model": deployment.model.name,
        "model_source": deployment.model.source,
        "instance_type": deployment.instance.instance_type,
        "instance_count": deployment.instances,
        "tensor_parallel": deployment.tensor_parallel,
        "copies": deployment.copies,
    }
    return {"failure_reason": None, "seconds": seconds, "documents": documents, "deployment": summary}
