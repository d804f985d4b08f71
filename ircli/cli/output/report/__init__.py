"""The shareable report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched)
with each job's inputs, its ranked recommendations, a cost / latency / throughput scatter with the Pareto
frontier, the top pick's scaling recommendation, the monthly cost at the user's traffic when given, and for
two jobs their comparison. The tables are the same `TableData` the terminal shows; Jinja2 lays them out
(imported here only, so no other command loads it)."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources
from typing import TYPE_CHECKING, Any

from ircli.cli.output.model import TableData
from ircli.cli.output.report.svg import Point, scatter
from ircli.lib.numbers import number
from ircli.lib.units import model_latency_ms

if TYPE_CHECKING:
    from ircli.lib.analyses import ReportContents, TopScaling


def scatter_points(ranked: list[dict[str, Any]]) -> list[Point]:
    """From `ranking_document`: one point per ranked recommendation with its metrics."""
    from ircli.lib.labels import recommendation_label

    points = []
    for item in ranked:
        recommendation = item["Recommendation"]
        metrics = recommendation.get("Metrics", {})
        latency, cost = model_latency_ms(metrics), number(metrics.get("CostPerHour"))
        if latency is None or cost is None:
            continue
        points.append(
            Point(
                label=recommendation_label(recommendation),
                recommendation_id=str(recommendation.get("RecommendationId")),
                latency_ms=latency,
                cost_per_hour=cost,
                invocations_per_minute=number(metrics.get("MaxInvocations")) or 0.0,
                pareto=bool(item["ParetoOptimal"]),
            )
        )
    return points


def report_sections(contents: ReportContents) -> tuple[list[dict[str, Any]], TableData | None]:
    """A report's contents (`lib.analyses.report_contents`) as the page's sections and comparison table."""
    from ircli.cli.output.views.analysis import comparison_tables
    from ircli.cli.output.views.costs import cost_tables
    from ircli.cli.output.views.jobs import recommendations_table
    from ircli.lib.compare import comparison_document

    sections = []
    for part in contents.jobs:
        recommendations = part.job.get("InferenceRecommendations") or []
        ranked_table = recommendations_table(recommendations, part.ranking) if part.ranking is not None else None
        costs = cost_tables(part.costs.to_document()) if part.costs is not None else None
        scaling = _scaling_rows(part.scaling) if part.scaling is not None else None
        sections.append(job_section(dict(part.job), ranked_table, list(part.ranked), scaling, costs))
    comparison = None
    if contents.comparison is not None:
        comparison = comparison_tables(comparison_document(contents.comparison, None))[0]
    return sections, comparison


def _scaling_rows(scaling: TopScaling) -> list[tuple[str, str]]:
    from ircli.cli.output.cells import NA, fmt_plain

    target = scaling.target_invocations
    return [
        ("Recommendation", scaling.recommendation_id),
        ("Instances", f"{fmt_plain(scaling.min_capacity)} to {fmt_plain(scaling.max_capacity)}"),
        ("Target invocations per instance", NA if target is None else f"{target:,.1f} a minute"),
        ("Cooldowns", f"scale in {scaling.scale_in_cooldown} s, scale out {scaling.scale_out_cooldown} s"),
    ]


def job_section(
    job: dict[str, Any],
    ranked_table: TableData | None,
    ranked: list[dict[str, Any]],
    scaling: list[tuple[str, str]] | None,
    costs: list[TableData] | None,
) -> dict[str, Any]:
    from markupsafe import Markup

    from ircli.cli.output.views.jobs import job_summary

    name = str(job.get("JobName"))
    inputs = job_summary(job) + _inputs(job)
    chart = Markup(scatter(scatter_points(ranked), f"Recommendations of {name}")) if ranked else None
    return {
        "name": name,
        "status": str(job.get("Status", "")),
        "inputs": inputs,
        "ranked": ranked_table,
        "scatter": chart,
        "scaling": scaling,
        "costs": costs,
    }


def _inputs(job: dict[str, Any]) -> list[tuple[str, str]]:
    config = job.get("InputConfig", {})
    container = config.get("ContainerConfig", {})
    rows = []
    for key in ("Domain", "Task", "Framework", "FrameworkVersion", "NearestModelName"):
        if container.get(key):
            rows.append((key, str(container[key])))
    candidates = container.get("SupportedInstanceTypes") or [
        c.get("InstanceType") or "serverless" for c in config.get("EndpointConfigurations") or []
    ]
    if candidates:
        rows.append(("Candidates", ", ".join(str(c) for c in candidates)))
    traffic = config.get("TrafficPattern")
    if traffic:
        rows.append(("Traffic pattern", str(traffic.get("TrafficType", "PHASES"))))
    stopping = job.get("StoppingConditions") or {}
    for threshold in stopping.get("ModelLatencyThresholds") or []:
        rows.append(("Latency threshold", f"{threshold.get('Percentile')} {threshold.get('ValueInMilliseconds')} ms"))
    if stopping.get("MaxInvocations"):
        rows.append(("Target invocations/min", f"{stopping['MaxInvocations']:,}"))
    return rows


def render_html(
    jobs: list[dict[str, Any]], comparison: TableData | None, *, version: str, backend: str, region: str | None
) -> str:
    import jinja2

    template_text = resources.files(__package__).joinpath("report.html.j2").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True)
    names = ", ".join(job["name"] for job in jobs)
    return environment.from_string(template_text).render(
        title=f"Inference recommendations: {names}",
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        version=version,
        backend=backend,
        region=region,
        jobs=jobs,
        comparison=comparison,
    )
