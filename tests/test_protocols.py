"""The wire protocols as objects: a request built by botocore's own serializer for each protocol is chosen
and parsed into the members it was built from, and each protocol's answer reads back through botocore's
own parser. CloudWatch's GetMetricStatistics (query, RPCv2-CBOR and JSON 1.0 in its model) stands in for
the protocols no served service speaks yet."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import HeadersDict, prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from ircli.operations import OperationKey, Service
from ircli.simulator.exceptions import ValidationException
from ircli.simulator.protocols import HttpRequest, choose
from ircli.simulator.protocols.awsjson import AwsJson
from ircli.simulator.protocols.cbor import RpcV2Cbor
from ircli.simulator.protocols.query import Query
from ircli.simulator.protocols.restjson import RuntimeRestJson

SESSION = botocore.session.get_session()
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
METRIC_REQUEST: dict[str, Any] = {
    "Namespace": "AWS/SageMaker",
    "MetricName": "ModelLatency",
    "Dimensions": [{"Name": "EndpointName", "Value": "e"}, {"Name": "VariantName", "Value": "v"}],
    "StartTime": START,
    "EndTime": datetime(2026, 1, 2, 12, 30, tzinfo=timezone.utc),
    "Period": 60,
    "Statistics": ["Sum", "Average"],
    "ExtendedStatistics": ["p99"],
}
METRIC_RESULT: dict[str, Any] = {
    "Label": "ModelLatency",
    "Datapoints": [
        {"Timestamp": START, "Average": 12.5, "Sum": 25.0, "Unit": "Microseconds"},
        {"Timestamp": datetime(2026, 1, 1, 0, 1, tzinfo=timezone.utc), "Average": 7.0, "Unit": "Microseconds"},
    ],
}


def model(service: str, operation: str) -> Any:
    return SESSION.get_service_model(service).operation_model(operation)


def wire_request(protocol: str, operation: Any, params: dict[str, Any]) -> HttpRequest:
    """What botocore would send for `params` over `protocol`, as the server sees it."""
    from botocore.awsrequest import create_request_object

    serialized = create_serializer(protocol).serialize_to_request(params, operation)
    prepare_request_dict(serialized, endpoint_url="http://127.0.0.1:1")
    prepared = create_request_object(serialized).prepare()
    body = prepared.body or b""
    body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    path = prepared.url.split("127.0.0.1:1", 1)[1].split("?", 1)[0] or "/"
    headers = {
        name.lower(): value.decode() if isinstance(value, bytes) else value for name, value in prepared.headers.items()
    }
    return HttpRequest("POST", path, headers, body)


@pytest.mark.parametrize(("protocol", "kind"), [("query", Query), ("smithy-rpc-v2-cbor", RpcV2Cbor), ("json", AwsJson)])
def test_each_protocol_parses_botocore_s_request_into_its_members(protocol: str, kind: type) -> None:
    operation = model("cloudwatch", "GetMetricStatistics")
    request = wire_request(protocol, operation, METRIC_REQUEST)
    chosen = choose(request)
    assert isinstance(chosen, kind)
    if isinstance(chosen, AwsJson):
        assert chosen.version == "1.0" and request.headers["x-amz-target"].endswith(".GetMetricStatistics")
        # Parsed by the input shape, as the other protocols parse: timestamps come as aware datetimes.
        members = chosen.parse(request, chosen.operation(request))
    else:
        members = chosen.members(request, operation)  # type: ignore[attr-defined]
    assert members == METRIC_REQUEST


def test_json_1_1_and_rest_json_requests_are_parsed_for_the_served_operations() -> None:
    operation = model("sagemaker", "DescribeEndpointConfig")
    request = wire_request("json", operation, {"EndpointConfigName": "bench"})
    chosen = choose(request)
    assert isinstance(chosen, AwsJson) and chosen.version == "1.1"
    key = chosen.operation(request)
    assert key == OperationKey(Service.SAGEMAKER, "DescribeEndpointConfig")
    assert chosen.parse(request, key) == {"EndpointConfigName": "bench"}

    invoke = model("sagemaker-runtime", "InvokeEndpoint")
    params = {"EndpointName": "my endpoint", "Body": b"\x00{}", "ContentType": "application/json", "Accept": "text/csv"}
    request = wire_request("rest-json", invoke, params)
    chosen = choose(request)
    assert isinstance(chosen, RuntimeRestJson)
    assert chosen.parse(request, chosen.operation(request)) == params


def parsed(protocol: str, operation: Any, reply: Any) -> dict[str, Any]:
    response = {"status_code": reply.status, "headers": HeadersDict(reply.headers), "body": reply.body}
    result: dict[str, Any] = create_parser(protocol).parse(response, operation.output_shape)
    result.pop("ResponseMetadata", None)
    return result


@pytest.mark.parametrize(
    ("protocol", "serialize"),
    [
        ("query", lambda op, result: Query().document(op, result)),
        ("smithy-rpc-v2-cbor", lambda op, result: RpcV2Cbor().document(op, result)),
        ("json", lambda op, result: AwsJson("1.0").document(op, result)),
    ],
)
def test_each_protocol_s_answer_reads_back_through_botocore_s_parser(protocol: str, serialize: Any) -> None:
    operation = model("cloudwatch", "GetMetricStatistics")
    assert parsed(protocol, operation, serialize(operation, METRIC_RESULT)) == METRIC_RESULT


@pytest.mark.parametrize(
    ("protocol", "error_of"),
    [
        ("query", lambda error: Query().error(error)),
        ("smithy-rpc-v2-cbor", lambda error: RpcV2Cbor().error(error)),
        ("json", lambda error: AwsJson("1.1").error(error)),
        ("rest-json", lambda error: RuntimeRestJson().error(error)),
    ],
)
def test_each_protocol_s_error_reads_back_through_botocore_s_parser(protocol: str, error_of: Any) -> None:
    operation = model("cloudwatch", "GetMetricStatistics")
    reply = error_of(ValidationException("Period must be a multiple of 60."))
    response = {"status_code": reply.status, "headers": HeadersDict(reply.headers), "body": reply.body}
    error = create_parser(protocol).parse(response, operation.output_shape)["Error"]
    assert error["Code"] == "ValidationException" and error["Message"] == "Period must be a multiple of 60."


def test_non_finite_floats_and_blobs_are_encoded_by_the_protocol() -> None:
    operation = model("cloudwatch", "GetMetricStatistics")
    result = {"Datapoints": [{"Timestamp": START, "Average": math.nan, "Maximum": math.inf}]}
    for protocol, reply in (
        ("query", Query().document(operation, result)),
        ("smithy-rpc-v2-cbor", RpcV2Cbor().document(operation, result)),
    ):
        point = parsed(protocol, operation, reply)["Datapoints"][0]
        assert math.isnan(point["Average"]) and point["Maximum"] == math.inf, protocol
    # The handlers' "NaN" text (the JSON spelling) becomes a CBOR float.
    text = {"Datapoints": [{"Timestamp": START, "Average": "NaN"}]}
    assert math.isnan(
        parsed("smithy-rpc-v2-cbor", operation, RpcV2Cbor().document(operation, text))["Datapoints"][0]["Average"]
    )
    assert (
        AwsJson("1.1").reply(200, {"Body": b"\xff", "At": START, "F": math.nan}).body
        == b'{"Body": "/w==", "At": 1767225600.0, "F": "NaN"}'
    )


def test_unserved_protocol_requests_are_refused_as_unknown_operations() -> None:
    from ircli.simulator.exceptions import UnknownOperationException

    operation = model("cloudwatch", "DescribeAlarms")  # CloudWatch is served; its alarms are not
    for protocol in ("query", "smithy-rpc-v2-cbor", "json"):
        request = wire_request(protocol, operation, {})
        with pytest.raises(UnknownOperationException):
            choose(request).operation(request)


@pytest.mark.slow  # it starts a process
def test_cbor2_is_imported_only_by_a_cbor_request() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\nfrom ircli.simulator.protocols import HttpRequest, choose\n"
        "choose(HttpRequest('POST', '/', {'x-amz-target': 'SageMaker.ListModels'}, b'{}'))\n"
        "print('cbor2' in sys.modules)"
    )
    assert (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )
