"""The scaling formula the simulator answers GetScalingConfigurationRecommendation with, and ircli applies
to the load tests it measured itself (the service's own formula is not public; see the README)."""

from __future__ import annotations

import math
from typing import Any

DEFAULT_COOLDOWN_SECONDS = 300  # SageMaker's default variant scaling cooldown


def scaling_configuration(
    total_invocations: int, instance_count: int, model_latency: int, target_cpu: int, objective: dict[str, Any] | None
) -> dict[str, Any]:
    """The simulator's scaling formula (the service's is not public; see the README):

    per-instance capacity = MaxInvocations / InitialInstanceCount; the target-tracking value on
    SageMakerVariantInvocationsPerInstance is that capacity x TargetCpuUtilizationPerCore / 100 (AWS's own
    analysis sample targets 45-55% of the benchmarked maximum); MinCapacity and MaxCapacity cover the
    objective's MinInvocationsPerMinute and MaxInvocationsPerMinute at that target (without an objective:
    1 and the count that serves the benchmarked maximum at the target); cooldowns are SageMaker's default.
    """
    per_instance = max(1, total_invocations // max(1, instance_count))
    target = max(1.0, round(per_instance * target_cpu / 100.0, 1))
    objective = objective or {}
    minimum = max(1, math.ceil(objective.get("MinInvocationsPerMinute", 0) / target))
    peak = objective.get("MaxInvocationsPerMinute", total_invocations)
    maximum = max(minimum, math.ceil(peak / target))
    return {
        "Metric": {"InvocationsPerInstance": per_instance, "ModelLatency": model_latency},
        "DynamicScalingConfiguration": {
            "MinCapacity": minimum,
            "MaxCapacity": maximum,
            "ScaleInCooldown": DEFAULT_COOLDOWN_SECONDS,
            "ScaleOutCooldown": DEFAULT_COOLDOWN_SECONDS,
            "ScalingPolicies": [
                {
                    "TargetTracking": {
                        "MetricSpecification": {
                            "Predefined": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}
                        },
                        "TargetValue": target,
                    }
                }
            ],
        },
    }
