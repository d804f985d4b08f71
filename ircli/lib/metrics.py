"""A job's benchmarks as CloudWatch time series: which metrics each benchmark's endpoint publishes (the
catalog), the GetMetricData queries that read them over the job's window, and the typed result
`ircli metrics` shows and exports.

Each recommendation (and each benchmarked existing endpoint) names the endpoint and variant its load test
ran on; CloudWatch keeps their series in `AWS/SageMaker` and `/aws/sagemaker/Endpoints` (by EndpointName and
VariantName) and the load generator's in `/aws/sagemaker/InferenceRecommendationsJobs` (by JobName and
EndpointName). The window is the job's own: CreationTime to LastModifiedTime, as AWS's notebooks read it.

An existing endpoint's benchmark (EndpointPerformances) names only the endpoint: its window is the minutes the
job's load generator ran on it (its NumberOfUsers series, by JobName + EndpointName), and its variants are
those CloudWatch lists for the endpoint (ListMetrics), each read as a benchmark of its own, under its real
EndpointName and VariantName.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from ircli.errors import InputError, UnreadableAnswer
from ircli.lib.labels import endpoint_label
from ircli.lib.metric_pages import GET_METRIC_DATA, metric_data

LIST_METRICS = "ListMetrics"
SAGEMAKER, ENDPOINTS, JOBS = "AWS/SageMaker", "/aws/sagemaker/Endpoints", "/aws/sagemaker/InferenceRecommendationsJobs"
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
PERCENTILE = re.compile(r"^p(\d{1,2}(\.\d{1,2})?|100)$")
HIGH_RESOLUTION_PERIODS = (1, 5, 10, 30)


@dataclass(frozen=True)
class Metric:
    """A metric a benchmark's endpoint publishes, and the statistics `ircli metrics` reads by default."""

    name: str
    namespace: str
    unit: str  # CloudWatch's unit (GetMetricData does not return it)
    statistics: tuple[str, ...]

    @property
    def by_job(self) -> bool:
        """Whether its dimensions are JobName + EndpointName (the load generator's), not EndpointName + VariantName."""
        return self.namespace == JOBS


CATALOG: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("Invocations", SAGEMAKER, "None", ("Sum",)),
        Metric("InvocationsPerInstance", SAGEMAKER, "None", ("Sum",)),
        Metric("Invocation4XXErrors", SAGEMAKER, "None", ("Sum",)),
        Metric("Invocation5XXErrors", SAGEMAKER, "None", ("Sum",)),
        Metric("InvocationModelErrors", SAGEMAKER, "None", ("Sum",)),
        Metric("ModelLatency", SAGEMAKER, "Microseconds", ("p50", "p95", "p99")),
        Metric("OverheadLatency", SAGEMAKER, "Microseconds", ("p99",)),
        Metric("ModelSetupTime", SAGEMAKER, "Microseconds", ("Average",)),
        Metric("CPUUtilization", ENDPOINTS, "Percent", ("Average",)),
        Metric("MemoryUtilization", ENDPOINTS, "Percent", ("Average",)),
        Metric("DiskUtilization", ENDPOINTS, "Percent", ("Average",)),
        Metric("GPUUtilization", ENDPOINTS, "Percent", ("Average",)),
        Metric("GPUMemoryUtilization", ENDPOINTS, "Percent", ("Average",)),
        Metric("ClientInvocations", JOBS, "Count", ("Sum",)),
        Metric("ClientInvocationErrors", JOBS, "Count", ("Sum",)),
        Metric("ClientLatency", JOBS, "Milliseconds", ("p95",)),
        Metric("NumberOfUsers", JOBS, "Count", ("Maximum",)),
    )
}
# What a benchmark is read for unless --metric says: its load, its latency percentiles, its host, its users.
DEFAULT_METRICS = ("Invocations", "ModelLatency", "CPUUtilization", "MemoryUtilization", "NumberOfUsers")


class Service(Protocol):
    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]: ...

    def describe_job(self, job_name: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Series:
    metric: str
    statistic: str
    unit: str
    timestamps: tuple[datetime, ...]
    values: tuple[float, ...]
    status: str = "Complete"  # GetMetricData's StatusCode: PartialData when CloudWatch had more

    def to_document(self) -> dict[str, Any]:
        return {
            "MetricName": self.metric,
            "Statistic": self.statistic,
            "Unit": self.unit,
            "StatusCode": self.status,
            "Datapoints": [{"Timestamp": t, "Value": v} for t, v in zip(self.timestamps, self.values, strict=True)],
        }


@dataclass(frozen=True)
class Benchmark:
    endpoint_name: str
    variant_name: str | None
    label: str  # what people call its configuration: "ml.c5.xlarge x1", "serverless 2048 MB", an endpoint's name
    recommendation_id: str | None
    series: tuple[Series, ...] = ()
    start: datetime | None = None  # the window its series were read over
    end: datetime | None = None
    existing: bool = False  # an endpoint the user already had (InputConfig.Endpoints), not a recommendation's

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "RecommendationId": self.recommendation_id,
            "EndpointName": self.endpoint_name,
            "VariantName": self.variant_name,
            "EndpointConfiguration": self.label,
        }
        if self.start is not None and self.end is not None:
            document.update(StartTime=self.start, EndTime=self.end)
        document["Metrics"] = [s.to_document() for s in self.series]
        return document


@dataclass(frozen=True)
class JobMetrics:
    job_name: str
    start: datetime
    end: datetime
    period: int
    benchmarks: tuple[Benchmark, ...] = field(default_factory=tuple)

    def to_document(self) -> dict[str, Any]:
        return {
            "JobName": self.job_name,
            "StartTime": self.start,
            "EndTime": self.end,
            "Period": self.period,
            "Benchmarks": [b.to_document() for b in self.benchmarks],
        }


@dataclass(frozen=True)
class Selection:
    """What to read: metric names (the catalog's), one statistic for all of them or each one's defaults."""

    metrics: tuple[str, ...] = DEFAULT_METRICS
    statistic: str | None = None
    period: int = 60

    def checked(self) -> Selection:
        unknown = [m for m in self.metrics if m not in CATALOG]
        if unknown:
            known = ", ".join(CATALOG)
            raise InputError(f"Unknown metric {', '.join(unknown)}; ircli metrics reads: {known}.")
        if self.statistic is not None and self.statistic not in STATISTICS and not PERCENTILE.match(self.statistic):
            raise InputError(
                f"--stat {self.statistic!r} is not a statistic: use one of {', '.join(STATISTICS)} or a "
                "percentile such as p50, p95, p99.9."
            )
        if self.period <= 0 or (self.period not in HIGH_RESOLUTION_PERIODS and self.period % 60):
            raise InputError(f"--period {self.period}: CloudWatch takes 1, 5, 10, 30 or a multiple of 60 seconds.")
        return self

    def pairs(self) -> list[tuple[Metric, str]]:
        chosen = dict.fromkeys(self.metrics)  # once each, in the order given
        return [
            (CATALOG[name], statistic)
            for name in chosen
            for statistic in ((self.statistic,) if self.statistic else CATALOG[name].statistics)
        ]


def job_metrics(
    service: Service,
    job_name: str,
    selection: Selection,
    recommendation: str | None = None,
    endpoint: str | None = None,
) -> JobMetrics:
    """Every benchmark of the job (or those of the recommendation and the endpoint asked for) with its series
    over its window: a recommendation's over the job's, an existing endpoint's over its load test's."""
    selection = selection.checked()
    job = service.describe_job(job_name)
    start, end = job_window(job, selection.period)
    benchmarks = chosen(job_name, benchmarks_of(job), recommendation, endpoint)
    located = [found for b in benchmarks for found in locate(service, job_name, b, selection.period, (start, end))]
    read = tuple(read_benchmark(service, job_name, b, selection, b.start or start, b.end or end) for b in located)
    return JobMetrics(job_name, start, end, selection.period, read)


def chosen(
    job_name: str, benchmarks: list[Benchmark], recommendation: str | None, endpoint: str | None
) -> list[Benchmark]:
    """The benchmarks --recommendation and --endpoint name (either one's), or all of them when neither is given."""
    if recommendation is None and endpoint is None:
        return benchmarks
    if recommendation is not None and not any(b.recommendation_id == recommendation for b in benchmarks):
        raise InputError(f"Job {job_name} has no recommendation {recommendation}.")
    if endpoint is not None and not any(b.endpoint_name == endpoint for b in benchmarks):
        names = ", ".join(b.endpoint_name for b in benchmarks if b.existing) or "none"
        raise InputError(
            f"Job {job_name} benchmarked no endpoint {endpoint}.", hint=f"The endpoints it benchmarked: {names}."
        )
    return [b for b in benchmarks if b.recommendation_id == recommendation or b.endpoint_name == endpoint]


def locate(
    service: Service, job_name: str, benchmark: Benchmark, period: int, window: tuple[datetime, datetime]
) -> list[Benchmark]:
    """Where a benchmark's series are: a recommendation's on its endpoint and variant over the job's window; an
    existing endpoint's on each variant CloudWatch lists for it, over the minutes the job's load ran on it."""
    if not benchmark.existing:
        return [replace(benchmark, start=window[0], end=window[1])]
    users = read_benchmark(service, job_name, benchmark, Selection(("NumberOfUsers",), "Maximum", period), *window)
    stamps = users.series[0].timestamps if users.series else ()
    start, end = (stamps[0], stamps[-1] + timedelta(seconds=period)) if stamps else window
    variants = variants_of(service, benchmark.endpoint_name)
    if not variants:  # nothing listed (CloudWatch lists two weeks): the endpoint-wide series, if any
        return [replace(benchmark, start=start, end=end)]
    return [
        replace(benchmark, variant_name=variant, label=f"existing endpoint, variant {variant}", start=start, end=end)
        for variant in variants
    ]


def variants_of(service: Service, endpoint_name: str) -> list[str]:
    """The variants CloudWatch keeps an endpoint's invocations for (ListMetrics, every page), sorted."""
    request: dict[str, Any] = {
        "Namespace": SAGEMAKER,
        "MetricName": "Invocations",
        "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name}],
    }
    found: set[str] = set()
    while True:
        page = service.call(LIST_METRICS, request)
        for metric in page.get("Metrics") or []:
            held = {d.get("Name"): d.get("Value") for d in metric.get("Dimensions") or []}
            if held.get("EndpointName") == endpoint_name and held.get("VariantName"):
                found.add(str(held["VariantName"]))
        token = page.get("NextToken")
        if not token:
            return sorted(found)
        request = {**request, "NextToken": token}


def job_window(job: Mapping[str, Any], period: int) -> tuple[datetime, datetime]:
    """CreationTime to LastModifiedTime, widened to whole periods so the first and last minutes count."""
    start, end = moment(job.get("CreationTime")), moment(job.get("LastModifiedTime") or job.get("CreationTime"))
    step = timedelta(seconds=period)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    start = epoch + step * ((start - epoch) // step)
    end = epoch + step * -((epoch - end) // step)
    return start, max(end, start + step)


def moment(value: Any, operation: str = "DescribeInferenceRecommendationsJob") -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        try:
            return moment(datetime.fromisoformat(value.replace("Z", "+00:00")), operation)
        except ValueError:
            pass
    raise UnreadableAnswer(operation, f"its time {value!r} is not a timestamp")


def benchmarks_of(job: Mapping[str, Any]) -> list[Benchmark]:
    found = []
    for recommendation in job.get("InferenceRecommendations") or []:
        configuration = recommendation.get("EndpointConfiguration") or {}
        if configuration.get("EndpointName"):
            found.append(
                Benchmark(
                    str(configuration["EndpointName"]),
                    configuration.get("VariantName"),
                    endpoint_label(configuration),
                    recommendation.get("RecommendationId"),
                )
            )
    for performance in job.get("EndpointPerformances") or []:
        name = (performance.get("EndpointInfo") or {}).get("EndpointName")
        if name:
            found.append(Benchmark(str(name), None, "existing endpoint", None, existing=True))
    return found


def read_benchmark(
    service: Service, job_name: str, benchmark: Benchmark, selection: Selection, start: datetime, end: datetime
) -> Benchmark:
    pairs = selection.pairs()
    queries = [
        query(f"m{i}", metric, statistic, job_name, benchmark, selection.period)
        for i, (metric, statistic) in enumerate(pairs)
    ]
    results = metric_data(service, queries, iso(start), iso(end))
    series = tuple(
        series_of(metric, statistic, results.get(f"m{i}", {})) for i, (metric, statistic) in enumerate(pairs)
    )
    return replace(benchmark, series=series)


def query(
    query_id: str, metric: Metric, statistic: str, job_name: str, benchmark: Benchmark, period: int
) -> dict[str, Any]:
    if metric.by_job:
        dimensions = [
            {"Name": "JobName", "Value": job_name},
            {"Name": "EndpointName", "Value": benchmark.endpoint_name},
        ]
    else:
        dimensions = [{"Name": "EndpointName", "Value": benchmark.endpoint_name}]
        # An existing endpoint's benchmark names no variant: its endpoint-wide series carry only EndpointName.
        if benchmark.variant_name:
            dimensions.append({"Name": "VariantName", "Value": benchmark.variant_name})
    return {
        "Id": query_id,
        "Label": f"{metric.name} {statistic}",
        "MetricStat": {
            "Metric": {"Namespace": metric.namespace, "MetricName": metric.name, "Dimensions": dimensions},
            "Period": period,
            "Stat": statistic,
        },
        "ReturnData": True,
    }


def series_of(metric: Metric, statistic: str, result: Mapping[str, Any]) -> Series:
    timestamps, values_ = result.get("Timestamps", []), result.get("Values", [])
    if len(timestamps) != len(values_):
        raise UnreadableAnswer(
            GET_METRIC_DATA, f"{metric.name} has {len(timestamps)} timestamps for {len(values_)} values"
        )
    points = sorted(zip((moment(t, GET_METRIC_DATA) for t in timestamps), values_, strict=True))
    values = tuple(float(v) for _, v in points)
    return Series(
        metric.name, statistic, metric.unit, tuple(t for t, _ in points), values, result.get("StatusCode") or "Complete"
    )


def iso(moment_: datetime) -> str:
    return moment_.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary(values: Sequence[float]) -> dict[str, float] | None:
    """Min, mean, max and last of a series, or None for an empty one."""
    if not values:
        return None
    return {"min": min(values), "mean": sum(values) / len(values), "max": max(values), "last": values[-1]}
