"""A job on an existing endpoint sends its load to that endpoint, so the endpoint's own CloudWatch metrics show it
(AWS's auto-scaling notebook reads them): the benchmark's modelled load curve over its window, peaking at the
EndpointPerformances' MaxInvocations, alongside the InvokeEndpoint calls the endpoint really received."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.shapes import walk
from tests.valid_requests import ROLE

NOW = 1_800_000_000.0
CLOUDWATCH = botocore.session.get_session().get_service_model("cloudwatch")
LIVE = [{"Name": "EndpointName", "Value": "live"}, {"Name": "VariantName", "Value": "AllTraffic"}]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(tmp_path: Path, clock: Clock) -> Simulator:
    simulator = Simulator(Store(tmp_path / "sim"), clock=clock, speed="instant")
    # In service well before the jobs: at instant speed a job's timeline ends when it is created.
    clock.now = NOW - 4 * 3600
    simulator.dispatch(
        "CreateEndpointConfig",
        {
            "EndpointConfigName": "cfg",
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "ModelName": "churn-xgboost",
                    "InstanceType": "ml.c5.large",
                    "InitialInstanceCount": 2,
                }
            ],
        },
    )
    simulator.dispatch("CreateEndpoint", {"EndpointName": "live", "EndpointConfigName": "cfg"})
    clock.now = NOW
    return simulator


def evaluation(sim: Simulator, name: str, spawn_rate: int = 1) -> dict[str, Any]:
    """The auto-scaling notebook's evaluation job: an Advanced job on the endpoint itself."""
    sim.dispatch(
        "CreateInferenceRecommendationsJob",
        {
            "JobName": name,
            "JobType": "Advanced",
            "RoleArn": ROLE,
            "InputConfig": {
                "ModelName": "churn-xgboost",
                "Endpoints": [{"EndpointName": "live"}],
                "EndpointConfigurations": [{"InstanceType": "ml.c5.large"}],
                "TrafficPattern": {
                    "TrafficType": "PHASES",
                    "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": spawn_rate, "DurationInSeconds": 3600}],
                },
            },
            "StoppingConditions": {
                "MaxInvocations": 30000,
                "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 10000}],
            },
        },
    )
    return sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})


def statistics(
    sim: Simulator, metric: str, start: datetime, end: datetime, namespace: str = "AWS/SageMaker", **more: Any
) -> list[dict[str, Any]]:
    request = {
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": more.pop("dimensions", LIVE),
        "StartTime": start,
        "EndTime": end,
        "Period": 60,
        "Statistics": ["Sum", "Maximum", "Average"],
        **more,
    }
    response = sim.dispatch("GetMetricStatistics", request)
    assert walk(CLOUDWATCH.operation_model("GetMetricStatistics").output_shape, response) == []
    points: list[dict[str, Any]] = sorted(response["Datapoints"], key=lambda p: p["Timestamp"])
    return points


def test_the_job_s_load_is_in_the_endpoint_s_own_metrics_peaking_at_its_max_invocations(sim: Simulator) -> None:
    job = evaluation(sim, "evaluate")
    assert job["Status"] == "COMPLETED"
    (performance,) = job["EndpointPerformances"]
    start, end = job["CreationTime"], job["LastModifiedTime"]
    invocations = statistics(sim, "Invocations", start, end, Unit="None")
    assert len(invocations) >= 3
    assert max(p["Sum"] for p in invocations) == performance["Metrics"]["MaxInvocations"]
    assert all(start <= p["Timestamp"] < end for p in invocations)
    # Users grow a minute at a time: so does the load, until the endpoint's capacity.
    sums = [p["Sum"] for p in invocations]
    assert sums[0] < sums[-1]
    per_instance = statistics(sim, "InvocationsPerInstance", start, end)
    assert [p["Sum"] for p in per_instance] == pytest.approx([s / 2 for s in sums])  # two instances
    latency = statistics(sim, "ModelLatency", start, end, ExtendedStatistics=["p95"])
    peak = max(p["ExtendedStatistics"]["p95"] for p in latency)
    assert peak == pytest.approx(performance["Metrics"]["ModelLatency"] * 1000, abs=1)
    assert statistics(sim, "CPUUtilization", start, end, namespace="/aws/sagemaker/Endpoints")
    by_job = [{"Name": "JobName", "Value": "evaluate"}, {"Name": "EndpointName", "Value": "live"}]
    client = statistics(
        sim, "ClientInvocations", start, end, namespace="/aws/sagemaker/InferenceRecommendationsJobs", dimensions=by_job
    )
    assert [p["Sum"] for p in client] == sums


def test_the_notebook_s_window_holds_each_evaluation_s_load(sim: Simulator) -> None:
    # The notebook reads CreationTime + 5 minutes to LastModifiedTime - 6 minutes, Period 30, of each evaluation.
    from datetime import timedelta

    for index, spawn_rate in enumerate((1, 3, 3)):
        job = evaluation(sim, f"evaluation-{index}", spawn_rate)
        start, end = job["CreationTime"] + timedelta(minutes=5), job["LastModifiedTime"] - timedelta(minutes=6)
        points = statistics(sim, "Invocations", start, end, Period=30)
        assert points and max(p["Sum"] for p in points) > 0, job["JobName"]


def test_the_real_invocations_add_to_the_job_s_load(sim: Simulator, clock: Clock) -> None:
    job = evaluation(sim, "evaluate")
    start, end = job["CreationTime"], job["LastModifiedTime"]
    before = statistics(sim, "Invocations", start, end)
    busiest = max(before, key=lambda p: p["Sum"])
    moment = clock.now
    clock.now = busiest["Timestamp"].timestamp() + 1  # a caller's request in the load test's busiest minute
    for body in (b"1,2,3", b"4,5,6"):
        sim.dispatch(
            "InvokeEndpoint", {"EndpointName": "live", "Body": body, "ContentType": "text/csv"}, validated=True
        )
    clock.now = moment
    after = {p["Timestamp"]: p["Sum"] for p in statistics(sim, "Invocations", start, end)}
    assert after[busiest["Timestamp"]] == busiest["Sum"] + 2
    assert all(after[p["Timestamp"]] == p["Sum"] for p in before if p is not busiest)
    # A once-a-minute value is not summed over its sources: the minute's CPU stays within the instances' cores.
    cpu = statistics(sim, "CPUUtilization", start, end, namespace="/aws/sagemaker/Endpoints")
    assert all(p["Sum"] == p["Maximum"] <= 2 * 100 for p in cpu)
