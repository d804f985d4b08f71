"""A store that never poisons itself: a job whose every benchmark fails (its utilisations are NaN) lists
like any other through boto3 over HTTP, the SDK's path, and the CLI on both backends; no stored document
holds a value SQLite's JSON functions refuse; a store written before (NaN in its plans) is repaired when
opened; and only real damage is called damaged."""

from __future__ import annotations

import functools
import itertools
import json
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from ircli.lib.catalog import catalog
from ircli.lib.rules import known_instance_types
from ircli.simulator import documents
from ircli.simulator.layouts import DOCUMENTS, SCHEMA_V4
from ircli.simulator.models import Simulator
from ircli.simulator.sagemaker import perf
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import SCHEMA_V1, SCHEMA_V2, SCHEMA_VERSION, Store
from tests.conftest import CliRunner

ROLE = "arn:aws:iam::123456789012:role/R"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# The model profiles a job can name (NearestModelName), None for the generic one.
MODELS = ("llama", "bert", "xgboost", None)
THRESHOLDS: tuple[tuple[str, int] | None, ...] = (None, ("P95", 1), ("P99", 1))
SERVERLESS_SIZES = (1024, 2048, 3072, 4096, 5120, 6144)


def _conditions(threshold: tuple[str, int] | None) -> perf.Conditions:
    return perf.Conditions(None, *threshold) if threshold else perf.Conditions()


def _options() -> Iterator[tuple[str | None, tuple[str, int] | None, dict[str, Any], str | None]]:
    """Every endpoint configuration for every model and threshold, with the failure it meets (None: it
    completes). The inputs come from the performance model; the property is about what follows."""
    instances = sorted(set(catalog()["instances"]) & known_instance_types())
    for model, threshold in itertools.product(MODELS, THRESHOLDS):
        profile = perf.profile_for({"NearestModelName": model} if model else {})
        conditions = _conditions(threshold)
        for instance in instances:
            result = perf.benchmark_instance(instance, profile, {}, conditions)
            yield model, threshold, {"InstanceType": instance}, result.failure
        for size in SERVERLESS_SIZES:
            result = perf.benchmark_serverless(size, 5, profile, {}, conditions)
            serverless = {"ServerlessConfig": {"MemorySizeInMB": size, "MaxConcurrency": 5}}
            yield model, threshold, serverless, result.failure


# Every option is computed when a test first needs them all, not when the module is collected (a second
# of CPU in each test worker); the examples below need only the first failure of each way.
options = functools.cache(lambda: list(_options()))
# The ways a benchmark fails, which the test just below checks against every option.
WAYS = ["LATENCY_THRESHOLD_NOT_MET", "OUT_OF_MEMORY", "UNSUPPORTED_INSTANCE_TYPE"]
NAMES = itertools.count()


@functools.cache
def failing() -> dict[tuple[str | None, tuple[str, int] | None], list[dict[str, Any]]]:
    found: dict[tuple[str | None, tuple[str, int] | None], list[dict[str, Any]]] = {}
    for model, threshold, endpoint, failure in options():
        if failure:
            found.setdefault((model, threshold), []).append(endpoint)
    return found


@functools.cache
def any_model_options() -> list[dict[str, Any]]:
    return [endpoint for model, threshold, endpoint, _ in options() if model is None and threshold is None]


def job_for(way: str) -> dict[str, Any]:
    """One job of each way to fail, always among the examples."""
    if way in ("fail-step", "fail-job"):
        return {
            "JobName": way,
            "JobType": "Default",
            "RoleArn": ROLE,
            "InputConfig": {"ModelName": "churn-xgboost", "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}]},
            "Tags": [{"Key": "ircli:simulate", "Value": way}],
        }
    model, threshold, endpoint = next((m, t, e) for m, t, e, f in _options() if f and f.startswith(way + " : "))
    request: dict[str, Any] = {
        "JobName": way.lower().replace("_", "-"),
        "JobType": "Default",
        "RoleArn": ROLE,
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "ContainerConfig": {"NearestModelName": model} if model else {},
            "EndpointConfigurations": [endpoint],
        },
    }
    if threshold:
        request["StoppingConditions"] = {
            "ModelLatencyThresholds": [{"Percentile": threshold[0], "ValueInMilliseconds": threshold[1]}]
        }
    return request


def test_the_ways_a_benchmark_fails_are_all_drawn_from() -> None:
    assert sorted({failure.split(" : ")[0] for *_, failure in options() if failure}) == WAYS


@st.composite
def failing_jobs(draw: st.DrawFn) -> dict[str, Any]:
    """A job whose every benchmark fails: endpoint configurations its model does not fit or cannot meet
    the latency threshold on, or the simulator's tags that fail a benchmark (the only one) or the job."""
    way = draw(st.sampled_from(("natural", "fail-step", "fail-job")))
    tags = [] if way == "natural" else [{"Key": "ircli:simulate", "Value": way}]
    if way == "natural":
        model, threshold = draw(st.sampled_from(sorted(failing(), key=repr)))
        endpoints = draw(st.lists(st.sampled_from(failing()[(model, threshold)]), min_size=1, max_size=4))
    else:
        model, threshold = None, None
        most = 1 if way == "fail-step" else 3
        endpoints = draw(st.lists(st.sampled_from(any_model_options()), min_size=1, max_size=most))
    if draw(st.booleans()) and "InstanceType" in endpoints[0]:  # several benchmarks from one configuration
        ranges = [{"Name": "OMP_NUM_THREADS", "Value": ["1", "2"]}]
        endpoints = [{**endpoints[0], "EnvironmentParameterRanges": {"CategoricalParameterRanges": ranges}}]
        if way == "fail-step":
            endpoints[0].pop("EnvironmentParameterRanges")
    container: dict[str, Any] = {"NearestModelName": model} if model else {}
    config: dict[str, Any] = {"ModelName": "churn-xgboost", "ContainerConfig": container}
    shape = draw(st.sampled_from(("default-types", "default-configurations", "advanced")))
    if shape == "default-types" and all(set(e) == {"InstanceType"} for e in endpoints):
        container["SupportedInstanceTypes"] = sorted({e["InstanceType"] for e in endpoints})
        container["SupportedEndpointType"] = "RealTime"  # unset, serverless sizes the model fits would join them
    else:
        config["EndpointConfigurations"] = endpoints
    request: dict[str, Any] = {
        "JobName": "failing",
        "JobType": "Advanced" if shape == "advanced" else "Default",
        "RoleArn": ROLE,
        "InputConfig": config,
    }
    stopping: dict[str, Any] = {}
    if threshold:
        stopping["ModelLatencyThresholds"] = [{"Percentile": threshold[0], "ValueInMilliseconds": threshold[1]}]
    if shape == "advanced":
        phases = [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}]
        config["TrafficPattern"] = {"TrafficType": "PHASES", "Phases": phases}
        stopping.setdefault("MaxInvocations", 300)
    if stopping:
        request["StoppingConditions"] = stopping
    if tags:
        request["Tags"] = tags
    return request


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Path]]:
    state = tmp_path_factory.mktemp("served") / "state"
    running, thread = serve_in_thread(Simulator(Store(state), speed="instant"))
    yield running, state
    running.shutdown()
    running.server_close()
    thread.join(timeout=5)


def sagemaker(running: RunningServer) -> Any:
    return boto3.client(
        "sagemaker",
        endpoint_url=running.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def listed_through_boto3(client: Any, page_size: int) -> list[dict[str, Any]]:
    paginator = client.get_paginator("list_inference_recommendations_jobs")
    return [
        job
        for page in paginator.paginate(PaginationConfig={"PageSize": page_size})
        for job in page["InferenceRecommendationsJobs"]
    ]


def invalid_documents(state: Path) -> int:
    connection = sqlite3.connect(state / "state.db")
    try:
        return sum(
            connection.execute(f"SELECT COUNT(*) FROM {table} WHERE NOT json_valid({column})").fetchone()[0]
            for table, column in DOCUMENTS
        )
    finally:
        connection.close()


def every_way(test: Any) -> Any:
    for way in (*WAYS, "fail-step", "fail-job"):
        test = example(job=job_for(way), page_size=1)(test)
    return test


# The fast lane runs each way of failing once (the explicit examples); the slow lane below adds 60 drawn jobs.
@every_way
@settings(
    phases=[Phase.explicit],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(job=failing_jobs(), page_size=st.integers(1, 3))
def test_jobs_whose_benchmarks_all_fail_list_through_boto3_and_the_cli(
    served: tuple[RunningServer, Path], cli: CliRunner, job: dict[str, Any], page_size: int
) -> None:
    lists_through_boto3_and_the_cli(served, cli, job, page_size)


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(job=failing_jobs(), page_size=st.integers(1, 3))
def test_jobs_whose_benchmarks_all_fail_list_through_boto3_and_the_cli_at_length(
    served: tuple[RunningServer, Path], cli: CliRunner, job: dict[str, Any], page_size: int
) -> None:
    lists_through_boto3_and_the_cli(served, cli, job, page_size)


def lists_through_boto3_and_the_cli(
    served: tuple[RunningServer, Path], cli: CliRunner, job: dict[str, Any], page_size: int
) -> None:
    job = {**job, "JobName": f"{job['JobName']}-{next(NAMES)}"}  # examples run again in every test
    running, state = served
    client = sagemaker(running)
    client.create_inference_recommendations_job(**job)
    name = job["JobName"]
    described = client.describe_inference_recommendations_job(JobName=name)
    assert described["Status"] == "FAILED" and described["FailureReason"], described.get("FailureReason")
    assert "InferenceRecommendations" not in described
    steps = client.list_inference_recommendations_job_steps(JobName=name)["Steps"]
    assert steps and {step["Status"] for step in steps} == {"FAILED"}, [step["Status"] for step in steps]
    assert invalid_documents(state) == 0  # nothing SQLite's JSON functions refuse was stored

    listed = {item["JobName"]: item for item in listed_through_boto3(client, page_size)}
    assert listed[name]["Status"] == "FAILED" and listed[name]["FailureReason"] == described["FailureReason"]

    local = cli("--state-dir", str(state), "list-jobs", "--output", "json")
    assert local.code == 0, local.err
    assert {item["JobName"] for item in local.json["InferenceRecommendationsJobs"]} == set(listed)
    remote = ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", running.url]
    over_http = cli(*remote, "list-jobs", "--status-equals", "FAILED", "--output", "json", environ=CREDENTIALS)
    assert over_http.code == 0, over_http.err
    assert name in {item["JobName"] for item in over_http.json["InferenceRecommendationsJobs"]}
    table = cli("--state-dir", str(state), "list-jobs", "--output", "table", width=200)
    assert table.code == 0 and name in table.out, table.err


# -- the store's codec ---------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def same(left: Any, right: Any) -> bool:
    """Equal, NaN equal to NaN."""
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right


@settings(max_examples=50, deadline=None)
@given(JSON_VALUES)
def test_every_document_is_json_sqlite_reads_and_reads_back_as_written(value: Any) -> None:
    reads_back_as_written(value)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_every_document_is_json_sqlite_reads_and_reads_back_as_written_at_length(value: Any) -> None:
    reads_back_as_written(value)


def reads_back_as_written(value: Any) -> None:
    text = documents.dumps(value)
    connection = sqlite3.connect(":memory:")
    try:
        assert connection.execute("SELECT json_valid(?)", (text,)).fetchone()[0] == 1, text
    finally:
        connection.close()
    assert same(documents.loads(text), value), (value, text)


# -- a store written before: NaN in its plans ------------------------------------------------------------


def old_store(state: Path, rows: list[tuple[str, dict[str, Any], dict[str, Any], bool]]) -> None:
    """A state file at layout 2, as ircli wrote it before: each plan through Python's json, NaN and all."""
    state.mkdir(mode=0o700)
    connection = sqlite3.connect(state / "state.db")
    connection.executescript(SCHEMA_V1 + SCHEMA_V2)
    for name, request, plan, failed in rows:
        connection.execute(
            "INSERT INTO jobs (name, created, pending_until, ends_at, failed, stopping_seconds, job_type, request,"
            " plan, model_name) VALUES (?, 0, 0, 0, ?, 0, ?, ?, ?, ?)",
            (name, int(failed), request["JobType"], json.dumps(request), json.dumps(plan), "churn-xgboost"),
        )
    connection.execute("PRAGMA user_version=2")
    connection.commit()
    connection.close()


def planned(request: dict[str, Any]) -> dict[str, Any]:
    from ircli.simulator.sagemaker.plans import make_plan

    return make_plan(request, None, 0.0, lambda name: {})


def job_request(name: str, **input_config: Any) -> dict[str, Any]:
    return {
        "JobName": name,
        "JobType": "Default",
        "RoleArn": ROLE,
        "InputConfig": {"ModelName": "churn-xgboost", **input_config},
    }


def test_a_store_that_already_holds_nan_lists_after_its_migration(cli: CliRunner, tmp_path: Path) -> None:
    failed = job_request(
        "llm-on-cpu", ContainerConfig={"NearestModelName": "llama", "SupportedInstanceTypes": ["ml.c5.xlarge"]}
    )
    serverless = job_request(
        "serverless", EndpointConfigurations=[{"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}]
    )
    state = tmp_path / "old"
    failed_plan, serverless_plan = planned(failed), planned(serverless)
    assert "NaN" in json.dumps(failed_plan) and "NaN" in json.dumps(serverless_plan)
    old_store(state, [("llm-on-cpu", failed, failed_plan, True), ("serverless", serverless, serverless_plan, False)])
    assert invalid_documents(state) == 2

    listed = cli("--state-dir", str(state), "list-jobs", "--output", "json")
    assert listed.code == 0, listed.err
    jobs = {job["JobName"]: job for job in listed.json["InferenceRecommendationsJobs"]}
    assert jobs["llm-on-cpu"]["Status"] == "FAILED"
    assert jobs["llm-on-cpu"]["FailureReason"].startswith("BENCHMARKS_FAILED : No benchmark completed. 1. ")
    assert jobs["serverless"]["Status"] == "COMPLETED"
    assert invalid_documents(state) == 0
    connection = sqlite3.connect(state / "state.db")
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    connection.close()
    # What the API answers is unchanged: a utilisation that is not a number is the service's "NaN".
    described = cli("--state-dir", str(state), "describe-job", "serverless", "--output", "json")
    assert described.code == 0, described.err
    metrics = described.json["InferenceRecommendations"][0]["Metrics"]
    assert metrics["CpuUtilization"] == "NaN" and metrics["MemoryUtilization"] == "NaN"


def test_a_record_that_is_not_json_at_all_is_damage(cli: CliRunner, tmp_path: Path) -> None:
    state = tmp_path / "old"
    request = job_request("broken")
    old_store(state, [("broken", request, planned(request), False)])
    connection = sqlite3.connect(state / "state.db")
    connection.execute("UPDATE jobs SET plan = '{\"steps\": [' WHERE name = 'broken'")
    connection.commit()
    connection.close()
    refused = cli("--state-dir", str(state), "list-jobs", expect=253)
    assert refused.code == 253, refused.err
    assert "damaged or not ircli's (a jobs record holds plan that is not JSON)" in refused.err
    assert "ircli simulator reset --yes" in refused.err


# -- "damaged" only for real damage ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql", ["SELECT json_extract('{\"a\": NaN}', '$.a')", "SELECT no_such_column FROM jobs", "SELEC 1"]
)
def test_a_fault_in_ircli_s_own_sql_is_unexpected_never_damage(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    from ircli.simulator.sagemaker.jobs import Jobs

    def faulty(self: Jobs, request: dict[str, Any]) -> dict[str, Any]:
        self.store.read().execute(sql).fetchall()
        return {"InferenceRecommendationsJobs": []}

    assert cli("list-jobs").code == 0  # the store exists and is sound
    monkeypatch.setattr(Jobs, "list_jobs", faulty)
    result = cli("list-jobs", expect=255)
    assert result.code == 255, result.err
    assert "unexpected error" in result.err and "OperationalError" in result.err
    assert "damaged" not in result.err and "simulator reset" not in result.err


def test_tables_of_the_same_names_that_are_not_ircli_s_are_damage(cli: CliRunner, tmp_path: Path) -> None:
    state = tmp_path / "foreign"
    state.mkdir(mode=0o700)
    connection = sqlite3.connect(state / "state.db")
    connection.executescript(SCHEMA_V1 + SCHEMA_V2 + SCHEMA_V4)
    connection.execute("ALTER TABLE endpoints RENAME COLUMN body TO something")
    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    connection.commit()
    connection.close()
    refused = cli("--state-dir", str(state), "list-endpoints", expect=253)
    assert refused.code == 253, refused.err
    assert "its tables lack endpoints.body" in refused.err and "ircli simulator reset --yes" in refused.err
