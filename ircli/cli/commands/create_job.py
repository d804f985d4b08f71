"""`ircli create-job`: start a recommendation job from flags, a file or a wizard; `--dry-run` checks it
and sends nothing; `--wait` follows it to the end and shows it."""

import secrets
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timezone
from typing import Annotated, Any

import typer

from ircli.cli.api import ApiCall, api_command
from ircli.cli.context import CliContext
from ircli.cli.options import Interactive, Resume, WaitInterval, check_resume, timeout_option, wait_option
from ircli.cli.output.formats import OutputFormat
from ircli.cli.output.views import View
from ircli.cli.output.views.jobs import created_job_tables, describe_job_tables
from ircli.cli.waiting import wait_for_job
from ircli.errors import JobEndedUnsuccessfully, ServiceError
from ircli.lib.requests import CreateJobFlags, create_job_members
from ircli.lib.shorthand import with_tags

CREATE = "CreateInferenceRecommendationsJob"

MODEL = "Model"
ENDPOINTS = "Endpoint configurations"
LOAD_TEST = "Load test (Advanced jobs)"
JOB = "Job"


def generated_job_name() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"ircli-{stamp}-{secrets.token_hex(2)}"


@api_command(CREATE)
def create_job(
    call: ApiCall,
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
    job_description: Annotated[
        str | None,
        typer.Option("--job-description", help="What the job is for (128 characters at most).", rich_help_panel=JOB),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="A tag on the job; repeatable.", rich_help_panel=JOB)
    ] = None,
    model_package_version_arn: Annotated[
        str | None,
        typer.Option(
            "--model-package-version-arn",
            help="A versioned model package to benchmark (or give --model-name).",
            rich_help_panel=MODEL,
        ),
    ] = None,
    model_name: Annotated[
        str | None,
        typer.Option(
            "--model-name", help="The model to benchmark; it must exist (ircli model list).", rich_help_panel=MODEL
        ),
    ] = None,
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
    framework_version: Annotated[
        str | None,
        typer.Option(
            "--framework-version", help="ContainerConfig.FrameworkVersion, e.g. 1.7-1.", rich_help_panel=MODEL
        ),
    ] = None,
    nearest_model_name: Annotated[
        str | None,
        typer.Option(
            "--nearest-model-name",
            help="A well-known model yours resembles, e.g. xgboost, bert-base-uncased.",
            rich_help_panel=MODEL,
        ),
    ] = None,
    sample_payload_url: Annotated[
        str | None,
        typer.Option(
            "--sample-payload-url",
            help="s3:// URL of a tar.gz of sample requests for the load test.",
            rich_help_panel=MODEL,
        ),
    ] = None,
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
            "--serverless-config",
            help="A serverless candidate, e.g. MemorySizeInMB=2048,MaxConcurrency=5; repeatable.",
            rich_help_panel=ENDPOINTS,
        ),
    ] = None,
    environment_parameter_range: Annotated[
        list[str] | None,
        typer.Option(
            "--environment-parameter-range",
            help="An environment variable's values to try, e.g. OMP_NUM_THREADS=1,2,4, for every configuration "
            "given by flags; repeatable.",
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
        str | None,
        typer.Option(
            "--traffic-type", help="How the load test adds users (service default PHASES).", rich_help_panel=LOAD_TEST
        ),
    ] = None,
    phase: Annotated[
        list[str] | None,
        typer.Option(
            "--phase",
            help="A load-test phase, e.g. InitialNumberOfUsers=1,SpawnRate=1,DurationInSeconds=120; repeatable.",
            rich_help_panel=LOAD_TEST,
        ),
    ] = None,
    stairs: Annotated[
        str | None,
        typer.Option(
            "--stairs",
            help="Stair-step traffic, e.g. DurationInSeconds=120,NumberOfSteps=5,UsersPerStep=1 (each step lasts "
            "DurationInSeconds).",
            rich_help_panel=LOAD_TEST,
        ),
    ] = None,
    job_duration_in_seconds: Annotated[
        int | None,
        typer.Option(
            "--job-duration-in-seconds",
            help="No new benchmark starts after this many seconds.",
            rich_help_panel=LOAD_TEST,
        ),
    ] = None,
    max_number_of_tests: Annotated[
        int | None, typer.Option("--max-number-of-tests", help="Benchmarks in all, 1-10.", rich_help_panel=LOAD_TEST)
    ] = None,
    max_parallel_of_tests: Annotated[
        int | None,
        typer.Option("--max-parallel-of-tests", help="Benchmarks at a time, 1-10.", rich_help_panel=LOAD_TEST),
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
    resume: Resume = None,
    wait: Annotated[bool, wait_option("Wait for the job to end, then show it.")] = False,
    timeout: Annotated[float, timeout_option("Seconds --wait waits at most.")] = 10800.0,
    interval: WaitInterval = None,
) -> None:
    """Start a recommendation job: an instance recommendation (Default) or a load test (Advanced)."""
    cli = call.cli
    check_resume(resume, interactive)
    if interactive:
        from ircli.cli.prompts import terminal_prompter

        request, saved, submit = run_wizard(cli, terminal_prompter(cli), resume)
        if saved and submit:
            cli.note(
                f"Saved to {saved}. It names job {request['JobName']}, which now exists: to run it again, give "
                f"a new name: ircli create-job --cli-input-yaml {saved} --job-name {request['JobName']}-2"
            )
        elif saved:
            cli.note(f"Saved to {saved}; run it with: ircli create-job --cli-input-yaml {saved}")
        if submit:
            from ircli.cli.wizards.drafts import Draft, kept_if_refused

            # Refused by ircli or the service: the answers are kept in a draft, as on Ctrl-C.
            refusal = kept_if_refused(cli, "create-job", Draft(request), lambda: str(request["JobName"]))
            _submit(call, request, dry_run=dry_run, wait=wait, timeout=timeout, interval=interval, sending=refusal)
        return
    flags = CreateJobFlags(
        job_name=job_name,
        job_type=job_type,
        role_arn=role_arn,
        job_description=job_description,
        model_package_version_arn=model_package_version_arn,
        model_name=model_name,
        domain=domain,
        task=task,
        framework=framework,
        framework_version=framework_version,
        nearest_model_name=nearest_model_name,
        sample_payload_url=sample_payload_url,
        supported_content_types=supported_content_type or [],
        supported_instance_types=supported_instance_type or [],
        instance_types=instance_type or [],
        serverless_configs=serverless_config or [],
        environment_parameter_ranges=environment_parameter_range or [],
        endpoint_name=endpoint_name,
        traffic_type=traffic_type,
        phases=phase or [],
        stairs=stairs,
        job_duration_in_seconds=job_duration_in_seconds,
        max_number_of_tests=max_number_of_tests,
        max_parallel_of_tests=max_parallel_of_tests,
        max_invocations=max_invocations,
        model_latency_threshold=model_latency_threshold,
        flat_invocations=flat_invocations,
    )
    request = call.request(create_job_members(flags))
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    request.setdefault("JobType", "Default")
    generated = "JobName" not in request
    if generated:
        request["JobName"] = generated_job_name()
    _submit(call, request, dry_run=dry_run, wait=wait, timeout=timeout, interval=interval, generated_name=generated)


DRY_RUN_VIEW = View(
    render_as={OutputFormat.TABLE: OutputFormat.YAML},
    note=lambda _, requested: (
        "The request is valid; nothing was sent (--dry-run)." if requested is OutputFormat.TABLE else None
    ),
)


def _submit(
    call: ApiCall,
    request: dict[str, Any],
    *,
    dry_run: bool,
    wait: bool,
    timeout: float,
    interval: float | None,
    generated_name: bool = False,
    sending: AbstractContextManager[None] | None = None,
) -> None:
    """Check and send the request (inside `sending`, up to the service's answer), then show or wait."""
    from ircli.lib.validation import check_request

    cli = call.cli
    with sending or nullcontext():
        check_request(CREATE, request)
        if generated_name:
            cli.note(f"Job name: {request['JobName']}")
        if dry_run:
            cli.emit(request, DRY_RUN_VIEW)
            return
        try:
            response = call.send(request, validated=True)
        except ServiceError as error:
            if error.code == "ResourceInUse" and error.hint is None:
                name = request["JobName"]
                error.hint = (
                    f"A job's name is taken for good, even after the job ends. Give another with --job-name NAME "
                    f"(flags override the file's JobName), or look at the existing one: ircli describe-job {name}"
                )
            raise
    job_name = request["JobName"]
    if not wait:
        cli.emit(response, View(tables=lambda data: created_job_tables(job_name, data)))
        return
    cli.note(f"Created {response.get('JobArn')}")
    try:
        wait_for_job(cli, job_name, timeout=timeout, interval=interval)
    except JobEndedUnsuccessfully:
        # Scripts and CI get the final description on stdout (FailureReason included), then the exit 255.
        _show_job(cli, job_name)
        raise
    _show_job(cli, job_name)


def _show_job(cli: CliContext, job_name: str) -> None:
    cli.emit(cli.service.describe_job(job_name), View(tables=describe_job_tables))


def run_wizard(cli: CliContext, prompter: Any, resume: str | None) -> tuple[dict[str, Any], Any, bool]:
    """The create-job wizard; on Ctrl-C the answers so far are kept in a draft whose path is printed, and
    nothing is sent. Job names are checked against the backend as they are typed."""
    from ircli.cli.wizards import create_job_wizard, review
    from ircli.cli.wizards.drafts import Draft, kept_if_interrupted, load_draft, model_check, name_check

    earlier, draft = load_draft(resume), Draft()
    with kept_if_interrupted(cli, "create-job", draft, lambda: draft.request.get("JobName") or generated_job_name()):
        request = create_job_wizard(
            prompter,
            generated_job_name(),
            default_role_arn=cli.env.environ.get("IRCLI_ROLE_ARN") or last_role_arn(cli),
            answers=draft.request,
            resume=earlier.request,
            name_taken=name_check(cli.service.describe_job, "a job"),
            model_missing=model_check(lambda: model_names(cli)),
        )
        saved, submit = review(prompter, CREATE, request, f"{request['JobName']}.yaml")
    return request, saved, submit


def model_names(cli: CliContext) -> list[str]:
    """The names of the models the backend lists, for the wizard to check a model name against."""
    models = cli.service.paginate("ListModels", {}).get("Models", [])
    return [str(model.get("ModelName")) for model in models]


def last_role_arn(cli: CliContext) -> str:
    """The role of the newest job, the value a wizard offers for the next one ("" when there is none)."""
    from ircli.errors import IrcliError

    try:
        newest = cli.service.call(
            "ListInferenceRecommendationsJobs", {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": 1}
        ).get("InferenceRecommendationsJobs", [])
        return str(cli.service.describe_job(newest[0]["JobName"]).get("RoleArn", "")) if newest else ""
    except IrcliError:  # offering a default is a courtesy; the wizard goes on without one
        return ""
