"""`ircli ai-benchmark ...`: generative-AI benchmark jobs (a workload run against an endpoint by AIPerf):
create, describe, list, stop, delete, wait, and results (the AIPerf document from the job's S3 output)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ircli.cli.api import ApiCall, api_command, context
from ircli.cli.options import MaxItems, PageSize, StartingToken, WaitInterval, WaitTimeout, pick_name

JobArgument = Annotated[str | None, typer.Argument(help="The benchmark job's name.", show_default=False)]
JobOption = Annotated[str | None, typer.Option("--name", help="AIBenchmarkJobName.")]


@api_command("CreateAIBenchmarkJob")
def create(
    call: ApiCall,
    name: JobOption = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="The endpoint to benchmark (name or ARN).")] = None,
    inference_component: Annotated[
        list[str] | None, typer.Option("--inference-component", help="A component of the endpoint; repeatable.")
    ] = None,
    workload: Annotated[
        str | None, typer.Option("--workload", help="The AI workload configuration (name or ARN).")
    ] = None,
    output_s3_uri: Annotated[str | None, typer.Option("--output-s3-uri", help="Where AIPerf's results go.")] = None,
    role_arn: Annotated[str | None, typer.Option("--role-arn", help="The execution role.")] = None,
) -> None:
    """Benchmark an endpoint with a workload configuration."""
    target: dict[str, Any] | None = None
    if endpoint:
        target = {"Endpoint": {"Identifier": endpoint}}
        if inference_component:
            target["Endpoint"]["InferenceComponents"] = [{"Identifier": c} for c in inference_component]
    flags = {
        "AIBenchmarkJobName": name,
        "BenchmarkTarget": target,
        "AIWorkloadConfigIdentifier": workload,
        "OutputConfig": {"S3OutputLocation": output_s3_uri} if output_s3_uri else None,
        "RoleArn": role_arn,
    }
    call.cli.emit(call.send(call.request(flags)))


@api_command("DescribeAIBenchmarkJob")
def describe(call: ApiCall, name: JobArgument = None, job_name: JobOption = None) -> None:
    """Show a benchmark job: its target, workload, status and where its results are."""
    from ircli.cli.output.views.ai import BENCHMARK_JOB

    call.run({"AIBenchmarkJobName": pick_name(name, job_name, what="--name")}, BENCHMARK_JOB)


@api_command("ListAIBenchmarkJobs")
def list_(
    call: ApiCall,
    name_contains: Annotated[str | None, typer.Option("--name-contains", help="Only names with this text.")] = None,
    status_equals: Annotated[str | None, typer.Option("--status-equals", help="Only jobs with this status.")] = None,
    sort_by: Annotated[str | None, typer.Option("--sort-by", help="Name, CreationTime or Status.")] = None,
    sort_order: Annotated[str | None, typer.Option("--sort-order", help="Ascending or Descending.")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List benchmark jobs, all pages unless --max-items is given."""
    from ircli.cli.output.views.ai import BENCHMARK_JOBS

    flags = {"NameContains": name_contains, "StatusEquals": status_equals, "SortBy": sort_by, "SortOrder": sort_order}
    result = call.paginate(call.request(flags), max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, BENCHMARK_JOBS)


@api_command("StopAIBenchmarkJob")
def stop(call: ApiCall, name: JobArgument = None, job_name: JobOption = None) -> None:
    """Stop a benchmark job: Stopping, then Stopped (a stopped job writes no results)."""
    call.run({"AIBenchmarkJobName": pick_name(name, job_name, what="--name")})


@api_command("DeleteAIBenchmarkJob")
def delete(call: ApiCall, name: JobArgument = None, job_name: JobOption = None) -> None:
    """Delete a benchmark job that has ended."""
    call.run({"AIBenchmarkJobName": pick_name(name, job_name, what="--name")})


def wait(
    ctx: typer.Context, name: JobArgument = None, timeout: WaitTimeout = 3600.0, interval: WaitInterval = None
) -> None:
    """Wait for a benchmark job to end: exit 0 when Completed, 255 when Failed or Stopped, 124 on timeout."""
    from ircli.cli.waiting import wait_for_ai_job

    wait_for_ai_job(context(ctx), "benchmark", name, timeout=timeout, interval=interval)


def results(ctx: typer.Context, name: JobArgument = None) -> None:
    """Show a completed benchmark job's AIPerf results: each metric's avg, min, max and percentiles."""
    from ircli.cli.output.views.ai import RESULTS
    from ircli.lib import genai

    cli = context(ctx)
    cli.emit(genai.read_results(cli.service, name).to_document(), RESULTS)
