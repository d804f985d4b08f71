"""The analyses that take more than one call, orchestrated once: a job's monthly cost estimate (the job, then
one scaling recommendation per instance recommendation, then the pricing in `lib/cost`), a job's ranking and
two jobs' comparison (a report's contents, which combine them, are `lib.report`'s).

Commands parse their options, call one function here with the service, and hand the typed result to a view;
`to_document()` gives the JSON/YAML the writer prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ircli.errors import InputError, RegressionFound
from ircli.lib.cost import Options
from ircli.lib.cost_results import CostEstimate
from ircli.lib.requests import scaling_request
from ircli.lib.traffic import TrafficProfile

if TYPE_CHECKING:
    from ircli.lib.compare import JobComparison
    from ircli.lib.prices import PriceQuote
    from ircli.lib.ranking import Limits, Ranking

SCALING = "GetScalingConfigurationRecommendation"


class Service(Protocol):
    """What the analyses need of the service layer (`lib.service.RecommenderService`)."""

    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]: ...

    def describe_job(self, job_name: str) -> dict[str, Any]: ...


def traffic_of(
    average: float | None,
    peak: float | None,
    profile: str | None,
    *,
    stdin: Callable[[], Any],
    baseline: float | None = None,
) -> TrafficProfile:
    """The traffic to price, from `--average-per-minute` with `--peak-per-minute` (and optionally
    `--baseline-per-minute`) or a `--traffic-profile`."""
    from ircli.lib import traffic

    if baseline is not None and (average is None or peak is None):
        raise InputError("--baseline-per-minute goes with --average-per-minute and --peak-per-minute.")
    if profile is not None:
        if average is not None or peak is not None:
            raise InputError("Give --traffic-profile, or --average-per-minute with --peak-per-minute, not both.")
        return traffic.load_profile(profile, stdin=stdin())
    if average is None or peak is None:
        raise InputError(
            "Say what traffic to price: --average-per-minute N --peak-per-minute N, or --traffic-profile FILE."
        )
    return traffic.from_average_and_peak(average, peak, baseline)


def instance_scaling(
    service: Service, job: Mapping[str, Any], objective: dict[str, Any] | None, target_cpu: int | None
) -> dict[str, dict[str, Any]]:
    """The scaling fan-out: one GetScalingConfigurationRecommendation per instance recommendation, by id."""
    scaling = {}
    for recommendation in job.get("InferenceRecommendations") or []:
        if "InstanceType" not in recommendation.get("EndpointConfiguration", {}):
            continue
        recommendation_id = recommendation["RecommendationId"]
        request = scaling_request(job["JobName"], recommendation_id, objective=objective, target_cpu=target_cpu)
        scaling[recommendation_id] = service.call(SCALING, request)
    return scaling


def traffic_objective(traffic: TrafficProfile) -> dict[str, Any]:
    """The scaling objective a traffic asks for: its trough to its peak, in invocations per minute."""
    return {
        "MinInvocationsPerMinute": math.floor(traffic.trough),
        "MaxInvocationsPerMinute": max(1, math.ceil(traffic.peak)),
    }


def priced(
    job: Mapping[str, Any], scaling: Mapping[str, Mapping[str, Any]], traffic: TrafficProfile, options: Options
) -> CostEstimate:
    """The estimate from the job and its instance recommendations' scaling (`instance_scaling`) at the traffic."""
    from ircli.lib.cost import estimate_costs

    return estimate_costs(job, scaling, traffic, options)


def job_costs(service: Service, job: Mapping[str, Any], traffic: TrafficProfile, options: Options) -> CostEstimate:
    """The estimate for a described job: its instance recommendations' scaling for the traffic's range, priced."""
    scaling = instance_scaling(service, job, traffic_objective(traffic), options.target_cpu_utilization)
    return priced(job, scaling, traffic, options)


def cost_estimate(
    service: Service,
    job_name: str,
    traffic: TrafficProfile,
    options: Options,
    prices: Callable[[str], PriceQuote] | None = None,
) -> CostEstimate:
    """`cost-estimate`: the job described, refused while it has nothing to price, then priced (with
    `prices`' quote for the job's region, when given)."""
    job = service.describe_job(job_name)
    if not job.get("InferenceRecommendations"):
        raise InputError(f"Job {job_name} is {job.get('Status')} and has no recommendations to price yet.")
    if prices is not None:
        from dataclasses import replace

        from ircli.lib.prices import job_region

        options = replace(options, prices=prices(job_region(job, None)))
    return job_costs(service, job, traffic, options)


@dataclass(frozen=True)
class JobRanking:
    """`rank-recommendations`: a job's recommendations and their ranking (`lib.ranking`)."""

    recommendations: Sequence[dict[str, Any]]
    ranking: Ranking  # with at least one ranked
    measured: str | None = None  # a load test ircli kept: "measured on TARGET from HOST"

    def to_document(self) -> list[dict[str, Any]]:
        from ircli.lib.ranking import ranking_document

        return ranking_document(self.ranking)


def job_ranking(
    service: Service,
    job_name: str,
    rank_by: str | None,
    limits: Limits,
    top: int | None,
    prices: Callable[[str], PriceQuote] | None = None,
) -> JobRanking:
    """The job described, refused without recommendations, then ranked by `rank_by` within `limits`
    (`lib.ranking.Limits`), its costs at `prices`' quote for the job's region when given (as cost-estimate
    prices); refused when no recommendation is within them."""
    from ircli.lib.ranking import Weights, rank

    weights = Weights.parse(rank_by)
    job = service.describe_job(job_name)
    recommendations = job.get("InferenceRecommendations") or []
    if not recommendations:
        raise InputError(f"Job {job_name} is {job.get('Status')} and has no recommendations to rank yet.")
    quote = None
    if prices is not None:
        from ircli.lib.prices import job_region

        quote = prices(job_region(job, None))
    ranking = rank(recommendations, weights, limits, top, prices=quote)
    if not ranking.ranked:
        reasons = "; ".join(f"{r.get('RecommendationId')}: {why}" for r, why in ranking.excluded)
        raise InputError(f"No recommendation meets the limits ({reasons}).")
    from ircli.lib.loadtest.listing import measured_on

    return JobRanking(recommendations=recommendations, ranking=ranking, measured=measured_on(job))


@dataclass(frozen=True)
class ComparedJobs:
    """`compare-jobs`: two jobs compared (`lib.compare`), with the regression threshold asked for."""

    comparison: JobComparison  # with at least one configuration in common
    threshold: float | None

    def to_document(self) -> dict[str, Any]:
        from ircli.lib.compare import comparison_document

        return comparison_document(self.comparison, self.threshold)

    def regression(self) -> RegressionFound | None:
        """The error to end with when a change passed the threshold, else None."""
        from ircli.lib.ranking import METRIC

        if self.threshold is None:
            return None
        regressions = self.comparison.regressions(self.threshold)
        if not regressions:
            return None
        listed = "; ".join(
            f"{item.key}: {METRIC[change.objective]} {change.change:+.1f}%"
            for item, change in regressions
            if change.change is not None
        )
        return RegressionFound(f"{len(regressions)} regression(s) beyond {self.threshold:g}%: {listed}")


def compared_jobs(service: Service, job_a: str, job_b: str, threshold: float | None) -> ComparedJobs:
    from ircli.lib.compare import compare_jobs

    comparison = compare_jobs(service.describe_job(job_a), service.describe_job(job_b))
    if not comparison.matched:
        raise InputError(f"Jobs {job_a} and {job_b} have no endpoint configuration in common to compare.")
    return ComparedJobs(comparison=comparison, threshold=threshold)
