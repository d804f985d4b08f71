"""Deploying a generative-AI recommendation the documented way, orchestrated once: CreateModel from the
recommendation's model package, CreateEndpointConfig, CreateEndpoint and, for more than one copy per
instance, CreateInferenceComponent once the endpoint is InService (an endpoint takes components only then);
with `wait`, until the endpoint (or the component) is InService."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ircli.errors import InputError
from ircli.lib import genai

if TYPE_CHECKING:
    from ircli.lib.service import RecommenderService


def deploy(
    service: RecommenderService,
    job_name: str | None,
    *,
    rank: int = 1,
    name: str | None = None,
    role_arn: str | None = None,
    wait: bool = False,
    timeout: float = 3600.0,
    interval: float | None = None,
    note: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Deploy the job's recommendation `rank`; returns the names and ARNs made."""
    if not job_name:
        raise InputError("Give the recommendation job's name: ircli ai-recommendation deploy JOB.")
    job = service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": job_name})
    if job.get("AIRecommendationJobStatus") != "Completed":
        raise InputError(
            f"Job {job_name} is {job.get('AIRecommendationJobStatus')}: only a Completed job's recommendations deploy.",
            hint=f"Wait for it: ircli ai-recommendation wait {job_name}",
        )
    plan = genai.deploy_plan(job, rank, name=name or f"{job_name}-{rank}"[:63], role_arn=role_arn)
    every = interval or service.poll_interval
    made: dict[str, Any] = {
        "ModelArn": service.call("CreateModel", plan.model)["ModelArn"],
        "EndpointConfigArn": service.call("CreateEndpointConfig", plan.endpoint_config)["EndpointConfigArn"],
        "EndpointArn": service.call("CreateEndpoint", plan.endpoint)["EndpointArn"],
    }
    made["EndpointName"] = plan.endpoint["EndpointName"]
    deployment = job["Recommendations"][rank - 1].get("DeploymentConfiguration") or {}
    made["InstanceType"] = deployment.get("InstanceType")
    made["InstanceCount"] = deployment.get("InstanceCount", 1)
    made["CopyCountPerInstance"] = deployment.get("CopyCountPerInstance", 1)
    if plan.component is not None or wait:
        note(f"endpoint {made['EndpointName']}: waiting for InService")
        service.wait_for_endpoint(made["EndpointName"], timeout=timeout, interval=every)
        made["EndpointStatus"] = "InService"
    if plan.component is not None:
        made["InferenceComponentArn"] = service.call("CreateInferenceComponent", plan.component)[
            "InferenceComponentArn"
        ]
        made["InferenceComponentName"] = plan.component["InferenceComponentName"]
        if wait:
            note(f"inference component {made['InferenceComponentName']}: waiting for InService")
            genai.wait_for_component(service, made["InferenceComponentName"], timeout=timeout, interval=every)
            made["InferenceComponentStatus"] = "InService"
    return made
