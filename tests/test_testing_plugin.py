"""The pytest plugin (`ircli_mock`, `ircli_server`, `ircli_speed`, the running-job check) run on small test
files by pytester, `serve_ircli`, and the served simulator's health check."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer
from ircli.simulator.store import Store
from ircli.testing import serve_ircli

pytest_plugins = ["pytester"]

JOB = """
JOB = dict(
    JobName="job-a", JobType="Default", RoleArn="arn:aws:iam::123456789012:role/R",
    InputConfig={"ModelName": "churn-xgboost"},
)
"""


def get(url_port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", url_port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_health_check_names_every_service_the_version_and_the_speed() -> None:
    with serve_ircli(speed="instant") as served:
        status, body = get(served.port, "/_ircli/health")
        refused, _ = get(served.port, "/_ircli/health", {"Host": f"rebind.test:{served.port}"})
    document = json.loads(body)
    assert status == 200 and refused == 403
    assert document["services"] == {service.value: "running" for service in Simulator.SERVICES}
    assert document["version"] == "0.1.0" and document["speed"] == "instant" and document["timeScale"] == 0.0


def test_the_health_check_needs_no_key_where_every_request_must_be_signed(tmp_path: Path) -> None:
    server = RunningServer(Simulator(Store(tmp_path / "s")), access_key_id="AKIDREQUIRED").start()
    try:
        health, _ = get(server.server_address[1], "/_ircli/health")
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "SageMaker.ListModels"})
        unsigned = connection.getresponse().status
        connection.close()
    finally:
        server.shutdown()
    assert (health, unsigned) == (200, 403)


def test_serve_ircli_answers_boto3_on_its_url_and_removes_its_state_after() -> None:
    with serve_ircli() as served:
        client = boto3.client(
            "sagemaker",
            endpoint_url=served.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_inference_recommendations_job(
            JobName="served-1",
            JobType="Default",
            RoleArn="arn:aws:iam::123456789012:role/R",
            InputConfig={"ModelName": "churn-xgboost"},
        )
        assert client.describe_inference_recommendations_job(JobName="served-1")["Status"] == "COMPLETED"
        state = served.state_dir
        assert served.variables()["AWS_ENDPOINT_URL"] == served.url
    assert not state.exists()


@pytest.mark.slow  # a pytest session inside this one: a few seconds
def test_the_fixtures_and_the_speed_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        JOB
        + """
import boto3, os, pytest

def test_in_process(ircli_mock):
    sm = boto3.client("sagemaker")
    sm.create_inference_recommendations_job(**JOB)
    assert sm.describe_inference_recommendations_job(JobName="job-a")["Status"] == "COMPLETED"

def test_served(ircli_server):
    assert os.environ["AWS_ENDPOINT_URL"] == ircli_server.url
    sm = boto3.client("sagemaker")
    sm.create_inference_recommendations_job(**JOB)
    assert sm.describe_inference_recommendations_job(JobName="job-a")["Status"] == "COMPLETED"

@pytest.mark.ircli_speed("default")
def test_stepped(ircli_mock):
    sm = boto3.client("sagemaker")
    sm.create_inference_recommendations_job(**JOB)
    assert sm.describe_inference_recommendations_job(JobName="job-a")["Status"] == "PENDING"
    ircli_mock.advance(3600)
    assert sm.describe_inference_recommendations_job(JobName="job-a")["Status"] == "COMPLETED"

def test_the_endpoint_variable_is_gone_after_the_served_test():
    assert "AWS_ENDPOINT_URL" not in os.environ
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=4)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["ircli_mock", "ircli_server"])
def test_a_test_that_leaves_a_job_running_errors_at_its_teardown(pytester: pytest.Pytester, fixture: str) -> None:
    pytester.makepyfile(
        JOB
        + f"""
import boto3, pytest

@pytest.mark.ircli_speed("realtime")
def test_leaves_it_running({fixture}):
    boto3.client("sagemaker").create_inference_recommendations_job(**JOB)

@pytest.mark.ircli_speed("realtime")
def test_fails_itself({fixture}):
    boto3.client("sagemaker").create_inference_recommendations_job(**JOB)
    assert False, "its own failure"
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1, errors=1)  # the failed test gets no second report
    result.stdout.fnmatch_lines(["*test_leaves_it_running left recommendation job(s) running*: job-a.*"])


@pytest.mark.slow
def test_the_running_job_check_warns_when_the_ini_says_so(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nircli_running_jobs = warn\n")
    pytester.makepyfile(
        JOB
        + """
import boto3, pytest

@pytest.mark.ircli_speed("realtime")
def test_leaves_it_running(ircli_mock):
    boto3.client("sagemaker").create_inference_recommendations_job(**JOB)
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*RunningJobWarning*job-a*"])


@pytest.mark.slow
def test_loading_the_plugin_imports_neither_botocore_nor_the_simulator() -> None:
    code = (
        "import sys, ircli.testing.plugin; "
        "print(sorted(m for m in sys.modules if m.startswith(('botocore', 'boto3', 'ircli.simulator', 'moto'))))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_served_simulator_closes_its_trigger_only_after_its_loop_has_ended(tmp_path: Path) -> None:
    """A byte already in the trigger's pipe may wake the loop before shutdown's own write: were the pipe
    closed on the loop's thread, that write would fail (EBADF, or land in a file that reused the number)."""
    import threading

    server = RunningServer(Simulator(Store(tmp_path / "s"))).start()
    get(server.server_address[1], "/_ircli/health")
    trigger = server.server.trigger
    closed_on: list[str] = []
    close = trigger._close

    def recording_close() -> None:
        closed_on.append(threading.current_thread().name)
        close()

    trigger._close = recording_close
    server.shutdown()
    assert closed_on == [threading.current_thread().name]
    assert server._thread is not None and not server._thread.is_alive()
