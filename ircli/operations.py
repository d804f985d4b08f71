"""The API operations ircli uses, and the ircli command that stands for each.

This table is the single place where command names and API operation names meet: the schema
generator, `ircli schema ...`, skeletons and the backends all read it.
"""

from __future__ import annotations

OPERATIONS: dict[str, str] = {
    "CreateInferenceRecommendationsJob": "create-job",
    "DescribeInferenceRecommendationsJob": "describe-job",
    "ListInferenceRecommendationsJobs": "list-jobs",
    "ListInferenceRecommendationsJobSteps": "list-steps",
    "StopInferenceRecommendationsJob": "stop-job",
    "GetScalingConfigurationRecommendation": "scaling-recommendation",
    "CreateEndpointConfig": "endpoint-config create",
    "DescribeEndpointConfig": "endpoint-config describe",
    "DeleteEndpointConfig": "endpoint-config delete",
    "CreateEndpoint": "endpoint-config deploy",
    "DescribeEndpoint": "endpoint-config describe-endpoint",
    "DeleteEndpoint": "endpoint-config delete-endpoint",
    "UpdateEndpointWeightsAndCapacities": "endpoint-config update-capacity",
}

COMMANDS: dict[str, str] = {command: operation for operation, command in OPERATIONS.items()}


def resolve_operation(name: str) -> str | None:
    """Map an API operation name or an ircli command (`create-job`, `endpoint-config create`) to the
    API operation name; None when it is neither."""
    if name in OPERATIONS:
        return name
    normalised = " ".join(name.replace("_", "-").split())
    if normalised in COMMANDS:
        return COMMANDS[normalised]
    lowered = {operation.lower(): operation for operation in OPERATIONS}
    return lowered.get(name.lower())
