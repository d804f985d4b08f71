"""The SageMaker Python SDK, unmodified, against an ircli simulator named by AWS_ENDPOINT_URL: instant
recommendations (as AWS's instant-recommendations notebook reads them), `Model.deploy` by a model's
recommendation id, predictions through the NumPy and JSON Lines serializers, ListModelMetadata and
a model package's approval.

Run by tests/test_sdk_instant.py in the SDK's virtual environment. Each step prints a line the test checks.
The only change to the SDK: its session module's clock sleeps at most 0.05 s.
"""

import time
import types

import numpy as np
import sagemaker.session
from sagemaker import Model, ModelPackage, Session
from sagemaker.deserializers import JSONLinesDeserializer, NumpyDeserializer
from sagemaker.predictor import Predictor
from sagemaker.serializers import JSONLinesSerializer, NumpySerializer


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

# The notebook creates the model with boto3, then polls DescribeModel until the recommendation is done.
sm.create_model(ModelName="sdk-instant", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE, "ModelDataUrl": DATA})
for _ in range(100):
    recommendation = sm.describe_model(ModelName="sdk-instant")["DeploymentRecommendation"]
    if recommendation["RecommendationStatus"] != "IN_PROGRESS":
        break
    time.sleep(0.05)
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
