"""report: one or more jobs as a self-contained HTML page to share (see `ircli.cli.output.report`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ircli.cli.api import context
from ircli.cli.options import RankBy, finite
from ircli.errors import InputError

TRAFFIC = "Traffic (for the monthly cost)"


def report(
    ctx: typer.Context,
    jobs: Annotated[
        list[str] | None,
        typer.Argument(help="One or more jobs; two are also compared (the first is the baseline).", show_default=False),
    ] = None,
    html: Annotated[str, typer.Option("--html", help="The HTML file to write (its folder must exist).")] = "",
    ai_recommendation: Annotated[
        list[str] | None,
        typer.Option("--ai-recommendation", metavar="JOB", help="Also a generative-AI recommendation job; repeatable."),
    ] = None,
    ai_benchmark: Annotated[
        list[str] | None,
        typer.Option("--ai-benchmark", metavar="JOB", help="Also a generative-AI benchmark job; repeatable."),
    ] = None,
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
    rank_by: RankBy = None,
    fail_on_regression: Annotated[
        float,
        typer.Option(
            "--fail-on-regression",
            min=0,
            callback=finite,
            help="For two jobs: the percent by which cost or latency may rise, or throughput fall, before a "
            "configuration is listed as a regression (as compare-jobs --fail-on-regression; the report never fails).",
        ),
    ] = 10,
) -> None:
    """Write one or more jobs as a self-contained HTML report to share, with their comparison for two.

    The page opens with a summary (each job's top pick and why, the cheapest at your traffic, and for two
    jobs the verdict), then holds each job's inputs, its ranked recommendations, a cost / latency / throughput scatter
    with the Pareto frontier, the top pick's scaling recommendation and, given traffic, the monthly cost."""
    from ircli import __version__
    from ircli.cli.output.report import render_html, report_sections
    from ircli.lib.analyses import traffic_of
    from ircli.lib.cost import Options
    from ircli.lib.files import check_writable, write_text
    from ircli.lib.report import report_contents

    cli = context(ctx)
    if not html:
        raise InputError("Give the file to write: --html report.html.")
    if not (jobs or ai_recommendation or ai_benchmark):
        raise InputError("Give a job to report on: JOB..., --ai-recommendation JOB or --ai-benchmark JOB.")
    target = Path(html).expanduser()
    check_writable(target)  # a path that cannot be written is refused before any job is described
    given = (average_per_minute, peak_per_minute, traffic_profile)
    traffic = traffic_of(*given, stdin=cli.env.stdin_bytes) if any(value is not None for value in given) else None
    options = Options(max_latency_ms=max_latency_ms)
    contents = report_contents(cli.service, jobs or [], traffic, options, rank_by=rank_by, threshold=fail_on_regression)
    sections = report_sections(contents)
    if ai_recommendation or ai_benchmark:
        from ircli.cli.output.report.genai import genai_html, summary_items
        from ircli.lib.genai_report import genai_contents

        genai = genai_contents(cli.service, ai_recommendation or [], ai_benchmark or [])
        sections.update(genai=genai_html(genai), genai_names=genai.names)
        sections["summary"] += summary_items(genai)
    page = render_html(sections, version=__version__, backend=cli.options.backend.value, region=cli.options.region)
    write_text(target, page)
    cli.note(f"Wrote the report to {target} ({len(page.encode('utf-8')):,} bytes; it works offline).")
