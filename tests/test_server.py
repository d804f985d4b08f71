"""`ircli simulator serve` over HTTP on loopback, driven by real boto3 with botocore parsing every answer."""

from __future__ import annotations

import copy
import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ircli.simulator.models import Simulator
from ircli.simulator.protocols import MAX_INVOCATION_BODY_BYTES
from ircli.simulator.server import MAX_BODY_BYTES, RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.conftest import CliRunner
from tests.valid_requests import VALID_REQUESTS


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()
    running.server_close()
    thread.join(timeout=5)


def url(server: RunningServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


@pytest.fixture
def client(server: RunningServer) -> Any:
    return boto3.client(
        "sagemaker",
        endpoint_url=url(server),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def test_every_operation_over_http(client: Any) -> None:
    requests = copy.deepcopy(VALID_REQUESTS)
    arn = client.create_inference_recommendations_job(**requests["CreateInferenceRecommendationsJob"])["JobArn"]
    assert arn.endswith(":inference-recommendations-job/job-1")
    job = client.describe_inference_recommendations_job(JobName="job-1")
    assert job["Status"] == "COMPLETED"
    assert job["CreationTime"].tzinfo is not None
    assert client.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"][0]["JobName"] == "job-1"
    steps = client.list_inference_recommendations_job_steps(JobName="job-1")["Steps"]
    assert len(steps) == 2  # MaxNumberOfTests caps three combinations at two
    serverless_job = {
        "JobName": "serverless",
        "JobType": "Default",
        "RoleArn": requests["CreateInferenceRecommendationsJob"]["RoleArn"],
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "EndpointConfigurations": [{"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}],
        },
    }
    client.create_inference_recommendations_job(**serverless_job)
    serverless = client.describe_inference_recommendations_job(JobName="serverless")["InferenceRecommendations"][0]
    assert serverless["Metrics"]["CpuUtilization"] == "NaN"  # botocore hands NaN to Python as the service's string
    instance = job["InferenceRecommendations"][0]
    scaling = client.get_scaling_configuration_recommendation(
        InferenceRecommendationsJobName="job-1", RecommendationId=instance["RecommendationId"]
    )
    assert scaling["DynamicScalingConfiguration"]["MinCapacity"] >= 1
    client.create_endpoint_config(**requests["CreateEndpointConfig"])
    assert (
        client.describe_endpoint_config(EndpointConfigName="config-1")["ProductionVariants"][1]["ServerlessConfig"][
            "ProvisionedConcurrency"
        ]
        == 2
    )
    client.create_endpoint(**requests["CreateEndpoint"])
    client.update_endpoint_weights_and_capacities(**requests["UpdateEndpointWeightsAndCapacities"])
    endpoint = client.describe_endpoint(EndpointName="endpoint-1")
    assert endpoint["ProductionVariants"][1]["CurrentServerlessConfig"]["ProvisionedConcurrency"] == 4
    client.create_inference_recommendations_job(**dict(requests["CreateInferenceRecommendationsJob"], JobName="job-2"))
    with pytest.raises(ClientError) as raised:
        client.stop_inference_recommendations_job(JobName="job-2")
    assert raised.value.response["Error"]["Code"] == "ValidationException"  # instant jobs are already COMPLETED
    client.delete_endpoint(EndpointName="endpoint-1")
    client.delete_endpoint_config(EndpointConfigName="config-1")


def test_errors_carry_the_services_codes(client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        client.describe_inference_recommendations_job(JobName="missing")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFound"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    client.create_inference_recommendations_job(**VALID_REQUESTS["CreateInferenceRecommendationsJob"])
    with pytest.raises(ClientError) as raised:
        client.create_inference_recommendations_job(**VALID_REQUESTS["CreateInferenceRecommendationsJob"])
    assert raised.value.response["Error"]["Code"] == "ResourceInUse"
    bad = dict(VALID_REQUESTS["CreateInferenceRecommendationsJob"], JobName="job-3", JobType="Sometimes")
    with pytest.raises(ClientError) as raised:
        client.create_inference_recommendations_job(**bad)
    assert raised.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value 'Sometimes' at 'jobType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Default, Advanced]"
    )


def _raw(
    server: RunningServer, body: bytes, headers: dict[str, str], method: str = "POST"
) -> tuple[int, dict[str, Any]]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.request(method, "/", body=body, headers=headers)
    response = connection.getresponse()
    payload = json.loads(response.read() or b"{}")
    connection.close()
    return response.status, payload


TARGET = {"X-Amz-Target": "SageMaker.DescribeInferenceRecommendationsJob", "Content-Type": "application/x-amz-json-1.1"}


def test_malformed_requests_get_error_responses_and_the_server_keeps_serving(server: RunningServer) -> None:
    assert _raw(server, b"{not json", TARGET) == (
        400,
        {"__type": "SerializationException", "message": "The request body is not valid JSON."},
    )
    assert _raw(server, b"[1, 2]", TARGET)[1]["__type"] == "SerializationException"
    assert (
        _raw(server, b"{}", {"Content-Type": "application/x-amz-json-1.1"})[1]["__type"] == "UnknownOperationException"
    )
    unknown = dict(TARGET, **{"X-Amz-Target": "SageMaker.CreateTrainingJob"})
    assert _raw(server, b"{}", unknown)[1]["__type"] == "UnknownOperationException"
    # A body larger than any request may be is refused from its Content-Length, before any of it is read.
    with socket.create_connection(server.server_address[:2], timeout=10) as raw:
        raw.sendall(
            b"POST / HTTP/1.1\r\nX-Amz-Target: SageMaker.DescribeEndpoint\r\n"
            + f"Content-Length: {MAX_INVOCATION_BODY_BYTES * 2}\r\n\r\n".encode()
            + b"x" * 1000
        )
        reply = raw.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 413")
    # A JSON request over the JSON limit gets the service's error shape.
    status, payload = _raw(server, b" " * (MAX_BODY_BYTES + 1), TARGET)
    assert status == 413 and payload["__type"] == "SerializationException"
    assert _raw(server, b"", TARGET, method="GET")[0] == 405
    assert _raw(server, b'{"JobName": "missing"}', TARGET) == (
        400,
        {"__type": "ResourceNotFound", "message": "Inference recommendations job missing does not exist."},
    )


def test_a_slow_client_does_not_block_others(server: RunningServer, client: Any) -> None:
    host, port = server.server_address[:2]
    slow = socket.create_connection((str(host), int(port)))
    slow.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")  # and then nothing
    started = time.monotonic()
    assert client.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"] == []
    assert time.monotonic() - started < 5
    slow.close()


def test_the_server_says_how_fast_its_time_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ircli.backends.aws import AwsBackend

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    running, thread = serve_in_thread(Simulator(Store(tmp_path / "fast"), speed="60"))
    try:
        backend = AwsBackend(region="us-east-1", endpoint_url=url(running))
        assert backend.time_scale == 1.0  # the service's own time until told otherwise
        backend.call("ListInferenceRecommendationsJobs", {})
        assert backend.time_scale == 1 / 60
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)


# served simulator: its own names only, no other site's pages, and an optional key (issue 18)


def _request(
    server: RunningServer, headers: dict[str, str], body: bytes = b"{}", path: str = "/"
) -> tuple[int, dict[str, Any], dict[str, str]]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    payload = json.loads(response.read() or b"{}")
    connection.close()
    return response.status, payload, {key.lower(): value for key, value in response.getheaders()}


CREATE_MODEL = {"X-Amz-Target": "SageMaker.CreateModel", "Content-Type": "application/x-amz-json-1.1"}


def _model(name: str) -> dict[str, Any]:
    return {
        "ModelName": name,
        "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"},
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/R",
    }


def _model_request(name: str) -> bytes:
    return json.dumps(_model(name)).encode()


def test_a_web_page_under_another_name_cannot_drive_the_server(server: RunningServer, client: Any) -> None:
    port = server.server_address[1]
    for host in (f"rebind.test:{port}", "evil", "rebind.test", "localhost.evil.example", f"127.0.0.1.nip.io:{port}"):
        status, payload, _ = _request(server, {**CREATE_MODEL, "Host": host}, _model_request("rebound"))
        assert status == 403, host
        assert payload["__type"] == "AccessDeniedException"
        assert repr(host) in payload["message"] and "not one of this simulator's names" in payload["message"]
    # A listing (a read) is refused as well: nothing is read for the page.
    listing = {"X-Amz-Target": "SageMaker.ListInferenceRecommendationsJobs", "Host": f"rebind.test:{port}"}
    assert _request(server, {**listing, "Content-Type": "application/x-amz-json-1.1"})[0] == 403
    # The runtime's REST protocol refuses in its own error shape.
    status, payload, headers = _request(
        server, {"Host": f"rebind.test:{port}", "Content-Type": "application/json"}, b"{}", "/endpoints/e/invocations"
    )
    assert status == 403 and headers["x-amzn-errortype"] == "AccessDeniedException" and "Host" in payload["message"]
    assert client.list_models(NameContains="rebound")["Models"] == []  # nothing ran


def test_the_servers_own_names_are_answered_with_or_without_the_port(server: RunningServer) -> None:
    port = server.server_address[1]
    for number, host in enumerate(["127.0.0.1", f"127.0.0.1:{port}", "localhost", f"LOCALHOST:{port}", "[::1]"]):
        status, payload, _ = _request(server, {**CREATE_MODEL, "Host": host}, _model_request(f"own-{number}"))
        assert status == 200, (host, payload)
    assert _request(server, {**CREATE_MODEL, "Host": "127.0.0.1:1"}, _model_request("other-port"))[0] == 403


def test_another_sites_origin_is_refused_and_loopback_origins_are_not(server: RunningServer, client: Any) -> None:
    port = server.server_address[1]
    own = {**CREATE_MODEL, "Host": f"127.0.0.1:{port}"}
    for origin in ("http://evil.example", "null", f"http://rebind.test:{port}", "https://127.0.0.1.evil.example"):
        status, payload, _ = _request(server, {**own, "Origin": origin}, _model_request("from-a-page"))
        assert status == 403 and payload["__type"] == "AccessDeniedException", origin
        assert "Origin" in payload["message"] and repr(origin) in payload["message"]
    assert client.list_models(NameContains="from-a-page")["Models"] == []
    for number, origin in enumerate([f"http://127.0.0.1:{port}", "http://localhost:3000", "http://[::1]:8080"]):
        status, payload, _ = _request(server, {**own, "Origin": origin}, _model_request(f"local-page-{number}"))
        assert status == 200, (origin, payload)


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[RunningServer]:
    running, thread = serve_in_thread(
        Simulator(Store(tmp_path / "keyed"), speed="instant"), access_key_id="AKIAOURSHAREDKEY"
    )
    yield running
    running.shutdown()
    thread.join(timeout=5)


def _client(server: RunningServer, key_id: str, secret: str = "testing", service: str = "sagemaker") -> Any:
    return boto3.client(
        service,
        endpoint_url=url(server),
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}),
    )


def test_required_credentials_answer_only_their_key_id(keyed: RunningServer) -> None:
    assert _client(keyed, "AKIAOURSHAREDKEY").list_models()["Models"]
    for key_id in ("AKIAOTHERUSERSKEY", "AKIAOURSHAREDKE", "akiaoursharedkey"):
        with pytest.raises(ClientError) as raised:
            _client(keyed, key_id).create_model(**_model("intruder"))
        error = raised.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert error["Error"] == {
            "Code": "UnrecognizedClientException",
            "Message": "The security token included in the request is invalid.",
        }
    assert _client(keyed, "AKIAOURSHAREDKEY").list_models(NameContains="intruder")["Models"] == []
    # An unsigned request is refused as the service refuses one.
    status, payload, _ = _request(keyed, CREATE_MODEL, _model_request("unsigned"))
    assert (status, payload["__type"]) == (403, "MissingAuthenticationTokenException")


def test_with_the_secret_too_the_signature_itself_is_verified(tmp_path: Path) -> None:
    running, thread = serve_in_thread(
        Simulator(Store(tmp_path / "signed"), speed="instant"),
        access_key_id="AKIAOURSHAREDKEY",
        secret_access_key="our-shared-secret",
    )
    try:
        sagemaker = _client(running, "AKIAOURSHAREDKEY", "our-shared-secret")
        sagemaker.create_endpoint_config(**copy.deepcopy(VALID_REQUESTS["CreateEndpointConfig"]))
        endpoint = VALID_REQUESTS["CreateEndpoint"]
        sagemaker.create_endpoint(**copy.deepcopy(endpoint))
        # Every protocol signs its own way (the runtime's path, JSON 1.1's target): each one verifies.
        runtime = _client(running, "AKIAOURSHAREDKEY", "our-shared-secret", "sagemaker-runtime")
        sagemaker.get_waiter("endpoint_in_service").wait(
            EndpointName=endpoint["EndpointName"], WaiterConfig={"Delay": 0.1, "MaxAttempts": 50}
        )
        answer = runtime.invoke_endpoint(EndpointName=endpoint["EndpointName"], Body=b"1,2,3", ContentType="text/csv")
        assert answer["Body"].read()
        scaling = _client(running, "AKIAOURSHAREDKEY", "our-shared-secret", "application-autoscaling")
        assert scaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"] == []
        with pytest.raises(ClientError) as raised:
            _client(running, "AKIAOURSHAREDKEY", "a-guessed-secret").list_models()
        assert raised.value.response["Error"]["Code"] == "InvalidSignatureException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    finally:
        running.shutdown()
        thread.join(timeout=5)


def _serve(tmp_path: Path, *args: str, environ: dict[str, str] | None = None) -> tuple[Any, str, str]:
    import os
    import subprocess
    import sys

    environ = {**os.environ, "IRCLI_HOME": str(tmp_path / "own"), "IRCLI_SIM_SPEED": "instant", **(environ or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    assert process.stderr is not None
    first = process.stderr.readline()
    served = first.split("listening on ", 1)[1].split()[0]
    notes = "".join(process.stderr.readline() for _ in range(4))
    return process, served, notes


def _served_client(served: str, key_id: str, secret: str = "testing") -> Any:
    return boto3.client(
        "sagemaker",
        endpoint_url=served,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.mark.slow
def test_simulator_serve_requires_the_key_it_is_given(tmp_path: Path, cli: CliRunner) -> None:
    help_text = " ".join(cli("simulator", "serve", "--help").out.split())
    assert "Anyone who can reach the port can use the simulator" in help_text and "--require-credentials" in help_text
    process, served, notes = _serve(tmp_path, "--require-credentials", "AKIAOURSHAREDKEY")
    try:
        assert "Only requests signed with that key id are answered" in notes
        assert _served_client(served, "AKIAOURSHAREDKEY").list_models()["Models"]
        with pytest.raises(ClientError) as raised:
            _served_client(served, "AKIAOTHERUSERSKEY").list_models()
        assert raised.value.response["Error"]["Code"] == "UnrecognizedClientException"
        # A page that rebinds a name to the port is refused even with the key.
        host, port = served.rsplit("/", 1)[1].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("POST", "/", body=b"{}", headers={**CREATE_MODEL, "Host": f"rebind.test:{port}"})
        assert connection.getresponse().status == 403
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_simulator_serve_verifies_signatures_with_the_secret_from_the_environment(
    tmp_path: Path, cli: CliRunner
) -> None:
    keys = {"IRCLI_SIM_ACCESS_KEY_ID": "AKIAOURSHAREDKEY", "IRCLI_SIM_SECRET_ACCESS_KEY": "our-shared-secret"}
    process, served, notes = _serve(tmp_path, environ=keys)
    try:
        assert "Only requests signed with its secret are answered" in notes
        assert _served_client(served, "AKIAOURSHAREDKEY", "our-shared-secret").list_models()["Models"]
        with pytest.raises(ClientError) as raised:
            _served_client(served, "AKIAOURSHAREDKEY", "guessed").list_models()
        assert raised.value.response["Error"]["Code"] == "InvalidSignatureException"
        # ircli's own aws backend signs as boto3 does.
        environ = {"AWS_ACCESS_KEY_ID": "AKIAOURSHAREDKEY", "AWS_SECRET_ACCESS_KEY": "our-shared-secret"}
        result = cli(
            "--backend", "aws", "--region", "us-east-1", "--endpoint-url", served, "list-jobs", environ=environ
        )
        assert result.code == 0, result.err
        environ["AWS_SECRET_ACCESS_KEY"] = "guessed-secret"
        result = cli(
            "--backend",
            "aws",
            "--region",
            "us-east-1",
            "--endpoint-url",
            served,
            "list-jobs",
            environ=environ,
            expect=254,
        )
        assert result.code == 254 and "InvalidSignatureException" in result.err
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_names_a_server_answers_to_follow_its_address() -> None:
    from ircli.simulator.access import Access

    def answers(access: Access, host: str, origin: str | None = None) -> bool:
        environ = {"HTTP_HOST": host, **({"HTTP_ORIGIN": origin} if origin is not None else {})}
        return access.refusal(environ) is None

    loopback = Access.listening("127.0.0.1", 8787)
    assert all(answers(loopback, host) for host in ("127.0.0.1:8787", "localhost", "[::1]:8787", "[::1]"))
    assert not any(answers(loopback, host) for host in ("192.168.1.5:8787", "devbox:8787", "[::1]:8788", ""))
    named = Access.listening("devbox.lan", 8787)
    assert answers(named, "DEVBOX.LAN:8787") and answers(named, "localhost:8787")
    assert not answers(named, "devbox.lan.evil.example:8787")
    v6 = Access.listening("::1", 9000)
    assert answers(v6, "[::1]:9000") and not answers(v6, "::1")
    # Bound to every address: any address of the machine names it (a rebinding page's Host is a name, never
    # an address); other names still do not.
    everywhere = Access.listening("0.0.0.0", 8787)
    assert answers(everywhere, "192.168.1.5:8787") and answers(everywhere, "[fe80::1]:8787")
    assert not answers(everywhere, "rebind.test:8787") and not answers(everywhere, "192.168.1.5:9999")
    assert not answers(loopback, "127.0.0.1:8787", "http://192.168.1.5:8787")


@pytest.mark.parametrize(
    ("args", "environ", "message"),
    [
        (["--require-credentials", ""], {}, "--require-credentials must be an access key id"),
        (["--require-credentials", "AKIA/X"], {}, "must be an access key id"),
        ([], {"IRCLI_SIM_ACCESS_KEY_ID": "two words"}, "IRCLI_SIM_ACCESS_KEY_ID must be an access key id"),
        ([], {"IRCLI_SIM_SECRET_ACCESS_KEY": "a-lonely-secret"}, "without an access key id"),
    ],
)
def test_simulator_serve_refuses_unusable_credentials(
    cli: CliRunner, args: list[str], environ: dict[str, str], message: str
) -> None:
    result = cli("simulator", "serve", "--port", "0", *args, environ=environ, expect=252)
    assert result.code == 252 and message in result.err
    assert "a-lonely-secret" not in result.err


def test_shutdown_ends_the_servers_loop_at_once(tmp_path: Path) -> None:
    from ircli.simulator.server import RunningServer

    # A loop that polls only every 30 s: it ends at once only if shutdown wakes it.
    running = RunningServer(Simulator(Store(tmp_path / "s"), speed="instant"), asyncore_loop_timeout=30).start()
    client = boto3.client(
        "sagemaker", endpoint_url=running.url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    assert client.list_models()["Models"]
    running.shutdown()
    assert running._thread is not None and not running._thread.is_alive()
    assert running.server._map == {}


def test_shutdown_twice_or_after_the_trigger_closed_never_fails(tmp_path: Path) -> None:
    # Under load the loop's thread may close the trigger before a second shutdown comes (a test's own call
    # and its fixture's): writing to the closed trigger failed with "Bad file descriptor".
    from ircli.simulator.server import RunningServer

    running = RunningServer(Simulator(Store(tmp_path / "s"), speed="instant"), asyncore_loop_timeout=0.05).start()
    running.server.trigger.close()
    running.shutdown()


def test_shutdown_survives_the_loop_running_its_thunk_before_the_wake_up(tmp_path: Path) -> None:
    """waitress queues a trigger's thunk, then writes the wake-up byte; a loop already awake (an answer's write
    pulls the trigger too) may run the thunk, which closes the trigger, in between: the write then meets a
    closed pipe. Seen on a loaded machine; here the interleaving is made to happen."""
    running = RunningServer(Simulator(Store(tmp_path / "s"), speed="instant"), asyncore_loop_timeout=30).start()
    assert boto3.client(
        "sagemaker", endpoint_url=running.url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    ).list_models()["Models"]
    trigger = running.server.trigger
    write = trigger._physical_pull

    def after_the_loop_ran_the_thunk() -> None:
        write()  # the loop wakes and runs the queued thunk, closing every channel and the trigger
        assert running._thread is not None
        running._thread.join(timeout=5)
        write()  # the shutdown's own wake-up, now on a closed pipe

    trigger._physical_pull = after_the_loop_ran_the_thunk
    running.shutdown()
    assert running._thread is not None and not running._thread.is_alive()
    assert running.server._map == {}
