"""`ircli metrics JOB`: each benchmark's CloudWatch series over the job's window, on either backend (on aws
from the real CloudWatch, with the same credentials, region and endpoint settings as every other call); of a
load test ircli kept, the per-minute series it measured (`ircli.lib.loadtest.series`)."""

from typing import Annotated

import typer

from ircli.cli.api import context
from ircli.cli.options import pick_name
from ircli.cli.output.views import View, lazy_tables
from ircli.errors import InputError
from ircli.lib.metrics import DEFAULT_METRICS

VIEW = "ircli.cli.output.views.metrics"


def metrics(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="The job's name (or use --job-name).", show_default=False)] = None,
    job_name: Annotated[str | None, typer.Option("--job-name", help="The job's name.")] = None,
    recommendation: Annotated[
        str | None,
        typer.Option(
            "--recommendation",
            metavar="RECOMMENDATION_ID",
            help="Only this recommendation's benchmark (its RecommendationId).",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            metavar="ENDPOINT_NAME",
            help="Only the benchmark on this endpoint: an existing endpoint the job measured (InputConfig.Endpoints),"
            " read over its load test's minutes, or a recommendation's benchmark endpoint.",
            show_default=False,
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            metavar="METRIC_NAME",
            help=f"A metric to read (repeat for more; default: {', '.join(DEFAULT_METRICS)}).",
            show_default=False,
        ),
    ] = None,
    period: Annotated[
        int,
        typer.Option("--period", metavar="SECONDS", help="Seconds per datapoint: 1, 5, 10, 30 or a multiple of 60."),
    ] = 60,
    stat: Annotated[
        str | None,
        typer.Option(
            "--stat",
            metavar="STATISTIC",
            help="One statistic for every metric (Sum, Average, Maximum, p99, ...).",
            show_default=False,
        ),
    ] = None,
    datapoints: Annotated[
        bool, typer.Option("--datapoints", help="Tables of every datapoint (a row per period) instead of trends.")
    ] = False,
) -> None:
    """Show each benchmark's CloudWatch metrics over the job's window: invocations, latency percentiles,
    CPU and memory, users.

    An existing endpoint the job measured (InputConfig.Endpoints) shows each of its variants over the
    minutes the job's load ran on it.

    Of a load test ircli kept: its per-minute users, invocations, requests a second, latency percentiles
    and errors."""
    from ircli.lib.loadtest.series import metrics_of

    cli = context(ctx)
    job = pick_name(name, job_name)
    if not job:
        raise InputError("Give the job's name: ircli metrics JOB_NAME (or --job-name).")
    chosen = tuple(metric or ())
    result = metrics_of(
        cli.service,
        job,
        metrics=chosen,
        statistic=stat,
        period=period,
        recommendation=recommendation,
        endpoint=endpoint,
    )
    cli.emit(
        result.to_document(), View(tables=lazy_tables(VIEW, "datapoint_tables" if datapoints else "metric_tables"))
    )
