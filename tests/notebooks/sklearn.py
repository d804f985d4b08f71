"""scikit-learn (California housing): ListModelMetadata's table, a model package, a Default job and an
Advanced job with a Phases traffic pattern and a 50 ms P95 threshold.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/sklearn-inference-recommender/sklearn-inference-recommender.ipynb (today
archived/sklearn-inference-recommender/). Skipped: downloading the trained model and the S3 uploads; the
sample payload (ten rows of the data set's test split) is not needed for the calls.
"""

import datetime
import time

import boto3
import pandas as pd
from _notebook import display, get_execution_role, result, uploaded
from sagemaker import Session, image_uris

region = boto3.Session().region_name
role = get_execution_role()
sagemaker_session = Session()
print(region)

prefix = "sagemaker/scikit-learn-inference-recommender"
sample_payload_url = uploaded(prefix + "/inference", "sk_payload.tar.gz")
sourcedir_url = uploaded(prefix + "/california_housing/sourcedir", "sourcedir.tar.gz")
model_url = uploaded(prefix + "/california_housing/model", "sk-model.tar.gz")

client = boto3.client("sagemaker", region)
list_model_metadata_response = client.list_model_metadata()
domains, frameworks, framework_versions, tasks, models = [], [], [], [], []
for model_summary in list_model_metadata_response["ModelMetadataSummaries"]:
    domains.append(model_summary["Domain"])
    tasks.append(model_summary["Task"])
    models.append(model_summary["Model"])
    frameworks.append(model_summary["Framework"])
    framework_versions.append(model_summary["FrameworkVersion"])
metadata = pd.DataFrame(
    {"Domain": domains, "Task": tasks, "Framework": frameworks, "FrameworkVersion": framework_versions, "Model": models}
)
pd.set_option("display.max_rows", None)
pd.set_option("display.max_columns", None)
pd.set_option("display.width", 1000)
pd.set_option("display.colheader_justify", "center")
pd.set_option("display.precision", 3)
display(metadata.sort_values(by=["Domain", "Task", "Framework", "FrameworkVersion"]))

ml_domain = "MACHINE_LEARNING"
ml_task = "REGRESSION"
ml_framework = "SAGEMAKER-SCIKIT-LEARN"
framework_version = "1.2-1"
model = "sagemaker-scikit-learn"
model_name = "scikit-learn-california-housing" + datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
inference_image = image_uris.retrieve(
    framework="sklearn", region=region, version=framework_version, py_version="py3", instance_type="ml.m5.large"
)
print(inference_image)

model_package_group_name = "scikit-learn-california-housing-" + str(round(time.time()))
model_package_group_response = client.create_model_package_group(
    ModelPackageGroupName=str(model_package_group_name),
    ModelPackageGroupDescription="My sample California housing model package group",
)
print(model_package_group_response)
supported = ["ml.c5.large", "ml.c5.xlarge", "ml.c5.2xlarge", "ml.m5.xlarge", "ml.m5.2xlarge"]
model_package_version_response = client.create_model_package(
    ModelPackageGroupName=str(model_package_group_name),
    ModelPackageDescription="scikit-learn Inference Recommender Demo",
    Domain=ml_domain,
    Task=ml_task,
    SamplePayloadUrl=sample_payload_url,
    InferenceSpecification={
        "Containers": [
            {
                "ContainerHostname": "scikit-learn",
                "Image": inference_image,
                "ModelDataUrl": model_url,
                "Framework": ml_framework,
                "NearestModelName": model,
                "Environment": {
                    "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
                    "SAGEMAKER_PROGRAM": "inference.py",
                    "SAGEMAKER_REGION": region,
                    "SAGEMAKER_SUBMIT_DIRECTORY": sourcedir_url,
                },
            },
        ],
        "SupportedRealtimeInferenceInstanceTypes": supported,
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    },
)
print(model_package_version_response)


def wait_for(job: str) -> dict:
    ended = False
    while not ended:
        inference_recommender_job = client.describe_inference_recommendations_job(JobName=str(job))
        if inference_recommender_job["Status"] in ["COMPLETED", "STOPPED", "FAILED"]:
            ended = True
        else:
            print("Inference recommender job in progress")
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
    dropFilter = df.filter(["VariantName"])
    df.drop(dropFilter, inplace=True, axis=1)
    pd.set_option("max_colwidth", 400)
    return df


default_job = "scikit-learn-basic-recommender-job-" + datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
default_response = client.create_inference_recommendations_job(
    JobName=str(default_job),
    JobDescription="scikit-learn Inference Basic Recommender Job",
    JobType="Default",
    RoleArn=role,
    InputConfig={"ModelPackageVersionArn": model_package_version_response["ModelPackageArn"]},
)
print(default_response)
df = recommendations(wait_for(default_job))
display(df.sort_values(by=["MaxInvocations"], ascending=False).head())
display(df.sort_values(by=["ModelLatency"]).head())
list_job_steps_response = client.list_inference_recommendations_job_steps(JobName=str(default_job))
print(list_job_steps_response)

advanced_job = "scikit-learn-advanced-recommender-job-" + datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
advanced_response = client.create_inference_recommendations_job(
    JobName=advanced_job,
    JobDescription="scikit-learn Inference Advanced Recommender Job",
    JobType="Advanced",
    RoleArn=role,
    InputConfig={
        "ModelPackageVersionArn": model_package_version_response["ModelPackageArn"],
        "JobDurationInSeconds": 7200,
        "EndpointConfigurations": [{"InstanceType": "ml.m5.2xlarge"}],
        "TrafficPattern": {
            "TrafficType": "PHASES",
            "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}],
        },
    },
    StoppingConditions={
        "MaxInvocations": 500,
        "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 50}],
    },
)
print(advanced_response)
advanced = recommendations(wait_for(advanced_job))
display(advanced.head())

columns = ["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]
result(
    notebook="sklearn",
    metadata=len(metadata),
    candidates=supported,
    advanced_candidates=["ml.m5.2xlarge"],
    jobs={default_job: df[columns].to_dict("records")},
    advanced={advanced_job: advanced[columns].to_dict("records")},
    latency_threshold_ms=50,
)
