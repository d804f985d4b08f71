"""Instant recommendations: a model from a TensorFlow image, DescribeModel polled until its
DeploymentRecommendation is COMPLETED (a minute at most), the RealTimeInferenceRecommendations as a table.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/deployment-recommendations/instant-recommendations.ipynb (today
archived/instant-recommendations.ipynb). Nothing skipped but the execution role's look-up.
"""

import time
from datetime import datetime, timedelta
from uuid import uuid4

import boto3
import pandas as pd
import sagemaker
from _notebook import display, get_execution_role, result

sm_client = boto3.client(service_name="sagemaker")
model_name = "instant-rec-demo-nb-model-" + str(uuid4())
print(model_name)
region = boto3.Session().region_name
image = sagemaker.image_uris.retrieve(
    framework="tensorflow", region=region, version="1.12.0", image_scope="inference", instance_type="ml.c5.4xlarge"
)
print(image)
execution_role = get_execution_role()
create_model_response = sm_client.create_model(
    ModelName=model_name, ExecutionRoleArn=execution_role, Containers=[{"Image": image}]
)
print(create_model_response)

completed = timed_out = False
start = datetime.today()
max_duration = start + timedelta(minutes=1)
polls = 0
while not completed and not timed_out:
    describe_model_response = sm_client.describe_model(ModelName=model_name)
    deployment_recommendation = describe_model_response.get("DeploymentRecommendation")
    completed = (
        deployment_recommendation is not None and deployment_recommendation.get("RecommendationStatus") == "COMPLETED"
    )
    time.sleep(0.5)
    timed_out = datetime.today() > max_duration
    polls += 1
    print(datetime.today(), "DeploymentRecommendation:", deployment_recommendation)

pd.set_option("display.max_colwidth", None)
df = pd.DataFrame(
    deployment_recommendation.get("RealTimeInferenceRecommendations"),
    columns=["RecommendationId", "InstanceType", "Environment"],
)
display(df)
sm_client.delete_model(ModelName=model_name)

result(
    notebook="instant",
    status=deployment_recommendation.get("RecommendationStatus"),
    polls=polls,
    recommendations=df[["RecommendationId", "InstanceType"]].to_dict("records"),
)
