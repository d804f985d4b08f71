"""The analyses that take more than one call, orchestrated once: a job's monthly cost estimate (the job, then
one scaling recommendation per instance recommendation, then the pricing in `lib/cost`) and a report's
contents (each job's ranking with its top pick's scaling, its costs, and the comparison of two jobs).

Commands parse their options, call one function here with the service, and hand the typed result to a view;
`to_document()` gives the JSON/YAML the writer prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ircli.errors import InputError, RegressionFound
from ircli.lib.cost import Options
from ircli.lib.requests import scaling_request
from ircli.lib.traffic import TrafficProfile

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


@dataclass(frozen=True)
class CostEstimate:
    """A job's recommendations priced for a month at the traffic (the figures are `lib/cost`'s)."""

    job_name: Any
    traffic: Mapping[str, Any]
    max_latency_ms: float | None
    estimates: Sequence[Mapping[str, Any]]
    not_priced: Sequence[Mapping[str, Any]]
    break_even: Mapping[str, Any] | None
    assumptions: Any

    def to_document(self) -> dict[str, Any]:
        return {
            "JobName": self.job_name,
            "Traffic": self.traffic,
            "MaxLatencyMs": self.max_latency_ms,
            "Estimates": self.estimates,
            "NotPriced": self.not_priced,
            "BreakEven": self.break_even,
            "Assumptions": self.assumptions,
        }


def job_costs(service: Service, job: Mapping[str, Any], traffic: TrafficProfile, options: Options) -> CostEstimate:
    """The estimate for a described job: its instance recommendations' scaling for the traffic's range, priced."""
    from ircli.lib.cost import estimate_costs

    objective = {
        "MinInvocationsPerMinute": math.floor(traffic.trough),
        "MaxInvocationsPerMinute": max(1, math.ceil(traffic.peak)),
    }
    scaling = instance_scaling(service, job, objective, options.target_cpu_utilization)
    document = estimate_costs(job, scaling, traffic, options)
    return CostEstimate(
        job_name=document["JobName"],
        traffic=document["Traffic"],
        max_latency_ms=document["MaxLatencyMs"],
        estimates=document["Estimates"],
        not_priced=document["NotPriced"],
        break_even=document["BreakEven"],
        assumptions=document["Assumptions"],
    )


def cost_estimate(service: Service, job_name: str, traffic: TrafficProfile, options: Options) -> CostEstimate:
    """`cost-estimate`: the job described, refused while it has nothing to price, then priced."""
    job = service.describe_job(job_name)
    if not job.get("InferenceRecommendations"):
        raise InputError(f"Job {job_name} is {job.get('Status')} and has no recommendations to price yet.")
    return job_costs(service, job, traffic, options)


@dataclass(frozen=True)
class TopScaling:
    """The scaling recommendation of a job's top pick, as a report shows it."""

    recommendation_id: str
    min_capacity: Any
    max_capacity: Any
    target_invocations: float | None
    scale_in_cooldown: Any
    scale_out_cooldown: Any


@dataclass(frozen=True)
class JobReport:
    """One job's part of a report: the job, its ranking (None without recommendations), the top pick's
    scaling (an instance pick only) and, given traffic, its costs."""

    job: Mapping[str, Any]
    ranking: Any  # lib.ranking.Ranking
    ranked: Sequence[dict[str, Any]]  # lib.ranking.ranking_document
    scaling: TopScaling | None
    costs: CostEstimate | None


@dataclass(frozen=True)
class ReportContents:
    jobs: Sequence[JobReport]
    comparison: Any  # lib.compare.JobComparison of two jobs with configurations in common, else None


def _top_scaling(service: Service, job: Mapping[str, Any], top: Mapping[str, Any] | None) -> TopScaling | None:
    from ircli.lib.numbers import number

    if top is None or "InstanceType" not in top.get("EndpointConfiguration", {}):
        return None
    answer = service.call(SCALING, scaling_request(job["JobName"], top["RecommendationId"]))
    dynamic = answer.get("DynamicScalingConfiguration", {})
    policy = (dynamic.get("ScalingPolicies") or [{}])[0].get("TargetTracking", {})
    return TopScaling(
        recommendation_id=str(top["RecommendationId"]),
        min_capacity=dynamic.get("MinCapacity"),
        max_capacity=dynamic.get("MaxCapacity"),
        target_invocations=number(policy.get("TargetValue")),
        scale_in_cooldown=dynamic.get("ScaleInCooldown"),
        scale_out_cooldown=dynamic.get("ScaleOutCooldown"),
    )


def _job_report(
    service: Service, job: Mapping[str, Any], traffic: TrafficProfile | None, options: Options
) -> JobReport:
    from ircli.lib.ranking import rank, ranking_document

    recommendations = job.get("InferenceRecommendations") or []
    ranking, ranked, scaling = None, [], None
    if recommendations:
        ranking = rank(recommendations)
        ranked = ranking_document(ranking)
        scaling = _top_scaling(service, job, ranked[0]["Recommendation"] if ranked else None)
    costs = job_costs(service, job, traffic, options) if traffic is not None and recommendations else None
    return JobReport(job=job, ranking=ranking, ranked=ranked, scaling=scaling, costs=costs)


def report_contents(
    service: Service, job_names: Sequence[str], traffic: TrafficProfile | None, options: Options
) -> ReportContents:
    """`report`: every job described first, then each one's ranking, top scaling and costs; two compared."""
    from ircli.lib.compare import compare_jobs

    described = [service.describe_job(name) for name in job_names]
    jobs = [_job_report(service, job, traffic, options) for job in described]
    comparison = None
    if len(described) == 2:
        compared = compare_jobs(described[0], described[1])
        comparison = compared if compared.matched else None
    return ReportContents(jobs=jobs, comparison=comparison)


@dataclass(frozen=True)
class JobRanking:
    """`rank-recommendations`: a job's recommendations and their ranking (`lib.ranking`)."""

    recommendations: Sequence[dict[str, Any]]
    ranking: Any  # lib.ranking.Ranking, with at least one ranked

    def to_document(self) -> list[dict[str, Any]]:
        from ircli.lib.ranking import ranking_document

        return ranking_document(self.ranking)


def job_ranking(service: Service, job_name: str, rank_by: str | None, limits: Any, top: int | None) -> JobRanking:
    """The job described, refused without recommendations, then ranked by `rank_by` within `limits`
    (`lib.ranking.Limits`); refused when no recommendation is within them."""
    from ircli.lib.ranking import Weights, rank

    job = service.describe_job(job_name)
    recommendations = job.get("InferenceRecommendations") or []
    if not recommendations:
        raise InputError(f"Job {job_name} is {job.get('Status')} and has no recommendations to rank yet.")
    ranking = rank(recommendations, Weights.parse(rank_by), limits, top)
    if not ranking.ranked:
        reasons = "; ".join(f"{r.get('RecommendationId')}: {why}" for r, why in ranking.excluded)
        raise InputError(f"No recommendation meets the limits ({reasons}).")
    return JobRanking(recommendations=recommendations, ranking=ranking)


@dataclass(frozen=True)
class ComparedJobs:
    """`compare-jobs`: two jobs compared (`lib.compare`), with the regression threshold asked for."""

    comparison: Any  # lib.compare.JobComparison with at least one configuration in common
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
