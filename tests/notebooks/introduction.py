"""The introduction (TensorFlow ResNet-50 with a DataInputConfig): a model package described back, a
Default job with its steps, an Advanced job over OMP_NUM_THREADS on ml.c5.xlarge.

Rewritten from aws/amazon-sagemaker-examples at 2d519b52c3a2c2361f2b87f0d3de46fd6c0232a5,
deploy_and_monitor/sm-inference_recommender_introduction.ipynb (at da71d05c06bfe62c03873a57147b3a23006bbf68
sagemaker-inference-recommender/inference-recommender.ipynb, the same cells). Skipped: saving the Keras model,
downloading the sample images and the S3 uploads; the TensorFlow version is fixed at 2.11.
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

framework = "tensorflow"
framework_version = "2.11"
model_name = "resnet50"
ml_domain = "COMPUTER_VISION"
ml_task = "IMAGE_CLASSIFICATION"
print("TF Version", framework_version)
model_url = uploaded("tfmodel", "tfmodel.tar.gz")
sample_payload_url = uploaded("tf_payload", "tf_payload.tar.gz")
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
data_input_configuration = '{"input_1":[1,224,224,3]}'
modelpackage_inference_specification = {
    "InferenceSpecification": {
        "Containers": [
            {
                "Image": dlc_uri,
                "Framework": framework.upper(),
                "FrameworkVersion": framework_version,
                "NearestModelName": model_name,
                "ModelInput": {"DataInputConfig": data_input_configuration},
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

inference_client = boto3.client("sagemaker", region)


def wait_for(job: object) -> dict:
    stopped = False
    while not stopped:
        inference_recommender_job = inference_client.describe_inference_recommendations_job(JobName=str(job))
        if inference_recommender_job["Status"] in ["COMPLETED", "STOPPED", "FAILED"]:
            stopped = True
        else:
            print("Inference recommender job in progress")
            time.sleep(600)
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
    print(df.head().to_string())
    return df


default_job = uuid.uuid1()
default_response = inference_client.create_inference_recommendations_job(
    JobName=str(default_job),
    JobDescription="",
    JobType="Default",
    RoleArn=role,
    InputConfig={"ModelPackageVersionArn": model_package_arn},
)
print(default_response)
default = recommendations(wait_for(default_job))
list_job_steps_response = inference_client.list_inference_recommendations_job_steps(JobName=str(default_job))
print(list_job_steps_response)

advanced_job = uuid.uuid1()
advanced_response = inference_client.create_inference_recommendations_job(
    JobName=str(advanced_job),
    JobDescription="",
    JobType="Advanced",
    RoleArn=role,
    InputConfig={
        "ModelPackageVersionArn": model_package_arn,
        "JobDurationInSeconds": 7200,
        "EndpointConfigurations": [
            {
                "InstanceType": instance_type,
                "EnvironmentParameterRanges": {
                    "CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["1", "2", "4"]}]
                },
            }
        ],
        "ResourceLimit": {"MaxNumberOfTests": 3, "MaxParallelOfTests": 1},
        "TrafficPattern": {
            "TrafficType": "PHASES",
            "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}],
        },
    },
    StoppingConditions={
        "MaxInvocations": 1000,
        "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 500}],
    },
)
print(advanced_response)
advanced = recommendations(wait_for(advanced_job))

columns = ["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]
result(
    notebook="introduction",
    candidates=supported_realtime_inference_types,
    advanced_candidates=[instance_type],
    jobs={str(default_job): default[columns].to_dict("records")},
    advanced={str(advanced_job): advanced[columns].to_dict("records")},
    steps=len(list_job_steps_response["Steps"]),
    environment=[p for x in advanced["EnvironmentParameters"] for p in x],
)
