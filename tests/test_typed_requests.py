"""Handlers see Python values whichever way a request came: the local backend converts the CLI's request by
the operation's input shape with the converter the served JSON protocol parses with, so one request reaches
the handler with the same members (types included) in process and over the wire. The JSON answers are
written by the operation's output shape, byte for byte as before (tests/golden/wire-json.txt, captured
from the type-driven writer this one replaced), and read back through botocore's own parser."""

from __future__ import annotations

import copy
import json
import math
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from ircli.backends.local import LocalBackend
from ircli.operations import OperationKey, Service
from ircli.simulator.models import Simulator
from ircli.simulator.protocols import HttpRequest, Reply, choose
from ircli.simulator.resource import HANDLERS
from ircli.simulator.store import Store

GOLDEN = Path(__file__).parent / "golden" / "wire-json.txt"
SESSION = botocore.session.get_session()
CREATED = 1_767_225_600.0  # 2026-01-01T00:00:00Z
ROLE = "arn:aws:iam::123456789012:role/Role"
GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"
TARGET = {
    "ServiceNamespace": "sagemaker",
    "ResourceId": "endpoint/e1/variant/AllTraffic",
    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
}
JOB_CONFIGS = [
    {"InstanceType": "ml.c5.xlarge"},
    {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
]


class FixedClock:
    def __init__(self) -> None:
        self.now = CREATED

    def __call__(self) -> float:
        return self.now


def wire_request(key: OperationKey, params: dict[str, Any]) -> HttpRequest:
    """What boto3 sends for `params` over the service's JSON protocol, as the server sees it."""
    operation = SESSION.get_service_model(key.service.value).operation_model(key.name)
    serialized = create_serializer("json").serialize_to_request(params, operation)
    prepare_request_dict(serialized, endpoint_url="http://127.0.0.1:1")
    prepared = create_request_object(serialized).prepare()
    body = prepared.body or b""
    headers = {
        name.lower(): value.decode() if isinstance(value, bytes) else value for name, value in prepared.headers.items()
    }
    return HttpRequest("POST", "/", headers, body.encode("utf-8") if isinstance(body, str) else bytes(body))


def record_calls(monkeypatch: pytest.MonkeyPatch, sim: Simulator, key: OperationKey) -> list[dict[str, Any]]:
    """The members the operation's handler is called with, from now on, by any simulator (it answers {})."""
    calls: list[dict[str, Any]] = []
    sim.handler(key)  # imports the resource, registering its handlers
    cls, method = HANDLERS[key]
    monkeypatch.setattr(cls, method, lambda _self, request: calls.append(request) or {})
    return calls


def typed(value: Any) -> Any:
    """A value with every leaf's type beside it, so that 5 and 5.0, or text and a datetime, differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


SAME_REQUESTS = [
    # The CLI's spellings of a timestamp: epoch seconds (a number) and ISO-8601 text, with or without a zone.
    (
        OperationKey(Service.SAGEMAKER, "ListInferenceRecommendationsJobs"),
        {
            "CreationTimeAfter": 1_767_225_600.0,
            "CreationTimeBefore": "2026-02-01T00:00:00Z",
            "LastModifiedTimeAfter": "2026-01-15T12:00:00+01:00",
            "MaxResults": 5,
        },
    ),
    (
        OperationKey(Service.SAGEMAKER, "ListEndpoints"),
        {"CreationTimeAfter": "2026-01-01", "CreationTimeBefore": 1_769_904_000, "SortBy": "Name"},
    ),
    (
        OperationKey(Service.CLOUDWATCH, "GetMetricStatistics"),
        {
            "Namespace": "AWS/SageMaker",
            "MetricName": "Invocations",
            "Dimensions": [{"Name": "EndpointName", "Value": "e1"}],
            "StartTime": datetime(2026, 1, 1, 0, 0),  # naive: botocore reads it as UTC
            "EndTime": "2026-01-02T00:00:00Z",
            "Period": 60,
            "Statistics": ["Sum"],
        },
    ),
    (
        OperationKey(Service.CLOUDWATCH, "GetMetricData"),
        {
            "MetricDataQueries": [{"Id": "q1", "Expression": "SEARCH('Invocations', 'Sum', 60)"}],
            "StartTime": 1_767_225_600,
            "EndTime": datetime(2026, 1, 2, tzinfo=timezone.utc),
        },
    ),
    (
        OperationKey(Service.SAGEMAKER, "ListAIRecommendationJobs"),
        {"CreationTimeAfter": "2026-01-01T00:00:00Z", "MaxResults": 3},
    ),
    (
        OperationKey(Service.AUTOSCALING, "PutScalingPolicy"),
        {
            "PolicyName": "p1",
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": 250.0,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
            },
            **TARGET,
        },
    ),
]


@pytest.mark.parametrize(("key", "members"), SAME_REQUESTS, ids=[str(key) for key, _ in SAME_REQUESTS])
def test_a_request_reaches_the_handler_alike_in_process_and_over_json(
    monkeypatch: pytest.MonkeyPatch, isolated_state: Path, key: OperationKey, members: dict[str, Any]
) -> None:
    served = Simulator(Store(isolated_state / "served"), clock=FixedClock(), speed="instant")
    calls = record_calls(monkeypatch, served, key)
    LocalBackend(isolated_state / "local", speed="instant").call(key.name, dict(members))
    request = wire_request(key, members)
    assert choose(request).answer(served, request).status == 200
    in_process, over_the_wire = calls
    assert typed(in_process) == typed(over_the_wire)
    moments = [value for value in in_process.values() if isinstance(value, datetime)]
    assert all(moment.tzinfo is not None for moment in moments)
    assert moments or key.name == "PutScalingPolicy"


def test_a_blob_the_cli_gives_as_text_is_its_bytes_as_boto3_sends_them() -> None:
    from ircli.simulator.protocols.shapes import from_params, operation_model

    invoke = operation_model(OperationKey(Service.RUNTIME, "InvokeEndpoint")).input_shape
    members = from_params(invoke, {"EndpointName": "e", "Body": "1,2", "ContentType": "text/csv"})
    assert members == {"EndpointName": "e", "Body": b"1,2", "ContentType": "text/csv"}
    assert typed(from_params(invoke, {"Body": bytearray(b"\x00")})) == {"Body": ("bytes", b"\x00")}


def test_non_finite_floats_reach_handlers_alike_either_way() -> None:
    """A Python caller's NaN stays a float; boto3 spells it "NaN" on the wire, which the service refuses
    where a number belongs, in the words it always has."""
    from ircli.lib.validation import request_violations
    from ircli.simulator.protocols.awsjson import AwsJson
    from ircli.simulator.protocols.shapes import from_params, request_shape

    key = OperationKey(Service.AUTOSCALING, "PutScalingPolicy")
    policy = {"TargetTrackingScalingPolicyConfiguration": {"TargetValue": math.inf}, "PolicyName": "p"}
    local = from_params(request_shape(key), policy)
    assert typed(local["TargetTrackingScalingPolicyConfiguration"]) == {"TargetValue": ("float", math.inf)}
    parsed = AwsJson("1.1").parse(wire_request(key, {**policy, **TARGET, "PolicyType": "TargetTrackingScaling"}), key)
    assert parsed["TargetTrackingScalingPolicyConfiguration"] == {"TargetValue": "Infinity"}
    [violation] = request_violations(key.reference, parsed)
    assert violation.path == ("TargetTrackingScalingPolicyConfiguration", "TargetValue")


# ---- answers ------------------------------------------------------------------------------------------------


ADVANCE = OperationKey(Service.SAGEMAKER, "(time passes)")


def scenario() -> list[tuple[OperationKey, dict[str, Any]]]:
    """A representative run over every JSON service: jobs (one with NaN metrics), models, endpoints, tags,
    logs, scaling, metrics and prices; a few errors."""
    s, lg, a, cw = Service.SAGEMAKER, Service.LOGS, Service.AUTOSCALING, Service.CLOUDWATCH
    job = {"JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "churn-xgboost"}}
    steps: list[tuple[OperationKey, dict[str, Any]]] = [
        (OperationKey(s, "CreateInferenceRecommendationsJob"), {"JobName": "j1", **job}),
        (
            OperationKey(s, "CreateInferenceRecommendationsJob"),
            {
                "JobName": "j2",
                **job,
                "InputConfig": {"ModelName": "churn-xgboost", "EndpointConfigurations": JOB_CONFIGS},
            },
        ),
        (OperationKey(s, "DescribeInferenceRecommendationsJob"), {"JobName": "j1"}),
    ]
    later: list[tuple[OperationKey, dict[str, Any]]] = [
        (OperationKey(s, "DescribeInferenceRecommendationsJob"), {"JobName": "j1"}),
        (OperationKey(s, "DescribeInferenceRecommendationsJob"), {"JobName": "j2"}),
        (OperationKey(s, "ListInferenceRecommendationsJobs"), {"MaxResults": 1}),
        (OperationKey(s, "ListInferenceRecommendationsJobs"), {"SortBy": "Name", "SortOrder": "Ascending"}),
        (OperationKey(s, "ListInferenceRecommendationsJobSteps"), {"JobName": "j2"}),
        (OperationKey(s, "DescribeInferenceRecommendationsJob"), {"JobName": "none"}),
        (
            OperationKey(s, "CreateModel"),
            {
                "ModelName": "m1",
                "PrimaryContainer": {"Image": "img", "ModelDataUrl": "s3://b/m.tar.gz"},
                "ExecutionRoleArn": ROLE,
            },
        ),
        (OperationKey(s, "DescribeModel"), {"ModelName": "m1"}),
        (OperationKey(s, "ListModels"), {}),
        (OperationKey(s, "CreateModelPackageGroup"), {"ModelPackageGroupName": "g1"}),
        (OperationKey(s, "ListModelPackageGroups"), {}),
        (
            OperationKey(s, "CreateEndpointConfig"),
            {
                "EndpointConfigName": "c1",
                "ProductionVariants": [
                    {
                        "VariantName": "AllTraffic",
                        "ModelName": "m1",
                        "InstanceType": "ml.c5.xlarge",
                        "InitialInstanceCount": 1,
                    }
                ],
            },
        ),
        (OperationKey(s, "DescribeEndpointConfig"), {"EndpointConfigName": "c1"}),
        (OperationKey(s, "CreateEndpoint"), {"EndpointName": "e1", "EndpointConfigName": "c1"}),
        (OperationKey(s, "DescribeEndpoint"), {"EndpointName": "e1"}),
        (OperationKey(s, "ListEndpoints"), {}),
        (OperationKey(s, "ListTags"), {"ResourceArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e1"}),
        (OperationKey(lg, "DescribeLogStreams"), {"logGroupName": GROUP}),
        (OperationKey(lg, "GetLogEvents"), {"logGroupName": GROUP, "logStreamName": "j1/execution", "limit": 3}),
        (OperationKey(lg, "FilterLogEvents"), {"logGroupName": GROUP, "filterPattern": "completed"}),
        (OperationKey(a, "RegisterScalableTarget"), {**TARGET, "MinCapacity": 1, "MaxCapacity": 4}),
        (OperationKey(a, "DescribeScalableTargets"), {"ServiceNamespace": "sagemaker"}),
        (
            OperationKey(a, "PutScalingPolicy"),
            {
                "PolicyName": "p1",
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": {
                    "TargetValue": 250.0,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
                },
                **TARGET,
            },
        ),
        (OperationKey(a, "DescribeScalingPolicies"), {"ServiceNamespace": "sagemaker"}),
        (OperationKey(cw, "ListMetrics"), {"Namespace": "AWS/SageMaker"}),
        (
            OperationKey(cw, "GetMetricStatistics"),
            {
                "Namespace": "AWS/SageMaker",
                "MetricName": "ModelLatency",
                "Dimensions": [{"Name": "EndpointName", "Value": "e1"}, {"Name": "VariantName", "Value": "AllTraffic"}],
                "StartTime": datetime(2026, 1, 1, tzinfo=timezone.utc),
                "EndTime": datetime(2026, 1, 2, tzinfo=timezone.utc),
                "Period": 3600,
                "Statistics": ["Average", "Maximum"],
            },
        ),
        (
            OperationKey(cw, "GetMetricData"),
            {
                "MetricDataQueries": [
                    {
                        "Id": "q1",
                        "MetricStat": {
                            "Metric": {"Namespace": "AWS/SageMaker", "MetricName": "Invocations"},
                            "Period": 3600,
                            "Stat": "Sum",
                        },
                    }
                ],
                "StartTime": datetime(2026, 1, 1, tzinfo=timezone.utc),
                "EndTime": datetime(2026, 1, 2, tzinfo=timezone.utc),
            },
        ),
        (OperationKey(Service.PRICING, "DescribeServices"), {"ServiceCode": "AmazonSageMaker"}),
    ]
    return [*steps, (ADVANCE, {}), *later]


def answers(state: Path, returned: list[dict[str, Any]] | None = None) -> list[tuple[OperationKey, Reply]]:
    """The scenario's JSON replies, and in `returned` what the handlers returned for those that succeeded."""
    clock = FixedClock()
    sim = Simulator(Store(state), clock=clock, speed="realtime")
    if returned is not None:
        dispatch = sim.dispatch

        def keep(operation: Any, request: Any, *, validated: bool = False) -> Any:
            result = dispatch(operation, request, validated=validated)
            returned.append(copy.deepcopy(result))
            return result

        sim.dispatch = keep  # type: ignore[method-assign]
    replies: list[tuple[OperationKey, Reply]] = []
    for key, params in scenario():
        if key is ADVANCE:
            clock.now += 6 * 3600  # every job has ended
            continue
        request = wire_request(key, params)
        replies.append((key, choose(request).answer(sim, request)))
    return replies


def test_json_answers_are_the_bytes_they_were(isolated_state: Path) -> None:
    lines = [f"{key} {reply.status} {reply.body.decode('utf-8')}\n" for key, reply in answers(isolated_state / "s")]
    if os.environ.get("IRCLI_UPDATE_GOLDEN"):
        GOLDEN.write_text("".join(lines))
    expected = GOLDEN.read_text().splitlines(True)
    assert len(lines) == len(expected)
    for line, old in zip(lines, expected, strict=True):
        assert line == old


def test_json_answers_read_back_through_botocore_as_the_handlers_returned_them(isolated_state: Path) -> None:
    returned: list[dict[str, Any]] = []
    replies = [(key, reply) for key, reply in answers(isolated_state / "s", returned) if reply.status == 200]
    assert len(replies) == len(returned) > 20
    parser = create_parser("json")
    for (key, reply), result in zip(replies, returned, strict=True):
        operation = SESSION.get_service_model(key.service.value).operation_model(key.name)
        response = {"status_code": 200, "headers": HeadersDict(reply.headers), "body": reply.body}
        parsed = parser.parse(response, operation.output_shape)
        parsed.pop("ResponseMetadata", None)
        assert comparable(parsed) == comparable(result), key


def comparable(value: Any) -> Any:
    """A value as botocore reads it back: datetimes at the wire's precision, non-finite floats as their text,
    members that are None absent."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def test_a_time_filtered_listing_pages_over_json(isolated_state: Path) -> None:
    sim = Simulator(Store(isolated_state / "s"), clock=FixedClock(), speed="instant")
    job = {"JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "churn-xgboost"}}
    for name in ("j1", "j2"):
        sim.dispatch("CreateInferenceRecommendationsJob", {"JobName": name, **job})
    key = OperationKey(Service.SAGEMAKER, "ListInferenceRecommendationsJobs")
    members: dict[str, Any] = {"CreationTimeAfter": datetime(2025, 12, 31, tzinfo=timezone.utc), "MaxResults": 1}
    names = []
    for _ in range(3):
        reply = choose(wire_request(key, members)).answer(sim, wire_request(key, members))
        assert reply.status == 200, reply.body
        page = json.loads(reply.body)
        names += [found["JobName"] for found in page["InferenceRecommendationsJobs"]]
        if "NextToken" not in page:
            break
        members["NextToken"] = page["NextToken"]
    assert names == ["j2", "j1"]


def test_a_timestamp_is_written_in_its_shape_s_format() -> None:
    from botocore.model import ServiceModel

    from ircli.simulator.protocols.shapes import json_document

    model = ServiceModel(
        {
            "metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "T", "apiVersion": "1"},
            "operations": {
                "Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"}, "output": {"shape": "Out"}}
            },
            "shapes": {
                "Out": {
                    "type": "structure",
                    "members": {
                        "Iso": {"shape": "IsoTime"},
                        "Epoch": {"shape": "Time"},
                        "Http": {"shape": "HttpTime"},
                        "Gone": {"shape": "Time"},
                    },
                },
                "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"},
                "HttpTime": {"type": "timestamp", "timestampFormat": "rfc822"},
                "Time": {"type": "timestamp"},
            },
        }
    )
    output = model.operation_model("Op").output_shape
    moment = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    result = {"Iso": moment, "Epoch": moment, "Http": moment.replace(microsecond=0), "Gone": None}
    written = json_document(output, result)
    assert written == {
        "Iso": "2026-01-02T03:04:05.678Z",
        "Epoch": 1767323045.678,
        "Http": "Fri, 02 Jan 2026 03:04:05 GMT",
    }
    response = {"status_code": 200, "headers": HeadersDict({}), "body": json.dumps(written).encode()}
    parsed = create_parser("json").parse(response, output)
    parsed.pop("ResponseMetadata")
    assert parsed == {key: value for key, value in result.items() if value is not None}


def test_a_timestamp_of_the_pattern_that_is_no_day_is_refused_alike_either_way(isolated_state: Path) -> None:
    from ircli.errors import ServiceError

    key = OperationKey(Service.SAGEMAKER, "ListInferenceRecommendationsJobs")
    message = "Value '2026-13-01' is not a valid timestamp."
    with pytest.raises(ServiceError, match=message) as raised:
        LocalBackend(isolated_state / "local", speed="instant").call(key.name, {"CreationTimeAfter": "2026-13-01"})
    assert raised.value.code == "ValidationException"
    body = json.dumps({"CreationTimeAfter": "2026-13-01"}).encode()
    headers = {"content-type": "application/x-amz-json-1.1", "x-amz-target": f"SageMaker.{key.name}"}
    served = Simulator(Store(isolated_state / "served"), clock=FixedClock(), speed="instant")
    reply = choose(HttpRequest("POST", "/", headers, body)).answer(served, HttpRequest("POST", "/", headers, body))
    assert (reply.status, json.loads(reply.body)) == (400, {"__type": "ValidationException", "message": message})


def test_epoch_seconds_beyond_datetime_s_range_filter_as_the_far_future(isolated_state: Path) -> None:
    backend = LocalBackend(isolated_state / "local", speed="instant", clock=str(CREATED))
    job = {"JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "churn-xgboost"}}
    backend.call("CreateInferenceRecommendationsJob", {"JobName": "j1", **job})
    listed = backend.call("ListInferenceRecommendationsJobs", {"CreationTimeBefore": 1e14})
    assert [found["JobName"] for found in listed["InferenceRecommendationsJobs"]] == ["j1"]
    assert backend.call("ListInferenceRecommendationsJobs", {"CreationTimeAfter": 1e14}) == {
        "InferenceRecommendationsJobs": []
    }
