"""The service's rules are keyed as the registry is, by (service, operation): every way of naming an
operation that `find` resolves reaches the same rules, and an operation of another service reaches none."""

from __future__ import annotations

import copy

import pytest

from ircli.lib.rules import RULES, rule_violations
from ircli.operations import OPERATIONS, OperationKey, Service
from tests.valid_requests import VALID_REQUESTS

SCALING = OperationKey(Service.SAGEMAKER, "GetScalingConfigurationRecommendation")


@pytest.mark.parametrize("named", [SCALING, "GetScalingConfigurationRecommendation", str(SCALING)])
def test_an_operation_s_rules_run_however_it_is_named(named: str | OperationKey) -> None:
    request = copy.deepcopy(VALID_REQUESTS["GetScalingConfigurationRecommendation"])
    assert rule_violations(named, request) == []
    request["EndpointName"] = "also-given"
    assert [v.message for v in rule_violations(named, request)] == [
        v.message for v in rule_violations("GetScalingConfigurationRecommendation", request)
    ]
    assert rule_violations(named, request) != []


def test_every_rule_belongs_to_a_registered_operation() -> None:
    assert set(RULES) <= set(OPERATIONS)


def test_an_unregistered_or_other_service_s_operation_has_no_rules() -> None:
    request = copy.deepcopy(VALID_REQUESTS["GetScalingConfigurationRecommendation"])
    request["EndpointName"] = "also-given"
    assert rule_violations("logs:GetScalingConfigurationRecommendation", request) == []
    assert rule_violations("NoSuchOperation", request) == []
