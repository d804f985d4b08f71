"""Request validation: every violation named by path and rule; at least as strict as botocore."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from ircli.errors import ValidationFailed
from ircli.lib.validation import check_request, request_violations, service_message
from tests.valid_requests import VALID_REQUESTS

SERVICE_MODEL = botocore.session.get_session().get_service_model("sagemaker")


def messages(operation: str, document: Any) -> list[str]:
    return [str(v) for v in request_violations(operation, document)]


@pytest.mark.parametrize("operation", list(VALID_REQUESTS))
def test_valid_requests_pass(operation: str) -> None:
    assert messages(operation, VALID_REQUESTS[operation]) == []


def test_every_violation_is_listed_with_its_path() -> None:
    request = copy.deepcopy(VALID_REQUESTS["CreateInferenceRecommendationsJob"])
    request["InputConfig"]["TrafficPattern"]["Phases"].append(
        {"InitialNumberOfUsers": 5, "SpawnRate": 60, "DurationInSeconds": 120}
    )
    request["InputConfig"]["Bogus"] = 1
    request["JobName"] = "not valid!"
    found = messages("CreateInferenceRecommendationsJob", request)
    assert (
        "InputConfig.TrafficPattern.Phases[1].InitialNumberOfUsers: 5 is greater than the maximum of 3 "
        "(CreateInferenceRecommendationsJob API reference)" in found
    )
    assert not any("SpawnRate" in m for m in found)  # 60 a minute: the load-test guide's own CLI example
    assert any(m.startswith("InputConfig.Bogus: unknown member") for m in found)
    assert any(m.startswith("JobName: 'not valid!' must be letters, digits and hyphens") for m in found)
    assert len(found) == 3


def test_missing_required_members_and_types() -> None:
    found = messages("CreateInferenceRecommendationsJob", {"JobName": "x", "JobType": "Sometimes", "InputConfig": []})
    assert "RoleArn: missing required member" in found
    assert "InputConfig: [] is not an object" in found
    assert "JobType: 'Sometimes' is not one of Default, Advanced" in found


def test_long_enums_suggest_close_values() -> None:
    request = copy.deepcopy(VALID_REQUESTS["CreateEndpointConfig"])
    request["ProductionVariants"][0]["InstanceType"] = "ml.c5.xlarg"
    (message,) = messages("CreateEndpointConfig", request)
    assert message.startswith(
        "ProductionVariants[0].InstanceType: 'ml.c5.xlarg' is not a valid value; did you mean ml.c5.xlarge"
    )


def test_integers_must_be_integers_and_fit_32_bits() -> None:
    request = copy.deepcopy(VALID_REQUESTS["CreateInferenceRecommendationsJob"])
    request["InputConfig"]["JobDurationInSeconds"] = 3600.0
    request["StoppingConditions"]["MaxInvocations"] = 10**12
    found = messages("CreateInferenceRecommendationsJob", request)
    assert "InputConfig.JobDurationInSeconds: 3600.0 is not an integer" in found
    assert "StoppingConditions.MaxInvocations: 1000000000000 is greater than the maximum of 2147483647" in found


def test_unicode_property_patterns_work() -> None:
    request = copy.deepcopy(VALID_REQUESTS["CreateInferenceRecommendationsJob"])
    request["Tags"] = [{"Key": "équipe-ünïcode", "Value": "日本"}]
    assert messages("CreateInferenceRecommendationsJob", request) == []
    request["Tags"] = [{"Key": "bad\tkey", "Value": "v"}]
    assert messages("CreateInferenceRecommendationsJob", request)[0].startswith("Tags[0].Key:")


def test_patterns_match_the_whole_value() -> None:
    found = messages("DescribeInferenceRecommendationsJob", {"JobName": "ok-prefix then junk"})
    assert found and found[0].startswith("JobName:")


def test_non_finite_numbers_are_refused() -> None:
    request = copy.deepcopy(VALID_REQUESTS["CreateEndpointConfig"])
    request["ProductionVariants"][0]["InitialVariantWeight"] = float("nan")
    assert messages("CreateEndpointConfig", request) == [
        "ProductionVariants[0].InitialVariantWeight: nan is not a finite number"
    ]


def test_check_request_raises_with_all_violations() -> None:
    with pytest.raises(ValidationFailed) as raised:
        check_request("DescribeEndpoint", {})
    assert raised.value.violations[0].dotted_path == "EndpointName"
    assert "1 problem" in raised.value.message


def test_service_style_message() -> None:
    request = copy.deepcopy(VALID_REQUESTS["CreateEndpointConfig"])
    request["ProductionVariants"][1]["InstanceType"] = "ml.bogus"
    request["EndpointConfigName"] = "bad name"
    text = service_message(request_violations("CreateEndpointConfig", request))
    assert text.startswith(
        "2 validation errors detected: Value 'bad name' at 'endpointConfigName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
    )
    assert (
        "Value 'ml.bogus' at 'productionVariants.2.member.instanceType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [" in text
    )


# -- parity with botocore's own parameter validation -------------------------------------------------


def _wrong_values(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["yes", 1]
    if isinstance(value, int):
        return ["12", 1.5, [], {}]
    if isinstance(value, float):
        return ["1.0", [], {}]
    if isinstance(value, str):
        return [5, True, [], {}, ""]
    if isinstance(value, list):
        return [{}, "x", 3, []]
    if isinstance(value, dict):
        return [[], "x", 3, {}]
    return []


def _mutations(document: Any) -> Iterator[Any]:
    """Copies of the document with one member removed or given a wrong or boundary value."""

    def walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
        yield path, node
        if isinstance(node, dict):
            for key, child in node.items():
                yield from walk(child, (*path, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from walk(child, (*path, index))

    for path, node in list(walk(document, ())):
        if not path:
            continue
        parent_path, last = path[:-1], path[-1]
        if isinstance(last, str):
            mutated = copy.deepcopy(document)
            parent = mutated
            for part in parent_path:
                parent = parent[part]
            del parent[last]
            yield mutated
        for replacement in [*_wrong_values(node), -1, 0]:
            mutated = copy.deepcopy(document)
            parent = mutated
            for part in parent_path:
                parent = parent[part]
            parent[last] = replacement
            yield mutated


@pytest.mark.parametrize("operation", list(VALID_REQUESTS))
def test_ircli_rejects_everything_botocore_rejects(operation: str) -> None:
    shape = SERVICE_MODEL.operation_model(operation).input_shape
    validator = ParamValidator()
    rejected_by_botocore = 0
    for mutated in _mutations(VALID_REQUESTS[operation]):
        if validator.validate(mutated, shape).has_errors():
            rejected_by_botocore += 1
            assert request_violations(operation, mutated), f"botocore rejects but ircli accepts: {mutated}"
    assert rejected_by_botocore > 0
