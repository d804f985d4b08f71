"""Commands that read finished jobs and judge them: rank-recommendations and compare-jobs."""

from typing import Annotated

import typer

from ircli.cli.api import context
from ircli.cli.options import (
    MaxCostPerHour,
    MaxLatencyMs,
    MinInvocations,
    RankBy,
    RefreshPrices,
    Top,
    finite,
    pick_name,
)
from ircli.cli.output.views import View
from ircli.cli.output.views.analysis import comparison_tables
from ircli.cli.output.views.jobs import recommendations_table
from ircli.errors import InputError
from ircli.lib.analyses import compared_jobs, job_ranking
from ircli.lib.ranking import Limits


def rank_recommendations(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="The job's name (or use --job-name).", show_default=False)] = None,
    job_name: Annotated[str | None, typer.Option("--job-name", help="The job's name.")] = None,
    rank_by: RankBy = None,
    max_latency_ms: MaxLatencyMs = None,
    max_cost_per_hour: MaxCostPerHour = None,
    min_invocations: MinInvocations = None,
    top: Top = None,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Bar charts under the table (terminal).")] = True,
    refresh_prices: RefreshPrices = False,
) -> None:
    """Rank a job's recommendations by cost, latency and throughput and name the top pick.
    With --output json: a list of {Rank, Score, ParetoOptimal, TopPick, CostPerHour, PriceSource, Recommendation}.

    Costs are the job's region's prices, as cost-estimate's: each says where it came from and when."""
    from ircli.cli.prices import price_lookup

    cli = context(ctx)
    job_name = pick_name(name, job_name)
    if not job_name:
        raise InputError("Give the job's name: ircli rank-recommendations JOB_NAME (or --job-name).")
    limits = Limits(max_latency_ms, max_cost_per_hour, min_invocations)
    result = job_ranking(cli.service, job_name, rank_by, limits, top, price_lookup(cli, refresh=refresh_prices))
    for note in result.ranking.prices.notes if result.ranking.prices is not None else ():
        cli.note(note)

    def charts(_: object, width: int) -> list[object]:
        from ircli.cli.output.charts import bar_charts

        return [bar_charts([item.priced() for item in result.ranking.ranked], width)]

    view = View(
        tables=lambda _: [recommendations_table(list(result.recommendations), result.ranking, result.measured)],
        charts=charts if chart else None,
    )
    cli.emit(result.to_document(), view)


def compare_jobs(
    ctx: typer.Context,
    job_a: Annotated[str, typer.Argument(help="The baseline job.")],
    job_b: Annotated[str, typer.Argument(help="The job to compare with it.")],
    fail_on_regression: Annotated[
        float | None,
        typer.Option(
            "--fail-on-regression",
            min=0,
            callback=finite,
            help="Exit 3 when cost or latency rose, or throughput fell, by more than "
            "this many percent for any configuration both jobs benchmarked.",
        ),
    ] = None,
) -> None:
    """Compare two jobs' recommendations for the same endpoint configurations, with signed % changes."""
    cli = context(ctx)
    result = compared_jobs(cli.service, job_a, job_b, fail_on_regression)
    cli.emit(result.to_document(), View(tables=comparison_tables))
    regression = result.regression()
    if regression is not None:
        raise regression
