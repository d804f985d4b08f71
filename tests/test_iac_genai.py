"""`ai-recommendation deploy JOB --rank N --emit cloudformation|terraform`: the template of a generative-AI
recommendation's documented deployment (a model from the package, the endpoint configuration, the endpoint
and, for more than one copy per instance, an inference component with its copy count). The CloudFormation's
resources, resolved, are exactly the requests `deploy` sends, and the simulator takes them to InService; it
is linted with cfn-lint. The Terraform is parsed back with python-hcl2 and its arguments checked against the
providers' documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ircli.lib import genai
from tests.conftest import CliRunner
from tests.test_iac import PROVIDER_ARGUMENTS, check_arguments, hcl, lint, literal, resources, variables
from tests.test_report_genai import make_jobs

# awscc_sagemaker_inference_component's arguments, from the AWS Cloud Control provider's page
# (docs/resources/sagemaker_inference_component.md in hashicorp/terraform-provider-awscc, "Schema"), which
# follows CloudFormation's AWS::SageMaker::InferenceComponent.
AWSCC_COMPONENT = {
    "endpoint_name", "specification", "deployment_config", "endpoint_arn", "inference_component_name",
    "runtime_config", "tags", "variant_name",
}  # fmt: skip
ARGUMENTS = {
    **PROVIDER_ARGUMENTS,
    "aws_sagemaker_endpoint_configuration.production_variants.routing_config": {"routing_strategy"},
}


@pytest.fixture
def job(cli: CliRunner) -> dict[str, Any]:
    make_jobs(cli)
    described: dict[str, Any] = cli("ai-recommendation", "describe", "cheap", "--output", "json").json
    return described


def rank_with(job: dict[str, Any], *, copies: bool) -> int:
    return next(o.rank for o in genai.options(job) if (o.copies_per_instance > 1) == copies)


def emit(cli: CliRunner, rank: int, kind: str, *extra: str) -> str:
    return cli("ai-recommendation", "deploy", "cheap", "--rank", str(rank), "--emit", kind, *extra).out


def resolved(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each resource's properties with Ref and Fn::GetAtt resolved as CloudFormation would (a parameter's
    default; the named property of another resource)."""
    parameters = {name: body["Default"] for name, body in template["Parameters"].items()}
    done: dict[str, dict[str, Any]] = {}

    def value(node: Any) -> Any:
        if isinstance(node, dict) and set(node) == {"Ref"}:
            return parameters[node["Ref"]]
        if isinstance(node, dict) and set(node) == {"Fn::GetAtt"}:
            resource, attribute = node["Fn::GetAtt"]
            return done[resource][attribute]
        if isinstance(node, dict):
            return {k: value(v) for k, v in node.items()}
        if isinstance(node, list):
            return [value(v) for v in node]
        return node

    for name, resource in template["Resources"].items():  # written in dependency order
        done[name] = value(resource["Properties"])
    return done


@pytest.mark.parametrize("copies", [True, False], ids=["components", "one-copy"])
def test_the_template_is_the_documented_deployment_and_the_simulator_serves_it(
    cli: CliRunner, job: dict[str, Any], copies: bool
) -> None:
    from ircli.backends import default_state_dir
    from ircli.backends.local import LocalBackend
    from ircli.lib.service import RecommenderService

    rank = rank_with(job, copies=copies)
    template = yaml.safe_load(emit(cli, rank, "cloudformation"))
    made = resolved(template)
    plan = genai.deploy_plan(job, rank, name=f"cheap-{rank}")
    assert made["Model"] == plan.model
    assert made["EndpointConfig"] == plan.endpoint_config
    assert made["Endpoint"] == plan.endpoint
    assert made.get("InferenceComponent") == plan.component
    assert ("InferenceComponent" in made) is copies
    if copies:
        option = genai.options(job)[rank - 1]
        assert made["InferenceComponent"]["RuntimeConfig"]["CopyCount"] == option.copies_per_instance
        assert "ModelName" not in made["EndpointConfig"]["ProductionVariants"][0]
    # The requests, sent in the template's order, make an endpoint (and component) the simulator serves.
    import os

    service = RecommenderService(LocalBackend(default_state_dir(os.environ), speed="instant"))
    for operation, name in (("CreateModel", "Model"), ("CreateEndpointConfig", "EndpointConfig"),
                            ("CreateEndpoint", "Endpoint")):  # fmt: skip
        service.call(operation, made[name])
    service.wait_for_endpoint(made["Endpoint"]["EndpointName"], timeout=60, interval=0.01)
    if copies:
        service.call("CreateInferenceComponent", made["InferenceComponent"])
        genai.wait_for_component(service, made["InferenceComponent"]["InferenceComponentName"], timeout=60,
                                 interval=0.01)  # fmt: skip
        described = service.call(
            "DescribeInferenceComponent",
            {"InferenceComponentName": made["InferenceComponent"]["InferenceComponentName"]},
        )
        assert (
            described["RuntimeConfig"]["CurrentCopyCount"] == made["InferenceComponent"]["RuntimeConfig"]["CopyCount"]
        )
    assert (
        "Description" in template and f"recommendation {rank} of AI recommendation job cheap" in template["Description"]
    )


@pytest.mark.parametrize("copies", [True, False], ids=["components", "one-copy"])
def test_terraform_uses_only_the_providers_arguments_and_the_plans_values(
    cli: CliRunner, job: dict[str, Any], copies: bool
) -> None:
    rank = rank_with(job, copies=copies)
    text = emit(cli, rank, "terraform", "--endpoint-name", "llama-prod", "--role-arn", "arn:aws:iam::1:role/X")
    parsed = hcl(text)
    found = resources(parsed)
    check_arguments("aws_sagemaker_model", found["aws_sagemaker_model"])
    check_arguments("aws_sagemaker_endpoint", found["aws_sagemaker_endpoint"])
    # The configuration's routing_config block is checked here: test_iac's table has no entry for it.
    config = found["aws_sagemaker_endpoint_configuration"]
    assert {k for k in config if not k.startswith("__")} <= ARGUMENTS["aws_sagemaker_endpoint_configuration"]
    for variant in config["production_variants"]:
        names = {k for k in variant if not k.startswith("__")}
        assert names <= ARGUMENTS["aws_sagemaker_endpoint_configuration.production_variants"]
        for routing in variant.get("routing_config", []):
            assert {k for k in routing if not k.startswith("__")} <= {"routing_strategy"}
    assert (
        variables(parsed)["endpoint_name"] == "llama-prod" and variables(parsed)["role_arn"] == "arn:aws:iam::1:role/X"
    )
    plan = genai.deploy_plan(job, rank, name="llama-prod")
    container = found["aws_sagemaker_model"]["primary_container"][0]
    assert literal(container["model_package_name"]) == plan.model["PrimaryContainer"]["ModelPackageName"]
    variant = config["production_variants"][0]
    assert literal(variant["instance_type"]) == plan.endpoint_config["ProductionVariants"][0]["InstanceType"]
    component = found.get("awscc_sagemaker_inference_component")
    assert (component is not None) is copies
    if component is not None and plan.component is not None:
        assert set(k for k in component if not k.startswith("__")) <= AWSCC_COMPONENT
        assert component["runtime_config"]["copy_count"] == plan.component["RuntimeConfig"]["CopyCount"]
        needs = component["specification"]["compute_resource_requirements"]
        wanted = plan.component["Specification"]["ComputeResourceRequirements"]
        assert needs["number_of_accelerator_devices_required"] == wanted["NumberOfAcceleratorDevicesRequired"]
        assert "routing_config" in variant and "model_name" not in variant
        providers = parsed["terraform"][0]["required_providers"][0]
        assert literal(providers["awscc"]["source"]) == "hashicorp/awscc"
    else:
        assert "model_name" in variant and "terraform" not in parsed


def test_emit_deploys_nothing_and_refuses_wait_and_an_unfinished_job(cli: CliRunner, job: dict[str, Any]) -> None:
    emit(cli, 1, "cloudformation")
    assert cli("list-endpoints", "--output", "json").json["Endpoints"] == []
    refused = cli("ai-recommendation", "deploy", "cheap", "--emit", "terraform", "--wait", expect=252)
    assert "--wait does not apply" in refused.err
    assert "is not a recommendation" in cli("ai-recommendation", "deploy", "cheap", "--rank", "99", "--emit",
                                             "terraform", expect=252).err  # fmt: skip
    assert "'cloudformation', 'terraform'" in cli("ai-recommendation", "deploy", "cheap", "--emit", "pulumi",
                                                   expect=252).err  # fmt: skip


@pytest.mark.slow  # cfn-lint reads its specifications for two seconds
def test_cfn_lint_finds_no_error_in_either_template(cli: CliRunner, job: dict[str, Any], tmp_path: Path) -> None:
    for copies in (True, False):
        path = tmp_path / f"copies-{copies}.yaml"
        path.write_text(emit(cli, rank_with(job, copies=copies), "cloudformation"))
        assert lint(path) == [], path.read_text()
