"""The Python-SDK walkthrough: an SKLearnModel right-sized (`Model.right_size`, a Default job on
ml.c5.large), its `inference_recommender_job_results` and `inference_recommendations`, the job's CloudWatch
metrics plotted (cloudwatch.get_endpoint_metrics), then `deploy`, `predict` of the sample CSV and clean-up.

Rewritten from aws/amazon-sagemaker-examples at da71d05c06bfe62c03873a57147b3a23006bbf68,
sagemaker-inference-recommender/python-sdk/inference-recommender-with-python-sdk.ipynb (today
archived/inference-recommender-with-python-sdk/). Skipped: downloading the trained model and the S3 uploads,
the SDK's upload of the entry point included: `source_dir` names the already uploaded code archive and
`code_location` a bucket, so the SDK makes no S3 or STS call.
"""

import io
import time
import uuid

import boto3
import pandas as pd
import sagemaker
from _notebook import get_execution_role, result, uploaded
from cloudwatch import DATAPOINTS, get_endpoint_metrics
from sagemaker import image_uris
from sagemaker.sklearn.model import SKLearnModel, SKLearnPredictor

TEST_DATA = """-0.0002,0.32,-0.03,0.05,-0.12,0.01,0.26,-0.47
0.45,-0.36,0.07,-0.04,0.51,0.02,-0.71,0.67
0.19,0.02,-0.11,-0.09,0.02,-0.01,-0.79,0.73
"""  # ten rows of the California housing test split in the notebook; three scaled rows here

region = boto3.Session().region_name
role = get_execution_role()
sm_client = boto3.client("sagemaker", region_name=region)
sagemaker_session = sagemaker.Session()

prefix = "sagemaker/scikit-learn-inference-recommender"
model_url = uploaded(prefix, "sk-model.tar.gz")
sample_payload_url = uploaded(prefix, "sk_payload.tar.gz")
print(f"model uploaded to: {model_url}")
print(f"sample payload uploaded to: {sample_payload_url}")

model = SKLearnModel(
    model_data=model_url,
    role=role,
    image_uri=image_uris.retrieve(framework="sklearn", region=region, version="1.0-1", image_scope="inference"),
    entry_point="inference.py",
    source_dir=uploaded(prefix + "/code", "sourcedir.tar.gz"),
    code_location=f"s3://{uploaded(prefix, 'code')[5:]}",
    framework_version="1.0-1",
)

job_name = "sample-notebook-inference-recommendation-job" + str(round(time.time()))
model.right_size(
    job_name=job_name,
    sample_payload_url=sample_payload_url,
    supported_content_types=["text/csv"],
    supported_instance_types=["ml.c5.large"],
    framework="SAGEMAKER-SCIKIT-LEARN",
)
print(model.inference_recommender_job_results)
inference_recommendation_res = sm_client.describe_inference_recommendations_job(JobName=job_name)
print(inference_recommendation_res)
print(model.inference_recommendations)

cw_client = boto3.client("cloudwatch", region)
df_cw = get_endpoint_metrics(sm_client, cw_client, region, job_name, include_plots=True)
print(df_cw.to_string())

model.predictor_cls = SKLearnPredictor
endpoint_name = "notebook-test-" + str(uuid.uuid4())
predictor = model.deploy(endpoint_name=endpoint_name)
payload = pd.read_csv(io.StringIO(TEST_DATA))
inference = predictor.predict(payload)
print(inference)
predictor.delete_model()
predictor.delete_endpoint()

result(
    notebook="python_sdk",
    candidates=["ml.c5.large"],
    jobs={
        job_name: [
            {"InstanceType": r["EndpointConfiguration"]["InstanceType"], **r["Metrics"]}
            for r in model.inference_recommendations
        ]
    },
    datapoints=DATAPOINTS,
    predictions=len(inference),
)
