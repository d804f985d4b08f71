"""The SageMaker Python SDK, unmodified, under ircli's simulator in process: right_size -> deploy -> predict.
(Skipped where the SDK is not installed: `pip install sagemaker`.)"""

from __future__ import annotations

import time
import types

import pytest

sagemaker = pytest.importorskip("sagemaker")

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


class ShortSleeps(types.ModuleType):
    """The SDK waits 120 s before its first poll of a job and 30 s between polls of an endpoint: at the
    simulator's instant speed there is nothing to wait for."""

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, 0.01))


def test_right_size_deploy_predict(ircli_mock, monkeypatch: pytest.MonkeyPatch) -> None:
    import sagemaker.session
    from sagemaker import Model, Session
    from sagemaker.deserializers import CSVDeserializer
    from sagemaker.predictor import Predictor
    from sagemaker.serializers import CSVSerializer

    monkeypatch.setattr(sagemaker.session, "time", ShortSleeps("time"))
    session = Session()
    model = Model(
        image_uri=IMAGE,
        model_data="s3://models/churn/model.tar.gz",
        role=ROLE,
        sagemaker_session=session,
        name="sdk-churn",
        predictor_cls=Predictor,
    )
    model.right_size(
        sample_payload_url="s3://models/payload.tar.gz",
        supported_content_types=["text/csv"],
        supported_instance_types=["ml.c5.xlarge", "ml.m5.large"],
        framework="XGBOOST",
        job_name="sdk-default",
        log_level="Quiet",
    )
    recommendation = model.inference_recommendations[0]
    assert recommendation["RecommendationId"].startswith("sdk-default/")
    predictor = model.deploy(inference_recommendation_id=recommendation["RecommendationId"], endpoint_name="sdk-ep")
    predictor.serializer, predictor.deserializer = CSVSerializer(), CSVDeserializer()
    predictions = predictor.predict([[1, 2, 3], [4, 5, 6]])
    assert len(predictions) == 2
    assert ircli_mock.running_jobs() == []
    predictor.delete_model()
    predictor.delete_endpoint()
