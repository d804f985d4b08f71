"""The body the two Triton notebooks share (PyTorch and TensorRT BERT on NVIDIA Triton, benchmarked on GPU
instances): a model package of the Triton image with its supported G4dn types, an Advanced job with a
Phases pattern (2 users, +3 a minute for 15 minutes), its CloudWatch metrics (cloudwatch.get_endpoint_metrics)
and its recommendations as a DataFrame. Each notebook's script (triton_pytorch.py, tensorrt.py) calls `run`
with what differs: its names, its payload's input names and the instance types it asks for.

Skipped from both: building the models in NVIDIA's container, tokenizing with transformers (the payload's
token ids are fixed here), and the S3 uploads.
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pandas as pd
import sagemaker
from _notebook import get_execution_role, result, uploaded
from cloudwatch import DATAPOINTS, get_endpoint_metrics

account_id_map = {"us-east-1": "785573368785", "us-east-2": "007439368137", "us-west-2": "301217895009"}
SUPPORTED = [
    "ml.g4dn.4xlarge", "ml.g4dn.8xlarge", "ml.g4dn.16xlarge", "ml.g4dn.12xlarge", "ml.g4dn.xlarge", "ml.g4dn.2xlarge",
]  # fmt: skip


def run(notebook: str, short: str, prefix: str, inputs: tuple[str, str], instance_types: list[str]) -> None:
    sess = boto3.Session()
    sess.client("sagemaker")
    sagemaker.Session(boto_session=sess)
    role = get_execution_role()
    region = boto3.Session().region_name
    sm_client = boto3.client("sagemaker", region_name=region)
    cw_client = boto3.client("cloudwatch", region)
    if region not in account_id_map:
        raise SystemExit("UNSUPPORTED REGION")
    ts = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())
    model_package_group_name = f"{short}-triton-benchmark-model-group-" + ts
    advanced_job = f"{short}-triton-benchmark-advanced-job-" + ts
    base = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    triton_image_uri = f"{account_id_map[region]}.dkr.ecr.{region}.{base}/sagemaker-tritonserver:21.08-py3"
    print(f"Triton Inference server DLC image: {triton_image_uri}")

    input_ids = [101, 3443, 18093, 1046, 3385, 1998, 2039, 11066, 2009, 2006, 1055, 2509, 1012, 102]
    input_ids += [0] * (512 - len(input_ids))
    attention_mask = [1 if token else 0 for token in input_ids]
    payload = {
        "inputs": [
            {"name": inputs[0], "shape": [1, 512], "datatype": "INT32", "data": input_ids},
            {"name": inputs[1], "shape": [1, 512], "datatype": "INT32", "data": attention_mask},
        ]
    }
    print("Sample payload to be used with Inference Recommender", json.dumps(payload)[:120])
    sample_payload_url = uploaded(prefix + "/inference", "payload.tar.gz")
    model_url = uploaded(prefix + "/model", "model.tar.gz")

    container = {
        "Image": triton_image_uri,
        "ModelDataUrl": model_url,
        "NearestModelName": "bert-base-uncased",
        "Framework": "PYTORCH",
        "Environment": {"SAGEMAKER_TRITON_DEFAULT_MODEL_NAME": "bert"},
    }
    model_pacakge_group_response = sm_client.create_model_package_group(
        ModelPackageGroupName=str(model_package_group_name),
        ModelPackageGroupDescription="BERT large uncased Model group for Triton Serving",
    )
    print(f"Model Registry package group: {model_pacakge_group_response}")
    model_package_version_response = sm_client.create_model_package(
        ModelPackageGroupName=str(model_package_group_name),
        ModelPackageDescription="BERT large uncased Model group for Triton Serving",
        Domain="NATURAL_LANGUAGE_PROCESSING",
        Task="FILL_MASK",
        SamplePayloadUrl=sample_payload_url,
        InferenceSpecification={
            "Containers": [container],
            "SupportedRealtimeInferenceInstanceTypes": SUPPORTED,
            "SupportedContentTypes": ["application/octet-stream"],
            "SupportedResponseMIMETypes": ["application/json"],
        },
    )
    advanced_response = sm_client.create_inference_recommendations_job(
        JobName=advanced_job,
        JobDescription="nlp triton Inference Advanced Recommender Job",
        JobType="Advanced",
        RoleArn=role,
        InputConfig={
            "ModelPackageVersionArn": model_package_version_response["ModelPackageArn"],
            "JobDurationInSeconds": 7200,
            "EndpointConfigurations": [{"InstanceType": t} for t in instance_types],
            "TrafficPattern": {
                "TrafficType": "PHASES",
                "Phases": [{"InitialNumberOfUsers": 2, "SpawnRate": 3, "DurationInSeconds": 900}],
            },
            "ResourceLimit": {"MaxNumberOfTests": 10, "MaxParallelOfTests": 5},
        },
        StoppingConditions={
            "MaxInvocations": 30000,
            "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 500}],
        },
    )
    print(advanced_response)
    inference_recommender_job = wait_for(sm_client, advanced_job)

    job_name = advanced_response["JobArn"].split("/")[-1]
    df_cw = get_endpoint_metrics(sm_client, cw_client, region, job_name, include_plots=True)
    print(df_cw.to_string())
    data = [
        {**x["EndpointConfiguration"], **x["ModelConfiguration"], **x["Metrics"]}
        for x in inference_recommender_job["InferenceRecommendations"]
    ]
    df = pd.DataFrame(data)
    df.drop("VariantName", inplace=True, axis=1)
    pd.set_option("max_colwidth", 400)
    print(df.to_string())
    columns = ["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]
    result(
        notebook=notebook,
        candidates=instance_types,
        advanced={advanced_job: df[columns].to_dict("records")},
        datapoints=DATAPOINTS,
    )


def wait_for(sm_client: Any, advanced_job: str) -> Any:
    ended = False
    while not ended:
        inference_recommender_job = sm_client.describe_inference_recommendations_job(JobName=str(advanced_job))
        if inference_recommender_job["Status"] in ["COMPLETED", "STOPPED", "FAILED"]:
            print(f"Inference recommender job status: {inference_recommender_job['Status']} ")
            ended = True
        else:
            print("Inference recommender job in progress")
            time.sleep(300)
    if inference_recommender_job["Status"] == "FAILED":
        print("Inference recommender job failed ")
        raise SystemExit("Failed Reason: {}".format(inference_recommender_job["FailureReason"]))
    print("Inference recommender job completed")
    return inference_recommender_job
