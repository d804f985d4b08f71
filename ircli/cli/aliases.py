"""The AWS CLI's names of the operations ircli has a command for, as commands: `ircli
describe-inference-recommendations-job` runs `ircli describe-job`, as `aws sagemaker ...` habits expect."""

from __future__ import annotations

import re

from ircli.operations import COMMAND_OF, Command


def aws_cli_name(operation: str) -> str:
    """The AWS CLI's command for an operation (botocore's `xform_name` with dashes):
    DescribeInferenceRecommendationsJob -> describe-inference-recommendations-job, ListAIWorkloadConfigs ->
    list-ai-workload-configs."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", operation).lower()


# The AWS CLI's name of each operation ircli has a command for -> that command.
AWS_CLI_NAMES: dict[str, Command] = {aws_cli_name(key.name): command for key, command in COMMAND_OF.items()}
