"""Recommendation-job commands: describe-job, list-jobs, list-steps, stop-job, wait,
scaling-recommendation. Each turns its options into a request, sends it and hands the answer to the writer
with its view."""

import json
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ircli.cli.api import ApiCall, api_command, context
from ircli.cli.options import (
    Interactive,
    MaxCostPerHour,
    MaxItems,
    MaxLatencyMs,
    MinInvocations,
    PageSize,
    RankBy,
    RefreshPrices,
    Resume,
    StartingToken,
    Top,
    check_resume,
    interval_option,
    pick_name,
    ranking_requested,
    timeout_option,
)
from ircli.cli.output.formats import OutputFormat
from ircli.cli.output.views import View, lazy_tables
from ircli.cli.waiting import wait_for_job
from ircli.errors import InputError, IrcliError
from ircli.lib.requests import timestamp

if TYPE_CHECKING:
    from ircli.cli.context import CliContext
    from ircli.lib.prices import PriceQuote

VIEWS = "ircli.cli.output.views.jobs"
DESCRIBE = "DescribeInferenceRecommendationsJob"
LIST_JOBS = "ListInferenceRecommendationsJobs"
LIST_STEPS = "ListInferenceRecommendationsJobSteps"
STOP = "StopInferenceRecommendationsJob"
SCALING = "GetScalingConfigurationRecommendation"

JobNameArgument = Annotated[str | None, typer.Argument(help="The job's name (or use --job-name).", show_default=False)]
JobNameOption = Annotated[str | None, typer.Option("--job-name", help="The job's name.")]


def _charts(recommendations: list[dict[str, Any]], ranking: Any) -> Any:
    def charts(_: Any, width: int) -> list[Any]:
        from ircli.cli.output.charts import bar_charts

        if not recommendations:
            return []
        shown = [item.recommendation for item in ranking.ranked] if ranking else recommendations
        return [bar_charts(shown, width)]

    return charts


@api_command(DESCRIBE)
def describe_job(
    call: ApiCall,
    name: JobNameArgument = None,
    job_name: JobNameOption = None,
    rank_by: RankBy = None,
    max_latency_ms: MaxLatencyMs = None,
    max_cost_per_hour: MaxCostPerHour = None,
    min_invocations: MinInvocations = None,
    top: Top = None,
    chart: Annotated[
        bool, typer.Option("--chart", help="Bar charts of cost, latency and throughput (terminal).")
    ] = False,
    refresh_prices: RefreshPrices = False,
) -> None:
    """Show a job: status, timing, failure reason, recommendations and endpoint performances
    (the raw API response with --output json; the ranking options order the table).

    Ranked, costs are the job's region's prices, as rank-recommendations' and cost-estimate's: the table
    says where they came from and when."""
    weights = None
    if ranking_requested(rank_by, max_latency_ms, max_cost_per_hour, min_invocations, top):
        from ircli.lib.ranking import Weights

        weights = Weights.parse(rank_by)  # a bad --rank-by is said before anything is sent
    job = call.send(call.request({"JobName": pick_name(name, job_name)}))
    recommendations = job.get("InferenceRecommendations") or []
    ranking = None
    if weights is not None:
        from ircli.lib.ranking import Limits, rank

        limits = Limits(max_latency_ms, max_cost_per_hour, min_invocations)
        ranking = rank(recommendations, weights, limits, top, prices=_quote(call.cli, job, refresh=refresh_prices))
    view = View(
        tables=lazy_tables(VIEWS, "describe_job_tables", ranking, lambda: _failed_benchmarks(call, job)),
        charts=_charts(recommendations, ranking) if chart else None,
    )
    call.cli.emit(job, view)


def _quote(cli: "CliContext", job: dict[str, Any], *, refresh: bool) -> "PriceQuote | None":
    """The job's region's price quote, as rank-recommendations ranks at (notes of a fallback said on stderr)."""
    from ircli.cli.prices import price_lookup
    from ircli.lib.prices import job_region

    lookup = price_lookup(cli, refresh=refresh)
    if lookup is None:
        return None
    quote = lookup(job_region(job, None))
    for note in quote.notes:
        cli.note(note)
    return quote


def _failed_benchmarks(call: ApiCall, job: dict[str, Any]) -> list[dict[str, Any]]:
    """A finished job's FAILED benchmarks (ListInferenceRecommendationsJobSteps), for the table view only: the
    describe answer says how many recommendations came back, not which benchmarks gave none, nor why."""
    from ircli.lib.service import TERMINAL_STATUSES

    if job.get("Status") not in TERMINAL_STATUSES or not job.get("JobName"):
        return []
    try:
        steps = call.cli.service.paginate(LIST_STEPS, {"JobName": job["JobName"], "Status": "FAILED"})
    except IrcliError:
        return []  # a courtesy: the job's own answer stands without it (e.g. no permission to list steps)
    return [step for step in steps.get("Steps", []) if isinstance(step, dict)]


@api_command(LIST_JOBS)
def list_jobs(
    call: ApiCall,
    status_equals: Annotated[
        str | None,
        typer.Option(
            "--status-equals", "--status", help="PENDING, IN_PROGRESS, COMPLETED, FAILED, STOPPING or STOPPED."
        ),
    ] = None,
    name_contains: Annotated[
        str | None, typer.Option("--name-contains", help="Only jobs whose name contains this text.")
    ] = None,
    creation_time_after: Annotated[
        str | None, typer.Option("--creation-time-after", help="ISO-8601 or epoch seconds.")
    ] = None,
    creation_time_before: Annotated[
        str | None, typer.Option("--creation-time-before", help="ISO-8601 or epoch seconds.")
    ] = None,
    last_modified_time_after: Annotated[
        str | None, typer.Option("--last-modified-time-after", help="ISO-8601 or epoch seconds.")
    ] = None,
    last_modified_time_before: Annotated[
        str | None, typer.Option("--last-modified-time-before", help="ISO-8601 or epoch seconds.")
    ] = None,
    model_name_equals: Annotated[
        str | None, typer.Option("--model-name-equals", help="Only jobs of this model.")
    ] = None,
    model_package_version_arn_equals: Annotated[
        str | None, typer.Option("--model-package-version-arn-equals", help="Only jobs of this model package version.")
    ] = None,
    sort_by: Annotated[str | None, typer.Option("--sort-by", help="Name, CreationTime or Status.")] = None,
    sort_order: Annotated[str | None, typer.Option("--sort-order", help="Ascending or Descending.")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List recommendation jobs, all pages unless --max-items is given."""
    flags = {
        "StatusEquals": status_equals,
        "NameContains": name_contains,
        "CreationTimeAfter": timestamp(creation_time_after),
        "CreationTimeBefore": timestamp(creation_time_before),
        "LastModifiedTimeAfter": timestamp(last_modified_time_after),
        "LastModifiedTimeBefore": timestamp(last_modified_time_before),
        "ModelNameEquals": model_name_equals,
        "ModelPackageVersionArnEquals": model_package_version_arn_equals,
        "SortBy": sort_by,
        "SortOrder": sort_order,
    }
    request = call.request(flags)
    from ircli.lib.loadtest.listing import matching, merged_offset, with_load_tests

    measured, offset = call.cli.service.measured, merged_offset(starting_token)
    found = matching(measured.jobs(), request) if measured is not None and (offset or not starting_token) else []
    if found or offset is not None:  # the load tests ircli kept, sorted and paged with the service's jobs
        result = with_load_tests(
            lambda most: call.paginate(request, max_items=most, page_size=page_size),
            found,
            request,
            max_items=max_items,
            offset=offset or 0,
        )
    else:
        result = call.paginate(request, max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, View(tables=lazy_tables(VIEWS, "list_jobs_tables")))


@api_command(LIST_STEPS)
def list_steps(
    call: ApiCall,
    name: JobNameArgument = None,
    job_name: JobNameOption = None,
    status: Annotated[str | None, typer.Option("--status", help="Only steps with this status.")] = None,
    step_type: Annotated[str | None, typer.Option("--step-type", help="BENCHMARK.")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List a job's steps (one benchmark per endpoint configuration and parameter combination)."""
    flags = {"JobName": pick_name(name, job_name), "Status": status, "StepType": step_type}
    result = call.paginate(call.request(flags), max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, View(tables=lazy_tables(VIEWS, "list_steps_tables")))


@api_command(STOP)
def stop_job(call: ApiCall, name: JobNameArgument = None, job_name: JobNameOption = None) -> None:
    """Stop a job. It goes STOPPING, then STOPPED; finished benchmarks keep their recommendations."""
    request = call.request({"JobName": pick_name(name, job_name)})
    response = call.send(request)
    call.cli.note(f"Stopping job {request['JobName']}.")
    call.cli.emit(response)


def wait(
    ctx: typer.Context,
    name: JobNameArgument = None,
    job_name: JobNameOption = None,
    timeout: Annotated[
        float, timeout_option("Seconds to wait at most (exit 124 when they run out).", panel=None)
    ] = 10800.0,
    interval: Annotated[float | None, interval_option(panel=None)] = None,
) -> None:
    """Wait for a job to end: exit 0 when COMPLETED, 255 when FAILED or STOPPED, 124 on timeout."""
    if timeout < 0 or (interval is not None and interval <= 0):
        raise InputError("--timeout must be 0 or more and --interval more than 0 seconds.")
    wait_for_job(context(ctx), pick_name(name, job_name), timeout=timeout, interval=interval)


class EmitFormat(str, Enum):
    APPLICATION_AUTOSCALING = "application-autoscaling"


@api_command(SCALING)
def scaling_recommendation(
    call: ApiCall,
    job_name: Annotated[
        str | None, typer.Option("--job-name", "--inference-recommendations-job-name", help="A COMPLETED job.")
    ] = None,
    recommendation_id: Annotated[
        str | None, typer.Option("--recommendation-id", help="One of the job's recommendations.")
    ] = None,
    endpoint_name: Annotated[
        str | None, typer.Option("--endpoint-name", help="An endpoint the job benchmarked.")
    ] = None,
    target_cpu_utilization_per_core: Annotated[
        int | None, typer.Option("--target-cpu-utilization-per-core", help="Percent, 1-100 (service default 50).")
    ] = None,
    min_invocations_per_minute: Annotated[
        int | None, typer.Option("--min-invocations-per-minute", help="The least traffic you expect, per minute.")
    ] = None,
    max_invocations_per_minute: Annotated[
        int | None, typer.Option("--max-invocations-per-minute", help="The most traffic you expect, per minute.")
    ] = None,
    emit: Annotated[
        EmitFormat | None,
        typer.Option(
            "--emit", help="application-autoscaling: print RegisterScalableTarget and PutScalingPolicy inputs."
        ),
    ] = None,
    target_endpoint_name: Annotated[
        str | None,
        typer.Option(
            "--target-endpoint-name", help="With --emit: the deployed endpoint to scale (default: --endpoint-name)."
        ),
    ] = None,
    variant_name: Annotated[
        str, typer.Option("--variant-name", help="With --emit: the variant to scale.")
    ] = "AllTraffic",
    interactive: Interactive = False,
    resume: Resume = None,
) -> None:
    """Recommend an auto-scaling policy from a completed job's recommendation or benchmarked endpoint."""
    cli = call.cli
    check_resume(resume, interactive)
    flags = {
        "InferenceRecommendationsJobName": job_name,
        "RecommendationId": recommendation_id,
        "EndpointName": endpoint_name,
        "TargetCpuUtilizationPerCore": target_cpu_utilization_per_core,
        "ScalingPolicyObjective": {
            "MinInvocationsPerMinute": min_invocations_per_minute,
            "MaxInvocationsPerMinute": max_invocations_per_minute,
        },
    }
    if interactive:
        from ircli.cli.prompts import terminal_prompter
        from ircli.cli.wizards import scaling_wizard
        from ircli.cli.wizards.drafts import Draft, kept_if_interrupted, kept_if_refused, load_draft

        earlier, draft = load_draft(resume), Draft()

        def draft_name() -> str:
            return f"scaling-{draft.request.get('InferenceRecommendationsJobName', 'recommendation')}"

        with kept_if_interrupted(cli, "scaling-recommendation", draft, draft_name):
            from ircli.cli.prices import price_lookup

            request = scaling_wizard(
                terminal_prompter(cli),
                cli.service.list_all_jobs(),
                cli.service.describe_job,
                draft=draft,
                resume=earlier,
                prices=price_lookup(cli, refresh=False),
            )
        with kept_if_refused(cli, "scaling-recommendation", draft, draft_name):
            response = call.send(request)
    else:
        request = call.request(flags)
        response = call.send(request)
    if emit is None:
        cli.emit(response, View(tables=lazy_tables(VIEWS, "scaling_tables")))
        return
    assert emit is EmitFormat.APPLICATION_AUTOSCALING  # the only member
    target = target_endpoint_name or request.get("EndpointName")
    if not target:
        raise InputError("--emit application-autoscaling needs --target-endpoint-name: the deployed endpoint to scale.")
    from ircli.lib.requests import application_autoscaling_inputs

    cli.emit(application_autoscaling_inputs(response, endpoint_name=target, variant_name=variant_name), APPLY_VIEW)


def _apply_hint(inputs: dict[str, Any], requested: OutputFormat) -> str | None:
    if requested not in (OutputFormat.JSON, OutputFormat.TABLE):
        return None
    target = json.dumps(inputs["RegisterScalableTarget"])
    lines = [
        "Apply with the AWS CLI, for example:",
        f"  aws application-autoscaling register-scalable-target --cli-input-json '{target}'",
    ]
    for policy in inputs["PutScalingPolicy"]:
        lines.append(f"  aws application-autoscaling put-scaling-policy --cli-input-json '{json.dumps(policy)}'")
    return "\n".join(lines)


# The inputs are for the AWS CLI's --cli-input-json: shown as JSON on a terminal too.
APPLY_VIEW = View(render_as={OutputFormat.TABLE: OutputFormat.JSON}, note=_apply_hint)
