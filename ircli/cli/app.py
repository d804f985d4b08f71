"""The typer application: global options, and the command tree built from the registry
(`ircli.operations`). Commands live in `ircli.cli.commands`."""

import importlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import typer

from ircli import __version__
from ircli.backends import parse_backend
from ircli.cli.context import CliContext, GlobalOptions, parse_timeout, resolve_output
from ircli.cli.environment import Environment
from ircli.cli.help_text import epilog, placeholder
from ircli.operations import COMMANDS, GROUPS, Command

HELP = """An AWS-CLI-style command line for Amazon SageMaker Inference Recommender.

Runs against the embedded simulator by default (--backend local: no AWS account needed) or the real
service (--backend aws). Global options may be given before or after the subcommand."""

GLOBAL = "Global options"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ircli {__version__}")
        raise typer.Exit(0)


def root(
    ctx: typer.Context,
    backend: Annotated[
        str | None,
        typer.Option("--backend", help="local (the simulator, default; IRCLI_BACKEND) or aws.", rich_help_panel=GLOBAL),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="AWS region (aws backend; also the simulator's ARNs).", rich_help_panel=GLOBAL),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="AWS named profile (aws backend).", rich_help_panel=GLOBAL)
    ] = None,
    endpoint_url: Annotated[
        str | None,
        typer.Option(
            "--endpoint-url",
            help="Service endpoint URL (aws backend), e.g. an `ircli simulator serve` address.",
            rich_help_panel=GLOBAL,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            help="table, json, yaml, text, csv or markdown (default: table on a terminal, json otherwise; "
            "IRCLI_OUTPUT).",
            rich_help_panel=GLOBAL,
        ),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query", help="JMESPath query applied to the response before formatting.", rich_help_panel=GLOBAL
        ),
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="Simulator state directory (IRCLI_HOME).", rich_help_panel=GLOBAL)
    ] = None,
    cli_read_timeout: Annotated[
        str | None,
        typer.Option(
            "--cli-read-timeout",
            metavar="SECONDS",
            help="Seconds to wait for each answer in full (aws backend; 0: no limit; default 60).",
            rich_help_panel=GLOBAL,
        ),
    ] = None,
    cli_connect_timeout: Annotated[
        str | None,
        typer.Option(
            "--cli-connect-timeout",
            metavar="SECONDS",
            help="Seconds to wait for a connection (aws backend; 0: no limit; default 60).",
            rich_help_panel=GLOBAL,
        ),
    ] = None,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the traceback of an error (credentials are never shown).", rich_help_panel=GLOBAL
        ),
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour (also NO_COLOR).", rich_help_panel=GLOBAL)
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    options = GlobalOptions(
        backend=parse_backend(backend or env.environ.get("IRCLI_BACKEND")),
        region=region,
        profile=profile,
        endpoint_url=endpoint_url,
        output=resolve_output(output, env),
        query=query,
        state_dir=state_dir,
        no_color=no_color,
        connect_timeout=parse_timeout("--cli-connect-timeout", cli_connect_timeout),
        read_timeout=parse_timeout("--cli-read-timeout", cli_read_timeout),
    )
    ctx.obj = CliContext(options=options, env=env)
    ctx.call_on_close(ctx.obj.close)


def summary_of(function: Callable[..., Any]) -> str:
    """A command's first paragraph of help, on one line."""
    import inspect

    doc = inspect.getdoc(function) or ""
    return " ".join(doc.split("\n\n")[0].split())


def command_function(command: Command) -> Callable[..., Any]:
    """The function that implements a registered command (see `ircli.cli.commands`)."""
    module = importlib.import_module(f"ircli.cli.commands.{command.module}")
    name = command.path.split(" ")[-1].replace("-", "_")
    function = getattr(module, name, None) or getattr(module, name + "_")
    assert callable(function), f"{command.module} has no function for {command.path}"
    return function  # type: ignore[no-any-return]


@lru_cache(maxsize=16)
def app_command(only: str | None = None, *, everything: bool = False) -> Any:
    """The click command of the application. A run builds only its own command (`only`); `ircli --help`
    (no command) gets the root with each command's name and summary from the registry, nothing imported;
    `everything` builds the whole tree (for completions and tests)."""
    if only is None and not everything:
        return _root_for_help()
    app = typer.Typer(
        name="ircli",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    app.callback()(root)
    groups: dict[str, typer.Typer] = {}
    for command in COMMANDS:
        top = command.group or command.path
        if not everything and top != only:
            continue
        function = command_function(command)
        # The listing shows a command's whole summary (click would cut it at 45 characters), and its help
        # ends with examples, what only a file can set, and where the global options are.
        short_help, end = summary_of(function), epilog(command.path)
        if command.group is None:
            app.command(command.path, short_help=short_help, epilog=end)(function)
            continue
        if command.group not in groups:
            groups[command.group] = typer.Typer(help=GROUPS[command.group], no_args_is_help=True, rich_markup_mode=None)
            app.add_typer(groups[command.group], name=command.group, short_help=GROUPS[command.group])
        groups[command.group].command(command.path.split(" ", 1)[1], short_help=short_help, epilog=end)(function)
    built = typer.main.get_command(app)
    name_values(built)
    return built


def name_values(command: Any) -> None:
    """Give every option's value and every argument a placeholder that says what goes there (`--job-name
    NAME`, `JOB_A`) instead of the parser's type names (`<str>`, `{job_a}`)."""
    from typer.core import TyperArgument

    class PlainArgument(TyperArgument):
        # typer wraps a required argument in braces in the usage line; click's convention is the bare name.
        def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
            name = str(self.metavar)
            return f"[{name}]" if usage and not self.required else name

    for param in command.params:
        if param.param_type_name == "argument":
            param.metavar = str(param.name).upper()
            param.__class__ = PlainArgument
        elif not param.is_flag and param.metavar is None:
            option = max(param.opts, key=len)
            number = param.type.name in ("int", "float", "int range", "float range", "integer", "integer range")
            param.metavar = placeholder(option, number=number) or "VALUE"
    for child in getattr(command, "commands", {}).values():
        name_values(child)


def _root_for_help() -> Any:
    """The root command with a placeholder for each top-level command: enough for `--help`, `--version`
    and the message for an unknown command, without building (or importing) any command."""
    from typer.core import TyperCommand, TyperGroup

    root_only = app_command("\0 no command")
    for command in COMMANDS:
        if command.group is None:
            root_only.add_command(TyperCommand(command.path, help=command.summary, short_help=command.summary))
        elif command.group not in root_only.commands:
            help_text = GROUPS[command.group]
            root_only.add_command(TyperGroup(name=command.group, help=help_text, short_help=help_text))
    return root_only
