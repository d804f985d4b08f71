"""Infrastructure as code for a generative-AI recommendation (`ai-recommendation deploy JOB --emit`): the
deployment `genai.deploy_plan` describes, the documented way (a model from the recommendation's model package,
the endpoint configuration, the endpoint and, for more than one copy per instance, an inference component with
its copy count), as a CloudFormation template or as Terraform.

The Terraform uses the AWS provider for the model, the configuration and the endpoint, and the AWS Cloud
Control provider (`awscc_sagemaker_inference_component`, generated from CloudFormation's
AWS::SageMaker::InferenceComponent) for the component, which the AWS provider has no resource for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ircli.lib import genai
from ircli.lib.iac import default_name
from ircli.lib.iac.cloudformation import NAME_PATTERN
from ircli.lib.iac.terraform import Block, Ref, quoted, write


@dataclass(frozen=True)
class Component:
    name: str
    accelerators: int
    min_memory_mb: int
    copies: int  # in all: copies per instance times instances


@dataclass(frozen=True)
class AiDeployment:
    """What a template creates; names are the defaults of its parameters (variables)."""

    name: str  # the model's, the configuration's and the endpoint's, as `ai-recommendation deploy` names them
    role_arn: str
    model_package_arn: str
    inference_specification_name: str | None
    instance_type: str
    instance_count: int
    component: Component | None
    source: str


def ai_deployment_from(job: dict[str, Any], rank: int, *, name: str | None = None) -> AiDeployment:
    """The deployment of the job's recommendation `rank` (1 = the goal's best), as `deploy` would make it."""
    job_name = str(job.get("AIRecommendationJobName", "ircli"))
    chosen = name or default_name(job_name, str(rank))
    plan = genai.deploy_plan(job, rank, name=chosen)
    container = plan.model["PrimaryContainer"]
    variant = plan.endpoint_config["ProductionVariants"][0]
    component = None
    if plan.component is not None:
        needs = plan.component["Specification"]["ComputeResourceRequirements"]
        component = Component(
            name=chosen,
            accelerators=int(needs["NumberOfAcceleratorDevicesRequired"]),
            min_memory_mb=int(needs["MinMemoryRequiredInMb"]),
            copies=int(plan.component["RuntimeConfig"]["CopyCount"]),
        )
    option = genai.options(job)[rank - 1]
    figures = ", ".join(
        f"{label} {option.get(key):,.1f}{unit}"
        for key, label, unit in (("ttft_ms", "TTFT", " ms"), ("tokens_per_second", "throughput", " tokens/s"))
        if option.get(key) is not None
    )
    return AiDeployment(
        name=chosen,
        role_arn=str(plan.model.get("ExecutionRoleArn") or ""),
        model_package_arn=str(container.get("ModelPackageName") or ""),
        inference_specification_name=container.get("InferenceSpecificationName"),
        instance_type=str(variant["InstanceType"]),
        instance_count=int(variant["InitialInstanceCount"]),
        component=component,
        source=f"recommendation {rank} of AI recommendation job {job_name} ({genai.goal_of(job)} goal"
        + (f"; expected {figures})" if figures else ")"),
    )


def _parameter(default: str, description: str, pattern: str | None = NAME_PATTERN) -> dict[str, Any]:
    parameter: dict[str, Any] = {"Type": "String", "Default": default, "Description": description}
    if pattern:
        parameter["AllowedPattern"] = pattern
    return parameter


def cloudformation_template(deployment: AiDeployment) -> dict[str, Any]:
    container: dict[str, Any] = {"ModelPackageName": deployment.model_package_arn}
    if deployment.inference_specification_name:
        container["InferenceSpecificationName"] = deployment.inference_specification_name
    variant: dict[str, Any] = {
        "VariantName": "AllTraffic",
        "InstanceType": deployment.instance_type,
        "InitialInstanceCount": deployment.instance_count,
    }
    config: dict[str, Any] = {"EndpointConfigName": {"Ref": "EndpointConfigName"}}
    if deployment.component is None:
        variant["ModelName"] = {"Fn::GetAtt": ["Model", "ModelName"]}
    else:  # an endpoint for components: its role, no model of its own, requests to the least busy copy
        config["ExecutionRoleArn"] = {"Ref": "RoleArn"}
        variant["RoutingConfig"] = {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}
    config["ProductionVariants"] = [variant]
    resources: dict[str, Any] = {
        "Model": {
            "Type": "AWS::SageMaker::Model",
            "Properties": {
                "ModelName": {"Ref": "ModelName"},
                "ExecutionRoleArn": {"Ref": "RoleArn"},
                "PrimaryContainer": container,
            },
        },
        "EndpointConfig": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": config},
        "Endpoint": {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {
                "EndpointName": {"Ref": "EndpointName"},
                "EndpointConfigName": {"Fn::GetAtt": ["EndpointConfig", "EndpointConfigName"]},
            },
        },
    }
    parameters = {
        "ModelName": _parameter(deployment.name, "The model to create from the package (a new name)."),
        "EndpointConfigName": _parameter(deployment.name, "The endpoint configuration."),
        "EndpointName": _parameter(deployment.name, "The endpoint."),
        "RoleArn": _parameter(deployment.role_arn, "The role SageMaker assumes to run the model.", pattern=None),
    }
    outputs: dict[str, Any] = {
        "EndpointName": {"Value": {"Fn::GetAtt": ["Endpoint", "EndpointName"]}},
        "EndpointArn": {"Value": {"Ref": "Endpoint"}},
    }
    if deployment.component is not None:
        parameters["InferenceComponentName"] = _parameter(deployment.component.name, "The inference component.")
        resources["InferenceComponent"] = _cfn_component(deployment.component)
        outputs["InferenceComponentArn"] = {"Value": {"Fn::GetAtt": ["InferenceComponent", "InferenceComponentArn"]}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"A SageMaker endpoint from {deployment.source} (emitted by ircli)."[:1024],
        "Parameters": parameters,
        "Resources": resources,
        "Outputs": outputs,
    }


def _cfn_component(component: Component) -> dict[str, Any]:
    return {
        "Type": "AWS::SageMaker::InferenceComponent",
        "Properties": {
            "InferenceComponentName": {"Ref": "InferenceComponentName"},
            "EndpointName": {"Fn::GetAtt": ["Endpoint", "EndpointName"]},
            "VariantName": "AllTraffic",
            "Specification": {
                "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
                "ComputeResourceRequirements": {
                    "NumberOfAcceleratorDevicesRequired": component.accelerators,
                    "MinMemoryRequiredInMb": component.min_memory_mb,
                },
            },
            "RuntimeConfig": {"CopyCount": component.copies},
        },
    }


def render_cloudformation(deployment: AiDeployment) -> str:
    import yaml

    text: str = yaml.safe_dump(cloudformation_template(deployment), sort_keys=False, allow_unicode=True)
    return text


def _variable(name: str, default: str, description: str) -> Block:
    return Block("variable", (name,), [("description", description), ("type", Ref("string")), ("default", default)])


def _object(members: dict[str, Any], indent: str) -> Ref:
    """An HCL object expression (awscc's nested attributes are objects, not blocks)."""
    inner = indent + "  "
    width = max(len(key) for key in members)
    lines = []
    for key, value in members.items():
        text = (
            _object(value, inner).text
            if isinstance(value, dict)
            else value.text
            if isinstance(value, Ref)
            else str(value)
            if isinstance(value, int)
            else quoted(str(value))
        )
        lines.append(f"{inner}{key.ljust(width)} = {text}")
    return Ref("{\n" + "\n".join(lines) + f"\n{indent}}}")


def terraform_blocks(deployment: AiDeployment) -> list[Block]:
    container: list[tuple[str, Any]] = [("model_package_name", deployment.model_package_arn)]
    if deployment.inference_specification_name:
        container.append(("inference_specification_name", deployment.inference_specification_name))
    variant: list[tuple[str, Any]] = [
        ("variant_name", "AllTraffic"),
        ("instance_type", deployment.instance_type),
        ("initial_instance_count", deployment.instance_count),
    ]
    config: list[tuple[str, Any]] = [("name", Ref("var.endpoint_config_name"))]
    variant_blocks = []
    if deployment.component is None:
        variant.insert(1, ("model_name", Ref("aws_sagemaker_model.model.name")))
    else:
        config.append(("execution_role_arn", Ref("var.role_arn")))
        variant_blocks.append(Block("routing_config", attributes=[("routing_strategy", "LEAST_OUTSTANDING_REQUESTS")]))
    result = [
        _variable("model_name", deployment.name, "The model to create from the package (a new name)."),
        _variable("endpoint_config_name", deployment.name, "The endpoint configuration."),
        _variable("endpoint_name", deployment.name, "The endpoint."),
        _variable("role_arn", deployment.role_arn, "The role SageMaker assumes to run the model."),
        Block(
            "resource",
            ("aws_sagemaker_model", "model"),
            [("name", Ref("var.model_name")), ("execution_role_arn", Ref("var.role_arn"))],
            [Block("primary_container", attributes=container)],
        ),
        Block(
            "resource",
            ("aws_sagemaker_endpoint_configuration", "config"),
            config,
            [Block("production_variants", attributes=variant, blocks=variant_blocks)],
        ),
        Block(
            "resource",
            ("aws_sagemaker_endpoint", "endpoint"),
            [
                ("name", Ref("var.endpoint_name")),
                ("endpoint_config_name", Ref("aws_sagemaker_endpoint_configuration.config.name")),
            ],
        ),
    ]
    if deployment.component is not None:
        result = [_providers(), *result[:4], _variable("inference_component_name", deployment.component.name,
                                                        "The inference component."), *result[4:]]  # fmt: skip
        result.append(_component(deployment.component))
    result.append(Block("output", ("endpoint_name",), [("value", Ref("aws_sagemaker_endpoint.endpoint.name"))]))
    return result


def _providers() -> Block:
    aws = _object({"source": "hashicorp/aws"}, "    ")
    awscc = _object({"source": "hashicorp/awscc"}, "    ")
    return Block("terraform", (), [], [Block("required_providers", attributes=[("aws", aws), ("awscc", awscc)])])


def _component(component: Component) -> Block:
    specification = {
        "model_name": Ref("aws_sagemaker_model.model.name"),
        "compute_resource_requirements": {
            "number_of_accelerator_devices_required": component.accelerators,
            "min_memory_required_in_mb": component.min_memory_mb,
        },
    }
    return Block(
        "resource",
        ("awscc_sagemaker_inference_component", "component"),
        [
            ("inference_component_name", Ref("var.inference_component_name")),
            ("endpoint_name", Ref("aws_sagemaker_endpoint.endpoint.name")),
            ("variant_name", "AllTraffic"),
            ("specification", _object(specification, "  ")),
            ("runtime_config", _object({"copy_count": component.copies}, "  ")),
        ],
    )


def render_terraform(deployment: AiDeployment) -> str:
    head = f"# A SageMaker endpoint from {deployment.source.splitlines()[0]} (emitted by ircli).\n\n"
    return head + "\n\n".join(write(block) for block in terraform_blocks(deployment)) + "\n"
