"""TensorFlow ResNet-50 with CloudWatch: a model package, a Default job, an Advanced job over
OMP_NUM_THREADS, each Default benchmark's CloudWatch metrics plotted (cloudwatch.get_endpoint_metrics),
and a ClientInvocations widget image of the Advanced job opened with Pillow.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/tensorflow-cloudwatch/tf-cloudwatch-inference-recommender.ipynb (today
archived/tensorflow-cloudwatch/). Skipped: saving the Keras model, downloading the sample images and the S3
uploads; the notebook's `tf.__version__` is fixed at 2.11.0.
"""

import json
import time
from io import BytesIO

import boto3
import pandas as pd
from _notebook import get_execution_role, result, uploaded
from cloudwatch import DATAPOINTS, get_endpoint_metrics
from PIL import Image
from sagemaker import Session, image_uris

region = boto3.Session().region_name
role = get_execution_role()
sm_client = boto3.client("sagemaker", region_name=region)
sagemaker_session = Session()
print(region)

framework = "tensorflow"
framework_version = "2.11.0"
model_name = "resnet50"
ml_domain = "COMPUTER_VISION"
ml_task = "IMAGE_CLASSIFICATION"
model_url = uploaded("tfmodel", "tf-model.tar.gz")
sample_payload_url = uploaded("tf_cw_payload", "tf_cw_payload.tar.gz")
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
supported_realtime_inference_types = ["ml.c5.xlarge", "ml.m5.xlarge", "ml.c5d.large", "ml.m5.large"]
modelpackage_inference_specification = {
    "InferenceSpecification": {
        "Containers": [
            {
                "Image": dlc_uri,
                "Framework": framework.upper(),
                "FrameworkVersion": framework_version,
                "NearestModelName": model_name,
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


def wait_for(job_name: str) -> dict:
    finished = False
    while not finished:
        inference_recommender_job = sm_client.describe_inference_recommendations_job(JobName=job_name)
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
    dropFilter = df.filter(["VariantName"])
    df.drop(dropFilter, inplace=True, axis=1)
    pd.set_option("max_colwidth", 400)
    print(df.head().to_string())
    return df


default_job_name = model_name + "-instance-" + str(round(time.time()))
print("job_name:", default_job_name)
rv = sm_client.create_inference_recommendations_job(
    JobName=default_job_name,
    JobDescription=f"{framework} {model_name}",
    JobType="Default",
    RoleArn=role,
    InputConfig={"ModelPackageVersionArn": model_package_arn},
)
print(rv)
default = recommendations(wait_for(default_job_name))
print(sm_client.list_inference_recommendations_job_steps(JobName=default_job_name))

advanced_job_name = model_name + "-" + instance_type.replace(".", "-") + "-load-test-" + str(round(time.time()))
advanced_response = sm_client.create_inference_recommendations_job(
    JobName=advanced_job_name,
    JobDescription=f"{framework} {model_name} on {instance_type}",
    JobType="Advanced",
    RoleArn=role,
    InputConfig={
        "ModelPackageVersionArn": model_package_arn,
        "JobDurationInSeconds": 7200,
        "EndpointConfigurations": [
            {
                "InstanceType": instance_type,
                "EnvironmentParameterRanges": {
                    "CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["2", "4", "10"]}]
                },
            }
        ],
        "ResourceLimit": {"MaxNumberOfTests": 10, "MaxParallelOfTests": 1},
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
inference_recommender_job = wait_for(advanced_job_name)
advanced = recommendations(inference_recommender_job)

cw_client = boto3.client("cloudwatch", region)
df_cw = get_endpoint_metrics(sm_client, cw_client, region, default_job_name, include_plots=True)
print(df_cw.to_string())

cloudwatch_client = boto3.client("cloudwatch")
endpoint_name = inference_recommender_job["InferenceRecommendations"][0]["EndpointConfiguration"]["EndpointName"]
widget = {
    "metrics": [
        [
            "/aws/sagemaker/InferenceRecommendationsJobs",
            "ClientInvocations",
            "JobName",
            advanced_job_name,
            "EndpointName",
            endpoint_name,
        ]
    ],
    "title": "ClientInvocations",
    "view": "timeSeries",
    "start": "-PT1H",
    "end": "P0D",
    "stat": "Sum",
    "period": 60,
}
widget_string = json.dumps(widget)
response = cloudwatch_client.get_metric_widget_image(MetricWidget=widget_string)
image = Image.open(BytesIO(response["MetricWidgetImage"]))
print(image.format, image.size)

columns = ["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]
result(
    notebook="tf_cloudwatch",
    candidates=supported_realtime_inference_types,
    advanced_candidates=[instance_type],
    jobs={default_job_name: default[columns].to_dict("records")},
    advanced={advanced_job_name: advanced[columns].to_dict("records")},
    environment=[p for x in advanced["EnvironmentParameters"] for p in x],
    datapoints=DATAPOINTS,
    widget=[image.format, *image.size],
)
