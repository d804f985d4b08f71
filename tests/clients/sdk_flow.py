"""The SageMaker Python SDK, unmodified, against an ircli simulator named by AWS_ENDPOINT_URL.

Run by tests/test_clients.py in a virtual environment of its own. Each step prints a line the test checks.
The only change to the SDK: its session module's clock sleeps at most 0.05 s (it waits 120 s before the
first poll of a job, and 30 s between polls of an endpoint).
"""

import time
import types

import sagemaker.session
from sagemaker import Model, ModelPackage, Session
from sagemaker.deserializers import CSVDeserializer
from sagemaker.inference_recommender import ModelLatencyThreshold, Phase
from sagemaker.parameter import CategoricalParameter
from sagemaker.predictor import Predictor
from sagemaker.serializers import CSVSerializer


class ShortSleeps(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, 0.05))


sagemaker.session.time = ShortSleeps("time")

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
session = Session()
model = Model(
    image_uri=IMAGE,
    model_data="s3://bucket/churn/model.tar.gz",
    role=ROLE,
    sagemaker_session=session,
    name="sdk-churn",
    predictor_cls=Predictor,
)
model.right_size(
    sample_payload_url="s3://bucket/payload.tar.gz",
    supported_content_types=["text/csv"],
    supported_instance_types=["ml.c5.xlarge", "ml.m5.large"],
    framework="XGBOOST",
    job_name="sdk-default",
)
print("DEFAULT", len(model.inference_recommendations), model.inference_recommendations[0]["RecommendationId"])
model.right_size(
    sample_payload_url="s3://bucket/payload.tar.gz",
    supported_content_types=["text/csv"],
    framework="XGBOOST",
    job_name="sdk-advanced",
    hyperparameter_ranges=[
        {
            "instance_types": CategoricalParameter(["ml.c5.xlarge", "ml.c5.2xlarge"]),
            "OMP_NUM_THREADS": CategoricalParameter(["1", "2"]),
        }
    ],
    phases=[Phase(duration_in_seconds=120, initial_number_of_users=1, spawn_rate=1)],
    traffic_type="PHASES",
    max_invocations=1000,
    model_latency_thresholds=[ModelLatencyThreshold(percentile="P95", value_in_milliseconds=100)],
    max_tests=4,
    max_parallel_tests=2,
)
rec = model.inference_recommendations[0]
print("ADVANCED", rec["RecommendationId"], rec["EndpointConfiguration"]["InstanceType"], rec["ModelConfiguration"])
predictor = model.deploy(inference_recommendation_id=rec["RecommendationId"], endpoint_name="sdk-endpoint")
predictor.serializer, predictor.deserializer = CSVSerializer(), CSVDeserializer()
print("PREDICT", predictor.predict([[1, 2, 3], [4, 5, 6]]))
# delete_model reads the endpoint configuration, which delete_endpoint removes: models go first, as on AWS.
predictor.delete_model()
predictor.delete_endpoint()
sm = session.sagemaker_client
sm.create_model_package_group(ModelPackageGroupName="sdk-group")
arn = sm.create_model_package(
    ModelPackageGroupName="sdk-group",
    ModelApprovalStatus="Approved",
    InferenceSpecification={
        "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://bucket/churn/model.tar.gz"}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    },
)["ModelPackageArn"]
package = ModelPackage(role=ROLE, model_package_arn=arn, sagemaker_session=session, predictor_cls=Predictor)
package.right_size(
    sample_payload_url="s3://bucket/payload.tar.gz",
    supported_content_types=["text/csv"],
    supported_instance_types=["ml.c5.xlarge"],
    framework="XGBOOST",
    job_name="sdk-package",
)
rec = package.inference_recommendations[0]
print("PACKAGE", rec["RecommendationId"])
predictor = package.deploy(inference_recommendation_id=rec["RecommendationId"], endpoint_name="sdk-package-endpoint")
print("PACKAGE-ENDPOINT", sm.describe_endpoint(EndpointName="sdk-package-endpoint")["EndpointStatus"])
predictor.delete_endpoint()
print("DONE")
