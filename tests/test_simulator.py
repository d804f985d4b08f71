"""The simulator through its SQLite store: shapes, errors, progression over time, the performance model's
invariants, stop, pagination, deliberate failures, endpoints, and many processes at once."""

from __future__ import annotations

import copy
import json
import math
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from ircli.cli.output.document import jsonable
from ircli.lib.validation import schema_violations
from ircli.simulator.exceptions import ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ValidationException
from ircli.simulator.models import Simulator, speed_factor
from ircli.simulator.sagemaker import perf
from ircli.simulator.store import Store
from tests.valid_requests import ROLE, VALID_REQUESTS


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
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
    assert [str(v) for v in schema_violations(operation, "response", jsonable(response))] == []
    return response


def default_job(name: str = "job-1", **input_config: Any) -> dict[str, Any]:
    config = {
        "ModelName": "churn-xgboost",
        "EndpointConfigurations": [
            {"InstanceType": "ml.c5.xlarge"},
            {"InstanceType": "ml.m5.large"},
            {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
        ],
    }
    config.update(input_config)
    return {"JobName": name, "JobType": "Default", "RoleArn": ROLE, "InputConfig": config}


def test_every_operation_returns_the_services_shapes(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    requests = copy.deepcopy(VALID_REQUESTS)
    call(sim, "CreateInferenceRecommendationsJob", requests["CreateInferenceRecommendationsJob"])
    job = call(sim, "DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    assert job["Status"] == "COMPLETED"
    call(sim, "ListInferenceRecommendationsJobs", {})
    call(sim, "ListInferenceRecommendationsJobSteps", {"JobName": "job-1"})
    recommendation_id = job["InferenceRecommendations"][0]["RecommendationId"]
    call(
        sim,
        "GetScalingConfigurationRecommendation",
        {"InferenceRecommendationsJobName": "job-1", "RecommendationId": recommendation_id},
    )
    call(sim, "CreateEndpointConfig", requests["CreateEndpointConfig"])
    call(sim, "DescribeEndpointConfig", {"EndpointConfigName": "config-1"})
    call(sim, "CreateEndpoint", requests["CreateEndpoint"])
    call(sim, "DescribeEndpoint", {"EndpointName": "endpoint-1"})
    call(sim, "UpdateEndpointWeightsAndCapacities", requests["UpdateEndpointWeightsAndCapacities"])
    call(sim, "DescribeEndpoint", {"EndpointName": "endpoint-1"})
    call(sim, "DeleteEndpoint", {"EndpointName": "endpoint-1"})
    call(sim, "DeleteEndpointConfig", {"EndpointConfigName": "config-1"})
    call(sim, "CreateInferenceRecommendationsJob", dict(requests["CreateInferenceRecommendationsJob"], JobName="job-2"))


def test_published_example_comes_out_of_the_catalog() -> None:
    assert perf.instance("ml.c5d.xlarge")["price_per_hour"] == 0.23
    result = perf.benchmark_instance("ml.c5d.xlarge", perf.PROFILES["generic"], {}, perf.Conditions(1000, "P95", 100))
    assert result.instance_count == 3
    assert result.cost_per_hour == 0.6899999976158142
    assert result.model_latency_ms == 100


def test_catalog_covers_every_instance_type_with_sourced_prices() -> None:
    from ircli.schemas import load_schema

    enum = load_schema("CreateEndpointConfig", "request")["$defs"]["ProductionVariantInstanceType"]["enum"]
    instances = perf.catalog()["instances"]
    assert set(enum) <= set(instances)
    for name in enum:
        record = instances[name]
        assert record["price_per_hour"] > 0 and record["price_source"] and record["vcpu"] >= 1
    documented = {"ml.c5.xlarge": 0.204, "ml.c5d.large": 0.115, "ml.c5d.xlarge": 0.23, "ml.m5.large": 0.115}
    for name, price in documented.items():
        assert instances[name]["price_per_hour"] == price
        assert "developer guide" in instances[name]["price_source"]


def test_recommendation_metrics_obey_the_services_invariants(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    request = default_job(EnvironmentParameterRanges=None)
    request["StoppingConditions"] = {
        "MaxInvocations": 5000,
        "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 200}],
    }
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    recommendations = job["InferenceRecommendations"]
    assert len(recommendations) == 3
    for item in recommendations:
        metrics, endpoint = item["Metrics"], item["EndpointConfiguration"]
        assert metrics["CostPerInference"] == perf.float32(metrics["CostPerHour"] / (metrics["MaxInvocations"] * 60))
        assert isinstance(metrics["ModelLatency"], int) and 1 <= metrics["ModelLatency"] <= 200
        if "InstanceType" in endpoint:
            price = perf.instance(endpoint["InstanceType"])["price_per_hour"]
            assert metrics["CostPerHour"] == perf.float32(price * endpoint["InitialInstanceCount"])
            per_instance = metrics["MaxInvocations"] // endpoint["InitialInstanceCount"]
            assert endpoint["InitialInstanceCount"] == math.ceil(5000 / per_instance)
            assert 0 <= metrics["CpuUtilization"] <= 100
        else:
            # The handler answers Python floats; only the protocols and the CLI spell them "NaN".
            assert math.isnan(metrics["CpuUtilization"]) and math.isnan(metrics["MemoryUtilization"])
            assert metrics["ModelSetupTime"] > 0


def test_results_are_deterministic_for_the_same_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    metrics = []
    for index in range(2):
        sim = Simulator(Store(tmp_path / f"s{index}"), speed="instant")
        sim.dispatch("CreateInferenceRecommendationsJob", default_job())
        job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
        metrics.append([r["Metrics"] for r in job["InferenceRecommendations"]])
    assert json.dumps(metrics[0]) == json.dumps(metrics[1])  # as text: a NaN utilisation equals no float


def test_jobs_progress_with_the_clock(sim: Simulator, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    sim.speed = "realtime"
    request = default_job()
    request["InputConfig"]["ResourceLimit"] = {"MaxParallelOfTests": 2}
    sim.dispatch("CreateInferenceRecommendationsJob", request)

    def describe() -> dict[str, Any]:
        return sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})

    def steps() -> list[str]:
        listed = sim.dispatch("ListInferenceRecommendationsJobSteps", {"JobName": "job-1"})
        return [step["Status"] for step in listed["Steps"]]

    assert describe()["Status"] == "PENDING"
    assert steps() == ["PENDING"] * 3
    clock.now += 121
    assert describe()["Status"] == "IN_PROGRESS"
    assert steps() == ["IN_PROGRESS", "IN_PROGRESS", "PENDING"]  # at most MaxParallelOfTests at once
    assert "InferenceRecommendations" not in describe()
    clock.now += 1300
    assert steps() == ["COMPLETED", "COMPLETED", "IN_PROGRESS"]
    clock.now += 2700
    job = describe()
    assert job["Status"] == "COMPLETED"
    assert 2600 <= (job["CompletionTime"] - job["CreationTime"]).total_seconds() <= 2800  # about 45 minutes
    assert len(job["InferenceRecommendations"]) == 3


def test_speed_settings() -> None:
    assert speed_factor("instant") == 0
    assert speed_factor("realtime") == 1
    assert speed_factor("") == pytest.approx(1 / 90)
    assert speed_factor("10") == 0.1
    from ircli.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        speed_factor("slow")


def test_stop_keeps_finished_recommendations(sim: Simulator, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    sim.speed = "realtime"
    request = default_job()
    request["InputConfig"]["ResourceLimit"] = {"MaxParallelOfTests": 1}
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    clock.now += 120 + 860 + 10  # the first of three benchmarks has finished
    sim.dispatch("StopInferenceRecommendationsJob", {"JobName": "job-1"})
    assert sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})["Status"] == "STOPPING"
    clock.now += 61
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    assert job["Status"] == "STOPPED"
    assert len(job["InferenceRecommendations"]) == 1
    statuses = [
        s["Status"] for s in sim.dispatch("ListInferenceRecommendationsJobSteps", {"JobName": "job-1"})["Steps"]
    ]
    assert statuses == ["COMPLETED", "STOPPED", "STOPPED"]
    with pytest.raises(ValidationException, match="cannot be stopped"):
        sim.dispatch("StopInferenceRecommendationsJob", {"JobName": "job-1"})


def test_service_errors(sim: Simulator) -> None:
    sim.dispatch("CreateInferenceRecommendationsJob", default_job())
    with pytest.raises(ResourceInUse):
        sim.dispatch("CreateInferenceRecommendationsJob", default_job())
    with pytest.raises(ResourceNotFound):
        sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "missing"})
    with pytest.raises(ValidationException) as raised:
        sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "bad name"})
    assert raised.value.message == (
        "1 validation error detected: Value 'bad name' at 'jobName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}"
    )
    with pytest.raises(ValidationException, match="Could not find endpoint configuration"):
        sim.dispatch("DescribeEndpointConfig", {"EndpointConfigName": "nope"})


def test_deliberate_failures(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    tag = lambda value: [{"Key": "ircli:simulate", "Value": value}]  # noqa: E731
    with pytest.raises(ResourceLimitExceeded):
        sim.dispatch("CreateInferenceRecommendationsJob", dict(default_job("j1"), Tags=tag("limit-exceeded")))
    sim.dispatch("CreateInferenceRecommendationsJob", dict(default_job("j2"), Tags=tag("fail-job")))
    failed = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "j2"})
    assert failed["Status"] == "FAILED"
    assert failed["FailureReason"].startswith(
        "INVALID_INPUT : 1. Model (owned by the customer in the container) returned 4xx or 5xx error code."
    )
    # The job's failure is its steps' too: none of them says COMPLETED.
    failed_steps = sim.dispatch("ListInferenceRecommendationsJobSteps", {"JobName": "j2"})["Steps"]
    assert {s["Status"] for s in failed_steps} == {"FAILED"}
    sim.dispatch("CreateInferenceRecommendationsJob", dict(default_job("j3"), Tags=tag("fail-step")))
    steps = sim.dispatch("ListInferenceRecommendationsJobSteps", {"JobName": "j3"})["Steps"]
    assert [s["Status"] for s in steps] == ["FAILED", "COMPLETED", "COMPLETED"]
    assert "FailureReason" in steps[0]["InferenceBenchmark"]
    assert len(sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "j3"})["InferenceRecommendations"]) == 2


def test_a_model_too_big_for_the_instance_fails_that_step(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    request = default_job(
        ContainerConfig={"NearestModelName": "llama-2-7b"},
        EndpointConfigurations=[{"InstanceType": "ml.t2.medium"}, {"InstanceType": "ml.g5.12xlarge"}],
    )
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    steps = sim.dispatch("ListInferenceRecommendationsJobSteps", {"JobName": "job-1"})["Steps"]
    assert [s["Status"] for s in steps] == ["FAILED", "COMPLETED"]
    assert "memory" in steps[0]["InferenceBenchmark"]["FailureReason"]


def test_environment_parameter_ranges_give_one_result_per_combination(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranges = {
        "CategoricalParameterRanges": [
            {"Name": "OMP_NUM_THREADS", "Value": ["1", "2", "16"]},
            {"Name": "SAGEMAKER_MODEL_SERVER_WORKERS", "Value": ["1", "4"]},
        ]
    }
    sim.dispatch(
        "CreateInferenceRecommendationsJob",
        default_job(EndpointConfigurations=[{"InstanceType": "ml.c5.xlarge", "EnvironmentParameterRanges": ranges}]),
    )
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    combos = [
        tuple(p["Value"] for p in r["ModelConfiguration"]["EnvironmentParameters"])
        for r in job["InferenceRecommendations"]
    ]
    assert len(combos) == 6 and len(set(combos)) == 6


def test_default_job_without_configurations_benchmarks_the_candidates(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = default_job(EndpointConfigurations=None)
    del request["InputConfig"]["EndpointConfigurations"]
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    configurations = [r["EndpointConfiguration"] for r in job["InferenceRecommendations"]]
    types = [c["InstanceType"] for c in configurations if "InstanceType" in c]
    assert types == list(perf.PROFILES["generic"].candidates)
    # SupportedEndpointType unset: "a combined list of both real-time and serverless benchmarks" (API reference).
    assert [c["ServerlessConfig"]["MemorySizeInMB"] for c in configurations if "ServerlessConfig" in c] == [2048, 3072]
    request = default_job("job-2", ContainerConfig={"SupportedInstanceTypes": ["ml.c6i.large"]})
    del request["InputConfig"]["EndpointConfigurations"]
    sim.dispatch("CreateInferenceRecommendationsJob", request)
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-2"})
    configurations = [r["EndpointConfiguration"] for r in job["InferenceRecommendations"]]
    assert [c["InstanceType"] for c in configurations if "InstanceType" in c] == ["ml.c6i.large"]


def test_pagination_and_filters(sim: Simulator, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(25):
        clock.now += 1
        sim.dispatch("CreateInferenceRecommendationsJob", default_job(f"job-{index:02d}"))
    names, token = [], None
    while True:
        request: dict[str, Any] = {"MaxResults": 10, "SortBy": "Name", "SortOrder": "Ascending"}
        if token:
            request["NextToken"] = token
        page = sim.dispatch("ListInferenceRecommendationsJobs", request)
        names += [j["JobName"] for j in page["InferenceRecommendationsJobs"]]
        token = page.get("NextToken")
        if not token:
            break
    assert names == [f"job-{i:02d}" for i in range(25)]
    newest = sim.dispatch("ListInferenceRecommendationsJobs", {"MaxResults": 1})["InferenceRecommendationsJobs"]
    assert newest[0]["JobName"] == "job-24"
    contains = sim.dispatch("ListInferenceRecommendationsJobs", {"NameContains": "JOB-1"})[
        "InferenceRecommendationsJobs"
    ]
    assert len(contains) == 10
    completed = sim.dispatch("ListInferenceRecommendationsJobs", {"StatusEquals": "COMPLETED"})
    assert len(completed["InferenceRecommendationsJobs"]) == 25
    assert (
        sim.dispatch("ListInferenceRecommendationsJobs", {"StatusEquals": "FAILED"})["InferenceRecommendationsJobs"]
        == []
    )
    with pytest.raises(ValidationException, match="pagination token"):
        sim.dispatch("ListInferenceRecommendationsJobs", {"NextToken": "garbage"})


def test_scaling_recommendation_formula(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    sim.dispatch("CreateInferenceRecommendationsJob", default_job())
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    rec = job["InferenceRecommendations"][0]
    result = sim.dispatch(
        "GetScalingConfigurationRecommendation",
        {
            "InferenceRecommendationsJobName": "job-1",
            "RecommendationId": rec["RecommendationId"],
            "ScalingPolicyObjective": {"MinInvocationsPerMinute": 100, "MaxInvocationsPerMinute": 20000},
        },
    )
    per_instance = rec["Metrics"]["MaxInvocations"] // rec["EndpointConfiguration"]["InitialInstanceCount"]
    target = round(per_instance * 0.5, 1)
    dynamic = result["DynamicScalingConfiguration"]
    assert result["TargetCpuUtilizationPerCore"] == 50
    assert dynamic["ScalingPolicies"][0]["TargetTracking"]["TargetValue"] == target
    assert dynamic["MinCapacity"] == max(1, math.ceil(100 / target))
    assert dynamic["MaxCapacity"] == math.ceil(20000 / target)
    assert dynamic["ScaleInCooldown"] == dynamic["ScaleOutCooldown"] == 300
    serverless = job["InferenceRecommendations"][2]["RecommendationId"]
    with pytest.raises(ValidationException, match="serverless"):
        sim.dispatch(
            "GetScalingConfigurationRecommendation",
            {"InferenceRecommendationsJobName": "job-1", "RecommendationId": serverless},
        )


def test_endpoints_move_through_their_states(sim: Simulator, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    sim.speed = "realtime"
    sim.dispatch("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"])
    sim.dispatch("CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    describe = lambda: sim.dispatch("DescribeEndpoint", {"EndpointName": "endpoint-1"})  # noqa: E731
    assert describe()["EndpointStatus"] == "Creating"
    assert "PendingDeploymentSummary" in describe()
    with pytest.raises(ValidationException, match="in-progress"):
        sim.dispatch("UpdateEndpointWeightsAndCapacities", VALID_REQUESTS["UpdateEndpointWeightsAndCapacities"])
    clock.now += 301
    assert describe()["EndpointStatus"] == "InService"
    sim.dispatch("UpdateEndpointWeightsAndCapacities", VALID_REQUESTS["UpdateEndpointWeightsAndCapacities"])
    updating = describe()
    serverless = updating["ProductionVariants"][1]
    assert updating["EndpointStatus"] == "Updating"
    assert serverless["CurrentServerlessConfig"]["ProvisionedConcurrency"] == 2
    assert serverless["DesiredServerlessConfig"]["ProvisionedConcurrency"] == 4
    clock.now += 181
    done = describe()
    assert done["EndpointStatus"] == "InService"
    assert done["ProductionVariants"][1]["CurrentServerlessConfig"]["ProvisionedConcurrency"] == 4
    too_many = {
        "EndpointName": "endpoint-1",
        "DesiredWeightsAndCapacities": [
            {"VariantName": "Serverless", "ServerlessUpdateConfig": {"ProvisionedConcurrency": 11}}
        ],
    }
    with pytest.raises(ValidationException, match="less than or equal"):
        sim.dispatch("UpdateEndpointWeightsAndCapacities", too_many)


def test_existing_endpoints_give_endpoint_performances(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationException, match="Could not find endpoint"):
        sim.dispatch("CreateInferenceRecommendationsJob", default_job(Endpoints=[{"EndpointName": "endpoint-1"}]))
    sim.dispatch("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"])
    sim.dispatch("CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    sim.dispatch("CreateInferenceRecommendationsJob", default_job(Endpoints=[{"EndpointName": "endpoint-1"}]))
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    (performance,) = job["EndpointPerformances"]
    assert performance["EndpointInfo"]["EndpointName"] == "endpoint-1"
    assert performance["Metrics"]["MaxInvocations"] > 0
    scaling = sim.dispatch(
        "GetScalingConfigurationRecommendation",
        {"InferenceRecommendationsJobName": "job-1", "EndpointName": "endpoint-1"},
    )
    assert scaling["Metric"]["InvocationsPerInstance"] == performance["Metrics"]["MaxInvocations"] // 1


def test_state_survives_new_store_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Simulator(Store(tmp_path / "s"), speed="instant").dispatch("CreateInferenceRecommendationsJob", default_job())
    reopened = Simulator(Store(tmp_path / "s"), speed="instant")
    assert reopened.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})["Status"] == "COMPLETED"
    samples = {"models": 3, "model_packages": 3}  # what every fresh state holds
    assert reopened.store.counts() == {"jobs": 1, "endpoint_configs": 0, "endpoints": 0, **samples}
    reopened.store.reset()
    assert reopened.store.counts() == {"jobs": 0, "endpoint_configs": 0, "endpoints": 0, **samples}


def test_a_store_of_the_first_layout_is_migrated_with_its_jobs(tmp_path: Path) -> None:
    import sqlite3

    from ircli.simulator.store import SCHEMA_V1, SCHEMA_VERSION

    state = tmp_path / "old"
    state.mkdir()
    connection = sqlite3.connect(state / "state.db")
    connection.executescript(SCHEMA_V1)
    connection.execute(
        "INSERT INTO jobs (name, created, pending_until, ends_at, stopping_seconds, job_type, request, plan)"
        " VALUES ('kept', 0, 0, 0, 0, 'Default', '{}', '{}')"
    )
    connection.execute("PRAGMA user_version=1")
    connection.commit()
    connection.close()
    store = Store(state)
    assert store.counts()["jobs"] == 1  # migrated in place, nothing lost
    assert store.read().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.read().execute("SELECT COUNT(*) FROM tags").fetchone()[0] == 0
    assert store.counts()["models"] == 0  # no simulator filled it: a bare Store has no samples


def test_unusable_state_directory_is_a_configuration_error(tmp_path: Path) -> None:
    from ircli.errors import ConfigurationError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigurationError):
        Store(blocker / "state").counts()


def _worker(state_dir: str, worker: int, jobs: int, queue: Any) -> None:
    os.environ["IRCLI_SIM_SPEED"] = "instant"
    sim = Simulator(Store(Path(state_dir)), speed="instant")
    errors = []
    for index in range(jobs):
        name = f"w{worker}-{index}"
        try:
            sim.dispatch("CreateInferenceRecommendationsJob", default_job(name))
            sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})
            sim.dispatch("ListInferenceRecommendationsJobs", {"MaxResults": 5})
        except Exception as exc:
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
    queue.put(errors)


@pytest.mark.slow
def test_sixteen_processes_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_worker, args=(str(tmp_path / "shared"), w, 8, queue)) for w in range(16)]
    for process in workers:
        process.start()
    errors = [error for _ in workers for error in queue.get(timeout=120)]
    for process in workers:
        process.join(timeout=60)
    assert errors == []
    sim = Simulator(Store(tmp_path / "shared"), speed="instant")
    listed = sim.dispatch("ListInferenceRecommendationsJobs", {"MaxResults": 100})
    names = {j["JobName"] for j in listed["InferenceRecommendationsJobs"]}
    while "NextToken" in listed:
        listed = sim.dispatch("ListInferenceRecommendationsJobs", {"MaxResults": 100, "NextToken": listed["NextToken"]})
        names |= {j["JobName"] for j in listed["InferenceRecommendationsJobs"]}
    assert names == {f"w{w}-{i}" for w in range(16) for i in range(8)}


def test_plan_is_plain_json(sim: Simulator) -> None:
    sim.dispatch("CreateInferenceRecommendationsJob", default_job())
    row = sim.store.read().execute("SELECT plan, request FROM jobs").fetchone()
    assert json.loads(row["plan"])["steps"] and json.loads(row["request"])["JobName"] == "job-1"


def test_shadow_variants_are_deployed_and_updated(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    config = copy.deepcopy(VALID_REQUESTS["CreateEndpointConfig"])
    config["ShadowProductionVariants"] = [
        {
            "VariantName": "Shadow",
            "ModelName": "resnet50",
            "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 4, "ProvisionedConcurrency": 1},
        }
    ]
    call(sim, "CreateEndpointConfig", config)
    assert (
        call(sim, "DescribeEndpointConfig", {"EndpointConfigName": "config-1"})["ShadowProductionVariants"][0][
            "VariantName"
        ]
        == "Shadow"
    )
    call(sim, "CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    call(
        sim,
        "UpdateEndpointWeightsAndCapacities",
        {
            "EndpointName": "endpoint-1",
            "DesiredWeightsAndCapacities": [
                {"VariantName": "Shadow", "ServerlessUpdateConfig": {"ProvisionedConcurrency": 3}}
            ],
        },
    )
    endpoint = call(sim, "DescribeEndpoint", {"EndpointName": "endpoint-1"})
    assert [v["VariantName"] for v in endpoint["ProductionVariants"]] == ["AllTraffic", "Serverless"]
    (shadow,) = endpoint["ShadowProductionVariants"]
    assert shadow["CurrentServerlessConfig"]["ProvisionedConcurrency"] == 3


# -- simulator refusals (issue 18) ----------------------------------------------------------------------


ENDPOINT_ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/endpoint-1"


@pytest.mark.parametrize("key", ["aws:created-by", "AWS:Team", "Aws:x"])
def test_tag_keys_with_the_aws_prefix_are_refused_everywhere_tags_are_set(sim: Simulator, key: str) -> None:
    tags = [{"Key": "team", "Value": "ml"}, {"Key": key, "Value": "v"}]
    reserved = f"The tag key {key!r} is not allowed: tag keys with the aws: prefix are reserved for AWS use."
    creates = [
        ("CreateInferenceRecommendationsJob", default_job("tagged"), "DescribeInferenceRecommendationsJob"),
        ("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"], "DescribeEndpointConfig"),
        (
            "CreateModel",
            {"ModelName": "tagged", "ExecutionRoleArn": ROLE, "PrimaryContainer": {"Image": "img:1"}},
            "DescribeModel",
        ),
        ("CreateModelPackageGroup", {"ModelPackageGroupName": "tagged"}, "DescribeModelPackageGroup"),
    ]
    for create, request, describe in creates:
        with pytest.raises(ValidationException) as refused:
            sim.dispatch(create, {**request, "Tags": tags})
        assert refused.value.message == reserved, create
        name_member = next(k for k in request if k.endswith("Name") and "Role" not in k)
        with pytest.raises((ResourceNotFound, ValidationException)):  # nothing was created
            sim.dispatch(describe, {name_member: request[name_member]})
    sim.dispatch("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"])
    with pytest.raises(ValidationException) as refused:
        sim.dispatch("CreateEndpoint", {**VALID_REQUESTS["CreateEndpoint"], "Tags": tags})
    assert refused.value.message == reserved
    sim.dispatch("CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    with pytest.raises(ValidationException) as refused:
        sim.dispatch("AddTags", {"ResourceArn": ENDPOINT_ARN, "Tags": tags})
    assert refused.value.message == reserved
    assert sim.dispatch("ListTags", {"ResourceArn": ENDPOINT_ARN})["Tags"] == []  # none of the batch was kept
    # Only the prefix is reserved: elsewhere in a key, or in a value, aws: is the user's.
    allowed = [{"Key": "team:aws:x", "Value": "aws:value"}, {"Key": "awsome", "Value": ""}]
    sim.dispatch("AddTags", {"ResourceArn": ENDPOINT_ARN, "Tags": allowed})
    assert len(sim.dispatch("ListTags", {"ResourceArn": ENDPOINT_ARN})["Tags"]) == 2


SCALABLE_TARGET = {
    "ServiceNamespace": "sagemaker",
    "ResourceId": "endpoint/endpoint-1/variant/AllTraffic",
    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
}


@pytest.mark.parametrize(
    ("capacities", "member"),
    [({"MinCapacity": -1, "MaxCapacity": 4}, "MinCapacity"), ({"MinCapacity": -3, "MaxCapacity": -1}, "MinCapacity")],
)
def test_negative_capacities_are_refused(sim: Simulator, capacities: dict[str, int], member: str) -> None:
    sim.dispatch("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"])
    sim.dispatch("CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    with pytest.raises(ValidationException) as refused:
        sim.dispatch("RegisterScalableTarget", {**SCALABLE_TARGET, **capacities})
    assert refused.value.message == f"{member} ({capacities[member]}) cannot be negative; the lowest allowed is 0."
    assert sim.dispatch("DescribeScalableTargets", {"ServiceNamespace": "sagemaker"})["ScalableTargets"] == []
    sim.dispatch("RegisterScalableTarget", {**SCALABLE_TARGET, "MinCapacity": 0, "MaxCapacity": 4})  # 0 is allowed
    with pytest.raises(ValidationException):  # nor on an update of a registered target
        sim.dispatch("RegisterScalableTarget", {**SCALABLE_TARGET, "MaxCapacity": -2})
    (target,) = sim.dispatch("DescribeScalableTargets", {"ServiceNamespace": "sagemaker"})["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (0, 4)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nests JSON arrays or objects deeper than the container reads"),
        (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests JSON arrays or objects deeper"),
        (b'{"instances": [' + b"9" * 5000 + b"]}", "holds a JSON number too long for the container to read"),
        (b"-" + b"1" * 5000, "holds a JSON number too long for the container to read"),
    ],
    ids=["deep-list", "deep-object", "huge-instance", "huge-integer"],
)
def test_served_invocations_of_json_no_container_reads_are_a_model_error(tmp_path: Path, body: bytes, why: str) -> None:
    import boto3
    from botocore.config import Config

    from ircli.simulator.server import serve_in_thread

    served = Simulator(Store(tmp_path / "served"), speed="instant")
    served.dispatch("CreateEndpointConfig", VALID_REQUESTS["CreateEndpointConfig"])
    served.dispatch("CreateEndpoint", VALID_REQUESTS["CreateEndpoint"])
    running, thread = serve_in_thread(served)
    try:
        runtime = boto3.client(
            "sagemaker-runtime",
            endpoint_url=running.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )
        with pytest.raises(runtime.exceptions.ModelError) as refused:
            runtime.invoke_endpoint(EndpointName="endpoint-1", Body=body, ContentType="application/json")
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424
        message = refused.value.response["Error"]["Message"]
        assert message.startswith('Received client error (400) from primary with message "The request body ')
        assert why in message
        answered = runtime.invoke_endpoint(EndpointName="endpoint-1", Body=b"[1, 2]", ContentType="application/json")
        assert json.loads(answered["Body"].read())["simulated"] is True  # and the server keeps serving
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)
