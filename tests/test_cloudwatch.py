"""CloudWatch's metrics, in process: every benchmark's series within its job's own window and consistent with
its recommendation, statistics over periods as CloudWatch computes them, its errors and limits, ListMetrics'
filters and pages, GetMetricData's expressions and pages, deployed endpoints' counted invocations, and the
widget's PNG. Every answer walks clean against botocore's output shape."""

from __future__ import annotations

import json
import struct
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from ircli.simulator.exceptions import (
    InvalidParameterCombination,
    InvalidParameterValue,
    MissingParameter,
    ModelError,
    SimulatorError,
)
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.shapes import walk
from tests.valid_requests import ROLE

NOW = 1_800_000_000.0
CLOUDWATCH = botocore.session.get_session().get_service_model("cloudwatch")


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(tmp_path: Path, clock: Clock) -> Simulator:
    return Simulator(Store(tmp_path / "sim"), clock=clock, speed="instant")


def call(sim: Simulator, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    response = sim.dispatch(operation, request)
    service = "cloudwatch" if operation in CLOUDWATCH.operation_names else "sagemaker"
    if service == "cloudwatch":
        shape = CLOUDWATCH.operation_model(operation).output_shape
        assert walk(shape, response) == []
    return response


def job(sim: Simulator, name: str = "job-1", **input_config: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "ModelName": "churn-xgboost",
        "EndpointConfigurations": [
            {"InstanceType": "ml.c5.xlarge"},
            {"InstanceType": "ml.g4dn.xlarge"},
            {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
        ],
    }
    config.update(input_config)
    sim.dispatch(
        "CreateInferenceRecommendationsJob",
        {"JobName": name, "JobType": "Default", "RoleArn": ROLE, "InputConfig": config},
    )
    return sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})


def endpoint_dims(recommendation: dict[str, Any]) -> list[dict[str, str]]:
    configuration = recommendation["EndpointConfiguration"]
    return [
        {"Name": "EndpointName", "Value": configuration["EndpointName"]},
        {"Name": "VariantName", "Value": configuration["VariantName"]},
    ]


def statistics(
    sim: Simulator, described: dict[str, Any], metric: str, dims: list[dict[str, str]], **members: Any
) -> list[dict[str, Any]]:
    request = {
        "Namespace": "AWS/SageMaker",
        "MetricName": metric,
        "Dimensions": dims,
        "StartTime": described["CreationTime"],
        "EndTime": described["LastModifiedTime"],
        "Period": 60,
        "Statistics": ["Sum", "SampleCount", "Average", "Minimum", "Maximum"],
        **members,
    }
    points: list[dict[str, Any]] = call(sim, "GetMetricStatistics", request)["Datapoints"]
    return points


def test_each_benchmark_s_metrics_lie_in_its_job_s_window_and_agree_with_its_recommendation(sim: Simulator) -> None:
    described = job(sim)
    recommendations = described["InferenceRecommendations"]
    assert len(recommendations) == 3
    for recommendation in recommendations:
        dims = endpoint_dims(recommendation)
        invocations = statistics(sim, described, "Invocations", dims, Unit="None")
        assert invocations, recommendation["EndpointConfiguration"]
        stamps = [point["Timestamp"] for point in invocations]
        assert all(described["CreationTime"] <= at < described["LastModifiedTime"] for at in stamps)
        assert all(recommendation["InvocationStartTime"] - timedelta(minutes=1) <= at for at in stamps)
        assert all(at < recommendation["InvocationEndTime"] for at in stamps)
        assert stamps == sorted(stamps) and all(at.second == 0 for at in stamps)
        assert max(point["Sum"] for point in invocations) == recommendation["Metrics"]["MaxInvocations"]
        assert {point["Unit"] for point in invocations} == {"None"}
        latency = statistics(sim, described, "ModelLatency", dims, ExtendedStatistics=["p95", "p99"])
        p95 = [point["ExtendedStatistics"]["p95"] for point in latency]
        assert max(p95) == pytest.approx(recommendation["Metrics"]["ModelLatency"] * 1000, abs=1)
        assert all(point["ExtendedStatistics"]["p99"] > point["ExtendedStatistics"]["p95"] for point in latency)
        assert all(point["Minimum"] <= point["Average"] <= point["Maximum"] for point in latency)
        assert {point["Unit"] for point in latency} == {"Microseconds"}
        # A unit that is not the metric's answers no datapoints, as CloudWatch does.
        assert statistics(sim, described, "ModelLatency", dims, Unit="Milliseconds") == []


def test_instances_report_utilisation_summed_over_cores_and_serverless_its_setup_time(sim: Simulator) -> None:
    described = job(sim)
    by_kind = {
        r["EndpointConfiguration"].get("InstanceType", "serverless"): r for r in described["InferenceRecommendations"]
    }

    def peak(recommendation: dict[str, Any], metric: str, namespace: str) -> float | None:
        request = {"Namespace": namespace, "Statistics": ["Maximum"]}
        points = statistics(sim, described, metric, endpoint_dims(recommendation), **request)
        return max((point["Maximum"] for point in points), default=None)

    cpu = peak(by_kind["ml.c5.xlarge"], "CPUUtilization", "/aws/sagemaker/Endpoints")
    assert cpu == pytest.approx(by_kind["ml.c5.xlarge"]["Metrics"]["CpuUtilization"] * 4, rel=0.01)  # 4 vCPUs
    assert peak(by_kind["ml.c5.xlarge"], "GPUUtilization", "/aws/sagemaker/Endpoints") is None
    assert 0 < (peak(by_kind["ml.g4dn.xlarge"], "GPUUtilization", "/aws/sagemaker/Endpoints") or 0) <= 100
    serverless = by_kind["serverless"]
    assert peak(serverless, "CPUUtilization", "/aws/sagemaker/Endpoints") is None
    assert peak(serverless, "ModelSetupTime", "AWS/SageMaker") == serverless["Metrics"]["ModelSetupTime"]


def test_the_load_test_s_client_side_metrics_are_by_job_and_endpoint(sim: Simulator) -> None:
    described = job(sim)
    recommendation = described["InferenceRecommendations"][0]
    dims = [
        {"Name": "JobName", "Value": "job-1"},
        {"Name": "EndpointName", "Value": recommendation["EndpointConfiguration"]["EndpointName"]},
    ]
    namespace = {"Namespace": "/aws/sagemaker/InferenceRecommendationsJobs"}
    client = statistics(sim, described, "ClientInvocations", dims, **namespace)
    assert max(point["Sum"] for point in client) == recommendation["Metrics"]["MaxInvocations"]
    users = statistics(sim, described, "NumberOfUsers", dims, **namespace)
    counts = [point["Maximum"] for point in users]
    assert counts[0] >= 1 and counts == sorted(counts) and counts[-1] > counts[0]
    latency = statistics(sim, described, "ClientLatency", dims, Unit="Milliseconds", **namespace)
    assert max(point["Average"] for point in latency) > recommendation["Metrics"]["ModelLatency"] / 2
    errors = statistics(sim, described, "ClientInvocationErrors", dims, **namespace)
    assert {point["Sum"] for point in errors} == {0.0}


def test_statistics_of_a_longer_period_combine_its_minutes(sim: Simulator) -> None:
    described = job(sim)
    dims = endpoint_dims(described["InferenceRecommendations"][0])
    minutes = statistics(sim, described, "Invocations", dims)
    fives = statistics(sim, described, "Invocations", dims, Period=300)
    assert sum(point["Sum"] for point in fives) == sum(point["Sum"] for point in minutes)
    for point in fives:
        inside = [
            m for m in minutes if point["Timestamp"] <= m["Timestamp"] < point["Timestamp"] + timedelta(minutes=5)
        ]
        assert point["Sum"] == sum(m["Sum"] for m in inside) and point["SampleCount"] == point["Sum"]
        assert point["Average"] == 1.0
    latency = statistics(sim, described, "ModelLatency", dims, Period=300, ExtendedStatistics=["p50"])
    assert all(point["Minimum"] <= point["ExtendedStatistics"]["p50"] <= point["Maximum"] for point in latency)


def test_unknown_metrics_answer_no_datapoints_and_bad_requests_the_service_s_errors(sim: Simulator) -> None:
    described = job(sim)
    dims = endpoint_dims(described["InferenceRecommendations"][0])
    assert statistics(sim, described, "NoSuchMetric", dims) == []
    assert statistics(sim, described, "Invocations", dims[:1]) == []  # dimensions match as a whole
    assert statistics(sim, described, "Invocations", [*dims, {"Name": "X", "Value": "y"}]) == []
    with pytest.raises(InvalidParameterValue, match="Period must be 1, 5, 10, 30, or a multiple of 60"):
        statistics(sim, described, "Invocations", dims, Period=45)
    bare = {"Namespace": "AWS/SageMaker", "MetricName": "Invocations", "Dimensions": dims, "Period": 60}
    window = {"StartTime": described["CreationTime"], "EndTime": described["LastModifiedTime"]}
    with pytest.raises(MissingParameter):
        sim.dispatch("GetMetricStatistics", {**bare, **window})
    start = described["CreationTime"]
    with pytest.raises(InvalidParameterCombination) as refused:
        statistics(sim, described, "Invocations", dims, StartTime=start, EndTime=start + timedelta(days=2))
    assert refused.value.message == (
        "You have requested up to 2880 datapoints, which exceeds the limit of 1440. You may reduce the "
        "datapoints requested by increasing Period, or decreasing the time range."
    )
    assert statistics(sim, described, "Invocations", dims, StartTime=start, EndTime=start + timedelta(days=1))
    with pytest.raises(InvalidParameterValue, match="StartTime must be less than"):
        statistics(sim, described, "Invocations", dims, StartTime=start, EndTime=start)


@pytest.mark.slow  # over a second: matplotlib's first drawing, or a dozen jobs' series
def test_list_metrics_filters_by_namespace_name_and_dimensions_and_pages_by_500(sim: Simulator) -> None:
    for index in range(12):
        job(sim, f"job-{index}")
    listed = call(sim, "ListMetrics", {"Dimensions": [{"Name": "JobName", "Value": "job-3"}]})["Metrics"]
    assert len(listed) == 3 * 4 and {m["Namespace"] for m in listed} == {"/aws/sagemaker/InferenceRecommendationsJobs"}
    latency = call(sim, "ListMetrics", {"Namespace": "AWS/SageMaker", "MetricName": "ModelLatency"})["Metrics"]
    assert len(latency) == 36
    assert all({d["Name"] for d in m["Dimensions"]} == {"EndpointName", "VariantName"} for m in latency)
    named = call(sim, "ListMetrics", {"Dimensions": [{"Name": "EndpointName"}], "MetricName": "CPUUtilization"})
    assert len(named["Metrics"]) == 24  # instances only
    pages, token = [], None
    while True:
        page = call(sim, "ListMetrics", {"NextToken": token} if token else {})
        pages.append(page["Metrics"])
        token = page.get("NextToken")
        if not token:
            break
    assert len(pages) > 1 and len(pages[0]) == 500
    every = [json.dumps(m, sort_keys=True) for page in pages for m in page]
    assert len(every) == len(set(every)) > 500


def test_list_metrics_recently_active_holds_only_the_last_three_hours(sim: Simulator, clock: Clock) -> None:
    job(sim, "early")
    clock.now += 4 * 3600
    job(sim, "late")
    recent = call(
        sim, "ListMetrics", {"RecentlyActive": "PT3H", "Namespace": "/aws/sagemaker/InferenceRecommendationsJobs"}
    )
    assert {d["Value"] for m in recent["Metrics"] for d in m["Dimensions"] if d["Name"] == "JobName"} == {"late"}
    every = call(sim, "ListMetrics", {"Namespace": "/aws/sagemaker/InferenceRecommendationsJobs"})
    assert {d["Value"] for m in every["Metrics"] for d in m["Dimensions"] if d["Name"] == "JobName"} == {
        "early",
        "late",
    }


def test_get_metric_data_answers_metric_queries_and_expressions_in_pages(sim: Simulator) -> None:
    described = job(sim)
    first, second = described["InferenceRecommendations"][:2]

    def metric(query_id: str, recommendation: dict[str, Any], stat: str, **extra: Any) -> dict[str, Any]:
        target = {
            "Namespace": "AWS/SageMaker",
            "MetricName": "Invocations",
            "Dimensions": endpoint_dims(recommendation),
        }
        return {"Id": query_id, "MetricStat": {"Metric": target, "Period": 60, "Stat": stat}, **extra}

    queries = [
        metric("m1", first, "Sum", ReturnData=False),
        metric("m2", second, "Sum", Label="second"),
        {"Id": "ratio", "Expression": "m1/m1*100"},
        {"Id": "total", "Expression": "SUM(METRICS())", "Label": "both"},
        {"Id": "mean", "Expression": "AVG([m1, m2])"},
        {"Id": "scaled", "Expression": "(m2 - 0) * 2 / 60"},
    ]
    request = {
        "MetricDataQueries": queries,
        "StartTime": described["CreationTime"],
        "EndTime": described["LastModifiedTime"],
    }
    results = {r["Id"]: r for r in call(sim, "GetMetricData", request)["MetricDataResults"]}
    assert set(results) == {"m2", "ratio", "total", "mean", "scaled"}
    assert results["m2"]["Label"] == "second" and results["total"]["Label"] == "both"
    assert set(results["ratio"]["Values"]) == {100.0}
    m2 = dict(zip(results["m2"]["Timestamps"], results["m2"]["Values"], strict=True))
    assert max(m2.values()) == second["Metrics"]["MaxInvocations"]
    assert results["m2"]["Timestamps"] == sorted(results["m2"]["Timestamps"], reverse=True)  # newest first
    for at, value in zip(results["scaled"]["Timestamps"], results["scaled"]["Values"], strict=True):
        assert value == pytest.approx(m2[at] * 2 / 60)
    assert all(r["StatusCode"] == "Complete" for r in results.values())
    # Pages of MaxDatapoints values, in ascending order when asked; together the whole answer.
    paged: dict[str, list[float]] = {}
    token, pages = None, 0
    while True:
        page = call(
            sim,
            "GetMetricData",
            {**request, "MaxDatapoints": 25, "ScanBy": "TimestampAscending"} | ({"NextToken": token} if token else {}),
        )
        pages += 1
        assert sum(len(r["Values"]) for r in page["MetricDataResults"]) <= 25
        for result in page["MetricDataResults"]:
            paged.setdefault(result["Id"], []).extend(result["Values"])
        token = page.get("NextToken")
        if not token:
            assert all(r["StatusCode"] == "Complete" for r in page["MetricDataResults"])
            break
    assert pages > 2
    assert paged["m2"] == list(reversed(results["m2"]["Values"]))
    with pytest.raises(SimulatorError) as refused:
        call(sim, "GetMetricData", {**request, "NextToken": "not-a-token"})
    assert refused.value.code == "InvalidNextToken"


def test_expressions_the_service_cannot_read_are_refused(sim: Simulator) -> None:
    described = job(sim)
    window = {"StartTime": described["CreationTime"], "EndTime": described["LastModifiedTime"]}
    for expression in ("m9 * 2", "FOO(m1)", "1 +", "m1 $ 2", "(" * 1000 + "1" + ")" * 1000):
        with pytest.raises(SimulatorError):
            sim.dispatch("GetMetricData", {"MetricDataQueries": [{"Id": "e1", "Expression": expression}], **window})


def test_deployed_endpoints_metrics_count_the_invocations_they_received(sim: Simulator, clock: Clock) -> None:
    sim.dispatch(
        "CreateEndpointConfig",
        {
            "EndpointConfigName": "cfg",
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "ModelName": "churn-xgboost",
                    "InstanceType": "ml.c5.xlarge",
                    "InitialInstanceCount": 2,
                }
            ],
        },
    )
    sim.dispatch("CreateEndpoint", {"EndpointName": "live", "EndpointConfigName": "cfg"})
    for body in (b"1,2,3", b"4,5,6", b"7,8,9"):
        sim.dispatch(
            "InvokeEndpoint", {"EndpointName": "live", "Body": body, "ContentType": "text/csv"}, validated=True
        )
    clock.now += 60
    with pytest.raises(ModelError):
        sim.dispatch(
            "InvokeEndpoint", {"EndpointName": "live", "Body": b"{", "ContentType": "application/json"}, validated=True
        )
    clock.now += 60
    sim.dispatch("DeleteEndpoint", {"EndpointName": "live"})
    clock.now += 3600
    dims = [{"Name": "EndpointName", "Value": "live"}, {"Name": "VariantName", "Value": "AllTraffic"}]
    window = {"StartTime": datetime.fromtimestamp(NOW - 600), "EndTime": datetime.fromtimestamp(clock.now)}
    described = {"CreationTime": window["StartTime"], "LastModifiedTime": window["EndTime"]}
    invocations = statistics(sim, described, "Invocations", dims)
    assert [point["Sum"] for point in invocations] == [3.0, 1.0]
    per_instance = statistics(sim, described, "InvocationsPerInstance", dims)
    assert [point["Sum"] for point in per_instance] == [1.5, 0.5]
    for metric in ("Invocation4XXErrors", "InvocationModelErrors"):
        assert [point["Sum"] for point in statistics(sim, described, metric, dims)] == [0.0, 1.0]
    assert [point["Sum"] for point in statistics(sim, described, "Invocation5XXErrors", dims)] == [0.0, 0.0]
    latency = statistics(sim, described, "ModelLatency", dims)
    assert all(point["Average"] > 0 for point in latency)
    listed = call(sim, "ListMetrics", {"Dimensions": [{"Name": "EndpointName", "Value": "live"}]})["Metrics"]
    assert {m["MetricName"] for m in listed} >= {"Invocations", "ModelLatency", "CPUUtilization"}


def test_the_answers_are_the_same_for_the_same_requests(tmp_path: Path) -> None:
    answers = []
    for name in ("a", "b"):
        sim = Simulator(Store(tmp_path / name), clock=Clock(), speed="instant")
        described = job(sim)
        dims = endpoint_dims(described["InferenceRecommendations"][1])
        answers.append(statistics(sim, described, "ModelLatency", dims, ExtendedStatistics=["p99"]))
    assert answers[0] == answers[1] and answers[0]


def png_size(image: bytes) -> tuple[int, int]:
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and image[12:16] == b"IHDR"
    width, height = struct.unpack(">II", image[16:24])
    return width, height


@pytest.mark.slow  # over a second: matplotlib's first drawing, or a dozen jobs' series
def test_the_widget_is_a_png_of_the_requested_size(sim: Simulator) -> None:
    described = job(sim)
    configuration = described["InferenceRecommendations"][0]["EndpointConfiguration"]
    widget = {
        "metrics": [
            [
                "AWS/SageMaker",
                "Invocations",
                "EndpointName",
                configuration["EndpointName"],
                "VariantName",
                configuration["VariantName"],
                {"stat": "Sum"},
            ],
            [".", "ModelLatency", ".", ".", ".", ".", {"stat": "p99", "label": "p99 latency"}],
        ],
        "start": described["CreationTime"].isoformat(),
        "end": described["LastModifiedTime"].isoformat(),
        "period": 60,
        "title": "Invocations",
        "width": 640,
        "height": 320,
    }
    image = call(sim, "GetMetricWidgetImage", {"MetricWidget": json.dumps(widget)})["MetricWidgetImage"]
    assert png_size(image) == (640, 320) and len(image) > 5000
    relative = call(sim, "GetMetricWidgetImage", {"MetricWidget": json.dumps({"metrics": [], "start": "-PT3H"})})
    assert png_size(relative["MetricWidgetImage"]) == (600, 395)
    with pytest.raises(InvalidParameterValue):
        sim.dispatch("GetMetricWidgetImage", {"MetricWidget": "{not json"})


def test_without_matplotlib_the_widget_says_how_to_get_it(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(SimulatorError, match=r"pip install 'ircli\[charts\]'") as refused:
        sim.dispatch("GetMetricWidgetImage", {"MetricWidget": json.dumps({"metrics": []})})
    assert refused.value.status == 500


def test_the_local_backend_answers_metrics_through_the_simulator(tmp_path: Path) -> None:
    from ircli.backends.local import LocalBackend
    from ircli.lib.service import RecommenderService

    service = RecommenderService(LocalBackend(tmp_path / "local", speed="instant", clock=str(NOW)))
    service.call(
        "CreateInferenceRecommendationsJob",
        {"JobName": "j", "JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "churn-xgboost"}},
    )
    described = service.call("DescribeInferenceRecommendationsJob", {"JobName": "j"})
    recommendation = described["InferenceRecommendations"][0]
    dims = endpoint_dims(recommendation)
    window = {"StartTime": described["CreationTime"].isoformat(), "EndTime": described["LastModifiedTime"].timestamp()}
    metric = {"Namespace": "AWS/SageMaker", "MetricName": "Invocations", "Dimensions": dims}
    points = service.call("GetMetricStatistics", {**metric, **window, "Period": 60, "Statistics": ["Maximum", "Sum"]})
    assert max(p["Sum"] for p in points["Datapoints"]) == recommendation["Metrics"]["MaxInvocations"]
    query = {"Id": "m1", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}}
    data = service.call("GetMetricData", {"MetricDataQueries": [query], **window})
    assert sorted(data["MetricDataResults"][0]["Values"]) == sorted(p["Sum"] for p in points["Datapoints"])


# -- trimmed statistics (the auto-scaling notebook's widgets ask for ts99) -----------------------------------


def test_trimmed_statistics_are_those_of_the_values_up_to_the_percentile() -> None:
    from ircli.simulator.cloudwatch.samples import Sample, is_statistic, statistic

    minutes = [Sample.spread(0, 100.0, 0.3, 1000), Sample.point(60, 5.0, 10)]
    count, total = statistic(minutes, "SampleCount"), statistic(minutes, "Sum")
    assert statistic(minutes, "tc99") == pytest.approx(0.99 * count)
    assert 0.95 * total < statistic(minutes, "ts99") < total
    assert statistic(minutes, "tm99") == pytest.approx(statistic(minutes, "ts99") / statistic(minutes, "tc99"))
    assert statistic(minutes, "tm99") < statistic(minutes, "wm99") < statistic(minutes, "Average")
    assert statistic([Sample.point(0, 7.0, 3)], "ts50") == 21.0  # one value: all of it is at the percentile
    assert all(is_statistic(name) for name in ("tm99", "ts99.5", "tc90", "wm10"))
    assert not any(is_statistic(name) for name in ("ts", "tx99", "ts101"))
