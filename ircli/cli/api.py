"""What every command that sends one API operation shares, written once: the `--cli-input-json`,
`--cli-input-yaml` and `--generate-cli-skeleton` options; the skeleton; the request from the input
document with the flags on top; one validation; the call; and the output through the writer.

    @api_command("DescribeEndpoint")
    def describe_endpoint(call: ApiCall, name: EndpointArgument = None) -> None:
        call.run({"EndpointName": name}, ENDPOINT_VIEW)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from ircli.cli.context import CliContext
from ircli.cli.options import INPUT
from ircli.cli.output.formats import OutputFormat
from ircli.cli.output.views import GENERIC, View
from ircli.errors import InputError
from ircli.lib.inputs import DocumentFormat, load_document

CliInputJson = Annotated[
    str | None,
    typer.Option(
        "--cli-input-json",
        help="The request as JSON: a path, file://path, - for stdin, or inline. Flags override it.",
        rich_help_panel=INPUT,
    ),
]
CliInputYaml = Annotated[
    str | None,
    typer.Option(
        "--cli-input-yaml",
        help="The request as YAML: a path, file://path, - for stdin, or inline. Flags override it.",
        rich_help_panel=INPUT,
    ),
]
Skeleton = Annotated[
    str | None,
    typer.Option(
        "--generate-cli-skeleton", help="Print a skeleton: input, yaml-input or output.", rich_help_panel=INPUT
    ),
]
INPUT_OPTIONS = (
    ("cli_input_json", CliInputJson),
    ("cli_input_yaml", CliInputYaml),
    ("generate_cli_skeleton", Skeleton),
)


def context(ctx: typer.Context) -> CliContext:
    cli = ctx.find_root().obj
    assert isinstance(cli, CliContext)
    return cli


@dataclass
class ApiCall:
    """One run of an API command: its context, its operation and where its input document comes from."""

    cli: CliContext
    operation: str
    cli_input_json: str | None = None
    cli_input_yaml: str | None = None

    def document(self) -> dict[str, Any]:
        if self.cli_input_json and self.cli_input_yaml:
            raise InputError("Give --cli-input-json or --cli-input-yaml, not both.")
        stdin = self.cli.env.stdin_bytes()
        if self.cli_input_json:
            return load_document(self.cli_input_json, DocumentFormat.JSON, stdin=stdin)
        if self.cli_input_yaml:
            return load_document(self.cli_input_yaml, DocumentFormat.YAML, stdin=stdin)
        return {}

    def request(self, flags: dict[str, Any]) -> dict[str, Any]:
        """The request from the input document, with the flags given on the command line on top."""
        from ircli.lib.requests import merge

        return merge(self.document(), flags)

    def send(self, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        response = self.cli.service.call(self.operation, request, validated=validated)
        for note in self.cli.service.take_notes():
            self.cli.note(note)
        return response

    def paginate(
        self,
        request: dict[str, Any],
        *,
        max_items: int | None = None,
        starting_token: str | None = None,
        page_size: int | None = None,
    ) -> dict[str, Any]:
        return self.cli.service.paginate(
            self.operation,
            request,
            max_items=max_items,
            starting_token=starting_token,
            page_size=page_size,
            one_page=self.cli.options.no_paginate,
        )

    def run(self, flags: dict[str, Any], view: View = GENERIC) -> None:
        self.cli.emit(self.send(self.request(flags)), view)


def print_skeleton(cli: CliContext, operation: str, kind: str) -> None:
    from ircli.lib.skeleton import SkeletonKind, skeleton, yaml_skeleton

    try:
        chosen = SkeletonKind(kind)
    except ValueError:
        raise InputError(f"Bad value for --generate-cli-skeleton: {kind!r}. Use input, yaml-input or output.") from None
    if chosen is SkeletonKind.YAML_INPUT:
        cli.writer.screen.write(yaml_skeleton(operation))
    else:
        cli.writer.emit_document(skeleton(operation, chosen), OutputFormat.JSON)


def api_command(operation: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command function `f(call: ApiCall, **options)` the input options and the shared opening.
    typer reads the returned function's signature: `ctx`, the function's own options, then the input
    options."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(function, eval_str=True).parameters.values())[1:]
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
            for name, annotation in INPUT_OPTIONS
        ]
        context_parameter = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)

        def command(ctx: typer.Context, **options: Any) -> None:
            cli = context(ctx)
            skeleton = options.pop("generate_cli_skeleton")
            if skeleton is not None:
                print_skeleton(cli, operation, skeleton)
                return
            call = ApiCall(cli, operation, options.pop("cli_input_json"), options.pop("cli_input_yaml"))
            function(call, **options)

        parameters = [context_parameter, *(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own), *added]
        command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        command.__doc__ = function.__doc__
        command.__name__ = function.__name__
        command.__module__ = function.__module__
        command.__qualname__ = function.__qualname__
        return command

    return decorate
