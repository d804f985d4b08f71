"""Deploying a generative-AI recommendation the documented way, orchestrated once: CreateModel from the
recommendation's model package, CreateEndpointConfig, CreateEndpoint and, for more than one copy per
instance, CreateInferenceComponent once the endpoint is InService (an endpoint takes components only then);
with `wait`, until the endpoint (or the component) is InService."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ircli.errors import InputError
from ircli.lib import genai

if TYPE_CHECKING:
    from ircli.lib.service import RecommenderService


@dataclass(frozen=True)
class AiDeployment:
    """What a deployment made: the names and ARNs, the recommendation's instances, and the statuses waited for."""

    model_arn: str
    endpoint_config_arn: str
    endpoint_arn: str
    endpoint_name: str
    instance_type: str | None
    instance_count: int
    copy_count_per_instance: int
    endpoint_status: str | None = None  # "InService" once waited for
    inference_component_arn: str | None = None  # more than one copy per instance: the component made
    inference_component_name: str | None = None
    inference_component_status: str | None = None

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "ModelArn": self.model_arn,
            "EndpointConfigArn": self.endpoint_config_arn,
            "EndpointArn": self.endpoint_arn,
            "EndpointName": self.endpoint_name,
            "InstanceType": self.instance_type,
            "InstanceCount": self.instance_count,
            "CopyCountPerInstance": self.copy_count_per_instance,
        }
        if self.endpoint_status is not None:
            document["EndpointStatus"] = self.endpoint_status
        if self.inference_component_arn is not None:
            document["InferenceComponentArn"] = self.inference_component_arn
            document["InferenceComponentName"] = self.inference_component_name
        if self.inference_component_status is not None:
            document["InferenceComponentStatus"] = self.inference_component_status
        return document


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
) -> AiDeployment:
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
    deployment = job["Recommendations"][rank - 1].get("DeploymentConfiguration") or {}
    made = AiDeployment(
        model_arn=service.call("CreateModel", plan.model)["ModelArn"],
        endpoint_config_arn=service.call("CreateEndpointConfig", plan.endpoint_config)["EndpointConfigArn"],
        endpoint_arn=service.call("CreateEndpoint", plan.endpoint)["EndpointArn"],
        endpoint_name=plan.endpoint["EndpointName"],
        instance_type=deployment.get("InstanceType"),
        instance_count=deployment.get("InstanceCount", 1),
        copy_count_per_instance=deployment.get("CopyCountPerInstance", 1),
    )
    if plan.component is not None or wait:
        note(f"endpoint {made.endpoint_name}: waiting for InService")
        service.wait_for_endpoint(made.endpoint_name, timeout=timeout, interval=every)
        made = replace(made, endpoint_status="InService")
    if plan.component is not None:
        component = plan.component["InferenceComponentName"]
        arn = service.call("CreateInferenceComponent", plan.component)["InferenceComponentArn"]
        made = replace(made, inference_component_arn=arn, inference_component_name=component)
        if wait:
            note(f"inference component {component}: waiting for InService")
            genai.wait_for_component(service, component, timeout=timeout, interval=every)
            made = replace(made, inference_component_status="InService")
    return made
