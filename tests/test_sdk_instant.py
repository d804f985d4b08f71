"""The SageMaker Python SDK (sagemaker<3), unmodified, against `ircli simulator serve`: instant
recommendations, `Model.deploy(inference_recommendation_id=...)` with a model's recommendation id, the
NumPy and JSON Lines serializers on InvokeEndpoint, ListModelMetadata and a package's approval
(tests/clients/sdk_instant.py, in the SDK's own virtual environment, as tests/test_clients.py makes it)."""

from __future__ import annotations

import re

import pytest

from tests.test_clients import SDK, Served, client_venv, run_client, served

pytestmark = pytest.mark.slow
__all__ = ["served"]  # the fixture, shared with tests/test_clients.py


def test_the_sdk_deploys_by_an_instant_recommendation_and_predicts_through_numpy(served: Served) -> None:
    output = run_client(client_venv("sdk", SDK), "sdk_instant.py", served)
    lines = {m[1]: m[0] for m in re.finditer(r"\b([A-Z][A-Z-]+)\b.*$", output, re.MULTILINE)}
    sklearn = lines["SKLEARN"].split()
    assert sklearn[1] == "COMPLETED" and len(sklearn[2:]) >= 2  # the notebook deploys the second
    assert lines["SKLEARN-PREDICT"] == "SKLEARN-PREDICT float32 (10,)"  # one value per DataFrame row
    instant = lines["INSTANT"].split()
    assert instant[1] == "COMPLETED" and 1 <= len(instant[2:]) <= 3
    assert lines["DEPLOYED"] == f"DEPLOYED True {instant[2]}"
    assert lines["NUMPY"] == "NUMPY float32 (2,) True"  # one value per row, read by NumpyDeserializer
    assert lines["NUMPY-AGAIN"] == "NUMPY-AGAIN True"
    assert lines["JSONLINES"] == "JSONLINES 3 True"
    assert lines["METADATA"].startswith("METADATA ['bert-base-cased',")
    assert lines["APPROVAL"] == "APPROVAL Approved benchmarked {'team': 'vision'}"
    assert output.rstrip().endswith("DONE")
