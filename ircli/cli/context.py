"""The state one ircli invocation carries: global options, the environment, the service, and output.

Commands reach it as `ctx.obj`. Data go to stdout in the chosen format; progress and notes to stderr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ircli.backends import BackendKind, BackendSettings, default_state_dir, make_backend
from ircli.cli.environment import Environment
from ircli.cli.tables import TableData, Tabulator, generic_tables, to_csv, to_markdown
from ircli.errors import InputError
from ircli.lib import formats
from ircli.lib.formats import OutputFormat
from ircli.lib.inputs import DocumentFormat, load_document
from ircli.lib.service import RecommenderService
from ircli.lib.skeleton import SkeletonKind, skeleton, yaml_skeleton


@dataclass
class GlobalOptions:
    backend: BackendKind = BackendKind.LOCAL
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    output: OutputFormat | None = None
    query: str | None = None
    state_dir: Path | None = None
    debug: bool = False
    no_color: bool = False


def resolve_output(option: str | None, env: Environment) -> OutputFormat | None:
    text = option or env.environ.get("IRCLI_OUTPUT")
    if not text:
        return None
    try:
        return OutputFormat(text.strip().lower())
    except ValueError:
        valid = ", ".join(f.value for f in OutputFormat)
        raise InputError(f"Bad value for --output: {text!r}. Valid formats: {valid}.") from None


@dataclass
class CliContext:
    options: GlobalOptions
    env: Environment = field(default_factory=Environment)
    _service: RecommenderService | None = None

    @property
    def output(self) -> OutputFormat:
        if self.options.output is not None:
            return self.options.output
        return OutputFormat.TABLE if self.env.stdout_isatty else OutputFormat.JSON

    @property
    def color(self) -> bool:
        return bool(self.env.color) and not self.options.no_color

    @property
    def service(self) -> RecommenderService:
        if self._service is None:
            settings = BackendSettings(
                kind=self.options.backend,
                region=self.options.region,
                profile=self.options.profile,
                endpoint_url=self.options.endpoint_url,
                state_dir=self.options.state_dir or default_state_dir(self.env.environ),
                simulation_speed=self.env.environ.get("IRCLI_SIM_SPEED"),
            )
            self._service = RecommenderService(make_backend(settings))
        return self._service

    def console(self, *, stderr: bool = False) -> Any:
        from rich.console import Console

        stream = self.env.stderr if stderr else self.env.stdout
        tty = self.env.stderr_isatty if stderr else self.env.stdout_isatty
        return Console(
            file=stream,
            width=self.env.width,
            color_system="auto" if self.color else None,
            no_color=not self.color,
            force_terminal=bool(tty) and self.color,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )

    # -- input --------------------------------------------------------------------------------------

    def load_input(self, cli_input_json: str | None, cli_input_yaml: str | None) -> dict[str, Any]:
        if cli_input_json and cli_input_yaml:
            raise InputError("Give --cli-input-json or --cli-input-yaml, not both.")
        if cli_input_json:
            return load_document(cli_input_json, DocumentFormat.JSON, stdin=self.env.stdin_bytes())
        if cli_input_yaml:
            return load_document(cli_input_yaml, DocumentFormat.YAML, stdin=self.env.stdin_bytes())
        return {}

    def build_request(
        self, cli_input_json: str | None, cli_input_yaml: str | None, flags: dict[str, Any]
    ) -> dict[str, Any]:
        """The request from the input document, with the flags given on the command line on top."""
        return merge(self.load_input(cli_input_json, cli_input_yaml), flags)

    def skeleton(self, operation: str, kind: str | None) -> bool:
        """Print the skeleton that `--generate-cli-skeleton` asks for; True when it did."""
        if kind is None:
            return False
        try:
            chosen = SkeletonKind(kind)
        except ValueError:
            raise InputError(
                f"Bad value for --generate-cli-skeleton: {kind!r}. Use input, yaml-input or output."
            ) from None
        if chosen is SkeletonKind.YAML_INPUT:
            self.write(yaml_skeleton(operation))
        else:
            self.write(formats.to_json(skeleton(operation, chosen)))
        return True

    # -- output -------------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        self.env.stdout.write(text)
        self.env.stdout.flush()

    def note(self, text: str) -> None:
        """A line for people, on stderr, never mixed into the data."""
        self.env.stderr.write(text + "\n")
        self.env.stderr.flush()

    def emit(self, data: Any, tabulate: Tabulator | None = None, *, extra: list[Any] | None = None) -> None:
        """Print data in the chosen format. `tabulate` builds the tables for table, csv and markdown;
        after --query (or without one) the generic tables are used. `extra` are renderables shown
        only on a terminal table (charts)."""
        if self.options.query:
            data = formats.apply_query(self.options.query, data)
            tabulate = None
        output = self.output
        if output is OutputFormat.JSON:
            self.write(formats.to_json(data))
        elif output is OutputFormat.YAML:
            self.write(formats.to_yaml(data))
        elif output is OutputFormat.TEXT:
            self.write(formats.to_text(data))
        else:
            tables = tabulate(data) if tabulate else generic_tables(data)
            if output is OutputFormat.CSV:
                self.write(to_csv(tables))
            elif output is OutputFormat.MARKDOWN:
                self.write(to_markdown(tables))
            else:
                self.print_tables(tables, extra or [])

    def print_tables(self, tables: list[TableData], extra: list[Any]) -> None:
        from ircli.cli.render import rich_table

        console = self.console()
        for index, table in enumerate(tables):
            if index:
                console.print()
            console.print(rich_table(table, console.width))
        for renderable in extra:
            console.print()
            console.print(renderable)


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Overrides win; nested objects merge member by member; None in overrides means not given."""
    result = dict(base)
    for key, value in overrides.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        elif isinstance(value, dict):
            cleaned = merge({}, value)
            if cleaned:
                result[key] = cleaned
        else:
            result[key] = value
    return result
