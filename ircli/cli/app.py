"""The typer application: global options, and one lazy command group over the registry
(`ircli.operations`): click's documented pattern of a group whose `get_command` imports only the invoked
command's module. Commands live in `ircli.cli.commands`."""

import importlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from ircli import __version__
from ircli.backends import parse_backend
from ircli.cli.context import CliContext, GlobalOptions, parse_color, parse_timeout, parse_verify, resolve_output
from ircli.cli.environment import Environment
from ircli.cli.help_text import epilog, placeholder
from ircli.operations import COMMANDS, GROUPS, TOP_LEVEL, Command

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
    no_paginate: Annotated[
        bool,
        typer.Option(
            "--no-paginate",
            help="Send one request of a listing: its first page, and its NextToken.",
            rich_help_panel=GLOBAL,
        ),
    ] = False,
    ca_bundle: Annotated[
        str | None,
        typer.Option(
            "--ca-bundle",
            metavar="PATH",
            help="Certificates to verify the service's TLS with (aws backend; also AWS_CA_BUNDLE).",
            rich_help_panel=GLOBAL,
        ),
    ] = None,
    no_verify_ssl: Annotated[
        bool,
        typer.Option(
            "--no-verify-ssl",
            help="Do not verify the service's TLS certificates (aws backend).",
            rich_help_panel=GLOBAL,
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Log every request and response to stderr, and show the traceback of an error (credentials are "
            "never shown).",
            rich_help_panel=GLOBAL,
        ),
    ] = False,
    color: Annotated[
        str | None,
        typer.Option("--color", metavar="on|off|auto", help="Colour in tables (default auto).", rich_help_panel=GLOBAL),
    ] = None,
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
        output=resolve_output(output, env, profile),
        query=query,
        state_dir=state_dir,
        no_color=no_color,
        connect_timeout=parse_timeout("--cli-connect-timeout", cli_connect_timeout),
        read_timeout=parse_timeout("--cli-read-timeout", cli_read_timeout),
        no_paginate=no_paginate,
        verify=parse_verify(ca_bundle, no_verify_ssl),
        color=parse_color(color, no_color),
        debug=debug,
    )
    ctx.obj = CliContext(options=options, env=env)
    ctx.call_on_close(ctx.obj.close)
    if debug:
        from ircli.cli.debug_log import disable, enable

        handler = enable(env.stderr)
        ctx.call_on_close(lambda: disable(handler))
    if no_verify_ssl:
        ctx.obj.note("ircli: the service's TLS certificates will not be verified (--no-verify-ssl).")


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


class PlainCommand(TyperCommand):
    """A command whose usage line names its arguments as click does (`JOB_A [JOB_B]`); typer would wrap a
    required one in braces."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = str(param.metavar)
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


def _summary(top: str) -> str:
    """What `ircli --help` says of a top-level command or group, from the registry."""
    if top in GROUPS:
        return GROUPS[top]
    return next(command.summary for command in COMMANDS if command.path == top)


def build_command(top: str) -> Any:
    """The click command (or group) of one top-level name, its module imported now."""
    if top not in GROUPS:
        (command,) = [c for c in COMMANDS if c.path == top]
        function = command_function(command)
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        # The listing shows a command's whole summary (click would cut it at 45 characters), and its help
        # ends with examples, what only a file can set, and where the global options are.
        single.command(top, cls=PlainCommand, short_help=summary_of(function), epilog=epilog(top))(function)
        built = typer.main.get_command(single)
    else:
        group = typer.Typer(
            name=top,
            help=GROUPS[top],
            short_help=GROUPS[top],
            no_args_is_help=True,
            add_completion=False,
            rich_markup_mode=None,
        )
        for command in COMMANDS:
            if command.group == top:
                function = command_function(command)
                name = command.path.split(" ", 1)[1]
                short_help, end = summary_of(function), epilog(command.path)
                group.command(name, cls=PlainCommand, short_help=short_help, epilog=end)(function)
        built = typer.main.get_group(group)
    name_values(built)
    return built


class LazyGroup(TyperGroup):
    """The root: lists every top-level command from the registry and builds (imports) only the one a line
    invokes. Global options may stand anywhere on the line, as in the AWS CLI: they are moved in front of
    the subcommand before parsing."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(TOP_LEVEL)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in TOP_LEVEL:
            from ircli.cli.aliases import AWS_CLI_NAMES

            if cmd_name in AWS_CLI_NAMES:
                return self._aliased(ctx, AWS_CLI_NAMES[cmd_name])
        if cmd_name not in self.commands and cmd_name in TOP_LEVEL:
            self.commands[cmd_name] = build_command(cmd_name)
        return self.commands.get(cmd_name)

    def _aliased(self, ctx: Any, command: Command) -> Any:
        """The command an AWS CLI operation name stands for (a group's subcommand for `create-model`)."""
        top, _, rest = command.path.partition(" ")
        built = self.get_command(ctx, top)
        return built.commands[rest] if rest else built

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from ircli.cli.arguments import hoist_global_options

        return super().parse_args(ctx, hoist_global_options(args))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from difflib import get_close_matches

        from typer._click.exceptions import UsageError

        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as error:
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches:
                suggestions = ", ".join(f"{m!r}" for m in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The listing of `ircli --help`, from the registry: no command is imported to show it."""
        import inspect

        rows = [(name, inspect.cleandoc(_summary(name)).strip()) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
        from ircli.cli.aliases import AWS_CLI_NAMES

        aliases = [(alias, command.path) for alias, command in AWS_CLI_NAMES.items() if alias != command.path]
        width = max(len(alias) for alias, _ in aliases)
        with formatter.section("The AWS CLI's operation names run the matching command"):
            for alias, path in aliases:  # one line each: the names never wrap
                formatter.write(f"{'':{formatter.current_indent}}{alias:<{width}}  {path}\n")


@lru_cache(maxsize=4)
def app_command(*, everything: bool = False) -> Any:
    """The click command of the application: the lazy root. `everything` builds the whole tree at once
    (for completions and tests)."""
    app = typer.Typer(
        name="ircli",
        help=HELP,
        cls=LazyGroup,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    app.callback()(root)
    built = typer.main.get_group(app)
    assert isinstance(built, LazyGroup)
    name_values(built)
    if everything:
        for name in TOP_LEVEL:
            built.get_command(None, name)
    return built


def _integral_float(value: Any) -> bool:
    return isinstance(value, float) and value.is_integer()


class WholeDefaultOption(TyperOption):
    """An option whose float default is a whole number: help shows `[default: 10800]`, not `10800.0`; the
    command still receives the float."""

    def _get_default_string(self, *, ctx: Any, show_default_is_str: bool, default_value: Any) -> str:
        if not show_default_is_str and _integral_float(default_value):
            return str(int(default_value))
        return super()._get_default_string(
            ctx=ctx, show_default_is_str=show_default_is_str, default_value=default_value
        )


def name_values(command: Any) -> None:
    """Give every option's value and every argument a placeholder that says what goes there (`--job-name
    NAME`, `JOB_A`) instead of the parser's type names (`<str>`, `{job_a}`)."""
    for param in command.params:
        if param.param_type_name == "argument":
            # Setting a metavar drops the `...` click adds for a variadic argument: say it again.
            param.metavar = str(param.name).upper() + ("..." if param.nargs != 1 else "")
        elif not param.is_flag and param.metavar is None:
            option = max(param.opts, key=len)
            number = param.type.name in ("int", "float", "int range", "float range", "integer", "integer range")
            param.metavar = placeholder(option, number=number) or "VALUE"
        if isinstance(param, TyperOption) and _integral_float(param.default):
            param.__class__ = WholeDefaultOption
    for child in getattr(command, "commands", {}).values():
        name_values(child)
