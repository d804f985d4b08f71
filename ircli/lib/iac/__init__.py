"""Infrastructure as code for a recommendation: the deployment it describes, as typed data (the model, the
endpoint configuration's variant, the endpoint and, optionally, the auto scaling that keeps it sized),
built from the service's answers (`deployment_from`, asked for once by `recommended_deployment`), and the
CloudFormation and Terraform texts of it (`cloudformation.render`, `terraform.render`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ircli.errors import InputError

if TYPE_CHECKING:
    from ircli.lib.service import RecommenderService

INSTANCE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
NAME_LIMIT = 63  # SageMaker's names: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}


@dataclass(frozen=True)
class Container:
    """The model's container: an image with its artefacts, or a model package's (which carries both)."""

    image: str | None = None
    model_data_url: str | None = None
    model_package_name: str | None = None
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Serverless:
    memory_size_in_mb: int
    max_concurrency: int
    provisioned_concurrency: int | None = None


@dataclass(frozen=True)
class Variant:
    """The endpoint configuration's one production variant: instances or serverless."""

    name: str
    instance_type: str | None = None
    instance_count: int = 1
    serverless: Serverless | None = None


@dataclass(frozen=True)
class Scaling:
    """A target-tracking policy on the variant's instance count."""

    min_capacity: int
    max_capacity: int
    target_value: float
    predefined_metric: str | None = None
    customized_metric: dict[str, str] | None = None
    scale_in_cooldown: int | None = None
    scale_out_cooldown: int | None = None


@dataclass(frozen=True)
class Deployment:
    """What a template creates; the names are the defaults of the template's parameters (variables)."""

    model_name: str
    endpoint_config_name: str
    endpoint_name: str
    role_arn: str
    container: Container
    variant: Variant
    scaling: Scaling | None = None
    source: str = ""  # where the figures came from, said in the template's description


def default_name(*parts: str) -> str:
    """A SageMaker name from parts: '-' joined, characters outside [a-zA-Z0-9-] dropped, at most 63 long."""
    text = "-".join(p for p in parts if p)
    kept = "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in text)
    while "--" in kept:
        kept = kept.replace("--", "-")
    return kept[:NAME_LIMIT].strip("-") or "ircli"


def container_from(model: dict[str, Any] | None, model_package_arn: str | None) -> Container:
    """The container of a DescribeModel answer, or of the model package a job benchmarked."""
    if model is None:
        if not model_package_arn:
            raise InputError("The job names neither a model nor a model package version to deploy.")
        return Container(model_package_name=model_package_arn)
    containers = [model["PrimaryContainer"]] if model.get("PrimaryContainer") else model.get("Containers") or []
    if len(containers) != 1:
        raise InputError(
            f"Model {model.get('ModelName')} has {len(containers)} containers; "
            "a template is emitted for single-container models only."
        )
    container = containers[0]
    return Container(
        image=container.get("Image"),
        model_data_url=container.get("ModelDataUrl"),
        model_package_name=container.get("ModelPackageName"),
        environment={str(k): str(v) for k, v in (container.get("Environment") or {}).items()},
    )


def with_parameters(container: Container, recommendation: dict[str, Any]) -> Container:
    """The container with the environment the recommendation was measured with set over its own."""
    parameters = recommendation.get("ModelConfiguration", {}).get("EnvironmentParameters") or []
    environment = dict(container.environment)
    environment.update({str(p["Key"]): str(p["Value"]) for p in parameters})
    return Container(container.image, container.model_data_url, container.model_package_name, environment)


def variant_from(recommendation: dict[str, Any], name: str, provisioned_concurrency: int | None) -> Variant:
    configuration = recommendation.get("EndpointConfiguration", {})
    if "ServerlessConfig" in configuration:
        serverless = configuration["ServerlessConfig"]
        return Variant(
            name,
            serverless=Serverless(
                int(serverless["MemorySizeInMB"]), int(serverless["MaxConcurrency"]), provisioned_concurrency
            ),
        )
    if provisioned_concurrency is not None:
        raise InputError("--provisioned-concurrency applies to serverless recommendations only.")
    return Variant(name, configuration["InstanceType"], int(configuration.get("InitialInstanceCount", 1)))


def scaling_from(answer: dict[str, Any]) -> Scaling:
    """The first target-tracking policy of a GetScalingConfigurationRecommendation answer."""
    dynamic = answer.get("DynamicScalingConfiguration") or {}
    policies = [p["TargetTracking"] for p in dynamic.get("ScalingPolicies") or [] if "TargetTracking" in p]
    if not policies or "MinCapacity" not in dynamic or "MaxCapacity" not in dynamic:
        raise InputError("The scaling recommendation holds no target-tracking policy to emit.")
    specification = policies[0].get("MetricSpecification", {})
    predefined = specification.get("Predefined", {}).get("PredefinedMetricType")
    customized = specification.get("Customized")
    return Scaling(
        min_capacity=int(dynamic["MinCapacity"]),
        max_capacity=int(dynamic["MaxCapacity"]),
        target_value=float(policies[0]["TargetValue"]),
        predefined_metric=predefined,
        customized_metric={str(k): str(v) for k, v in customized.items()} if customized and not predefined else None,
        scale_in_cooldown=dynamic.get("ScaleInCooldown"),
        scale_out_cooldown=dynamic.get("ScaleOutCooldown"),
    )


@dataclass(frozen=True)
class Names:
    """The names the user gave (None: derived from the job and the recommendation)."""

    model: str | None = None
    endpoint_config: str | None = None
    endpoint: str | None = None
    variant: str = "AllTraffic"


def deployment_from(
    job: dict[str, Any],
    recommendation: dict[str, Any],
    model: dict[str, Any] | None,
    *,
    names: Names,
    scaling: dict[str, Any] | None = None,
    provisioned_concurrency: int | None = None,
) -> Deployment:
    """The deployment a job's recommendation describes, with the model DescribeModel gave (None: the
    job's model package) and, given, the scaling recommendation's policy."""
    job_name = str(job.get("JobName", "ircli"))
    recommendation_id = str(recommendation.get("RecommendationId", ""))
    short = recommendation_id.rsplit("/", 1)[-1]
    input_config = job.get("InputConfig", {})
    container = with_parameters(container_from(model, input_config.get("ModelPackageVersionArn")), recommendation)
    base_model = model.get("ModelName") if model else None
    variant = variant_from(recommendation, names.variant, provisioned_concurrency)
    if scaling is not None and variant.serverless is not None:
        raise InputError("--autoscaling applies to instance recommendations; this one is serverless.")
    role = (model or {}).get("ExecutionRoleArn") or job.get("RoleArn") or ""
    return Deployment(
        model_name=names.model or default_name(str(base_model or job_name), short),
        endpoint_config_name=names.endpoint_config or default_name(job_name, short),
        endpoint_name=names.endpoint or default_name(job_name, short),
        role_arn=str(role),
        container=container,
        variant=variant,
        scaling=scaling_from(scaling) if scaling is not None else None,
        source=f"recommendation {recommendation_id} of inference recommendations job {job_name}",
    )


def recommended_deployment(
    service: RecommenderService,
    job_name: str,
    recommendation_ids: tuple[str, ...],
    *,
    names: Names,
    model_name: str | None,
    objective: dict[str, int] | None,
    provisioned_concurrency: int | None,
) -> Deployment:
    """`endpoint-config create --emit`: the job's recommendation (the first of `recommendation_ids` it has),
    the model DescribeModel gives (`model_name`, else the job's; none: its model package) and, with an
    `objective` (None: no scaling), the scaling recommendation for that traffic, as one deployment."""
    from ircli.lib.requests import scaling_request

    recommendation = service.recommendation(job_name, *recommendation_ids)
    job = service.describe_job(job_name)
    model_to_describe = model_name or job.get("InputConfig", {}).get("ModelName")
    model = service.call("DescribeModel", {"ModelName": model_to_describe}) if model_to_describe else None
    scaling = None
    if objective is not None and "ServerlessConfig" not in recommendation.get("EndpointConfiguration", {}):
        request = scaling_request(job_name, str(recommendation["RecommendationId"]), objective=objective or None)
        scaling = service.call("GetScalingConfigurationRecommendation", request)
    elif objective is not None:
        raise InputError("--autoscaling applies to instance recommendations; this one is serverless.")
    return deployment_from(
        job, recommendation, model, names=names, scaling=scaling, provisioned_concurrency=provisioned_concurrency
    )
