"""XGBoost: a model package, a Default job, its recommendations as a DataFrame, its steps.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/xgboost/xgboost-inference-recommender.ipynb (today
archived/xgboost-inference-recommender.ipynb). Skipped: training the classifier and the S3 uploads.
"""

import time

import boto3
import pandas as pd
from _notebook import get_execution_role, result, uploaded
from sagemaker import Session, image_uris

region = boto3.Session().region_name
role = get_execution_role()
sm_client = boto3.client("sagemaker", region_name=region)
sagemaker_session = Session()
print(region)

framework = "XGBOOST"
framework_version = "1.2.0"
model_name = "xgboost"
ml_domain = "MACHINE_LEARNING"
ml_task = "CLASSIFICATION"

model_url = uploaded("xgbmodel", "xgbmodel.tar.gz")
sample_payload_url = uploaded("xgb_payload", "xgb_payload.tar.gz")
dlc_uri = image_uris.retrieve("xgboost", region, "1.2-1")

model_package_group_name = f"{framework}-cpu-models-" + str(round(time.time()))
model_package_group_input_dict = {
    "ModelPackageGroupName": model_package_group_name,
    "ModelPackageGroupDescription": f"{ml_task.lower()} models",
}
create_model_package_group_response = sm_client.create_model_package_group(**model_package_group_input_dict)
print("ModelPackageGroup Arn : {}".format(create_model_package_group_response["ModelPackageGroupArn"]))

create_model_package_input_dict = {
    "ModelPackageGroupName": model_package_group_name,
    "Domain": ml_domain.upper(),
    "Task": ml_task.upper(),
    "SamplePayloadUrl": sample_payload_url,
    "ModelPackageDescription": f"{framework} {model_name} inference recommender",
    "ModelApprovalStatus": "PendingManualApproval",
}
supported_realtime_inference_types = ["ml.m4.2xlarge", "ml.c5.2xlarge", "ml.c5.xlarge", "ml.c5.9xlarge"]
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
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": [],
        "SupportedRealtimeInferenceInstanceTypes": supported_realtime_inference_types,
    }
}
modelpackage_inference_specification["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] = model_url
create_model_package_input_dict.update(modelpackage_inference_specification)
create_mode_package_response = sm_client.create_model_package(**create_model_package_input_dict)
model_package_arn = create_mode_package_response["ModelPackageArn"]
print(f"ModelPackage Version ARN : {model_package_arn}")

job_name = model_name + "-instance-" + str(round(time.time()))
rv = sm_client.create_inference_recommendations_job(
    JobName=job_name,
    JobDescription=f"{framework} {model_name}",
    JobType="Default",
    RoleArn=role,
    InputConfig={"ModelPackageVersionArn": model_package_arn},
)
print(rv)

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

data = [
    {**x["EndpointConfiguration"], **x["ModelConfiguration"], **x["Metrics"]}
    for x in inference_recommender_job["InferenceRecommendations"]
]
df = pd.DataFrame(data)
dropFilter = df.filter(["VariantName"])
df.drop(dropFilter, inplace=True, axis=1)
pd.set_option("max_colwidth", 400)
print(df.head().to_string())

list_job_steps_response = sm_client.list_inference_recommendations_job_steps(JobName=job_name)
print(list_job_steps_response)

result(
    notebook="xgboost",
    candidates=supported_realtime_inference_types,
    jobs={job_name: df[["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]].to_dict("records")},
    steps=len(list_job_steps_response["Steps"]),
)
