"""The SageMaker Python SDK, unmodified, against an ircli simulator named by AWS_ENDPOINT_URL: instant
recommendations (as AWS's two instant-recommendations notebooks read them), `Model.deploy` by a model's
recommendation id, predictions through the NumPy and JSON Lines serializers, ListModelMetadata and
a model package's approval.

Run by tests/test_sdk_instant.py in the SDK's virtual environment. Each step prints a line the test checks.
The only change to the SDK: its session module's clock sleeps at most 0.05 s.
"""

import time
import types

import numpy as np
import pandas as pd
import sagemaker.session
from sagemaker import Model, ModelPackage, Session, image_uris
from sagemaker.deserializers import JSONLinesDeserializer, NumpyDeserializer
from sagemaker.predictor import Predictor
from sagemaker.serializers import JSONLinesSerializer, NumpySerializer
from sagemaker.sklearn.model import SKLearnPredictor


class ShortSleeps(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, 0.05))


sagemaker.session.time = ShortSleeps("time")

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
DATA = "s3://bucket/resnet50/model.tar.gz"
session = Session()
sm = session.sagemaker_client


def poll(model_name: str) -> dict:
    """Describe the model until its recommendation leaves IN_PROGRESS, as AWS's notebooks do."""
    for _ in range(100):
        recommendation = sm.describe_model(ModelName=model_name).get("DeploymentRecommendation")
        if recommendation is not None and recommendation["RecommendationStatus"] != "IN_PROGRESS":
            return recommendation
        time.sleep(0.05)
    raise SystemExit(f"{model_name}: no recommendation")


# AWS's "instant-recommendations-with-python-sdk" notebook: a scikit-learn Model created by the SDK (its name
# the SDK's own), its second recommendation deployed, a DataFrame predicted through SKLearnPredictor's
# NumPy serializer and deserializer. (Its entry_point upload to S3 is left out.)
sklearn_model = Model(
    model_data="s3://bucket/sk-model.tar.gz",
    role=ROLE,
    image_uri=image_uris.retrieve(framework="sklearn", region="us-east-1", version="1.0-1", image_scope="inference"),
    sagemaker_session=session,
)
sklearn_model.create()
recommendation = poll(sklearn_model.name)
found = recommendation["RealTimeInferenceRecommendations"]
print("SKLEARN", recommendation["RecommendationStatus"], " ".join(r["InstanceType"] for r in found))
sklearn_model.predictor_cls = SKLearnPredictor
predictor = sklearn_model.deploy(
    inference_recommendation_id=found[1]["RecommendationId"], initial_instance_count=1, endpoint_name="sdk-sklearn-ep"
)
payload = pd.DataFrame(np.arange(80, dtype=float).reshape(10, 8))
inference = predictor.predict(payload)
print("SKLEARN-PREDICT", inference.dtype, inference.shape)
predictor.delete_model()
predictor.delete_endpoint()

# AWS's "instant-recommendations" notebook creates its model with boto3 and polls DescribeModel.
sm.create_model(ModelName="sdk-instant", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE, "ModelDataUrl": DATA})
recommendation = poll("sdk-instant")
found = recommendation["RealTimeInferenceRecommendations"]
print("INSTANT", recommendation["RecommendationStatus"], " ".join(r["InstanceType"] for r in found))

model = Model(
    image_uri=IMAGE,
    model_data=DATA,
    role=ROLE,
    sagemaker_session=session,
    name="sdk-instant",
    predictor_cls=Predictor,
)
chosen = found[0]
predictor = model.deploy(
    inference_recommendation_id=chosen["RecommendationId"], initial_instance_count=1, endpoint_name="sdk-instant-ep"
)
config = sm.describe_endpoint(EndpointName="sdk-instant-ep")["EndpointConfigName"]
variant = sm.describe_endpoint_config(EndpointConfigName=config)["ProductionVariants"][0]
print("DEPLOYED", variant["InstanceType"] == chosen["InstanceType"], variant["InstanceType"])

predictor.serializer, predictor.deserializer = NumpySerializer(), NumpyDeserializer()
answer = predictor.predict(np.array([[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]))
print("NUMPY", answer.dtype, answer.shape, bool(((answer >= 0) & (answer < 1)).all()))
again = predictor.predict(np.array([[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]))
print("NUMPY-AGAIN", bool((again == answer).all()))
predictor.serializer, predictor.deserializer = JSONLinesSerializer(), JSONLinesDeserializer()
lines = predictor.predict([{"x": [1, 2]}, {"x": [3, 4]}, {"x": [5, 6]}])
print("JSONLINES", len(lines), all(line["simulated"] for line in lines))
predictor.delete_model()
predictor.delete_endpoint()

listed = sm.list_model_metadata(SearchExpression={"Filters": [{"Name": "Framework", "Value": "PYTORCH"}]})
print("METADATA", sorted({m["Model"] for m in listed["ModelMetadataSummaries"]})[:3])

sm.create_model_package_group(ModelPackageGroupName="sdk-approvals")
arn = sm.create_model_package(
    ModelPackageGroupName="sdk-approvals",
    InferenceSpecification={
        "Containers": [{"Image": IMAGE, "ModelDataUrl": DATA, "NearestModelName": "resnet50", "Framework": "PYTORCH"}],
        "SupportedContentTypes": ["application/x-npy"],
        "SupportedResponseMIMETypes": ["application/x-npy"],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.c5.xlarge", "ml.g4dn.xlarge"],
    },
    Domain="COMPUTER_VISION",
    Task="IMAGE_CLASSIFICATION",
)["ModelPackageArn"]
package = ModelPackage(role=ROLE, model_package_arn=arn, sagemaker_session=session)
package.update_approval_status("Approved", approval_description="benchmarked")
package.update_customer_metadata({"team": "vision"})
described = sm.describe_model_package(ModelPackageName=arn)
print(
    "APPROVAL",
    described["ModelApprovalStatus"],
    described["ApprovalDescription"],
    described["CustomerMetadataProperties"],
)
print("DONE")
