"""A deployment as a CloudFormation template in YAML: the names and the role as Parameters (defaults from
the job), the model, the endpoint configuration and the endpoint, and with scaling the scalable target and
its target-tracking policy. Keys keep the order of the AWS documentation's examples (yaml's sort is off)."""

from __future__ import annotations

from typing import Any

from ircli.lib.iac import INSTANCE_DIMENSION, Deployment, Scaling

NAME_PATTERN = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"


def _parameter(default: str, description: str, *, pattern: str | None = NAME_PATTERN) -> dict[str, Any]:
    parameter: dict[str, Any] = {"Type": "String", "Default": default, "Description": description}
    if pattern:
        parameter["AllowedPattern"] = pattern
    return parameter


def _model(deployment: Deployment) -> dict[str, Any]:
    found = deployment.container
    container: dict[str, Any] = {}
    if found.image:
        container["Image"] = found.image
    if found.model_data_url:
        container["ModelDataUrl"] = found.model_data_url
    if found.model_package_name:
        container["ModelPackageName"] = found.model_package_name
    if found.environment:
        container["Environment"] = dict(found.environment)
    return {
        "Type": "AWS::SageMaker::Model",
        "Properties": {
            "ModelName": {"Ref": "ModelName"},
            "ExecutionRoleArn": {"Ref": "RoleArn"},
            "PrimaryContainer": container,
        },
    }


def _variant(deployment: Deployment) -> dict[str, Any]:
    variant = deployment.variant
    rendered: dict[str, Any] = {
        "VariantName": variant.name,
        "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
    }
    if variant.serverless is not None:
        serverless: dict[str, Any] = {
            "MemorySizeInMB": variant.serverless.memory_size_in_mb,
            "MaxConcurrency": variant.serverless.max_concurrency,
        }
        if variant.serverless.provisioned_concurrency is not None:
            serverless["ProvisionedConcurrency"] = variant.serverless.provisioned_concurrency
        rendered["ServerlessConfig"] = serverless
    else:
        rendered["InstanceType"] = variant.instance_type
        rendered["InitialInstanceCount"] = variant.instance_count
        rendered["InitialVariantWeight"] = 1.0
    return rendered


def _scaling(deployment: Deployment, scaling: Scaling) -> dict[str, Any]:
    resource_id = {
        "Fn::Join": [
            "/",
            ["endpoint", {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, "variant", deployment.variant.name],
        ]
    }
    configuration: dict[str, Any] = {"TargetValue": scaling.target_value}
    if scaling.predefined_metric:
        configuration["PredefinedMetricSpecification"] = {"PredefinedMetricType": scaling.predefined_metric}
    elif scaling.customized_metric:
        configuration["CustomizedMetricSpecification"] = dict(scaling.customized_metric)
    if scaling.scale_in_cooldown is not None:
        configuration["ScaleInCooldown"] = scaling.scale_in_cooldown
    if scaling.scale_out_cooldown is not None:
        configuration["ScaleOutCooldown"] = scaling.scale_out_cooldown
    return {
        "ScalableTarget": {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {
                "MinCapacity": scaling.min_capacity,
                "MaxCapacity": scaling.max_capacity,
                "ResourceId": resource_id,
                "ScalableDimension": INSTANCE_DIMENSION,
                "ServiceNamespace": "sagemaker",
            },
        },
        "ScalingPolicy": {
            "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
            "Properties": {
                "PolicyName": {"Fn::Sub": "${EndpointName}-invocations"},
                "PolicyType": "TargetTrackingScaling",
                "ScalingTargetId": {"Ref": "ScalableTarget"},
                "TargetTrackingScalingPolicyConfiguration": configuration,
            },
        },
    }


def template(deployment: Deployment) -> dict[str, Any]:
    """The template as data, in the order it is written."""
    resources: dict[str, Any] = {
        "Model": _model(deployment),
        "EndpointConfig": {
            "Type": "AWS::SageMaker::EndpointConfig",
            "Properties": {
                "EndpointConfigName": {"Ref": "EndpointConfigName"},
                "ProductionVariants": [_variant(deployment)],
            },
        },
        "Endpoint": {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {
                "EndpointName": {"Ref": "EndpointName"},
                "EndpointConfigName": {"Fn::GetAtt": ["EndpointConfig", "EndpointConfigName"]},
            },
        },
    }
    if deployment.scaling is not None:
        resources.update(_scaling(deployment, deployment.scaling))
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"A SageMaker endpoint from {deployment.source} (emitted by ircli)."[:1024],
        "Parameters": {
            "ModelName": _parameter(deployment.model_name, "The model to create (a new name)."),
            "EndpointConfigName": _parameter(deployment.endpoint_config_name, "The endpoint configuration."),
            "EndpointName": _parameter(deployment.endpoint_name, "The endpoint."),
            "RoleArn": _parameter(deployment.role_arn, "The role SageMaker assumes to run the model.", pattern=None),
        },
        "Resources": resources,
        "Outputs": {
            "EndpointName": {"Value": {"Fn::GetAtt": ["Endpoint", "EndpointName"]}},
            "EndpointArn": {"Value": {"Ref": "Endpoint"}},
        },
    }


def render(deployment: Deployment) -> str:
    import yaml

    text: str = yaml.safe_dump(template(deployment), sort_keys=False, default_flow_style=False, allow_unicode=True)
    return text
