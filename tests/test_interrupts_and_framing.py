"""Ctrl-C at any moment of a real process, and the served simulator under HTTP framing abuse, hundreds of
slow clients and concurrent ones: every request answered correctly or refused, and a ping still fast."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.conftest import EXAMPLES, REPO

pytestmark = pytest.mark.slow


# Moments of a run, from ircli's first import to the wait after the job was sent: each interrupt is sent by
# the process to itself when the moment comes (tests/interrupt_at.py), never after a delay.
MOMENTS = [
    "import:ircli.cli.main",  # ircli's entry point has its handler in place and is still importing
    "import:typer",  # building the command line
    "import:ircli.lib.inputs",  # reading the input document
    "import:sqlite3",  # making the backend
    "sqlite3.connect:1",  # opening the store
    "sqlite3.connect:2",
    "time.sleep:1",  # the job was sent: the first pause while waiting for it
    "time.sleep:3",
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(moment: str, tmp_path: Path) -> None:
    environ = {**os.environ, "IRCLI_HOME": str(tmp_path / "state"), "IRCLI_SIM_SPEED": "realtime"}
    job = ["create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--wait"]
    process = subprocess.run(
        [sys.executable, str(REPO / "tests" / "interrupt_at.py"), moment, *job],
        capture_output=True,
        text=True,
        env=environ,
        cwd=REPO,
        timeout=60,
    )
    err = process.stderr
    assert "never came" not in err, err
    assert process.returncode == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    if "Created arn:" in err:  # the job reached the service: say so, and how to check and stop it
        assert "Job xgboost-default is still running on the service." in err
        assert "ircli stop-job xgboost-default" in err
    else:
        assert "ircli: interrupted" in err
    if moment.startswith("time.sleep"):
        assert "Created arn:" in err, err


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running, _ = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()


def raw(server: RunningServer, data: bytes, timeout: float = 10) -> bytes:
    chunks = []
    with socket.create_connection(server.server_address, timeout=timeout) as connection:
        try:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:  # the server refused and closed before reading everything
            pass
    return b"".join(chunks)


HEAD = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: SageMaker.ListModels\r\n"
    b"Content-Type: application/x-amz-json-1.1\r\n"
)


def test_http_framing_is_the_servers_business(server: RunningServer) -> None:
    # A chunked body is read as a body, not answered as empty and then parsed as a second request.
    chunked = raw(server, HEAD + b'Transfer-Encoding: chunked\r\n\r\n11\r\n{"MaxResults": 1}\r\n0\r\n\r\n')
    assert chunked.startswith(b"HTTP/1.1 200") and chunked.count(b"HTTP/1.1") == 1
    assert len(json.loads(chunked.split(b"\r\n\r\n", 1)[1])["Models"]) == 1
    # Two Content-Lengths, or one that is not a number, are refused, not guessed at.
    for header in (
        b"Content-Length: 2\r\nContent-Length: 10\r\n",
        b"Content-Length: 1_0\r\n",
        b"Content-Length: -5\r\n",
    ):
        answer = raw(server, HEAD + header + b"\r\n{}        ")
        assert answer.startswith(b"HTTP/1.1 400"), (header, answer[:80])
    # Headers past the limit are refused (answered 431, or the connection closed before they are read).
    refused = raw(server, HEAD + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n")
    assert refused == b"" or b" 431 " in refused[:16], refused[:80]
    # The server keeps serving after all of it.
    assert raw(server, HEAD + b"Content-Length: 2\r\n\r\n{}").startswith(b"HTTP/1.1 200")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`ircli simulator serve` in a process of its own, so that the clients here do not slow it down."""
    environ = {**os.environ, "IRCLI_HOME": str(tmp_path / "own"), "IRCLI_SIM_SPEED": "instant"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    assert process.stderr is not None
    url = process.stderr.readline().split("listening on ", 1)[1].split()[0]
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(url: str) -> object:
    return boto3.client(
        "sagemaker",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, max_pool_connections=4),
    )


def test_slow_and_concurrent_clients_leave_a_ping_fast(served: str) -> None:
    host, port = served.rsplit("/", 1)[1].split(":")
    slow = []
    for _ in range(200):  # each sends half a request and then nothing
        connection = socket.create_connection((host, int(port)), timeout=10)
        connection.sendall(HEAD + b"Content-Length: 100\r\n\r\n{")
        slow.append(connection)
    errors: list[str] = []
    answered = [0]

    def busy() -> None:
        sagemaker = client(served)
        for _ in range(25):
            try:
                sagemaker.list_models()  # type: ignore[attr-defined]
                answered[0] += 1
            except Exception as exc:  # counted, not raised: the assertion says how many
                errors.append(repr(exc))

    threads = [threading.Thread(target=busy) for _ in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the busy clients are under way
    started = time.monotonic()  # a ping with the least client work: one raw request on a new connection
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(HEAD + b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
        answer = connection.recv(65536)
    ping = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 200")
    for thread in threads:
        thread.join(timeout=120)
    for connection in slow:
        connection.close()
    assert errors == [] and answered[0] == 16 * 25
    assert ping < 2.0, f"a ping took {ping:.2f} s"
