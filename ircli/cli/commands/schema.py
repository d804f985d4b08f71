"""`ircli schema ...`: the bundled JSON Schemas: list them, show one, validate a file against one."""

from typing import Annotated

import typer

from ircli.cli.api import context
from ircli.cli.output.formats import OutputFormat
from ircli.cli.output.model import Column, TableData
from ircli.cli.output.views import View
from ircli.errors import InputError, ValidationFailed
from ircli.lib.inputs import detect_format, load_document
from ircli.operations import COMMAND_OF, OPERATIONS, OperationKey, resolve_operation

# A schema is a document: every format but yaml shows it as JSON.
SCHEMA_VIEW = View(render_as={fmt: OutputFormat.JSON for fmt in OutputFormat if fmt is not OutputFormat.YAML})


def _operation(name: str) -> OperationKey:
    operation = resolve_operation(name)
    if operation is None:
        known = ", ".join(command.path for command in COMMAND_OF.values())
        raise InputError(
            f"Unknown operation {name!r}. Give an ircli command ({known}) or its API operation name "
            "(service:Operation where several services have it)."
        )
    return operation


def list_(ctx: typer.Context) -> None:
    """List the operations with bundled schemas and the ircli command for each."""
    cli = context(ctx)
    data = [
        {
            "Service": op.service.value,
            "Operation": op.name,
            "Command": f"ircli {COMMAND_OF[op].path}" if op in COMMAND_OF else "-",
            "Request": f"{op.service.value}/{op.name}.request.json",
            "Response": f"{op.service.value}/{op.name}.response.json",
        }
        for op in OPERATIONS
    ]
    columns = [
        Column("Service"),
        Column("Operation", style="bold"),
        Column("Command"),
        Column("Request"),
        Column("Response"),
    ]
    cli.emit(data, View(tables=lambda rows: [TableData("Bundled schemas", columns, [list(r.values()) for r in rows])]))


def show(
    ctx: typer.Context,
    operation: Annotated[str, typer.Argument(help="An ircli command (create-job) or API operation name.")],
    response: Annotated[
        bool, typer.Option("--response", help="Show the response schema instead of the request's.")
    ] = False,
) -> None:
    """Print an operation's request (or response) schema, as JSON or with --output yaml."""
    cli = context(ctx)
    from ircli.schemas import load_schema

    schema = load_schema(_operation(operation), "response" if response else "request")
    cli.emit(schema, SCHEMA_VIEW)


def validate(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A JSON or YAML request (path, file://path or - for stdin).")],
    operation: Annotated[str, typer.Option("--operation", help="An ircli command (create-job) or API operation name.")],
    input_format: Annotated[
        str | None, typer.Option("--format", help="json or yaml (default: from the file name; yaml reads JSON too).")
    ] = None,
) -> None:
    """Validate a request file against the bundled schema and the service's rules (exit 252 if invalid)."""
    cli = context(ctx)
    from ircli.lib.inputs import DocumentFormat
    from ircli.lib.validation import Engine, request_violations

    resolved = _operation(operation).reference
    try:
        fmt = DocumentFormat(input_format) if input_format else detect_format(file)
    except ValueError:
        raise InputError(f"Bad value for --format: {input_format!r}. Use json or yaml.") from None
    document = load_document(file, fmt, stdin=cli.env.stdin_bytes())
    # The jsonschema package, the reference implementation, checks files here; requests sent by the other
    # commands use ircli's own evaluator, which a property-based test keeps in agreement with it.
    violations = request_violations(resolved, document, Engine.JSONSCHEMA)
    if violations:
        raise ValidationFailed(resolved, violations)
    cli.note(f"{file}: a valid {resolved} request.")
