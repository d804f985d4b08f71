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

# The commands live in `ircli.command_list`; they are named here too, beside the operations they send.
from ircli.command_list import COMMANDS as COMMANDS
from ircli.command_list import GROUPS as GROUPS
from ircli.command_list import Command as Command
from ircli.command_list import Names as Names
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
    # Inference components: the models an endpoint hosts in copies (how a generative-AI recommendation deploys).
    Operation(S, "CreateInferenceComponent", CHANGE),
    Operation(S, "DescribeInferenceComponent", READ),
    Operation(S, "ListInferenceComponents", READ),
    Operation(S, "UpdateInferenceComponent", CHANGE),
    Operation(S, "DeleteInferenceComponent", CHANGE),
    Operation(R, "InvokeEndpointWithResponseStream", READ),
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


# API operation -> the command that sends it.
COMMAND_OF: dict[OperationKey, Command] = {
    find(command.operation).key: command for command in COMMANDS if command.operation
}


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
