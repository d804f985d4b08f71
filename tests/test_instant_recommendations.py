"""Instant recommendations (DescribeModel's DeploymentRecommendation), ListModelMetadata and
UpdateModelPackage: in process on a pinned clock, and served to real boto3 with every answer walked
against botocore's output shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.models import Simulator
from ircli.simulator.sagemaker import perf
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.conftest import CliRunner
from tests.test_services import client
from tests.valid_requests import ROLE

# The SageMaker SDK's check of an inference_recommendation_id (sagemaker<3, inference_recommender_mixin.py).
SDK_RECOMMENDATION_ID = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}\/\w{8}$")
ECR = "763104351884.dkr.ecr.us-east-1.amazonaws.com"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def create(sim: Simulator, name: str, **members: Any) -> None:
    sim.dispatch("CreateModel", {"ModelName": name, "ExecutionRoleArn": ROLE, **members})


def recommendation(sim: Simulator, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = sim.dispatch("DescribeModel", {"ModelName": name})["DeploymentRecommendation"]
    return answer


def instance_types(found: dict[str, Any]) -> list[str]:
    return [r["InstanceType"] for r in found["RealTimeInferenceRecommendations"]]


def test_in_progress_right_after_create_model_then_completed_a_few_seconds_later(tmp_path: Path) -> None:
    clock = Clock()
    sim = Simulator(Store(tmp_path / "sim"), clock=clock, speed="realtime")
    create(sim, "churn", PrimaryContainer={"Image": XGBOOST_IMAGE, "ModelDataUrl": "s3://b/churn/model.tar.gz"})
    assert recommendation(sim, "churn") == {"RecommendationStatus": "IN_PROGRESS"}
    clock.now += 1.0
    assert recommendation(sim, "churn")["RecommendationStatus"] == "IN_PROGRESS"
    clock.now += 1.5
    completed = recommendation(sim, "churn")
    assert completed["RecommendationStatus"] == "COMPLETED"
    found = completed["RealTimeInferenceRecommendations"]
    assert 1 <= len(found) <= 3 and all(r["Environment"] == {} for r in found)
    assert all(SDK_RECOMMENDATION_ID.match(r["RecommendationId"]) for r in found)
    assert all(r["RecommendationId"].startswith("churn/") for r in found)
    assert len({r["RecommendationId"] for r in found}) == len(found)
    # The same model described again answers the same: the ids stay valid for deploying.
    assert recommendation(sim, "churn") == completed
    # At the default speed the few seconds are shorter in proportion, but the answer is the same.
    fast = Simulator(Store(tmp_path / "fast"), clock=clock, speed="default")
    create(fast, "churn", PrimaryContainer={"Image": XGBOOST_IMAGE, "ModelDataUrl": "s3://b/churn/model.tar.gz"})
    clock.now += 0.1
    assert recommendation(fast, "churn") == completed


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    return Simulator(Store(tmp_path / "sim"), clock=Clock(), speed="instant")


def test_the_recommended_types_are_the_ones_the_performance_model_ranks_cheapest(sim: Simulator) -> None:
    create(sim, "churn", PrimaryContainer={"Image": XGBOOST_IMAGE, "ModelDataUrl": "s3://b/churn/model.tar.gz"})
    profile = perf.profile_for({"Framework": "XGBOOST", "Domain": "MACHINE_LEARNING", "NearestModelName": "xgboost"})
    chosen = instance_types(recommendation(sim, "churn"))
    costs = {
        t: perf.benchmark_instance(t, profile, {}, perf.Conditions()).cost_per_inference for t in profile.candidates
    }
    assert set(chosen) <= set(profile.candidates)
    assert [costs[t] for t in chosen] == sorted(costs[t] for t in chosen)
    assert max(costs[t] for t in chosen) <= min(c for t, c in costs.items() if t not in chosen)


def test_what_the_container_says_decides_the_recommendation(sim: Simulator) -> None:
    create(sim, "churn", PrimaryContainer={"Image": XGBOOST_IMAGE})
    create(
        sim,
        "sentiment",
        PrimaryContainer={
            "Image": f"{ECR}/huggingface-pytorch-inference:2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04",
            "Environment": {
                "HF_MODEL_ID": "distilbert-base-uncased-finetuned-sst-2-english",
                "HF_TASK": "text-classification",
            },
        },
    )
    create(
        sim,
        "chat",
        PrimaryContainer={
            "Image": f"{ECR}/huggingface-pytorch-tgi-inference:2.1-tgi1.4-gpu-py310-cu121-ubuntu22.04",
            "Environment": {"HF_MODEL_ID": "meta-llama/Llama-2-7b-chat-hf"},
        },
    )
    tabular, nlp, llm = (instance_types(recommendation(sim, n)) for n in ("churn", "sentiment", "chat"))
    catalog = {t: perf.instance(t) for t in tabular + nlp + llm}
    assert not any(catalog[t].get("accelerator") for t in tabular)  # trees gain nothing from a GPU
    assert any(catalog[t].get("accelerator") for t in nlp)
    # A 7B model in fp16 needs more accelerator memory than one T4 has: nothing smaller is recommended.
    assert all(perf.accelerator_memory(catalog[t]) >= 16.1 for t in llm)


def test_not_applicable_where_the_service_cannot_tell_what_the_model_is(sim: Simulator) -> None:
    create(sim, "custom", PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-server:latest"})
    pair = [{"Image": XGBOOST_IMAGE, "ContainerHostname": "a"}, {"Image": XGBOOST_IMAGE, "ContainerHostname": "b"}]
    create(sim, "pipeline", Containers=pair)
    create(sim, "many", PrimaryContainer={"Image": XGBOOST_IMAGE, "Mode": "MultiModel"})
    for name in ("custom", "pipeline", "many"):
        assert recommendation(sim, name) == {"RecommendationStatus": "NOT_APPLICABLE"}, name
    # A custom image whose artifacts say what the model is can be recommended for.
    create(sim, "named", PrimaryContainer={"Image": "my-server:latest", "ModelDataUrl": "s3://b/resnet50/model.tar.gz"})
    assert recommendation(sim, "named")["RecommendationStatus"] == "COMPLETED"


def test_a_model_made_from_a_package_is_recommended_for_as_the_package_describes_it(sim: Simulator) -> None:
    sim.dispatch("CreateModelPackageGroup", {"ModelPackageGroupName": "zoo"})
    arn = sim.dispatch(
        "CreateModelPackage",
        {
            "ModelPackageGroupName": "zoo",
            "Domain": "NATURAL_LANGUAGE_PROCESSING",
            "Task": "FILL_MASK",
            "InferenceSpecification": {
                "Containers": [{"Image": f"{ECR}/pytorch-inference:1.12-cpu", "NearestModelName": "bert-base-cased"}],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
        },
    )["ModelPackageArn"]
    create(sim, "from-package", PrimaryContainer={"ModelPackageName": arn})
    create(
        sim,
        "direct",
        PrimaryContainer={"Image": f"{ECR}/pytorch-inference:1.12-cpu", "ModelDataUrl": "s3://b/bert/m.tgz"},
    )
    assert instance_types(recommendation(sim, "from-package")) == instance_types(recommendation(sim, "direct"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running, _ = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()


def test_served_describe_model_answers_what_the_sdks_deploy_by_recommendation_reads(server: RunningServer) -> None:
    sagemaker = client(server, "sagemaker")
    sagemaker.create_model(
        ModelName="served", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": XGBOOST_IMAGE, "ModelDataUrl": "s3://b/m"}
    )
    described = sagemaker.describe_model(ModelName="served")  # walked against DescribeModelOutput
    chosen = described["DeploymentRecommendation"]["RealTimeInferenceRecommendations"][0]
    # What the SDK does with the id: the part before "/" is not a job, so it reads the model's list.
    name = chosen["RecommendationId"].split("/")[0]
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        sagemaker.describe_inference_recommendations_job(JobName=name)
    listed = sagemaker.describe_model(ModelName=name)["DeploymentRecommendation"]["RealTimeInferenceRecommendations"]
    assert next(r for r in listed if r["RecommendationId"] == chosen["RecommendationId"])["InstanceType"]


def test_aws_instant_recommendations_notebook_runs_as_written(server: RunningServer) -> None:
    """aws/amazon-sagemaker-examples, deployment-recommendations/instant-recommendations.ipynb: a model of a
    bare TensorFlow image in `Containers`, DescribeModel polled until COMPLETED, its list tabulated."""
    sagemaker = client(server, "sagemaker")
    image = f"{ECR}/tensorflow-inference:1.12.0-cpu"  # sagemaker.image_uris.retrieve("tensorflow", ..., "1.12.0")
    sagemaker.create_model(
        ModelName="instant-rec-demo-nb-model-1", ExecutionRoleArn=ROLE, Containers=[{"Image": image}]
    )
    deployment_recommendation = None
    for _ in range(3):
        described = sagemaker.describe_model(ModelName="instant-rec-demo-nb-model-1")
        deployment_recommendation = described.get("DeploymentRecommendation")
        if (
            deployment_recommendation is not None
            and deployment_recommendation.get("RecommendationStatus") == "COMPLETED"
        ):
            break
    assert deployment_recommendation is not None and deployment_recommendation["RecommendationStatus"] == "COMPLETED"
    rows = deployment_recommendation.get("RealTimeInferenceRecommendations")
    assert len(rows) == 3 and all(set(r) == {"RecommendationId", "InstanceType", "Environment"} for r in rows)
    assert any(perf.instance(r["InstanceType"]).get("accelerator") for r in rows)  # a DLC: GPUs are candidates
    sagemaker.delete_model(ModelName="instant-rec-demo-nb-model-1")


def test_served_list_model_metadata_filters_and_pages(server: RunningServer) -> None:
    sagemaker = client(server, "sagemaker")
    everything = sagemaker.list_model_metadata()["ModelMetadataSummaries"]
    models = {m["Model"] for m in everything}
    assert {"bert-base-cased", "resnet50", "xgboost", "sagemaker-scikit-learn", "yolov4"} <= models
    paged, token = [], None
    while True:
        page = sagemaker.list_model_metadata(MaxResults=4, **({"NextToken": token} if token else {}))
        assert len(page["ModelMetadataSummaries"]) <= 4
        paged += page["ModelMetadataSummaries"]
        token = page.get("NextToken")
        if not token:
            break
    assert paged == everything
    filters = [{"Name": "Domain", "Value": "COMPUTER_VISION"}, {"Name": "Framework", "Value": "PYTORCH"}]
    vision = sagemaker.list_model_metadata(SearchExpression={"Filters": filters})["ModelMetadataSummaries"]
    assert vision and all(m["Domain"] == "COMPUTER_VISION" and m["Framework"] == "PYTORCH" for m in vision)
    assert "resnet50" in {m["Model"] for m in vision}
    # Values are case-sensitive (the API reference).
    lower = [{"Name": "Framework", "Value": "pytorch"}]
    assert sagemaker.list_model_metadata(SearchExpression={"Filters": lower})["ModelMetadataSummaries"] == []
    with pytest.raises(sagemaker.exceptions.ClientError, match="Invalid pagination token"):
        sagemaker.list_model_metadata(
            SearchExpression={"Filters": lower}, NextToken=sagemaker.list_model_metadata(MaxResults=1)["NextToken"]
        )


def test_served_update_model_package_approves_and_keeps_metadata(server: RunningServer) -> None:
    sagemaker = client(server, "sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName="approvals")
    arn = sagemaker.create_model_package(
        ModelPackageGroupName="approvals",
        InferenceSpecification={
            "Containers": [{"Image": XGBOOST_IMAGE}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        CustomerMetadataProperties={"team": "ml", "stage": "dev"},
    )["ModelPackageArn"]
    assert sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "PendingManualApproval"
    updated = sagemaker.update_model_package(
        ModelPackageArn=arn,
        ModelApprovalStatus="Approved",
        ApprovalDescription="benchmarked by Inference Recommender",
        CustomerMetadataProperties={"stage": "prod", "owner": "me"},
        CustomerMetadataPropertiesToRemove=["team"],
        AdditionalInferenceSpecificationsToAdd=[{"Name": "gpu", "Containers": [{"Image": XGBOOST_IMAGE}]}],
    )
    assert updated["ModelPackageArn"] == arn
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "benchmarked by Inference Recommender"
    assert described["CustomerMetadataProperties"] == {"stage": "prod", "owner": "me"}
    assert [s["Name"] for s in described["AdditionalInferenceSpecifications"]] == ["gpu"]
    assert described["LastModifiedTime"] >= described["CreationTime"]
    sagemaker.update_model_package(
        ModelPackageArn=arn, ModelCard={"ModelCardContent": "{}", "ModelCardStatus": "Draft"}
    )
    sagemaker.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardStatus": "Approved"})
    card = sagemaker.describe_model_package(ModelPackageName=arn)["ModelCard"]
    assert card == {"ModelCardContent": "{}", "ModelCardStatus": "Approved"}
    approved = sagemaker.list_model_packages(ModelPackageGroupName="approvals", ModelApprovalStatus="Approved")
    assert [p["ModelPackageArn"] for p in approved["ModelPackageSummaryList"]] == [arn]
    with pytest.raises(sagemaker.exceptions.ClientError, match="already exists"):
        sagemaker.update_model_package(
            ModelPackageArn=arn,
            AdditionalInferenceSpecificationsToAdd=[{"Name": "gpu", "Containers": [{"Image": XGBOOST_IMAGE}]}],
        )
    missing = arn.rsplit("/", 1)[0] + "/99"
    with pytest.raises(sagemaker.exceptions.ClientError, match=f"ModelPackage {missing} does not exist"):
        sagemaker.update_model_package(ModelPackageArn=missing, ModelApprovalStatus="Rejected")


def test_failed_where_no_instance_type_the_package_supports_can_serve_the_model(sim: Simulator) -> None:
    sim.dispatch("CreateModelPackageGroup", {"ModelPackageGroupName": "llms"})

    def package(instance_types: list[str], environment: dict[str, str] | None = None) -> str:
        container = {
            "Image": f"{ECR}/huggingface-pytorch-tgi-inference:2.1-tgi1.4-gpu",
            "Environment": environment or {},
        }
        return str(
            sim.dispatch(
                "CreateModelPackage",
                {
                    "ModelPackageGroupName": "llms",
                    "Task": "TEXT_GENERATION",
                    "InferenceSpecification": {
                        "Containers": [container],
                        "SupportedContentTypes": ["application/json"],
                        "SupportedResponseMIMETypes": ["application/json"],
                        "SupportedRealtimeInferenceInstanceTypes": instance_types,
                    },
                },
            )["ModelPackageArn"]
        )

    create(sim, "on-cpus", PrimaryContainer={"ModelPackageName": package(["ml.c5.xlarge", "ml.m5.large"])})
    assert recommendation(sim, "on-cpus") == {"RecommendationStatus": "FAILED"}
    create(sim, "on-gpus", PrimaryContainer={"ModelPackageName": package(["ml.c5.xlarge", "ml.g5.2xlarge"])})
    assert instance_types(recommendation(sim, "on-gpus")) == ["ml.g5.2xlarge"]
    # The size the package's container states counts: a 13B model does not fit one A10G.
    sized = package(["ml.g5.2xlarge", "ml.g5.12xlarge"], {"HF_MODEL_ID": "meta-llama/Llama-2-13b-hf"})
    create(sim, "sized", PrimaryContainer={"ModelPackageName": sized})
    assert instance_types(recommendation(sim, "sized")) == ["ml.g5.12xlarge"]


def test_the_cli_lists_the_catalog_and_shows_a_models_instant_recommendations(cli: CliRunner) -> None:
    listed = cli("model", "metadata", "--domain", "COMPUTER_VISION", "--task", "OBJECT_DETECTION", "--output", "json")
    models = {m["Model"] for m in listed.json["ModelMetadataSummaries"]}
    assert {"yolov4", "retinanet"} <= models and "resnet50" not in models
    paged = cli("model", "metadata", "--max-items", "3", "--output", "json").json
    assert len(paged["ModelMetadataSummaries"]) == 3 and paged["NextToken"]
    table = cli("model", "metadata", "--framework", "XGBOOST", "--output", "table").out
    assert "Benchmarked models" in table and "xgboost" in table and "CLASSIFICATION" in table
    described = cli("model", "describe", "resnet50", "--output", "json").json["DeploymentRecommendation"]
    shown = cli("model", "describe", "resnet50", "--output", "table").out
    assert "Instant recommendations" in shown and "(COMPLETED)" in shown
    assert all(r["RecommendationId"] in shown for r in described["RealTimeInferenceRecommendations"])


def test_a_generative_models_stated_size_decides_which_accelerators_it_fits(sim: Simulator) -> None:
    from ircli.simulator.sagemaker.instant import total_accelerator_memory

    image = f"{ECR}/huggingface-pytorch-tgi-inference:2.1-tgi1.4-gpu-py310-cu121-ubuntu22.04"
    sizes = {"llama-13b": ("meta-llama/Llama-2-13b-chat-hf", 13), "falcon-180b": ("tiiuae/falcon-180B", 180)}
    for name, (model_id, billions) in sizes.items():
        create(sim, name, PrimaryContainer={"Image": image, "Environment": {"HF_MODEL_ID": model_id}})
        chosen = instance_types(recommendation(sim, name))
        needed = billions * 1e9 * 2 / 2**30  # fp16 weights alone
        assert chosen and all(total_accelerator_memory(t) >= needed for t in chosen), (name, chosen)
    # A 13B model does not fit one A10G (22.4 GiB), which a 7B model's profile has among its candidates.
    assert "ml.g5.2xlarge" in perf.profile_for({"Task": "TEXT_GENERATION"}).candidates
    assert "ml.g5.2xlarge" not in instance_types(recommendation(sim, "llama-13b"))
    # No instance type has the memory a 1,000B model needs: no recommendation can be made.
    create(sim, "giant", PrimaryContainer={"Image": image, "Environment": {"HF_MODEL_ID": "x/giant-1000b"}})
    assert recommendation(sim, "giant") == {"RecommendationStatus": "FAILED"}
