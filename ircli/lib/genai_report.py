"""A report's generative-AI part, orchestrated once: for each AI recommendation job its options (ranked by
the goal, as `genai.options` reads them), each with its time to first token and output tokens per second
against concurrency where the job wrote its curves, the goal's winner and what it trades; for each AI
benchmark job what AIPerf measured at each concurrency level, priced per million tokens where the endpoint's
instances are in the catalog."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ircli.lib import genai

if TYPE_CHECKING:
    from ircli.lib.service import RecommenderService


@dataclass(frozen=True)
class CurvePoint:
    """One option's figures at one concurrency level."""

    concurrency: int
    ttft_ms: float | None
    tokens_per_second: float | None
    cost_per_million_tokens: float | None = None


@dataclass(frozen=True)
class RecommendationReport:
    """One AI recommendation job: its options in the goal's order, each option's curve (by rank; empty where
    the job wrote none), the winner and what it trades."""

    job: Mapping[str, Any]
    goal: str
    options: Sequence[genai.Option]
    curves: Mapping[int, Sequence[CurvePoint]] = field(default_factory=dict)
    winner: genai.Option | None = None
    trades: Sequence[str] = ()

    @property
    def name(self) -> str:
        return str(self.job.get("AIRecommendationJobName", ""))


@dataclass(frozen=True)
class BenchmarkLevel:
    concurrency: int
    ttft_ms: float | None
    ttft_p99_ms: float | None
    itl_ms: float | None
    request_latency_ms: float | None
    tokens_per_second: float | None
    tokens_per_second_per_user: float | None
    cost_per_million_tokens: float | None


@dataclass(frozen=True)
class BenchmarkReport:
    """One AI benchmark job: what it measured at each level (none when it has not completed), and the
    endpoint's price per hour where its instances are in the catalog."""

    job: Mapping[str, Any]
    levels: Sequence[BenchmarkLevel]
    location: str | None
    price_per_hour: float | None
    deployment: str | None  # "ml.g5.12xlarge x1", where the endpoint can be described

    @property
    def name(self) -> str:
        return str(self.job.get("AIBenchmarkJobName", ""))


@dataclass(frozen=True)
class GenAiContents:
    recommendations: Sequence[RecommendationReport] = ()
    benchmarks: Sequence[BenchmarkReport] = ()

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.recommendations] + [b.name for b in self.benchmarks]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def curve_points(curve: Sequence[Mapping[str, Any]]) -> list[CurvePoint]:
    points = [
        CurvePoint(
            concurrency=int(point["concurrency"]),
            ttft_ms=_number(point.get("ttft_ms")),
            tokens_per_second=_number(point.get("output_tokens_per_second")),
            cost_per_million_tokens=_number(point.get("cost_per_million_tokens")),
        )
        for point in curve
        if isinstance(point, Mapping) and _number(point.get("concurrency")) is not None
    ]
    return sorted(points, key=lambda p: p.concurrency)


def recommendation_report(service: RecommenderService, name: str) -> RecommendationReport:
    """The job described; its curves read from what it wrote (none on a backend whose job wrote none)."""
    from ircli.errors import IrcliError
    from ircli.lib.ai_results import recommendation_curves

    job = service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": name})
    made = genai.options(job)
    curves: dict[int, list[CurvePoint]] = {}
    try:
        written = recommendation_curves(service, name) or {}
    except IrcliError:  # the service documents no curves file: a report goes on without them
        written = {}
    for rank, recommendation in enumerate(written.get("recommendations") or [], start=1):
        points = curve_points(recommendation.get("Curve") or []) if isinstance(recommendation, Mapping) else []
        if points:
            curves[rank] = points
    found = genai.winner(job)
    best, trades = found if found is not None else (None, [])
    return RecommendationReport(job, genai.goal_of(job), made, curves, best, tuple(trades))


def _endpoint_price(service: RecommenderService, job: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """The benchmarked endpoint's price per hour and instances, from its configuration and the catalog."""
    from ircli.errors import IrcliError
    from ircli.lib.catalog import catalog

    endpoint = ((job.get("BenchmarkTarget") or {}).get("Endpoint") or {}).get("Identifier")
    if not endpoint:
        return None, None
    try:
        described = service.call("DescribeEndpoint", {"EndpointName": str(endpoint).rsplit("/", 1)[-1]})
        config = service.call("DescribeEndpointConfig", {"EndpointConfigName": described["EndpointConfigName"]})
    except IrcliError:  # deleted since, or not ours to describe: the report says so by leaving the cost out
        return None, None
    price, parts = 0.0, []
    for variant in config.get("ProductionVariants") or []:
        kind, count = variant.get("InstanceType"), int(variant.get("InitialInstanceCount") or 1)
        record = catalog()["instances"].get(str(kind), {})
        if not kind or not record.get("price_per_hour"):
            return None, None
        price += float(record["price_per_hour"]) * count
        parts.append(f"{kind} x{count}")
    return (price, ", ".join(parts)) if parts else (None, None)


def benchmark_report(service: RecommenderService, name: str) -> BenchmarkReport:
    from ircli.lib.ai_results import benchmark_results

    job = service.call("DescribeAIBenchmarkJob", {"AIBenchmarkJobName": name})
    price, deployment = _endpoint_price(service, job)
    if job.get("AIBenchmarkJobStatus") != "Completed":
        return BenchmarkReport(job, (), None, price, deployment)
    found = benchmark_results(service, name)
    levels = []
    for level in sorted(found.documents):
        tokens = found.metric(level, "output_token_throughput")
        cost = price / (tokens * 3600) * 1_000_000 if price and tokens else None
        levels.append(
            BenchmarkLevel(
                concurrency=level,
                ttft_ms=found.metric(level, "time_to_first_token"),
                ttft_p99_ms=found.metric(level, "time_to_first_token", "p99"),
                itl_ms=found.metric(level, "inter_token_latency"),
                request_latency_ms=found.metric(level, "request_latency"),
                tokens_per_second=tokens,
                tokens_per_second_per_user=found.metric(level, "output_token_throughput_per_user"),
                cost_per_million_tokens=cost,
            )
        )
    return BenchmarkReport(job, levels, found.location, price, deployment)


def genai_contents(
    service: RecommenderService, recommendations: Sequence[str], benchmarks: Sequence[str]
) -> GenAiContents:
    """`report --ai-recommendation/--ai-benchmark`: every job described first (a missing one fails the report
    before anything is written), then read."""
    return GenAiContents(
        recommendations=[recommendation_report(service, name) for name in recommendations],
        benchmarks=[benchmark_report(service, name) for name in benchmarks],
    )
