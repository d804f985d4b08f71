"""What each recommendation of a completed job would cost a month at the user's traffic, and at what
latency: the decision Inference Recommender leaves to its user.

For an instance recommendation the hourly fleet follows the scaling recommendation (its target
invocations per instance and its capacity bounds, the same figures `scaling-recommendation` shows), priced
at the recommendation's own CostPerHour / InitialInstanceCount; it is costed fixed at the peak's fleet and
with target-tracking autoscaling following the profile. A serverless recommendation costs invocations x
billed duration x memory x the GB-second price (plus provisioned concurrency when asked for). Latency at
each hour's load comes from a queueing curve through the benchmark's point. Every assumption is returned
with the figures. Pure: the caller fetches the job and the scaling recommendations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ircli.lib.labels import recommendation_label
from ircli.lib.numbers import number
from ircli.lib.traffic import TrafficProfile
from ircli.lib.units import model_latency_ms

if TYPE_CHECKING:
    from ircli.lib.prices import PriceQuote

HOURS_PER_MONTH = 730
# Where a benchmark stops without a latency threshold, invocations flatten: taken as this utilisation.
BENCHMARK_UTILISATION = 0.85
LATENCY_MODEL = (
    "latency at a lower load follows an M/M/c queue (c = the instance's vCPUs or accelerators, or the "
    f"serverless MaxConcurrency) through the benchmark's point, taken as {BENCHMARK_UTILISATION:.0%} utilisation"
)


class NotPriceable(Exception):
    """A figure the estimate needs was not a number in the service's answer (it may send "NaN")."""


def _figure(value: Any, member: str, default: float | None = None) -> float:
    """A number the estimate cannot do without; a missing one takes `default` where the service has one."""
    if value is None and default is not None:
        return default
    found = number(value)
    if found is None:
        raise NotPriceable(f"the service reported {member} as {value if isinstance(value, str) else 'missing'}")
    return found


@dataclass(frozen=True)
class Options:
    max_latency_ms: float | None = None
    provisioned_concurrency: int | None = None  # serverless: kept warm all month
    target_cpu_utilization: int | None = None  # passed to the scaling recommendation (service default 50)
    # The job's region's prices (`ircli.lib.prices`); None: the job's own CostPerHour / InitialInstanceCount.
    prices: PriceQuote | None = None


def slots_of(recommendation: Mapping[str, Any]) -> int:
    """How many requests a configuration serves at once, for the latency curve."""
    configuration = recommendation.get("EndpointConfiguration", {})
    if "ServerlessConfig" in configuration:
        return max(1, int(_figure(configuration["ServerlessConfig"].get("MaxConcurrency"), "MaxConcurrency", 1)))
    from ircli.lib.catalog import catalog

    spec = catalog()["instances"].get(configuration.get("InstanceType", ""), {})
    accelerator = spec.get("accelerator") or {}
    return int(accelerator.get("count") or spec.get("vcpu") or 1)


def latency_at(benchmark_ms: float, slots: int, load_share: float) -> float:
    """The model latency at `load_share` of the benchmark's load (1.0: the benchmark's own point);
    infinite at or past saturation."""
    rho = BENCHMARK_UTILISATION * load_share
    if rho >= 1.0:
        return math.inf
    at_benchmark = 1.0 + BENCHMARK_UTILISATION / ((1.0 - BENCHMARK_UTILISATION) * slots)
    return benchmark_ms * (1.0 + rho / ((1.0 - rho) * slots)) / at_benchmark


def unit_price_of(recommendation: Mapping[str, Any], prices: PriceQuote | None) -> tuple[float, str]:
    """One instance's $/hour and where it comes from: the quote's price for its type, else the job's
    CostPerHour / InitialInstanceCount."""
    configuration = recommendation["EndpointConfiguration"]
    quoted = prices.price(str(configuration.get("InstanceType"))) if prices is not None else None
    if quoted is not None and prices is not None:
        return quoted, prices.label
    count = max(1, int(_figure(configuration.get("InitialInstanceCount"), "InitialInstanceCount", 1)))
    figure = _figure(recommendation.get("Metrics", {}).get("CostPerHour"), "CostPerHour") / count
    return figure, "the job's CostPerHour / InitialInstanceCount"


def instance_estimate(
    recommendation: Mapping[str, Any],
    scaling: Mapping[str, Any],
    traffic: TrafficProfile,
    prices: PriceQuote | None = None,
) -> dict[str, Any]:
    metrics = recommendation.get("Metrics", {})
    configuration = recommendation["EndpointConfiguration"]
    count = max(1, int(_figure(configuration.get("InitialInstanceCount"), "InitialInstanceCount", 1)))
    unit_price, price_source = unit_price_of(recommendation, prices)
    per_instance_capacity = float(number(metrics.get("MaxInvocations")) or 0.0) / count
    dynamic = scaling.get("DynamicScalingConfiguration", {})
    tracking = (dynamic.get("ScalingPolicies") or [{}])[0].get("TargetTracking", {})
    target = max(_figure(tracking.get("TargetValue"), "the scaling policy's TargetValue", 1.0), 1e-9)
    low = int(_figure(dynamic.get("MinCapacity"), "MinCapacity", 1))
    high = max(low, int(_figure(dynamic.get("MaxCapacity"), "MaxCapacity", 1)))
    hourly = [min(high, max(low, math.ceil(load / target))) for load in traffic.per_minute]
    at_peak = min(high, max(low, math.ceil(traffic.peak / target)))
    benchmark_ms = model_latency_ms(metrics) or 0.0
    slots = slots_of(recommendation)
    latency = [
        latency_at(benchmark_ms, slots, load / n / per_instance_capacity) if per_instance_capacity else math.inf
        for load, n in zip(traffic.per_minute, hourly, strict=True)
    ]
    return {
        "Kind": "Instances",
        "UnitPricePerHour": unit_price,
        "PriceSource": price_source,
        "TargetInvocationsPerInstance": target,
        "MinCapacity": low,
        "MaxCapacity": high,
        "InstancesByHour": hourly,
        "MonthlyCostFixedAtPeak": unit_price * at_peak * HOURS_PER_MONTH,
        "MonthlyCost": unit_price * sum(hourly) / len(hourly) * HOURS_PER_MONTH,
        "CapacityPerMinute": per_instance_capacity * high,
        "LatencyMsByHour": latency,
    }


def serverless_estimate(recommendation: Mapping[str, Any], traffic: TrafficProfile, options: Options) -> dict[str, Any]:
    from ircli.lib.catalog import serverless_prices

    prices = serverless_prices()
    metrics = recommendation.get("Metrics", {})
    config = recommendation["EndpointConfiguration"]["ServerlessConfig"]
    gigabytes = _figure(config.get("MemorySizeInMB"), "MemorySizeInMB", 1024) / 1024
    price = float(prices["price_per_gb_second"])
    cost_per_inference = number(metrics.get("CostPerInference"))
    benchmark_ms = model_latency_ms(metrics) or 0.0
    # The billed duration the service's own CostPerInference implies; the latency when it gives none.
    duration_s = cost_per_inference / (gigabytes * price) if cost_per_inference else benchmark_ms / 1000
    capacity = float(number(metrics.get("MaxInvocations")) or 0.0)
    per_hour = [load * 60 * duration_s * gigabytes * price for load in traffic.per_minute]
    monthly = sum(per_hour) / len(per_hour) * HOURS_PER_MONTH
    provisioned = options.provisioned_concurrency
    provisioned_cost = 0.0
    if provisioned:
        rate = float(prices["provisioned_concurrency_per_gb_second"])
        provisioned_cost = provisioned * gigabytes * rate * 3600 * HOURS_PER_MONTH
    slots = slots_of(recommendation)
    latency = [
        latency_at(benchmark_ms, slots, load / capacity) if capacity else math.inf for load in traffic.per_minute
    ]
    return {
        **cold_starts(recommendation, traffic, benchmark_ms, provisioned or 0),
        "Kind": "Serverless",
        "PriceSource": f"ircli catalog (serverless, us-east-1, published {prices['as_of']})",
        "MemorySizeInMB": int(gigabytes * 1024),
        "BilledSecondsPerInvocation": duration_s,
        "ProvisionedConcurrency": provisioned,
        "MonthlyCostFixedAtPeak": None,
        "MonthlyCost": monthly + provisioned_cost,
        "MonthlyProvisionedConcurrencyCost": provisioned_cost,
        "CapacityPerMinute": capacity,
        "LatencyMsByHour": latency,
    }


def cold_starts(
    recommendation: Mapping[str, Any], traffic: TrafficProfile, benchmark_ms: float, warm: int
) -> dict[str, Any]:
    """Serverless cold starts: each time the traffic starts after an hour with none, every container the
    load needs at once (Little's law: invocations per second x latency, at most MaxConcurrency) beyond the
    `warm` ones starts cold, each first request waiting the benchmark's ModelSetupTime."""
    setup_us = number(recommendation.get("Metrics", {}).get("ModelSetupTime"))
    config = recommendation["EndpointConfiguration"]["ServerlessConfig"]
    most = max(1, int(_figure(config.get("MaxConcurrency"), "MaxConcurrency", 1)))
    per_period = 0
    for hour, load in enumerate(traffic.per_minute):
        if load > 0 and traffic.per_minute[hour - 1] == 0:
            concurrent = min(most, max(1, math.ceil(load / 60 * benchmark_ms / 1000)))
            per_period += max(0, concurrent - warm)
    periods_per_month = HOURS_PER_MONTH / len(traffic.per_minute)
    return {
        "ColdStartsPerMonth": round(per_period * periods_per_month),
        "ColdStartSeconds": None if setup_us is None else setup_us / 1_000_000,
        "FirstRequestLatencyMsAfterIdle": None if setup_us is None else round(benchmark_ms + setup_us / 1000, 1),
    }


def estimate_costs(
    job: Mapping[str, Any], scaling: Mapping[str, Mapping[str, Any]], traffic: TrafficProfile, options: Options
) -> dict[str, Any]:
    """The cost estimate document for `job` (a DescribeInferenceRecommendationsJob response); `scaling`
    holds each instance recommendation's GetScalingConfigurationRecommendation response, by id."""
    estimates, not_priced = [], []
    for recommendation in job.get("InferenceRecommendations") or []:
        rid = str(recommendation.get("RecommendationId"))
        try:
            if "ServerlessConfig" in recommendation.get("EndpointConfiguration", {}):
                figures = serverless_estimate(recommendation, traffic, options)
            elif rid in scaling:
                figures = instance_estimate(recommendation, scaling[rid], traffic, options.prices)
            else:
                continue
        except NotPriceable as reason:
            not_priced.append(
                {
                    "RecommendationId": rid,
                    "EndpointConfiguration": recommendation_label(recommendation),
                    "Reason": str(reason),
                }
            )
            continue
        latency = figures["LatencyMsByHour"]
        over_capacity = [h for h, load in enumerate(traffic.per_minute) if load > figures["CapacityPerMinute"]]
        limit = options.max_latency_ms
        over_limit = [h for h, ms in enumerate(latency) if limit is not None and ms > limit]
        cold = figures.get("FirstRequestLatencyMsAfterIdle")
        if limit is not None and cold is not None and cold > limit:
            # The first requests after an idle hour wait for a cold start: that hour breaks the limit too.
            starts = {h for h, load in enumerate(traffic.per_minute) if load > 0 and traffic.per_minute[h - 1] == 0}
            over_limit = sorted(set(over_limit) | starts)
        estimates.append(
            {
                "RecommendationId": rid,
                "EndpointConfiguration": recommendation_label(recommendation),
                **figures,
                "LatencyMsByHour": [round(ms, 1) if math.isfinite(ms) else None for ms in latency],
                "LatencyMsAtPeak": _at_peak(latency, traffic),
                "HoursOverCapacity": over_capacity,
                "HoursOverLatencyLimit": over_limit,
                "WithinLimits": not over_capacity and not over_limit,
            }
        )
    estimates.sort(key=lambda e: (not e["WithinLimits"], e["MonthlyCost"]))
    for rank, estimate in enumerate(estimates, 1):
        estimate["Rank"] = rank
    return {
        "JobName": job.get("JobName"),
        "Traffic": {
            "Source": traffic.source,
            "Assumed": traffic.assumed or None,
            "Hours": len(traffic.per_minute),
            "AveragePerMinute": traffic.average,
            "PeakPerMinute": traffic.peak,
            "InvocationsPerMonth": traffic.average * 60 * HOURS_PER_MONTH,
            "PerMinuteByHour": list(traffic.per_minute),
        },
        "MaxLatencyMs": options.max_latency_ms,
        "Estimates": estimates,
        "NotPriced": not_priced,
        "BreakEven": break_even(estimates),
        "Assumptions": assumptions(job, estimates, traffic, options),
    }


def _at_peak(latency: list[float], traffic: TrafficProfile) -> float | None:
    value = latency[traffic.per_minute.index(traffic.peak)]
    return round(value, 1) if math.isfinite(value) else None


def break_even(estimates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The constant traffic above which the cheapest real-time option costs less than the cheapest
    serverless one (both as ranked); None unless there is one of each."""
    serverless = next((e for e in estimates if e["Kind"] == "Serverless"), None)
    real_time = next((e for e in estimates if e["Kind"] == "Instances"), None)
    if serverless is None or real_time is None:
        return None
    per_invocation = serverless["BilledSecondsPerInvocation"] * serverless["MemorySizeInMB"] / 1024
    from ircli.lib.catalog import serverless_prices

    # $ a month for each invocation per minute of constant traffic.
    slope = per_invocation * float(serverless_prices()["price_per_gb_second"]) * 60 * HOURS_PER_MONTH
    fixed = serverless["MonthlyCost"] - _serverless_usage_cost(serverless)
    unit, target = real_time["UnitPricePerHour"] * HOURS_PER_MONTH, real_time["TargetInvocationsPerInstance"]
    low = real_time["MinCapacity"]
    found = None
    # Real-time cost is a staircase (one more instance every `target` invocations/min); serverless a line.
    for instances in range(low, low + 10_000):
        level = unit * instances
        crossing = (level - fixed) / slope if slope else math.inf
        band_low = (instances - 1) * target if instances > low else 0.0
        if band_low <= crossing <= instances * target:
            found = crossing
            break
        if crossing < band_low:
            found = band_low
            break
    result = {
        "Serverless": serverless["RecommendationId"],
        "RealTime": real_time["RecommendationId"],
        "InvocationsPerMinute": None if found is None else round(found, 1),
    }
    if found is None:
        result["Statement"] = "Serverless stays cheaper at every traffic the real-time option's fleet can serve."
    else:
        result["Statement"] = (
            f"Below about {found:,.0f} invocations/min of steady traffic {serverless['EndpointConfiguration']} costs "
            f"less; above it {real_time['EndpointConfiguration']} does."
        )
    return result


def _serverless_usage_cost(estimate: dict[str, Any]) -> float:
    return float(estimate["MonthlyCost"]) - float(estimate.get("MonthlyProvisionedConcurrencyCost") or 0.0)


def _from_catalog_instances(price_source: str) -> bool:
    """Whether a price is one of the catalog's us-east-1 instance figures (the job's CostPerHour, or the
    catalog served or fallen back to), whose own sources say how sure each is."""
    if price_source.startswith("the job's"):
        return True
    return price_source.startswith("ircli") and ("us-east-1," in price_source or "(us-east-1" in price_source)


def assumptions(
    job: Mapping[str, Any], estimates: list[dict[str, Any]], traffic: TrafficProfile, options: Options
) -> list[dict[str, str]]:
    from ircli.lib.catalog import catalog, serverless_prices

    rows = [
        {"Assumption": "Hours in a month", "Value": str(HOURS_PER_MONTH)},
        {"Assumption": "Traffic", "Value": traffic.source},
        *([{"Assumption": "Between peaks", "Value": traffic.assumed}] if traffic.assumed else []),
        {
            "Assumption": "Instances each hour",
            "Value": "ceil(the hour's invocations/min / the scaling recommendation's target per instance), within "
            f"its MinCapacity and MaxCapacity (TargetCpuUtilizationPerCore {options.target_cpu_utilization or 50}%)",
        },
        {"Assumption": "Latency", "Value": LATENCY_MODEL},
    ]
    instances = catalog()["instances"]
    for estimate in estimates:
        if estimate["Kind"] != "Instances":
            continue
        instance_type = str(estimate["EndpointConfiguration"]).split(" ")[0]
        source = instances.get(instance_type, {}).get("price_source", "not in ircli's catalog")
        rows.append(
            {
                "Assumption": f"{instance_type} price",
                "Value": f"${estimate['UnitPricePerHour']:.4f}/h from {estimate['PriceSource']}"
                + (
                    f" (catalog source: {source}; catalog prices as of {catalog().get('prices_as_of', 'unknown')})"
                    if _from_catalog_instances(str(estimate["PriceSource"]))
                    else ""
                ),
            }
        )
    if any(e["Kind"] == "Serverless" for e in estimates):
        prices = serverless_prices()
        rows.append(
            {
                "Assumption": "Serverless price",
                "Value": f"${prices['price_per_gb_second']:.5f} per GB-second ({prices['source']}, {prices['as_of']}); "
                "billed duration implied by the benchmark's CostPerInference",
            }
        )
        rows.append(
            {
                "Assumption": "Cold starts",
                "Value": "each time traffic starts after an hour with none, every container the load needs at once "
                "(invocations/s x latency, at most MaxConcurrency, less provisioned concurrency) starts cold; its "
                "first request waits the benchmark's ModelSetupTime (the estimate bills only the inference duration)",
            }
        )
        if options.provisioned_concurrency:
            rows.append(
                {
                    "Assumption": "Provisioned concurrency price",
                    "Value": f"${prices['provisioned_concurrency_per_gb_second']:.7f} per GB-second, all month "
                    f"({prices['provisioned_concurrency_source']})",
                }
            )
    return rows


def monthly_cost_at(estimate: Mapping[str, Any], per_minute: float) -> float:
    """An option's monthly cost at a steady `per_minute` invocations (for charts of cost against traffic):
    real-time as many instances as the scaling target needs (at least MinCapacity), serverless pay-per-use."""
    if estimate["Kind"] == "Serverless":
        from ircli.lib.catalog import serverless_prices

        gigabytes = estimate["MemorySizeInMB"] / 1024
        usage = per_minute * 60 * estimate["BilledSecondsPerInvocation"] * gigabytes
        usage_cost = usage * float(serverless_prices()["price_per_gb_second"]) * HOURS_PER_MONTH
        return float(usage_cost) + float(estimate.get("MonthlyProvisionedConcurrencyCost") or 0.0)
    instances = max(estimate["MinCapacity"], math.ceil(per_minute / estimate["TargetInvocationsPerInstance"]))
    return float(estimate["UnitPricePerHour"] * instances * HOURS_PER_MONTH)
