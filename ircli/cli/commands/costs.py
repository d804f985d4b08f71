"""cost-estimate: a completed job's recommendations priced for a month at the user's traffic."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ircli.cli.api import context
from ircli.cli.options import ProvisionedConcurrency, RefreshPrices, TargetCpuUtilizationPerCore, finite, pick_name
from ircli.cli.output.views import View, lazy_tables
from ircli.errors import InputError

VIEWS = "ircli.cli.output.views.costs"
TRAFFIC = "Traffic"


def cost_estimate(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="The job's name (or use --job-name).", show_default=False)] = None,
    job_name: Annotated[str | None, typer.Option("--job-name", help="The job's name.")] = None,
    average_per_minute: Annotated[
        float | None,
        typer.Option(
            "--average-per-minute",
            callback=finite,
            help="Average invocations per minute (with --peak-per-minute).",
            rich_help_panel=TRAFFIC,
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
            "without it, spiky traffic is taken to be none at all between peaks, and the estimate says so.",
            rich_help_panel=TRAFFIC,
        ),
    ] = None,
    traffic_profile: Annotated[
        str | None,
        typer.Option(
            "--traffic-profile",
            help="Invocations per minute for each hour of a day (24 values) or a week (168): CSV, JSON or YAML. "
            "CSV: a row per hour, the number alone or after the hour, cells separated by ',' (decimal point: "
            "0,10.5) or ';' (decimal comma: 0;10,5); anything that could be read two ways is refused.",
            rich_help_panel=TRAFFIC,
        ),
    ] = None,
    max_latency_ms: Annotated[
        float | None,
        typer.Option(
            "--max-latency-ms",
            min=0,
            callback=finite,
            help="Your latency limit: hours where an option would break it are counted, and options that keep "
            "it rank first.",
        ),
    ] = None,
    provisioned_concurrency: ProvisionedConcurrency = None,
    target_cpu_utilization_per_core: TargetCpuUtilizationPerCore = None,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Monthly cost against traffic (terminal).")] = True,
    refresh_prices: RefreshPrices = False,
) -> None:
    """Monthly cost and latency of each of a job's recommendations at your traffic, ranked, with the
    break-even between serverless and real-time."""
    from ircli.lib.analyses import cost_estimate as estimate
    from ircli.lib.analyses import traffic_of
    from ircli.lib.cost import Options

    cli = context(ctx)
    job_name = pick_name(name, job_name)
    if not job_name:
        raise InputError("Give the job's name: ircli cost-estimate JOB_NAME (or --job-name).")
    traffic = traffic_of(
        average_per_minute, peak_per_minute, traffic_profile, stdin=cli.env.stdin_bytes, baseline=baseline_per_minute
    )
    options = Options(max_latency_ms, provisioned_concurrency, target_cpu_utilization_per_core)
    from ircli.cli.prices import price_lookup

    result = estimate(cli.service, job_name, traffic, options, price_lookup(cli, refresh=refresh_prices))
    for note in result.price_notes:
        cli.note(note)

    cli.emit(result, View(tables=lazy_tables(VIEWS, "cost_tables"), charts=_chart if chart else None))


def _chart(result: Any, width: int) -> list[Any]:
    from ircli.cli.output.views.costs import cost_chart

    return [cost_chart(result, width)]
