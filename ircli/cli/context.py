"""The state one ircli invocation carries: global options, the injected environment, the service and
the writer. Commands reach it as `ctx.obj`; data go to stdout through the writer, notes to stderr."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ircli.cli.environment import Environment
from ircli.cli.output.formats import OutputFormat, Screen
from ircli.cli.output.views import GENERIC, View
from ircli.cli.output.writer import Writer
from ircli.errors import ConfigurationError, InputError, UsageError
from ircli.lib.backend import BackendKind, BackendSettings
from ircli.lib.service import RecommenderService


@dataclass
class GlobalOptions:
    backend: BackendKind = BackendKind.LOCAL
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    output: OutputFormat | None = None
    query: str | None = None
    state_dir: Path | None = None
    no_color: bool = False
    connect_timeout: float | None = None
    read_timeout: float | None = None
    no_paginate: bool = False
    verify: bool | str | None = None  # --no-verify-ssl (False) or --ca-bundle PATH
    color: str = "auto"  # --color on | off | auto
    debug: bool = False


COLOR_CHOICES = ("on", "off", "auto")


def parse_color(text: str | None, no_color: bool) -> str:
    """--color on|off|auto, as the AWS CLI; --no-color is --color off."""
    if no_color:
        return "off"
    chosen = (text or "auto").strip().lower()
    if chosen not in COLOR_CHOICES:
        raise UsageError(f"argument --color: invalid choice: {text!r} (choose from 'on', 'off', 'auto')")
    return chosen


def parse_verify(ca_bundle: str | None, no_verify_ssl: bool) -> bool | str | None:
    """--ca-bundle PATH or --no-verify-ssl (aws backend), as the AWS CLI hands them to botocore."""
    if ca_bundle and no_verify_ssl:
        raise UsageError("--ca-bundle and --no-verify-ssl cannot be given together.")
    if no_verify_ssl:
        return False
    if ca_bundle:
        path = Path(ca_bundle).expanduser()
        if not path.is_file():
            raise InputError(f"Bad value for --ca-bundle: {ca_bundle!r} is not a file of certificates.")
        return str(path)
    return None


def parse_timeout(option: str, text: str | None) -> float | None:
    """--cli-read-timeout / --cli-connect-timeout: seconds, 0 for no timeout (as the AWS CLI)."""
    if text is None:
        return None
    try:
        seconds = float(text.strip())
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError(f"Bad value for {option}: {text!r}. Give seconds, 0 or more (0: no timeout).")
    return seconds


def resolve_output(option: str | None, env: Environment, profile: str | None = None) -> OutputFormat | None:
    """--output, else IRCLI_OUTPUT, else AWS_DEFAULT_OUTPUT, else the profile's `output` in the AWS config
    file (as the AWS CLI reads it), else None (table on a terminal, json otherwise)."""
    valid = ", ".join(f.value for f in OutputFormat)
    sources = (
        ("--output", option),
        ("IRCLI_OUTPUT", env.environ.get("IRCLI_OUTPUT")),
        ("AWS_DEFAULT_OUTPUT", env.environ.get("AWS_DEFAULT_OUTPUT")),
    )
    for source, text in sources:
        if text:
            try:
                return OutputFormat(text.strip().lower())
            except ValueError:
                raise UsageError(f"argument {source}: invalid choice: {text!r} (choose from {valid})") from None
    from ircli.lib.aws_config import profile_setting

    found = profile_setting(env.environ, profile, "output")
    if found is None:
        return None
    where, text = found
    try:
        return OutputFormat(text.strip().lower())
    except ValueError:
        raise ConfigurationError(f"Bad value for output in {where}: {text!r}. Valid formats: {valid}.") from None


@dataclass
class CliContext:
    options: GlobalOptions
    env: Environment = field(default_factory=Environment)

    @property
    def output(self) -> OutputFormat:
        if self.options.output is not None:
            return self.options.output
        return OutputFormat.TABLE if self.env.stdout_isatty else OutputFormat.JSON

    @property
    def color(self) -> bool:
        if self.options.color != "auto":
            return self.options.color == "on"
        return bool(self.env.color) and not self.options.no_color

    @property
    def state_dir(self) -> Path:
        from ircli.backends import default_state_dir

        return self.options.state_dir or default_state_dir(self.env.environ)

    @property
    def region_in_force(self) -> str:
        """The region commands address (the aws backend's as botocore reads the environment), us-east-1 by default."""
        if self.options.region:
            return self.options.region
        if self.options.backend is BackendKind.AWS:
            for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
                if self.env.environ.get(variable):
                    return self.env.environ[variable]
        return "us-east-1"

    @cached_property
    def service(self) -> RecommenderService:
        from ircli.backends import make_backend
        from ircli.lib.regions import check_region

        if self.options.region:
            check_region(self.options.region)
        elif self.options.backend is BackendKind.AWS:
            for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
                if self.env.environ.get(variable):
                    check_region(self.env.environ[variable], source=variable)
                    break
        settings = BackendSettings(
            kind=self.options.backend,
            region=self.options.region,
            profile=self.options.profile,
            endpoint_url=self.options.endpoint_url,
            state_dir=self.state_dir if self.options.backend is BackendKind.LOCAL else None,
            environ=self.env.environ,
            connect_timeout=self.options.connect_timeout,
            read_timeout=self.options.read_timeout,
            verify=self.options.verify,
        )
        from ircli.lib.loadtest.store import MeasuredStore, Scope

        # Load tests ircli measured itself answer as jobs, from IRCLI_HOME, on the backend, region and endpoint
        # they ran on.
        environ = self.env.environ
        url = self.options.endpoint_url or environ.get("AWS_ENDPOINT_URL_SAGEMAKER") or environ.get("AWS_ENDPOINT_URL")
        scope = Scope(self.options.backend.value, self.region_in_force, url)
        service = RecommenderService(make_backend(settings), MeasuredStore(lambda: self.state_dir, scope))
        if self.options.debug:
            from ircli.cli.debug_log import trace_call

            service.trace = trace_call
        return service

    @cached_property
    def writer(self) -> Writer:
        screen = Screen(
            self.env.stdout,
            width=self.env.width,
            color=self.color,
            terminal=bool(self.env.stdout_isatty),
            unicode=self.env.stdout_unicode is not False,
        )
        return Writer(self.output, screen, self.env.stderr, query=self.options.query)

    def console(self, *, stderr: bool = False) -> Any:
        from ircli.cli.output.console import make_console

        stream = self.env.stderr if stderr else self.env.stdout
        tty = self.env.stderr_isatty if stderr else self.env.stdout_isatty
        color = self.color
        if stderr and self.env.stderr_isatty and not self.env.stdout_isatty and self.options.color == "auto":
            # stdout redirected to a file: the progress on the terminal may still have colour.
            environ = self.env.environ
            color = not self.options.no_color and "NO_COLOR" not in environ and environ.get("TERM") != "dumb"
        unicode = self.env.stderr_unicode if stderr else self.env.stdout_unicode
        return make_console(stream, width=self.env.width, color=color, terminal=bool(tty), unicode=unicode)

    def close(self) -> None:
        """Release the backend (the simulator's database connection), once the command is done."""
        if "service" in self.__dict__:
            self.service.close()

    def emit(self, data: Any, view: View = GENERIC) -> None:
        self.writer.emit(data, view)

    def note(self, text: str) -> None:
        """A line for people, on stderr, never mixed into the data; nothing raw reaches the terminal."""
        from ircli.lib.printable import escape_controls

        self.env.stderr.write(escape_controls(text, keep="\n") + "\n")
        self.env.stderr.flush()
