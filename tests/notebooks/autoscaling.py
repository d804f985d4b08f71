"""Auto-scaling optimisation: a Default job on ml.c5.large finds one instance's limit; its benchmark's
Invocations (Period 30, CreationTime + 5 min to LastModifiedTime - 6 min) give 45-55 % thresholds and two
widget images; an endpoint deployed at MinCapacity gets target-tracking policies (invocations per instance,
CPU), then a step-scaling policy, each evaluated by an Advanced job on the endpoint itself; the evaluation
jobs' Invocations and widget read back from CloudWatch.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/auto-scaling/optimize_endpoint_scaling.ipynb with the helpers it imports
(inference_recommender.py, endpoint_scaling.py, result_analysis.py) inlined, same calls. Skipped: training
the classifier and the S3 uploads. The evaluation jobs' names gain a counter after the notebook's
`round(time.time())`: the notebook starts them an hour apart, this script within a second.
"""

import itertools
import json
import math
import time
from datetime import datetime, timedelta
from io import BytesIO
from operator import itemgetter

import boto3
from _notebook import get_execution_role, result, uploaded
from PIL import Image
from sagemaker import Session, image_uris
from sagemaker.model import Model

region = boto3.Session().region_name
role = get_execution_role()
sm_client = boto3.client("sagemaker", region_name=region)
aas_client = boto3.client("application-autoscaling", region_name=region)
cloudwatch = boto3.client("cloudwatch", region_name=region)
sagemaker_session = Session()
WIDGETS: list[tuple[str, int, int]] = []
EVALUATED: dict[str, float] = {}
serial = itertools.count(1)


# ---- inference_recommender.py
def trigger_inference_recommender_job(
    model_url, payload_url, container_url, instance_type, execution_role, framework, framework_version,
    domain="MACHINE_LEARNING", task="OTHER", model_name="classifier", mime_type="text/csv",
):  # fmt: skip
    model_package_arn = create_model_package(
        model_url, payload_url, container_url, instance_type, framework, framework_version, domain, task,
        model_name, mime_type,
    )  # fmt: skip
    job_name = create_inference_recommender_job(model_package_arn, execution_role)
    wait_for_job_completion(job_name)
    return job_name, model_package_arn


def create_model_package(
    model_url, payload_url, container_url, instance_type, framework, framework_version, domain, task, model_name,
    mime_type,
):  # fmt: skip
    model_package_group_name = f"{framework}-model-" + str(round(time.time()))
    sm_client.create_model_package_group(
        ModelPackageGroupName=model_package_group_name, ModelPackageGroupDescription=f"{task.lower()} models"
    )
    create_model_package_input_dict = {
        "ModelPackageGroupName": model_package_group_name,
        "Domain": domain.upper(),
        "Task": task.upper(),
        "SamplePayloadUrl": payload_url,
        "ModelPackageDescription": f"{framework} {model_name} inference recommender",
        "ModelApprovalStatus": "PendingManualApproval",
    }
    model_package_inference_specification = {
        "InferenceSpecification": {
            "Containers": [
                {
                    "Image": container_url,
                    "Framework": framework.upper(),
                    "FrameworkVersion": framework_version,
                    "NearestModelName": model_name,
                }
            ],
            "SupportedContentTypes": [mime_type],
            "SupportedResponseMIMETypes": [],
            "SupportedRealtimeInferenceInstanceTypes": [instance_type],
        }
    }
    model_package_inference_specification["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] = model_url
    create_model_package_input_dict.update(model_package_inference_specification)
    return sm_client.create_model_package(**create_model_package_input_dict)["ModelPackageArn"]


def create_inference_recommender_job(model_package_arn, execution_role):
    job_name = "recommender-instance-" + str(round(time.time()))
    sm_client.create_inference_recommendations_job(
        JobName=job_name,
        JobDescription="job to find scaling limit",
        JobType="Default",
        RoleArn=execution_role,
        InputConfig={"ModelPackageVersionArn": model_package_arn},
    )
    return job_name


def trigger_inference_recommender_evaluation_job(
    model_package_arn, execution_role, endpoint_name, instance_type, max_invocations, max_model_latency, spawn_rate
):
    job_name = "scaling-evaluation-" + str(round(time.time())) + f"-{next(serial)}"
    sm_client.create_inference_recommendations_job(
        JobName=job_name,
        JobDescription="evaluate scaling policy",
        JobType="Advanced",
        RoleArn=execution_role,
        InputConfig={
            "ModelPackageVersionArn": model_package_arn,
            "Endpoints": [{"EndpointName": endpoint_name}],
            "JobDurationInSeconds": 7200,
            "EndpointConfigurations": [{"InstanceType": instance_type}],
            "ResourceLimit": {"MaxNumberOfTests": 2, "MaxParallelOfTests": 2},
            "TrafficPattern": {
                "TrafficType": "PHASES",
                "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": spawn_rate, "DurationInSeconds": 3600}],
            },
        },
        StoppingConditions={
            "MaxInvocations": max_invocations,
            "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": max_model_latency}],
        },
    )
    wait_for_job_completion(job_name)
    return job_name


def wait_for_job_completion(job_name):
    finished = False
    while not finished:
        inference_recommender_job = sm_client.describe_inference_recommendations_job(JobName=job_name)
        if inference_recommender_job["Status"] in ["COMPLETED", "STOPPED", "FAILED"]:
            finished = True
        else:
            print(f"Inference Recommender Job {job_name} is in progress")
            time.sleep(300)
    if inference_recommender_job["Status"] == "FAILED":
        print("Inference recommender job failed ")
        raise SystemExit(f"Failed Reason: {inference_recommender_job}")
    print("Inference recommender job completed")


# ---- endpoint_scaling.py
def register_scaling(endpoint_name, variant_name, max_capacity, min_capacity=1):
    return aas_client.register_scalable_target(
        ServiceNamespace="sagemaker",
        ResourceId=f"endpoint/{endpoint_name}/variant/{variant_name}",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
        MinCapacity=min_capacity,
        MaxCapacity=max_capacity,
    )


def deregister_scaling(endpoint_name, variant_name):
    return aas_client.deregister_scalable_target(
        ServiceNamespace="sagemaker",
        ResourceId=f"endpoint/{endpoint_name}/variant/{variant_name}",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
    )


def set_target_scaling_on_invocation(
    endpoint_name, variant_name, target_value, scale_out_cool_down=10, scale_in_cool_down=100
):
    policy_name = f"target-tracking-invocations-{round(time.time())!s}"
    response = aas_client.put_scaling_policy(
        PolicyName=policy_name,
        ServiceNamespace="sagemaker",
        ResourceId=f"endpoint/{endpoint_name}/variant/{variant_name}",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target_value,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
            "ScaleOutCooldown": scale_out_cool_down,
            "ScaleInCooldown": scale_in_cool_down,
            "DisableScaleIn": False,
        },
    )
    return policy_name, response


def set_target_scaling_on_cpu_utilization(
    endpoint_name, variant_name, target_value, scale_out_cool_down=10, scale_in_cool_down=100
):
    policy_name = f"target-tracking-cpu-util-{round(time.time())!s}"
    response = aas_client.put_scaling_policy(
        PolicyName=policy_name,
        ServiceNamespace="sagemaker",
        ResourceId=f"endpoint/{endpoint_name}/variant/{variant_name}",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target_value,
            "CustomizedMetricSpecification": {
                "MetricName": "CPUUtilization",
                "Namespace": "/aws/sagemaker/Endpoints",
                "Dimensions": [
                    {"Name": "EndpointName", "Value": endpoint_name},
                    {"Name": "VariantName", "Value": variant_name},
                ],
                "Statistic": "Average",
                "Unit": "Percent",
            },
            "ScaleOutCooldown": scale_out_cool_down,
            "ScaleInCooldown": scale_in_cool_down,
            "DisableScaleIn": False,
        },
    )
    return policy_name, response


def wait_for_endpoint_to_finish_updating_or_creating(endpoint_name):
    finished = False
    while not finished:
        endpoint_response = sm_client.describe_endpoint(EndpointName=endpoint_name)
        if endpoint_response["EndpointStatus"] in ["InService", "Deleting", "Failed", "OutOfService"]:
            print("Endpoint {} is in {} state".format(endpoint_name, endpoint_response["EndpointStatus"]))
            finished = True
        else:
            print(f"Endpoint {endpoint_name} is in updating/creating")
            time.sleep(60)


def clear_auto_scaling_and_reset_to_initialCount(endpoint_name, variant_name, intial_count):
    deregister_scaling(endpoint_name=endpoint_name, variant_name=variant_name)
    sm_client.update_endpoint_weights_and_capacities(
        EndpointName=endpoint_name,
        DesiredWeightsAndCapacities=[{"VariantName": variant_name, "DesiredInstanceCount": intial_count}],
    )
    wait_for_endpoint_to_finish_updating_or_creating(endpoint_name)


# ---- result_analysis.py
def window(job_name):
    inference_recommender_job = sm_client.describe_inference_recommendations_job(JobName=job_name)
    start_time = (inference_recommender_job["CreationTime"] + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    end_time = (inference_recommender_job["LastModifiedTime"] - timedelta(minutes=6)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return inference_recommender_job, start_time, end_time


def invocations(endpoint_name, variant_name, start_time, end_time):
    return cloudwatch.get_metric_statistics(
        Period=30,
        StartTime=start_time,
        EndTime=end_time,
        MetricName="Invocations",
        Namespace="AWS/SageMaker",
        Statistics=["Sum"],
        Dimensions=[{"Name": "EndpointName", "Value": endpoint_name}, {"Name": "VariantName", "Value": variant_name}],
    )


def widget_image(widget):
    image = cloudwatch.get_metric_widget_image(MetricWidget=json.dumps(widget), OutputFormat="png")
    opened = Image.open(BytesIO(image["MetricWidgetImage"]))
    WIDGETS.append((opened.format, *opened.size))
    return image


def invocation_widget(endpoint_name, variant_name, start_time, end_time):
    return {
        "metrics": [
            ["AWS/SageMaker", "InvocationModelErrors", "EndpointName", endpoint_name, "VariantName", variant_name],
            [".", "Invocation5XXErrors", ".", ".", ".", "."],
            [".", "Invocation4XXErrors", ".", ".", ".", "."],
            [".", "ModelLatency", ".", ".", ".", ".", {"yAxis": "right"}],
            [".", "OverheadLatency", ".", ".", ".", ".", {"yAxis": "right"}],
            [".", "InvocationsPerInstance", ".", ".", ".", "."],
            [".", "Invocations", ".", ".", ".", "."],
        ],
        "view": "timeSeries",
        "stat": "ts99",
        "period": 60,
        "title": "InvocationsVsLatencies",
        "width": 1200,
        "height": 400,
        "start": start_time,
        "end": end_time,
    }


def analysis_inference_recommender_result(job_name, index=0, upper_threshold=55.0, lower_threshold=45.0):
    inference_recommender_job, start_time, end_time = window(job_name)
    configuration = inference_recommender_job["InferenceRecommendations"][index]["EndpointConfiguration"]
    return analysis_and_visualize(
        configuration["EndpointName"], configuration["VariantName"], start_time, end_time, upper_threshold,
        lower_threshold,
    )  # fmt: skip


def analysis_evaluation_result(endpoint_name, variant_name, job_name):
    _, start_time, end_time = window(job_name)
    stats_response = invocations(endpoint_name, variant_name, start_time, end_time)
    max_value = 0
    for each in stats_response["Datapoints"]:
        if max_value < each["Sum"]:
            max_value = each["Sum"]
    widget_image(invocation_widget(endpoint_name, variant_name, start_time, end_time))
    EVALUATED[job_name] = max_value
    return max_value


def analysis_and_visualize(endpoint_name, variant_name, start_time, end_time, upper_threshold, lower_threshold):
    stats_response = invocations(endpoint_name, variant_name, start_time, end_time)
    max_value = 0
    invocations_list = []
    for each in stats_response["Datapoints"]:
        invocations_list.append(each)
        if max_value < each["Sum"]:
            max_value = each["Sum"]
    invocations_list = sorted(invocations_list, key=itemgetter("Timestamp"))
    print(f"Maximum Invocation seen in benchmarking = {max_value}")
    upper_limit = math.floor(max_value * upper_threshold / 100)
    lower_limit = math.ceil(max_value * lower_threshold / 100)
    print(
        f"Invocation upper limit={upper_limit} for {upper_threshold}%, lower limit={lower_limit} for {lower_threshold}%"
    )
    max_diff = min_diff = math.inf
    timestamp_upper = datetime.strptime(end_time, "%Y-%m-%dT%H:%M:%S.000Z")
    timestamp_lower = datetime.strptime(start_time, "%Y-%m-%dT%H:%M:%S.000Z")
    for each in invocations_list:
        if abs(each["Sum"] - lower_limit) < min_diff:
            min_diff = abs(each["Sum"] - lower_limit)
            timestamp_lower = each["Timestamp"]
        elif abs(each["Sum"] - upper_limit) < max_diff:
            max_diff = abs(each["Sum"] - upper_limit)
            timestamp_upper = each["Timestamp"]
        else:
            break
    vertical = [
        [
            {"value": timestamp_upper.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
            {"value": timestamp_lower.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
        ]
    ]
    invocations_widget = invocation_widget(endpoint_name, variant_name, start_time, end_time)
    invocations_widget["annotations"] = {
        "horizontal": [[{"value": upper_limit}, {"value": lower_limit}]],
        "vertical": vertical,
    }
    widget_image(invocations_widget)
    utilization_metrics_widget = {
        "metrics": [
            ["/aws/sagemaker/Endpoints", "CPUUtilization", "EndpointName", endpoint_name, "VariantName", variant_name],
            [".", "MemoryUtilization", ".", ".", ".", ".", {"yAxis": "right"}],
            [".", "DiskUtilization", ".", ".", ".", ".", {"yAxis": "left"}],
        ],
        "view": "timeSeries",
        "stat": "ts99",
        "period": 60,
        "title": "UtilizationMetrics",
        "width": 1200,
        "height": 400,
        "start": start_time,
        "end": end_time,
        "annotations": {"vertical": vertical},
    }
    widget_image(utilization_metrics_widget)
    return max_value, upper_limit, lower_limit, len(invocations_list)


# ---- the notebook
model_url = uploaded("model", "model.tar.gz")
sample_payload_url = uploaded("payload", "payload.tar.gz")
print(f"model uploaded to: {model_url} and the sample payload to {sample_payload_url}")
framework_version = "1.5-1"
framework = "xgboost"
container_url = image_uris.retrieve(framework, region, framework_version)
instance_type = "ml.c5.large"
job_name, model_package_arn = trigger_inference_recommender_job(
    model_url=model_url,
    payload_url=sample_payload_url,
    container_url=container_url,
    instance_type=instance_type,
    execution_role=role,
    framework=framework,
    framework_version=framework_version,
)
print(f"Inference recommender job_name={job_name} model_package_arn={model_package_arn}")
max_value, upper_limit, lower_limit, benchmark_points = analysis_inference_recommender_result(
    job_name=job_name, index=0, upper_threshold=55.0, lower_threshold=45.0
)

max_tps = 500
min_tps = 70
tps_single_instance = upper_limit / 60
growth_factor = 1.2
max_capacity = math.ceil((max_tps / tps_single_instance) * growth_factor)
min_capacity = math.ceil(min_tps / tps_single_instance)
invocations_per_instance = upper_limit
print(
    f"Scaling configuration: MaxCapacity = {max_capacity}, MinCapacity = {min_capacity}, "
    f"InvocationsPerInstance = {invocations_per_instance}"
)

endpoint_name = "evaluation-endpoint-" + str(round(time.time()))
model = Model(image_uri=container_url, model_data=model_url, role=role)
predictor = model.deploy(initial_instance_count=min_capacity, instance_type=instance_type, endpoint_name=endpoint_name)
endpoint = sm_client.describe_endpoint(EndpointName=endpoint_name)
variant_name = endpoint["ProductionVariants"][0]["VariantName"]
print(f"Endpoint details: EndpointName = {endpoint_name}, VariantName = {variant_name}")


def evaluate(spawn_rate):
    eval_job = trigger_inference_recommender_evaluation_job(
        model_package_arn=model_package_arn,
        execution_role=role,
        endpoint_name=endpoint_name,
        instance_type=instance_type,
        max_invocations=max_tps * 60,
        max_model_latency=10000,
        spawn_rate=spawn_rate,
    )
    print(f"Evaluation job = {eval_job}, EndpointName = {endpoint_name}")
    max_value = analysis_evaluation_result(endpoint_name, variant_name, job_name=eval_job)
    print(f"Max invocation realized = {max_value}, and the expecation is {30000}")


register_scaling(
    endpoint_name=endpoint_name, variant_name=variant_name, max_capacity=max_capacity, min_capacity=min_capacity
)
set_target_scaling_on_invocation(
    endpoint_name=endpoint_name, variant_name=variant_name, target_value=invocations_per_instance
)
set_target_scaling_on_cpu_utilization(endpoint_name=endpoint_name, variant_name=variant_name, target_value=100)
evaluate(spawn_rate=1)
clear_auto_scaling_and_reset_to_initialCount(
    endpoint_name=endpoint_name, variant_name=variant_name, intial_count=min_capacity
)

register_scaling(
    endpoint_name=endpoint_name, variant_name=variant_name, max_capacity=max_capacity, min_capacity=min_capacity
)
set_target_scaling_on_invocation(
    endpoint_name=endpoint_name, variant_name=variant_name, target_value=invocations_per_instance * 1.3
)
set_target_scaling_on_cpu_utilization(endpoint_name=endpoint_name, variant_name=variant_name, target_value=100)
wait_for_endpoint_to_finish_updating_or_creating(endpoint_name=endpoint_name)
evaluate(spawn_rate=3)
clear_auto_scaling_and_reset_to_initialCount(
    endpoint_name=endpoint_name, variant_name=variant_name, intial_count=min_capacity
)


def set_step_scaling(endpoint_name, variant_name):
    policy_name = f"step-scaling-{round(time.time())!s}"
    response = aas_client.put_scaling_policy(
        PolicyName=policy_name,
        ServiceNamespace="sagemaker",
        ResourceId=f"endpoint/{endpoint_name}/variant/{variant_name}",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [
                {"MetricIntervalLowerBound": 0.0, "MetricIntervalUpperBound": 5.0, "ScalingAdjustment": 1},
                {"MetricIntervalLowerBound": 5.0, "MetricIntervalUpperBound": 80.0, "ScalingAdjustment": 3},
                {"MetricIntervalLowerBound": 80.0, "ScalingAdjustment": 4},
            ],
            "MetricAggregationType": "Average",
        },
    )
    return policy_name, response


register_scaling(
    endpoint_name=endpoint_name, variant_name=variant_name, max_capacity=max_capacity, min_capacity=min_capacity
)
set_target_scaling_on_cpu_utilization(endpoint_name=endpoint_name, variant_name=variant_name, target_value=100)
set_step_scaling(endpoint_name=endpoint_name, variant_name=variant_name)
wait_for_endpoint_to_finish_updating_or_creating(endpoint_name=endpoint_name)
evaluate(spawn_rate=3)
policies = aas_client.describe_scaling_policies(ServiceNamespace="sagemaker")["ScalingPolicies"]
model.delete_model()

result(
    notebook="autoscaling",
    candidates=[instance_type],
    benchmark={"max": max_value, "upper": upper_limit, "lower": lower_limit, "datapoints": benchmark_points},
    capacity=[min_capacity, max_capacity],
    evaluations=EVALUATED,
    policies=sorted(p["PolicyType"] for p in policies),
    widgets=WIDGETS,
)
