"""PyTorch with SageMaker Neo: a ResNet model package with a DataInputConfig (so the service may compile
it), a Default job and an Advanced job over OMP_NUM_THREADS on ml.c5d.xlarge; the recommendations' `Compiled`
ModelConfiguration shown in the table.

Rewritten from aws/amazon-sagemaker-examples at 00f45174046cc28ce15f3632e2661f9dd30b78c9,
sagemaker-inference-recommender/pytorch-neo/pyt-neo-inference-recommender.ipynb. Skipped: tracing the model
with torch.hub, downloading the sample images, the S3 uploads; the PyTorch version is fixed at 1.8, and the
notebook's cell that reads `rv["InferenceRecommendations"]` from the CreateInferenceRecommendationsJob answer
(which has no such member, so it fails on AWS too) is left out.
"""

import time
import uuid

import boto3
import pandas as pd
from _notebook import get_execution_role, result, uploaded
from sagemaker import Session, image_uris

region = boto3.Session().region_name
role = get_execution_role()
sm_client = boto3.client("sagemaker", region_name=region)
sagemaker_session = Session()
print(region)
model_url = uploaded("model", "pyt-resnet18.tar.gz")
sample_payload_url = uploaded("payload", "payload.tar.gz")

framework = "pytorch"
framework_version = "1.8"
model_name = "resnet50"
ml_domain = "COMPUTER_VISION"
ml_task = "IMAGE_CLASSIFICATION"
print("PyT Version", framework_version)
instance_type = "ml.c5.xlarge"
dlc_uri = image_uris.retrieve(
    framework, region, version=framework_version, py_version="py3", instance_type=instance_type, image_scope="inference"
)
print(dlc_uri)

model_package_group_name = f"{framework}-cpu-models-" + str(round(time.time()))
create_model_package_group_response = sm_client.create_model_package_group(
    ModelPackageGroupName=model_package_group_name, ModelPackageGroupDescription=f"{ml_task.lower()} models"
)
print("ModelPackageGroup Arn : {}".format(create_model_package_group_response["ModelPackageGroupArn"]))
create_model_package_input_dict = {
    "ModelPackageGroupName": model_package_group_name,
    "Domain": ml_domain.upper(),
    "Task": ml_task.upper(),
    "SamplePayloadUrl": sample_payload_url,
    "ModelPackageDescription": f"{framework} {model_name} inference recommender",
    "ModelApprovalStatus": "PendingManualApproval",
}
supported_realtime_inference_types = ["ml.c5.xlarge", "ml.m5.large", "ml.inf1.xlarge"]
modelpackage_inference_specification = {
    "InferenceSpecification": {
        "Containers": [
            {
                "Image": dlc_uri,
                "Framework": framework.upper(),
                "FrameworkVersion": framework_version,
                "NearestModelName": model_name,
                "ModelInput": {"DataInputConfig": "[[1,3,256,256]]"},
            }
        ],
        "SupportedContentTypes": ["application/x-image"],
        "SupportedResponseMIMETypes": [],
        "SupportedRealtimeInferenceInstanceTypes": supported_realtime_inference_types,
    }
}
modelpackage_inference_specification["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] = model_url
create_model_package_input_dict.update(modelpackage_inference_specification)
create_mode_package_response = sm_client.create_model_package(**create_model_package_input_dict)
model_package_arn = create_mode_package_response["ModelPackageArn"]
print(f"ModelPackage Version ARN : {model_package_arn}")
print(sm_client.describe_model_package(ModelPackageName=model_package_arn))

client = boto3.client("sagemaker", region)


def wait_for(job: object) -> dict:
    finished = False
    while not finished:
        inference_recommender_job = sm_client.describe_inference_recommendations_job(JobName=str(job))
        if inference_recommender_job["Status"] in ["COMPLETED", "STOPPED", "FAILED"]:
            finished = True
        else:
            print("In progress")
            time.sleep(300)
    if inference_recommender_job["Status"] == "FAILED":
        print("Inference recommender job failed ")
        raise SystemExit("Failed Reason: {}".format(inference_recommender_job["FailureReason"]))
    print("Inference recommender job completed")
    return inference_recommender_job


def recommendations(inference_recommender_job: dict) -> pd.DataFrame:
    data = [
        {**x["EndpointConfiguration"], **x["ModelConfiguration"], **x["Metrics"]}
        for x in inference_recommender_job["InferenceRecommendations"]
    ]
    df = pd.DataFrame(data)
    df.drop("VariantName", inplace=True, axis=1)
    pd.set_option("max_colwidth", 400)
    print(df.head().to_string())
    return df


default_job = uuid.uuid1()
default_response = client.create_inference_recommendations_job(
    JobName=str(default_job),
    JobDescription="Job Description",
    JobType="Default",
    RoleArn=role,
    InputConfig={"ModelPackageVersionArn": model_package_arn},
)
print(default_response)
default = recommendations(wait_for(default_job))

instance_type = "ml.c5d.xlarge"
advanced_job_name = model_name + "-" + instance_type.replace(".", "-") + "-load-test-" + str(round(time.time()))
rv = client.create_inference_recommendations_job(
    JobName=advanced_job_name,
    JobDescription=f"PyT {model_name} on {instance_type}",
    JobType="Advanced",
    RoleArn=role,
    InputConfig={
        "ModelPackageVersionArn": model_package_arn,
        "JobDurationInSeconds": 7200,
        "EndpointConfigurations": [
            {
                "InstanceType": instance_type,
                "EnvironmentParameterRanges": {
                    "CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["2", "4"]}]
                },
            }
        ],
        "ResourceLimit": {"MaxNumberOfTests": 2, "MaxParallelOfTests": 1},
        "TrafficPattern": {
            "TrafficType": "PHASES",
            "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}],
        },
    },
    StoppingConditions={
        "MaxInvocations": 300,
        "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 100}],
    },
)
print(rv)
advanced = recommendations(wait_for(advanced_job_name))

columns = ["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]
result(
    notebook="neo",
    candidates=supported_realtime_inference_types,
    advanced_candidates=[instance_type],
    jobs={str(default_job): default[columns].to_dict("records")},
    advanced={advanced_job_name: advanced[columns].to_dict("records")},
    environment=[p for x in advanced["EnvironmentParameters"] for p in x],
)
