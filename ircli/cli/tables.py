"""Tables as data: a title, columns and rows of text, built from API responses.

One `TableData` renders as a rich table on a terminal, as CSV, or as a Markdown table, so every tabular
view exists once. The builders here know the API's shapes; `generic_tables` handles anything else
(for example the result of `--query`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ircli.lib.formats import is_nan, jsonable, number
from ircli.lib.ranking import Ranking


@dataclass
class Column:
    header: str
    justify: str = "left"  # left | right
    style: str = ""
    min_width: int | None = None
    no_wrap: bool = False
    # Columns below 100 may be left out on a narrow terminal, lowest first; a `footnote` column's values are
    # then listed under the table instead.
    priority: int = 100
    footnote: bool = False
    # A column that may wrap its text counts this wide when the table is fitted to the terminal.
    wrap_width: int | None = None


@dataclass
class TableData:
    title: str
    columns: list[Column]
    rows: list[list[str]] = field(default_factory=list)
    caption: str = ""
    row_styles: list[str] = field(default_factory=list)


COLUMN_GAP = 3  # padding on both sides and the divider, as the terminal renderer draws them


def natural_width(table: TableData, index: int) -> int:
    column = table.columns[index]
    cells = [len(row[index]) for row in table.rows if index < len(row)]
    width = max([len(column.header), *cells, column.min_width or 0])
    return min(width, column.wrap_width) if column.wrap_width else width


def fit_columns(table: TableData, width: int) -> TableData:
    """Leave out low-priority columns until the table fits `width` characters."""
    # Columns with nothing in them go first, without a word.
    keep = [
        i
        for i, column in enumerate(table.columns)
        if column.priority >= 100 or any(row[i].strip() not in ("", "-") for row in table.rows)
    ]
    if len(keep) < len(table.columns):
        table = TableData(
            table.title,
            [table.columns[i] for i in keep],
            [[row[i] for i in keep] for row in table.rows],
            table.caption,
            table.row_styles,
        )
        keep = list(range(len(table.columns)))

    def total() -> int:
        return sum(natural_width(table, i) for i in keep) + COLUMN_GAP * (len(keep) - 1)

    dropped: list[int] = []
    while total() > width:
        candidates = [i for i in keep if table.columns[i].priority < 100]
        if not candidates:
            break
        lowest = min(candidates, key=lambda i: (table.columns[i].priority, -i))
        keep.remove(lowest)
        dropped.append(lowest)
    # A later, wider column may have freed room for an earlier, narrower one.
    for index in sorted(dropped, key=lambda i: -table.columns[i].priority):
        keep.append(index)
        keep.sort()
        if total() > width:
            keep.remove(index)
        else:
            dropped.remove(index)
    if not dropped:
        return table
    notes = [table.caption] if table.caption else []
    hidden = [table.columns[i].header for i in sorted(dropped) if not table.columns[i].footnote]
    if hidden:
        notes.append(f"Not shown at this width: {', '.join(hidden)} (widen the terminal, or use --output json).")
    for i in sorted(dropped):
        if table.columns[i].footnote:
            first = table.columns[0].header
            notes.append(
                f"{table.columns[i].header} by {first}: " + "; ".join(f"{row[0]} {row[i]}" for row in table.rows)
            )
    return TableData(
        table.title,
        [table.columns[i] for i in keep],
        [[row[i] for i in keep] for row in table.rows],
        "\n".join(notes),
        table.row_styles,
    )


NA = "n/a"


def fmt_time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-":
        return value[:19].replace("T", " ")
    return "" if value is None else str(value)


def fmt_money(value: Any, digits: int = 4) -> str:
    amount = number(value)
    return NA if amount is None else f"${amount:,.{digits}f}"


def fmt_int(value: Any) -> str:
    amount = number(value)
    return NA if amount is None else f"{int(amount):,}"


def fmt_ms_from_us(value: Any) -> str:
    amount = number(value)
    return NA if amount is None else f"{amount / 1000:,.1f}"


def fmt_percent(value: Any) -> str:
    amount = number(value)
    return NA if amount is None else f"{amount:.1f}%"


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def cost_per_million(metrics: dict[str, Any]) -> str:
    value = number(metrics.get("CostPerInference"))
    return NA if value is None else f"${value * 1_000_000:,.2f}"


def endpoint_label(configuration: dict[str, Any]) -> str:
    if "ServerlessConfig" in configuration:
        serverless = configuration["ServerlessConfig"]
        label = f"serverless {serverless.get('MemorySizeInMB', '?')} MB x{serverless.get('MaxConcurrency', '?')}"
        if "ProvisionedConcurrency" in serverless:
            label += f" (PC {serverless['ProvisionedConcurrency']})"
        return label
    count = configuration.get("InitialInstanceCount")
    instance_type = configuration.get("InstanceType", "?")
    return f"{instance_type} x{count}" if count else str(instance_type)


def short_names(keys: list[str]) -> dict[str, str]:
    """Each environment parameter's shortest trailing `_` part that no other key ends with
    (OMP_NUM_THREADS -> THREADS), to keep the Env column narrow."""
    result = {}
    for key in keys:
        parts = key.split("_")
        for length in range(1, len(parts) + 1):
            candidate = "_".join(parts[-length:])
            if not any(other != key and other.endswith(candidate) for other in keys):
                result[key] = candidate
                break
        else:
            result[key] = key
    return result


def environment_names(recommendations: list[dict[str, Any]]) -> dict[str, str]:
    keys = sorted(
        {
            str(p.get("Key"))
            for r in recommendations
            for p in r.get("ModelConfiguration", {}).get("EnvironmentParameters") or []
        }
    )
    return short_names(keys)


def environment_legend(names: dict[str, str]) -> str:
    shortened = [f"{short}={key}" for key, short in names.items() if short != key]
    return f"Env names: {', '.join(shortened)}." if shortened else ""


def environment_label(model_configuration: dict[str, Any], names: dict[str, str] | None = None) -> str:
    parameters = model_configuration.get("EnvironmentParameters") or []
    names = names or {}
    return " ".join(f"{names.get(str(p.get('Key')), p.get('Key'))}={p.get('Value')}" for p in parameters) or "-"


def recommendation_cells(recommendation: dict[str, Any], names: dict[str, str] | None = None) -> list[str]:
    metrics = recommendation.get("Metrics", {})
    return [
        endpoint_label(recommendation.get("EndpointConfiguration", {})),
        environment_label(recommendation.get("ModelConfiguration", {}), names),
        fmt_money(metrics.get("CostPerHour")),
        cost_per_million(metrics),
        fmt_int(metrics.get("MaxInvocations")),
        fmt_ms_from_us(metrics.get("ModelLatency")),
        fmt_percent(metrics.get("CpuUtilization")),
        fmt_percent(metrics.get("MemoryUtilization")),
    ]


METRIC_COLUMNS = [
    Column("Endpoint", style="bold", no_wrap=True),
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


def recommendations_table(recommendations: list[dict[str, Any]], ranking: Ranking | None = None) -> TableData:
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
        return TableData("Recommendations", [Column("#", "right", "dim"), *metric_columns, ID_COLUMN], rows, caption)
    rows, styles = [], []
    for item in ranking.ranked:
        rows.append(
            [
                str(item.rank),
                PARETO_MARK if item.pareto else "",
                *cells(item.recommendation),
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
    notes.append(caption)
    for recommendation, reason in ranking.excluded:
        notes.append(f"Excluded {endpoint_label(recommendation.get('EndpointConfiguration', {}))}: {reason}.")
    columns = [
        Column("Rank", "right"),
        Column(PARETO_MARK, no_wrap=True),
        *metric_columns,
        Column("Score", "right", priority=60),
        ID_COLUMN,
    ]
    return TableData("Ranked recommendations", columns, rows, "\n".join(notes), styles)


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


def describe_job_tables(job: dict[str, Any], ranking: Ranking | None = None) -> list[TableData]:
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
                        fmt_ms_from_us(p.get("Metrics", {}).get("ModelLatency")),
                    ]
                    for p in performances
                ],
            )
        )
    return tables


def list_jobs_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [
            str(job.get("JobName", "")),
            str(job.get("JobType", "")),
            str(job.get("Status", "")),
            fmt_time(job.get("CreationTime")),
            fmt_time(job.get("CompletionTime")),
            str(job.get("ModelName") or job.get("ModelPackageVersionArn") or ""),
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
        Column("Model", no_wrap=True, priority=55),
        Column("Failure", priority=70, wrap_width=30),
    ]
    return [with_next_token(TableData("Inference recommendation jobs", columns, rows), data)]


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
                fmt_ms_from_us(metrics.get("ModelLatency")) if metrics else "",
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
    return [with_next_token(TableData("Steps", columns, rows), data)]


def with_next_token(table: TableData, data: dict[str, Any]) -> TableData:
    """A truncated listing (--max-items) says how to go on."""
    if data.get("NextToken"):
        table.caption = f"More results: --starting-token {data['NextToken']}"
    return table


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
        ["Benchmarked latency ms", fmt_ms_from_us(metric.get("ModelLatency"))],
        ["Min capacity", str(dynamic.get("MinCapacity", ""))],
        ["Max capacity", str(dynamic.get("MaxCapacity", ""))],
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
        policies.append(["Target tracking", str(metric_name), str(tracking.get("TargetValue", ""))])
    return [
        TableData("Scaling recommendation", [Column("Field", style="bold"), Column("Value")], rows),
        TableData("Policies", [Column("Policy"), Column("Metric"), Column("Target value", "right")], policies),
    ]


def endpoint_tables(data: dict[str, Any]) -> list[TableData]:
    header = TableData(
        "",
        [Column("Field", style="bold"), Column("Value")],
        [
            ["Endpoint", str(data.get("EndpointName", ""))],
            ["Status", str(data.get("EndpointStatus", ""))],
            ["Config", str(data.get("EndpointConfigName", ""))],
            ["Created", fmt_time(data.get("CreationTime"))],
            ["Modified", fmt_time(data.get("LastModifiedTime"))],
        ],
    )
    rows = []
    shadows = {v.get("VariantName") for v in data.get("ShadowProductionVariants", [])}
    for variant in [*data.get("ProductionVariants", []), *data.get("ShadowProductionVariants", [])]:
        current = variant.get("CurrentServerlessConfig")
        desired = variant.get("DesiredServerlessConfig")
        if current or desired:
            capacity = _serverless_text(current) + (
                f" -> {_serverless_text(desired)}" if desired and desired != current else ""
            )
        else:
            now, want = variant.get("CurrentInstanceCount"), variant.get("DesiredInstanceCount")
            capacity = f"{now if now is not None else '-'} instance(s)" + (f" -> {want}" if want != now else "")
        weight = variant.get("CurrentWeight", variant.get("DesiredWeight"))
        name = str(variant.get("VariantName", "")) + (" (shadow)" if variant.get("VariantName") in shadows else "")
        rows.append([name, capacity, "" if weight is None else f"{weight:g}"])
    variants = TableData(
        "Variants", [Column("Variant", style="bold"), Column("Capacity"), Column("Weight", "right")], rows
    )
    return [header, variants]


def _serverless_text(config: dict[str, Any] | None) -> str:
    if not config:
        return "-"
    text = f"{config.get('MemorySizeInMB')} MB, max concurrency {config.get('MaxConcurrency')}"
    if "ProvisionedConcurrency" in config:
        text += f", provisioned {config['ProvisionedConcurrency']}"
    return text


def endpoint_config_tables(data: dict[str, Any]) -> list[TableData]:
    rows = []
    shadows = {v.get("VariantName") for v in data.get("ShadowProductionVariants", [])}
    for variant in [*data.get("ProductionVariants", []), *data.get("ShadowProductionVariants", [])]:
        capacity = (
            _serverless_text(variant["ServerlessConfig"])
            if "ServerlessConfig" in variant
            else (f"{variant.get('InstanceType')} x{variant.get('InitialInstanceCount')}")
        )
        name = str(variant.get("VariantName", "")) + (" (shadow)" if variant.get("VariantName") in shadows else "")
        rows.append([name, str(variant.get("ModelName", "")), capacity])
    return [
        TableData(
            "",
            [Column("Field", style="bold"), Column("Value")],
            [
                ["Endpoint config", str(data.get("EndpointConfigName", ""))],
                ["ARN", str(data.get("EndpointConfigArn", ""))],
                ["Created", fmt_time(data.get("CreationTime"))],
            ],
        ),
        TableData("Production variants", [Column("Variant", style="bold"), Column("Model"), Column("Capacity")], rows),
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if is_nan(value):
        return NA
    if isinstance(value, (dict, list)):
        return json.dumps(jsonable(value), separators=(",", ":"))
    if isinstance(value, datetime):
        return fmt_time(value)
    return str(value)


def _flatten(item: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 2:
            flat.update(_flatten(value, name + ".", depth + 1))
        else:
            flat[name] = value
    return flat


def generic_tables(data: Any, title: str = "") -> list[TableData]:
    """Any JSON-like value as tables: lists of objects become rows, objects key/value pairs."""
    if isinstance(data, list):
        if data and all(isinstance(item, dict) for item in data):
            flat = [_flatten(item) for item in data]
            keys: list[str] = []
            for item in flat:
                keys.extend(k for k in item if k not in keys)
            return [TableData(title, [Column(k) for k in keys], [[_cell(item.get(k)) for k in keys] for item in flat])]
        return [TableData(title, [Column("Value")], [[_cell(item)] for item in data])]
    if isinstance(data, dict):
        scalars = {k: v for k, v in data.items() if not (isinstance(v, list) and v and isinstance(v[0], dict))}
        tables = []
        if scalars:
            pairs = _flatten(scalars)
            tables.append(
                TableData(
                    title, [Column("Field", style="bold"), Column("Value")], [[k, _cell(v)] for k, v in pairs.items()]
                )
            )
        for key, value in data.items():
            if key not in scalars:
                tables.extend(generic_tables(value, key))
        return tables
    return [TableData(title, [Column("Value")], [[_cell(data)]])]


_FORMATTED_NUMBER = re.compile(r"^[+-]?\$?[0-9][0-9,]*(\.[0-9]+)?%?$")


def csv_cell(text: str) -> str:
    """Numbers as spreadsheets read them: no currency sign, thousands separators or percent sign (the
    column headers carry the units)."""
    if _FORMATTED_NUMBER.match(text):
        return text.replace("$", "").replace(",", "").replace("%", "")
    return text


def to_csv(tables: list[TableData]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, table in enumerate(tables):
        if index:
            buffer.write("\n")
        writer.writerow([column.header for column in table.columns])
        writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(tables: list[TableData]) -> str:
    parts = []
    for table in tables:
        lines = []
        if table.title:
            lines.append(f"**{table.title}**\n")
        lines.append("| " + " | ".join(_md_escape(c.header) for c in table.columns) + " |")
        lines.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in table.columns) + "|")
        lines.extend("| " + " | ".join(_md_escape(cell) for cell in row) + " |" for row in table.rows)
        if table.caption:
            lines.append(f"\n{table.caption}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


Tabulator = Callable[[Any], list[TableData]]


def ranked_rows_document(ranking: Ranking) -> list[dict[str, Any]]:
    """The ranking for scripts: rank, score, Pareto flag and the recommendation as the API returned it."""
    return [
        {
            "Rank": item.rank,
            "Score": round(item.score, 4),
            "ParetoOptimal": item.pareto,
            "TopPick": item.rank == 1,
            "Recommendation": item.recommendation,
        }
        for item in ranking.ranked
    ]


def _signed(change: float | None) -> str:
    return NA if change is None else f"{change:+.1f}%"


def comparison_tables(document: dict[str, Any]) -> list[TableData]:
    """Tables from `ircli.lib.compare.comparison_document`."""
    rows, styles = [], []
    for item in document.get("Comparisons", []):
        metrics = item["Metrics"]
        cost, latency, throughput = metrics["CostPerHour"], metrics["ModelLatency"], metrics["MaxInvocations"]
        counts = item.get("InstanceCount", {})
        count_text = "" if counts.get("JobA") is None else f"x{counts.get('JobA')} -> x{counts.get('JobB')}"
        rows.append(
            [
                item["EndpointConfiguration"],
                count_text,
                fmt_money(cost["JobA"]),
                fmt_money(cost["JobB"]),
                _signed(cost["ChangePercent"]),
                fmt_ms_from_us(latency["JobA"]),
                fmt_ms_from_us(latency["JobB"]),
                _signed(latency["ChangePercent"]),
                fmt_int(throughput["JobA"]),
                fmt_int(throughput["JobB"]),
                _signed(throughput["ChangePercent"]),
                ", ".join(item.get("Regressions", [])),
            ]
        )
        styles.append("red" if item.get("Regressions") else "")
    columns = [
        Column("Configuration", style="bold"),
        Column("Count", priority=40),
        Column("$/h A", "right", priority=50),
        Column("$/h B", "right", priority=60),
        Column("Cost", "right"),
        Column("ms A", "right", priority=50),
        Column("ms B", "right", priority=60),
        Column("Latency", "right"),
        Column("Inv A", "right", priority=50),
        Column("Inv B", "right", priority=60),
        Column("Throughput", "right"),
        Column("Regressions", priority=70),
    ]
    notes = ["Signed change from job A to job B. Higher cost or latency, or lower throughput, is worse."]
    for key, name in (("OnlyInJobA", "A"), ("OnlyInJobB", "B")):
        if document.get(key):
            notes.append(f"Only in job {name}: {', '.join(document[key])}.")
    title = f"{document.get('JobA')} (A) vs {document.get('JobB')} (B)"
    return [TableData(title, columns, rows, "\n".join(notes), styles)]
