"""Commands that read finished jobs and judge them: rank-recommendations and compare-jobs."""

from typing import Annotated

import typer

from ircli.cli.api import context
from ircli.cli.options import MaxCostPerHour, MaxLatencyMs, MinInvocations, RankBy, Top, finite, pick_name
from ircli.cli.output.views import View
from ircli.cli.output.views.analysis import comparison_tables
from ircli.cli.output.views.jobs import recommendations_table
from ircli.errors import InputError, RegressionFound
from ircli.lib.compare import compare_jobs as comparison_of
from ircli.lib.compare import comparison_document
from ircli.lib.ranking import METRIC, Limits, Weights, rank, ranking_document


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
) -> None:
    """Rank a job's recommendations by cost, latency and throughput and name the top pick.
    With --output json: a list of {Rank, Score, ParetoOptimal, TopPick, Recommendation}."""
    cli = context(ctx)
    job_name = pick_name(name, job_name)
    if not job_name:
        raise InputError("Give the job's name: ircli rank-recommendations JOB_NAME (or --job-name).")
    job = cli.service.describe_job(job_name)
    recommendations = job.get("InferenceRecommendations") or []
    if not recommendations:
        raise InputError(f"Job {job_name} is {job.get('Status')} and has no recommendations to rank yet.")
    ranking = rank(
        recommendations, Weights.parse(rank_by), Limits(max_latency_ms, max_cost_per_hour, min_invocations), top
    )
    if not ranking.ranked:
        reasons = "; ".join(f"{r.get('RecommendationId')}: {why}" for r, why in ranking.excluded)
        raise InputError(f"No recommendation meets the limits ({reasons}).")

    def charts(_: object, width: int) -> list[object]:
        from ircli.cli.output.charts import bar_charts

        return [bar_charts([item.recommendation for item in ranking.ranked], width)]

    view = View(tables=lambda _: [recommendations_table(recommendations, ranking)], charts=charts if chart else None)
    cli.emit(ranking_document(ranking), view)


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
    comparison = comparison_of(cli.service.describe_job(job_a), cli.service.describe_job(job_b))
    if not comparison.matched:
        raise InputError(f"Jobs {job_a} and {job_b} have no endpoint configuration in common to compare.")
    document = comparison_document(comparison, fail_on_regression)
    cli.emit(document, View(tables=comparison_tables))
    if fail_on_regression is not None:
        regressions = comparison.regressions(fail_on_regression)
        if regressions:
            listed = "; ".join(
                f"{item.key}: {METRIC[change.objective]} {change.change:+.1f}%"
                for item, change in regressions
                if change.change is not None
            )
            raise RegressionFound(f"{len(regressions)} regression(s) beyond {fail_on_regression:g}%: {listed}")
