"""A kept load test's per-minute series as `ircli metrics` shows a job's: one benchmark (the target), its
series named as Inference Recommender's load generator names them in CloudWatch
(`/aws/sagemaker/InferenceRecommendationsJobs`: NumberOfUsers, ClientInvocations, ClientInvocationErrors,
ClientLatency), and the requests a second. The latencies of a simulated endpoint are those it modelled, its
ModelLatency (in microseconds, as CloudWatch keeps it); a real target's are the round trips measured here.
`metrics_of` is `ircli metrics` itself: a kept test's series, else the job's CloudWatch series."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ircli.errors import InputError
from ircli.lib.metrics import DEFAULT_METRICS, Benchmark, JobMetrics, Selection, Series, Service, job_metrics

if TYPE_CHECKING:
    from ircli.lib.load_curves import LoadCurves

PERIOD = 60
MODELLED = "modelled by the simulated endpoint"


def _minute_series(
    minutes: list[dict[str, Any]], start: datetime, name: str, statistic: str, unit: str, read: Callable[..., Any]
) -> Series:
    points = [(start + timedelta(seconds=(int(m["Minute"]) - 1) * PERIOD), read(m)) for m in minutes]
    kept = [(t, float(v)) for t, v in points if v is not None]
    return Series(name, statistic, unit, tuple(t for t, _ in kept), tuple(v for _, v in kept))


def _all_series(document: dict[str, Any], start: datetime) -> list[Series]:
    minutes = list(document.get("Minutes") or [])
    percentile = str((document.get("Metrics") or {}).get("ModelLatencyPercentile") or "P95")
    modelled = str(document.get("FiguresFrom", "")).startswith(MODELLED)
    latency, unit, scale = (
        ("ModelLatency", "Microseconds", 1000.0) if modelled else ("ClientLatency", "Milliseconds", 1.0)
    )

    def at(key: str) -> Callable[[dict[str, Any]], float | None]:
        return lambda m: None if m.get(key) is None else float(m[key]) * scale

    return [
        _minute_series(minutes, start, "NumberOfUsers", "Maximum", "Count", lambda m: m.get("Users")),
        _minute_series(minutes, start, "ClientInvocations", "Sum", "Count", lambda m: m.get("Invocations")),
        _minute_series(
            minutes, start, "RequestsPerSecond", "Average", "Count/Second", lambda m: m["Invocations"] / PERIOD
        ),
        _minute_series(minutes, start, latency, "p50", unit, at("P50Ms")),
        _minute_series(minutes, start, latency, percentile.lower(), unit, at(f"{percentile}Ms")),
        _minute_series(minutes, start, "ClientInvocationErrors", "Sum", "Count", lambda m: m.get("Errors")),
    ]


def load_test_metrics(
    job: dict[str, Any],
    document: dict[str, Any],
    *,
    metrics: tuple[str, ...] | None = None,
    recommendation: str | None = None,
) -> JobMetrics:
    """The load test's series over its minutes (of the service's time, from its start); `metrics` keeps
    only the series of those names."""
    name = str(document.get("LoadTestName") or job.get("JobName"))
    start = job["CreationTime"]
    recommended = (job.get("InferenceRecommendations") or [{}])[0]
    if recommendation is not None and recommendation != recommended.get("RecommendationId"):
        raise InputError(f"Load test {name} has no recommendation {recommendation}.")
    series = _all_series(document, start)
    if metrics:
        unknown = sorted(set(metrics) - {s.metric for s in series})
        if unknown:
            names = ", ".join(dict.fromkeys(s.metric for s in series))
            raise InputError(f"Load test {name} has no series {', '.join(unknown)}.", hint=f"It keeps: {names}.")
        series = [s for s in series if s.metric in metrics]
    target = document.get("Target") or {}
    configuration = recommended.get("EndpointConfiguration") or {}
    label = (
        f"{target['InstanceType']} x{target.get('InstanceCount', 1)}"
        if target.get("InstanceType")
        else str(target.get("Name", ""))
    )
    benchmark = Benchmark(
        str(configuration.get("EndpointName") or target.get("Name", "")),
        configuration.get("VariantName"),
        f"{label}, measured on {target.get('Name', '')} from {document.get('Host') or 'this machine'}",
        recommended.get("RecommendationId"),
        tuple(series),
    )
    minutes = len(document.get("Minutes") or [])
    return JobMetrics(name, start, start + timedelta(seconds=max(1, minutes) * PERIOD), PERIOD, (benchmark,))


def load_test_curves(job: dict[str, Any], document: dict[str, Any]) -> LoadCurves:
    """The report's load curves of a kept load test: the series `ircli metrics` shows of it (not the
    target's CloudWatch data), as the report draws a benchmark's (users, invocations a minute, the latency
    at the test's percentile in microseconds), one benchmark for the one run."""
    from ircli.lib.load_curves import LoadCurves

    (measured,) = load_test_metrics(job, document).benchmarks
    drawn = []
    for series in measured.series:
        if series.metric in ("ModelLatency", "ClientLatency") and series.statistic != "p50":
            scale = 1.0 if series.unit == "Microseconds" else 1000.0
            drawn.append(replace(series, metric="ModelLatency", unit="Microseconds", values=_times(series, scale)))
        elif series.metric == "ClientInvocations":
            drawn.append(replace(series, metric="Invocations"))
        elif series.metric == "NumberOfUsers":
            drawn.append(series)
    endpoint = measured.endpoint_name
    if measured.recommendation_id is None:  # named as the job's EndpointPerformances name the run
        performances = job.get("EndpointPerformances") or [{}]
        endpoint = str((performances[0].get("EndpointInfo") or {}).get("EndpointName") or endpoint)
    return LoadCurves((replace(measured, endpoint_name=endpoint, series=tuple(drawn)),))


def _times(series: Series, scale: float) -> tuple[float, ...]:
    return tuple(value * scale for value in series.values)


def metrics_of(
    service: Service,
    name: str,
    *,
    metrics: tuple[str, ...] = (),
    statistic: str | None = None,
    period: int = PERIOD,
    recommendation: str | None = None,
    endpoint: str | None = None,
) -> JobMetrics:
    """What `ircli metrics NAME` shows: a kept load test's own per-minute series (its statistics, a minute
    a datapoint), else the job's CloudWatch series (`metrics`, default the usual ones; of the recommendation
    and the endpoint asked for)."""
    measured = getattr(service, "measured", None)
    stored = measured.load_test(name) if measured is not None else None
    if stored is None:
        selection = Selection(metrics or DEFAULT_METRICS, statistic, period)
        return job_metrics(service, name, selection, recommendation, endpoint)
    if endpoint is not None:
        raise InputError(f"{name} is a load test ircli kept, on one endpoint.", hint="Leave out --endpoint.")
    if period != PERIOD or statistic is not None:
        raise InputError(
            f"{name} is a load test ircli kept: its series are per minute, with their own statistics.",
            hint="Leave out --period and --stat.",
        )
    return load_test_metrics(service.describe_job(name), stored, metrics=metrics or None, recommendation=recommendation)
