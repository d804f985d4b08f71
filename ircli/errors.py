"""The one error tree of ircli and the exit status each error ends the process with.

Everything below the CLI raises these; `ircli.cli.main` is the one place that turns them into a message
and an exit code. The codes are the AWS CLI v2's (awscli/topics/return-codes.rst) plus two of ircli's
own, for `wait` timing out and `compare-jobs` finding a regression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class ExitStatus(IntEnum):
    SUCCESS = 0
    USAGE = 2
    REGRESSION = 3
    WAIT_TIMEOUT = 124
    INTERRUPTED = 130
    INVALID_INPUT = 252
    ENVIRONMENT = 253
    SERVICE_ERROR = 254
    FAILURE = 255


class IrcliError(Exception):
    """Base of every error ircli reports to the user; `message` is one paragraph."""

    exit_status = ExitStatus.FAILURE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


@dataclass(frozen=True)
class Violation:
    """One broken rule at one place of a request. `path` is a sequence of member names and indices."""

    path: tuple[str | int, ...]
    message: str
    rule: str = ""
    value: Any = None
    service_constraint: str = field(default="", compare=False)

    @property
    def dotted_path(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        return f"{self.dotted_path}: {self.message}" if self.path else self.message


def format_path(path: tuple[str | int, ...] | list[str | int]) -> str:
    """`InputConfig.EndpointConfigurations[0].InstanceType`; member names escaped, as they come from input."""
    from ircli.lib.printable import escape_controls

    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = escape_controls(part)
            text += f".{name}" if text else name
    return text


class UsageError(IrcliError):
    """The command line itself is wrong: an unknown choice for a global option (exit 2, as the AWS CLI)."""

    exit_status = ExitStatus.USAGE


class InputError(IrcliError):
    """The input cannot be read, parsed or used (exit 252)."""

    exit_status = ExitStatus.INVALID_INPUT


# A request with thousands of problems is described by its first few: the rest would bury them.
MAX_LISTED = 20
# Validation stops looking after this many problems, so a hostile request costs bounded time.
MAX_COLLECTED = 1000


def counted(count: int) -> str:
    return f"at least {count:,}" if count >= MAX_COLLECTED else f"{count:,}"


class ValidationFailed(InputError):
    """The request breaks the schema or the service's rules; the first MAX_LISTED violations are listed."""

    def __init__(self, operation: str, violations: list[Violation]) -> None:
        self.operation = operation
        self.violations = violations
        count = len(violations)
        lines = [f"  - {violation}" for violation in violations[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"  ... and {counted(count - MAX_LISTED)} more")
        noun = "problem" if count == 1 else "problems"
        joined = "\n".join(lines)
        super().__init__(f"The {operation} request has {counted(count)} {noun}:\n{joined}")


class ConfigurationError(IrcliError):
    """The environment is not usable: no credentials, no region, unwritable state (exit 253)."""

    exit_status = ExitStatus.ENVIRONMENT


class ServiceError(IrcliError):
    """The service (or the simulator) answered with an error (exit 254)."""

    exit_status = ExitStatus.SERVICE_ERROR

    def __init__(
        self, code: str, message: str, operation: str, *, request_id: str | None = None, retried: bool = False
    ) -> None:
        self.code = code
        self.service_message = message
        self.operation = operation
        self.request_id = request_id
        # The answer came to a retry: an earlier attempt may have reached the service without its answer.
        self.retried = retried
        super().__init__(f"An error occurred ({code}) when calling the {operation} operation: {message}")


class UnreadableAnswer(IrcliError):
    """The service's answer is empty, truncated, garbled, too large or late: nothing in it can be believed
    (exit 255, as the AWS CLI ends on an answer it cannot parse)."""

    def __init__(self, operation: str, reason: str, *, hint: str | None = None) -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"Could not read the service's answer to {operation}: {reason}.", hint=hint)


class WaiterFailed(IrcliError):
    """A waiter saw what it waits for reach a state it cannot leave for the one wanted (exit 255, as an
    AWS CLI waiter failure)."""


class JobEndedUnsuccessfully(WaiterFailed):
    """`wait` saw the job end FAILED or STOPPED."""

    def __init__(self, job_name: str, status: str, reason: str | None) -> None:
        self.job_name = job_name
        self.status = status
        detail = f": {reason}" if reason else ""
        super().__init__(f"Job {job_name} ended {status}{detail}")


class WaitTimedOut(IrcliError):
    exit_status = ExitStatus.WAIT_TIMEOUT


class RegressionFound(IrcliError):
    exit_status = ExitStatus.REGRESSION
