"""The JSON protocol hands handlers and validation Python values (datetimes, bytes), as query and CBOR do;
the schemas take those values where they spell a timestamp or a blob, and still take what the CLI sends."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from ircli.lib.validation import Engine, request_violations, schema_violations
from ircli.operations import OperationKey, Service
from ircli.simulator.protocols import HttpRequest
from ircli.simulator.protocols.awsjson import AwsJson
from ircli.simulator.protocols.shapes import from_json, operation_model

LIST_JOBS = OperationKey(Service.SAGEMAKER, "ListInferenceRecommendationsJobs")
MOMENT = datetime(2026, 3, 1, 12, 30, tzinfo=timezone.utc)


def json_request(key: OperationKey, members: dict[str, Any]) -> HttpRequest:
    target = f"{key.service.model.target_prefix}.{key.name}"
    headers = {"content-type": "application/x-amz-json-1.1", "x-amz-target": target}
    return HttpRequest("POST", "/", headers, json.dumps(members).encode())


@pytest.mark.parametrize("sent", [MOMENT.timestamp(), "2026-03-01T12:30:00Z", "2026-03-01T13:30:00+01:00"])
def test_a_json_timestamp_reaches_the_handler_as_an_aware_datetime(sent: Any) -> None:
    protocol = AwsJson("1.1")
    request = json_request(LIST_JOBS, {"CreationTimeAfter": sent, "MaxResults": 5})
    members = protocol.parse(request, protocol.operation(request))
    assert members == {"CreationTimeAfter": MOMENT, "MaxResults": 5}
    assert members["CreationTimeAfter"].tzinfo is not None


def test_json_values_that_are_not_their_shape_stay_for_validation_to_name() -> None:
    model = operation_model(LIST_JOBS)
    sent = {"CreationTimeAfter": "yesterday", "LastModifiedTimeAfter": [1], "NameContains": "1700000000"}
    assert from_json(model.input_shape, sent) == sent
    violations = request_violations(LIST_JOBS.reference, sent)
    assert {v.path for v in violations} == {("CreationTimeAfter",), ("LastModifiedTimeAfter",)}


def test_a_json_blob_is_parsed_into_bytes() -> None:
    invoke = operation_model(OperationKey(Service.RUNTIME, "InvokeEndpoint"))
    parsed = from_json(invoke.input_shape, {"Body": "AHt9", "EndpointName": "e"})
    assert parsed == {"Body": b"\x00{}", "EndpointName": "e"}
    assert from_json(invoke.input_shape, {"Body": "not base64!"}) == {"Body": "not base64!"}


@pytest.mark.parametrize("engine", list(Engine))
def test_validation_takes_datetimes_and_the_cli_s_spellings_alike(engine: Engine) -> None:
    for sent in (MOMENT, datetime(2026, 3, 1, 12, 30), MOMENT.timestamp(), "2026-03-01T12:30:00Z"):
        assert request_violations(LIST_JOBS.reference, {"CreationTimeAfter": sent}, engine) == []
    assert request_violations(LIST_JOBS.reference, {"CreationTimeAfter": b"1"}, engine) != []


@pytest.mark.parametrize("engine", list(Engine))
def test_validation_takes_bytes_where_the_schema_has_a_blob_only(engine: Engine) -> None:
    invoke = OperationKey(Service.RUNTIME, "InvokeEndpoint").reference
    assert schema_violations(invoke, "request", {"EndpointName": "e", "Body": b"\x00{}"}, engine) == []
    assert schema_violations(invoke, "request", {"EndpointName": "e", "Body": "e30="}, engine) == []
    assert schema_violations(invoke, "request", {"EndpointName": b"e", "Body": b"{}"}, Engine.IRCLI) != []
