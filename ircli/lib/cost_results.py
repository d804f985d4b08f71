"""The typed results of a cost estimate (`lib/cost` computes them): each option's figures (an instance fleet
or a serverless endpoint), its ranked estimate at the traffic, the options not priced, the serverless /
real-time break-even, the assumptions, and the whole `CostEstimate`; `to_document()` gives the JSON/YAML
`cost-estimate` prints, keys in the order it always had."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ircli.lib.traffic import TrafficProfile

HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class InstanceFigures:
    """An instance recommendation's fleet hour by hour (the scaling recommendation's target and bounds) and
    what it costs; `latency_ms_by_hour` unrounded, infinite where the fleet is saturated."""

    kind: ClassVar[str] = "Instances"
    unit_price_per_hour: float
    price_source: str
    target_invocations_per_instance: float
    min_capacity: int
    max_capacity: int
    instances_by_hour: tuple[int, ...]
    monthly_cost_fixed_at_peak: float
    monthly_cost: float
    capacity_per_minute: float
    latency_ms_by_hour: tuple[float, ...]

    @property
    def cold_request_latency_ms(self) -> float | None:
        return None  # instances stay up: no request waits for one to start

    def monthly_cost_at(self, per_minute: float) -> float:
        """The monthly cost at a steady `per_minute`: as many instances as the target needs, at least MinCapacity."""
        instances = max(self.min_capacity, math.ceil(per_minute / self.target_invocations_per_instance))
        return float(self.unit_price_per_hour * instances * HOURS_PER_MONTH)

    def to_document(self) -> dict[str, Any]:
        return {
            "Kind": self.kind,
            "UnitPricePerHour": self.unit_price_per_hour,
            "PriceSource": self.price_source,
            "TargetInvocationsPerInstance": self.target_invocations_per_instance,
            "MinCapacity": self.min_capacity,
            "MaxCapacity": self.max_capacity,
            "InstancesByHour": list(self.instances_by_hour),
            "MonthlyCostFixedAtPeak": self.monthly_cost_fixed_at_peak,
            "MonthlyCost": self.monthly_cost,
            "CapacityPerMinute": self.capacity_per_minute,
        }


@dataclass(frozen=True)
class ColdStarts:
    """A serverless option's cold starts after idle hours: how many a month and what the first request waits."""

    per_month: int
    seconds: float | None  # the benchmark's ModelSetupTime; None when it reported none
    first_request_latency_ms_after_idle: float | None

    def to_document(self) -> dict[str, Any]:
        return {
            "ColdStartsPerMonth": self.per_month,
            "ColdStartSeconds": self.seconds,
            "FirstRequestLatencyMsAfterIdle": self.first_request_latency_ms_after_idle,
        }


@dataclass(frozen=True)
class ServerlessFigures:
    """A serverless recommendation's pay-per-use cost (plus provisioned concurrency) and its cold starts."""

    kind: ClassVar[str] = "Serverless"
    cold_starts: ColdStarts
    price_source: str
    memory_size_in_mb: int
    billed_seconds_per_invocation: float
    provisioned_concurrency: int | None
    monthly_cost: float
    monthly_provisioned_concurrency_cost: float
    capacity_per_minute: float
    latency_ms_by_hour: tuple[float, ...]
    price_per_gb_second: float  # the catalog's, for the cost at other traffic
    monthly_cost_fixed_at_peak: ClassVar[None] = None  # there is no fleet to fix

    @property
    def cold_request_latency_ms(self) -> float | None:
        return self.cold_starts.first_request_latency_ms_after_idle

    @property
    def usage_cost(self) -> float:
        """The monthly cost of the invocations alone (without provisioned concurrency)."""
        return self.monthly_cost - self.monthly_provisioned_concurrency_cost

    def monthly_cost_at(self, per_minute: float) -> float:
        """The monthly cost at a steady `per_minute`, pay-per-use."""
        gigabytes = self.memory_size_in_mb / 1024
        usage = per_minute * 60 * self.billed_seconds_per_invocation * gigabytes
        return float(usage * self.price_per_gb_second * HOURS_PER_MONTH) + self.monthly_provisioned_concurrency_cost

    def to_document(self) -> dict[str, Any]:
        return {
            **self.cold_starts.to_document(),
            "Kind": self.kind,
            "PriceSource": self.price_source,
            "MemorySizeInMB": self.memory_size_in_mb,
            "BilledSecondsPerInvocation": self.billed_seconds_per_invocation,
            "ProvisionedConcurrency": self.provisioned_concurrency,
            "MonthlyCostFixedAtPeak": self.monthly_cost_fixed_at_peak,
            "MonthlyCost": self.monthly_cost,
            "MonthlyProvisionedConcurrencyCost": self.monthly_provisioned_concurrency_cost,
            "CapacityPerMinute": self.capacity_per_minute,
        }


Figures = InstanceFigures | ServerlessFigures


@dataclass(frozen=True)
class Estimate:
    """One option at the traffic: its figures, the hours it cannot serve or breaks the latency limit, and
    its rank (options within the limits first, then by monthly cost)."""

    recommendation_id: str
    endpoint_configuration: str  # the option's label, e.g. "ml.c5.large x1"
    figures: Figures
    latency_ms_by_hour: tuple[float | None, ...]  # rounded to 0.1 ms; None where the option is saturated
    latency_ms_at_peak: float | None
    hours_over_capacity: tuple[int, ...]
    hours_over_latency_limit: tuple[int, ...]
    within_limits: bool
    rank: int = 0

    @property
    def kind(self) -> str:
        return self.figures.kind

    @property
    def monthly_cost(self) -> float:
        return self.figures.monthly_cost

    def monthly_cost_at(self, per_minute: float) -> float:
        """The option's monthly cost at a steady `per_minute` invocations (for charts of cost against traffic)."""
        return self.figures.monthly_cost_at(per_minute)

    def to_document(self) -> dict[str, Any]:
        return {
            "RecommendationId": self.recommendation_id,
            "EndpointConfiguration": self.endpoint_configuration,
            **self.figures.to_document(),
            "LatencyMsByHour": list(self.latency_ms_by_hour),
            "LatencyMsAtPeak": self.latency_ms_at_peak,
            "HoursOverCapacity": list(self.hours_over_capacity),
            "HoursOverLatencyLimit": list(self.hours_over_latency_limit),
            "WithinLimits": self.within_limits,
            "Rank": self.rank,
        }


@dataclass(frozen=True)
class NotPriced:
    """An option left out of the estimate, and why (a figure the service did not report as a number)."""

    recommendation_id: str
    endpoint_configuration: str
    reason: str

    def to_document(self) -> dict[str, Any]:
        return {
            "RecommendationId": self.recommendation_id,
            "EndpointConfiguration": self.endpoint_configuration,
            "Reason": self.reason,
        }


@dataclass(frozen=True)
class BreakEven:
    """The steady traffic at which the cheapest real-time option starts to cost less than the cheapest
    serverless one; `invocations_per_minute` None where serverless stays cheaper."""

    serverless: str  # recommendation ids
    real_time: str
    invocations_per_minute: float | None
    statement: str

    def to_document(self) -> dict[str, Any]:
        return {
            "Serverless": self.serverless,
            "RealTime": self.real_time,
            "InvocationsPerMinute": self.invocations_per_minute,
            "Statement": self.statement,
        }


@dataclass(frozen=True)
class Assumption:
    assumption: str
    value: str

    def to_document(self) -> dict[str, str]:
        return {"Assumption": self.assumption, "Value": self.value}


def traffic_document(traffic: TrafficProfile) -> dict[str, Any]:
    return {
        "Source": traffic.source,
        "Assumed": traffic.assumed or None,
        "Hours": len(traffic.per_minute),
        "AveragePerMinute": traffic.average,
        "PeakPerMinute": traffic.peak,
        "InvocationsPerMonth": invocations_per_month(traffic),
        "PerMinuteByHour": list(traffic.per_minute),
    }


def invocations_per_month(traffic: TrafficProfile) -> float:
    return traffic.average * 60 * HOURS_PER_MONTH


@dataclass(frozen=True)
class CostEstimate:
    """A job's recommendations priced for a month at the traffic, ranked, with what the figures assume."""

    job_name: Any  # as the job's description gave it
    traffic: TrafficProfile
    max_latency_ms: float | None
    estimates: Sequence[Estimate]
    not_priced: Sequence[NotPriced]
    break_even: BreakEven | None
    assumptions: Sequence[Assumption]
    price_source: str | None = None  # the quote's label, when prices were looked up for the job's region
    price_notes: Sequence[str] = ()  # why the catalog stood in for the Price List API (said on stderr)

    def to_document(self) -> dict[str, Any]:
        return {
            "JobName": self.job_name,
            "PriceSource": self.price_source,
            "Traffic": traffic_document(self.traffic),
            "MaxLatencyMs": self.max_latency_ms,
            "Estimates": [estimate.to_document() for estimate in self.estimates],
            "NotPriced": [skipped.to_document() for skipped in self.not_priced],
            "BreakEven": self.break_even.to_document() if self.break_even is not None else None,
            "Assumptions": [row.to_document() for row in self.assumptions],
        }
