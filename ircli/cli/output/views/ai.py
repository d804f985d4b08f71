"""Views of generative-AI inference recommendations: workload configurations (their AIPerf parameters), a
recommendation job as the options a team chooses among (time to first token, tokens per second, cost per
million tokens, the goal's winner and what it trades), benchmark jobs and their AIPerf results, and a
deployment's resources."""

from __future__ import annotations

from typing import Any

from ircli.cli.output.cells import fmt_time
from ircli.cli.output.model import Column, TableData
from ircli.cli.output.views import View
from ircli.lib import genai

FIELD = [Column("Field", style="bold", no_wrap=True), Column("Value")]


def _figure(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _value(value: Any) -> str:
    """A parameter or a result as people read it: lists joined, floats to a few significant digits."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def workload_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        ["Workload", str(data.get("AIWorkloadConfigName", ""))],
        ["ARN", str(data.get("AIWorkloadConfigArn", ""))],
        ["Created", fmt_time(data.get("CreationTime"))],
    ]
    for channel in (data.get("DatasetConfig") or {}).get("InputDataConfig") or []:
        uri = ((channel.get("DataSource") or {}).get("S3DataSource") or {}).get("S3Uri", "")
        rows.append([f"Dataset {channel.get('ChannelName', '')}", str(uri)])
    spec = genai.parse_spec(((data.get("AIWorkloadConfigs") or {}).get("WorkloadSpec") or {}).get("Inline"))
    tables = [TableData("", FIELD, rows)]
    if spec:
        benchmark = (spec.get("benchmark") or {}).get("type", "")
        parameters = [[str(k), _value(v)] for k, v in (spec.get("parameters") or {}).items()]
        tables.append(
            TableData(f"Workload spec ({benchmark})", [Column("Parameter", style="bold"), Column("Value")], parameters)
        )
    return tables


def workloads_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [str(w.get("AIWorkloadConfigName", "")), fmt_time(w.get("CreationTime")), str(w.get("AIWorkloadConfigArn", ""))]
        for w in data.get("AIWorkloadConfigs", [])
    ]
    columns = [
        Column("Workload", style="bold", no_wrap=True),
        Column("Created", no_wrap=True),
        Column("ARN", priority=40),
    ]
    return [TableData("AI workload configurations", columns, rows)]


def option_rows(job: dict[str, Any]) -> list[list[str]]:
    return [
        [
            str(option.rank),
            option.instance_type,
            str(option.instance_count),
            str(option.copies_per_instance),
            _figure(option.get("ttft_ms")),
            _figure(option.get("itl_ms")),
            _figure(option.get("tokens_per_second")),
            _figure(option.get("tokens_per_second_per_user")),
            "-" if option.get("cost_per_million_tokens") is None else f"${option.get('cost_per_million_tokens'):,.2f}",
            "-" if option.get("price_per_hour") is None else f"${option.get('price_per_hour'):,.2f}",
            ", ".join(option.optimizations) or "-",
        ]
        for option in genai.options(job)
    ]


OPTION_COLUMNS = [
    Column("#", justify="right", no_wrap=True),
    Column("Instance", style="bold", no_wrap=True),
    Column("Count", justify="right", priority=70),
    Column("Copies", justify="right", priority=70),
    Column("TTFT ms", justify="right", no_wrap=True),
    Column("ITL ms", justify="right", priority=60),
    Column("Tokens/s", justify="right", no_wrap=True),
    Column("Tokens/s/user", justify="right", priority=50),
    Column("$/1M tokens", justify="right", no_wrap=True),
    Column("$/hour", justify="right", priority=55),
    Column("Optimization", priority=40),
]


def recommendation_job_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        ["Job", str(data.get("AIRecommendationJobName", ""))],
        ["Status", str(data.get("AIRecommendationJobStatus", ""))],
        ["Goal", genai.goal_of(data)],
        ["Model", str(((data.get("ModelSource") or {}).get("S3") or {}).get("S3Uri", ""))],
        ["Workload", str(data.get("AIWorkloadConfigIdentifier", ""))],
        ["Framework", str((data.get("InferenceSpecification") or {}).get("Framework", "the service's choice"))],
        ["Optimize", "yes" if data.get("OptimizeModel") else "no"],
        [
            "Instance types",
            ", ".join((data.get("ComputeSpec") or {}).get("InstanceTypes") or []) or "chosen by the service",
        ],
        ["Created", fmt_time(data.get("CreationTime"))],
        ["Ended", fmt_time(data.get("EndTime"))],
    ]
    if data.get("FailureReason"):
        rows.append(["Failure", str(data["FailureReason"])])
    tables = [TableData("", FIELD, rows)]
    if data.get("Recommendations"):
        found = genai.winner(data)
        caption = ""
        if found is not None:
            best, trades = found
            caption = f"Best for {genai.goal_of(data)}: option {best.rank} ({best.instance_type})"
            caption += f"; it trades {', '.join(trades)}." if trades else "; it trades nothing the others do better."
        tables.append(TableData("Recommendations", OPTION_COLUMNS, option_rows(data), caption=caption))
    if data.get("Curves"):
        tables.append(curve_table(data["Curves"]))
    return tables


CURVE_OPTIONS = 3  # the best three options side by side


def curve_table(curves: list[list[dict[str, Any]]]) -> TableData:
    """TTFT and output tokens/s of the first options at each concurrency their curves hold."""
    shown = curves[:CURVE_OPTIONS]
    levels = sorted({int(point["concurrency"]) for curve in shown for point in curve if "concurrency" in point})
    columns = [Column("Concurrency", justify="right", no_wrap=True)]
    for rank in range(1, len(shown) + 1):
        columns += [Column(f"#{rank} TTFT ms", justify="right"), Column(f"#{rank} tokens/s", justify="right")]
    rows = []
    for level in levels:
        row = [str(level)]
        for curve in shown:
            point = next((p for p in curve if p.get("concurrency") == level), {})
            row += [_figure(point.get("ttft_ms")), _figure(point.get("output_tokens_per_second"))]
        rows.append(row)
    return TableData("Against concurrency", columns, rows, caption="Options numbered as above.")


def recommendation_jobs_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [
            str(j.get("AIRecommendationJobName", "")),
            str(j.get("AIRecommendationJobStatus", "")),
            fmt_time(j.get("CreationTime")),
            fmt_time(j.get("EndTime")),
        ]
        for j in data.get("AIRecommendationJobs", [])
    ]
    columns = [
        Column("Job", style="bold", no_wrap=True),
        Column("Status", no_wrap=True),
        Column("Created"),
        Column("Ended"),
    ]
    return [TableData("AI recommendation jobs", columns, rows)]


def benchmark_job_tables(data: dict[str, Any]) -> list[TableData]:
    target = (data.get("BenchmarkTarget") or {}).get("Endpoint") or {}
    components = ", ".join(c.get("Identifier", "") for c in target.get("InferenceComponents") or [])
    rows = [
        ["Job", str(data.get("AIBenchmarkJobName", ""))],
        ["Status", str(data.get("AIBenchmarkJobStatus", ""))],
        ["Endpoint", str(target.get("Identifier", ""))],
        ["Inference components", components or "-"],
        ["Workload", str(data.get("AIWorkloadConfigIdentifier", ""))],
        ["Results", genai.result_uri(data)],
        ["Created", fmt_time(data.get("CreationTime"))],
        ["Ended", fmt_time(data.get("EndTime"))],
    ]
    for log in (data.get("OutputConfig") or {}).get("CloudWatchLogs") or []:
        rows.append(["Log", f"{log.get('LogGroupArn', '')} {log.get('LogStreamName', '')}".strip()])
    if data.get("FailureReason"):
        rows.append(["Failure", str(data["FailureReason"])])
    return [TableData("", FIELD, rows)]


def benchmark_jobs_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [
            str(j.get("AIBenchmarkJobName", "")),
            str(j.get("AIBenchmarkJobStatus", "")),
            str(j.get("AIWorkloadConfigName", "")),
            fmt_time(j.get("CreationTime")),
            fmt_time(j.get("EndTime")),
        ]
        for j in data.get("AIBenchmarkJobs", [])
    ]
    columns = [
        Column("Job", style="bold", no_wrap=True),
        Column("Status", no_wrap=True),
        Column("Workload", priority=60),
        Column("Created"),
        Column("Ended", priority=50),
    ]
    return [TableData("AI benchmark jobs", columns, rows)]


def results_tables(data: dict[str, Any]) -> list[TableData]:
    """One table of AIPerf's metrics per concurrency level (a single document as AIPerf writes it, too)."""
    levels = data.get("ConcurrencyLevels")
    if not isinstance(levels, list):
        levels = [{"Concurrency": None, "Results": data}]
    priority = {"min": 60, "max": 60, "p90": 50, "p95": 40}  # what a narrow terminal gives up first
    stats = [Column(s, justify="right", no_wrap=True, priority=priority.get(s, 100)) for s in genai.STATS]
    columns = [Column("Metric", style="bold", no_wrap=True), Column("Unit", no_wrap=True), *stats]
    tables = []
    for level in levels:
        rows = [
            [str(row["metric"]), str(row["unit"]), *(_value(row[s]) for s in genai.STATS)]
            for row in genai.result_rows(level.get("Results") or {})
        ]
        concurrency = level.get("Concurrency")
        title = "AIPerf results" + (f" at concurrency {concurrency}" if concurrency is not None else "")
        caption = str(data.get("Location", "")) if level is levels[-1] else ""
        tables.append(TableData(title, columns, rows, caption=caption))
    return tables


def deployment_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [[str(k), _value(v)] for k, v in data.items()]
    return [TableData("Deployment", FIELD, rows)]


def token_cost_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [
            str(o["Rank"]),
            str(o["InstanceType"]),
            str(o["Instances"]),
            f"${o['MonthlyCost']:,.0f}",
            f"${o['CostPerMillionTokens']:,.2f}",
            f"{o['Headroom']:.0%}",
        ]
        for o in data.get("Options", [])
    ]
    columns = [
        Column("#", justify="right", no_wrap=True),
        Column("Instance", style="bold", no_wrap=True),
        Column("Instances", justify="right"),
        Column("$/month", justify="right", no_wrap=True),
        Column("$/1M tokens", justify="right", no_wrap=True),
        Column("Spare", justify="right", priority=60),
    ]
    traffic = (
        f"{_value(data.get('RequestsPerMinute'))} requests/min x {_value(data.get('OutputTokensMean'))} output tokens"
    )
    caption = f"At {traffic}; 730 hours a month; # is the option's rank in the job."
    return [TableData("Monthly cost at your traffic", columns, rows, caption=caption)]


WORKLOAD = View(tables=workload_tables)
WORKLOADS = View(tables=workloads_tables)
RECOMMENDATION_JOB = View(tables=recommendation_job_tables)
RECOMMENDATION_JOBS = View(tables=recommendation_jobs_tables)
BENCHMARK_JOB = View(tables=benchmark_job_tables)
BENCHMARK_JOBS = View(tables=benchmark_jobs_tables)
RESULTS = View(tables=results_tables)
DEPLOYMENT = View(tables=deployment_tables)
TOKEN_COSTS = View(tables=token_cost_tables)
