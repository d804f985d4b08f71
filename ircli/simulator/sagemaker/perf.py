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
from ircli.simulator.sagemaker.profiles import PROFILES as PROFILES
from ircli.simulator.sagemaker.profiles import ModelProfile as ModelProfile
from ircli.simulator.sagemaker.profiles import profile_for as profile_for

FLATTENING_UTILISATION = 0.85  # where one instance's capacity is read for sizing the endpoint without a threshold
# The percentiles a latency threshold may name: P95 (the API's examples) and P99 (the console's load test).
PERCENTILE_FACTORS = {"P95": 1.5, "P99": 2.0}
SERVERLESS_VCPU_PER_GB = 0.5  # vCPU-equivalents of CPU that a serverless endpoint gets per GB of memory


def float32(value: float) -> float:
    """The service stores these metrics as 32-bit floats (0.23 x 3 comes back as 0.6899999976158142)."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


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


def omp_threads(env: dict[str, str]) -> int | None:
    """The intra-op threads OMP_NUM_THREADS gives each request (None where it is unset or not a count)."""
    threads = _int_value(env.get("OMP_NUM_THREADS"))
    return threads if threads is not None and threads > 0 else None


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
    spec: dict[str, Any],
    profile: ModelProfile,
    env_speed: float,
    pinned: int | None = None,
    threads: int | None = None,
) -> tuple[float, int]:
    """One request's service time and how many are served at once, from the hardware alone: instances
    with the same hardware always agree on whether a latency threshold can be met. On a CPU instance the
    model's parallelism decides, not the vCPUs alone: its workers, the threads each has (OMP_NUM_THREADS,
    `threads`, for a model that sizes its workers by them), their contention."""
    accelerator = spec.get("accelerator")
    if accelerator:
        per_unit = accelerator_speed(accelerator["name"], profile.name) * profile.accelerator_speedup
        slots = int(accelerator["count"]) * profile.streams_per_accelerator
        return profile.cpu_ms / per_unit / env_speed, min(slots, pinned) if pinned else slots
    vcpu = int(spec["vcpu"])
    workers, threads = _cpu_parallelism(vcpu, profile, pinned, threads)
    compute = profile.cpu_ms / family_speed(spec["family"]) / env_speed
    service = compute * ((1.0 - profile.intra_op) + profile.intra_op / threads)
    return service * (1.0 + profile.contention * (workers - 1)), workers


def _cpu_parallelism(vcpu: int, profile: ModelProfile, pinned: int | None, threads: int | None) -> tuple[int, int]:
    """The requests a CPU instance serves at once and the intra-op threads each runs on. Threads beyond the
    vCPUs speed nothing up (their cost is `env_effects`'s)."""
    if profile.threads_from_omp:
        each = min(vcpu, threads or (vcpu // pinned if pinned else vcpu))
        return max(1, min(vcpu, pinned or vcpu // max(1, each))), max(1, each)
    workers = max(1, min(vcpu, pinned or profile.cpu_workers or vcpu))
    return workers, max(1, vcpu // workers)


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
    service_ms, slots = service_time_ms(spec, profile, speed, pinned, omp_threads(env))
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
