"""The aws backend against a broken or hostile endpoint: a small threaded server on 127.0.0.1 answering
empty, truncated, garbled, huge, trickling and hanging responses. Nothing it says may be believed: every
such answer ends the command with 255 and "could not read the service's answer" (or a read timeout),
never a traceback, never success, within bounded time and memory.

Each server thread is bounded in time (it stops after `SERVER_SECONDS` or when the client goes away), and
listens on loopback only. Commands run with `--cli-read-timeout 1` and usually `AWS_MAX_ATTEMPTS=1`.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRunner

SERVER_SECONDS = 15.0
# Generous: the commands give up after about one second; this only catches "never".
BOUND_SECONDS = 10.0
JOB_ARN = "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/job-1"
NOW = 1767225600.0  # 2026-01-01, as the service's JSON sends timestamps

Behaviour = Callable[["Connection"], None]


class Connection:
    """One request the server received, and ways to answer it."""

    def __init__(self, sock: socket.socket, stop: threading.Event, target: str) -> None:
        self.sock = sock
        self.stop = stop
        self.target = target  # the X-Amz-Target: which operation was asked for
        self.sent = 0

    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.sent += len(data)
        return True

    def answer(self, body: bytes, *, status: str = "200 OK", length: int | None = None) -> None:
        length = len(body) if length is None else length
        head = f"HTTP/1.1 {status}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {length}\r\n"
        self.send(head.encode() + b"x-amzn-RequestId: hostile\r\nConnection: close\r\n\r\n" + body)

    def wait(self, seconds: float) -> bool:
        """False once the server is stopping."""
        return not self.stop.wait(seconds)


class Server:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[str] = []
        self.connections: list[Connection] = []
        self.stop = threading.Event()
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(SERVER_SECONDS)
                target = read_request(self.request)
                if target is None:
                    return
                server.requests.append(target)
                connection = Connection(self.request, server.stop, target)
                server.connections.append(connection)
                server.behaviour(connection)

        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.tcp.daemon_threads = True
        # A short poll: shutting the server down waits for it, once per test.
        self.thread = threading.Thread(target=self.tcp.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.tcp.server_address[1]}"

    @property
    def bytes_sent(self) -> int:
        return sum(connection.sent for connection in self.connections)


def read_request(sock: socket.socket) -> str | None:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line)
        headers = {key.lower(): value for key, value in headers.items()}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            body += chunk
    except OSError:
        return None
    return headers.get("x-amz-target", "").rpartition(".")[2]


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[Behaviour], Server]]:
    """Start a server with a behaviour; the aws backend's environment points nowhere else."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIAHOSTILETEST",
        "AWS_SECRET_ACCESS_KEY": "hostile-secret",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_RETRY_MODE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    servers: list[Server] = []

    def start(behaviour: Behaviour) -> Server:
        server = Server(behaviour)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop.set()
        server.tcp.shutdown()
        server.tcp.server_close()


def aws(server: Server, *args: str) -> list[str]:
    return ["--backend", "aws", "--endpoint-url", server.url, "--cli-read-timeout", "1", *args]


def timed(cli: CliRunner, *args: str) -> tuple[int, str, str, float]:
    started = time.monotonic()
    result = cli(*args, expect=255)
    return result.code, result.out, result.err, time.monotonic() - started


def assert_unreadable(code: int, err: str, operation: str) -> None:
    assert code == 255, err
    assert "Traceback" not in err and "unexpected error" not in err
    assert f"Could not read the service's answer to {operation}" in err


def always(body: bytes, **kwargs: object) -> Behaviour:
    def behaviour(connection: Connection) -> None:
        connection.answer(body, **kwargs)  # type: ignore[arg-type]

    return behaviour


CREATE = ["create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--job-name", "job-1"]


def test_an_empty_answer_to_create_job_is_not_a_created_job(
    hostile: Callable[[Behaviour], Server], cli: CliRunner
) -> None:
    server = hostile(always(b""))
    code, out, err, _ = timed(cli, *aws(server, *CREATE))
    assert_unreadable(code, err, "CreateInferenceRecommendationsJob")
    assert "it has no JobArn" in err and "None" not in out + err


def test_an_empty_answer_to_describe_job_is_not_an_empty_job(
    hostile: Callable[[Behaviour], Server], cli: CliRunner
) -> None:
    server = hostile(always(b"{}"))
    code, out, err, _ = timed(cli, *aws(server, "describe-job", "job-1", "--output", "json"))
    assert_unreadable(code, err, "DescribeInferenceRecommendationsJob")
    assert out == ""


def test_wait_on_an_empty_answer_ends_at_once(hostile: Callable[[Behaviour], Server], cli: CliRunner) -> None:
    server = hostile(always(b""))
    code, _, err, seconds = timed(cli, *aws(server, "wait", "job-1", "--timeout", "30", "--interval", "0.2"))
    assert_unreadable(code, err, "DescribeInferenceRecommendationsJob")
    assert seconds < BOUND_SECONDS and len(server.requests) == 1


def describe_body(status: str) -> bytes:
    return json.dumps(
        {
            "JobName": "job-1",
            "JobType": "Default",
            "JobArn": JOB_ARN,
            "RoleArn": "arn:aws:iam::123456789012:role/R",
            "Status": status,
            "CreationTime": NOW,
            "LastModifiedTime": NOW,
            "InputConfig": {"ModelName": "m"},
        }
    ).encode()


def test_an_unknown_job_status_ends_wait_with_255(hostile: Callable[[Behaviour], Server], cli: CliRunner) -> None:
    def behaviour(connection: Connection) -> None:
        steps = connection.target == "ListInferenceRecommendationsJobSteps"
        connection.answer(b'{"Steps": []}' if steps else describe_body("EXPLODED"))

    server = hostile(behaviour)
    code, _, err, seconds = timed(cli, *aws(server, "wait", "job-1", "--timeout", "30", "--interval", "0.2"))
    assert code == 255 and "'EXPLODED'" in err and "Traceback" not in err
    assert seconds < BOUND_SECONDS


@pytest.mark.parametrize(
    ("name", "body", "reason"),
    [
        ("html", b"<html><body>502 Bad Gateway</body></html>", "not a JSON object"),
        ("json list", b"[1, 2, 3]", "not a JSON object"),
        ("json string", b'"JobArn"', "not a JSON object"),
        ("json null", b"null", "not a JSON object"),
        ("unparseable", b'{"JobArn": "arn:aws:sagemaker:us-east-1:1:x", }', "not valid JSON"),
        ("unclosed", b'{"JobArn": "arn:aws', "not a JSON object"),
        ("wrong member", b'{"JobArnn": "arn"}', "it has no JobArn"),
        ("wrong type", b'{"JobArn": {"nested": 1}}', ""),
    ],
)
def test_a_garbled_answer_is_unreadable(
    hostile: Callable[[Behaviour], Server], cli: CliRunner, name: str, body: bytes, reason: str
) -> None:
    server = hostile(always(body))
    code, out, err, _ = timed(cli, *aws(server, *CREATE))
    assert_unreadable(code, err, "CreateInferenceRecommendationsJob")
    assert reason in err and "Created" not in err + out


def test_a_list_that_is_not_a_list_is_unreadable(hostile: Callable[[Behaviour], Server], cli: CliRunner) -> None:
    server = hostile(always(b'{"InferenceRecommendationsJobs": "everything"}'))
    code, _, err, _ = timed(cli, *aws(server, "list-jobs", "--output", "json"))
    assert_unreadable(code, err, "ListInferenceRecommendationsJobs")


def test_a_truncated_answer_is_unreadable(hostile: Callable[[Behaviour], Server], cli: CliRunner) -> None:
    server = hostile(always(b'{"JobArn": "' + JOB_ARN.encode(), length=4000))
    code, out, err, seconds = timed(cli, *aws(server, *CREATE))
    assert_unreadable(code, err, "CreateInferenceRecommendationsJob")
    assert "closed before the answer was complete" in err and "Created" not in out + err
    assert seconds < BOUND_SECONDS


def test_a_huge_answer_is_refused_before_it_is_read(hostile: Callable[[Behaviour], Server], cli: CliRunner) -> None:
    def behaviour(connection: Connection) -> None:
        # Advertise 100 MiB, send a few MB: the client must refuse on the header, not read it all.
        connection.answer(b'{"JobArn": "' + b"a" * 65536, length=100 * 1024 * 1024)
        for _ in range(64):
            if not connection.send(b"a" * 65536):
                return

    server = hostile(behaviour)
    code, _, err, seconds = timed(cli, *aws(server, *CREATE))
    assert_unreadable(code, err, "CreateInferenceRecommendationsJob")
    assert "104,857,600 bytes long, more than the 67,108,864 bytes ircli reads" in err
    assert seconds < BOUND_SECONDS


@pytest.mark.slow
def test_a_huge_answer_without_a_length_is_cut_at_the_bound(
    hostile: Callable[[Behaviour], Server], cli: CliRunner
) -> None:
    def behaviour(connection: Connection) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        connection.send(head)
        chunk = b"a" * (1024 * 1024)
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        for _ in range(100):  # 100 MiB at most, unless the client stops reading first
            if not connection.send(frame):
                return
        connection.send(b"0\r\n\r\n")

    server = hostile(behaviour)
    code, _, err, _ = timed(cli, *aws(server, "--cli-read-timeout", "30", *CREATE))
    assert_unreadable(code, err, "CreateInferenceRecommendationsJob")
    assert "longer than the 67,108,864 bytes ircli reads" in err
    assert server.bytes_sent < 100 * 1024 * 1024


def trickle(headers_first: bool) -> Behaviour:
    def behaviour(connection: Connection) -> None:
        data = b'{"JobArn": "' + JOB_ARN.encode() + b'"}'
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(data) + 10000}\r\n\r\n".encode()
        if headers_first:
            connection.send(head)
        else:
            data = head + data
        for byte in data + b" " * 10000:
            if not connection.wait(0.2) or not connection.send(bytes([byte])):
                return

    return behaviour


@pytest.mark.slow
@pytest.mark.parametrize("headers_first", [True, False], ids=["trickling body", "trickling status line"])
def test_a_trickling_server_is_given_up_on_within_the_deadline(
    hostile: Callable[[Behaviour], Server], cli: CliRunner, headers_first: bool
) -> None:
    server = hostile(trickle(headers_first))
    code, out, err, seconds = timed(cli, *aws(server, *CREATE))
    assert code == 255 and "Traceback" not in err and "Created" not in out + err
    assert "Read timeout" in err and "within 1 s" in err
    assert seconds < BOUND_SECONDS


@pytest.mark.slow
def test_a_hanging_server_is_a_read_timeout(hostile: Callable[[Behaviour], Server], cli: CliRunner) -> None:
    def behaviour(connection: Connection) -> None:
        connection.wait(SERVER_SECONDS)

    server = hostile(behaviour)
    code, _, err, seconds = timed(cli, *aws(server, "describe-job", "job-1"))
    assert code == 255 and "Read timeout" in err and "--cli-read-timeout" in err
    assert seconds < BOUND_SECONDS


def internal_failure(connection: Connection) -> None:
    connection.answer(b'{"__type": "InternalFailure", "message": "broken"}', status="500 Internal Server Error")


@pytest.mark.parametrize(
    ("environ", "profile", "attempts"),
    [
        ({"AWS_MAX_ATTEMPTS": "1"}, "", 1),
        ({"AWS_MAX_ATTEMPTS": "3"}, "", 3),
        ({"AWS_MAX_ATTEMPTS": None}, "max_attempts = 2\n", 2),
        ({"AWS_MAX_ATTEMPTS": None, "AWS_RETRY_MODE": "standard"}, "", 3),  # botocore's own for standard mode
        ({"AWS_MAX_ATTEMPTS": None}, "", 5),  # ircli's default when nothing is set
    ],
    ids=["env 1", "env 3", "profile 2", "mode only", "default"],
)
def test_retry_settings_from_the_environment_and_profile_are_honoured(
    hostile: Callable[[Behaviour], Server],
    cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    environ: dict[str, str | None],
    profile: str,
    attempts: int,
) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # botocore's back-off; the server does not sleep
    for name, value in environ.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n" + profile)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    server = hostile(internal_failure)
    result = cli(*aws(server, "describe-job", "job-1"), expect=254)
    assert result.code == 254 and "InternalFailure" in result.err
    assert len(server.requests) == attempts


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [("AWS_MAX_ATTEMPTS", "many", "AWS_MAX_ATTEMPTS is 'many'"), ("AWS_RETRY_MODE", "eager", "AWS_RETRY_MODE")],
)
def test_unusable_retry_settings_are_an_environment_problem(
    hostile: Callable[[Behaviour], Server],
    cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    shown: str,
) -> None:
    monkeypatch.setenv(name, value)
    server = hostile(internal_failure)
    result = cli(*aws(server, "describe-job", "job-1"), expect=253)
    assert result.code == 253 and shown in result.err and not server.requests


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "soon"])
def test_bad_timeouts_are_refused(cli: CliRunner, value: str) -> None:
    for option in ("--cli-read-timeout", "--cli-connect-timeout"):
        result = cli("--backend", "aws", option, value, "describe-job", "job-1", expect=252)
        assert result.code == 252 and f"Bad value for {option}" in result.err


@pytest.mark.slow
def test_a_zero_read_timeout_waits_for_a_slow_answer(hostile: Callable[[Behaviour], Server], cli: CliRunner) -> None:
    def behaviour(connection: Connection) -> None:
        if connection.wait(1.5):
            connection.answer(b'{"JobArn": "' + JOB_ARN.encode() + b'"}')

    server = hostile(behaviour)
    result = cli(*aws(server, "--cli-read-timeout", "0", *CREATE, "--output", "json"))
    assert result.code == 0, result.err
    assert result.json["JobArn"] == JOB_ARN


@pytest.mark.parametrize(
    ("given", "connect", "read"), [((None, None), 60, 60), ((2.5, 0), 2.5, None), ((0, 7), None, 7)]
)
def test_the_timeouts_reach_botocore(
    hostile: Callable[[Behaviour], Server],
    given: tuple[float | None, float | None],
    connect: float | None,
    read: float | None,
) -> None:
    from ircli.backends.aws import AwsBackend

    backend = AwsBackend(region="us-east-1", connect_timeout=given[0], read_timeout=given[1])
    config = backend.client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (connect, read)
    assert backend.client._endpoint.http_session.deadline == read
