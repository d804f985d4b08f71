"""The simulated service: `Simulator.dispatch(operation, request)` takes a request as botocore would send
it and returns the response as botocore would parse it (timestamps as aware datetimes, non-finite floats
as "NaN"), or raises a `SimulatorError` with the service's code and message.

Each kind of resource is its own model (`jobs`, `endpoints`, `scaling`) over the SQLite store; this module
holds them together and routes each operation to its handler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from ircli.lib.validation import request_violations, service_message
from ircli.simulator.common import speed_factor
from ircli.simulator.endpoints import Endpoints
from ircli.simulator.exceptions import UnknownOperationException, ValidationException
from ircli.simulator.jobs import Jobs
from ircli.simulator.scaling import Scaling
from ircli.simulator.store import Store

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
        "CreateEndpointConfig": ("endpoints", "create_endpoint_config"),
        "DescribeEndpointConfig": ("endpoints", "describe_endpoint_config"),
        "DeleteEndpointConfig": ("endpoints", "delete_endpoint_config"),
        "CreateEndpoint": ("endpoints", "create_endpoint"),
        "DescribeEndpoint": ("endpoints", "describe_endpoint"),
        "DeleteEndpoint": ("endpoints", "delete_endpoint"),
        "UpdateEndpointWeightsAndCapacities": ("endpoints", "update_capacity"),
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
        self.region = region
        self.speed = speed  # IRCLI_SIM_SPEED's value; None is the default speed
        self.jobs = Jobs(self)
        self.endpoints = Endpoints(self)
        self.scaling = Scaling(self)

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
            # The service ignores members it does not know; everything else it checks.
            violations = [v for v in request_violations(operation, request) if v.rule != "unknown"]
            if violations:
                raise ValidationException(service_message(violations))
        return handler(request)
