"""Views of recommendation jobs: the describe-job header and recommendation tables (ranked or not),
job and step listings, and the scaling recommendation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ircli.cli.output.cells import (
    cost_per_million,
    environment_label,
    environment_legend,
    environment_names,
    fmt_duration,
    fmt_int,
    fmt_latency_ms,
    fmt_money,
    fmt_percent,
    fmt_plain,
    fmt_time,
)
from ircli.cli.output.model import Column, TableData
from ircli.lib.labels import endpoint_label
from ircli.lib.loadtest.listing import is_measured, measured_on
from ircli.lib.printable import escape_controls
from ircli.lib.ranking import Ranking


def recommendation_cells(recommendation: dict[str, Any], names: dict[str, str] | None = None) -> list[str]:
    metrics = recommendation.get("Metrics", {})
    return [
        endpoint_label(recommendation.get("EndpointConfiguration", {})),
        environment_label(recommendation.get("ModelConfiguration", {}), names),
        fmt_money(metrics.get("CostPerHour")),
        cost_per_million(metrics),
        fmt_int(metrics.get("MaxInvocations")),
        fmt_latency_ms(metrics.get("ModelLatency")),
        fmt_percent(metrics.get("CpuUtilization")),
        fmt_percent(metrics.get("MemoryUtilization")),
    ]


METRIC_COLUMNS = [
    # The endpoint may wrap between words on a narrow terminal, so that the short key columns never have to go.
    Column("Endpoint", style="bold"),
    Column("Env", priority=75, footnote=True),
    Column("$/hour", "right", no_wrap=True),
    Column("$/1M inf", "right", no_wrap=True, priority=70),
    Column("Inv/min", "right", no_wrap=True),
    Column("Latency ms", "right", no_wrap=True),
    Column("CPU", "right", no_wrap=True, priority=40),
    Column("Mem", "right", no_wrap=True, priority=30),
]
ID_COLUMN = Column("Recommendation", style="dim", no_wrap=True, priority=50, footnote=True)
PARETO_MARK = "*"


def _has_environment(recommendations: list[dict[str, Any]]) -> bool:
    return any(r.get("ModelConfiguration", {}).get("EnvironmentParameters") for r in recommendations)


def recommendations_table(
    recommendations: list[dict[str, Any]], ranking: Ranking | None = None, measured: str | None = None
) -> TableData:
    """The recommendations (ranked, with `ranking`); `measured` says where a load test ircli kept measured
    them ("measured on TARGET from HOST"), for the rows that are not the service's figures."""
    names = environment_names(recommendations)
    caption = "\n".join(
        filter(
            None,
            [
                "Latency: model latency at the maximum invocations. n/a: not reported by the service.",
                environment_legend(names),
            ],
        )
    )
    with_env = _has_environment(recommendations)
    metric_columns = [c for c in METRIC_COLUMNS if with_env or c.header != "Env"]

    def cells(recommendation: dict[str, Any]) -> list[str]:
        values = recommendation_cells(recommendation, names)
        return values if with_env else values[:1] + values[2:]

    if ranking is None:
        rows = [[str(i), *cells(r), str(r.get("RecommendationId", ""))] for i, r in enumerate(recommendations, start=1)]
        return TableData(
            "Recommendations", [Column("#", "right", "dim", no_wrap=True), *metric_columns, ID_COLUMN], rows, caption
        )
    rows, styles = [], []
    for item in ranking.ranked:
        rows.append(
            [
                str(item.rank),
                PARETO_MARK if item.pareto else "",
                *cells(item.priced()),
                f"{item.score:.2f}",
                str(item.recommendation.get("RecommendationId", "")),
            ]
        )
        styles.append("bold green" if item.rank == 1 else "")
    weights = ranking.weights
    notes = [f"Top pick: {ranking.top_pick_reason}"] if ranking.top_pick_reason else []
    notes.append(
        f"Ranked by cost {weights.cost.value}, latency {weights.latency.value}, "
        f"throughput {weights.throughput.value}; {PARETO_MARK} marks the Pareto-optimal."
    )
    notes.extend(ranking.price_sources())
    notes.append(caption)
    if measured:
        notes.append(f"{escape_controls(measured).capitalize()} by ircli load-test, not by the service.")
    for recommendation, reason in ranking.excluded:
        notes.append(f"Excluded {endpoint_label(recommendation.get('EndpointConfiguration', {}))}: {reason}.")
    columns = [
        Column("Rank", "right", no_wrap=True),
        Column(PARETO_MARK, no_wrap=True),
        *metric_columns,
        Column("Score", "right", priority=60),
        ID_COLUMN,
    ]
    title = f"Ranked recommendations, {escape_controls(measured)}" if measured else "Ranked recommendations"
    return TableData(title, columns, rows, "\n".join(notes), styles)


def job_summary(job: dict[str, Any]) -> list[tuple[str, str]]:
    created, finished = job.get("CreationTime"), job.get("CompletionTime")
    duration = None
    if isinstance(created, datetime) and isinstance(finished, datetime):
        duration = (finished - created).total_seconds()
    elif isinstance(created, str) and isinstance(finished, str):
        try:
            duration = (datetime.fromisoformat(finished) - datetime.fromisoformat(created)).total_seconds()
        except ValueError:
            duration = None
    config = job.get("InputConfig", {})
    fields = [
        ("Job", str(job.get("JobName", ""))),
        ("Type", str(job.get("JobType", ""))),
        ("Status", str(job.get("Status", ""))),
        ("Model", str(config.get("ModelName") or config.get("ModelPackageVersionArn") or "")),
        ("Created", fmt_time(created)),
        ("Completed", fmt_time(finished)),
        ("Duration", fmt_duration(duration)),
    ]
    if job.get("JobDescription"):
        fields.append(("Description", str(job["JobDescription"])))
    if job.get("FailureReason"):
        fields.append(("Failure", str(job["FailureReason"])))
    return [(key, value) for key, value in fields if value]


def failed_benchmarks_table(job: dict[str, Any], failed: list[dict[str, Any]]) -> TableData:
    """The benchmarks that FAILED, each with its FailureReason, and the commands that show why."""
    rows = []
    for step in failed:
        benchmark = step.get("InferenceBenchmark") or {}
        rows.append(
            [endpoint_label(benchmark.get("EndpointConfiguration") or {}), str(benchmark.get("FailureReason", ""))]
        )
    name = str(job.get("JobName", "JOB"))
    count = f"{len(rows)} benchmark{'s' if len(rows) != 1 else ''}"
    note = (
        f"{count} of {name} FAILED and gave no recommendation. Why: `ircli list-steps {name} --status FAILED` "
        f"(each benchmark's FailureReason), `ircli logs {name}` (the job's execution log)."
    )
    return TableData("Failed benchmarks", [Column("Endpoint", style="bold"), Column("Failure reason")], rows, note)


def describe_job_tables(
    job: dict[str, Any], ranking: Ranking | None = None, failed: Callable[[], list[dict[str, Any]]] | None = None
) -> list[TableData]:
    """The job's summary, its recommendations and endpoint performances, and the benchmarks that failed (`failed`
    lists them: one more call, made only when the tables are drawn)."""
    header = TableData("", [Column("Field", style="bold"), Column("Value")], [[k, v] for k, v in job_summary(job)])
    tables = [header]
    recommendations = job.get("InferenceRecommendations") or []
    if recommendations:
        tables.append(recommendations_table(recommendations, ranking))
    performances = job.get("EndpointPerformances") or []
    if performances:
        tables.append(
            TableData(
                "Endpoint performances",
                [Column("Endpoint", style="bold"), Column("Inv/min", "right"), Column("Latency ms", "right")],
                [
                    [
                        str(p.get("EndpointInfo", {}).get("EndpointName", "")),
                        fmt_int(p.get("Metrics", {}).get("MaxInvocations")),
                        fmt_latency_ms(p.get("Metrics", {}).get("ModelLatency")),
                    ]
                    for p in performances
                ],
            )
        )
    failures = failed() if failed is not None else []
    if failures:
        tables.append(failed_benchmarks_table(job, failures))
    return tables


def list_jobs_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [
            str(job.get("JobName", "")),
            # The JobType every format says; a load test ircli ran itself is marked measured beside it.
            f"{job.get('JobType', '')} (measured)" if is_measured(job) else str(job.get("JobType", "")),
            str(job.get("Status", "")),
            fmt_time(job.get("CreationTime")),
            fmt_time(job.get("CompletionTime")),
            escape_controls(measured_on(job) or str(job.get("ModelName") or job.get("ModelPackageVersionArn") or "")),
            str(job.get("FailureReason", "")),
        ]
        for job in data.get("InferenceRecommendationsJobs", [])
    ]
    columns = [
        Column("Job", style="bold", no_wrap=True),
        Column("Type", priority=60),
        Column("Status", no_wrap=True),
        Column("Created", no_wrap=True),
        Column("Completed", no_wrap=True, priority=50),
        Column("Model", no_wrap=True, priority=80),
        Column("Failure", priority=70, wrap_width=30),
    ]
    return [TableData("Inference recommendation jobs", columns, rows)]


def list_steps_tables(data: dict[str, Any]) -> list[TableData]:
    rows = []
    for index, step in enumerate(data.get("Steps", []), start=1):
        benchmark = step.get("InferenceBenchmark", {})
        metrics = benchmark.get("Metrics", {})
        rows.append(
            [
                str(index),
                str(step.get("StepType", "")),
                str(step.get("Status", "")),
                endpoint_label(benchmark.get("EndpointConfiguration", {})),
                environment_label(benchmark.get("ModelConfiguration", {})),
                fmt_money(metrics.get("CostPerHour")) if metrics else "",
                fmt_int(metrics.get("MaxInvocations")) if metrics else "",
                fmt_latency_ms(metrics.get("ModelLatency")) if metrics else "",
                str(benchmark.get("FailureReason", "")),
            ]
        )
    columns = [
        Column("#", "right", "dim"),
        Column("Step", priority=40),
        Column("Status", no_wrap=True),
        Column("Endpoint", style="bold", no_wrap=True),
        Column("Env", priority=60, wrap_width=30),
        Column("$/hour", "right", no_wrap=True),
        Column("Inv/min", "right", no_wrap=True),
        Column("Latency ms", "right", no_wrap=True),
        Column("Failure", priority=70, wrap_width=30),
    ]
    return [TableData("Steps", columns, rows)]


def scaling_tables(data: dict[str, Any]) -> list[TableData]:
    dynamic = data.get("DynamicScalingConfiguration", {})
    metric = data.get("Metric", {})
    rows = [
        ["Job", str(data.get("InferenceRecommendationsJobName", ""))],
        [
            "Recommendation" if data.get("RecommendationId") else "Endpoint",
            str(data.get("RecommendationId") or data.get("EndpointName") or ""),
        ],
        ["Target CPU per core", f"{data.get('TargetCpuUtilizationPerCore', 50)}%"],
        ["Benchmarked invocations/instance", fmt_int(metric.get("InvocationsPerInstance"))],
        ["Benchmarked latency ms", fmt_latency_ms(metric.get("ModelLatency"))],
        ["Min capacity", fmt_plain(dynamic.get("MinCapacity"), missing="")],
        ["Max capacity", fmt_plain(dynamic.get("MaxCapacity"), missing="")],
        ["Scale-in cooldown", f"{dynamic.get('ScaleInCooldown', '')} s"],
        ["Scale-out cooldown", f"{dynamic.get('ScaleOutCooldown', '')} s"],
    ]
    objective = data.get("ScalingPolicyObjective") or {}
    low, high = objective.get("MinInvocationsPerMinute"), objective.get("MaxInvocationsPerMinute")
    if low is not None or high is not None:
        expected = (
            f"{low:,} - {high:,}"
            if low is not None and high is not None
            else (f"at least {low:,}" if low is not None else f"up to {high:,}")
        )
        rows.insert(3, ["Expected invocations/min", expected])
    policies = []
    for policy in dynamic.get("ScalingPolicies", []):
        tracking = policy.get("TargetTracking", {})
        spec = tracking.get("MetricSpecification", {})
        metric_name = spec.get("Predefined", {}).get("PredefinedMetricType") or spec.get("Customized", {}).get(
            "MetricName", ""
        )
        policies.append(["Target tracking", str(metric_name), fmt_plain(tracking.get("TargetValue"), missing="")])
    return [
        TableData("Scaling recommendation", [Column("Field", style="bold"), Column("Value")], rows),
        TableData("Policies", [Column("Policy"), Column("Metric"), Column("Target value", "right")], policies),
    ]


def created_job_tables(job_name: str, data: dict[str, Any]) -> list[TableData]:
    """What create-job answers: the job and its ARN."""
    return [
        TableData(
            "",
            [Column("Field", style="bold"), Column("Value")],
            [["Job", job_name], ["JobArn", str(data.get("JobArn", ""))]],
        )
    ]
