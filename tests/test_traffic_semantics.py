"""The load a benchmark reaches follows its traffic pattern: closed-loop users, spawn rates, phases and stairs as the
API reference describes them, FlatInvocations Stop or Continue, and the stopping conditions; and the job around it
(the endpoint types a Default job benchmarks, existing endpoints) reports what the service would."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.models import Simulator
from ircli.simulator.sagemaker import load
from ircli.simulator.store import Store
from tests.conftest import CliRunner
from tests.valid_requests import ROLE, VALID_REQUESTS

XGBOOST = {"Framework": "XGBOOST", "NearestModelName": "xgboost"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_767_225_600.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    return Simulator(Store(tmp_path / "sim"), speed="instant")


@pytest.fixture
def timed(tmp_path: Path) -> tuple[Simulator, Clock]:
    """The service's own seconds (realtime speed) on a clock the test moves."""
    clock = Clock()
    return Simulator(Store(tmp_path / "timed"), clock=clock, speed="realtime"), clock


def finished(timed: tuple[Simulator, Clock], request: dict[str, Any]) -> dict[str, Any]:
    sim, clock = timed
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    clock.now += 6 * 3600
    return recommendation_of(sim, request["JobName"])


def load_test(
    name: str, traffic: dict[str, Any], stopping: dict[str, Any] | None = None, instance: str = "ml.c5.xlarge"
) -> dict[str, Any]:
    return {
        "JobName": name,
        "JobType": "Advanced",
        "RoleArn": ROLE,
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "ContainerConfig": XGBOOST,
            "EndpointConfigurations": [{"InstanceType": instance}],
            "TrafficPattern": traffic,
        },
        "StoppingConditions": stopping or {"FlatInvocations": "Stop"},
    }


def phases(*phases: tuple[int, int, int]) -> dict[str, Any]:
    return {
        "TrafficType": "PHASES",
        "Phases": [{"InitialNumberOfUsers": u, "SpawnRate": r, "DurationInSeconds": d} for u, r, d in phases],
    }


def recommendation_of(sim: Simulator, name: str) -> dict[str, Any]:
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})
    (only,) = job["InferenceRecommendations"]
    return dict(only)


def recommendation(sim: Simulator, request: dict[str, Any]) -> dict[str, Any]:
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    return recommendation_of(sim, request["JobName"])


def test_one_closed_loop_user_sends_at_most_a_minute_over_its_latency(sim: Simulator) -> None:
    # One user waiting L ms for each answer sends at most 60000 / L a minute (the issue: 58,676 at 12.7 ms).
    metrics = recommendation(sim, load_test("one-user", phases((1, 0, 300))))["Metrics"]
    assert metrics["MaxInvocations"] <= 60_000 / metrics["ModelLatency"] * 1.03


def test_more_users_reach_more_load_and_more_latency(sim: Simulator) -> None:
    one = recommendation(sim, load_test("one", phases((1, 0, 300))))["Metrics"]
    spawning = recommendation(sim, load_test("spawning", phases((3, 3, 300))))["Metrics"]
    stairs = {"TrafficType": "STAIRS", "Stairs": {"DurationInSeconds": 120, "NumberOfSteps": 5, "UsersPerStep": 2}}
    stepped = recommendation(sim, load_test("stairs", stairs))["Metrics"]
    assert one["MaxInvocations"] < spawning["MaxInvocations"]
    assert one["MaxInvocations"] < stepped["MaxInvocations"]
    assert one["ModelLatency"] <= spawning["ModelLatency"]


def test_stairs_last_their_steps_times_each_step_s_duration(timed: tuple[Simulator, Clock]) -> None:
    # The reference: Stairs.DurationInSeconds is "how long each traffic step should be" (the load-test guide's
    # DurationInSeconds / NumberOfSteps would make this 120 s in all).
    stairs = {"TrafficType": "STAIRS", "Stairs": {"DurationInSeconds": 120, "NumberOfSteps": 3, "UsersPerStep": 1}}
    found = finished(timed, load_test("steps", stairs, {"FlatInvocations": "Continue"}))
    assert (found["InvocationEndTime"] - found["InvocationStartTime"]).total_seconds() == pytest.approx(360)
    parts = load.segments(stairs, 0)
    assert [parts[0].users(t) for t in (0, 119, 120, 359)] == [1, 1, 2, 3]


def test_flat_invocations_stop_ends_the_test_where_continue_keeps_loading(timed: tuple[Simulator, Clock]) -> None:
    # Users keep spawning well past the instance's capacity: Stop ends the test where invocations flatten.
    pattern = phases((1, 30, 1800))
    stop = finished(timed, load_test("stop", pattern, {"FlatInvocations": "Stop"}))
    go_on = finished(timed, load_test("continue", pattern, {"FlatInvocations": "Continue"}))
    took = {
        r["RecommendationId"]: (r["InvocationEndTime"] - r["InvocationStartTime"]).total_seconds()
        for r in (stop, go_on)
    }
    assert took[stop["RecommendationId"]] < took[go_on["RecommendationId"]] == pytest.approx(1800)
    assert stop["Metrics"]["ModelLatency"] < go_on["Metrics"]["ModelLatency"]
    assert stop["Metrics"]["MaxInvocations"] <= go_on["Metrics"]["MaxInvocations"]


def test_a_latency_threshold_bounds_the_load_reached(sim: Simulator) -> None:
    pattern = phases((1, 10, 900))
    free = recommendation(sim, load_test("free", pattern))["Metrics"]
    bounded = recommendation(
        sim,
        load_test("bounded", pattern, {"ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 25}]}),
    )["Metrics"]
    assert bounded["ModelLatency"] == 25 < free["ModelLatency"]
    assert bounded["MaxInvocations"] < free["MaxInvocations"]


def test_the_closed_loop_is_exact_at_its_corners() -> None:
    lone = load.Station(service_ms=10.0, slots=4, overhead_ms=5.0)
    assert lone.per_minute(1) == pytest.approx(60_000 / 15) and lone.latency_ms(1) == 10.0  # no queueing alone
    single = load.Station(service_ms=10.0, slots=1, overhead_ms=1e-9)
    assert single.latency_ms(5) == pytest.approx(50.0, rel=1e-6)  # five users wait five service times
    assert single.per_minute(5) == pytest.approx(6000, rel=1e-6)  # and the slot never idles
    users = lone.users_at_latency(12.0)
    assert lone.latency_ms(users) == pytest.approx(12.0)


def default_job(name: str, **container: Any) -> dict[str, Any]:
    return {
        "JobName": name,
        "JobType": "Default",
        "RoleArn": ROLE,
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "ContainerConfig": {**XGBOOST, "SupportedInstanceTypes": ["ml.c5.large"], **container},
        },
    }


@pytest.mark.parametrize(
    ("endpoint_type", "named", "instances", "serverless"),
    [(None, False, None, 2), (None, True, 1, 0), ("RealTime", True, 1, 0), ("Serverless", True, 0, 6)],
)
def test_supported_endpoint_type_chooses_real_time_serverless_or_both(
    sim: Simulator, endpoint_type: str | None, named: bool, instances: int | None, serverless: int
) -> None:
    # "By default this is null, and the results ... return a combined list of both real-time and serverless
    # benchmarks" (API reference, SupportedEndpointType). Instance types named for the job ask for real-time
    # endpoints: AWS's notebooks name them and read an InstanceType from every recommendation.
    extra: dict[str, Any] = {"SupportedEndpointType": endpoint_type} if endpoint_type else {}
    request = default_job("kinds", **extra)
    if not named:
        del request["InputConfig"]["ContainerConfig"]["SupportedInstanceTypes"]
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "kinds"})
    configurations = [r["EndpointConfiguration"] for r in job["InferenceRecommendations"]]
    found = sum("InstanceType" in c for c in configurations)
    assert found == instances if instances is not None else found >= 1  # the model's own candidates
    assert sum("ServerlessConfig" in c for c in configurations) == serverless


def endpoint_job(name: str, threshold_ms: int) -> dict[str, Any]:
    return {
        "JobName": name,
        "JobType": "Default",
        "RoleArn": ROLE,
        "InputConfig": {"ModelName": "churn-xgboost", "Endpoints": [{"EndpointName": "endpoint-1"}]},
        "StoppingConditions": {"ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": threshold_ms}]},
    }


def test_an_existing_endpoint_reports_real_figures_or_fails_with_a_reason(sim: Simulator) -> None:
    sim.dispatch("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"])
    sim.dispatch("CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    sim.dispatch("CreateInferenceRecommendationsJob", endpoint_job("met", 10_000))
    met = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "met"})
    (performance,) = met["EndpointPerformances"]
    assert met["Status"] == "COMPLETED"
    assert performance["Metrics"]["MaxInvocations"] > 0 and 0 < performance["Metrics"]["ModelLatency"] <= 10_000
    # A threshold no load can meet: not EndpointPerformances of 0/0 as COMPLETED, but a failure that says why.
    sim.dispatch("CreateInferenceRecommendationsJob", endpoint_job("unmet", 1))
    unmet = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "unmet"})
    assert unmet["Status"] == "FAILED" and "EndpointPerformances" not in unmet
    assert "endpoint endpoint-1" in unmet["FailureReason"] and "LATENCY_THRESHOLD_NOT_MET" in unmet["FailureReason"]


def test_the_guide_s_own_spawn_rate_runs(sim: Simulator) -> None:
    # The load-test guide's CLI example: one user and SpawnRate 60 for 300 s, once refused by a 0-3 rule.
    from ircli.lib.validation import request_violations

    request = load_test("guide", phases((1, 60, 300)))
    assert request_violations("CreateInferenceRecommendationsJob", request) == []
    metrics = recommendation(sim, request)["Metrics"]
    assert math.isfinite(metrics["MaxInvocations"]) and metrics["MaxInvocations"] > 0


def test_describe_job_says_which_benchmarks_failed_and_how_to_see_why(cli: CliRunner, tmp_path: Path) -> None:
    request = {
        "JobName": "with-failures",
        "JobType": "Default",
        "RoleArn": ROLE,
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "ContainerConfig": XGBOOST,
            "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}, {"InstanceType": "ml.inf1.xlarge"}],
        },
    }
    path = tmp_path / "job.json"
    path.write_text(json.dumps(request))
    assert cli("create-job", "--cli-input-json", str(path)).code == 0
    table = cli("describe-job", "with-failures", "--output", "table", width=200).out
    assert "Failed benchmarks" in table and "ml.inf1.xlarge x1" in table and "UNSUPPORTED_INSTANCE_TYPE" in table
    assert "1 benchmark of with-failures FAILED" in table
    assert "ircli list-steps with-failures --status FAILED" in table and "ircli logs with-failures" in table
    raw = cli("describe-job", "with-failures", "--output", "json").json
    assert len(raw["InferenceRecommendations"]) == 1 and "Failed" not in json.dumps(list(raw))  # the raw answer
