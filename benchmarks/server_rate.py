"""DescribeEndpointConfig requests per second to one boto3 client: `ircli simulator serve` against moto's
server, on the same machine in the same run (the issue's figure: at least 4x moto's).

    python benchmarks/server_rate.py [SECONDS]

Each server gets the same model and endpoint configuration; the two are measured alternately, three
rounds each, and the best round of each is reported (the machine is shared: the best is the least
disturbed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sagemaker",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1}),
    )


def prepare(sagemaker: Any) -> None:
    sagemaker.create_model(
        ModelName="bench",
        ExecutionRoleArn="arn:aws:iam::123456789012:role/bench",
        PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:1"},
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName="bench",
        ProductionVariants=[
            {"VariantName": "v", "ModelName": "bench", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
        ],
    )


def rate(call: Callable[[], Any], seconds: float) -> float:
    call()  # warm up the connection
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        call()
        count += 1
    return count / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time so far (Linux), independent of how loaded the machine is."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_request(pid: int, call: Callable[[], Any], count: int = 1000) -> float:
    """The server's CPU milliseconds per request, over `count` requests."""
    before = cpu_seconds(pid)
    for _ in range(count):
        call()
    return (cpu_seconds(pid) - before) / count * 1000


def start_ircli(home: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "IRCLI_HOME": str(home), "IRCLI_SIM_SPEED": "instant"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0"], env=env, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    return process, line.split("listening on ", 1)[1].split()[0]


def start_moto(log: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    moto = shutil.which("moto_server")
    if moto is None:
        return None
    # Its access log goes to a file: a pipe nobody reads would fill and stop it.
    with log.open("wb") as sink:
        process = subprocess.Popen([moto, "-p", "0"], stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if "Running on http://127.0.0.1:" in line:
                return process, "http://127.0.0.1:" + line.rsplit(":", 1)[1].strip().rstrip("/")
        time.sleep(0.1)
    process.terminate()
    return None


def server_rates(seconds: float = 3.0, rounds: int = 3) -> dict[str, tuple[float, float]]:
    """Server name -> (its best requests/s, its CPU ms per request); moto only when moto[server] is
    installed."""
    home = Path(tempfile.mkdtemp(prefix="ircli-rate-"))
    processes: list[subprocess.Popen[Any]] = []
    try:
        ircli_process, ircli_url = start_ircli(home)
        processes.append(ircli_process)
        calls: dict[str, Callable[[], Any]] = {}
        pids = {"ircli": ircli_process.pid}
        ircli_client = client(ircli_url)
        prepare(ircli_client)
        calls["ircli"] = lambda: ircli_client.describe_endpoint_config(EndpointConfigName="bench")
        moto = start_moto(home / "moto.log")
        if moto is not None:
            processes.append(moto[0])
            pids["moto"] = moto[0].pid
            moto_client = client(moto[1])
            prepare(moto_client)
            calls["moto"] = lambda: moto_client.describe_endpoint_config(EndpointConfigName="bench")
        best: dict[str, float] = {}
        for _ in range(rounds):
            for name, call in calls.items():
                best[name] = max(best.get(name, 0.0), rate(call, seconds))
        return {name: (best[name], cpu_per_request(pids[name], call)) for name, call in calls.items()}
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    measured = server_rates(seconds)
    ircli_rate, ircli_cpu = measured["ircli"]
    print(f"ircli simulator serve: {ircli_rate:,.0f} DescribeEndpointConfig/s, {ircli_cpu:.2f} ms CPU a request")
    if "moto" not in measured:
        print("moto server: moto[server] not installed")
    else:
        moto_rate, moto_cpu = measured["moto"]
        print(
            f"moto server:           {moto_rate:,.0f} DescribeEndpointConfig/s, {moto_cpu:.2f} ms CPU a request "
            f"(ircli: {ircli_rate / moto_rate:.1f}x the rate, {moto_cpu / ircli_cpu:.1f}x less CPU)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
