"""moto's S3 and ircli's Inference Recommender in one test: the model artifact and the recorded decision live
in moto's S3, the job and the endpoint configuration in ircli's simulator; each mock answers its own services."""

from __future__ import annotations

import json

import boto3
import deploy
from jobs import recommendation_job
from moto import mock_aws


@mock_aws
def test_the_decision_is_recorded_in_s3(ircli_mock) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="models")
    s3.put_object(Bucket="models", Key="churn/model.tar.gz", Body=b"model weights")
    recommendation_job(model_data="s3://models/churn/model.tar.gz")

    decision = deploy.deploy("churn-job", "churn", "moto-config", 100_000, record="s3://models/decisions/churn.json")

    recorded = json.loads(s3.get_object(Bucket="models", Key="decisions/churn.json")["Body"].read())
    assert recorded == decision
    sagemaker = boto3.client("sagemaker")
    assert sagemaker.describe_endpoint_config(EndpointConfigName="moto-config")["EndpointConfigName"] == "moto-config"
    assert boto3.client("iam").list_roles()["Roles"] == []  # IAM is moto's too
