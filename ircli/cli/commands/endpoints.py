"""`ircli endpoint-config ...`: endpoint configurations (create, also from a recommendation; describe;
delete) and the endpoints made from them (deploy, describe-endpoint, update-capacity, delete-endpoint)."""

from enum import Enum
from typing import Annotated, Any

import typer

from ircli.cli.api import ApiCall, api_command
from ircli.cli.options import Interactive, Resume, Wait, WaitInterval, WaitTimeout, check_resume, finite, pick_name
from ircli.cli.output.views import View
from ircli.cli.output.views.endpoints import endpoint_config_tables, endpoint_tables
from ircli.cli.waiting import wait_for_endpoint
from ircli.errors import InputError
from ircli.lib.requests import desired_capacity, production_variant_from_recommendation, with_provisioned_concurrency
from ircli.lib.shorthand import with_tags

ConfigNameArgument = Annotated[
    str | None, typer.Argument(help="The endpoint configuration's name.", show_default=False)
]
ConfigNameOption = Annotated[
    str | None, typer.Option("--endpoint-config-name", help="The endpoint configuration's name.")
]
EndpointArgument = Annotated[str | None, typer.Argument(help="The endpoint's name.", show_default=False)]
EndpointOption = Annotated[str | None, typer.Option("--endpoint-name", help="The endpoint's name.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="A tag on the resource; repeatable.")]
MinInvocations = Annotated[
    int | None, typer.Option("--min-invocations-per-minute", help="With --autoscaling: the least traffic expected.")
]
MaxInvocations = Annotated[
    int | None, typer.Option("--max-invocations-per-minute", help="With --autoscaling: the most traffic expected.")
]


class TemplateFormat(str, Enum):
    CLOUDFORMATION = "cloudformation"
    TERRAFORM = "terraform"


def split_recommendation_reference(reference: str) -> tuple[str, str]:
    """`JOB/RECOMMENDATION_ID`, where the service's recommendation ids may themselves be `JOB/xxxx`."""
    job, sep, rest = reference.partition("/")
    if not sep or not job or not rest:
        raise InputError(f"Bad value for --from-recommendation: {reference!r}. Use JOB/RECOMMENDATION_ID.")
    return job, rest


@api_command("CreateEndpointConfig")
def create(
    call: ApiCall,
    endpoint_config_name: ConfigNameOption = None,
    from_recommendation: Annotated[
        str | None,
        typer.Option(
            "--from-recommendation",
            help="JOB/RECOMMENDATION_ID: use that recommendation's instance type and count or serverless config.",
        ),
    ] = None,
    model_name: Annotated[str | None, typer.Option("--model-name", help="The model the variant serves.")] = None,
    variant_name: Annotated[str, typer.Option("--variant-name", help="The production variant's name.")] = "AllTraffic",
    provisioned_concurrency: Annotated[
        int | None, typer.Option("--provisioned-concurrency", help="Serverless only.")
    ] = None,
    tag: Tags = None,
    emit: Annotated[
        TemplateFormat | None,
        typer.Option(
            "--emit",
            help="With --from-recommendation: print a CloudFormation or Terraform template of the model, the "
            "endpoint configuration and the endpoint instead of creating anything.",
        ),
    ] = None,
    autoscaling: Annotated[
        bool,
        typer.Option(
            "--autoscaling", help="With --emit: add the scalable target and policy of the scaling recommendation."
        ),
    ] = False,
    min_invocations_per_minute: MinInvocations = None,
    max_invocations_per_minute: MaxInvocations = None,
    endpoint_name: Annotated[
        str | None, typer.Option("--endpoint-name", help="With --emit: the endpoint's name (default from the job).")
    ] = None,
    interactive: Interactive = False,
    resume: Resume = None,
) -> None:
    """Create an endpoint configuration from a file, or from a job's recommendation (or, with --emit, print
    a template that creates it)."""
    cli = call.cli
    check_resume(resume, interactive)
    given = (
        ("MinInvocationsPerMinute", min_invocations_per_minute),
        ("MaxInvocationsPerMinute", max_invocations_per_minute),
    )
    objective = {k: v for k, v in given if v is not None}
    if emit is not None or autoscaling or endpoint_name or objective:
        if emit is None or not from_recommendation or interactive or (objective and not autoscaling):
            raise InputError(
                "--emit needs --from-recommendation; --autoscaling and --endpoint-name need --emit, "
                "--min/--max-invocations-per-minute need --autoscaling."
            )
        from ircli.lib.iac import Names

        names = Names(endpoint_config=endpoint_config_name, endpoint=endpoint_name, variant=variant_name)
        scaling = objective if autoscaling else None
        _emit_template(call, from_recommendation, emit, names, model_name, scaling, provisioned_concurrency)
        return
    if interactive:
        _create_interactively(call, resume)
        return
    request = call.request({"EndpointConfigName": endpoint_config_name})
    if from_recommendation:
        request["ProductionVariants"] = [
            _variant_from(call, from_recommendation, model_name, variant_name, provisioned_concurrency)
        ]
    elif provisioned_concurrency is not None:
        request = with_provisioned_concurrency(request, provisioned_concurrency)
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    cli.emit(call.send(request))


def _create_interactively(call: ApiCall, resume: str | None) -> None:
    from ircli.cli.prices import price_lookup
    from ircli.cli.prompts import terminal_prompter
    from ircli.cli.wizards import endpoint_config_wizard, review
    from ircli.cli.wizards.drafts import Draft, kept_if_interrupted, kept_if_refused, load_draft, name_check

    cli = call.cli
    prompter, earlier, draft = terminal_prompter(cli), load_draft(resume), Draft()

    def draft_name() -> str:
        return str(draft.request.get("EndpointConfigName") or draft.picks.get("Job", "endpoint-config"))

    with kept_if_interrupted(cli, "endpoint-config create", draft, draft_name):
        wizard_request = endpoint_config_wizard(
            prompter,
            cli.service.list_all_jobs(),
            cli.service.describe_job,
            draft=draft,
            resume=earlier,
            name_taken=name_check(
                lambda name: cli.service.call("DescribeEndpointConfig", {"EndpointConfigName": name}),
                "an endpoint configuration",
            ),
            prices=price_lookup(cli, refresh=False),
        )
        default_path = f"{wizard_request['EndpointConfigName']}.yaml"
        saved, submit = review(prompter, call.operation, wizard_request, default_path)
    if saved:
        cli.note(f"Saved to {saved}; create it with: ircli endpoint-config create --cli-input-yaml {saved}")
    if submit:
        with kept_if_refused(cli, "endpoint-config create", draft, draft_name):
            response = call.send(wizard_request)
        cli.emit(response)


def _variant_from(
    call: ApiCall, reference: str, model_name: str | None, variant_name: str, provisioned_concurrency: int | None
) -> dict[str, Any]:
    """The production variant a `--from-recommendation` reference describes, with a note of the settings
    the recommendation was measured with."""
    cli = call.cli
    if not model_name:
        raise InputError("--from-recommendation needs --model-name: the model the endpoint serves.")
    job, recommendation_id = split_recommendation_reference(reference)
    # The service's ids look like JOB/xxxx themselves, so both readings of the reference are tried.
    recommendation = cli.service.recommendation(job, recommendation_id, reference)
    variant = production_variant_from_recommendation(
        recommendation,
        model_name=model_name,
        variant_name=variant_name,
        provisioned_concurrency=provisioned_concurrency,
    )
    parameters = recommendation.get("ModelConfiguration", {}).get("EnvironmentParameters")
    if parameters:
        settings = " ".join(f"{p['Key']}={p['Value']}" for p in parameters)
        cli.note(f"The recommendation was measured with {settings}; set them on model {model_name}'s container.")
    return variant


def _emit_template(
    call: ApiCall,
    reference: str,
    emit: TemplateFormat,
    names: Any,
    model_name: str | None,
    objective: dict[str, int] | None,
    provisioned_concurrency: int | None,
) -> None:
    """Print the template of a recommendation's deployment (`lib.iac.recommended_deployment`)."""
    from ircli.lib.iac import cloudformation, recommended_deployment, terraform

    job_name, recommendation_id = split_recommendation_reference(reference)
    deployment = recommended_deployment(
        call.cli.service,
        job_name,
        (recommendation_id, reference),
        names=names,
        model_name=model_name,
        objective=objective,
        provisioned_concurrency=provisioned_concurrency,
    )
    renderer = cloudformation if emit is TemplateFormat.CLOUDFORMATION else terraform
    call.cli.writer.emit_text(renderer.render(deployment))


@api_command("DescribeEndpointConfig")
def describe(call: ApiCall, name: ConfigNameArgument = None, endpoint_config_name: ConfigNameOption = None) -> None:
    """Show an endpoint configuration."""
    config_name = pick_name(name, endpoint_config_name, what="--endpoint-config-name")
    call.run({"EndpointConfigName": config_name}, View(tables=endpoint_config_tables))


@api_command("DeleteEndpointConfig")
def delete(call: ApiCall, name: ConfigNameArgument = None, endpoint_config_name: ConfigNameOption = None) -> None:
    """Delete an endpoint configuration."""
    call.run({"EndpointConfigName": pick_name(name, endpoint_config_name, what="--endpoint-config-name")})


DEFAULT_TIMEOUT = 3600.0  # the AWS CLI's endpoint waiters give up after 120 polls of 30 s


def _changed(
    call: ApiCall, request: dict[str, object], *, wait: bool, timeout: float, interval: float | None, deleted: bool
) -> None:
    """Send a change to an endpoint; with --wait, follow it until it is done, then show the endpoint."""
    response = call.send(request)
    name = str(request["EndpointName"])
    if not wait:
        call.cli.emit(response)
        return
    wait_for_endpoint(call.cli, name, deleted=deleted, timeout=timeout, interval=interval)
    if not deleted:
        described = call.cli.service.call("DescribeEndpoint", {"EndpointName": name})
        call.cli.emit(described, View(tables=endpoint_tables))


@api_command("CreateEndpoint")
def deploy(
    call: ApiCall,
    endpoint_name: EndpointOption = None,
    endpoint_config_name: ConfigNameOption = None,
    tag: Tags = None,
    wait: Wait = False,
    timeout: WaitTimeout = DEFAULT_TIMEOUT,
    interval: WaitInterval = None,
) -> None:
    """Create an endpoint from an endpoint configuration (CreateEndpoint); --wait until it is InService."""
    request = call.request({"EndpointName": endpoint_name, "EndpointConfigName": endpoint_config_name})
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    _changed(call, request, wait=wait, timeout=timeout, interval=interval, deleted=False)


@api_command("UpdateEndpoint")
def update_endpoint(
    call: ApiCall,
    endpoint_name: EndpointOption = None,
    endpoint_config_name: Annotated[
        str | None, typer.Option("--endpoint-config-name", help="The configuration to move the endpoint to.")
    ] = None,
    wait: Wait = False,
    timeout: WaitTimeout = DEFAULT_TIMEOUT,
    interval: WaitInterval = None,
) -> None:
    """Move an endpoint to another endpoint configuration (UpdateEndpoint), e.g. a recommended one."""
    request = call.request({"EndpointName": endpoint_name, "EndpointConfigName": endpoint_config_name})
    _changed(call, request, wait=wait, timeout=timeout, interval=interval, deleted=False)


@api_command("DescribeEndpoint")
def describe_endpoint(call: ApiCall, name: EndpointArgument = None, endpoint_name: EndpointOption = None) -> None:
    """Show an endpoint: status, variants, current and desired capacity."""
    endpoint = pick_name(name, endpoint_name, what="--endpoint-name")
    call.run({"EndpointName": endpoint}, View(tables=endpoint_tables))


@api_command("UpdateEndpointWeightsAndCapacities")
def update_capacity(
    call: ApiCall,
    endpoint_name: EndpointOption = None,
    variant_name: Annotated[
        str | None, typer.Option("--variant-name", help="The variant to change (with the capacity flags).")
    ] = None,
    desired_weight: Annotated[
        float | None,
        typer.Option("--desired-weight", callback=finite, help="The variant's share of traffic (relative weight)."),
    ] = None,
    desired_instance_count: Annotated[
        int | None, typer.Option("--desired-instance-count", help="Instances for an instance-based variant.")
    ] = None,
    max_concurrency: Annotated[int | None, typer.Option("--max-concurrency", help="Serverless variants.")] = None,
    provisioned_concurrency: Annotated[
        int | None, typer.Option("--provisioned-concurrency", help="Serverless variants.")
    ] = None,
    wait: Wait = False,
    timeout: WaitTimeout = DEFAULT_TIMEOUT,
    interval: WaitInterval = None,
) -> None:
    """Change a variant's weight, instance count or serverless concurrency (UpdateEndpointWeightsAndCapacities)."""
    request = desired_capacity(
        call.request({"EndpointName": endpoint_name}),
        variant_name=variant_name,
        desired_weight=desired_weight,
        desired_instance_count=desired_instance_count,
        max_concurrency=max_concurrency,
        provisioned_concurrency=provisioned_concurrency,
    )
    _changed(call, request, wait=wait, timeout=timeout, interval=interval, deleted=False)


@api_command("DeleteEndpoint")
def delete_endpoint(
    call: ApiCall,
    name: EndpointArgument = None,
    endpoint_name: EndpointOption = None,
    wait: Wait = False,
    timeout: WaitTimeout = DEFAULT_TIMEOUT,
    interval: WaitInterval = None,
) -> None:
    """Delete an endpoint; --wait until it is gone."""
    request = call.request({"EndpointName": pick_name(name, endpoint_name, what="--endpoint-name")})
    _changed(call, request, wait=wait, timeout=timeout, interval=interval, deleted=True)
