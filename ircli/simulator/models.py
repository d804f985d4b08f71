"""The simulated service: `Simulator.dispatch(operation, request)` takes a request as botocore would send
it and returns the response as botocore would parse it (timestamps as aware datetimes, non-finite floats
as "NaN"), or raises a `SimulatorError` with the service's code and message.

Each kind of resource is its own model over the SQLite store (`jobs`, `endpoint_configs`, `endpoints`,
`scaling`, `inference_models`, `tagging`, and for the other services `runtime`, `logs`, `autoscaling`);
this module holds them together and routes each operation to its handler. The wire protocols
(`protocols`) turn HTTP requests into `dispatch` calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from ircli.simulator.common import Resource, speed_factor
from ircli.simulator.exceptions import UnknownOperationException, ValidationException
from ircli.simulator.store import Store

# Resource name -> (module, class): each is imported on first use, so that describing a job does not load
# the performance model, the log builder or Application Auto Scaling.
RESOURCES: dict[str, tuple[str, str]] = {
    "jobs": ("ircli.simulator.jobs", "Jobs"),
    "endpoint_configs": ("ircli.simulator.endpoint_configs", "EndpointConfigs"),
    "endpoints": ("ircli.simulator.endpoints", "Endpoints"),
    "scaling": ("ircli.simulator.scaling", "Scaling"),
    "models": ("ircli.simulator.inference_models", "Models"),
    "tags": ("ircli.simulator.tagging", "Tags"),
    "runtime": ("ircli.simulator.runtime", "Runtime"),
    "logs": ("ircli.simulator.logs", "Logs"),
    "autoscaling": ("ircli.simulator.autoscaling", "AutoScaling"),
}

__all__ = ["Simulator", "speed_factor"]


class Simulator:
    # Operation -> (the resource model, its method).
    HANDLERS: ClassVar[dict[str, tuple[str, str]]] = {
        "CreateInferenceRecommendationsJob": ("jobs", "create_job"),
        "DescribeInferenceRecommendationsJob": ("jobs", "describe_job"),
        "ListInferenceRecommendationsJobs": ("jobs", "list_jobs"),
        "ListInferenceRecommendationsJobSteps": ("jobs", "list_steps"),
        "StopInferenceRecommendationsJob": ("jobs", "stop_job"),
        "GetScalingConfigurationRecommendation": ("scaling", "scaling_recommendation"),
        "CreateEndpointConfig": ("endpoint_configs", "create_endpoint_config"),
        "DescribeEndpointConfig": ("endpoint_configs", "describe_endpoint_config"),
        "DeleteEndpointConfig": ("endpoint_configs", "delete_endpoint_config"),
        "ListEndpointConfigs": ("endpoint_configs", "list_endpoint_configs"),
        "CreateEndpoint": ("endpoints", "create_endpoint"),
        "DescribeEndpoint": ("endpoints", "describe_endpoint"),
        "DeleteEndpoint": ("endpoints", "delete_endpoint"),
        "UpdateEndpoint": ("endpoints", "update_endpoint"),
        "UpdateEndpointWeightsAndCapacities": ("endpoints", "update_capacity"),
        "ListEndpoints": ("endpoints", "list_endpoints"),
        "CreateModel": ("models", "create_model"),
        "DescribeModel": ("models", "describe_model"),
        "ListModels": ("models", "list_models"),
        "DeleteModel": ("models", "delete_model"),
        "CreateModelPackageGroup": ("models", "create_model_package_group"),
        "DescribeModelPackageGroup": ("models", "describe_model_package_group"),
        "ListModelPackageGroups": ("models", "list_model_package_groups"),
        "DeleteModelPackageGroup": ("models", "delete_model_package_group"),
        "CreateModelPackage": ("models", "create_model_package"),
        "DescribeModelPackage": ("models", "describe_model_package"),
        "ListModelPackages": ("models", "list_model_packages"),
        "DeleteModelPackage": ("models", "delete_model_package"),
        "AddTags": ("tags", "add_tags"),
        "ListTags": ("tags", "list_tags"),
        "DeleteTags": ("tags", "delete_tags"),
        "InvokeEndpoint": ("runtime", "invoke_endpoint"),
        "GetLogEvents": ("logs", "get_log_events"),
        "DescribeLogStreams": ("logs", "describe_log_streams"),
        "FilterLogEvents": ("logs", "filter_log_events"),
        "RegisterScalableTarget": ("autoscaling", "register_scalable_target"),
        "DescribeScalableTargets": ("autoscaling", "describe_scalable_targets"),
        "DeregisterScalableTarget": ("autoscaling", "deregister_scalable_target"),
        "PutScalingPolicy": ("autoscaling", "put_scaling_policy"),
        "DescribeScalingPolicies": ("autoscaling", "describe_scaling_policies"),
        "DeleteScalingPolicy": ("autoscaling", "delete_scaling_policy"),
    }

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], float] | None = None,
        region: str = "us-east-1",
        speed: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock or time.time
        if store.on_create is None:
            store.on_create = self._seed
        self.region = region
        self.speed = speed  # IRCLI_SIM_SPEED's value; None is the default speed
        self._resources: dict[str, Resource] = {}

    def _seed(self, connection: Any) -> None:
        from ircli.simulator.inference_models import seed

        seed(connection, self.clock())

    def __getattr__(self, name: str) -> Any:
        """The resource models, made on first use."""
        if name not in RESOURCES:
            raise AttributeError(name)
        if name not in self._resources:
            import importlib

            module, cls = RESOURCES[name]
            self._resources[name] = getattr(importlib.import_module(module), cls)(self)
        return self._resources[name]

    def handler(self, operation: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        if operation not in self.HANDLERS:
            raise UnknownOperationException(f"Operation {operation} is not supported by the ircli simulator.")
        resource, method = self.HANDLERS[operation]
        function: Callable[[dict[str, Any]], dict[str, Any]] = getattr(getattr(self, resource), method)
        return function

    def dispatch(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        """Answer one request. `validated` says the caller has already checked it against the schema and
        the service's rules (ircli's service layer does, before every call)."""
        handler = self.handler(operation)
        if not validated:
            from ircli.lib.validation import request_violations, service_message
            from ircli.simulator.pruning import prune

            # The service ignores members it does not know; everything else it checks.
            violations = [v for v in request_violations(operation, request) if v.rule != "unknown"]
            if violations:
                raise ValidationException(service_message(violations))
            request = prune(operation, request)
        return handler(request)
