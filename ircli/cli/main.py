"""The entry point, and the one place where errors become messages and exit codes.

Global options may stand anywhere on the command line, as in the AWS CLI (the root group moves them in
front of the subcommand before parsing, `arguments`). Nothing prints a traceback unless `--debug` is
given, and then with credentials redacted.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import NoReturn

from ircli.cli.environment import Environment
from ircli.errors import ExitStatus, IrcliError
from ircli.lib.redaction import redact


def _print_error(env: Environment, message: str) -> None:
    from ircli.lib.printable import escape_controls

    try:
        env.stderr.write(escape_controls(redact(message), keep="\n").rstrip("\n") + "\n")
        env.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass


def run(argv: list[str] | None = None, env: Environment | None = None) -> int:
    import typer
    from typer._click.exceptions import BadParameter, MissingParameter
    from typer.exceptions import TyperException

    from ircli.cli.app import app_command

    argv = list(sys.argv[1:] if argv is None else argv)
    env = env or Environment()
    debug = "--debug" in argv
    try:
        # What the parser prints itself (help, --version) follows the injected environment too.
        with contextlib.redirect_stdout(env.stdout), contextlib.redirect_stderr(env.stderr):
            result = app_command().main(args=argv, prog_name="ircli", standalone_mode=False, obj=env)
        return int(result) if isinstance(result, int) else ExitStatus.SUCCESS
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _print_error(env, interrupt_message())
        return ExitStatus.INTERRUPTED
    except TyperException as exc:
        if debug:
            _print_error(env, traceback.format_exc())
        _print_error(env, _usage_message(exc))
        # A value the parser refuses is an invalid parameter (252), as in the AWS CLI; an unknown command or
        # option, or one missing its value, is a usage error (2).
        # (A missing value is a BadParameter to click, but a usage error to the AWS CLI.)
        refused = isinstance(exc, BadParameter) and not isinstance(exc, MissingParameter)
        return ExitStatus.INVALID_INPUT if refused else ExitStatus.USAGE
    except IrcliError as exc:
        if debug:
            _print_error(env, traceback.format_exc())
        _print_error(env, f"ircli: {exc.render()}")
        return int(exc.exit_status)
    except KeyboardInterrupt:
        _print_error(env, interrupt_message())
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
    from typer._click.exceptions import NoArgsIsHelpError

    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = _with_global_suggestions(exc, message)
    message = (
        message.replace("is not a valid int range", "is not a whole number")
        .replace("is not a valid float range", "is not a number")
        .replace("is not a valid integer", "is not a whole number")
        .replace("is not a valid float", "is not a number")
    )
    if isinstance(exc, NoArgsIsHelpError):  # a bare `ircli` or `ircli schema`: the help says it all
        return message
    usage_context = getattr(exc, "ctx", None)
    if usage_context is not None:
        return (
            f"{usage_context.get_usage()}\nTry '{usage_context.command_path} --help' for help.\n\n"
            f"ircli: error: {message}"
        )
    return f"ircli: error: {message}"


def _with_global_suggestions(exc: Exception, message: str) -> str:
    """An unknown option's message, with the closest of the command's own options and the global ones (which
    click does not know at that point: `--outptu` means `--output`, not the command's `--top`)."""
    from difflib import get_close_matches

    from typer._click.exceptions import NoSuchOption

    if not isinstance(exc, NoSuchOption):
        return message
    from ircli.cli.arguments import GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS

    name = exc.option_name.split("=", 1)[0]
    candidates = sorted({*(exc.possibilities or ()), *GLOBAL_VALUE_OPTIONS, *GLOBAL_FLAGS})
    usage_context = getattr(exc, "ctx", None)
    if usage_context is not None:
        candidates += [o for p in usage_context.command.params for o in p.opts if o.startswith("--")]
    matches = get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    suggestion = f" Did you mean {' or '.join(matches)}?" if matches else ""
    return f"No such option: {name}.{suggestion}"


def _silence_stdout() -> None:
    # Python flushes stdout at exit; after a broken pipe that would raise again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


FOLLOW_UP = {
    # operation: (how to look, how to undo), with {name}
    "CreateInferenceRecommendationsJob": ("ircli describe-job {name}", "ircli stop-job {name}"),
    "CreateEndpoint": (
        "ircli endpoint-config describe-endpoint {name}",
        "ircli endpoint-config delete-endpoint {name}",
    ),
    "UpdateEndpoint": ("ircli endpoint-config describe-endpoint {name}", ""),
    "UpdateEndpointWeightsAndCapacities": ("ircli endpoint-config describe-endpoint {name}", ""),
    "CreateEndpointConfig": ("ircli endpoint-config describe {name}", "ircli endpoint-config delete {name}"),
    "CreateModel": ("ircli model describe {name}", "ircli model delete {name}"),
}


# What an interrupt means to the command running now, when it is not about requests sent (`simulator serve`:
# that it stopped, and where its state stays); set by the command.
INTERRUPT_MEANS: list[str] = []


def interrupt_message() -> str:
    """What an interrupt leaves behind: nothing, or a change that may have reached (or did reach) the service."""
    if INTERRUPT_MEANS:
        return INTERRUPT_MEANS[-1]
    # Not imported here: an interrupt may arrive while the module is half imported, and then nothing was sent.
    service = sys.modules.get("ircli.lib.service")
    changes = getattr(service, "CHANGES_SENT", None) or []
    if not changes:
        return "ircli: interrupted; nothing was sent."
    change = changes[-1]
    look, undo = FOLLOW_UP.get(change.operation, ("", ""))
    what = f"{change.operation} {change.name or ''}".strip()
    if change.answered and change.operation == "CreateInferenceRecommendationsJob":
        lines = [f"ircli: interrupted. Job {change.name} is still running on the service."]
    elif change.answered:
        lines = [f"ircli: interrupted. {what} was done by the service."]
    else:
        lines = [f"ircli: interrupted. {what} may have reached the service."]
    if look:
        lines.append(f"Check it with: {look.format(name=change.name)}")
    if undo:
        verb = "Stop" if undo.startswith("ircli stop-job") else "Delete"
        lines.append(f"{verb} it with: {undo.format(name=change.name)}")
    return "\n".join(lines)


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C at any moment: say what may have happened and end at once (exit 130). Ending here, rather than
    raising KeyboardInterrupt, leaves no chance of it being swallowed in a finaliser; the store's writes are
    transactions, so stopping between two statements loses nothing."""
    try:
        env = Environment()
        if env.stderr_isatty:
            env.stderr.write("\x1b[?25h")  # a live display may have hidden the cursor
            progress = sys.modules.get("ircli.cli.output.progress")
            if progress is not None and progress.LIVE_ON_SCREEN[0]:
                env.stderr.write("\n")  # below the display, whose last line has no end yet
        _print_error(env, interrupt_message())
    except BaseException:  # interrupted in the middle of an import: say the least, but say it
        os.write(2, b"ircli: interrupted\n")
    os._exit(ExitStatus.INTERRUPTED)


def main() -> NoReturn:
    import signal

    signal.signal(signal.SIGINT, _interrupted)
    status = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(status)
