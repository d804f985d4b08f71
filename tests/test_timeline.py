"""A timeline at every speed: jobs, benchmarks and endpoints carry the service's durations in their timestamps
(a Default job about 45 minutes, each benchmark its load test's length) at instant speed too, consistently
across Describe, ListSteps, the execution log and the metrics; no timestamp is ever after the clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.valid_requests import ROLE

NOW = 1_800_000_000.0
LOG_GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def simulator(tmp_path: Path, clock: Clock, speed: str | None) -> Simulator:
    return Simulator(Store(tmp_path / f"sim-{speed}"), clock=clock, speed=speed)


def create(sim: Simulator, name: str = "job-1", **members: Any) -> dict[str, Any]:
    request = {"JobName": name, "JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "churn-xgboost"}}
    request.update(members)
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    return sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})


def log_times(sim: Simulator, name: str) -> list[datetime]:
    events = sim.dispatch("GetLogEvents", {"logGroupName": LOG_GROUP, "logStreamName": f"{name}/execution"})
    return [at(event["timestamp"] / 1000) for event in events["events"]]


def test_at_instant_speed_a_default_job_spans_45_minutes_ending_now(tmp_path: Path, clock: Clock) -> None:
    sim = simulator(tmp_path, clock, "instant")
    job = create(sim)
    assert job["Status"] == "COMPLETED"
    assert job["LastModifiedTime"] == job["CompletionTime"] == at(NOW)
    assert job["LastModifiedTime"] - job["CreationTime"] == timedelta(minutes=45)
    steps = {
        step["InferenceBenchmark"]["EndpointConfiguration"]["EndpointName"]: step["InferenceBenchmark"]
        for step in sim.dispatch("ListInferenceRecommendationsJobSteps", {"JobName": "job-1"})["Steps"]
    }
    for recommendation in job["InferenceRecommendations"]:
        start, end = recommendation["InvocationStartTime"], recommendation["InvocationEndTime"]
        # Pending, then the endpoint's deployment, then the load test.
        assert job["CreationTime"] + timedelta(minutes=2) < start < end <= job["LastModifiedTime"]
        assert end - start >= timedelta(minutes=10)
        step = steps[recommendation["EndpointConfiguration"]["EndpointName"]]
        assert (step["InvocationStartTime"], step["InvocationEndTime"]) == (start, end)
    times = log_times(sim, "job-1")
    assert times[0] == job["CreationTime"] and times[-1] == job["LastModifiedTime"] and times == sorted(times)
    assert len(set(times)) > 2
    listed = sim.dispatch("ListInferenceRecommendationsJobs", {})["InferenceRecommendationsJobs"][0]
    assert (listed["CreationTime"], listed["LastModifiedTime"]) == (job["CreationTime"], job["LastModifiedTime"])
    before = sim.dispatch(
        "ListInferenceRecommendationsJobs", {"CreationTimeBefore": datetime.fromtimestamp(NOW - 1800, timezone.utc)}
    )
    assert [j["JobName"] for j in before["InferenceRecommendationsJobs"]] == ["job-1"]


def test_the_auto_scaling_notebook_s_window_holds_each_benchmark_s_datapoints(tmp_path: Path, clock: Clock) -> None:
    sim = simulator(tmp_path, clock, "instant")
    job = create(sim)
    for recommendation in job["InferenceRecommendations"]:
        start = recommendation["InvocationStartTime"] - timedelta(minutes=5)
        end = recommendation["InvocationEndTime"] + timedelta(minutes=6)
        assert start < end
        name = recommendation["EndpointConfiguration"]["EndpointName"]
        points = sim.dispatch(
            "GetMetricStatistics",
            {
                "Namespace": "AWS/SageMaker",
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": name}],
                "StartTime": start,
                "EndTime": end,
                "Period": 60,
                "Statistics": ["Sum"],
            },
        )["Datapoints"]
        minutes = (recommendation["InvocationEndTime"] - recommendation["InvocationStartTime"]) // timedelta(minutes=1)
        assert len(points) == minutes


def test_at_the_default_speed_timestamps_keep_the_service_s_pace_and_never_run_ahead(
    tmp_path: Path, clock: Clock
) -> None:
    sim = simulator(tmp_path, clock, None)  # 90 times faster: a Default job in 30 seconds
    job = create(sim)
    assert job["Status"] == "PENDING"
    assert job["CreationTime"] == at(NOW - 2700 * (1 - 1 / 90))
    assert job["LastModifiedTime"] == job["CreationTime"]
    seen: list[datetime] = []
    for moment in (NOW + 1.5, NOW + 10, NOW + 29.9, NOW + 30, NOW + 100):
        clock.now = moment
        described = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
        shown = [described["CreationTime"], described["LastModifiedTime"], *log_times(sim, "job-1")]
        for recommendation in described.get("InferenceRecommendations", []):
            shown += [recommendation["InvocationStartTime"], recommendation["InvocationEndTime"]]
        assert max(shown) <= at(moment), moment
        assert described["CreationTime"] == job["CreationTime"]
        seen.append(described["LastModifiedTime"])
        if moment >= NOW + 30:
            assert described["Status"] == "COMPLETED" and described["LastModifiedTime"] == at(NOW + 30)
    assert seen[0] == job["CreationTime"] + timedelta(minutes=2)  # IN_PROGRESS after the service's 2 minutes
    assert seen == sorted(seen)


def test_a_stopped_job_shows_its_stop_at_the_service_s_pace(tmp_path: Path, clock: Clock) -> None:
    sim = simulator(tmp_path, clock, None)
    job = create(sim)
    clock.now = NOW + 10
    sim.dispatch("StopInferenceRecommendationsJob", {"JobName": "job-1"})
    stopping = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    assert stopping["Status"] == "STOPPING"
    assert stopping["LastModifiedTime"] == job["CreationTime"] + timedelta(seconds=10 * 90)
    clock.now = NOW + 11
    stopped = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    assert stopped["Status"] == "STOPPED"
    assert stopped["LastModifiedTime"] == stopping["LastModifiedTime"] + timedelta(minutes=1)
    times = log_times(sim, "job-1")
    assert times[-1] == stopped["LastModifiedTime"] and max(times) <= at(clock.now)


def test_each_benchmark_of_an_advanced_job_lasts_its_traffic_pattern(tmp_path: Path, clock: Clock) -> None:
    sim = simulator(tmp_path, clock, "instant")
    traffic = {"Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 600}]}
    job = create(
        sim,
        JobType="Advanced",
        # Invocations flatten under one user: only FlatInvocations Continue lets the load test run its length.
        StoppingConditions={
            "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 1000}],
            "FlatInvocations": "Continue",
        },
        InputConfig={
            "ModelName": "churn-xgboost",
            "TrafficPattern": {"TrafficType": "PHASES", **traffic},
            "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}, {"InstanceType": "ml.m5.large"}],
            "ResourceLimit": {"MaxNumberOfTests": 2, "MaxParallelOfTests": 1},
        },
    )
    recommendations = sorted(job["InferenceRecommendations"], key=lambda r: r["InvocationStartTime"])
    assert len(recommendations) == 2
    for recommendation in recommendations:
        assert recommendation["InvocationEndTime"] - recommendation["InvocationStartTime"] == timedelta(minutes=10)
    assert recommendations[0]["InvocationEndTime"] <= recommendations[1]["InvocationStartTime"]  # one at a time
    assert job["LastModifiedTime"] == at(NOW) and job["LastModifiedTime"] - job["CreationTime"] > timedelta(minutes=20)


def test_an_endpoint_created_at_instant_speed_took_the_service_s_creation_time(tmp_path: Path, clock: Clock) -> None:
    sim = simulator(tmp_path, clock, "instant")
    sim.dispatch(
        "CreateEndpointConfig",
        {
            "EndpointConfigName": "c",
            "ProductionVariants": [
                {
                    "VariantName": "v",
                    "ModelName": "churn-xgboost",
                    "InstanceType": "ml.c5.xlarge",
                    "InitialInstanceCount": 1,
                }
            ],
        },
    )
    sim.dispatch("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})
    endpoint = sim.dispatch("DescribeEndpoint", {"EndpointName": "e"})
    assert endpoint["EndpointStatus"] == "InService"
    assert (endpoint["CreationTime"], endpoint["LastModifiedTime"]) == (at(NOW - 300), at(NOW))


def test_a_failed_job_s_later_benchmarks_never_started_at_any_speed(tmp_path: Path, clock: Clock) -> None:
    sim = simulator(tmp_path, clock, "instant")
    config = {
        "ModelName": "churn-xgboost",
        "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}, {"InstanceType": "ml.m5.large"}],
        "ResourceLimit": {"MaxParallelOfTests": 1},
    }
    job = create(sim, InputConfig=config, Tags=[{"Key": "ircli:simulate", "Value": "fail-job"}])
    assert job["Status"] == "FAILED" and job["LastModifiedTime"] == at(NOW)
    first, second = sim.dispatch("ListInferenceRecommendationsJobSteps", {"JobName": "job-1"})["Steps"]
    assert first["InferenceBenchmark"]["InvocationStartTime"] < job["LastModifiedTime"]
    assert "InvocationStartTime" not in second["InferenceBenchmark"]  # its wave came after the failure
    messages = [
        e["message"]
        for e in sim.dispatch("GetLogEvents", {"logGroupName": LOG_GROUP, "logStreamName": "job-1/execution"})["events"]
    ]
    assert any("Benchmark 1/2 started" in m for m in messages) and not any("Benchmark 2/2" in m for m in messages)
    names = {
        d["Value"]
        for m in sim.dispatch("ListMetrics", {"MetricName": "Invocations"})["Metrics"]
        for d in m["Dimensions"]
        if d["Name"] == "EndpointName"
    }
    assert names == {first["InferenceBenchmark"]["EndpointConfiguration"]["EndpointName"]}
