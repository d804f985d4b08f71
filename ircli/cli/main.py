"""The entry point, and the one place where errors become messages and exit codes.

Global options may stand anywhere on the command line, as in the AWS CLI (`arguments` moves them in
front of the subcommand before parsing). Nothing prints a traceback unless `--debug` is given, and then with
credentials redacted.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import NoReturn

from ircli.cli.arguments import hoist_global_options, invoked_command
from ircli.cli.environment import Environment
from ircli.errors import ExitStatus, IrcliError
from ircli.lib.redaction import redact


def _print_error(env: Environment, message: str) -> None:
    from ircli.cli.output.safe import escape_controls

    try:
        env.stderr.write(escape_controls(redact(message), keep="\n").rstrip("\n") + "\n")
        env.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass


def run(argv: list[str] | None = None, env: Environment | None = None) -> int:
    import typer
    from typer.exceptions import TyperException

    from ircli.cli.app import app_command

    argv = list(sys.argv[1:] if argv is None else argv)
    env = env or Environment()
    debug = "--debug" in argv
    try:
        # What the parser prints itself (help, --version) follows the injected environment too.
        with contextlib.redirect_stdout(env.stdout), contextlib.redirect_stderr(env.stderr):
            arguments = hoist_global_options(argv)
            command = app_command(invoked_command(arguments))
            result = command.main(args=arguments, prog_name="ircli", standalone_mode=False, obj=env)
        return int(result) if isinstance(result, int) else ExitStatus.SUCCESS
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _print_error(env, "ircli: interrupted")
        return ExitStatus.INTERRUPTED
    except TyperException as exc:
        if debug:
            _print_error(env, traceback.format_exc())
        _print_error(env, _usage_message(exc))
        return ExitStatus.USAGE
    except IrcliError as exc:
        if debug:
            _print_error(env, traceback.format_exc())
        _print_error(env, f"ircli: {exc.render()}")
        return int(exc.exit_status)
    except KeyboardInterrupt:
        _print_error(env, "ircli: interrupted")
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.SUCCESS
    except Exception as exc:
        if debug:
            _print_error(env, traceback.format_exc())
            _print_error(env, f"ircli: unexpected error: {type(exc).__name__}: {exc}")
        else:
            _print_error(
                env,
                f"ircli: unexpected error: {type(exc).__name__}: {exc}\n"
                "Run the command again with --debug to see where it happened.",
            )
        return ExitStatus.FAILURE


def _usage_message(exc: Exception) -> str:
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `ircli` or `ircli schema`: the help says it all
        return message
    usage_context = getattr(exc, "ctx", None)
    if usage_context is not None:
        return (
            f"{usage_context.get_usage()}\nTry '{usage_context.command_path} --help' for help.\n\n"
            f"ircli: error: {message}"
        )
    return f"ircli: error: {message}"


def _silence_stdout() -> None:
    # Python flushes stdout at exit; after a broken pipe that would raise again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main() -> NoReturn:
    status = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(status)
