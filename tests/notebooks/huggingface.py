"""Hugging Face BERT (PyTorch): ListModelMetadata's table, a model package, a Default job, the package
approved with UpdateModelPackage, a model made from the package, an endpoint on the lowest-latency
instance type, one CSV invocation, the endpoint deleted.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/huggingface-inference-recommender/huggingface-inference-recommender.ipynb
(today archived/huggingface-inference-recommender/). Skipped: saving the transformers pipeline and the S3
uploads. The sample payload is the notebook's own sample-payload/test_data.csv.
"""

import datetime
import io
import time

import boto3
import pandas as pd
from _notebook import display, get_execution_role, result, uploaded
from sagemaker import Session, image_uris

TEST_DATA = """"Never allow the same bug to bite you twice."
"The best part of Amazon SageMaker is that it makes machine learning easy."
"Amazon SageMaker Inference Recommender helps you choose the best available compute instance and configuration to deploy machine learning models for optimal inference performance and cost."
"""  # noqa: E501

region = boto3.Session().region_name
role = get_execution_role()
sagemaker_session = Session()
print(region)
prefix = "sagemaker/huggingface-pytorch-inference-recommender"
sample_payload_url = uploaded(prefix + "/inference", "hf_payload.tar.gz")
model_url = uploaded(prefix + "/sentiment-analysis/model", "hf-model.tar.gz")

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
display(metadata.sort_values(by=["Domain", "Task", "Framework", "FrameworkVersion"]))

ml_domain = "NATURAL_LANGUAGE_PROCESSING"
ml_task = "FILL_MASK"
ml_framework = "PYTORCH"
framework_version = "1.6.0"
model = "bert-base-uncased"
inference_image = image_uris.retrieve(
    framework="pytorch",
    region=region,
    version="1.7.1",
    py_version="py3",
    instance_type="ml.m5.large",
    image_scope="inference",
)
print(inference_image)

model_package_group_name = "huggingface-pytorch-" + str(round(time.time()))
model_pacakge_group_response = client.create_model_package_group(
    ModelPackageGroupName=str(model_package_group_name),
    ModelPackageGroupDescription="My sample HuggingFace PyTorch model package group",
)
print(model_pacakge_group_response)
supported = ["ml.c5.large", "ml.c5.xlarge", "ml.c5.2xlarge", "ml.m5.xlarge", "ml.m5.2xlarge"]
model_package_version_response = client.create_model_package(
    ModelPackageGroupName=str(model_package_group_name),
    ModelPackageDescription="HuggingFace PyTorch Inference Recommender Demo",
    Domain=ml_domain,
    Task=ml_task,
    SamplePayloadUrl=sample_payload_url,
    InferenceSpecification={
        "Containers": [
            {
                "ContainerHostname": "huggingface-pytorch",
                "Image": inference_image,
                "ModelDataUrl": model_url,
                "Framework": ml_framework,
                "NearestModelName": model,
                "Environment": {
                    "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
                    "SAGEMAKER_PROGRAM": "inference.py",
                    "SAGEMAKER_REGION": region,
                    "SAGEMAKER_SUBMIT_DIRECTORY": model_url,
                },
            },
        ],
        "SupportedRealtimeInferenceInstanceTypes": supported,
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    },
)
print(model_package_version_response)

default_job = "huggingface-pytorch-basic-recommender-job-" + datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
default_response = client.create_inference_recommendations_job(
    JobName=str(default_job),
    JobDescription="HuggingFace PyTorch Inference Basic Recommender Job",
    JobType="Default",
    RoleArn=role,
    InputConfig={"ModelPackageVersionArn": model_package_version_response["ModelPackageArn"]},
)
print(default_response)
ended = False
while not ended:
    inference_recommender_job = client.describe_inference_recommendations_job(JobName=str(default_job))
    if inference_recommender_job["Status"] in ["COMPLETED", "STOPPED", "FAILED"]:
        ended = True
    else:
        print("Inference recommender job in progress")
        time.sleep(60)
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
display(df.sort_values(by=["MaxInvocations"], ascending=False).head())
display(df.sort_values(by=["ModelLatency"]).head())
instance_type = df.sort_values(by=["ModelLatency"]).head(1)["InstanceType"].to_string(index=False).strip()
print(instance_type)
list_job_steps_response = client.list_inference_recommendations_job_steps(JobName=str(default_job))
print(list_job_steps_response)

model_package_arn = model_package_version_response["ModelPackageArn"]
print(f"ModelPackage Version ARN : {model_package_arn}")
list_model_packages_response = client.list_model_packages(ModelPackageGroupName=model_package_group_name)
print(list_model_packages_response)
model_version_arn = list_model_packages_response["ModelPackageSummaryList"][0]["ModelPackageArn"]
print(model_version_arn)
print(client.describe_model_package(ModelPackageName=model_version_arn))
model_package_update_input_dict = {"ModelPackageArn": model_package_arn, "ModelApprovalStatus": "Approved"}
model_package_update_response = client.update_model_package(**model_package_update_input_dict)
print(model_package_update_response)
approval = client.describe_model_package(ModelPackageName=model_version_arn)["ModelApprovalStatus"]

model_name = "huggingface-pytorch-model-" + datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
print(f"Model name : {model_name}")
primary_container = {"ModelPackageName": model_version_arn}
create_model_respose = client.create_model(
    ModelName=model_name, ExecutionRoleArn=get_execution_role(), PrimaryContainer=primary_container
)
print("Model arn : {}".format(create_model_respose["ModelArn"]))
endpoint_config_name = "huggingface-pytorch-endpoint-config-" + datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
endpoint_config_response = client.create_endpoint_config(
    EndpointConfigName=endpoint_config_name,
    ProductionVariants=[
        {
            "VariantName": "AllTrafficVariant",
            "ModelName": model_name,
            "InitialInstanceCount": 1,
            "InstanceType": instance_type,
            "InitialVariantWeight": 1,
        },
    ],
)
print(endpoint_config_response)
endpoint_name = "huggingface-pytorch-endpoint-" + datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
create_endpoint_response = client.create_endpoint(EndpointName=endpoint_name, EndpointConfigName=endpoint_config_name)
print(create_endpoint_response)
describe_endpoint_response = client.describe_endpoint(EndpointName=endpoint_name)
while describe_endpoint_response["EndpointStatus"] == "Creating":
    describe_endpoint_response = client.describe_endpoint(EndpointName=endpoint_name)
    print(describe_endpoint_response["EndpointStatus"])
    time.sleep(15)
print(describe_endpoint_response)

test_data = pd.read_csv(io.StringIO(TEST_DATA), header=None)
display(test_data)
runtime = boto3.client("sagemaker-runtime")
response = runtime.invoke_endpoint(
    EndpointName=endpoint_name, Body=test_data.to_csv(header=False, index=False), ContentType="text/csv"
)
answer = response["Body"].read()
print(answer)
client.delete_endpoint(EndpointName=endpoint_name)

result(
    notebook="huggingface",
    metadata=len(metadata),
    candidates=supported,
    jobs={default_job: df[["InstanceType", "MaxInvocations", "ModelLatency", "CostPerHour"]].to_dict("records")},
    approval=approval,
    endpoint=describe_endpoint_response["EndpointStatus"],
    instance_type=instance_type,
    answer_lines=len(answer.decode().strip().splitlines()),
)
