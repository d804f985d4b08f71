"""`ircli ai-recommendation ...`: generative-AI recommendation jobs (a model in S3, a workload, one goal):
create, describe (the options ranked, the goal's winner and what it trades), list, stop, delete, wait, and
deploy one recommendation the documented way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ircli.cli.api import ApiCall, api_command, context
from ircli.cli.commands.endpoints import TemplateFormat
from ircli.cli.options import (
    Interactive,
    MaxItems,
    PageSize,
    Resume,
    StartingToken,
    Wait,
    WaitInterval,
    WaitTimeout,
    check_resume,
    finite,
    pick_name,
)
from ircli.errors import InputError
from ircli.lib.shorthand import with_tags

if TYPE_CHECKING:
    from ircli.cli.context import CliContext
    from ircli.cli.prompts import Prompter

JobArgument = Annotated[str | None, typer.Argument(help="The recommendation job's name.", show_default=False)]
JobOption = Annotated[str | None, typer.Option("--name", help="AIRecommendationJobName.")]


@api_command("CreateAIRecommendationJob")
def create(
    call: ApiCall,
    name: JobOption = None,
    model_s3_uri: Annotated[
        str | None, typer.Option("--model-s3-uri", help="The model (HuggingFace, SafeTensors).")
    ] = None,
    output_s3_uri: Annotated[str | None, typer.Option("--output-s3-uri", help="Where the results go.")] = None,
    workload: Annotated[
        str | None, typer.Option("--workload", help="The AI workload configuration (name or ARN).")
    ] = None,
    goal: Annotated[str | None, typer.Option("--goal", help="ttft-ms, throughput or cost.")] = None,
    instance_type: Annotated[
        list[str] | None, typer.Option("--instance-type", help="An instance type to consider; up to 3.")
    ] = None,
    framework: Annotated[str | None, typer.Option("--framework", help="LMI or VLLM.")] = None,
    optimize: Annotated[
        bool | None, typer.Option("--optimize/--no-optimize", help="Allow speculative decoding or kernel tuning.")
    ] = None,
    role_arn: Annotated[str | None, typer.Option("--role-arn", help="The execution role.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag KEY=VALUE; repeatable.")] = None,
    interactive: Interactive = False,
    resume: Resume = None,
) -> None:
    """Start a recommendation job for a model in S3, a workload and one goal (or, with --interactive, from a
    wizard's answers)."""
    check_resume(resume, interactive)
    if interactive:
        _create_interactively(call, resume)
        return
    flags: dict[str, Any] = {
        "AIRecommendationJobName": name,
        "ModelSource": {"S3": {"S3Uri": model_s3_uri}} if model_s3_uri else None,
        "OutputConfig": {"S3OutputLocation": output_s3_uri} if output_s3_uri else None,
        "AIWorkloadConfigIdentifier": workload,
        "PerformanceTarget": {"Constraints": [{"Metric": goal}]} if goal else None,
        "ComputeSpec": {"InstanceTypes": list(instance_type)} if instance_type else None,
        "InferenceSpecification": {"Framework": framework} if framework else None,
        "OptimizeModel": optimize,
        "RoleArn": role_arn,
    }
    request = call.request(flags)
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    call.cli.emit(call.send(request))


def _create_interactively(call: ApiCall, resume: str | None) -> None:
    from ircli.cli.commands.create_job import generated_job_name
    from ircli.cli.wizards import genai as wizards
    from ircli.cli.wizards.drafts import name_check

    cli = call.cli
    taken = name_check(
        lambda name: cli.service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": name}), "a job"
    )
    workloads = _workload_names(cli)

    def ask(prompter: Prompter, answers: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
        return wizards.recommendation_wizard(
            prompter,
            generated_job_name(),
            workloads=workloads,
            default_role_arn=cli.env.environ.get("IRCLI_ROLE_ARN") or _last_role_arn(cli),
            answers=answers,
            resume=earlier,
            name_taken=taken,
            workload_missing=_workload_check(cli, workloads),
        )

    wizards.run(call, "ai-recommendation create", resume, ask, "AIRecommendationJobName")


def _workload_names(cli: CliContext) -> list[str]:
    """The workload configurations the backend lists, newest first ([] where they cannot be listed)."""
    from ircli.errors import IrcliError

    try:
        listed = cli.service.paginate("ListAIWorkloadConfigs", {"SortBy": "CreationTime", "SortOrder": "Descending"})
    except IrcliError:
        return []
    return [str(w["AIWorkloadConfigName"]) for w in listed.get("AIWorkloadConfigs", [])]


def _workload_check(cli: CliContext, listed: list[str]) -> Callable[[str], str | None]:
    """Why a workload name or ARN typed is not one the backend has (None where it is, or cannot be told)."""
    from ircli.errors import IrcliError, ServiceError

    def missing(identifier: str) -> str | None:
        if identifier in listed:
            return None
        try:
            cli.service.call("DescribeAIWorkloadConfig", {"AIWorkloadConfigName": identifier})
        except ServiceError as error:
            if error.code in ("ResourceNotFound", "ValidationException"):
                return f"no workload configuration {identifier}; create one with `ircli ai-workload create -i`"
            return None
        except IrcliError:
            return None
        return None

    return missing


def _last_role_arn(cli: CliContext) -> str:
    """The role of the newest recommendation job, offered for the next one ("" when there is none)."""
    from ircli.errors import IrcliError

    try:
        newest = cli.service.call(
            "ListAIRecommendationJobs", {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": 1}
        ).get("AIRecommendationJobs", [])
        if not newest:
            return ""
        name = newest[0]["AIRecommendationJobName"]
        return str(
            cli.service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": name}).get("RoleArn", "")
        )
    except IrcliError:  # a default is a courtesy; the wizard goes on without one
        return ""


@api_command("DescribeAIRecommendationJob")
def describe(
    call: ApiCall,
    name: JobArgument = None,
    job_name: JobOption = None,
    curves: Annotated[
        bool,
        typer.Option(
            "--curves", help="Add each option's TTFT and tokens/s against concurrency (where the job wrote them)."
        ),
    ] = False,
) -> None:
    """Show a recommendation job: its options with TTFT, tokens/s and cost per million tokens, and the winner."""
    from ircli.cli.output.views.ai import RECOMMENDATION_JOB

    response = call.send(call.request({"AIRecommendationJobName": pick_name(name, job_name, what="--name")}))
    if curves:
        from ircli.lib.ai_results import recommendation_curves

        written = recommendation_curves(call.cli.service, response["AIRecommendationJobName"]) or {}
        response["Curves"] = [r.get("Curve") or [] for r in written.get("recommendations") or []]
    call.cli.emit(response, RECOMMENDATION_JOB)


@api_command("ListAIRecommendationJobs")
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
    """List recommendation jobs, all pages unless --max-items is given."""
    from ircli.cli.output.views.ai import RECOMMENDATION_JOBS

    flags = {"NameContains": name_contains, "StatusEquals": status_equals, "SortBy": sort_by, "SortOrder": sort_order}
    result = call.paginate(call.request(flags), max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, RECOMMENDATION_JOBS)


@api_command("StopAIRecommendationJob")
def stop(call: ApiCall, name: JobArgument = None, job_name: JobOption = None) -> None:
    """Stop a recommendation job: Stopping, then Stopped."""
    call.run({"AIRecommendationJobName": pick_name(name, job_name, what="--name")})


@api_command("DeleteAIRecommendationJob")
def delete(call: ApiCall, name: JobArgument = None, job_name: JobOption = None) -> None:
    """Delete a recommendation job that has ended."""
    call.run({"AIRecommendationJobName": pick_name(name, job_name, what="--name")})


def wait(
    ctx: typer.Context, name: JobArgument = None, timeout: WaitTimeout = 3600.0, interval: WaitInterval = None
) -> None:
    """Wait for a recommendation job to end: exit 0 when Completed, 255 when Failed or Stopped, 124 on timeout."""
    from ircli.cli.waiting import wait_for_ai_job

    wait_for_ai_job(context(ctx), "recommendation", name, timeout=timeout, interval=interval)


def deploy(
    ctx: typer.Context,
    name: JobArgument = None,
    rank: Annotated[int, typer.Option("--rank", min=1, help="Which recommendation: 1 is the goal's best.")] = 1,
    endpoint_name: Annotated[
        str | None, typer.Option("--endpoint-name", help="The model, configuration and endpoint's name.")
    ] = None,
    role_arn: Annotated[str | None, typer.Option("--role-arn", help="The role (default: the job's).")] = None,
    wait_: Wait = False,
    timeout: WaitTimeout = 3600.0,
    interval: WaitInterval = None,
    emit: Annotated[
        TemplateFormat | None,
        typer.Option(
            "--emit",
            help="Print a CloudFormation or Terraform template of the deployment (model, endpoint configuration, "
            "endpoint, inference component) instead of deploying.",
        ),
    ] = None,
) -> None:
    """Deploy a completed job's recommendation: model, endpoint configuration, endpoint and, for more than one
    copy per instance, an inference component (or, with --emit, print the template that does)."""
    from ircli.cli.output.views.ai import DEPLOYMENT
    from ircli.lib import deploy_ai

    cli = context(ctx)
    if emit is not None:
        if wait_:
            raise InputError("--emit prints a template and deploys nothing: --wait does not apply.")
        _emit_template(cli, name, rank, endpoint_name, role_arn, emit)
        return
    result = deploy_ai.deploy(
        cli.service,
        name,
        rank=rank,
        name=endpoint_name,
        role_arn=role_arn,
        wait=wait_,
        timeout=timeout,
        interval=interval,
        note=cli.note,
    )
    cli.emit(result.to_document(), DEPLOYMENT)


def undeploy(
    ctx: typer.Context,
    endpoint: Annotated[str | None, typer.Argument(help="The endpoint to take down.", show_default=False)] = None,
    keep_models: Annotated[bool, typer.Option("--keep-models", help="Delete no model.")] = False,
    wait_: Wait = False,
    timeout: WaitTimeout = 3600.0,
    interval: WaitInterval = None,
) -> None:
    """Take a deployment down in the order the service requires: its inference components (until they are
    gone), then the endpoint, its endpoint configuration and the models it served."""
    from ircli.lib.undeploy_ai import undeploy as take_down

    cli = context(ctx)
    result = take_down(
        cli.service, endpoint, keep_models=keep_models, wait=wait_, timeout=timeout, interval=interval, note=cli.note
    )
    cli.emit(result)


def _emit_template(
    cli: CliContext, job_name: str | None, rank: int, name: str | None, role_arn: str | None, emit: TemplateFormat
) -> None:
    from dataclasses import replace

    from ircli.lib.iac import genai as iac

    if not job_name:
        raise InputError("Give the recommendation job's name: ircli ai-recommendation deploy JOB --emit terraform.")
    job = cli.service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": job_name})
    if job.get("AIRecommendationJobStatus") != "Completed":
        raise InputError(
            f"Job {job_name} is {job.get('AIRecommendationJobStatus')}: only a Completed job's recommendations deploy.",
            hint=f"Wait for it: ircli ai-recommendation wait {job_name}",
        )
    deployment = iac.ai_deployment_from(job, rank, name=name)
    if role_arn:
        deployment = replace(deployment, role_arn=role_arn)
    renderer = iac.render_cloudformation if emit is TemplateFormat.CLOUDFORMATION else iac.render_terraform
    cli.writer.emit_text(renderer(deployment))


def cost_estimate(
    ctx: typer.Context,
    name: JobArgument = None,
    requests_per_minute: Annotated[
        float, typer.Option("--requests-per-minute", callback=finite, help="Your traffic: requests a minute.")
    ] = 60.0,
    output_tokens_mean: Annotated[
        float | None,
        typer.Option(
            "--output-tokens-mean", callback=finite, help="Output tokens a request (default: the workload's)."
        ),
    ] = None,
) -> None:
    """Monthly cost of each option of a completed job at your traffic in tokens, cheapest first."""
    from ircli.cli.output.views.ai import TOKEN_COSTS
    from ircli.lib import ai_costs

    cli = context(ctx)
    if not name:
        raise InputError("Give the recommendation job's name: ircli ai-recommendation cost-estimate JOB.")
    estimate = ai_costs.cost_estimate(
        cli.service, name, requests_per_minute=requests_per_minute, output_tokens=output_tokens_mean
    )
    cli.emit(estimate.to_document(), TOKEN_COSTS)
