"""The deployment script against ircli's simulator in process (the `ircli_mock` fixture): no server, no port."""

from __future__ import annotations

import boto3
import deploy
import pytest
from jobs import recommendation_job


def test_the_cheapest_recommendation_within_the_bound_is_configured(ircli_mock) -> None:
    job = recommendation_job()
    assert job["Status"] == "COMPLETED"
    latencies = [r["Metrics"]["ModelLatency"] for r in job["InferenceRecommendations"]]
    bound = sorted(latencies)[-1]  # every recommendation qualifies: the cheapest of all wins
    cheapest = min(job["InferenceRecommendations"], key=lambda r: r["Metrics"]["CostPerHour"])

    decision = deploy.deploy("churn-job", model="churn", config="churn-config", max_latency_ms=bound)

    config = boto3.client("sagemaker").describe_endpoint_config(EndpointConfigName="churn-config")
    variant = config["ProductionVariants"][0]
    assert variant["InstanceType"] == cheapest["EndpointConfiguration"]["InstanceType"] == decision["instanceType"]
    assert variant["ModelName"] == "churn"


def test_no_recommendation_within_the_bound_writes_nothing(ircli_mock) -> None:
    recommendation_job()
    with pytest.raises(deploy.NoRecommendation):
        deploy.deploy("churn-job", model="churn", config="never", max_latency_ms=0)
    assert boto3.client("sagemaker").list_endpoint_configs()["EndpointConfigs"] == []


@pytest.mark.ircli_speed("default")
def test_a_job_still_running_is_not_deployed_until_it_completes(ircli_mock) -> None:
    job = recommendation_job()
    assert job["Status"] in ("PENDING", "IN_PROGRESS")
    with pytest.raises(deploy.NoRecommendation, match="not COMPLETED"):
        deploy.deploy("churn-job", model="churn", config="early", max_latency_ms=10_000)
    ircli_mock.advance(3600)  # the simulator's clock: an hour on, the job has finished
    assert deploy.deploy("churn-job", model="churn", config="later", max_latency_ms=10_000)["config"] == "later"
