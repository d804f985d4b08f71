"""The developer guide's generative-AI inference recommendations, end to end, as a boto3 user writes them.

Runs against the real service, or unmodified against `ircli simulator serve` with
`AWS_ENDPOINT_URL=http://127.0.0.1:PORT` (and any credentials). Needs a model in S3 (HuggingFace format,
SafeTensors weights), an output bucket and a role; set MODEL_S3_URI, OUTPUT_S3_URI and ROLE_ARN for a real run.
"""

import json
import os
import time

import boto3
from botocore.exceptions import ClientError

REGION = os.environ.get("AWS_REGION", "us-west-2")
MODEL = os.environ.get("MODEL_S3_URI", "s3://DOC-EXAMPLE-BUCKET/models/my-model/")
OUTPUT = os.environ.get("OUTPUT_S3_URI", "s3://DOC-EXAMPLE-BUCKET/recommendations/")
ROLE = os.environ.get("ROLE_ARN", "arn:aws:iam::111122223333:role/ExampleRole")
RUN = os.environ.get("RUN_ID", str(int(time.time())))

client = boto3.client("sagemaker", region_name=REGION)
runtime = boto3.client("sagemaker-runtime", region_name=REGION)


def wait_for(describe, status_key, **name):
    while True:
        job = describe(**name)
        if job[status_key] in ("Completed", "Failed", "Stopped"):
            return job
        time.sleep(5)


# 1. Workload configurations: inline token distributions, and a dataset in S3.
workload_spec = {
    "benchmark": {"type": "aiperf"},
    "parameters": {
        "prompt_input_tokens_mean": 550,
        "prompt_input_tokens_stddev": 150,
        "output_tokens_mean": 150,
        "output_tokens_stddev": 50,
        "concurrency": 8,
    },
}
inline_name, dataset_name = f"chat-workload-{RUN}", f"dataset-workload-{RUN}"
client.create_ai_workload_config(
    AIWorkloadConfigName=inline_name, AIWorkloadConfigs={"WorkloadSpec": {"Inline": json.dumps(workload_spec)}}
)
client.create_ai_workload_config(
    AIWorkloadConfigName=dataset_name,
    DatasetConfig={
        "InputDataConfig": [
            {"ChannelName": "prompts", "DataSource": {"S3DataSource": {"S3Uri": OUTPUT + "datasets/prompts.jsonl"}}}
        ]
    },
)
described = client.describe_ai_workload_config(AIWorkloadConfigName=inline_name)
assert json.loads(described["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"])["benchmark"]["type"] == "aiperf"

# A spec the service refuses: a benchmark type other than aiperf.
try:
    bad = {"benchmark": {"type": "locust"}, "parameters": {}}
    client.create_ai_workload_config(
        AIWorkloadConfigName=f"bad-{RUN}", AIWorkloadConfigs={"WorkloadSpec": {"Inline": json.dumps(bad)}}
    )
    raise SystemExit("a non-aiperf workload was accepted")
except ClientError as error:
    assert error.response["Error"]["Code"] == "ValidationException", error.response

# 2. Recommendation jobs: one for cost, one for time to first token with optimisation.
jobs = {}
for goal, optimize in (("cost", False), ("ttft-ms", True)):
    name = f"rec-{goal.replace('-ms', '')}-{RUN}"
    client.create_ai_recommendation_job(
        AIRecommendationJobName=name,
        ModelSource={"S3": {"S3Uri": MODEL}},
        OutputConfig={"S3OutputLocation": OUTPUT},
        PerformanceTarget={"Constraints": [{"Metric": goal}]},
        AIWorkloadConfigIdentifier=inline_name,
        InferenceSpecification={"Framework": "LMI"},
        ComputeSpec={"InstanceTypes": ["ml.g5.12xlarge", "ml.g6e.2xlarge"]},
        OptimizeModel=optimize,
        RoleArn=ROLE,
    )
    jobs[goal] = name

# A taken name is refused.
try:
    client.create_ai_workload_config(
        AIWorkloadConfigName=inline_name, AIWorkloadConfigs={"WorkloadSpec": {"Inline": json.dumps(workload_spec)}}
    )
    raise SystemExit("a taken workload name was accepted")
except ClientError as error:
    assert error.response["Error"]["Code"] == "ResourceInUse", error.response

# 3. Read and check every recommendation.
results = {}
for goal, name in jobs.items():
    job = wait_for(client.describe_ai_recommendation_job, "AIRecommendationJobStatus", AIRecommendationJobName=name)
    assert job["AIRecommendationJobStatus"] == "Completed", job.get("FailureReason")
    assert job["Recommendations"], "no recommendation"
    for recommendation in job["Recommendations"]:
        deployment = recommendation["DeploymentConfiguration"]
        assert deployment["InstanceType"] in ("ml.g5.12xlarge", "ml.g6e.2xlarge")
        assert deployment["ImageUri"] and deployment["InstanceCount"] >= 1
        assert recommendation["ModelDetails"]["ModelPackageArn"]
        metrics = {p["Metric"]: float(p["Value"]) for p in recommendation["ExpectedPerformance"]}
        assert metrics, "no expected performance"
    optimized = [r for r in job["Recommendations"] if r.get("OptimizationDetails")]
    assert bool(optimized) == (goal == "ttft-ms"), "optimisation only where it was allowed"
    results[goal] = job
    print(goal, [r["DeploymentConfiguration"]["InstanceType"] for r in job["Recommendations"]])

# 4. Deploy the best ttft recommendation the documented way and wait for InService.
recommendation = results["ttft-ms"]["Recommendations"][0]
model_details = recommendation["ModelDetails"]
deploy_config = recommendation["DeploymentConfiguration"]
model_name = endpoint_name = f"best-ttft-{RUN}"
container_def = {
    "ModelPackageName": model_details["ModelPackageArn"],
    "InferenceSpecificationName": model_details["InferenceSpecificationName"],
}
client.create_model(ModelName=model_name, PrimaryContainer=container_def, ExecutionRoleArn=ROLE)
copies = deploy_config.get("CopyCountPerInstance", 1)
variant = {
    "VariantName": "AllTraffic",
    "InstanceType": deploy_config["InstanceType"],
    "InitialInstanceCount": deploy_config["InstanceCount"],
}
if copies > 1:
    client.create_endpoint_config(EndpointConfigName=endpoint_name, ExecutionRoleArn=ROLE, ProductionVariants=[variant])
else:
    client.create_endpoint_config(
        EndpointConfigName=endpoint_name, ProductionVariants=[dict(variant, ModelName=model_name)]
    )
client.create_endpoint(EndpointName=endpoint_name, EndpointConfigName=endpoint_name)
client.get_waiter("endpoint_in_service").wait(EndpointName=endpoint_name, WaiterConfig={"Delay": 5})
invoke = {"EndpointName": endpoint_name}
if copies > 1:
    client.create_inference_component(
        InferenceComponentName=model_name,
        EndpointName=endpoint_name,
        VariantName="AllTraffic",
        Specification={
            "ModelName": model_name,
            "ComputeResourceRequirements": {
                "NumberOfAcceleratorDevicesRequired": 1,
                "MinMemoryRequiredInMb": deploy_config.get("MinCpuMemoryRequiredInMb", 1024),
            },
        },
        RuntimeConfig={"CopyCount": copies * deploy_config["InstanceCount"]},
    )
    while (
        client.describe_inference_component(InferenceComponentName=model_name)["InferenceComponentStatus"]
        != "InService"
    ):
        time.sleep(5)
    invoke["InferenceComponentName"] = model_name
answer = runtime.invoke_endpoint(
    ContentType="application/json",
    Body=json.dumps({"inputs": "What is Amazon SageMaker?", "parameters": {"max_new_tokens": 32}}),
    **invoke,
)
print(json.loads(answer["Body"].read()))

# 5. Benchmark it with the workload, list, stop one, delete.
benchmark = f"bench-{RUN}"
target = {"Endpoint": {"Identifier": endpoint_name}}
if copies > 1:
    target["Endpoint"]["InferenceComponents"] = [{"Identifier": model_name}]
client.create_ai_benchmark_job(
    AIBenchmarkJobName=benchmark,
    BenchmarkTarget=target,
    OutputConfig={"S3OutputLocation": OUTPUT + "benchmarks/"},
    AIWorkloadConfigIdentifier=inline_name,
    RoleArn=ROLE,
)
done = wait_for(client.describe_ai_benchmark_job, "AIBenchmarkJobStatus", AIBenchmarkJobName=benchmark)
assert done["AIBenchmarkJobStatus"] == "Completed", done.get("FailureReason")
assert benchmark in [j["AIBenchmarkJobName"] for j in client.list_ai_benchmark_jobs()["AIBenchmarkJobs"]]
assert set(jobs.values()) <= {
    j["AIRecommendationJobName"] for j in client.list_ai_recommendation_jobs()["AIRecommendationJobs"]
}
assert inline_name in [w["AIWorkloadConfigName"] for w in client.list_ai_workload_configs()["AIWorkloadConfigs"]]

# Stopping an ended job is refused; a missing one is not found.
for call, member in ((client.stop_ai_benchmark_job, "AIBenchmarkJobName"),):
    try:
        call(**{member: benchmark})
        raise SystemExit("stopping a completed benchmark was accepted")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "ValidationException", error.response
try:
    client.describe_ai_recommendation_job(AIRecommendationJobName=f"missing-{RUN}")
    raise SystemExit("a missing job was described")
except ClientError as error:
    assert error.response["Error"]["Code"] == "ResourceNotFound", error.response

client.delete_ai_benchmark_job(AIBenchmarkJobName=benchmark)
for name in jobs.values():
    client.delete_ai_recommendation_job(AIRecommendationJobName=name)
if copies > 1:
    client.delete_inference_component(InferenceComponentName=model_name)
    # DeleteEndpoint is refused while the endpoint hosts a component (one Deleting too): wait until it is gone.
    while client.list_inference_components(EndpointNameEquals=endpoint_name)["InferenceComponents"]:
        time.sleep(5)
client.delete_endpoint(EndpointName=endpoint_name)
client.delete_endpoint_config(EndpointConfigName=endpoint_name)
client.delete_model(ModelName=model_name)
client.delete_ai_workload_config(AIWorkloadConfigName=inline_name)
client.delete_ai_workload_config(AIWorkloadConfigName=dataset_name)
print("guide ran through")
