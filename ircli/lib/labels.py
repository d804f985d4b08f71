"""How an endpoint configuration is named to people ("ml.c5.xlarge x3", "serverless 2048 MB x5"), in
tables, rankings, comparisons and progress alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ircli.lib.numbers import number


def serverless_label(serverless: Mapping[str, Any]) -> str:
    label = f"serverless {serverless.get('MemorySizeInMB', '?')} MB x{serverless.get('MaxConcurrency', '?')}"
    if "ProvisionedConcurrency" in serverless:
        label += f" (PC {serverless['ProvisionedConcurrency']})"
    return label


def endpoint_label(configuration: Mapping[str, Any], *, with_count: bool = True) -> str:
    """An EndpointConfiguration's name for people; `with_count=False` names the configuration without the
    instance count (which is a result of the benchmark, not part of what was asked for)."""
    if "ServerlessConfig" in configuration:
        return serverless_label(configuration["ServerlessConfig"])
    instance_type = str(configuration.get("InstanceType", "?"))
    count = configuration.get("InitialInstanceCount")
    if count and with_count and number(count) is None:
        return f"{instance_type} x n/a"  # the service may send "NaN" where a number belongs
    return f"{instance_type} x{count}" if count and with_count else instance_type


def recommendation_label(recommendation: Mapping[str, Any]) -> str:
    return endpoint_label(recommendation.get("EndpointConfiguration", {}))
