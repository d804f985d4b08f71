"""TensorFlow 1.15 ResNet-50: ListModelMetadata's table, a model package (ml.inf1 among its supported
types), a Default job and an Advanced job over OMP_NUM_THREADS on ml.m5.xlarge.

Rewritten from aws/amazon-sagemaker-examples at 7807c2ad254ced700fac28065dd960e216403db8,
sagemaker-inference-recommender/tensorflow-inference-recommender/tensorflow-inference-recommender.ipynb.
Skipped: saving the Keras model, downloading the sample images and the S3 uploads.
"""

import time
import uuid

import boto3
import pandas as pd
from _notebook import display, get_execution_role, result, uploaded
from sagemaker import Session, image_uris

region = boto3.Session().region_name
role = get_execution_role()
sagemaker_session = Session()
print(region)
prefix = "sagemaker/inference-recommender"
sample_payload_url = uploaded(prefix + "/inference", "payload.tar.gz")
model_url = uploaded(prefix + "/reset50/model", "model.tar.gz")

inference_client = boto3.client("sagemaker", region)
list_model_metadata_response = inference_client.list_model_metadata()
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
display(metadata.sort_values(by=["Domain", "Task", "Framework", "FrameworkVersion"]))

instance_type = "ml.c5.xlarge"
framework_name = "tensorflow"
framework_version = "1.15.4"
ml_domain = "COMPUTER_VISION"
ml_task = "IMAGE_CLASSIFICATION"
model_name = "resnet50"
dlc_uri = image_uris.retrieve(
    framework_name,
    region,
    version=framework_version,
    py_version="py3",
    instance_type=instance_type,
    image_scope="inference",
)
print(dlc_uri)

model_package_group_name = uuid.uuid1()
model_pacakge_group_response = inference_client.create_model_package_group(
    ModelPackageGroupName=str(model_package_group_name), ModelPackageGroupDescription="description"
)
print(model_pacakge_group_response)
supported = ["ml.c5.xlarge", "ml.c5.2xlarge", "ml.m5.xlarge", "ml.m5.2xlarge", "ml.inf1.xlarge"]
model_package_version_response = inference_client.create_model_package(
    ModelPackageGroupName=str(model_package_group_name),
    ModelPackageDescription="InferenceRecommenderDemo",
    Domain=ml_domain,
    Task=ml_task,
    SamplePayloadUrl=sample_payload_url,
    InferenceSpecification={
        "Containers": [
            {
                "ContainerHostname": "dlc",
                "Image": dlc_uri,
                "ModelDataUrl": model_url,
                "Framework": "TENSORFLOW",
                "FrameworkVersion": framework_version,
                "NearestModelName": model_name,
                "ModelInput": {"DataInputConfig": '{"input_1":[1,3,224,224]}'},
            },
        ],
        "SupportedRealtimeInferenceInstanceTypes": supported,
        "SupportedContentTypes": ["application/x-image"],
        "SupportedResponseMIMETypes": [],
    },
)
print(model_package_version_response)

client = boto3.client("sagemaker", region)


def wait_for(job: object) -> dict:
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
    InputConfig={"ModelPackageVersionArn": model_package_version_response["ModelPackageArn"]},
)
print(default_response)
default = recommendations(wait_for(default_job))

advanced_job = uuid.uuid1()
advanced_response = client.create_inference_recommendations_job(
    JobName=str(advanced_job),
    JobDescription="JobDescription",
    JobType="Advanced",
    RoleArn=role,
    InputConfig={
        "ModelPackageVersionArn": model_package_version_response["ModelPackageArn"],
        "JobDurationInSeconds": 7200,
        "EndpointConfigurations": [
            {
                "InstanceType": "ml.m5.xlarge",
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
print(advanced_response)
advanced = recommendations(wait_for(advanced_job))

columns = ["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]
result(
    notebook="tensorflow",
    metadata=len(metadata),
    candidates=supported,
    advanced_candidates=["ml.m5.xlarge"],
    jobs={str(default_job): default[columns].to_dict("records")},
    advanced={str(advanced_job): advanced[columns].to_dict("records")},
    environment=[p for x in advanced["EnvironmentParameters"] for p in x],
)
