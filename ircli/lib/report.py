"""A report's contents, orchestrated once: each job's ranking (by the weights asked for), its top pick's
scaling sized at the traffic given (the same scaling the cost table prices), its costs and the cheapest
option at that traffic, and for two jobs their comparison with the regressions beyond a threshold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ircli.lib.analyses import SCALING, Service, instance_scaling, priced, traffic_objective
from ircli.lib.cost import Options
from ircli.lib.cost_results import CostEstimate, Estimate
from ircli.lib.requests import scaling_request
from ircli.lib.traffic import TrafficProfile

# The report's regression threshold when none is given: the one compare-jobs' help shows.
DEFAULT_REGRESSION_PERCENT = 10.0


@dataclass(frozen=True)
class TopScaling:
    """The scaling recommendation of a job's top pick, as a report shows it; `at_traffic` says whether it
    was sized for the traffic given (else for the job's own benchmark)."""

    recommendation_id: str
    min_capacity: Any
    max_capacity: Any
    target_invocations: float | None
    scale_in_cooldown: Any
    scale_out_cooldown: Any
    at_traffic: bool = False


@dataclass(frozen=True)
class JobReport:
    """One job's part of a report: the job, its ranking (None without recommendations), the top pick's
    scaling (an instance pick only) and, given traffic, its costs."""

    job: Mapping[str, Any]
    ranking: Any  # lib.ranking.Ranking
    ranked: Sequence[dict[str, Any]]  # lib.ranking.ranking_document
    scaling: TopScaling | None
    costs: CostEstimate | None

    @property
    def cheapest(self) -> Estimate | None:
        """The cheapest estimate within the limits at the traffic (the cost table's first row), else None."""
        if self.costs is None or not self.costs.estimates:
            return None
        first = self.costs.estimates[0]
        return first if first.within_limits else None


@dataclass(frozen=True)
class ReportContents:
    jobs: Sequence[JobReport]
    comparison: Any  # lib.compare.JobComparison of two jobs with configurations in common, else None
    threshold: float = DEFAULT_REGRESSION_PERCENT
    weights: str | None = None  # the --rank-by text, None for the default weights


def _top_scaling(answer: Mapping[str, Any], recommendation_id: str, *, at_traffic: bool) -> TopScaling:
    from ircli.lib.numbers import number

    dynamic = answer.get("DynamicScalingConfiguration", {})
    policy = (dynamic.get("ScalingPolicies") or [{}])[0].get("TargetTracking", {})
    return TopScaling(
        recommendation_id=recommendation_id,
        min_capacity=dynamic.get("MinCapacity"),
        max_capacity=dynamic.get("MaxCapacity"),
        target_invocations=number(policy.get("TargetValue")),
        scale_in_cooldown=dynamic.get("ScaleInCooldown"),
        scale_out_cooldown=dynamic.get("ScaleOutCooldown"),
        at_traffic=at_traffic,
    )


def _job_report(
    service: Service, job: Mapping[str, Any], traffic: TrafficProfile | None, options: Options, weights: Any
) -> JobReport:
    from ircli.lib.ranking import rank, ranking_document

    recommendations = job.get("InferenceRecommendations") or []
    if not recommendations:
        return JobReport(job=job, ranking=None, ranked=[], scaling=None, costs=None)
    ranking = rank(recommendations, weights)
    ranked = ranking_document(ranking)
    answers: dict[str, dict[str, Any]] = {}
    costs = None
    if traffic is not None:
        answers = instance_scaling(service, job, traffic_objective(traffic), options.target_cpu_utilization)
        costs = priced(job, answers, traffic, options)
    top = ranked[0]["Recommendation"] if ranked else None
    scaling = None
    if top is not None and "InstanceType" in top.get("EndpointConfiguration", {}):
        top_id = str(top["RecommendationId"])
        if top_id in answers:  # the same sizing the cost table priced
            scaling = _top_scaling(answers[top_id], top_id, at_traffic=True)
        else:
            answer = service.call(SCALING, scaling_request(job["JobName"], top_id))
            scaling = _top_scaling(answer, top_id, at_traffic=False)
    return JobReport(job=job, ranking=ranking, ranked=ranked, scaling=scaling, costs=costs)


def report_contents(
    service: Service,
    job_names: Sequence[str],
    traffic: TrafficProfile | None,
    options: Options,
    *,
    rank_by: str | None = None,
    threshold: float = DEFAULT_REGRESSION_PERCENT,
) -> ReportContents:
    """`report`: the weights checked, every job described, then each one's ranking, top scaling and costs;
    two jobs compared."""
    from ircli.lib.compare import compare_jobs
    from ircli.lib.ranking import Weights

    weights = Weights.parse(rank_by)
    described = [service.describe_job(name) for name in job_names]
    jobs = [_job_report(service, job, traffic, options, weights) for job in described]
    comparison = None
    if len(described) == 2:
        compared = compare_jobs(described[0], described[1])
        comparison = compared if compared.matched else None
    return ReportContents(jobs=jobs, comparison=comparison, threshold=threshold, weights=rank_by)
