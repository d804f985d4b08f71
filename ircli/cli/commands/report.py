"""report: one or more jobs as a self-contained HTML page to share (see `ircli.cli.output.report`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ircli.cli.api import context
from ircli.cli.commands.costs import cost_document, traffic_of
from ircli.cli.options import finite

TRAFFIC = "Traffic (for the monthly cost)"


def report(
    ctx: typer.Context,
    jobs: Annotated[
        list[str], typer.Argument(help="One or more jobs; two are also compared (the first is the baseline).")
    ],
    html: Annotated[str, typer.Option("--html", help="The HTML file to write (its folder must exist).")],
    average_per_minute: Annotated[
        float | None,
        typer.Option(
            "--average-per-minute", callback=finite, help="Average invocations per minute.", rich_help_panel=TRAFFIC
        ),
    ] = None,
    peak_per_minute: Annotated[
        float | None,
        typer.Option(
            "--peak-per-minute",
            callback=finite,
            help="Busiest hour's invocations per minute.",
            rich_help_panel=TRAFFIC,
        ),
    ] = None,
    traffic_profile: Annotated[
        str | None,
        typer.Option(
            "--traffic-profile", help="Hourly invocations per minute: CSV, JSON or YAML.", rich_help_panel=TRAFFIC
        ),
    ] = None,
    max_latency_ms: Annotated[
        float | None,
        typer.Option(
            "--max-latency-ms", min=0, callback=finite, help="Your latency limit, for the monthly cost ranking."
        ),
    ] = None,
) -> None:
    """Write one or more jobs as a self-contained HTML report to share, with their comparison for two.

    The page holds each job's inputs, its ranked recommendations, a cost / latency / throughput scatter
    with the Pareto frontier, the top pick's scaling recommendation and, given traffic, the monthly cost."""
    from ircli import __version__
    from ircli.cli.output.report import job_section, render_html
    from ircli.lib.cost import Options
    from ircli.lib.files import check_writable, write_text

    cli = context(ctx)
    target = Path(html).expanduser()
    check_writable(target)  # a path that cannot be written is refused before any job is described
    given = (average_per_minute, peak_per_minute, traffic_profile)
    traffic = traffic_of(cli, *given) if any(value is not None for value in given) else None
    described = [cli.service.describe_job(name) for name in jobs]
    sections = []
    for job in described:
        ranked_table, ranked, scaling = _ranking(cli, job)
        costs = None
        if traffic is not None and job.get("InferenceRecommendations"):
            from ircli.cli.output.views.costs import cost_tables

            costs = cost_tables(cost_document(cli, job, traffic, Options(max_latency_ms=max_latency_ms)))
        sections.append(job_section(job, ranked_table, ranked, scaling, costs))
    comparison = _comparison(described) if len(described) == 2 else None
    page = render_html(
        sections, comparison, version=__version__, backend=cli.options.backend.value, region=cli.options.region
    )
    write_text(target, page)
    cli.note(f"Wrote the report to {target} ({len(page.encode('utf-8')):,} bytes; it works offline).")


def _ranking(cli: Any, job: dict[str, Any]) -> tuple[Any, list[dict[str, Any]], list[tuple[str, str]] | None]:
    from ircli.cli.output.cells import NA, fmt_plain
    from ircli.cli.output.views.jobs import recommendations_table
    from ircli.lib.numbers import number
    from ircli.lib.ranking import rank, ranking_document

    recommendations = job.get("InferenceRecommendations") or []
    if not recommendations:
        return None, [], None
    ranking = rank(recommendations)
    ranked = ranking_document(ranking)
    top = ranked[0]["Recommendation"] if ranked else None
    scaling = None
    if top is not None and "InstanceType" in top.get("EndpointConfiguration", {}):
        answer = cli.service.call(
            "GetScalingConfigurationRecommendation",
            {"InferenceRecommendationsJobName": job["JobName"], "RecommendationId": top["RecommendationId"]},
        )
        dynamic = answer.get("DynamicScalingConfiguration", {})
        policy = (dynamic.get("ScalingPolicies") or [{}])[0].get("TargetTracking", {})
        target = number(policy.get("TargetValue"))
        scaling = [
            ("Recommendation", str(top["RecommendationId"])),
            ("Instances", f"{fmt_plain(dynamic.get('MinCapacity'))} to {fmt_plain(dynamic.get('MaxCapacity'))}"),
            ("Target invocations per instance", NA if target is None else f"{target:,.1f} a minute"),
            (
                "Cooldowns",
                f"scale in {dynamic.get('ScaleInCooldown')} s, scale out {dynamic.get('ScaleOutCooldown')} s",
            ),
        ]
    return recommendations_table(recommendations, ranking), ranked, scaling


def _comparison(described: list[dict[str, Any]]) -> Any:
    from ircli.cli.output.views.analysis import comparison_tables
    from ircli.lib.compare import compare_jobs, comparison_document

    comparison = compare_jobs(described[0], described[1])
    if not comparison.matched:
        return None
    return comparison_tables(comparison_document(comparison, None))[0]
