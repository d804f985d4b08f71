"""`ircli endpoint-config ...`: endpoint configurations (create, also from a recommendation; describe;
delete) and the endpoints made from them (deploy, describe-endpoint, update-capacity, delete-endpoint)."""

from typing import Annotated, Any

import typer

from ircli.cli.commands.common import (
    CliInputJson,
    CliInputYaml,
    Interactive,
    Skeleton,
    all_jobs,
    context,
    pick_name,
    prompter_for,
)
from ircli.cli.tables import endpoint_config_tables, endpoint_tables
from ircli.errors import InputError
from ircli.lib.service import production_variant_from_recommendation
from ircli.lib.shorthand import with_tags

app = typer.Typer(
    help="Endpoint configurations and endpoints, including from recommendations.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ConfigNameArgument = Annotated[
    str | None, typer.Argument(help="The endpoint configuration's name.", show_default=False)
]
ConfigNameOption = Annotated[str | None, typer.Option("--endpoint-config-name")]
EndpointArgument = Annotated[str | None, typer.Argument(help="The endpoint's name.", show_default=False)]
EndpointOption = Annotated[str | None, typer.Option("--endpoint-name")]


def split_recommendation_reference(reference: str) -> tuple[str, str]:
    """`JOB/RECOMMENDATION_ID`, where the service's recommendation ids may themselves be `JOB/xxxx`."""
    job, sep, rest = reference.partition("/")
    if not sep or not job or not rest:
        raise InputError(f"Bad value for --from-recommendation: {reference!r}. Use JOB/RECOMMENDATION_ID.")
    return job, rest


@app.command("create")
def create(
    ctx: typer.Context,
    endpoint_config_name: Annotated[str | None, typer.Option("--endpoint-config-name")] = None,
    from_recommendation: Annotated[
        str | None,
        typer.Option(
            "--from-recommendation",
            help="JOB/RECOMMENDATION_ID: use that recommendation's instance type and count or serverless config.",
        ),
    ] = None,
    model_name: Annotated[str | None, typer.Option("--model-name", help="The model the variant serves.")] = None,
    variant_name: Annotated[str, typer.Option("--variant-name")] = "AllTraffic",
    provisioned_concurrency: Annotated[
        int | None, typer.Option("--provisioned-concurrency", help="Serverless only.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="KEY=VALUE; repeatable.")] = None,
    interactive: Interactive = False,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Create an endpoint configuration from a file, or from a job's recommendation."""
    cli = context(ctx)
    operation = "CreateEndpointConfig"
    if cli.skeleton(operation, generate_cli_skeleton):
        return
    if interactive:
        from ircli.cli.wizards import endpoint_config_wizard, review

        prompter = prompter_for(cli)
        wizard_request = endpoint_config_wizard(prompter, all_jobs(cli), cli.service.describe_job)
        saved, submit = review(prompter, operation, wizard_request, f"{wizard_request['EndpointConfigName']}.yaml")
        if saved:
            cli.note(f"Saved to {saved}; create it with: ircli endpoint-config create --cli-input-yaml {saved}")
        if submit:
            cli.emit(cli.service.call(operation, wizard_request))
        return
    request = cli.build_request(cli_input_json, cli_input_yaml, {"EndpointConfigName": endpoint_config_name})
    if from_recommendation:
        if not model_name:
            raise InputError("--from-recommendation needs --model-name: the model the endpoint serves.")
        job, recommendation_id = split_recommendation_reference(from_recommendation)
        # The service's ids look like JOB/xxxx themselves, so both readings of the reference are tried.
        recommendation = cli.service.recommendation(job, recommendation_id, from_recommendation)
        variant = production_variant_from_recommendation(
            recommendation,
            model_name=model_name,
            variant_name=variant_name,
            provisioned_concurrency=provisioned_concurrency,
        )
        request["ProductionVariants"] = [variant]
        parameters = recommendation.get("ModelConfiguration", {}).get("EnvironmentParameters")
        if parameters:
            settings = " ".join(f"{p['Key']}={p['Value']}" for p in parameters)
            cli.note(f"The recommendation was measured with {settings}; set them on model {model_name}'s container.")
    elif provisioned_concurrency is not None:
        variants = request.get("ProductionVariants") or []
        serverless = [v for v in variants if isinstance(v, dict) and "ServerlessConfig" in v]
        if not serverless:
            raise InputError("--provisioned-concurrency needs a serverless variant.")
        serverless[0]["ServerlessConfig"]["ProvisionedConcurrency"] = provisioned_concurrency
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    cli.emit(cli.service.call(operation, request))


@app.command("describe")
def describe(
    ctx: typer.Context,
    name: ConfigNameArgument = None,
    endpoint_config_name: ConfigNameOption = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Show an endpoint configuration."""
    _simple(
        ctx,
        "DescribeEndpointConfig",
        "EndpointConfigName",
        pick_name(name, endpoint_config_name, what="--endpoint-config-name"),
        cli_input_json,
        cli_input_yaml,
        generate_cli_skeleton,
        endpoint_config_tables,
    )


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: ConfigNameArgument = None,
    endpoint_config_name: ConfigNameOption = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Delete an endpoint configuration."""
    _simple(
        ctx,
        "DeleteEndpointConfig",
        "EndpointConfigName",
        pick_name(name, endpoint_config_name, what="--endpoint-config-name"),
        cli_input_json,
        cli_input_yaml,
        generate_cli_skeleton,
        None,
    )


@app.command("deploy")
def deploy(
    ctx: typer.Context,
    endpoint_name: EndpointOption = None,
    endpoint_config_name: ConfigNameOption = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="KEY=VALUE; repeatable.")] = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Create an endpoint from an endpoint configuration (CreateEndpoint)."""
    cli = context(ctx)
    operation = "CreateEndpoint"
    if cli.skeleton(operation, generate_cli_skeleton):
        return
    request = cli.build_request(
        cli_input_json, cli_input_yaml, {"EndpointName": endpoint_name, "EndpointConfigName": endpoint_config_name}
    )
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    cli.emit(cli.service.call(operation, request))


@app.command("describe-endpoint")
def describe_endpoint(
    ctx: typer.Context,
    name: EndpointArgument = None,
    endpoint_name: EndpointOption = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Show an endpoint: status, variants, current and desired capacity."""
    _simple(
        ctx,
        "DescribeEndpoint",
        "EndpointName",
        pick_name(name, endpoint_name, what="--endpoint-name"),
        cli_input_json,
        cli_input_yaml,
        generate_cli_skeleton,
        endpoint_tables,
    )


@app.command("update-capacity")
def update_capacity(
    ctx: typer.Context,
    endpoint_name: EndpointOption = None,
    variant_name: Annotated[str | None, typer.Option("--variant-name")] = None,
    desired_weight: Annotated[float | None, typer.Option("--desired-weight")] = None,
    desired_instance_count: Annotated[int | None, typer.Option("--desired-instance-count")] = None,
    max_concurrency: Annotated[int | None, typer.Option("--max-concurrency", help="Serverless variants.")] = None,
    provisioned_concurrency: Annotated[
        int | None, typer.Option("--provisioned-concurrency", help="Serverless variants.")
    ] = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Change a variant's weight, instance count or serverless concurrency (UpdateEndpointWeightsAndCapacities)."""
    cli = context(ctx)
    operation = "UpdateEndpointWeightsAndCapacities"
    if cli.skeleton(operation, generate_cli_skeleton):
        return
    request = cli.build_request(cli_input_json, cli_input_yaml, {"EndpointName": endpoint_name})
    desired: dict[str, Any] = {
        "VariantName": variant_name,
        "DesiredWeight": desired_weight,
        "DesiredInstanceCount": desired_instance_count,
        "ServerlessUpdateConfig": {
            "MaxConcurrency": max_concurrency,
            "ProvisionedConcurrency": provisioned_concurrency,
        },
    }
    flags_given = any(
        v is not None for v in (desired_weight, desired_instance_count, max_concurrency, provisioned_concurrency)
    )
    if flags_given and not variant_name:
        raise InputError("--variant-name names the variant to update; give it with the capacity flags.")
    if variant_name:
        from ircli.cli.context import merge

        entries = [e for e in request.get("DesiredWeightsAndCapacities", []) if e.get("VariantName") != variant_name]
        request["DesiredWeightsAndCapacities"] = [*entries, merge({}, desired)]
    cli.emit(cli.service.call(operation, request))


@app.command("delete-endpoint")
def delete_endpoint(
    ctx: typer.Context,
    name: EndpointArgument = None,
    endpoint_name: EndpointOption = None,
    cli_input_json: CliInputJson = None,
    cli_input_yaml: CliInputYaml = None,
    generate_cli_skeleton: Skeleton = None,
) -> None:
    """Delete an endpoint."""
    _simple(
        ctx,
        "DeleteEndpoint",
        "EndpointName",
        pick_name(name, endpoint_name, what="--endpoint-name"),
        cli_input_json,
        cli_input_yaml,
        generate_cli_skeleton,
        None,
    )


def _simple(
    ctx: typer.Context,
    operation: str,
    member: str,
    value: str | None,
    cli_input_json: str | None,
    cli_input_yaml: str | None,
    generate_cli_skeleton: str | None,
    tabulate: Any,
) -> None:
    cli = context(ctx)
    if cli.skeleton(operation, generate_cli_skeleton):
        return
    request = cli.build_request(cli_input_json, cli_input_yaml, {member: value})
    response = cli.service.call(operation, request)
    if response or cli.options.query:
        cli.emit(response, tabulate)
