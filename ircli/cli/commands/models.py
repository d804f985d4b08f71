"""`ircli model ...`: the models that jobs benchmark and endpoints serve (create, describe, list, delete), and
the catalog of benchmarked models a job's NearestModelName may name (metadata)."""

from typing import Annotated

import typer

from ircli.cli.api import ApiCall, api_command
from ircli.cli.options import MaxItems, PageSize, StartingToken, pick_name
from ircli.cli.output.views import View
from ircli.cli.output.views.resources import model_metadata_tables, model_tables, models_tables
from ircli.lib.shorthand import parse_pair, with_tags

ModelArgument = Annotated[str | None, typer.Argument(help="The model's name.", show_default=False)]
ModelOption = Annotated[str | None, typer.Option("--model-name", help="The model's name.")]


@api_command("CreateModel")
def create(
    call: ApiCall,
    model_name: ModelOption = None,
    image: Annotated[str | None, typer.Option("--image", help="PrimaryContainer.Image: the serving image URI.")] = None,
    model_data_url: Annotated[
        str | None, typer.Option("--model-data-url", help="PrimaryContainer.ModelDataUrl: s3://.../model.tar.gz.")
    ] = None,
    environment: Annotated[
        list[str] | None,
        typer.Option("--environment", help="PrimaryContainer.Environment KEY=VALUE; repeatable."),
    ] = None,
    execution_role_arn: Annotated[
        str | None, typer.Option("--execution-role-arn", help="The IAM role the model runs with.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag on the model; repeatable.")] = None,
) -> None:
    """Create a model from an image and its artifacts (or a file with --cli-input-yaml)."""
    container: dict[str, object] = {"Image": image, "ModelDataUrl": model_data_url}
    if environment:
        container["Environment"] = dict(parse_pair("--environment", item) for item in environment)
    request = call.request(
        {"ModelName": model_name, "ExecutionRoleArn": execution_role_arn, "PrimaryContainer": container}
    )
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    call.cli.emit(call.send(request))


@api_command("DescribeModel")
def describe(call: ApiCall, name: ModelArgument = None, model_name: ModelOption = None) -> None:
    """Show a model: its containers, role and ARN."""
    call.run({"ModelName": pick_name(name, model_name, what="--model-name")}, View(tables=model_tables))


@api_command("ListModels")
def list_(
    call: ApiCall,
    name_contains: Annotated[str | None, typer.Option("--name-contains", help="Only names with this text.")] = None,
    sort_by: Annotated[str | None, typer.Option("--sort-by", help="Name or CreationTime.")] = None,
    sort_order: Annotated[str | None, typer.Option("--sort-order", help="Ascending or Descending.")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List models, all pages unless --max-items is given."""
    flags = {"NameContains": name_contains, "SortBy": sort_by, "SortOrder": sort_order}
    result = call.paginate(call.request(flags), max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, View(tables=models_tables))


@api_command("DeleteModel")
def delete(call: ApiCall, name: ModelArgument = None, model_name: ModelOption = None) -> None:
    """Delete a model (endpoints already serving it keep running)."""
    call.run({"ModelName": pick_name(name, model_name, what="--model-name")})


@api_command("ListModelMetadata")
def metadata(
    call: ApiCall,
    domain: Annotated[str | None, typer.Option("--domain", help="Only this Domain (e.g. COMPUTER_VISION).")] = None,
    framework: Annotated[str | None, typer.Option("--framework", help="Only this Framework (e.g. PYTORCH).")] = None,
    framework_version: Annotated[
        str | None, typer.Option("--framework-version", help="Only this FrameworkVersion.")
    ] = None,
    task: Annotated[str | None, typer.Option("--task", help="Only this Task (e.g. IMAGE_CLASSIFICATION).")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List the models Inference Recommender has benchmarked (the NearestModelName values), with their domain,
    task and framework; filters match exactly, as the service's do."""
    given = {"Domain": domain, "Framework": framework, "FrameworkVersion": framework_version, "Task": task}
    filters = [{"Name": name, "Value": value} for name, value in given.items() if value is not None]
    request = call.request({"SearchExpression": {"Filters": filters}} if filters else {})
    result = call.paginate(request, max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, View(tables=model_metadata_tables))
