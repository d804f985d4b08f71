"""Listings of endpoints and endpoint configurations: `ircli list-endpoints` and
`ircli endpoint-config list`."""

from typing import Annotated

import typer

from ircli.cli.api import ApiCall, api_command
from ircli.cli.options import MaxItems, PageSize, StartingToken
from ircli.cli.output.views import View
from ircli.cli.output.views.resources import endpoint_configs_tables, endpoints_tables
from ircli.lib.requests import timestamp

NameContains = Annotated[str | None, typer.Option("--name-contains", help="Only names with this text.")]
CreatedAfter = Annotated[
    str | None, typer.Option("--creation-time-after", help="ISO-8601 or epoch seconds.", show_default=False)
]
CreatedBefore = Annotated[
    str | None, typer.Option("--creation-time-before", help="ISO-8601 or epoch seconds.", show_default=False)
]
SortOrder = Annotated[str | None, typer.Option("--sort-order", help="Ascending or Descending.")]


@api_command("ListEndpoints")
def list_endpoints(
    call: ApiCall,
    status_equals: Annotated[
        str | None,
        typer.Option(
            "--status-equals",
            help="OutOfService, Creating, Updating, SystemUpdating, RollingBack, InService, Deleting or Failed.",
        ),
    ] = None,
    name_contains: NameContains = None,
    creation_time_after: CreatedAfter = None,
    creation_time_before: CreatedBefore = None,
    sort_by: Annotated[str | None, typer.Option("--sort-by", help="Name, CreationTime or Status.")] = None,
    sort_order: SortOrder = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List endpoints with their status, all pages unless --max-items is given."""
    flags = {
        "StatusEquals": status_equals,
        "NameContains": name_contains,
        "CreationTimeAfter": timestamp(creation_time_after),
        "CreationTimeBefore": timestamp(creation_time_before),
        "SortBy": sort_by,
        "SortOrder": sort_order,
    }
    result = call.paginate(call.request(flags), max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, View(tables=endpoints_tables))


@api_command("ListEndpointConfigs")
def list_(
    call: ApiCall,
    name_contains: NameContains = None,
    creation_time_after: CreatedAfter = None,
    creation_time_before: CreatedBefore = None,
    sort_by: Annotated[str | None, typer.Option("--sort-by", help="Name or CreationTime.")] = None,
    sort_order: SortOrder = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List endpoint configurations, all pages unless --max-items is given."""
    flags = {
        "NameContains": name_contains,
        "CreationTimeAfter": timestamp(creation_time_after),
        "CreationTimeBefore": timestamp(creation_time_before),
        "SortBy": sort_by,
        "SortOrder": sort_order,
    }
    result = call.paginate(call.request(flags), max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, View(tables=endpoint_configs_tables))
