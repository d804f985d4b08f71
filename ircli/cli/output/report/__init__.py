"""The shareable report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched)
opening with a summary (`summary.py`), then each job's inputs, its ranked recommendations, a cost / latency /
throughput scatter with the Pareto frontier, the top pick's scaling recommendation and the monthly cost at the
user's traffic when given, for two jobs their comparison, and the cost assumptions in an appendix. The
tables are the same `TableData` the terminal shows; Jinja2 lays them out
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
    from ircli.lib.ranking import Ranked
    from ircli.lib.report import JobReport, ReportContents, TopScaling


def scatter_points(ranked: list[Ranked]) -> list[Point]:
    """One point per ranked recommendation with its metrics, at the cost it was ranked by."""
    from ircli.lib.labels import recommendation_label

    points = []
    for item in ranked:
        recommendation = item.priced()
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
                pareto=item.pareto,
            )
        )
    return points


def report_sections(contents: ReportContents) -> dict[str, Any]:
    """A report's contents (`lib.report.report_contents`) as the page: its summary, its job sections, the
    comparison table and the appendix of assumptions."""
    from ircli.cli.output.report.summary import job_summary, verdict
    from ircli.cli.output.views.analysis import comparison_tables
    from ircli.cli.output.views.costs import cost_tables
    from ircli.cli.output.views.jobs import recommendations_table
    from ircli.lib.compare import comparison_document

    sections: list[dict[str, Any]] = []
    appendix = []
    for part in contents.jobs:
        recommendations = part.job.get("InferenceRecommendations") or []
        ranked_table = recommendations_table(recommendations, part.ranking) if part.ranking is not None else None
        costs = cost_tables(part.costs) if part.costs is not None else None
        scaling = _scaling_rows(part.scaling) if part.scaling is not None else None
        ranked = list(part.ranking.ranked) if part.ranking is not None else []
        section = job_section(dict(part.job), ranked_table, ranked, scaling, costs)
        sections.append({**section, **_curves(part, ranked, len(sections) + 1)})
        if costs is not None and len(costs) > 1:
            appendix.append({"name": str(part.job.get("JobName")), "table": costs[1]})
    comparison = None
    if contents.comparison is not None:
        document = comparison_document(contents.comparison, contents.threshold)
        comparison = comparison_tables(document)[0]
    return {
        "summary": [job_summary(part, contents.weights) for part in contents.jobs] + _genai_summary(contents),
        **_genai(contents),
        "verdict": verdict(contents),
        "jobs": sections,
        "comparison": comparison,
        "threshold": f"{contents.threshold:g}%",
        "between_peaks": contents.between_peaks,
        "appendix": appendix,
    }


def _genai(contents: ReportContents) -> dict[str, Any]:
    """The generative-AI section and the job names it adds to the title (nothing without such jobs)."""
    if contents.genai is None:
        return {}
    from ircli.cli.output.report.genai import genai_html

    return {"genai": genai_html(contents.genai), "genai_names": contents.genai.names}


def _genai_summary(contents: ReportContents) -> list[dict[str, Any]]:
    if contents.genai is None:
        return []
    from ircli.cli.output.report.genai import summary_items

    return summary_items(contents.genai)


def _curves(part: JobReport, ranked: list[Ranked], index: int) -> dict[str, Any]:
    """The job's load curves (cards) and, where CloudWatch could not give them, why."""
    from ircli.cli.output.report.curves import curve_cards

    if part.curves is None:
        return {"curves": [], "curves_note": None}
    if part.curves.unavailable is not None:
        note = f"The load curves could not be read from CloudWatch: {part.curves.unavailable.rstrip('.')}."
        return {"curves": [], "curves_note": note}
    cards = curve_cards(dict(part.job), ranked, part.curves, index)
    from ircli.lib.loadtest.listing import is_measured

    drawn_from = "the load test's own per-minute series" if is_measured(dict(part.job)) else "CloudWatch"
    return {"curves": cards, "curves_note": None, "curves_from": drawn_from}


def _scaling_rows(scaling: TopScaling) -> list[tuple[str, str]]:
    from ircli.cli.output.cells import NA, fmt_plain

    target = scaling.target_invocations
    sized = "your traffic, its quietest to its busiest hour (as the monthly cost table)"
    return [
        ("Recommendation", scaling.recommendation_id),
        ("Sized for", sized if scaling.at_traffic else "the job's benchmark (give traffic to size it for yours)"),
        ("Instances", f"{fmt_plain(scaling.min_capacity)} to {fmt_plain(scaling.max_capacity)}"),
        ("Target invocations per instance", NA if target is None else f"{target:,.1f} a minute"),
        ("Cooldowns", f"scale in {scaling.scale_in_cooldown} s, scale out {scaling.scale_out_cooldown} s"),
    ]


def job_section(
    job: dict[str, Any],
    ranked_table: TableData | None,
    ranked: list[Ranked],
    scaling: list[tuple[str, str]] | None,
    costs: list[TableData] | None,
) -> dict[str, Any]:
    from markupsafe import Markup

    from ircli.cli.output.views.jobs import job_summary

    name = str(job.get("JobName"))
    inputs = job_summary(job) + _inputs(job)
    chart = None
    if ranked:
        drawn = scatter(scatter_points(ranked), f"Recommendations of {name}")
        chart = {"svg": Markup(drawn.svg), "caption": drawn.caption, "legend": drawn.legend}
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


def printable(value: Any) -> Any:
    """A value as the page prints it: control characters escaped (`\\x1b`) as on a terminal, so a hostile
    answer's ESC or BEL (in an error quoted from CloudWatch, a name, a prebuilt chart) never reaches the HTML,
    which does not allow them. Markup (the charts) stays markup: only its controls change."""
    from markupsafe import Markup

    from ircli.lib.printable import escape_controls

    if isinstance(value, Markup):
        return Markup(escape_controls(str(value), keep="\n\t"))
    return escape_controls(value, keep="\n\t") if isinstance(value, str) else value


def render_html(page: dict[str, Any], *, version: str, backend: str, region: str | None) -> str:
    import jinja2

    template_text = resources.files(__package__).joinpath("report.html.j2").read_text("utf-8")
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, finalize=printable
    )
    names = ", ".join([job["name"] for job in page["jobs"]] + list(page.get("genai_names", [])))
    return environment.from_string(template_text).render(
        title=f"Inference recommendations: {names}",
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        version=version,
        backend=backend,
        region=region,
        **page,
    )
