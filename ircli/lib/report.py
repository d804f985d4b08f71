"""A report's contents, orchestrated once: each job's ranking (by the weights asked for), its top pick's
scaling sized at the traffic given (the same scaling the cost table prices), its costs and the cheapest
option at that traffic, and for two jobs their comparison with the regressions beyond a threshold."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ircli.lib.analyses import SCALING, Service, instance_scaling, priced, traffic_objective
from ircli.lib.cost import Options
from ircli.lib.cost_results import CostEstimate, Estimate
from ircli.lib.requests import scaling_request
from ircli.lib.traffic import TrafficProfile

if TYPE_CHECKING:
    from ircli.lib.compare import JobComparison
    from ircli.lib.genai_report import GenAiContents
    from ircli.lib.load_curves import LoadCurves
    from ircli.lib.prices import PriceQuote
    from ircli.lib.ranking import Ranking, Weights

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
    ranking: Ranking | None  # None without recommendations
    ranked: Sequence[dict[str, Any]]  # lib.ranking.ranking_document
    scaling: TopScaling | None
    costs: CostEstimate | None
    prices: PriceQuote | None = None  # the job's region's quote its ranking and costs were priced at
    curves: LoadCurves | None = None  # each benchmark's load over time (None: not asked for)

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
    comparison: JobComparison | None  # of two jobs with configurations in common, else None
    threshold: float = DEFAULT_REGRESSION_PERCENT
    weights: str | None = None  # the --rank-by text, None for the default weights
    traffic: TrafficProfile | None = None  # the traffic the costs are at
    baseline: float | None = None  # the --baseline-per-minute given
    genai: GenAiContents | None = None  # the generative-AI jobs asked for, None without any

    @property
    def between_peaks(self) -> str | None:
        """The traffic the costs assume between peaks, in words (None without traffic)."""
        return between_peaks(self.traffic, self.baseline)


def between_peaks(traffic: TrafficProfile | None, baseline: float | None) -> str | None:
    """What a cost section assumed between the traffic's peaks, and what that means for serverless cold starts
    (counted each time traffic starts again after an hour with none)."""
    if traffic is None:
        return None
    starts = traffic.starts_from_zero
    times = {1: "once", 2: "twice"}.get(starts, f"{starts} times")
    period = "day" if len(traffic.per_minute) == 24 else "week"
    cold = (
        f"traffic starts from none {times} a {period}, and serverless options count cold starts each time"
        if starts
        else "traffic never starts from none, so serverless options count no cold start"
    )
    if baseline is not None:
        return f"Between peaks: {baseline:,.0f} invocations/min, as --baseline-per-minute says; {cold}."
    if traffic.assumed:
        return f"Between peaks: assumed {traffic.assumed}; {cold}."
    return f"Between peaks: the quietest hour's {traffic.trough:,.0f} invocations/min ({traffic.source}); {cold}."


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
    service: Service,
    job: Mapping[str, Any],
    traffic: TrafficProfile | None,
    options: Options,
    weights: Weights | None,
    prices: Callable[[str], PriceQuote] | None = None,
    curves: bool = False,
) -> JobReport:
    from ircli.lib.prices import job_region
    from ircli.lib.ranking import rank, ranking_document

    recommendations = job.get("InferenceRecommendations") or []
    if not recommendations:
        return JobReport(job=job, ranking=None, ranked=[], scaling=None, costs=None)
    quote = prices(job_region(dict(job), None)) if prices is not None else None
    options = replace(options, prices=quote)  # the ranking and the cost table at the same prices
    ranking = rank(recommendations, weights, prices=quote)
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
    loads = None
    if curves:
        from ircli.lib.load_curves import load_curves
        from ircli.lib.loadtest.series import load_test_curves

        measured = getattr(service, "measured", None)  # a kept load test draws its own series
        stored = measured.load_test(str(job.get("JobName"))) if measured is not None else None
        loads = load_test_curves(dict(job), stored) if stored is not None else load_curves(service, job)
    return JobReport(job, ranking, ranked, scaling, costs, prices=quote, curves=loads)


def report_contents(
    service: Service,
    job_names: Sequence[str],
    traffic: TrafficProfile | None,
    options: Options,
    *,
    rank_by: str | None = None,
    threshold: float = DEFAULT_REGRESSION_PERCENT,
    prices: Callable[[str], PriceQuote] | None = None,
    baseline: float | None = None,
    curves: bool = True,
    ai_recommendations: Sequence[str] = (),
    ai_benchmarks: Sequence[str] = (),
) -> ReportContents:
    """`report`: the weights checked, every job described, then each one's ranking, top scaling and costs
    (at `prices`' quote for its region when given, as cost-estimate and rank-recommendations price) and,
    with `curves`, its benchmarks' load curves from CloudWatch; two jobs compared; the generative-AI
    recommendation and benchmark jobs asked for read."""
    from ircli.lib.compare import compare_jobs
    from ircli.lib.ranking import Weights

    weights = Weights.parse(rank_by)
    described = [service.describe_job(name) for name in job_names]
    jobs = [_job_report(service, job, traffic, options, weights, prices, curves) for job in described]
    comparison = None
    if len(described) == 2:
        compared = compare_jobs(described[0], described[1])
        comparison = compared if compared.matched else None
    genai = None
    if ai_recommendations or ai_benchmarks:
        from ircli.lib.genai_report import genai_contents
        from ircli.lib.service import RecommenderService

        # Generative-AI results are read from the jobs' S3 output, which only the service layer can reach.
        assert isinstance(service, RecommenderService)
        genai = genai_contents(service, ai_recommendations, ai_benchmarks)
    return ReportContents(
        jobs=jobs,
        comparison=comparison,
        threshold=threshold,
        weights=rank_by,
        traffic=traffic,
        baseline=baseline,
        genai=genai,
    )
