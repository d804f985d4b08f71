"""Instant recommendations with the Python SDK: `Model.create()`, DescribeModel polled until its
DeploymentRecommendation is COMPLETED, then `Model.deploy(inference_recommendation_id=...)` with the first
recommendation, `predict` of the sample CSV and clean-up.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/python-sdk/instant-recommendations-with-python-sdk.ipynb (today
archived/python-sdk/instant-recommendations-with-python-sdk.ipynb). Skipped: downloading the trained model
and the S3 uploads, the SDK's included: the notebook's `entry_point="./code/inference.py"` makes
`Model.create()` repack the model archive through S3 (download, add the code, upload), so it is left out.
"""

import io
import time
import uuid
from datetime import datetime, timedelta

import boto3
import pandas as pd
import sagemaker
from _notebook import display, get_execution_role, result, uploaded
from sagemaker import image_uris
from sagemaker.model import Model
from sagemaker.sklearn.model import SKLearnPredictor

TEST_DATA = """-0.0002,0.32,-0.03,0.05,-0.12,0.01,0.26,-0.47
0.45,-0.36,0.07,-0.04,0.51,0.02,-0.71,0.67
0.19,0.02,-0.11,-0.09,0.02,-0.01,-0.79,0.73
"""

region = boto3.Session().region_name
role = get_execution_role()
sm_client = boto3.client("sagemaker", region_name=region)
sagemaker_session = sagemaker.Session()
prefix = "sagemaker/scikit-learn-inference-recommender"
model_url = uploaded(prefix, "sk-model.tar.gz")
sample_payload_url = uploaded(prefix, "sk_payload.tar.gz")

model = Model(
    model_data=model_url,
    role=role,
    image_uri=image_uris.retrieve(framework="sklearn", region=region, version="1.0-1", image_scope="inference"),
    sagemaker_session=sagemaker_session,
)
model.create()

model_name = model.name
completed = timed_out = False
start = datetime.today()
max_duration = start + timedelta(minutes=1)
while not completed and not timed_out:
    describe_model_response = sm_client.describe_model(ModelName=model_name)
    deployment_recommendation = describe_model_response.get("DeploymentRecommendation")
    completed = (
        deployment_recommendation is not None and deployment_recommendation.get("RecommendationStatus") == "COMPLETED"
    )
    time.sleep(0.5)
    timed_out = datetime.today() > max_duration
    print(datetime.today(), "DeploymentRecommendation:", deployment_recommendation)

pd.set_option("display.max_colwidth", None)
df = pd.DataFrame(
    deployment_recommendation.get("RealTimeInferenceRecommendations"),
    columns=["RecommendationId", "InstanceType", "Environment"],
)
display(df)

recommendation_id = deployment_recommendation.get("RealTimeInferenceRecommendations")[0].get("RecommendationId")
endpoint_name = "notebook-test-" + str(uuid.uuid4())
model.predictor_cls = SKLearnPredictor
predictor = model.deploy(
    inference_recommendation_id=recommendation_id, initial_instance_count=1, endpoint_name=endpoint_name
)
described = sm_client.describe_endpoint_config(EndpointConfigName=predictor.endpoint_name)
payload = pd.read_csv(io.StringIO(TEST_DATA))
inference = predictor.predict(payload)
print(inference)
predictor.delete_model()
predictor.delete_endpoint()

result(
    notebook="instant_sdk",
    status=deployment_recommendation.get("RecommendationStatus"),
    recommendations=df[["RecommendationId", "InstanceType"]].to_dict("records"),
    deployed=described["ProductionVariants"][0]["InstanceType"],
    predictions=len(inference),
)
