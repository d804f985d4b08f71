"""The simulator's performance model: what a benchmark of one endpoint configuration measures.

Deterministic for the same request. The figures are simulated, not measured; the README's section
"The performance model" explains it. In short:

* A model profile (by NearestModelName, else Domain/Task, else Framework, else generic) gives the CPU
  time one inference takes on one reference vCPU, how it spreads over a CPU instance (worker processes,
  the share of a request that threads speed up, the contention between workers), how much faster an
  accelerator runs it (by accelerator kind: `hardware`), the memory it needs, and each request's time
  outside the model (the load generator's round trip and SageMaker's overhead, which grows with the payload).
* An instance is a queue (`load.Station`): `slots` requests at once (CPU: the model server's workers;
  accelerators x streams), each `service_ms` long. The benchmark's traffic pattern drives it with
  closed-loop users (`load`): the load reached, and the latency under it, follow the users; MaxInvocations
  is the highest invocations a minute while the stopping conditions held, ModelLatency the percentile
  latency there (a percentile is `pf` times the mean: P95 1.5, P99 2.0).
* InitialInstanceCount = ceil(StoppingConditions.MaxInvocations / what one instance serves within the
  conditions) (1 without it); MaxInvocations is for the whole endpoint; CostPerHour = float32(price x count);
  CostPerInference = float32(CostPerHour / (MaxInvocations x 60)); ModelLatency is whole milliseconds
  and ModelSetupTime microseconds, as today's service reports them (ircli.lib.units).
* Serverless: MaxConcurrency requests at once on a slice of CPU that grows with MemorySizeInMB; cost from
  the GB-second price; ModelSetupTime is the cold start; CPU and memory utilisation are NaN.
* A model that needs more memory than the instance (or serverless size) has fails that step; so does a
  model an accelerator cannot run (AWS Neuron, on Inferentia and Trainium, compiles neural networks only).
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from dataclasses import dataclass
from typing import Any

from ircli.lib.catalog import catalog, instance
from ircli.simulator.sagemaker import load
from ircli.simulator.sagemaker.hardware import NEURON_KINDS, accelerator_speed, family_speed

FLATTENING_UTILISATION = 0.85  # where one instance's capacity is read for sizing the endpoint without a threshold
# The percentiles a latency threshold may name: P95 (the API's examples) and P99 (the console's load test).
PERCENTILE_FACTORS = {"P95": 1.5, "P99": 2.0}
SERVERLESS_VCPU_PER_GB = 0.5  # vCPU-equivalents of CPU that a serverless endpoint gets per GB of memory


def float32(value: float) -> float:
    """The service stores these metrics as 32-bit floats (0.23 x 3 comes back as 0.6899999976158142)."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


@dataclass(frozen=True)
class ModelProfile:
    name: str
    cpu_ms: float  # one inference on one reference vCPU
    accelerator_speedup: float  # how many times faster one accelerator runs it than one vCPU
    memory_gib: float  # host memory the model server needs
    streams_per_accelerator: int
    candidates: tuple[str, ...]  # what a Default job without EndpointConfigurations benchmarks
    # Accelerator memory the model needs (weights, KV cache and activations, runtime), summed over the
    # devices it is sharded across; 0 where it fits any accelerator.
    accelerator_memory_gib: float = 0.0
    requires_accelerator: bool = False  # too slow on CPUs to serve at all
    # The share of an instance's CPU one busy request slot keeps busy (the rest is I/O, serialisation).
    cpu_share: float = 1.0
    # On a CPU instance: worker processes (None: one per vCPU), the share of a request its threads (the vCPUs
    # a worker has) speed up, and the contention between workers (each slows every request by this share).
    cpu_workers: int | None = None
    intra_op: float = 0.0
    contention: float = 0.0
    overhead_ms: float = 10.0  # each request's time outside the model, per user loop
    neural: bool = True  # AWS Neuron (Inferentia, Trainium) compiles neural networks only


CPU_CANDIDATES = ("ml.c5.xlarge", "ml.c5d.large", "ml.m5.large", "ml.c6i.xlarge", "ml.r5.large")
GPU_CANDIDATES = ("ml.g4dn.xlarge", "ml.g5.xlarge", "ml.inf2.xlarge", "ml.c6i.2xlarge", "ml.g5.2xlarge")
LLM_CANDIDATES = ("ml.g5.2xlarge", "ml.g5.12xlarge", "ml.g6.12xlarge", "ml.p4d.24xlarge", "ml.inf2.24xlarge")

# The generic profile is calibrated on the published examples (developer guide, 2021): a load test of
# ml.c5d.xlarge with P95 <= 100 ms and 1000 invocations a minute needs 3 instances and serves 1113 (371 a minute
# an instance at 100 ms, so about 165 ms per request and user: 65 in the model, the rest outside it, as for a
# large payload); and its Default job's throughput is flat from 2 to 4 vCPUs (ml.c5d.large 655, ml.c5.xlarge 648
# a minute) while latency falls: one worker, whose request threads speed up a small share of it.
PROFILES: dict[str, ModelProfile] = {
    "generic": ModelProfile(
        "generic", 83.6, 8.0, 1.0, 4, CPU_CANDIDATES, cpu_workers=1, intra_op=0.3, overhead_ms=105.0
    ),
    # XGBoost, calibrated on the recorded Default job (xgboost-inference-recommender notebook, Dec 2021):
    # ml.c5.xlarge 18604 a minute, ml.m4.2xlarge (8 slower vCPUs) 25424: one worker per vCPU whose requests
    # slow each other (about 7% a worker), so throughput saturates (about 65,000 a minute on ml.c5.18xlarge,
    # not 18x ml.c5.xlarge's). The load-test guide's "30,000 a minute with 15-20 users on ml.c5.large" is a
    # round figure for "a typical XGBoost container"; the recorded runs are the calibration.
    "tabular": ModelProfile(
        "tabular",
        10.55,
        1.0,  # gradient-boosted trees gain little from a GPU at small batches
        0.3,
        4,
        ("ml.c5.large", "ml.c5.xlarge", "ml.m5.large", "ml.c6i.large", "ml.t2.medium"),
        cpu_share=0.9,
        contention=0.0742,
        neural=False,
    ),
    "nlp": ModelProfile("nlp", 220.0, 18.0, 1.5, 4, GPU_CANDIDATES, cpu_share=0.95, contention=0.02),
    "computer-vision": ModelProfile(
        "computer-vision", 160.0, 22.0, 1.2, 4, GPU_CANDIDATES, cpu_share=0.9, contention=0.02, overhead_ms=20.0
    ),
    # A 7B-parameter LLM in fp16 (13.5 GB, 12.6 GiB of weights) generating about 200 tokens a request.
    # Accelerator memory: weights + 20% for the KV cache and activations + 1 GiB of runtime = 16.1 GiB, so
    # it does not fit one 16 GiB T4 and fits one 22 GiB A10G. Service time: about 6 s a request on an A10G
    # (about 33 tokens/s at batch 1), 8 requests batched per device; public serving benchmarks of 7B models
    # on one A10G report tens of tokens per second per request and a few requests per second in all
    # (e.g. the SageMaker JumpStart and Hugging Face TGI benchmark write-ups for Llama 2 7B, 2023).
    "generative": ModelProfile(
        "generative",
        9600.0 * 60,
        32.0,  # an A10G (3.0 in `hardware`) runs it 96x one vCPU: 6 s a request
        4.0,
        8,
        LLM_CANDIDATES,
        accelerator_memory_gib=16.1,
        requires_accelerator=True,
        cpu_share=0.3,
        overhead_ms=50.0,
    ),
}

NEAREST_MODELS = {
    "xgboost": "tabular",
    "sklearn": "tabular",
    "lightgbm": "tabular",
    "catboost": "tabular",
    "bert": "nlp",
    "roberta": "nlp",
    "distilbert": "nlp",
    "albert": "nlp",
    "gpt2": "generative",
    "resnet": "computer-vision",
    "vgg": "computer-vision",
    "yolo": "computer-vision",
    "efficientnet": "computer-vision",
    "inception": "computer-vision",
    "mobilenet": "computer-vision",
    "llama": "generative",
    "falcon": "generative",
    "mistral": "generative",
    "t5": "nlp",
    "bart": "nlp",
}
DOMAINS = {"MACHINE_LEARNING": "tabular", "NATURAL_LANGUAGE_PROCESSING": "nlp", "COMPUTER_VISION": "computer-vision"}
FRAMEWORKS = {"XGBOOST": "tabular", "SAGEMAKER-SCIKIT-LEARN": "tabular", "SKLEARN": "tabular"}


def profile_for(container: dict[str, Any] | None) -> ModelProfile:
    container = container or {}
    nearest = str(container.get("NearestModelName", "")).lower()
    for key, profile in NEAREST_MODELS.items():
        if key in nearest:
            return PROFILES[profile]
    task = str(container.get("Task", "")).upper()
    if task in ("TEXT_GENERATION", "TEXT_TO_TEXT"):
        return PROFILES["generative"]
    domain = str(container.get("Domain", "")).upper()
    if domain in DOMAINS:
        return PROFILES[DOMAINS[domain]]
    framework = str(container.get("Framework", "")).upper()
    if framework in FRAMEWORKS:
        return PROFILES[FRAMEWORKS[framework]]
    return PROFILES["generic"]


def jitter(*parts: Any, spread: float = 0.06) -> float:
    """A deterministic factor in [1 - spread, 1 + spread] from the parts."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).digest()
    unit = int.from_bytes(digest[:8], "big") / 2**64
    return 1.0 - spread + 2 * spread * unit


@dataclass(frozen=True)
class Benchmark:
    """What one benchmark step measured. `failure` set means the step failed."""

    max_invocations: int = 0  # whole endpoint, per minute
    model_latency_ms: int = 0  # whole milliseconds, as the service reports ModelLatency (ircli.lib.units)
    instance_count: int = 1
    cost_per_hour: float = 0.0
    cost_per_inference: float = 0.0
    cpu_utilization: float = math.nan
    memory_utilization: float = math.nan
    model_setup_time_us: int | None = None
    failure: str | None = None
    # How long the load test ran before a stopping condition ended it, why, and its minutes as
    # [users, invocations, percentile latency in ms] (the endpoint's, one entry a minute).
    load_seconds: float | None = None
    stopped_by: str | None = None
    minutes: tuple[tuple[float, float, float], ...] = ()


@dataclass(frozen=True)
class Conditions:
    target_invocations: int | None = None  # StoppingConditions.MaxInvocations
    percentile: str | None = None
    threshold_ms: int | None = None
    flat_stop: bool = True  # FlatInvocations: Stop (the default) or Continue

    @classmethod
    def from_request(cls, stopping: dict[str, Any] | None) -> Conditions:
        stopping = stopping or {}
        thresholds = stopping.get("ModelLatencyThresholds") or []
        first = thresholds[0] if thresholds else {}
        return cls(
            stopping.get("MaxInvocations"),
            first.get("Percentile"),
            first.get("ValueInMilliseconds"),
            stopping.get("FlatInvocations", "Stop") != "Continue",
        )

    @property
    def factor(self) -> float:
        return PERCENTILE_FACTORS.get(self.percentile or "P95", 1.5)


def env_effects(env: dict[str, str], vcpu: int) -> tuple[float, int | None]:
    """Environment parameters that the model understands: thread and worker counts. Returns a speed
    factor and, where a parameter pins it, the number of requests served at once."""
    threads = _int_value(env.get("OMP_NUM_THREADS"))
    workers = _int_value(env.get("SAGEMAKER_MODEL_SERVER_WORKERS"))
    factor = 1.0
    if threads is not None:
        # Oversubscribing threads costs context switches; one thread per core is best.
        factor *= 1.0 if threads <= vcpu else max(0.6, vcpu / threads)
    concurrency = min(workers, vcpu) if workers else None
    return factor, concurrency


def _int_value(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def threshold_unmet(service_ms: float, conditions: Conditions) -> str | None:
    """The failure of a benchmark whose percentile latency is above the threshold even at the lowest
    load: no instance count can meet it, so the step yields no recommendation (a recommendation says the
    configuration meets the job's stopping conditions: the published example reports ModelLatency at the
    threshold, 100000 us for 100 ms)."""
    if conditions.threshold_ms is None:
        return None
    percentile = conditions.percentile or "P95"
    unloaded = service_ms * conditions.factor
    if unloaded <= conditions.threshold_ms:
        return None
    return (
        f"LATENCY_THRESHOLD_NOT_MET : The {percentile} model latency at the lowest load ({unloaded:.1f} ms) "
        f"is above the threshold of {conditions.threshold_ms} ms, at any instance count."
    )


def accelerator_memory(spec: dict[str, Any]) -> float:
    accelerator = spec.get("accelerator") or {}
    return float(accelerator.get("memory_gib") or 0.0) * int(accelerator.get("count") or 0)


def _does_not_fit(instance_type: str, spec: dict[str, Any], profile: ModelProfile) -> str | None:
    needed = profile.memory_gib + 0.5
    if needed > spec["memory_gib"]:
        return (
            f"OUT_OF_MEMORY : The model needs about {needed:.1f} GiB of memory; {instance_type} has "
            f"{spec['memory_gib']:g} GiB."
        )
    accelerator = spec.get("accelerator") or {}
    if profile.requires_accelerator and not accelerator:
        return (
            "UNSUPPORTED_INSTANCE_TYPE : The model needs an accelerator with about "
            f"{profile.accelerator_memory_gib:.1f} GiB of memory; {instance_type} has none."
        )
    if accelerator.get("kind") in NEURON_KINDS and not profile.neural:
        # AWS Neuron compiles PyTorch, TensorFlow and MXNet networks; trees and linear models have no path.
        return (
            f"UNSUPPORTED_INSTANCE_TYPE : {instance_type} runs models compiled by AWS Neuron, which compiles "
            f"neural networks only; this model (XGBoost, scikit-learn and the like) cannot run on its "
            f"{accelerator['name']} devices."
        )
    if accelerator and profile.accelerator_memory_gib > accelerator_memory(spec):
        return (
            f"OUT_OF_MEMORY : The model needs about {profile.accelerator_memory_gib:.1f} GiB of accelerator "
            f"memory; {instance_type} has {accelerator_memory(spec):.1f} GiB."
        )
    return None


def service_time_ms(
    spec: dict[str, Any], profile: ModelProfile, env_speed: float, pinned: int | None = None
) -> tuple[float, int]:
    """One request's service time and how many are served at once, from the hardware alone: instances
    with the same hardware always agree on whether a latency threshold can be met. On a CPU instance the
    model's parallelism decides, not the vCPUs alone: its workers, the threads each has, their contention."""
    accelerator = spec.get("accelerator")
    if accelerator:
        per_unit = accelerator_speed(accelerator["name"], profile.name) * profile.accelerator_speedup
        slots = int(accelerator["count"]) * profile.streams_per_accelerator
        return profile.cpu_ms / per_unit / env_speed, min(slots, pinned) if pinned else slots
    vcpu = int(spec["vcpu"])
    workers = max(1, min(vcpu, pinned or profile.cpu_workers or vcpu))
    threads = max(1, vcpu // workers)
    compute = profile.cpu_ms / family_speed(spec["family"]) / env_speed
    service = compute * ((1.0 - profile.intra_op) + profile.intra_op / threads)
    return service * (1.0 + profile.contention * (workers - 1)), workers


def _limits(conditions: Conditions) -> load.Limits:
    return load.Limits(conditions.factor, conditions.threshold_ms, conditions.flat_stop)


def benchmark_instance(
    instance_type: str,
    profile: ModelProfile,
    env: dict[str, str],
    conditions: Conditions,
    traffic: load.Traffic = load.DEFAULT_TRAFFIC,
    instance_count: int | None = None,
) -> Benchmark:
    """A benchmark of `instance_type`: an endpoint sized for StoppingConditions.MaxInvocations, or of
    `instance_count` instances (an existing endpoint, measured as it is)."""
    spec = instance(instance_type)
    failure = _does_not_fit(instance_type, spec, profile)
    if failure:
        return Benchmark(failure=failure)
    speed, pinned = env_effects(env, spec["vcpu"])
    service_ms, slots = service_time_ms(spec, profile, speed, pinned)
    unmet = threshold_unmet(service_ms, conditions)
    if unmet:
        return Benchmark(failure=unmet)
    station = load.Station(service_ms, slots, profile.overhead_ms)
    target = conditions.target_invocations
    capacity = station.capacity(conditions.threshold_ms, conditions.factor, FLATTENING_UTILISATION)
    count = instance_count or (math.ceil(target / capacity) if target else 1)
    test = load.run(station, count, load.segments(traffic.pattern, traffic.budget_seconds), _limits(conditions))
    variation = jitter(instance_type, profile.name, sorted(env.items()), spread=0.03)
    figures = test.figures(variation)
    cost_per_hour = float32(spec["price_per_hour"] * count)
    accelerated = bool(spec.get("accelerator"))
    # CPU follows the load reached (a busy worker keeps 1 / (serial + parallel share / threads) cores busy;
    # accelerated instances feed the devices); memory is the model's footprint plus each busy slot's buffers.
    busy_cores = slots / ((1.0 - profile.intra_op) + profile.intra_op / max(1, spec["vcpu"] // slots))
    cores_used = 1.0 if accelerated else min(1.0, busy_cores / spec["vcpu"])
    cpu = min(100.0, test.busy * 100.0 * cores_used * profile.cpu_share * (0.35 if accelerated else 1.0) * variation)
    working_gib = 0.05 * slots * test.busy
    memory = min(100.0, (profile.memory_gib + 0.5 + working_gib) / spec["memory_gib"] * 100.0)
    return Benchmark(
        **figures,
        instance_count=count,
        cost_per_hour=cost_per_hour,
        cost_per_inference=float32(cost_per_hour / (figures["max_invocations"] * 60)),
        cpu_utilization=float32(round(cpu, 2)),
        memory_utilization=float32(round(memory, 2)),
    )


def benchmark_serverless(
    memory_mb: int,
    max_concurrency: int,
    profile: ModelProfile,
    env: dict[str, str],
    conditions: Conditions,
    traffic: load.Traffic = load.DEFAULT_TRAFFIC,
) -> Benchmark:
    gib = memory_mb / 1024
    needed = profile.memory_gib + 0.5
    if needed > gib:
        return Benchmark(
            failure=f"OUT_OF_MEMORY : The model needs about {needed:.1f} GiB of memory; the serverless "
            f"configuration has {gib:g} GiB."
        )
    if profile.requires_accelerator:
        return Benchmark(
            failure="UNSUPPORTED_INSTANCE_TYPE : The model needs an accelerator; serverless endpoints have none."
        )
    speed, _ = env_effects(env, max(1, int(gib * SERVERLESS_VCPU_PER_GB)))
    service_ms = profile.cpu_ms / max(0.25, min(2.0, gib * SERVERLESS_VCPU_PER_GB)) / speed
    unmet = threshold_unmet(service_ms, conditions)
    if unmet:
        return Benchmark(failure=unmet)
    station = load.Station(service_ms, max_concurrency, profile.overhead_ms)
    test = load.run(station, 1, load.segments(traffic.pattern, traffic.budget_seconds), _limits(conditions))
    variation = jitter("serverless", memory_mb, profile.name, sorted(env.items()), spread=0.03)
    figures = test.figures(variation)
    price_per_gb_second = catalog()["serverless"]["price_per_gb_second"]
    cost_per_inference = float32(gib * (service_ms / 1000.0) * price_per_gb_second)
    cost_per_hour = float32(cost_per_inference * figures["max_invocations"] * 60)
    setup_ms = (1500 + 900 * profile.memory_gib) * jitter("setup", memory_mb, profile.name, spread=0.1)
    return Benchmark(
        **figures,
        instance_count=0,
        cost_per_hour=cost_per_hour,
        cost_per_inference=float32(cost_per_hour / (figures["max_invocations"] * 60)),
        model_setup_time_us=int(setup_ms * 1000),
    )
