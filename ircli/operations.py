"""The registry of ircli's commands and the API operations behind them: the one place where a command
name, its module, its API operation, its paginated result and what its argument names meet.

The app builds its command tree from it, the service layer paginates by it, the schema generator and
`ircli schema` list its operations, completions offer job and endpoint names by it, and the simulator
answers exactly its operations. To add an operation: one `Command` line here, one handler in the
simulator, one command function, and its schemas (`tools/generate_schemas.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Names(str, Enum):
    """What a command's positional argument names, so that completion can offer existing ones."""

    JOB = "job"
    ENDPOINT_CONFIG = "endpoint-config"
    ENDPOINT = "endpoint"


@dataclass(frozen=True)
class Command:
    path: str  # as typed after `ircli`: "create-job", "endpoint-config create"
    module: str  # the module under `ircli.cli.commands` that defines it
    operation: str | None = None  # the API operation it sends, if it sends one
    result_key: str | None = None  # for a paginated operation, the member that holds its items
    argument: Names | None = None  # what its positional argument(s) name

    @property
    def group(self) -> str | None:
        return self.path.split(" ", 1)[0] if " " in self.path else None


COMMANDS: tuple[Command, ...] = (
    Command("create-job", "create_job", "CreateInferenceRecommendationsJob"),
    Command("describe-job", "jobs", "DescribeInferenceRecommendationsJob", argument=Names.JOB),
    Command("list-jobs", "jobs", "ListInferenceRecommendationsJobs", result_key="InferenceRecommendationsJobs"),
    Command("list-steps", "jobs", "ListInferenceRecommendationsJobSteps", result_key="Steps", argument=Names.JOB),
    Command("stop-job", "jobs", "StopInferenceRecommendationsJob", argument=Names.JOB),
    Command("wait", "jobs", argument=Names.JOB),
    Command("scaling-recommendation", "jobs", "GetScalingConfigurationRecommendation"),
    Command("rank-recommendations", "analysis", argument=Names.JOB),
    Command("compare-jobs", "analysis", argument=Names.JOB),
    Command("endpoint-config create", "endpoints", "CreateEndpointConfig"),
    Command("endpoint-config describe", "endpoints", "DescribeEndpointConfig", argument=Names.ENDPOINT_CONFIG),
    Command("endpoint-config delete", "endpoints", "DeleteEndpointConfig", argument=Names.ENDPOINT_CONFIG),
    Command("endpoint-config deploy", "endpoints", "CreateEndpoint"),
    Command("endpoint-config describe-endpoint", "endpoints", "DescribeEndpoint", argument=Names.ENDPOINT),
    Command("endpoint-config delete-endpoint", "endpoints", "DeleteEndpoint", argument=Names.ENDPOINT),
    Command("endpoint-config update-capacity", "endpoints", "UpdateEndpointWeightsAndCapacities"),
    Command("schema list", "schema"),
    Command("schema show", "schema"),
    Command("schema validate", "schema"),
    Command("simulator serve", "simulator"),
    Command("simulator status", "simulator"),
    Command("simulator reset", "simulator"),
)

GROUPS: dict[str, str] = {
    "endpoint-config": "Endpoint configurations and endpoints, including from recommendations.",
    "schema": "The bundled JSON Schemas of every request and response.",
    "simulator": "The embedded simulator: serve it over HTTP, see its state, reset it.",
}

# API operation -> the command that sends it, in the order `ircli schema list` shows them.
OPERATIONS: dict[str, Command] = {command.operation: command for command in COMMANDS if command.operation}

# The first word of every command line: a command or a group.
TOP_LEVEL: tuple[str, ...] = tuple(dict.fromkeys(command.path.split(" ", 1)[0] for command in COMMANDS))


def result_key(operation: str) -> str:
    """The member that holds a paginated operation's items."""
    key = OPERATIONS[operation].result_key
    if key is None:
        raise KeyError(f"{operation} is not paginated")
    return key


def resolve_operation(name: str) -> str | None:
    """Map an API operation name or an ircli command (`create-job`, `endpoint-config create`) to the
    API operation name; None when it is neither."""
    if name in OPERATIONS:
        return name
    normalised = " ".join(name.replace("_", "-").split())
    for operation, command in OPERATIONS.items():
        if command.path == normalised:
            return operation
    lowered = {operation.lower(): operation for operation in OPERATIONS}
    return lowered.get(name.lower())
