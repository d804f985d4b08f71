"""report: one or more jobs as a self-contained HTML page to share (see `ircli.cli.output.report`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ircli.cli.api import context
from ircli.cli.options import ProvisionedConcurrency, RankBy, RefreshPrices, TargetCpuUtilizationPerCore, finite
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
    baseline_per_minute: Annotated[
        float | None,
        typer.Option(
            "--baseline-per-minute",
            callback=finite,
            help="Invocations per minute between the peaks (with --average-per-minute and --peak-per-minute); "
            "without it, spiky traffic is taken to be none at all between peaks, and the report says so.",
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
    provisioned_concurrency: ProvisionedConcurrency = None,
    target_cpu_utilization_per_core: TargetCpuUtilizationPerCore = None,
    refresh_prices: RefreshPrices = False,
    load_curves: Annotated[
        bool,
        typer.Option(
            "--load-curves/--no-load-curves",
            help="Each benchmark's users, invocations per minute and latency over time, from CloudWatch "
            "(as `ircli metrics` reads them).",
        ),
    ] = True,
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
    with the Pareto frontier, each benchmark's load curve beside its figures, the top pick's scaling
    recommendation and, given traffic, the monthly cost.
    Prices are the job's region's, as cost-estimate's: each says where it came from and when."""
    from ircli import __version__
    from ircli.cli.output.report import render_html, report_sections
    from ircli.cli.prices import price_lookup
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
    traffic = None
    if any(value is not None for value in (*given, baseline_per_minute)):
        traffic = traffic_of(*given, stdin=cli.env.stdin_bytes, baseline=baseline_per_minute)
    options = Options(max_latency_ms, provisioned_concurrency, target_cpu_utilization_per_core)
    prices = price_lookup(cli, refresh=refresh_prices)
    contents = report_contents(
        cli.service,
        jobs or [],
        traffic,
        options,
        rank_by=rank_by,
        threshold=fail_on_regression,
        prices=prices,
        baseline=baseline_per_minute,
        curves=load_curves,
        ai_recommendations=ai_recommendation or [],
        ai_benchmarks=ai_benchmark or [],
    )
    for note in dict.fromkeys(note for part in contents.jobs if part.prices for note in part.prices.notes):
        cli.note(note)
    page = render_html(
        report_sections(contents), version=__version__, backend=cli.options.backend.value, region=cli.options.region
    )
    write_text(target, page)
    cli.note(f"Wrote the report to {target} ({len(page.encode('utf-8')):,} bytes; it works offline).")
