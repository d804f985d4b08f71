"""Hardening: what fast paths import, a corpus of hostile inputs, the store under concurrent processes and
SIGKILL, and the server under malformed and slow clients."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, REPO, CliRunner, run_process

# decimal: 12 ms of start-up that a json answer does not need.
HEAVY = ("boto3", "botocore", "questionary", "jsonschema", "prompt_toolkit", "jinja2", "markupsafe", "decimal")

PROBE = f"""
import io, sys, contextlib
from ircli.cli.main import run
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = run(sys.argv[1:])
print(code, sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))
"""


def modules_loaded(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        timeout=60,
    )
    code, loaded = result.stdout.strip().split(" ", 1)
    return int(code), json.loads(loaded.replace("'", '"'))


@pytest.mark.slow
def test_help_and_local_describe_import_no_heavy_packages(isolated_state: Path) -> None:
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    assert run_process("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), env=env).returncode == 0
    assert modules_loaded(["--help"], env) == (0, [])
    assert modules_loaded(["describe-job", "xgboost-default", "--output", "json"], env) == (0, [])
    code, loaded = modules_loaded(["describe-job", "xgboost-default", "--output", "table"], env)
    assert code == 0 and set(loaded) <= {"decimal"}  # rich's tables size columns with fractions, which needs it
    _, loaded = modules_loaded(
        ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "describe-job", "x"],
        {**env, "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_MAX_ATTEMPTS": "1"},
    )
    assert "boto3" in loaded  # the aws backend does load it, when it is used


# -- hostile input ---------------------------------------------------------------------------------


def hostile_corpus(directory: Path) -> dict[str, Path]:
    files: dict[str, bytes] = {
        "python-tag.yaml": b"JobName: !!python/object/apply:os.system ['touch /tmp/ircli-pwned']\n",
        "python-name.yaml": b"JobName: !!python/name:os.system\n",
        "custom-tag.yaml": b"JobName: !Ref something\n",
        "billion-laughs.yaml": "\n".join(
            ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
            + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
        ).encode(),
        "nested-100.json": b'{"JobName": ' + b"[" * 100 + b"]" * 100 + b"}",
        "nested-100.yaml": ("JobName:\n" + "".join("  " * i + "- \n" for i in range(1, 101))).encode(),
        "huge-integer.json": b'{"JobName": "x", "InputConfig": {"JobDurationInSeconds": ' + b"9" * 5000 + b"}}",
        "big-integer.json": b'{"JobName": "x", "JobType": "Default", "RoleArn": "arn:aws:iam::123456789012:role/R", '
        b'"InputConfig": {"ModelName": "churn-xgboost", "JobDurationInSeconds": ' + b"9" * 40 + b"}}",
        "nan.json": b'{"JobName": NaN}',
        "infinity.json": b'{"JobName": "x", "InputConfig": {"JobDurationInSeconds": Infinity}}',
        "nan.yaml": b"JobName: x\nInputConfig:\n  JobDurationInSeconds: .nan\n",
        "latin1.yaml": "JobName: caf\u00e9\n".encode("latin-1"),
        "utf16-bom.yaml": "JobName: x\n".encode("utf-16"),
        "utf8-bom-broken.json": b"\xef\xbb\xbf{broken",
        "empty.yaml": b"",
        "whitespace.json": b"   \n\t\n",
        "list.json": b"[1, 2, 3]",
        "scalar.yaml": b"42\n",
        "binary.json": bytes(range(256)),
        "duplicate-keys.yaml": b"JobName: a\nJobName: b\n",
    }
    paths = {}
    for name, data in files.items():
        path = directory / name
        path.write_bytes(data)
        paths[name] = path
    big = directory / "fifty-megabytes.json"
    with big.open("wb") as handle:
        handle.write(b'{"JobName": "')
        handle.seek(50 * 1024 * 1024)
        handle.write(b'"}')
    paths["fifty-megabytes.json"] = big
    directory_input = directory / "a-directory.yaml"
    directory_input.mkdir()
    paths["a-directory.yaml"] = directory_input
    return paths


def test_hostile_files_exit_252_quickly_with_a_clear_message(tmp_path: Path, cli: CliRunner) -> None:
    for name, path in hostile_corpus(tmp_path).items():
        option = "--cli-input-json" if name.endswith(".json") else "--cli-input-yaml"
        started = time.monotonic()
        result = cli("create-job", option, str(path), "--dry-run", expect=252)
        elapsed = time.monotonic() - started
        assert result.code == 252, (name, result.err)
        assert "Traceback" not in result.err and result.err.startswith("ircli: "), (name, result.err)
        assert len(result.err.strip().splitlines()) < 30, name
        assert elapsed < 5, (name, elapsed)
    assert not Path("/tmp/ircli-pwned").exists()


# -- the store under concurrent processes and SIGKILL ---------------------------------------------


def _mixed_worker(state_dir: str, worker: int, rounds: int, queue: Any) -> None:
    from ircli.simulator.models import Simulator
    from ircli.simulator.store import Store

    sim = Simulator(Store(Path(state_dir)), speed="10")
    errors: list[str] = []
    role = "arn:aws:iam::123456789012:role/R"
    try:
        sim.dispatch(
            "CreateEndpointConfig",
            {
                "EndpointConfigName": f"config-{worker}",
                "ProductionVariants": [
                    {
                        "VariantName": "AllTraffic",
                        "ModelName": "churn-xgboost",
                        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 20},
                    }
                ],
            },
        )
        sim.dispatch("CreateEndpoint", {"EndpointName": f"endpoint-{worker}", "EndpointConfigName": f"config-{worker}"})
    except Exception as exc:  # reported to the parent
        errors.append(f"setup: {type(exc).__name__}: {exc}")
    for index in range(rounds):
        name = f"w{worker}-{index}"
        try:
            sim.dispatch(
                "CreateInferenceRecommendationsJob",
                {
                    "JobName": name,
                    "JobType": "Default",
                    "RoleArn": role,
                    "InputConfig": {
                        "ModelName": "churn-xgboost",
                        "EndpointConfigurations": [{"InstanceType": "ml.c5.large"}],
                    },
                },
            )
            sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})
            if index % 2:
                sim.dispatch("StopInferenceRecommendationsJob", {"JobName": name})
            sim.dispatch("ListInferenceRecommendationsJobs", {"MaxResults": 10})
            endpoint = sim.dispatch("DescribeEndpoint", {"EndpointName": f"endpoint-{worker}"})
            if endpoint["EndpointStatus"] == "InService":
                sim.dispatch(
                    "UpdateEndpointWeightsAndCapacities",
                    {
                        "EndpointName": f"endpoint-{worker}",
                        "DesiredWeightsAndCapacities": [
                            {
                                "VariantName": "AllTraffic",
                                "ServerlessUpdateConfig": {"ProvisionedConcurrency": 1 + index % 5},
                            }
                        ],
                    },
                )
        except Exception as exc:  # reported to the parent
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
    queue.put(errors)


@pytest.mark.slow
def test_sixteen_processes_mixing_operations_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    state = tmp_path / "mixed"
    workers = [context.Process(target=_mixed_worker, args=(str(state), w, 10, queue)) for w in range(16)]
    for process in workers:
        process.start()
    errors = [error for _ in workers for error in queue.get(timeout=180)]
    for process in workers:
        process.join(timeout=60)
    assert not any("locked" in error for error in errors), errors
    assert errors == []
    connection = sqlite3.connect(state / "state.db")
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = {row[0] for row in connection.execute("SELECT name FROM jobs")}
    assert names == {f"w{w}-{i}" for w in range(16) for i in range(10)}
    stopped = connection.execute("SELECT COUNT(*) FROM jobs WHERE stop_at IS NOT NULL").fetchone()[0]
    assert stopped == 16 * 5
    assert connection.execute("SELECT COUNT(*) FROM endpoints").fetchone()[0] == 16


WRITER = """
import os, sys
os.environ["IRCLI_SIM_SPEED"] = "instant"
from pathlib import Path
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
sim = Simulator(Store(Path(sys.argv[1])), speed="instant")
index = 0
while True:
    sim.dispatch("CreateInferenceRecommendationsJob", {"JobName": f"killed-{index}", "JobType": "Default",
        "RoleArn": "arn:aws:iam::123456789012:role/R", "InputConfig": {"ModelName": "churn-xgboost"}})
    print(index, flush=True)
    index += 1
"""


@pytest.mark.slow
def test_sigkill_in_the_middle_of_writes_leaves_a_consistent_store(tmp_path: Path) -> None:
    state = tmp_path / "killed"
    for attempt in range(3):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(state)], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        for _ in range(20 + attempt * 7):  # let it get well into its loop of write transactions
            process.stdout.readline()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    os.environ["IRCLI_SIM_SPEED"] = "instant"
    from ircli.simulator.models import Simulator
    from ircli.simulator.store import Store

    connection = sqlite3.connect(state / "state.db")
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    sim = Simulator(Store(state), speed="instant")
    names = [row[0] for row in connection.execute("SELECT name FROM jobs")]
    assert len(names) >= 20
    for name in names:
        assert sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})["Status"] == "COMPLETED"
    sim.dispatch(
        "CreateInferenceRecommendationsJob",
        {
            "JobName": "after-the-kill",
            "JobType": "Default",
            "RoleArn": "arn:aws:iam::123456789012:role/R",
            "InputConfig": {"ModelName": "churn-xgboost"},
        },
    )


# -- the server keeps serving ----------------------------------------------------------------------


def test_the_server_survives_abuse(tmp_path: Path) -> None:
    import http.client
    import socket

    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store

    server, thread = serve_in_thread(Simulator(Store(tmp_path / "abused"), speed="instant"))
    host, port = str(server.server_address[0]), int(server.server_address[1])
    try:
        abuse = [
            b"GARBAGE\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
            b"POST / HTTP/1.1\r\nX-Amz-Target: SageMaker.DescribeEndpoint\r\nContent-Length: 4\r\n\r\n\xff\xfe\x00\x01",
            b"POST / HTTP/1.1\r\nX-Amz-Target: SageMaker.DescribeEndpoint\r\nContent-Length: 9999999999\r\n\r\n",
            b"POST / HTTP/1.1\r\nX-Amz-Target: SageMaker.DescribeEndpoint\r\nContent-Length: 30\r\n\r\n"
            b'{"EndpointName":',
        ]
        for payload in abuse:
            with socket.create_connection((host, port), timeout=5) as raw:
                raw.sendall(payload)
                raw.shutdown(socket.SHUT_WR)
                response = b""
                while chunk := raw.recv(4096):
                    response += chunk
                assert b"Traceback" not in response
                assert response == b"" or response.startswith(b"HTTP/1."), response[:80]
        connection = http.client.HTTPConnection(host, port, timeout=5)
        connection.request(
            "POST", "/", body=b'{"EndpointName": "nope"}', headers={"X-Amz-Target": "SageMaker.DescribeEndpoint"}
        )
        answer = connection.getresponse()
        assert answer.status == 400 and json.loads(answer.read())["__type"] == "ValidationException"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_debug_output_redacts_credentials_the_service_echoes(cli: CliRunner, tmp_path: Path) -> None:
    # The access key is a valid job name, so the service's "does not exist" message carries it back: only
    # redaction keeps it out of the message and the --debug traceback.
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store

    access_key, secret_key = "AKIAHARDENINGSECRET1", "hardening-secret-key-value"
    server, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    environ = {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    try:
        result = cli(
            "--backend", "aws", "--region", "us-east-1", "--endpoint-url", url, "--debug", "describe-job", access_key,
            environ=environ, expect=254,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert result.code == 254
    assert "does not exist" in result.err and "Traceback" in result.err
    assert access_key not in result.err + result.out and secret_key not in result.err + result.out
