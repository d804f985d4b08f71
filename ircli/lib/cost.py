"""What each recommendation of a completed job would cost a month at the user's traffic, and at what
latency: the decision Inference Recommender leaves to its user.

For an instance recommendation the hourly fleet follows the scaling recommendation (its target
invocations per instance and its capacity bounds, the same figures `scaling-recommendation` shows), priced
at the recommendation's own CostPerHour / InitialInstanceCount; it is costed fixed at the peak's fleet and
with target-tracking autoscaling following the profile. A serverless recommendation costs invocations x
billed duration x memory x the GB-second price (plus provisioned concurrency when asked for). Latency at
each hour's load comes from a queueing curve through the benchmark's point. Every assumption is returned
with the figures. Pure: the caller fetches the job and the scaling recommendations; the results are
`lib/cost_results`' dataclasses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from ircli.lib.cost_results import (
    HOURS_PER_MONTH,
    Assumption,
    BreakEven,
    ColdStarts,
    CostEstimate,
    Estimate,
    Figures,
    InstanceFigures,
    NotPriced,
    ServerlessFigures,
)
from ircli.lib.labels import recommendation_label
from ircli.lib.numbers import number
from ircli.lib.traffic import TrafficProfile
from ircli.lib.units import model_latency_ms

if TYPE_CHECKING:
    from ircli.lib.prices import PriceQuote

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
    CostPerHour (divided by its InitialInstanceCount)."""
    configuration = recommendation["EndpointConfiguration"]
    quoted = prices.price(str(configuration.get("InstanceType"))) if prices is not None else None
    if quoted is not None and prices is not None:
        return quoted, prices.label
    from ircli.lib.prices import JOB_COST

    count = max(1, int(_figure(configuration.get("InitialInstanceCount"), "InitialInstanceCount", 1)))
    figure = _figure(recommendation.get("Metrics", {}).get("CostPerHour"), "CostPerHour") / count
    # Said as rank-recommendations says it; an endpoint of several instances says how its cost was split.
    return figure, JOB_COST if count == 1 else f"{JOB_COST} / {count} instances"


def instance_estimate(
    recommendation: Mapping[str, Any],
    scaling: Mapping[str, Any],
    traffic: TrafficProfile,
    prices: PriceQuote | None = None,
) -> InstanceFigures:
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
    return InstanceFigures(
        unit_price_per_hour=unit_price,
        price_source=price_source,
        target_invocations_per_instance=target,
        min_capacity=low,
        max_capacity=high,
        instances_by_hour=tuple(hourly),
        monthly_cost_fixed_at_peak=unit_price * at_peak * HOURS_PER_MONTH,
        monthly_cost=unit_price * sum(hourly) / len(hourly) * HOURS_PER_MONTH,
        capacity_per_minute=per_instance_capacity * high,
        latency_ms_by_hour=tuple(latency),
    )


def serverless_estimate(
    recommendation: Mapping[str, Any], traffic: TrafficProfile, options: Options
) -> ServerlessFigures:
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
    return ServerlessFigures(
        cold_starts=cold_starts(recommendation, traffic, benchmark_ms, provisioned or 0),
        price_source=f"ircli catalog (serverless, us-east-1, published {prices['as_of']})",
        memory_size_in_mb=int(gigabytes * 1024),
        billed_seconds_per_invocation=duration_s,
        provisioned_concurrency=provisioned,
        monthly_cost=monthly + provisioned_cost,
        monthly_provisioned_concurrency_cost=provisioned_cost,
        capacity_per_minute=capacity,
        latency_ms_by_hour=tuple(latency),
        price_per_gb_second=price,
    )


def cold_starts(
    recommendation: Mapping[str, Any], traffic: TrafficProfile, benchmark_ms: float, warm: int
) -> ColdStarts:
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
    return ColdStarts(
        per_month=round(per_period * periods_per_month),
        seconds=None if setup_us is None else setup_us / 1_000_000,
        first_request_latency_ms_after_idle=None if setup_us is None else round(benchmark_ms + setup_us / 1000, 1),
    )


def _figures(
    recommendation: Mapping[str, Any],
    scaling: Mapping[str, Mapping[str, Any]],
    traffic: TrafficProfile,
    options: Options,
) -> Figures | None:
    """A recommendation's figures; None for an instance one without a scaling recommendation."""
    if "ServerlessConfig" in recommendation.get("EndpointConfiguration", {}):
        return serverless_estimate(recommendation, traffic, options)
    rid = str(recommendation.get("RecommendationId"))
    return instance_estimate(recommendation, scaling[rid], traffic, options.prices) if rid in scaling else None


def _estimate(
    recommendation: Mapping[str, Any], figures: Figures, traffic: TrafficProfile, limit: float | None
) -> Estimate:
    """The figures held against the traffic: the hours over capacity and over the latency limit."""
    latency = figures.latency_ms_by_hour
    over_capacity = [h for h, load in enumerate(traffic.per_minute) if load > figures.capacity_per_minute]
    over_limit = [h for h, ms in enumerate(latency) if limit is not None and ms > limit]
    cold = figures.cold_request_latency_ms
    if limit is not None and cold is not None and cold > limit:
        # The first requests after an idle hour wait for a cold start: that hour breaks the limit too.
        starts = {h for h, load in enumerate(traffic.per_minute) if load > 0 and traffic.per_minute[h - 1] == 0}
        over_limit = sorted(set(over_limit) | starts)
    return Estimate(
        recommendation_id=str(recommendation.get("RecommendationId")),
        endpoint_configuration=recommendation_label(recommendation),
        figures=figures,
        latency_ms_by_hour=tuple(round(ms, 1) if math.isfinite(ms) else None for ms in latency),
        latency_ms_at_peak=_at_peak(list(latency), traffic),
        hours_over_capacity=tuple(over_capacity),
        hours_over_latency_limit=tuple(over_limit),
        within_limits=not over_capacity and not over_limit,
    )


def estimate_costs(
    job: Mapping[str, Any], scaling: Mapping[str, Mapping[str, Any]], traffic: TrafficProfile, options: Options
) -> CostEstimate:
    """The cost estimate for `job` (a DescribeInferenceRecommendationsJob response); `scaling` holds each
    instance recommendation's GetScalingConfigurationRecommendation response, by id."""
    estimates, not_priced = [], []
    for recommendation in job.get("InferenceRecommendations") or []:
        try:
            figures = _figures(recommendation, scaling, traffic, options)
        except NotPriceable as reason:
            rid, label = str(recommendation.get("RecommendationId")), recommendation_label(recommendation)
            not_priced.append(NotPriced(recommendation_id=rid, endpoint_configuration=label, reason=str(reason)))
            continue
        if figures is not None:
            estimates.append(_estimate(recommendation, figures, traffic, options.max_latency_ms))
    estimates.sort(key=lambda e: (not e.within_limits, e.monthly_cost))
    ranked = [replace(estimate, rank=rank) for rank, estimate in enumerate(estimates, 1)]
    return CostEstimate(
        job_name=job.get("JobName"),
        traffic=traffic,
        max_latency_ms=options.max_latency_ms,
        estimates=ranked,
        not_priced=not_priced,
        break_even=break_even(ranked),
        assumptions=assumptions(job, ranked, traffic, options),
        price_source=options.prices.label if options.prices is not None else None,
        price_notes=tuple(options.prices.notes) if options.prices is not None else (),
    )


def _at_peak(latency: list[float], traffic: TrafficProfile) -> float | None:
    value = latency[traffic.per_minute.index(traffic.peak)]
    return round(value, 1) if math.isfinite(value) else None


def break_even(estimates: Sequence[Estimate]) -> BreakEven | None:
    """The constant traffic above which the cheapest real-time option costs less than the cheapest
    serverless one (both as ranked); None unless there is one of each."""
    serverless = next((e for e in estimates if isinstance(e.figures, ServerlessFigures)), None)
    real_time = next((e for e in estimates if isinstance(e.figures, InstanceFigures)), None)
    if serverless is None or real_time is None:
        return None
    pay, fleet = cast(ServerlessFigures, serverless.figures), cast(InstanceFigures, real_time.figures)
    per_invocation = pay.billed_seconds_per_invocation * pay.memory_size_in_mb / 1024
    # $ a month for each invocation per minute of constant traffic.
    slope = per_invocation * pay.price_per_gb_second * 60 * HOURS_PER_MONTH
    fixed = pay.monthly_cost - pay.usage_cost
    unit, target = fleet.unit_price_per_hour * HOURS_PER_MONTH, fleet.target_invocations_per_instance
    low = fleet.min_capacity
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
    if found is None:
        statement = "Serverless stays cheaper at every traffic the real-time option's fleet can serve."
    else:
        statement = (
            f"Below about {found:,.0f} invocations/min of steady traffic {serverless.endpoint_configuration} costs "
            f"less; above it {real_time.endpoint_configuration} does."
        )
    return BreakEven(
        serverless=serverless.recommendation_id,
        real_time=real_time.recommendation_id,
        invocations_per_minute=None if found is None else round(found, 1),
        statement=statement,
    )


def _from_catalog_instances(price_source: str) -> bool:
    """Whether a price is one of the catalog's us-east-1 instance figures (the job's CostPerHour, or the
    catalog served or fallen back to), whose own sources say how sure each is."""
    if price_source.startswith("the job's"):
        return True
    return price_source.startswith("ircli") and ("us-east-1," in price_source or "(us-east-1" in price_source)


def assumptions(
    job: Mapping[str, Any], estimates: Sequence[Estimate], traffic: TrafficProfile, options: Options
) -> list[Assumption]:
    from ircli.lib.catalog import catalog, serverless_prices

    rows = [
        Assumption("Hours in a month", str(HOURS_PER_MONTH)),
        Assumption("Traffic", traffic.source),
        *([Assumption("Between peaks", traffic.assumed)] if traffic.assumed else []),
        Assumption(
            "Instances each hour",
            "ceil(the hour's invocations/min / the scaling recommendation's target per instance), within "
            f"its MinCapacity and MaxCapacity (TargetCpuUtilizationPerCore {options.target_cpu_utilization or 50}%)",
        ),
        Assumption("Latency", LATENCY_MODEL),
    ]
    instances = catalog()["instances"]
    for estimate in estimates:
        if not isinstance(estimate.figures, InstanceFigures):
            continue
        instance_type = estimate.endpoint_configuration.split(" ")[0]
        source = instances.get(instance_type, {}).get("price_source", "not in ircli's catalog")
        price_source = estimate.figures.price_source
        rows.append(
            Assumption(
                f"{instance_type} price",
                f"${estimate.figures.unit_price_per_hour:.4f}/h from {price_source}"
                + (
                    f" (catalog source: {source}; catalog prices as of {catalog().get('prices_as_of', 'unknown')})"
                    if _from_catalog_instances(price_source)
                    else ""
                ),
            )
        )
    if any(isinstance(e.figures, ServerlessFigures) for e in estimates):
        rows.extend(_serverless_assumptions(serverless_prices(), options))
    return rows


def _serverless_assumptions(prices: Mapping[str, Any], options: Options) -> list[Assumption]:
    rows = [
        Assumption(
            "Serverless price",
            f"${prices['price_per_gb_second']:.5f} per GB-second ({prices['source']}, {prices['as_of']}); "
            "billed duration implied by the benchmark's CostPerInference",
        ),
        Assumption(
            "Cold starts",
            "each time traffic starts after an hour with none, every container the load needs at once "
            "(invocations/s x latency, at most MaxConcurrency, less provisioned concurrency) starts cold; its "
            "first request waits the benchmark's ModelSetupTime (the estimate bills only the inference duration)",
        ),
    ]
    if options.provisioned_concurrency:
        rows.append(
            Assumption(
                "Provisioned concurrency price",
                f"${prices['provisioned_concurrency_per_gb_second']:.7f} per GB-second, all month "
                f"({prices['provisioned_concurrency_source']})",
            )
        )
    return rows
