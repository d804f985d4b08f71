"""Each benchmark's load over time, for the report: its users, invocations per minute and p95 model latency
minute by minute, from the same CloudWatch series `ircli metrics` reads (`lib.metrics`: the job's window,
each benchmark's endpoint and variant), asked through the backend in as few GetMetricData requests as the
API's 500 queries allow. Series CloudWatch cannot give (no permission, no datapoints) become a reason the
report states, never a failure of the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ircli.errors import IrcliError
from ircli.lib.metric_pages import metric_data
from ircli.lib.metrics import (
    CATALOG,
    Benchmark,
    Series,
    Service,
    benchmarks_of,
    iso,
    job_window,
    query,
    series_of,
    variants_of,
)

PERIOD = 60  # one datapoint a minute: invocations per minute as the Sum of each period
# What a curve draws, in its order: the load generator's users, the endpoint's invocations, its latency.
CURVES = (("NumberOfUsers", "Maximum"), ("Invocations", "Sum"), ("ModelLatency", "p95"))


@dataclass(frozen=True)
class LoadCurves:
    """A job's benchmarks with their series (`CURVES`), or why CloudWatch could not give them."""

    benchmarks: tuple[Benchmark, ...] = ()
    unavailable: str | None = None  # the reason none could be read

    def of(self, recommendation_id: str | None) -> Benchmark | None:
        return next((b for b in self.benchmarks if b.recommendation_id == recommendation_id), None)


def series(benchmark: Benchmark, metric: str) -> Series | None:
    return next((s for s in benchmark.series if s.metric == metric), None)


def load_curves(service: Service, job: Mapping[str, Any]) -> LoadCurves:
    """The curves of every benchmark of a described job (none for a job without benchmarks)."""
    benchmarks = benchmarks_of(job)
    if not benchmarks:
        return LoadCurves()
    try:
        # An existing endpoint's series are under its variants' names, as `ircli metrics` reads them.
        benchmarks = [found for benchmark in benchmarks for found in _variants(service, benchmark)]
        start, end = job_window(job, PERIOD)
        results = _read(service, str(job.get("JobName")), benchmarks, iso(start), iso(end))
        read = [
            replace(
                benchmark,
                series=tuple(
                    series_of(CATALOG[metric], statistic, results.get(f"b{b}m{m}", {}))
                    for m, (metric, statistic) in enumerate(CURVES)
                ),
            )
            for b, benchmark in enumerate(benchmarks)
        ]
    except IrcliError as exc:  # AccessDenied, an unreachable endpoint, an answer that cannot be read
        return LoadCurves(unavailable=str(exc).splitlines()[0])
    return LoadCurves(tuple(read))


def _variants(service: Service, benchmark: Benchmark) -> list[Benchmark]:
    if not benchmark.existing:
        return [benchmark]
    variants = variants_of(service, benchmark.endpoint_name)
    return [replace(benchmark, variant_name=variant) for variant in variants] or [benchmark]


def _read(
    service: Service, job_name: str, benchmarks: list[Benchmark], start: str, end: str
) -> dict[str, dict[str, Any]]:
    queries = [
        query(f"b{b}m{m}", CATALOG[metric], statistic, job_name, benchmark, PERIOD)
        for b, benchmark in enumerate(benchmarks)
        for m, (metric, statistic) in enumerate(CURVES)
    ]
    return metric_data(service, queries, start, end)
