"""Recommendation-job commands: create-job, describe-job, list-jobs, list-steps, stop-job, wait,
scaling-recommendation. Each parses options, builds the request, calls the service and renders."""

import json
import secrets
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any

import typer

from ircli.cli import progress
from ircli.cli.commands.common import (
    CliInputJson,
    CliInputYaml,
    Interactive,
    MaxCostPerHour,
    MaxItems,
    MaxLatencyMs,
    MinInvocations,
    PageSize,
    RankBy,
    Skeleton,
    StartingToken,
    Top,
    all_jobs,
    context,
    pick_name,
    prompter_for,
    ranking_requested,
)
from ircli.cli.tables import describe_job_tables, list_jobs_tables, list_steps_tables, scaling_tables
from ircli.errors import InputError
from ircli.lib.formats import OutputFormat, to_json, to_yaml
from ircli.lib.ranking import Limits, Weights, rank
from ircli.lib.service import application_autoscaling_inputs
from ircli.lib.shorthand import parse_pair, parse_scalar, parse_shorthand, with_tags

CREATE = "CreateInferenceRecommendationsJob"
DESCRIBE = "DescribeInferenceRecommendationsJob"
LIST_JOBS = "ListInferenceRecommendationsJobs"
LIST_STEPS = "ListInferenceRecommendationsJobSteps"
STOP = "StopInferenceRecommendationsJob"
SCALING = "GetScalingConfigurationRecommendation"

MODEL = "Model"
ENDPOINTS = "Endpoint configurations"
LOAD_TEST = "Load test (Advanced jobs)"
JOB = "Job"
WAITING = "Waiting"


def generated_job_name() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"ircli-{stamp}-{secrets.token_hex(2)}"


def _environment_ranges(values: list[str]) -> dict[str, Any] | None:
    if not values:
        return None
    ranges = []
    for value in values:
        name, choices = parse_pair("--environment-parameter-range", value)
        ranges.append({"Name": name, "Value": [c for c in choices.split(",") if c]})
    return {"CategoricalParameterRanges": ranges}


def _latency_threshold(value: str | None) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    percentile, threshold = parse_pair("--model-latency-threshold", value)
    return [{"Percentile": percentile, "ValueInMilliseconds": parse_scalar(threshold)}]


def create_job(
    ctx: typer.Context,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
    job_name: Annotated[
        str | None,
        typer.Option("--job-name", help="Job name; generated and printed when omitted.", rich_help_panel=JOB),
    ] = None,
    job_type: Annotated[
        str | None,
        typer.Option(
            "--job-type", help="Default (instance recommendation) or Advanced (load test).", rich_help_panel=JOB
        ),
    ] = None,
    role_arn: Annotated[
        str | None, typer.Option("--role-arn", help="IAM role SageMaker uses for the job.", rich_help_panel=JOB)
    ] = None,
    job_description: Annotated[str | None, typer.Option("--job-description", rich_help_panel=JOB)] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="KEY=VALUE; repeatable.", rich_help_panel=JOB)] = None,
    model_package_version_arn: Annotated[
        str | None, typer.Option("--model-package-version-arn", rich_help_panel=MODEL)
    ] = None,
    model_name: Annotated[str | None, typer.Option("--model-name", rich_help_panel=MODEL)] = None,
    domain: Annotated[
        str | None,
        typer.Option(
            "--domain", help="ContainerConfig.Domain, e.g. NATURAL_LANGUAGE_PROCESSING.", rich_help_panel=MODEL
        ),
    ] = None,
    task: Annotated[
        str | None, typer.Option("--task", help="ContainerConfig.Task, e.g. FILL_MASK.", rich_help_panel=MODEL)
    ] = None,
    framework: Annotated[
        str | None, typer.Option("--framework", help="ContainerConfig.Framework, e.g. PYTORCH.", rich_help_panel=MODEL)
    ] = None,
    framework_version: Annotated[str | None, typer.Option("--framework-version", rich_help_panel=MODEL)] = None,
    nearest_model_name: Annotated[str | None, typer.Option("--nearest-model-name", rich_help_panel=MODEL)] = None,
    sample_payload_url: Annotated[str | None, typer.Option("--sample-payload-url", rich_help_panel=MODEL)] = None,
    supported_content_type: Annotated[
        list[str] | None, typer.Option("--supported-content-type", help="Repeatable.", rich_help_panel=MODEL)
    ] = None,
    supported_instance_type: Annotated[
        list[str] | None,
        typer.Option(
            "--supported-instance-type", help="Candidates for a Default job; repeatable.", rich_help_panel=MODEL
        ),
    ] = None,
    instance_type: Annotated[
        list[str] | None,
        typer.Option("--instance-type", help="Benchmark this instance type; repeatable.", rich_help_panel=ENDPOINTS),
    ] = None,
    serverless_config: Annotated[
        list[str] | None,
        typer.Option(
            "--serverless-config", help="MemorySizeInMB=2048,MaxConcurrency=5; repeatable.", rich_help_panel=ENDPOINTS
        ),
    ] = None,
    environment_parameter_range: Annotated[
        list[str] | None,
        typer.Option(
            "--environment-parameter-range",
            help="NAME=v1,v2,... for every configuration given by flags; repeatable.",
            rich_help_panel=ENDPOINTS,
        ),
    ] = None,
    endpoint_name: Annotated[
        str | None,
        typer.Option(
            "--endpoint-name",
            help="Also benchmark this existing endpoint (InputConfig.Endpoints).",
            rich_help_panel=ENDPOINTS,
        ),
    ] = None,
    traffic_type: Annotated[
        str | None, typer.Option("--traffic-type", help="PHASES or STAIRS.", rich_help_panel=LOAD_TEST)
    ] = None,
    phase: Annotated[
        list[str] | None,
        typer.Option(
            "--phase",
            help="InitialNumberOfUsers=1,SpawnRate=1,DurationInSeconds=120; repeatable.",
            rich_help_panel=LOAD_TEST,
        ),
    ] = None,
    stairs: Annotated[
        str | None,
        typer.Option(
            "--stairs", help="DurationInSeconds=600,NumberOfSteps=5,UsersPerStep=1.", rich_help_panel=LOAD_TEST
        ),
    ] = None,
    job_duration_in_seconds: Annotated[
        int | None, typer.Option("--job-duration-in-seconds", rich_help_panel=LOAD_TEST)
    ] = None,
    max_number_of_tests: Annotated[int | None, typer.Option("--max-number-of-tests", rich_help_panel=LOAD_TEST)] = None,
    max_parallel_of_tests: Annotated[
        int | None, typer.Option("--max-parallel-of-tests", rich_help_panel=LOAD_TEST)
    ] = None,
    max_invocations: Annotated[
        int | None,
        typer.Option(
            "--max-invocations", help="StoppingConditions.MaxInvocations (per minute).", rich_help_panel=LOAD_TEST
        ),
    ] = None,
    model_latency_threshold: Annotated[
        str | None,
        typer.Option("--model-latency-threshold", help="PERCENTILE=MS, e.g. P95=100.", rich_help_panel=LOAD_TEST),
    ] = None,
    flat_invocations: Annotated[
        str | None, typer.Option("--flat-invocations", help="Continue or Stop.", rich_help_panel=LOAD_TEST)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and print the request; send nothing.")] = False,
    interactive: Interactive = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for the job to end, then show it.", rich_help_panel=WAITING)
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds --wait waits at most.", rich_help_panel=WAITING)
    ] = 10800.0,
    interval: Annotated[
        float | None,
        typer.Option("--interval", help="Seconds between polls (default 1 local, 15 aws).", rich_help_panel=WAITING),
    ] = None,
) -> None:
    """Start a recommendation job: an instance recommendation (Default) or a load test (Advanced)."""
    cli = context(ctx)
    if cli.skeleton(CREATE, generate_cli_skeleton):
        return
    if interactive:
        from ircli.cli.wizards import create_job_wizard, review

        prompter = prompter_for(cli)
        request = create_job_wizard(prompter, generated_job_name())
        saved, submit = review(prompter, CREATE, request, f"{request['JobName']}.yaml")
        if saved:
            cli.note(f"Saved to {saved}; run it again with: ircli create-job --cli-input-yaml {saved}")
        if submit:
            _submit(cli, request, dry_run=dry_run, wait=wait, timeout=timeout, interval=interval)
        return
    endpoints: list[dict[str, Any]] = [{"InstanceType": t} for t in instance_type or []]
    endpoints += [{"ServerlessConfig": parse_shorthand("--serverless-config", s)} for s in serverless_config or []]
    ranges = _environment_ranges(environment_parameter_range or [])
    if ranges:
        if not endpoints:
            raise InputError(
                "--environment-parameter-range applies to the configurations given with "
                "--instance-type or --serverless-config; give at least one."
            )
        for endpoint in endpoints:
            endpoint["EnvironmentParameterRanges"] = ranges
    traffic: dict[str, Any] = {
        "TrafficType": traffic_type,
        "Phases": [parse_shorthand("--phase", p) for p in phase] if phase else None,
        "Stairs": parse_shorthand("--stairs", stairs) if stairs else None,
    }
    if traffic["Stairs"] and not traffic_type:
        traffic["TrafficType"] = "STAIRS"
    container: dict[str, Any] = {
        "Domain": domain,
        "Task": task,
        "Framework": framework,
        "FrameworkVersion": framework_version,
        "NearestModelName": nearest_model_name,
        "PayloadConfig": {
            "SamplePayloadUrl": sample_payload_url,
            "SupportedContentTypes": supported_content_type or None,
        },
        "SupportedInstanceTypes": supported_instance_type or None,
    }
    flags: dict[str, Any] = {
        "JobName": job_name,
        "JobType": job_type,
        "RoleArn": role_arn,
        "JobDescription": job_description,
        "InputConfig": {
            "ModelPackageVersionArn": model_package_version_arn,
            "ModelName": model_name,
            "ContainerConfig": container,
            "EndpointConfigurations": endpoints or None,
            "Endpoints": [{"EndpointName": endpoint_name}] if endpoint_name else None,
            "TrafficPattern": traffic,
            "JobDurationInSeconds": job_duration_in_seconds,
            "ResourceLimit": {"MaxNumberOfTests": max_number_of_tests, "MaxParallelOfTests": max_parallel_of_tests},
        },
        "StoppingConditions": {
            "MaxInvocations": max_invocations,
            "ModelLatencyThresholds": _latency_threshold(model_latency_threshold),
            "FlatInvocations": flat_invocations,
        },
    }
    request = cli.build_request(cli_input_json, cli_input_yaml, flags)
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    request.setdefault("JobType", "Default")
    if "JobName" not in request:
        request["JobName"] = generated_job_name()
        generated = True
    else:
        generated = False
    _submit(cli, request, dry_run=dry_run, wait=wait, timeout=timeout, interval=interval, generated_name=generated)


def _submit(
    cli: Any,
    request: dict[str, Any],
    *,
    dry_run: bool,
    wait: bool,
    timeout: float,
    interval: float | None,
    generated_name: bool = False,
) -> None:
    from ircli.lib.validation import check_request

    check_request(CREATE, request)
    if generated_name:
        cli.note(f"Job name: {request['JobName']}")
    if dry_run:
        if cli.output is OutputFormat.TABLE and not cli.options.query:
            cli.note("The request is valid; nothing was sent (--dry-run).")
            cli.write(to_yaml(request))
        else:
            cli.emit(request)
        return
    response = cli.service.call(CREATE, request)
    if not wait:
        cli.emit(response, lambda data: _arn_table(request["JobName"], data))
        return
    cli.note(f"Created {response.get('JobArn')}")
    progress.wait(cli, request["JobName"], timeout=timeout, interval=interval)
    _show_job(cli, request["JobName"])


def _arn_table(job_name: str, data: dict[str, Any]) -> list[Any]:
    from ircli.cli.tables import Column, TableData

    return [
        TableData(
            "",
            [Column("Field", style="bold"), Column("Value")],
            [["Job", job_name], ["JobArn", str(data.get("JobArn", ""))]],
        )
    ]


def _show_job(cli: Any, job_name: str) -> None:
    job = cli.service.describe_job(job_name)
    cli.emit(job, describe_job_tables)


JobNameArgument = Annotated[str | None, typer.Argument(help="The job's name (or use --job-name).", show_default=False)]
JobNameOption = Annotated[str | None, typer.Option("--job-name", help="The job's name.")]


def describe_job(
    ctx: typer.Context,
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
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Show a job: status, timing, failure reason, recommendations and endpoint performances
    (the raw API response with --output json; the ranking options order the table)."""
    cli = context(ctx)
    if cli.skeleton(DESCRIBE, generate_cli_skeleton):
        return
    request = cli.build_request(cli_input_json, cli_input_yaml, {"JobName": pick_name(name, job_name)})
    job = cli.service.call(DESCRIBE, request)
    ranking = None
    if ranking_requested(rank_by, max_latency_ms, max_cost_per_hour, min_invocations, top):
        ranking = rank(
            job.get("InferenceRecommendations") or [],
            Weights.parse(rank_by),
            Limits(max_latency_ms, max_cost_per_hour, min_invocations),
            top,
        )
    extra = []
    if chart and cli.output is OutputFormat.TABLE and job.get("InferenceRecommendations"):
        from ircli.cli.charts import bar_charts

        shown = [item.recommendation for item in ranking.ranked] if ranking else job["InferenceRecommendations"]
        extra.append(bar_charts(shown, cli.env.width or 100))
    cli.emit(job, lambda data: describe_job_tables(data, ranking), extra=extra)


def list_jobs(
    ctx: typer.Context,
    status_equals: Annotated[
        str | None,
        typer.Option(
            "--status-equals", "--status", help="PENDING, IN_PROGRESS, COMPLETED, FAILED, STOPPING or STOPPED."
        ),
    ] = None,
    name_contains: Annotated[str | None, typer.Option("--name-contains")] = None,
    creation_time_after: Annotated[
        str | None, typer.Option("--creation-time-after", help="ISO-8601 or epoch seconds.")
    ] = None,
    creation_time_before: Annotated[str | None, typer.Option("--creation-time-before")] = None,
    last_modified_time_after: Annotated[str | None, typer.Option("--last-modified-time-after")] = None,
    last_modified_time_before: Annotated[str | None, typer.Option("--last-modified-time-before")] = None,
    model_name_equals: Annotated[str | None, typer.Option("--model-name-equals")] = None,
    model_package_version_arn_equals: Annotated[str | None, typer.Option("--model-package-version-arn-equals")] = None,
    sort_by: Annotated[str | None, typer.Option("--sort-by", help="Name, CreationTime or Status.")] = None,
    sort_order: Annotated[str | None, typer.Option("--sort-order", help="Ascending or Descending.")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """List recommendation jobs, all pages unless --max-items is given."""
    cli = context(ctx)
    if cli.skeleton(LIST_JOBS, generate_cli_skeleton):
        return
    flags = {
        "StatusEquals": status_equals,
        "NameContains": name_contains,
        "CreationTimeAfter": _timestamp(creation_time_after),
        "CreationTimeBefore": _timestamp(creation_time_before),
        "LastModifiedTimeAfter": _timestamp(last_modified_time_after),
        "LastModifiedTimeBefore": _timestamp(last_modified_time_before),
        "ModelNameEquals": model_name_equals,
        "ModelPackageVersionArnEquals": model_package_version_arn_equals,
        "SortBy": sort_by,
        "SortOrder": sort_order,
    }
    request = cli.build_request(cli_input_json, cli_input_yaml, flags)
    result = cli.service.paginate(
        LIST_JOBS, request, max_items=max_items, starting_token=starting_token, page_size=page_size
    )
    cli.emit(result, list_jobs_tables)


def _timestamp(value: str | None) -> Any:
    if value is None:
        return None
    return float(value) if value.replace(".", "", 1).isdigit() else value


def list_steps(
    ctx: typer.Context,
    name: JobNameArgument = None,
    job_name: JobNameOption = None,
    status: Annotated[str | None, typer.Option("--status", help="Only steps with this status.")] = None,
    step_type: Annotated[str | None, typer.Option("--step-type", help="BENCHMARK.")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """List a job's steps (one benchmark per endpoint configuration and parameter combination)."""
    cli = context(ctx)
    if cli.skeleton(LIST_STEPS, generate_cli_skeleton):
        return
    flags = {"JobName": pick_name(name, job_name), "Status": status, "StepType": step_type}
    request = cli.build_request(cli_input_json, cli_input_yaml, flags)
    result = cli.service.paginate(
        LIST_STEPS, request, max_items=max_items, starting_token=starting_token, page_size=page_size
    )
    cli.emit(result, list_steps_tables)


def stop_job(
    ctx: typer.Context,
    name: JobNameArgument = None,
    job_name: JobNameOption = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Stop a job. It goes STOPPING, then STOPPED; finished benchmarks keep their recommendations."""
    cli = context(ctx)
    if cli.skeleton(STOP, generate_cli_skeleton):
        return
    request = cli.build_request(cli_input_json, cli_input_yaml, {"JobName": pick_name(name, job_name)})
    response = cli.service.call(STOP, request)
    cli.note(f"Stopping job {request['JobName']}.")
    if response or cli.options.query:
        cli.emit(response)


def wait(
    ctx: typer.Context,
    name: JobNameArgument = None,
    job_name: JobNameOption = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait at most (exit 124 when they run out).")
    ] = 10800.0,
    interval: Annotated[
        float | None, typer.Option("--interval", help="Seconds between polls (default 1 local, 15 aws).")
    ] = None,
) -> None:
    """Wait for a job to end: exit 0 when COMPLETED, 255 when FAILED or STOPPED, 124 on timeout."""
    cli = context(ctx)
    if timeout < 0 or (interval is not None and interval <= 0):
        raise InputError("--timeout must be 0 or more and --interval more than 0 seconds.")
    progress.wait(cli, pick_name(name, job_name), timeout=timeout, interval=interval)


class EmitFormat(str, Enum):
    APPLICATION_AUTOSCALING = "application-autoscaling"


def scaling_recommendation(
    ctx: typer.Context,
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
    min_invocations_per_minute: Annotated[int | None, typer.Option("--min-invocations-per-minute")] = None,
    max_invocations_per_minute: Annotated[int | None, typer.Option("--max-invocations-per-minute")] = None,
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
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Recommend an auto-scaling policy from a completed job's recommendation or benchmarked endpoint."""
    cli = context(ctx)
    if cli.skeleton(SCALING, generate_cli_skeleton):
        return
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
        from ircli.cli.wizards import scaling_wizard

        request = scaling_wizard(prompter_for(cli), all_jobs(cli), cli.service.describe_job)
    else:
        request = cli.build_request(cli_input_json, cli_input_yaml, flags)
    response = cli.service.call(SCALING, request)
    if emit is None:
        cli.emit(response, scaling_tables)
        return
    assert emit is EmitFormat.APPLICATION_AUTOSCALING  # the only member
    target = target_endpoint_name or request.get("EndpointName")
    if not target:
        raise InputError("--emit application-autoscaling needs --target-endpoint-name: the deployed endpoint to scale.")
    inputs = application_autoscaling_inputs(response, endpoint_name=target, variant_name=variant_name)
    if cli.output in (OutputFormat.JSON, OutputFormat.TABLE) and not cli.options.query:
        cli.write(to_json(inputs))
        cli.note(_apply_hint(inputs))
    else:
        cli.emit(inputs)


def _apply_hint(inputs: dict[str, Any]) -> str:
    target = json.dumps(inputs["RegisterScalableTarget"])
    lines = [
        "Apply with the AWS CLI, for example:",
        f"  aws application-autoscaling register-scalable-target --cli-input-json '{target}'",
    ]
    for policy in inputs["PutScalingPolicy"]:
        lines.append(f"  aws application-autoscaling put-scaling-policy --cli-input-json '{json.dumps(policy)}'")
    return "\n".join(lines)


COMMANDS = {
    "create-job": create_job,
    "describe-job": describe_job,
    "list-jobs": list_jobs,
    "list-steps": list_steps,
    "stop-job": stop_job,
    "wait": wait,
    "scaling-recommendation": scaling_recommendation,
}
