"""The simulated services: `Simulator.dispatch(operation, request)` takes a request as botocore would send
it (Python values: datetimes, bytes, floats) and returns the response in Python values, or raises a
`SimulatorError` with the service's code and message.

Each kind of resource is its own model over the SQLite store, reached through the typed attributes
below (`jobs`, `endpoint_configs`, `endpoints`, `scaling`, `models`, `tags`; for the other services
`runtime`, `logs`, `autoscaling`, `metrics`; the generative-AI `ai_workloads`, `ai_recommendations`,
`ai_benchmarks` and the `objects` their jobs write), each imported and made on first use, so that
describing a job does not load the performance model, the log builder or Application Auto Scaling.
Their methods register themselves as handlers (`resource.handles`); the wire protocols (`protocols`) turn
HTTP requests into `dispatch` calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ircli.operations import OperationKey, Service, find
from ircli.simulator.common import speed_factor
from ircli.simulator.exceptions import UnknownOperationException, ValidationException
from ircli.simulator.resource import HANDLERS, Resource
from ircli.simulator.store import Store

if TYPE_CHECKING:
    from ircli.simulator.application_autoscaling.scalable_targets import AutoScaling
    from ircli.simulator.cloudwatch.metrics import Metrics
    from ircli.simulator.logs.log_streams import Logs
    from ircli.simulator.objects import Objects
    from ircli.simulator.pricing.products import PriceList
    from ircli.simulator.sagemaker.ai_benchmarks import AIBenchmarks
    from ircli.simulator.sagemaker.ai_recommendations import AIRecommendations
    from ircli.simulator.sagemaker.ai_workloads import AIWorkloads
    from ircli.simulator.sagemaker.endpoint_configs import EndpointConfigs
    from ircli.simulator.sagemaker.endpoints import Endpoints
    from ircli.simulator.sagemaker.inference_components import InferenceComponents
    from ircli.simulator.sagemaker.inference_models import Models
    from ircli.simulator.sagemaker.jobs import Jobs
    from ircli.simulator.sagemaker.model_metadata import ModelMetadata
    from ircli.simulator.sagemaker.packages import PackageUpdates
    from ircli.simulator.sagemaker.scaling import Scaling
    from ircli.simulator.sagemaker.tagging import Tags
    from ircli.simulator.sagemaker_runtime.invocations import Runtime

__all__ = ["Simulator", "speed_factor"]

R = TypeVar("R", bound=Resource)
Answer = dict[str, Any]


class Simulator:
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
        self._resources: dict[type[Resource], Resource] = {}

    def _seed(self, connection: Any) -> None:
        from ircli.simulator.sagemaker.inference_models import seed

        seed(connection, self.clock())

    def _made(self, cls: type[R]) -> R:
        made = self._resources.get(cls)
        if made is None:
            made = self._resources[cls] = cls(self)
        return made  # type: ignore[return-value]

    # -- the resources, one attribute each (imported and made on first use) -------------------------------

    @property
    def jobs(self) -> Jobs:
        from ircli.simulator.sagemaker.jobs import Jobs

        return self._made(Jobs)

    @property
    def endpoint_configs(self) -> EndpointConfigs:
        from ircli.simulator.sagemaker.endpoint_configs import EndpointConfigs

        return self._made(EndpointConfigs)

    @property
    def endpoints(self) -> Endpoints:
        from ircli.simulator.sagemaker.endpoints import Endpoints

        return self._made(Endpoints)

    @property
    def inference_components(self) -> InferenceComponents:
        from ircli.simulator.sagemaker.inference_components import InferenceComponents

        return self._made(InferenceComponents)

    @property
    def scaling(self) -> Scaling:
        from ircli.simulator.sagemaker.scaling import Scaling

        return self._made(Scaling)

    @property
    def models(self) -> Models:
        from ircli.simulator.sagemaker.inference_models import Models

        return self._made(Models)

    @property
    def package_updates(self) -> PackageUpdates:
        from ircli.simulator.sagemaker.packages import PackageUpdates

        return self._made(PackageUpdates)

    @property
    def model_metadata(self) -> ModelMetadata:
        from ircli.simulator.sagemaker.model_metadata import ModelMetadata

        return self._made(ModelMetadata)

    @property
    def tags(self) -> Tags:
        from ircli.simulator.sagemaker.tagging import Tags

        return self._made(Tags)

    # generative-AI inference recommendations, and the S3 objects their jobs write
    @property
    def ai_workloads(self) -> AIWorkloads:
        from ircli.simulator.sagemaker.ai_workloads import AIWorkloads

        return self._made(AIWorkloads)

    @property
    def ai_recommendations(self) -> AIRecommendations:
        from ircli.simulator.sagemaker.ai_recommendations import AIRecommendations

        return self._made(AIRecommendations)

    @property
    def ai_benchmarks(self) -> AIBenchmarks:
        from ircli.simulator.sagemaker.ai_benchmarks import AIBenchmarks

        return self._made(AIBenchmarks)

    @property
    def objects(self) -> Objects:
        from ircli.simulator.objects import Objects

        return self._made(Objects)

    @property
    def runtime(self) -> Runtime:
        from ircli.simulator.sagemaker_runtime.invocations import Runtime

        return self._made(Runtime)

    @property
    def logs(self) -> Logs:
        from ircli.simulator.logs.log_streams import Logs

        return self._made(Logs)

    @property
    def autoscaling(self) -> AutoScaling:
        from ircli.simulator.application_autoscaling.scalable_targets import AutoScaling

        return self._made(AutoScaling)

    @property
    def metrics(self) -> Metrics:
        from ircli.simulator.cloudwatch.metrics import Metrics

        return self._made(Metrics)

    @property
    def price_list(self) -> PriceList:
        from ircli.simulator.pricing.products import PriceList

        return self._made(PriceList)

    # Each service's resources: on a service's first request they are imported, and so register their
    # handlers. Adding a service adds its line here.
    SERVICES: ClassVar[dict[Service, Callable[[Simulator], tuple[Resource, ...]]]] = {
        Service.SAGEMAKER: lambda s: (
            *(s.jobs, s.endpoint_configs, s.endpoints, s.scaling, s.models, s.tags),
            *(s.package_updates, s.model_metadata),  # the model registry's updates, the model-zoo catalog
            *(s.ai_workloads, s.ai_recommendations, s.ai_benchmarks),
            s.inference_components,
        ),
        Service.RUNTIME: lambda sim: (sim.runtime,),
        Service.LOGS: lambda sim: (sim.logs,),
        Service.AUTOSCALING: lambda sim: (sim.autoscaling,),
        Service.CLOUDWATCH: lambda sim: (sim.metrics,),
        Service.PRICING: lambda sim: (sim.price_list,),
    }

    def load(self, *services: Service) -> None:
        """Import the services' resources (every service's, with none named), registering their handlers."""
        for service in services or tuple(Service):
            self.SERVICES[service](self)

    def handler(self, operation: str | OperationKey) -> Callable[[Answer], Answer]:
        try:
            key = find(operation).key
        except KeyError:
            raise UnknownOperationException(f"Operation {operation} is not supported by the ircli simulator.") from None
        if key not in HANDLERS:
            self.load(key.service)
        if key not in HANDLERS:
            raise UnknownOperationException(f"Operation {key.name} is not supported by the ircli simulator.")
        cls, method = HANDLERS[key]
        function: Callable[[Answer], Answer] = getattr(self._made(cls), method)
        return function

    def dispatch(self, operation: str | OperationKey, request: Answer, *, validated: bool = False) -> Answer:
        """Answer one request. `validated` says the caller has already checked it against the schema and
        the service's rules (ircli's service layer does, before every call)."""
        handler = self.handler(operation)
        if not validated:
            from ircli.lib.validation import request_violations, service_message
            from ircli.simulator.pruning import prune

            reference = find(operation).key.reference
            # The service ignores members it does not know; everything else it checks (the protocols give
            # timestamps as datetimes and blobs as bytes, which the schemas take as they stand).
            violations = [v for v in request_violations(reference, request) if v.rule != "unknown"]
            if violations:
                raise ValidationException(service_message(violations))
            request = prune(reference, request)
        return handler(request)
