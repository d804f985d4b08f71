"""Taking a generative-AI deployment down in the order the service requires, orchestrated once: the
endpoint's inference components first, waited for until they are gone (DeleteEndpoint is refused while an
endpoint hosts one, Deleting included: the developer guide's "Delete Endpoints and Resources"), then the
endpoint, its endpoint configuration and the models it served; with `wait`, until the endpoint is gone."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ircli.errors import InputError, ServiceError, WaitTimedOut

if TYPE_CHECKING:
    from ircli.lib.service import RecommenderService


def _components(service: RecommenderService, endpoint: str) -> list[str]:
    listed = service.paginate("ListInferenceComponents", {"EndpointNameEquals": endpoint})
    return [str(c["InferenceComponentName"]) for c in listed.get("InferenceComponents", [])]


def _wait_gone(
    service: RecommenderService,
    endpoint: str,
    *,
    timeout: float,
    interval: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    from ircli.lib.service import _poll

    def observe(_elapsed: Callable[[], float]) -> tuple[bool, list[str]]:
        left = _components(service, endpoint)
        return not left, left

    def timed_out(left: list[str]) -> WaitTimedOut:
        return WaitTimedOut(
            f"Inference components {', '.join(left)} are still on endpoint {endpoint} after {timeout:g} s; "
            "the endpoint cannot be deleted before they are gone.",
            hint=f"Run it again later: ircli ai-recommendation undeploy {endpoint}",
        )

    _poll(observe, timed_out, timeout=timeout, interval=interval, sleep=sleep, clock=clock)


def undeploy(
    service: RecommenderService,
    endpoint_name: str | None,
    *,
    keep_models: bool = False,
    wait: bool = False,
    timeout: float = 3600.0,
    interval: float | None = None,
    note: Callable[[str], None] = lambda line: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Delete the endpoint and what serves on it; returns what was deleted."""
    if not endpoint_name:
        raise InputError("Give the endpoint's name: ircli ai-recommendation undeploy ENDPOINT.")
    every = interval or service.poll_interval
    endpoint = service.call("DescribeEndpoint", {"EndpointName": endpoint_name})
    config_name = str(endpoint.get("EndpointConfigName", ""))
    try:
        config: dict[str, Any] | None = service.call("DescribeEndpointConfig", {"EndpointConfigName": config_name})
    except ServiceError:  # deleted already: the endpoint still runs on its copy of it
        config = None
    models = [str(v["ModelName"]) for v in (config or {}).get("ProductionVariants", []) if v.get("ModelName")]
    components = _components(service, endpoint_name)
    for name in components:
        described = service.call("DescribeInferenceComponent", {"InferenceComponentName": name})
        model = (described.get("Specification") or {}).get("ModelName")
        if model and model not in models:
            models.append(str(model))
        if described.get("InferenceComponentStatus") != "Deleting":
            service.call("DeleteInferenceComponent", {"InferenceComponentName": name})
    if components:
        note(f"inference components {', '.join(components)}: waiting until they are gone")
        _wait_gone(service, endpoint_name, timeout=timeout, interval=every, sleep=sleep, clock=clock)
    service.call("DeleteEndpoint", {"EndpointName": endpoint_name})
    if config is not None:
        service.call("DeleteEndpointConfig", {"EndpointConfigName": config_name})
    deleted_models = [] if keep_models else models
    for model in deleted_models:
        service.call("DeleteModel", {"ModelName": model})
    result: dict[str, Any] = {
        "EndpointName": endpoint_name,
        "DeletedInferenceComponents": components,
        "DeletedEndpointConfig": config_name if config is not None else None,
        "DeletedModels": deleted_models,
    }
    if wait:
        note(f"endpoint {endpoint_name}: waiting until it is deleted")
        service.wait_for_endpoint(endpoint_name, deleted=True, timeout=timeout, interval=every)
        result["EndpointStatus"] = "Deleted"
    return result
