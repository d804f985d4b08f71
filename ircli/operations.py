"""The registry of the API operations ircli knows and of its commands: the one place where an
operation's service and paginated result, a command's name and module, the operation it sends and what
its argument names meet.

The app builds its command tree from it, the service layer paginates by it, the schema generator and
`ircli schema` list its operations, completions offer job, model and endpoint names by it, and the
simulator answers exactly its operations. To add an operation: one `Operation` line here (and a
`Command` line if ircli has a command for it), one handler in the simulator, and its schemas
(`tools/generate_schemas.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Service(str, Enum):
    """The AWS services whose operations ircli sends or its simulator answers (botocore's names)."""

    SAGEMAKER = "sagemaker"
    RUNTIME = "sagemaker-runtime"
    LOGS = "logs"
    AUTOSCALING = "application-autoscaling"


class Names(str, Enum):
    """What a command's positional argument names, so that completion can offer existing ones."""

    JOB = "job"
    ENDPOINT_CONFIG = "endpoint-config"
    ENDPOINT = "endpoint"
    MODEL = "model"


@dataclass(frozen=True)
class Operation:
    name: str
    service: Service = Service.SAGEMAKER
    result_key: str | None = None  # for a paginated operation, the member that holds its items


@dataclass(frozen=True)
class Command:
    path: str  # as typed after `ircli`: "create-job", "endpoint-config create"
    module: str  # the module under `ircli.cli.commands` that defines it
    operation: str | None = None  # the API operation it sends, if it sends one
    argument: Names | None = None  # what its positional argument(s) name
    # For a top-level command, the first paragraph of its help, so that `ircli --help` lists the commands
    # without importing them (a test keeps it equal to the function's docstring).
    summary: str = ""

    @property
    def group(self) -> str | None:
        return self.path.split(" ", 1)[0] if " " in self.path else None


S, R, L, A = Service.SAGEMAKER, Service.RUNTIME, Service.LOGS, Service.AUTOSCALING

# Every operation ircli sends or its simulator answers; each has a request and a response schema.
OPERATION_LIST: tuple[Operation, ...] = (
    Operation("CreateInferenceRecommendationsJob"),
    Operation("DescribeInferenceRecommendationsJob"),
    Operation("ListInferenceRecommendationsJobs", result_key="InferenceRecommendationsJobs"),
    Operation("ListInferenceRecommendationsJobSteps", result_key="Steps"),
    Operation("StopInferenceRecommendationsJob"),
    Operation("GetScalingConfigurationRecommendation"),
    Operation("CreateEndpointConfig"),
    Operation("DescribeEndpointConfig"),
    Operation("DeleteEndpointConfig"),
    Operation("ListEndpointConfigs", result_key="EndpointConfigs"),
    Operation("CreateEndpoint"),
    Operation("DescribeEndpoint"),
    Operation("DeleteEndpoint"),
    Operation("UpdateEndpoint"),
    Operation("UpdateEndpointWeightsAndCapacities"),
    Operation("ListEndpoints", result_key="Endpoints"),
    Operation("CreateModel"),
    Operation("DescribeModel"),
    Operation("ListModels", result_key="Models"),
    Operation("DeleteModel"),
    Operation("CreateModelPackageGroup"),
    Operation("DescribeModelPackageGroup"),
    Operation("ListModelPackageGroups", result_key="ModelPackageGroupSummaryList"),
    Operation("DeleteModelPackageGroup"),
    Operation("CreateModelPackage"),
    Operation("DescribeModelPackage"),
    Operation("ListModelPackages", result_key="ModelPackageSummaryList"),
    Operation("DeleteModelPackage"),
    Operation("AddTags"),
    Operation("ListTags", result_key="Tags"),
    Operation("DeleteTags"),
    Operation("InvokeEndpoint", R),
    Operation("GetLogEvents", L),
    Operation("DescribeLogStreams", L, result_key="logStreams"),
    Operation("FilterLogEvents", L, result_key="events"),
    Operation("RegisterScalableTarget", A),
    Operation("DescribeScalableTargets", A, result_key="ScalableTargets"),
    Operation("DeregisterScalableTarget", A),
    Operation("PutScalingPolicy", A),
    Operation("DescribeScalingPolicies", A, result_key="ScalingPolicies"),
    Operation("DeleteScalingPolicy", A),
)
OPERATIONS: dict[str, Operation] = {operation.name: operation for operation in OPERATION_LIST}

COMMANDS: tuple[Command, ...] = (
    Command(
        "create-job",
        "create_job",
        "CreateInferenceRecommendationsJob",
        summary="Start a recommendation job: an instance recommendation (Default) or a load test (Advanced).",
    ),
    Command(
        "describe-job",
        "jobs",
        "DescribeInferenceRecommendationsJob",
        argument=Names.JOB,
        summary="Show a job: status, timing, failure reason, recommendations and endpoint performances (the raw "
        "API response with --output json; the ranking options order the table).",
    ),
    Command(
        "list-jobs",
        "jobs",
        "ListInferenceRecommendationsJobs",
        summary="List recommendation jobs, all pages unless --max-items is given.",
    ),
    Command(
        "list-steps",
        "jobs",
        "ListInferenceRecommendationsJobSteps",
        argument=Names.JOB,
        summary="List a job's steps (one benchmark per endpoint configuration and parameter combination).",
    ),
    Command(
        "stop-job",
        "jobs",
        "StopInferenceRecommendationsJob",
        argument=Names.JOB,
        summary="Stop a job. It goes STOPPING, then STOPPED; finished benchmarks keep their recommendations.",
    ),
    Command(
        "wait",
        "jobs",
        argument=Names.JOB,
        summary="Wait for a job to end: exit 0 when COMPLETED, 255 when FAILED or STOPPED, 124 on timeout.",
    ),
    Command(
        "logs",
        "logs",
        "GetLogEvents",
        argument=Names.JOB,
        summary="Show a job's execution log: when each benchmark started, what it measured, why it failed.",
    ),
    Command(
        "scaling-recommendation",
        "jobs",
        "GetScalingConfigurationRecommendation",
        summary="Recommend an auto-scaling policy from a completed job's recommendation or benchmarked endpoint.",
    ),
    Command(
        "rank-recommendations",
        "analysis",
        argument=Names.JOB,
        summary="Rank a job's recommendations by cost, latency and throughput and name the top pick. With "
        "--output json: a list of {Rank, Score, ParetoOptimal, TopPick, Recommendation}.",
    ),
    Command(
        "compare-jobs",
        "analysis",
        argument=Names.JOB,
        summary="Compare two jobs' recommendations for the same endpoint configurations, with signed % changes.",
    ),
    Command(
        "cost-estimate",
        "costs",
        argument=Names.JOB,
        summary="Monthly cost and latency of each of a job's recommendations at your traffic, ranked, with the "
        "break-even between serverless and real-time.",
    ),
    Command(
        "report",
        "report",
        argument=Names.JOB,
        summary="Write one or more jobs as a self-contained HTML report to share, with their comparison for two.",
    ),
    Command(
        "list-endpoints",
        "endpoint_listing",
        "ListEndpoints",
        summary="List endpoints with their status, all pages unless --max-items is given.",
    ),
    Command("model create", "models", "CreateModel"),
    Command("model describe", "models", "DescribeModel", argument=Names.MODEL),
    Command("model list", "models", "ListModels"),
    Command("model delete", "models", "DeleteModel", argument=Names.MODEL),
    Command("endpoint-config create", "endpoints", "CreateEndpointConfig"),
    Command("endpoint-config describe", "endpoints", "DescribeEndpointConfig", argument=Names.ENDPOINT_CONFIG),
    Command("endpoint-config list", "endpoint_listing", "ListEndpointConfigs"),
    Command("endpoint-config delete", "endpoints", "DeleteEndpointConfig", argument=Names.ENDPOINT_CONFIG),
    Command("endpoint-config deploy", "endpoints", "CreateEndpoint"),
    Command("endpoint-config describe-endpoint", "endpoints", "DescribeEndpoint", argument=Names.ENDPOINT),
    Command("endpoint-config delete-endpoint", "endpoints", "DeleteEndpoint", argument=Names.ENDPOINT),
    Command("endpoint-config update-capacity", "endpoints", "UpdateEndpointWeightsAndCapacities"),
    Command("endpoint-config update-endpoint", "endpoints", "UpdateEndpoint"),
    Command("schema list", "schema"),
    Command("schema show", "schema"),
    Command("schema validate", "schema"),
    Command("simulator serve", "simulator"),
    Command("simulator status", "simulator"),
    Command("simulator reset", "simulator"),
)

GROUPS: dict[str, str] = {
    "model": "Models: the container, artifacts and role an endpoint serves.",
    "endpoint-config": "Endpoint configurations and endpoints, including from recommendations.",
    "schema": "The bundled JSON Schemas of every request and response.",
    "simulator": "The embedded simulator: serve it over HTTP, see its state, reset it.",
}

# API operation -> the command that sends it.
COMMAND_OF: dict[str, Command] = {command.operation: command for command in COMMANDS if command.operation}

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
    for operation, command in COMMAND_OF.items():
        if command.path == normalised:
            return operation
    lowered = {operation.lower(): operation for operation in OPERATIONS}
    return lowered.get(name.lower())
