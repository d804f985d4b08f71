"""How a simulated endpoint answers under load: each InvokeEndpoint waits the latency the performance
model (`ircli.simulator.sagemaker.perf`) gives at the load the variant is receiving, so a load test against
an endpoint deployed from a recommendation measures that recommendation again.

* The variant's capacity: its instances, each serving `c` requests at once with the service time `s` of
  the model on that hardware (perf.service_time_ms; the environment's thread and worker counts apply), or
  a serverless configuration's MaxConcurrency.
* The load: the arrivals of the last few seconds, in the service's time; the utilisation `rho` is that rate
  x `s` over all the variant's slots.
* One answer's latency is `s * (1 + rho / ((1 - rho) * c)) * g`, where `g` is drawn from a distribution
  whose median is 1, 95th percentile 1.5 and 99th 2.0: the model's P95 and P99 factors, so the percentile
  a load test measures is the one the performance model reports at the same utilisation.
* The wait is in the simulator's time: scaled by its speed (wall seconds per second of the service's time),
  nothing at `instant`. The served simulator runs invocations on worker threads, so waiting answers hold
  no one else up.

A load test (`ircli load-test`) says the load itself: its request's CustomAttributes carry
`ircli-load-users=N`, the closed-loop users it is running. Then the latency is the performance model's own
closed loop (`ircli.simulator.sagemaker.load.Station`: the users shared evenly over the instances, each loop's
time outside the model included) at those users, x `g` drawn in a fixed low-discrepancy order, and the answer's
CustomAttributes say what was modelled (`ircli-model-latency-ms`, `ircli-overhead-latency-ms`, in the
service's time), as CloudWatch's ModelLatency and OverheadLatency would: the figures do not depend on how fast
this machine drives the loops, and a test at the default speed reads the same figures as at realtime.

The model's profile comes from the newest job that named the variant's model (its ContainerConfig) when
the variant was deployed, as the job that recommended the endpoint benchmarked it, kept with the variant:
jobs created later do not change how the endpoint answers. A model no such job named is the generic
profile.
"""

from __future__ import annotations

import bisect
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from ircli.simulator import documents
from ircli.simulator.common import speed_factor

WINDOW_SECONDS = 3.0  # wall seconds of arrivals the load is measured over
MAX_UTILISATION = 0.98
CACHE_SECONDS = 5.0
# (quantile, factor) points of the latency's spread around its mean; piecewise linear between them.
SPREAD = ((0.0, 0.4), (0.5, 1.0), (0.95, 1.5), (0.99, 2.0), (1.0, 2.5))
_QUANTILES = [q for q, _ in SPREAD]


@dataclass(frozen=True)
class Capacity:
    service_ms: float  # one request alone
    slots: int  # requests one instance serves at once
    instances: int
    overhead_ms: float = 0.0  # each user loop's time per request outside the model


def spread(unit: float) -> float:
    """The latency factor at quantile `unit` in [0, 1)."""
    index = max(1, bisect.bisect_right(_QUANTILES, unit))
    (q0, f0), (q1, f1) = SPREAD[index - 1], SPREAD[min(index, len(SPREAD) - 1)]
    return f0 if q1 == q0 else f0 + (f1 - f0) * (unit - q0) / (q1 - q0)


def latency_ms(capacity: Capacity, rate_per_second: float, unit: float) -> float:
    """One answer's latency at `rate_per_second` arrivals (the service's time), at quantile `unit`."""
    total_slots = capacity.slots * capacity.instances
    rho = min(MAX_UTILISATION, rate_per_second * capacity.service_ms / 1000.0 / total_slots)
    mean = capacity.service_ms * (1.0 + rho / ((1.0 - rho) * capacity.slots))
    return mean * spread(unit)


class Arrivals:
    """The recent arrivals at one variant, shared by the threads that serve it."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.lock = threading.Lock()

    def arrive(self, now: float) -> float:
        """Count one arrival; the rate per wall second over the window (the first seconds: since the first)."""
        with self.lock:
            self.times.append(now)
            while self.times and self.times[0] < now - WINDOW_SECONDS:
                self.times.popleft()
            span = max(1.0, min(WINDOW_SECONDS, now - self.times[0]))
            return len(self.times) / span


_ARRIVALS: dict[tuple[str, str, str], Arrivals] = {}
_CAPACITIES: dict[tuple[str, str, str], tuple[float, Capacity | None]] = {}
_REGISTRY_LOCK = threading.Lock()
_RANDOM = random.Random(20240)
_DRAWS: dict[tuple[str, str, str], int] = {}
GOLDEN = (5**0.5 - 1) / 2
LOAD_USERS = "ircli-load-users"
MAX_DECLARED_USERS = 100_000
INVOCATION_TIMEOUT_SECONDS = 60.0  # a real-time endpoint's container must answer within 60 s
MODEL_LATENCY = "ircli-model-latency-ms"
OVERHEAD_LATENCY = "ircli-overhead-latency-ms"


def _container_of(sim: Any, variant: dict[str, Any]) -> dict[str, Any] | None:
    if "container" in variant:  # as deployed
        container: dict[str, Any] | None = variant["container"]
        return container
    found: dict[str, Any] | None = sim.endpoints.benchmarked_container(variant.get("model"))
    return found  # an endpoint deployed before its variants kept theirs


def _environment(sim: Any, model_name: str | None) -> dict[str, str]:
    if not model_name:
        return {}
    row = sim.store.read().execute("SELECT body FROM models WHERE name = ?", (model_name,)).fetchone()
    if row is None:
        return {}
    container = documents.loads(row["body"]).get("PrimaryContainer") or {}
    environment = container.get("Environment") or {}
    return {str(k): str(v) for k, v in environment.items()}


def capacity_of(sim: Any, variant: dict[str, Any]) -> Capacity | None:
    """The variant's capacity as the performance model sees it; None where it cannot serve the model."""
    from ircli.lib.catalog import instance
    from ircli.simulator.sagemaker import perf

    profile = perf.profile_for(_container_of(sim, variant))
    env = _environment(sim, variant.get("model"))
    serverless = variant.get("serverless")
    if serverless:
        gib = float(serverless.get("MemorySizeInMB", 2048)) / 1024
        speed, _ = perf.env_effects(env, max(1, int(gib * perf.SERVERLESS_VCPU_PER_GB)))
        service = profile.cpu_ms / max(0.25, min(2.0, gib * perf.SERVERLESS_VCPU_PER_GB)) / speed
        return Capacity(service, int(serverless.get("MaxConcurrency", 1)), 1, profile.overhead_ms)
    try:
        spec = instance(str(variant.get("instance_type")))
    except Exception:  # an instance type the catalog does not know: no model of its speed
        return None
    speed, pinned = perf.env_effects(env, spec["vcpu"])
    service, slots = perf.service_time_ms(spec, profile, speed)
    slots = min(slots, pinned) if pinned else slots
    return Capacity(service, slots, int(variant.get("instance_count") or 1), profile.overhead_ms)


def _cached_capacity(sim: Any, key: tuple[str, str, str], variant: dict[str, Any], now: float) -> Capacity | None:
    with _REGISTRY_LOCK:
        cached = _CAPACITIES.get(key)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    capacity = capacity_of(sim, variant)
    with _REGISTRY_LOCK:
        _CAPACITIES[key] = (now, capacity)
    return capacity


@dataclass(frozen=True)
class Modelled:
    """One answer's latency as the performance model gives it, in the service's milliseconds."""

    model_ms: float
    overhead_ms: float

    def attributes(self) -> str:
        return f"{MODEL_LATENCY}={self.model_ms:.3f};{OVERHEAD_LATENCY}={self.overhead_ms:.3f}"


def declared_users(custom_attributes: str | None) -> int | None:
    """The closed-loop users a load test says it runs (CustomAttributes `ircli-load-users=N`), or None."""
    for part in re.split(r"[;,]", custom_attributes or ""):
        key, _, value = part.partition("=")
        value = value.strip()
        if key.strip() == LOAD_USERS and value.isdigit() and 0 < len(value) <= 9 and int(value) > 0:
            return min(int(value), MAX_DECLARED_USERS)
    return None


def closed_loop_latency_ms(capacity: Capacity, users: int, unit: float) -> float:
    """One answer's latency with `users` closed loops shared over the instances (the performance model's
    Station, whose percentile latencies the job reported), at quantile `unit`."""
    from ircli.simulator.sagemaker.load import Station

    station = Station(capacity.service_ms, capacity.slots, capacity.overhead_ms)
    return station.latency_ms(users / max(1, capacity.instances)) * spread(unit)


def _unit(key: tuple[str, str, str]) -> float:
    """The next quantile of the variant's answers: the golden-ratio sequence, so that any run of n answers
    covers [0, 1) within about 1/n and a level's percentile is the model's, not a random draw's."""
    with _REGISTRY_LOCK:
        index = _DRAWS[key] = _DRAWS.get(key, 0) + 1
    return (index * GOLDEN) % 1.0


def model_answer(sim: Any, endpoint: dict[str, Any], variant_name: str, users: int) -> Modelled | None:
    """The latency of this answer at the `users` a load test declared; waits it out at the simulator's speed."""
    variant = next((v for v in endpoint["variants"] if v["VariantName"] == variant_name), None)
    if variant is None:
        return None
    key = (str(sim.store.path), str(endpoint["EndpointName"]), variant_name)
    capacity = _cached_capacity(sim, key, variant, time.monotonic())
    if capacity is None:
        return None
    modelled = Modelled(closed_loop_latency_ms(capacity, users, _unit(key)), capacity.overhead_ms)
    scale = speed_factor(sim.speed)
    if scale > 0:  # never past InvokeEndpoint's 60 seconds, whatever load a caller declares
        time.sleep(min(INVOCATION_TIMEOUT_SECONDS, modelled.model_ms / 1000.0 * scale))
    return modelled


def wait_for_answer(sim: Any, endpoint: dict[str, Any], variant_name: str) -> float:
    """Wait the latency of this invocation at the variant's load; returns the wall seconds waited."""
    scale = speed_factor(sim.speed)
    if scale <= 0:
        return 0.0
    variant = next((v for v in endpoint["variants"] if v["VariantName"] == variant_name), None)
    if variant is None:
        return 0.0
    key = (str(sim.store.path), str(endpoint["EndpointName"]), variant_name)
    now = time.monotonic()
    with _REGISTRY_LOCK:
        arrivals = _ARRIVALS.setdefault(key, Arrivals())
    wall_rate = arrivals.arrive(now)
    capacity = _cached_capacity(sim, key, variant, now)
    if capacity is None:
        return 0.0
    with _REGISTRY_LOCK:
        unit = _RANDOM.random()
    seconds = latency_ms(capacity, wall_rate * scale, unit) / 1000.0 * scale
    time.sleep(seconds)
    return seconds
