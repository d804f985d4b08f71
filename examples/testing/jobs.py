"""What the sample tests share: a model and a Default recommendation job, made through boto3 as any code
would, whichever simulator (in process or served) the test asked for."""

from __future__ import annotations

from typing import Any

import boto3

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def recommendation_job(job_name: str = "churn-job", model: str = "churn", model_data: str | None = None) -> Any:
    """A model and a finished Default job over it (the fixtures run at instant speed)."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_model(
        ModelName=model,
        ExecutionRoleArn=ROLE,
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": model_data or "s3://models/churn/model.tar.gz"},
    )
    sagemaker.create_inference_recommendations_job(
        JobName=job_name,
        JobType="Default",
        RoleArn=ROLE,
        InputConfig={
            "ModelName": model,
            "EndpointConfigurations": [
                {"InstanceType": "ml.c5.xlarge"},
                {"InstanceType": "ml.m5.large"},
                {"InstanceType": "ml.c5.2xlarge"},
            ],
        },
    )
    return sagemaker.describe_inference_recommendations_job(JobName=job_name)
