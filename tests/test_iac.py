"""`endpoint-config create --from-recommendation ID --emit cloudformation|terraform [--autoscaling]`: the
template of a recommendation's deployment, on the simulator's jobs and on the service's recorded job. The
CloudFormation is linted with cfn-lint; the Terraform is parsed back with python-hcl2 and its arguments
checked against the AWS provider's documentation (PROVIDER_ARGUMENTS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ircli.lib.iac import Container, Deployment, Scaling, Variant, terraform
from ircli.lib.iac import cloudformation as cfn
from tests.canned_service import CREDENTIALS, RECORDED_JOB, canned_service, recorded_answer, scaling_answer
from tests.conftest import EXAMPLES, CliRunner

# The arguments (and nested blocks) of each resource the Terraform uses, from the Terraform AWS provider's
# pages: website/docs/r/sagemaker_model.html.markdown, r/sagemaker_endpoint_configuration.html.markdown,
# r/sagemaker_endpoint.html.markdown, r/appautoscaling_target.html.markdown and
# r/appautoscaling_policy.html.markdown in hashicorp/terraform-provider-aws ("Argument Reference").
PROVIDER_ARGUMENTS: dict[str, set[str]] = {
    "aws_sagemaker_model": {
        "name", "primary_container", "execution_role_arn", "inference_execution_config", "container",
        "enable_network_isolation", "vpc_config", "tags", "region",
    },
    "aws_sagemaker_model.primary_container": {
        "image", "mode", "model_data_url", "model_package_name", "container_hostname", "environment",
        "image_config", "model_data_source", "inference_specification_name", "multi_model_config",
    },
    "aws_sagemaker_endpoint_configuration": {
        "async_inference_config", "data_capture_config", "execution_role_arn", "kms_key_arn", "name_prefix",
        "name", "production_variants", "region", "shadow_production_variants", "tags",
    },
    "aws_sagemaker_endpoint_configuration.production_variants": {
        "accelerator_type", "capacity_reservation_config", "container_startup_health_check_timeout_in_seconds",
        "core_dump_config", "enable_ssm_access", "inference_ami_version", "initial_instance_count",
        "initial_variant_weight", "instance_type", "managed_instance_scaling",
        "model_data_download_timeout_in_seconds", "model_name", "routing_config", "serverless_config",
        "variant_name", "volume_size_in_gb",
    },
    "aws_sagemaker_endpoint_configuration.production_variants.serverless_config": {
        "max_concurrency", "memory_size_in_mb", "provisioned_concurrency",
    },
    "aws_sagemaker_endpoint": {"name", "endpoint_config_name", "deployment_config", "tags", "region"},
    "aws_appautoscaling_target": {
        "max_capacity", "min_capacity", "resource_id", "role_arn", "scalable_dimension", "service_namespace",
        "suspended_state", "tags", "region",
    },
    "aws_appautoscaling_policy": {
        "name", "policy_type", "resource_id", "scalable_dimension", "service_namespace",
        "step_scaling_policy_configuration", "target_tracking_scaling_policy_configuration", "region",
    },
    "aws_appautoscaling_policy.target_tracking_scaling_policy_configuration": {
        "target_value", "disable_scale_in", "scale_in_cooldown", "scale_out_cooldown",
        "customized_metric_specification", "predefined_metric_specification",
    },
    "aws_appautoscaling_policy.target_tracking_scaling_policy_configuration.predefined_metric_specification": {
        "predefined_metric_type", "resource_label",
    },
    "aws_appautoscaling_policy.target_tracking_scaling_policy_configuration.customized_metric_specification": {
        "dimensions", "metric_name", "namespace", "statistic", "unit", "metrics",
    },
}  # fmt: skip
REQUIRED: dict[str, set[str]] = {
    "aws_sagemaker_model": {"execution_role_arn"},
    "aws_sagemaker_endpoint_configuration": {"production_variants"},
    "aws_sagemaker_endpoint": {"endpoint_config_name"},
    "aws_appautoscaling_target": {"max_capacity", "min_capacity", "resource_id", "scalable_dimension",
                                  "service_namespace"},
    "aws_appautoscaling_policy": {"name", "resource_id", "scalable_dimension", "service_namespace"},
}  # fmt: skip


def hcl(text: str) -> dict[str, Any]:
    import hcl2
    from hcl2 import SerializationOptions

    parsed: dict[str, Any] = hcl2.loads(text, serialization_options=SerializationOptions(strip_string_quotes=True))
    return parsed


def literal(parsed: str) -> str:
    """A parsed HCL string as Terraform reads it: python-hcl2 keeps the template escapes `$${` and `%%{`."""
    assert "${" not in parsed.replace("$${", ""), f"an interpolation where a literal was meant: {parsed!r}"
    return parsed.replace("$${", "${").replace("%%{", "%{")


def resources(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for entry in parsed.get("resource", []):
        for kind, named in entry.items():
            for body in named.values():
                found[kind] = body
    return found


def check_arguments(path: str, body: dict[str, Any]) -> None:
    """Every argument and nested block is one the provider documents for that resource or block."""
    names = {k for k in body if not k.startswith("__")}
    allowed = PROVIDER_ARGUMENTS[path]
    assert names <= allowed, f"{path}: {sorted(names - allowed)} are not the provider's arguments"
    assert REQUIRED.get(path, set()) <= names, f"{path} lacks {sorted(REQUIRED[path] - names)}"
    for name, value in body.items():
        if isinstance(value, list) and value and isinstance(value[0], dict) and value[0].get("__is_block__"):
            for block in value:
                check_arguments(f"{path}.{name}", block)


def variables(parsed: dict[str, Any]) -> dict[str, str]:
    return {name: literal(body["default"]) for entry in parsed["variable"] for name, body in entry.items()}


def lint(path: Path) -> list[str]:
    from cfnlint.api import lint_file

    return [str(match) for match in lint_file(path)]


def recommendation_of(cli: CliRunner, job: str, serverless: bool) -> dict[str, Any]:
    described = cli("describe-job", job, "--output", "json").json
    return next(
        r
        for r in described["InferenceRecommendations"]
        if ("ServerlessConfig" in r["EndpointConfiguration"]) == serverless
    )


def emit(cli: CliRunner, reference: str, kind: str, *extra: str, expect: int = 0) -> str:
    result = cli("endpoint-config", "create", "--from-recommendation", reference, "--emit", kind, *extra, expect=expect)
    return result.out if expect == 0 else result.err


@pytest.fixture
def default_job(cli: CliRunner) -> dict[str, Any]:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))
    return recommendation_of(cli, "xgboost-default", serverless=False)


def scaling_of(cli: CliRunner, job: str, recommendation_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = cli(
        "scaling-recommendation", "--job-name", job, "--recommendation-id", recommendation_id, "--output", "json"
    ).json
    return answer


def test_cloudformation_carries_the_recommendation_the_model_and_the_scaling(
    cli: CliRunner, default_job: dict[str, Any]
) -> None:
    reference = default_job["RecommendationId"]
    template = yaml.safe_load(emit(cli, reference, "cloudformation", "--autoscaling"))
    model = cli("model", "describe", "churn-xgboost", "--output", "json").json
    scaling = scaling_of(cli, "xgboost-default", reference)["DynamicScalingConfiguration"]
    parts = template["Resources"]
    assert [parts[k]["Type"] for k in parts] == [
        "AWS::SageMaker::Model",
        "AWS::SageMaker::EndpointConfig",
        "AWS::SageMaker::Endpoint",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
    ]
    container = parts["Model"]["Properties"]["PrimaryContainer"]
    assert container["Image"] == model["PrimaryContainer"]["Image"]
    assert container["ModelDataUrl"] == model["PrimaryContainer"]["ModelDataUrl"]
    assert template["Parameters"]["RoleArn"]["Default"] == model["ExecutionRoleArn"]
    variant = parts["EndpointConfig"]["Properties"]["ProductionVariants"][0]
    configuration = default_job["EndpointConfiguration"]
    assert variant["InstanceType"] == configuration["InstanceType"]
    assert variant["InitialInstanceCount"] == configuration["InitialInstanceCount"]
    target = parts["ScalableTarget"]["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (scaling["MinCapacity"], scaling["MaxCapacity"])
    policy = parts["ScalingPolicy"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    tracking = scaling["ScalingPolicies"][0]["TargetTracking"]
    assert policy["TargetValue"] == tracking["TargetValue"]
    assert (
        policy["PredefinedMetricSpecification"]["PredefinedMetricType"]
        == (tracking["MetricSpecification"]["Predefined"]["PredefinedMetricType"])
    )
    assert parts["ScalingPolicy"]["Properties"]["PolicyType"] == "TargetTrackingScaling"


def test_terraform_uses_only_the_providers_arguments_and_the_recommendations_values(
    cli: CliRunner, default_job: dict[str, Any]
) -> None:
    reference = default_job["RecommendationId"]
    parsed = hcl(emit(cli, reference, "terraform", "--autoscaling", "--endpoint-name", "churn-prod"))
    found = resources(parsed)
    assert set(found) == {
        "aws_sagemaker_model",
        "aws_sagemaker_endpoint_configuration",
        "aws_sagemaker_endpoint",
        "aws_appautoscaling_target",
        "aws_appautoscaling_policy",
    }
    for kind, body in found.items():
        check_arguments(kind, body)
    assert variables(parsed)["endpoint_name"] == "churn-prod"
    variant = found["aws_sagemaker_endpoint_configuration"]["production_variants"][0]
    assert literal(variant["instance_type"]) == default_job["EndpointConfiguration"]["InstanceType"]
    assert variant["initial_instance_count"] == default_job["EndpointConfiguration"]["InitialInstanceCount"]
    scaling = scaling_of(cli, "xgboost-default", reference)["DynamicScalingConfiguration"]
    target = found["aws_appautoscaling_target"]
    assert (target["min_capacity"], target["max_capacity"]) == (scaling["MinCapacity"], scaling["MaxCapacity"])
    assert target["resource_id"] == "endpoint/${aws_sagemaker_endpoint.endpoint.name}/variant/AllTraffic"
    tracking = found["aws_appautoscaling_policy"]["target_tracking_scaling_policy_configuration"][0]
    assert tracking["target_value"] == scaling["ScalingPolicies"][0]["TargetTracking"]["TargetValue"]


def test_autoscaling_is_sized_for_the_traffic_given(cli: CliRunner, default_job: dict[str, Any]) -> None:
    reference = default_job["RecommendationId"]
    traffic = ("--min-invocations-per-minute", "2000", "--max-invocations-per-minute", "90000")
    template = yaml.safe_load(emit(cli, reference, "cloudformation", "--autoscaling", *traffic))
    expected = cli(
        "scaling-recommendation", "--job-name", "xgboost-default", "--recommendation-id", reference, *traffic,
        "--output", "json",
    ).json["DynamicScalingConfiguration"]  # fmt: skip
    target = template["Resources"]["ScalableTarget"]["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (expected["MinCapacity"], expected["MaxCapacity"])
    assert (
        target["MaxCapacity"]
        > scaling_of(cli, "xgboost-default", reference)["DynamicScalingConfiguration"]["MaxCapacity"]
    )
    refused = emit(cli, reference, "terraform", "--max-invocations-per-minute", "90000", expect=252)
    assert "--autoscaling" in refused


def test_the_measured_environment_is_set_on_the_model(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "environment-ranges.yaml"))
    recommendation = recommendation_of(cli, "tuning-threads", serverless=False)
    measured = {p["Key"]: p["Value"] for p in recommendation["ModelConfiguration"]["EnvironmentParameters"]}
    assert measured
    template = yaml.safe_load(emit(cli, recommendation["RecommendationId"], "cloudformation"))
    assert template["Resources"]["Model"]["Properties"]["PrimaryContainer"]["Environment"] == measured
    container = resources(hcl(emit(cli, recommendation["RecommendationId"], "terraform")))["aws_sagemaker_model"]
    environment = container["primary_container"][0]["environment"]
    assert {literal(k): literal(v) for k, v in environment.items()} == measured


def test_a_serverless_recommendation_emits_serverless_config_and_refuses_autoscaling(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml"))
    recommendation = recommendation_of(cli, "distilbert-serverless", serverless=True)
    reference, expected = recommendation["RecommendationId"], recommendation["EndpointConfiguration"]
    template = yaml.safe_load(emit(cli, reference, "cloudformation", "--provisioned-concurrency", "2"))
    variant = template["Resources"]["EndpointConfig"]["Properties"]["ProductionVariants"][0]
    assert variant["ServerlessConfig"] == dict(expected["ServerlessConfig"], ProvisionedConcurrency=2)
    assert "InstanceType" not in variant
    found = resources(hcl(emit(cli, reference, "terraform")))
    check_arguments("aws_sagemaker_endpoint_configuration", found["aws_sagemaker_endpoint_configuration"])
    serverless = found["aws_sagemaker_endpoint_configuration"]["production_variants"][0]["serverless_config"][0]
    assert serverless["memory_size_in_mb"] == expected["ServerlessConfig"]["MemorySizeInMB"]
    assert serverless["max_concurrency"] == expected["ServerlessConfig"]["MaxConcurrency"]
    refused = emit(cli, reference, "terraform", "--autoscaling", expect=252)
    assert "serverless" in refused


HOSTILE = 'say "hi"\nthen ${var.secret} and %{ if true } back\\slash $${x} \t'


def test_strings_with_quotes_newlines_and_template_sequences_stay_literal(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))
    recommendation = recommendation_of(cli, "xgboost-default", serverless=False)
    cli(
        "model", "create", "--cli-input-json",
        json.dumps({
            "ModelName": "hostile", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r",
            "PrimaryContainer": {"Image": "1.dkr.ecr.us-east-1.amazonaws.com/x", "Environment": {"GREETING": HOSTILE}},
        }),
    )  # fmt: skip
    text = emit(cli, recommendation["RecommendationId"], "terraform", "--model-name", "hostile")
    assert "$${var.secret}" in text and "%%{ if" in text and "$$${x}" in text
    model = resources(hcl(text))["aws_sagemaker_model"]
    assert literal(model["primary_container"][0]["environment"]["GREETING"]) == HOSTILE
    template = yaml.safe_load(
        emit(cli, recommendation["RecommendationId"], "cloudformation", "--model-name", "hostile")
    )
    assert template["Resources"]["Model"]["Properties"]["PrimaryContainer"]["Environment"]["GREETING"] == HOSTILE


def test_the_hcl_writer_escapes_every_string_it_writes() -> None:
    # (python-hcl2 8 cannot read an escaped `%%{` that no `}` follows, which Terraform reads; so each here has one.)
    deployment = Deployment(
        model_name='m"1',
        endpoint_config_name="c\n2",
        endpoint_name="${e}",
        role_arn="arn\\r",
        container=Container(image="i", environment={'K"${x}': "v\r\n%{ x }"}),
        variant=Variant("AllTraffic", "ml.c5.large", 2),
        scaling=Scaling(1, 3, 12.5, "SageMakerVariantInvocationsPerInstance"),
        source='job x\nresource "evil" {}',
    )
    text = terraform.render(deployment)
    parsed = hcl(text)
    assert variables(parsed) == {
        "model_name": 'm"1', "endpoint_config_name": "c\n2", "endpoint_name": "${e}", "role_arn": "arn\\r",
    }  # fmt: skip
    assert set(resources(parsed)) >= {"aws_sagemaker_model", "aws_appautoscaling_policy"}  # no injected block
    environment = resources(parsed)["aws_sagemaker_model"]["primary_container"][0]["environment"]
    assert {literal(k): literal(v) for k, v in environment.items()} == {'K"${x}': "v\r\n%{ x }"}
    assert yaml.safe_load(cfn.render(deployment))["Parameters"]["EndpointName"]["Default"] == "${e}"


def test_a_bad_emit_value_is_refused_with_the_choices(cli: CliRunner, default_job: dict[str, Any]) -> None:
    result = cli(
        "endpoint-config", "create", "--from-recommendation", default_job["RecommendationId"], "--emit", "pulumi",
        expect=(2, 252),
    )  # fmt: skip
    assert "cloudformation" in result.err and "terraform" in result.err and not result.out
    alone = cli("endpoint-config", "create", "--emit", "terraform", expect=252)
    assert "--from-recommendation" in alone.err


def test_the_aws_backend_emits_the_recorded_jobs_model_package(cli: CliRunner) -> None:
    recommendation = RECORDED_JOB["InferenceRecommendations"][1]
    with canned_service(recorded_answer, region="us-east-2") as options:
        reference = recommendation["RecommendationId"]
        args = ("endpoint-config", "create", "--from-recommendation", reference, "--autoscaling")
        text = cli(*options, *args, "--emit", "cloudformation", environ=CREDENTIALS).out
        tf = cli(*options, *args, "--emit", "terraform", environ=CREDENTIALS).out
    template = yaml.safe_load(text)
    parts = template["Resources"]
    model_package = RECORDED_JOB["InputConfig"]["ModelPackageVersionArn"]
    assert parts["Model"]["Properties"]["PrimaryContainer"] == {"ModelPackageName": model_package}
    assert template["Parameters"]["RoleArn"]["Default"] == RECORDED_JOB["RoleArn"]
    variant = parts["EndpointConfig"]["Properties"]["ProductionVariants"][0]
    assert variant["InstanceType"] == "ml.c5.xlarge"
    expected = scaling_answer({"RecommendationId": reference})["DynamicScalingConfiguration"]
    target_value = expected["ScalingPolicies"][0]["TargetTracking"]["TargetValue"]
    policy = parts["ScalingPolicy"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert policy["TargetValue"] == target_value
    assert parts["ScalableTarget"]["Properties"]["MaxCapacity"] == expected["MaxCapacity"]
    found = resources(hcl(tf))
    for kind, body in found.items():
        check_arguments(kind, body)
    assert literal(found["aws_sagemaker_model"]["primary_container"][0]["model_package_name"]) == model_package


@pytest.mark.slow  # cfn-lint reads its specifications for two seconds
def test_cfn_lint_finds_no_error_in_any_template(cli: CliRunner, tmp_path: Path) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml"))
    templates = {}
    for serverless, extra in ((False, ("--autoscaling",)), (True, ("--provisioned-concurrency", "1"))):
        reference = recommendation_of(cli, "distilbert-serverless", serverless)["RecommendationId"]
        templates[f"serverless-{serverless}"] = emit(cli, reference, "cloudformation", *extra)
    with canned_service(recorded_answer, region="us-east-2") as options:
        reference = str(RECORDED_JOB["InferenceRecommendations"][0]["RecommendationId"])
        templates["recorded"] = cli(
            *options, "endpoint-config", "create", "--from-recommendation", reference, "--emit", "cloudformation",
            "--autoscaling", environ=CREDENTIALS,
        ).out  # fmt: skip
    for name, text in templates.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        assert lint(path) == [], name
