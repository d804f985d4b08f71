"""The registry of the API operations ircli knows and of its commands, keyed by (service, operation):
the one place where an operation's service, whether it changes state, a command's name and module, the
operation it sends and what its argument names meet. What botocore's models state (protocols, target
prefixes, endpoint variables, paginated members) is read from `ircli.service_models`, generated from them
by `tools/generate_registry.py`.

The app builds its command tree from it, the service layer paginates by it, the schema generator and
`ircli schema` list its operations, completions offer job, model and endpoint names by it, and the
simulator answers exactly its operations. To add an operation: one `Operation` line here (and a
`Command` line if ircli has a command for it), one handler in the simulator, and its schemas
(`tools/generate_schemas.py`, `tools/generate_registry.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from ircli.service_models import PAGINATED, SERVICES, ServiceModel


class Service(str, Enum):
    """The AWS services whose operations ircli sends or its simulator answers (botocore's names)."""

    SAGEMAKER = "sagemaker"
    RUNTIME = "sagemaker-runtime"
    LOGS = "logs"
    AUTOSCALING = "application-autoscaling"
    CLOUDWATCH = "cloudwatch"
    PRICING = "pricing"

    @property
    def model(self) -> ServiceModel:
        """What botocore's model states about the service (protocols, target prefix, endpoint variable)."""
        return SERVICES[self.value]


class Names(str, Enum):
    """What a command's positional argument names, so that completion can offer existing ones."""

    JOB = "job"
    ENDPOINT_CONFIG = "endpoint-config"
    ENDPOINT = "endpoint"
    MODEL = "model"


class OperationKey(NamedTuple):
    """An operation's identity: its name is unique only within its service (TagResource, ...)."""

    service: Service
    name: str

    def __str__(self) -> str:
        return f"{self.service.value}:{self.name}"

    @property
    def reference(self) -> str:
        """How ircli's messages and the name-keyed core name it: the bare name while it is unique."""
        return self.name if len(_BY_NAME.get(self.name, ())) == 1 else str(self)


class Effect(str, Enum):
    """Whether an operation changes state. botocore's models do not say; the registry states it once."""

    READ = "read"
    CHANGE = "change"


@dataclass(frozen=True)
class Operation:
    service: Service
    name: str
    effect: Effect

    @property
    def key(self) -> OperationKey:
        return OperationKey(self.service, self.name)

    @property
    def changes(self) -> bool:
        return self.effect is Effect.CHANGE

    @property
    def result_key(self) -> str | None:
        """For a paginated operation, the member that holds its items (botocore's paginators-1.json)."""
        return PAGINATED.get((self.service.value, self.name))


@dataclass(frozen=True)
class Command:
    path: str  # as typed after `ircli`: "create-job", "endpoint-config create"
    module: str  # the module under `ircli.cli.commands` that defines it
    operation: str | None = None  # the API operation it sends, if it sends one (its name in the registry)
    argument: Names | None = None  # what its positional argument(s) name
    # For a top-level command, the first paragraph of its help, so that `ircli --help` lists the commands
    # without importing them (a test keeps it equal to the function's docstring).
    summary: str = ""

    @property
    def group(self) -> str | None:
        return self.path.split(" ", 1)[0] if " " in self.path else None


S, R, L, A = Service.SAGEMAKER, Service.RUNTIME, Service.LOGS, Service.AUTOSCALING
READ, CHANGE = Effect.READ, Effect.CHANGE

# Every operation ircli sends or its simulator answers; each has a request and a response schema.
OPERATION_LIST: tuple[Operation, ...] = (
    Operation(S, "CreateInferenceRecommendationsJob", CHANGE),
    Operation(S, "DescribeInferenceRecommendationsJob", READ),
    Operation(S, "ListInferenceRecommendationsJobs", READ),
    Operation(S, "ListInferenceRecommendationsJobSteps", READ),
    Operation(S, "StopInferenceRecommendationsJob", CHANGE),
    Operation(S, "GetScalingConfigurationRecommendation", READ),
    Operation(S, "CreateEndpointConfig", CHANGE),
    Operation(S, "DescribeEndpointConfig", READ),
    Operation(S, "DeleteEndpointConfig", CHANGE),
    Operation(S, "ListEndpointConfigs", READ),
    Operation(S, "CreateEndpoint", CHANGE),
    Operation(S, "DescribeEndpoint", READ),
    Operation(S, "DeleteEndpoint", CHANGE),
    Operation(S, "UpdateEndpoint", CHANGE),
    Operation(S, "UpdateEndpointWeightsAndCapacities", CHANGE),
    Operation(S, "ListEndpoints", READ),
    Operation(S, "CreateModel", CHANGE),
    Operation(S, "DescribeModel", READ),
    Operation(S, "ListModels", READ),
    Operation(S, "DeleteModel", CHANGE),
    Operation(S, "CreateModelPackageGroup", CHANGE),
    Operation(S, "DescribeModelPackageGroup", READ),
    Operation(S, "ListModelPackageGroups", READ),
    Operation(S, "DeleteModelPackageGroup", CHANGE),
    Operation(S, "CreateModelPackage", CHANGE),
    Operation(S, "DescribeModelPackage", READ),
    Operation(S, "ListModelPackages", READ),
    Operation(S, "DeleteModelPackage", CHANGE),
    Operation(S, "AddTags", CHANGE),
    Operation(S, "ListTags", READ),
    Operation(S, "DeleteTags", CHANGE),
    # Models and their registry: package approval and the benchmarked-model catalog (ListModelMetadata).
    Operation(S, "UpdateModelPackage", CHANGE),
    Operation(S, "ListModelMetadata", READ),
    Operation(R, "InvokeEndpoint", READ),  # answers from the endpoint; changes nothing the service keeps
    Operation(L, "GetLogEvents", READ),
    Operation(L, "DescribeLogStreams", READ),
    Operation(L, "FilterLogEvents", READ),
    Operation(A, "RegisterScalableTarget", CHANGE),
    Operation(A, "DescribeScalableTargets", READ),
    Operation(A, "DeregisterScalableTarget", CHANGE),
    Operation(A, "PutScalingPolicy", CHANGE),
    Operation(A, "DescribeScalingPolicies", READ),
    Operation(A, "DeleteScalingPolicy", CHANGE),
    # CloudWatch: the metrics of benchmarks and endpoints (served by the simulator; `ircli metrics` reads them).
    Operation(Service.CLOUDWATCH, "GetMetricStatistics", READ),
    Operation(Service.CLOUDWATCH, "GetMetricData", READ),
    Operation(Service.CLOUDWATCH, "ListMetrics", READ),
    Operation(Service.CLOUDWATCH, "GetMetricWidgetImage", READ),
    # The Price List API: SageMaker's on-demand prices per region (cost-estimate and ranking on --backend aws).
    Operation(Service.PRICING, "GetProducts", READ),
    Operation(Service.PRICING, "DescribeServices", READ),
    # generative-AI inference recommendations: workload configurations, recommendation and benchmark jobs
    Operation(S, "CreateAIWorkloadConfig", CHANGE),
    Operation(S, "DescribeAIWorkloadConfig", READ),
    Operation(S, "ListAIWorkloadConfigs", READ),
    Operation(S, "DeleteAIWorkloadConfig", CHANGE),
    Operation(S, "CreateAIRecommendationJob", CHANGE),
    Operation(S, "DescribeAIRecommendationJob", READ),
    Operation(S, "ListAIRecommendationJobs", READ),
    Operation(S, "StopAIRecommendationJob", CHANGE),
    Operation(S, "DeleteAIRecommendationJob", CHANGE),
    Operation(S, "CreateAIBenchmarkJob", CHANGE),
    Operation(S, "DescribeAIBenchmarkJob", READ),
    Operation(S, "ListAIBenchmarkJobs", READ),
    Operation(S, "StopAIBenchmarkJob", CHANGE),
    Operation(S, "DeleteAIBenchmarkJob", CHANGE),
)
OPERATIONS: dict[OperationKey, Operation] = {operation.key: operation for operation in OPERATION_LIST}
_BY_NAME: dict[str, list[Operation]] = {}
for _operation in OPERATION_LIST:
    _BY_NAME.setdefault(_operation.name, []).append(_operation)


def find(reference: str | OperationKey) -> Operation:
    """The operation a key, `service:Operation` or an operation name unique among the services names;
    KeyError (with the reason) otherwise."""
    if isinstance(reference, OperationKey):
        return OPERATIONS[reference]
    found = _BY_NAME.get(reference)
    if found is not None and len(found) == 1:
        return found[0]
    if found:
        where = ", ".join(str(operation.key) for operation in found)
        raise KeyError(f"{reference} is an operation of several services; name one: {where}")
    service, colon, name = reference.partition(":")
    if colon:
        for candidate in Service:
            if candidate.value == service and (candidate, name) in OPERATIONS:
                return OPERATIONS[OperationKey(candidate, name)]
    raise KeyError(f"{reference} is not a registered operation")


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
    # Metrics (issue 20): each benchmark's CloudWatch series, read with GetMetricData.
    Command(
        "metrics",
        "metrics",
        argument=Names.JOB,
        summary="Show each benchmark's CloudWatch metrics over the job's window: invocations, latency percentiles, "
        "CPU and memory, users.",
    ),
    # ircli load-test (issue 24): a job's traffic pattern run on Locust against an endpoint or a container.
    Command(
        "load-test",
        "load_test",
        summary="Load-test an endpoint or a local container with a job's traffic pattern and stopping conditions, "
        "on Locust, and report MaxInvocations and ModelLatency as Inference Recommender does.",
    ),
    Command("model create", "models", "CreateModel"),
    Command("model describe", "models", "DescribeModel", argument=Names.MODEL),
    Command("model list", "models", "ListModels"),
    Command("model delete", "models", "DeleteModel", argument=Names.MODEL),
    Command("model metadata", "models", "ListModelMetadata"),  # the benchmarked-model catalog
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
    # What the package ships besides its code.
    Command(
        "completion",
        "bundled",
        summary="Print or install the shell completion script for bash, zsh, fish or PowerShell.",
    ),
    Command("examples list", "bundled"),
    Command("examples show", "bundled"),
    Command("examples copy", "bundled"),
)

GROUPS: dict[str, str] = {
    "model": "Models: the container, artifacts and role an endpoint serves.",
    "endpoint-config": "Endpoint configurations and endpoints, including from recommendations.",
    "schema": "The bundled JSON Schemas of every request and response.",
    "simulator": "The embedded simulator: serve it over HTTP, see its state, reset it.",
    "examples": "The sample requests, traffic profiles and workflows ircli ships: list, show, copy.",
}

# API operation -> the command that sends it.
COMMAND_OF: dict[OperationKey, Command] = {
    find(command.operation).key: command for command in COMMANDS if command.operation
}


def aws_cli_name(operation: str) -> str:
    """The AWS CLI's command for an operation (botocore's `xform_name` with dashes):
    DescribeInferenceRecommendationsJob -> describe-inference-recommendations-job, ListAIWorkloadConfigs ->
    list-ai-workload-configs."""
    import re

    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", operation).lower()


# The AWS CLI's name of each operation ircli has a command for -> that command (`aws sagemaker
# describe-inference-recommendations-job` habits work: `ircli describe-inference-recommendations-job`).
AWS_CLI_NAMES: dict[str, Command] = {aws_cli_name(key.name): command for key, command in COMMAND_OF.items()}

# The first word of every command line: a command or a group.
TOP_LEVEL: tuple[str, ...] = tuple(dict.fromkeys(command.path.split(" ", 1)[0] for command in COMMANDS))


def result_key(operation: str | OperationKey) -> str:
    """The member that holds a paginated operation's items."""
    key = find(operation).result_key
    if key is None:
        raise KeyError(f"{operation} is not paginated")
    return key


def changes_state(operation: str | OperationKey) -> bool:
    """Whether sending the operation may change something (so an interrupt must say it may have)."""
    return find(operation).changes


def resolve_operation(name: str) -> OperationKey | None:
    """Map an API operation (`CreateModel`, `sagemaker:CreateModel`, any case) or an ircli command
    (`create-job`, `endpoint-config create`) to the operation's key; None when it is neither (or when a
    bare name is an operation of several services)."""
    try:
        return find(name).key
    except KeyError:
        pass
    normalised = " ".join(name.replace("_", "-").split())
    for key, command in COMMAND_OF.items():
        if command.path == normalised:
            return key
    lowered = {str(key).lower(): key for key in OPERATIONS}
    lowered.update({key.name.lower(): key for key in OPERATIONS if len(_BY_NAME[key.name]) == 1})
    return lowered.get(name.lower())
