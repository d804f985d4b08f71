"""The simulator's performance model: what a benchmark of one endpoint configuration measures.

Deterministic for the same request. The figures are simulated, not measured; the README's section
"The performance model" explains it. In short:

* A model profile (by NearestModelName, else Domain/Task, else Framework, else generic) gives the CPU
  time one inference takes on one reference vCPU, how much faster an accelerator runs it, and the
  memory the model needs.
* An instance serves `c` requests at once (its vCPUs, or accelerators x streams); at utilisation `rho`
  the percentile latency is `s * pf * (1 + rho / ((1 - rho) * c))`, `s` the service time and `pf` the
  percentile's factor. Without a latency threshold the benchmark stops where invocations flatten
  (rho = 0.85); with one it stops where the percentile reaches the threshold.
* InitialInstanceCount = ceil(StoppingConditions.MaxInvocations / per-instance MaxInvocations) (1 without
  it); MaxInvocations is for the whole endpoint; CostPerHour = float32(price x count);
  CostPerInference = float32(CostPerHour / (MaxInvocations x 60)); latencies are microseconds.
* Serverless: MaxConcurrency requests at once on a slice of CPU that grows with MemorySizeInMB; cost from
  the GB-second price; ModelSetupTime is the cold start; CPU and memory utilisation are NaN.
* A model that needs more memory than the instance (or serverless size) has fails that step.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

FLATTENING_UTILISATION = 0.85
PERCENTILE_FACTORS = {"P50": 1.0, "P90": 1.3, "P95": 1.5, "P99": 2.0}
# vCPU-equivalents of CPU that a serverless endpoint gets per GB of memory.
SERVERLESS_VCPU_PER_GB = 0.5


def float32(value: float) -> float:
    """The service stores these metrics as 32-bit floats (0.23 x 3 comes back as 0.6899999976158142)."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


@dataclass(frozen=True)
class ModelProfile:
    name: str
    cpu_ms: float  # one inference on one reference vCPU
    accelerator_speedup: float  # how many times faster one accelerator runs it than one vCPU
    memory_gib: float
    streams_per_accelerator: int
    candidates: tuple[str, ...]  # what a Default job without EndpointConfigurations benchmarks


CPU_CANDIDATES = ("ml.c5.xlarge", "ml.c5d.large", "ml.m5.large", "ml.c6i.xlarge", "ml.r5.large")
GPU_CANDIDATES = ("ml.g4dn.xlarge", "ml.g5.xlarge", "ml.inf2.xlarge", "ml.c6i.2xlarge", "ml.g5.2xlarge")
LLM_CANDIDATES = ("ml.g5.2xlarge", "ml.g5.12xlarge", "ml.g6.12xlarge", "ml.p4d.24xlarge", "ml.inf2.24xlarge")

# The generic profile is calibrated on the published example: ml.c5d.xlarge with P95 <= 100 ms and
# 1000 invocations per minute needs 3 instances (developer guide).
PROFILES: dict[str, ModelProfile] = {
    "generic": ModelProfile("generic", 67.9, 8.0, 1.0, 4, CPU_CANDIDATES),
    # XGBoost on ml.c5.large reaches about 30,000 invocations per minute (load-test guide): ~4 ms of CPU.
    "tabular": ModelProfile(
        "tabular", 3.5, 2.0, 0.3, 8, ("ml.c5.large", "ml.c5.xlarge", "ml.m5.large", "ml.c6i.large", "ml.t2.medium")
    ),
    "nlp": ModelProfile("nlp", 220.0, 18.0, 1.5, 4, GPU_CANDIDATES),
    "computer-vision": ModelProfile("computer-vision", 160.0, 22.0, 1.2, 4, GPU_CANDIDATES),
    "generative": ModelProfile("generative", 9000.0, 60.0, 14.0, 2, LLM_CANDIDATES),
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

# Relative speed of one vCPU by instance family prefix; the longest matching prefix wins.
FAMILY_SPEED = {
    "t2": 0.6,
    "t3": 0.7,
    "m4": 0.85,
    "c4": 0.9,
    "m5": 0.95,
    "r5": 0.95,
    "c5": 1.0,
    "p2": 0.8,
    "p3": 0.95,
    "m6i": 1.1,
    "c6i": 1.15,
    "r6i": 1.1,
    "c6in": 1.15,
    "m7i": 1.2,
    "c7i": 1.25,
    "r7i": 1.2,
    "m6g": 0.95,
    "c6g": 1.0,
    "r6g": 0.95,
    "c6gn": 1.0,
    "c7g": 1.15,
    "r7g": 1.1,
    "m8g": 1.25,
    "c8g": 1.3,
    "r8g": 1.25,
}
ACCELERATOR_SPEED = {
    "K80": 0.5,
    "M60": 0.5,
    "T4": 1.0,
    "V100": 1.8,
    "A10G": 1.6,
    "L4": 1.5,
    "L40S": 2.6,
    "A100": 3.5,
    "H100": 6.0,
    "H200": 6.5,
    "B200": 9.0,
    "B300": 10.0,
    "GB200": 10.0,
    "Inferentia": 0.8,
    "Inferentia2": 1.7,
    "Trainium": 1.5,
    "Trainium2": 3.0,
}


@lru_cache(maxsize=1)
def catalog() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("catalog.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def instance(instance_type: str) -> dict[str, Any]:
    record: dict[str, Any] = catalog()["instances"][instance_type]
    return record


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


def family_speed(family: str) -> float:
    best = ""
    for prefix in FAMILY_SPEED:
        if family.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return FAMILY_SPEED.get(best, 1.0)


@dataclass(frozen=True)
class Benchmark:
    """What one benchmark step measured. `failure` set means the step failed."""

    max_invocations: int = 0  # whole endpoint, per minute
    model_latency_us: int = 0
    instance_count: int = 1
    cost_per_hour: float = 0.0
    cost_per_inference: float = 0.0
    cpu_utilization: float = math.nan
    memory_utilization: float = math.nan
    model_setup_time_us: int | None = None
    failure: str | None = None


@dataclass(frozen=True)
class Conditions:
    target_invocations: int | None = None  # StoppingConditions.MaxInvocations
    percentile: str | None = None
    threshold_ms: int | None = None

    @classmethod
    def from_request(cls, stopping: dict[str, Any] | None) -> Conditions:
        stopping = stopping or {}
        thresholds = stopping.get("ModelLatencyThresholds") or []
        first = thresholds[0] if thresholds else {}
        return cls(stopping.get("MaxInvocations"), first.get("Percentile"), first.get("ValueInMilliseconds"))


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


def _utilisation(service_ms: float, percentile_factor: float, slots: int, threshold_ms: int | None) -> float:
    if threshold_ms is None:
        return FLATTENING_UTILISATION
    headroom = threshold_ms / (service_ms * percentile_factor) - 1.0
    if headroom <= 0:
        return 0.05  # the threshold cannot be met even unloaded; the test ends at once
    return min(FLATTENING_UTILISATION, headroom * slots / (1.0 + headroom * slots))


def _latency_ms(service_ms: float, percentile_factor: float, slots: int, rho: float) -> float:
    return service_ms * percentile_factor * (1.0 + rho / ((1.0 - rho) * slots))


def benchmark_instance(
    instance_type: str, profile: ModelProfile, env: dict[str, str], conditions: Conditions
) -> Benchmark:
    spec = instance(instance_type)
    vcpu: int = spec["vcpu"]
    memory_gib: float = spec["memory_gib"]
    needed = profile.memory_gib + 0.5
    accelerator = spec.get("accelerator")
    accelerator_memory = accelerator["memory_gib"] if accelerator and accelerator.get("memory_gib") else 0.0
    if needed > memory_gib and needed > accelerator_memory:
        return Benchmark(
            failure=f"The model needs about {needed:.1f} GiB of memory; {instance_type} has {memory_gib:g} GiB."
        )
    speed, pinned = env_effects(env, vcpu)
    noise = jitter(instance_type, profile.name, sorted(env.items()))
    if accelerator:
        per_unit = ACCELERATOR_SPEED.get(accelerator["name"], 1.0) * profile.accelerator_speedup
        service_ms = profile.cpu_ms / per_unit / speed * noise
        slots = accelerator["count"] * profile.streams_per_accelerator
    else:
        service_ms = profile.cpu_ms / family_speed(spec["family"]) / speed * noise
        slots = vcpu
    if pinned:
        slots = min(slots, pinned)
    factor = PERCENTILE_FACTORS.get(conditions.percentile or "P95", 1.5)
    rho = _utilisation(service_ms, factor, slots, conditions.threshold_ms)
    per_instance = max(1, int(rho * slots * 60_000 / service_ms))
    latency_ms = _latency_ms(service_ms, factor, slots, rho)
    if conditions.threshold_ms is not None and latency_ms >= conditions.threshold_ms * 0.999:
        latency_ms = float(conditions.threshold_ms)
    count = math.ceil(conditions.target_invocations / per_instance) if conditions.target_invocations else 1
    max_invocations = per_instance * count
    cost_per_hour = float32(spec["price_per_hour"] * count)
    cpu = rho * 100.0 * (0.35 if accelerator else 1.0)
    memory = min(100.0, needed / memory_gib * 100.0)
    return Benchmark(
        max_invocations=max_invocations,
        model_latency_us=round(latency_ms * 1000),
        instance_count=count,
        cost_per_hour=cost_per_hour,
        cost_per_inference=float32(cost_per_hour / (max_invocations * 60)),
        cpu_utilization=float32(round(cpu, 2)),
        memory_utilization=float32(round(memory, 2)),
    )


def benchmark_serverless(
    memory_mb: int, max_concurrency: int, profile: ModelProfile, env: dict[str, str], conditions: Conditions
) -> Benchmark:
    gib = memory_mb / 1024
    needed = profile.memory_gib + 0.5
    if needed > gib:
        return Benchmark(
            failure=f"The model needs about {needed:.1f} GiB of memory; the serverless configuration has {gib:g} GiB."
        )
    speed, _ = env_effects(env, max(1, int(gib * SERVERLESS_VCPU_PER_GB)))
    noise = jitter("serverless", memory_mb, profile.name, sorted(env.items()))
    service_ms = profile.cpu_ms / max(0.25, min(2.0, gib * SERVERLESS_VCPU_PER_GB)) / speed * noise
    factor = PERCENTILE_FACTORS.get(conditions.percentile or "P95", 1.5)
    rho = _utilisation(service_ms, factor, max_concurrency, conditions.threshold_ms)
    invocations = max(1, int(rho * max_concurrency * 60_000 / service_ms))
    latency_ms = _latency_ms(service_ms, factor, max_concurrency, rho)
    if conditions.threshold_ms is not None and latency_ms >= conditions.threshold_ms * 0.999:
        latency_ms = float(conditions.threshold_ms)
    price_per_gb_second = catalog()["serverless"]["price_per_gb_second"]
    cost_per_inference = float32(gib * (service_ms / 1000.0) * price_per_gb_second)
    cost_per_hour = float32(cost_per_inference * invocations * 60)
    setup_ms = (1500 + 900 * profile.memory_gib) * jitter("setup", memory_mb, profile.name, spread=0.1)
    return Benchmark(
        max_invocations=invocations,
        model_latency_us=round(latency_ms * 1000),
        instance_count=0,
        cost_per_hour=cost_per_hour,
        cost_per_inference=float32(cost_per_hour / (invocations * 60)),
        model_setup_time_us=int(setup_ms * 1000),
    )
