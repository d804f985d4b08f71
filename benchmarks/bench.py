"""ircli's benchmarks: startup, scale, validation and the simulator server's throughput.

    python benchmarks/bench.py            # everything, a Markdown report on stdout
    python benchmarks/bench.py --quick    # fewer repetitions and 1,000 instead of 10,000 jobs

Figures are wall-clock medians of fresh processes on this machine (the fastest in brackets), after one
warm-up run that writes the bytecode cache, and their peak resident memory. The measuring process stays
small (populating the state and the boto3 clients run in helper processes), because a child's peak memory
counts what it shared with its parent at fork. The AWS CLI and moto's server are measured beside ircli
when they are installed (`pip install awscli 'moto[server]'`); otherwise their rows say so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ROLE = "arn:aws:iam::123456789012:role/Benchmark"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def measure(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float, int]:
    """Median and minimum seconds of `runs` fresh processes, and their peak resident memory in KiB."""
    # The warm-up writes the bytecode cache, which PYTHONDONTWRITEBYTECODE (set on some machines) would
    # forbid: every measured run would then compile ircli's modules again, and none of typer's or rich's.
    env = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, env=env, capture_output=True, check=False)  # warm the bytecode cache
    times, peak = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {error}")
        times.append(elapsed)
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), min(times), peak


def row(name: str, result: tuple[float, float, int] | None, note: str = "") -> str:
    if result is None:
        return f"| {name} | n/a | n/a | {note} |"
    median, fastest, memory = result
    return f"| {name} | {median:.3f} s ({fastest:.3f}) | {memory / 1024:.0f} MiB | {note} |"


def ircli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ircli", *args]


def serve(state: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        ircli("simulator", "serve", "--port", "0"),
        env={**env, "IRCLI_HOME": str(state)},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    return process, line.split("listening on ", 1)[1].split()[0]


def helper(*args: str) -> str:
    """One of this script's helper modes in a fresh process; what it printed."""
    env = {**os.environ, "IRCLI_SIM_SPEED": "instant"}
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True, env=env)
    return result.stdout.strip()


def populate(state: Path, jobs: int) -> float:
    """`jobs` Default jobs plus `big`: 10 configurations x 5 environment-parameter combinations."""
    os.environ["IRCLI_SIM_SPEED"] = "instant"
    from ircli.simulator.models import Simulator
    from ircli.simulator.store import Store

    simulator = Simulator(Store(state), speed="instant")
    for name in [f"model-{index}" for index in range(50)] + ["big-model"]:  # jobs must name existing models
        simulator.dispatch(
            "CreateModel", {"ModelName": name, "PrimaryContainer": {"Image": "image"}, "ExecutionRoleArn": ROLE}
        )
    started = time.perf_counter()
    for index in range(jobs):
        simulator.dispatch(
            "CreateInferenceRecommendationsJob",
            {
                "JobName": f"job-{index:05d}",
                "JobType": "Default",
                "RoleArn": ROLE,
                "InputConfig": {"ModelName": f"model-{index % 50}"},
            },
        )
    types = [
        "ml.c5.large",
        "ml.c5.xlarge",
        "ml.c5.2xlarge",
        "ml.m5.large",
        "ml.m5.xlarge",
        "ml.c6i.large",
        "ml.c6i.xlarge",
        "ml.r5.large",
        "ml.g4dn.xlarge",
        "ml.g5.xlarge",
    ]
    ranges = {"CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["1", "2", "4"]}]}
    ranges_two = {"CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["1", "2"]}]}
    simulator.dispatch(
        "CreateInferenceRecommendationsJob",
        {
            "JobName": "big",
            "JobType": "Default",
            "RoleArn": ROLE,
            "InputConfig": {
                "ModelName": "big-model",
                "EndpointConfigurations": [
                    {"InstanceType": t, "EnvironmentParameterRanges": ranges if i % 2 == 0 else ranges_two}
                    for i, t in enumerate(types)
                ],
            },
        },
    )
    return time.perf_counter() - started


def largest_request() -> dict[str, Any]:
    """A create-job request at the model's and the service's limits."""
    from ircli.schemas import load_schema

    instance_types = load_schema("CreateInferenceRecommendationsJob", "request")["$defs"][
        "ProductionVariantInstanceType"
    ]["enum"]
    ranges = {"CategoricalParameterRanges": [{"Name": f"PARAMETER_{n}", "Value": ["1", "2", "3"]} for n in range(5)]}
    return {
        "JobName": "j" * 64,
        "JobType": "Advanced",
        "RoleArn": ROLE,
        "JobDescription": "d" * 128,
        "InputConfig": {
            "ModelPackageVersionArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/m/1",
            "JobDurationInSeconds": 18000,
            "TrafficPattern": {
                "TrafficType": "PHASES",
                "Phases": [{"InitialNumberOfUsers": 3, "SpawnRate": 3, "DurationInSeconds": 3600} for _ in range(10)],
            },
            "ResourceLimit": {"MaxNumberOfTests": 10, "MaxParallelOfTests": 10},
            "EndpointConfigurations": [
                {"InstanceType": instance_types[i], "EnvironmentParameterRanges": ranges} for i in range(10)
            ],
            "ContainerConfig": {
                "Domain": "NATURAL_LANGUAGE_PROCESSING",
                "Task": "FILL_MASK",
                "Framework": "PYTORCH",
                "FrameworkVersion": "2.1.0",
                "NearestModelName": "bert-base-cased",
                "PayloadConfig": {
                    "SamplePayloadUrl": "s3://bucket/payload.tar.gz",
                    "SupportedContentTypes": [f"application/type{n}" for n in range(10)],
                },
                "SupportedInstanceTypes": instance_types[:50],
                "SupportedResponseMIMETypes": ["application/json"] * 10,
            },
            "VpcConfig": {
                "SecurityGroupIds": [f"sg-{n}" for n in range(5)],
                "Subnets": [f"subnet-{n}" for n in range(16)],
            },
        },
        "StoppingConditions": {
            "MaxInvocations": 30000,
            "FlatInvocations": "Continue",
            "ModelLatencyThresholds": [{"Percentile": "P99", "ValueInMilliseconds": 100}],
        },
        "Tags": [{"Key": f"key-{n}", "Value": "v" * 256} for n in range(50)],
    }


VALIDATION_PROBE = """
import json, sys, time
sys.path.insert(0, {repo!r})
started = time.perf_counter()
from ircli.lib.validation import _checker, check_request
imported = time.perf_counter() - started
from benchmarks.bench import largest_request
request = largest_request()
_checker.cache_clear()
started = time.perf_counter(); _checker("CreateInferenceRecommendationsJob", "request")
loaded = time.perf_counter() - started
started = time.perf_counter(); check_request("CreateInferenceRecommendationsJob", request)
first = time.perf_counter() - started
runs = []
for _ in range(50):
    started = time.perf_counter(); check_request("CreateInferenceRecommendationsJob", request)
    runs.append(time.perf_counter() - started)
print(json.dumps([imported, loaded, first, sorted(runs)[25], len(json.dumps(request))]))
"""


def validation_timing() -> list[float]:
    """Seconds to import the validator, load the schema, check the largest request first and when warm."""
    output = subprocess.run(
        [sys.executable, "-c", VALIDATION_PROBE.format(repo=str(REPO))], capture_output=True, text=True, check=True
    )
    timings: list[float] = json.loads(output.stdout)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--populate", nargs=2, metavar=("STATE", "JOBS"), help=argparse.SUPPRESS)
    parser.add_argument("--server-rates", metavar="SECONDS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        print(populate(Path(args.populate[0]), int(args.populate[1])))
        return 0
    if args.server_rates:
        print("\n".join(server_rows(float(args.server_rates))))
        return 0
    runs = 5 if args.quick else 15
    job_count = 1_000 if args.quick else 10_000
    workdir = Path(tempfile.mkdtemp(prefix="ircli-bench-"))
    env = {
        **os.environ,
        **AWS_ENV,
        "IRCLI_SIM_SPEED": "instant",
        "IRCLI_HOME": str(workdir / "small"),
        "IRCLI_BACKEND": "local",
        "NO_COLOR": "1",
    }
    env.pop("IRCLI_OUTPUT", None)
    lines = [
        "## Benchmarks",
        "",
        f"{sys.version.split()[0]} on {os.cpu_count()} cores; medians of {runs} fresh processes (fastest in brackets).",
        "",
    ]
    subprocess.run(
        ircli("create-job", "--cli-input-yaml", str(REPO / "examples" / "default-job.yaml")),
        env=env,
        check=True,
        capture_output=True,
    )

    lines += ["### Startup", "", "| command | time | peak memory | note |", "|---|---|---|---|"]
    baseline = measure([sys.executable, "-c", "import typer, rich"], env, runs)
    lines.append(row('`python -c "import typer, rich"`', baseline, "the floor for a typer + rich CLI"))
    help_result = measure(ircli("--help"), env, runs)
    lines.append(row("`ircli --help`", help_result, f"+{help_result[0] - baseline[0]:.3f} s over the floor"))
    describe = measure(ircli("describe-job", "xgboost-default", "--output", "json"), env, runs)
    lines.append(
        row(
            "`ircli describe-job xgboost-default --output json` (local)",
            describe,
            f"+{describe[0] - baseline[0]:.3f} s over the floor",
        )
    )
    server, url = serve(workdir / "small", env)
    try:
        aws = shutil.which("aws")
        aws_result = None
        if aws:
            aws_result = measure(
                [
                    aws,
                    "sagemaker",
                    "describe-inference-recommendations-job",
                    "--job-name",
                    "xgboost-default",
                    "--endpoint-url",
                    url,
                ],
                env,
                runs,
            )
        note = f"ircli local takes {describe[0] / aws_result[0]:.0%} of this" if aws_result else "AWS CLI not installed"
        lines.append(
            row(
                "`aws sagemaker describe-inference-recommendations-job --endpoint-url <ircli simulator>`",
                aws_result,
                note,
            )
        )
        lines += ["", "### The simulator server", ""]
        lines += helper("--server-rates", "2" if args.quick else "3").splitlines()
    finally:
        server.terminate()
        server.wait(timeout=10)

    lines += ["", f"### Scale: {job_count:,} jobs, and one job of 10 configurations x 5 parameter combinations", ""]
    big_state = workdir / "big"
    populate_seconds = float(helper("--populate", str(big_state), str(job_count)))
    scale_env = {**env, "IRCLI_HOME": str(big_state)}
    lines += [
        f"Creating them in one process took {populate_seconds:.1f} s "
        f"({populate_seconds / (job_count + 1) * 1000:.2f} ms a job).",
        "",
        "| command | time | peak memory | note |",
        "|---|---|---|---|",
    ]
    cases = [
        (
            "`ircli list-jobs --name-contains job-0042 --status-equals COMPLETED`",
            ["list-jobs", "--name-contains", "job-0042", "--status-equals", "COMPLETED", "--output", "json"],
            "filter",
        ),
        (
            "`ircli list-jobs --status-equals COMPLETED --max-items 100`",
            ["list-jobs", "--status-equals", "COMPLETED", "--max-items", "100", "--output", "json"],
            "first page",
        ),
        ("`ircli describe-job big`", ["describe-job", "big", "--output", "json"], "10 recommendations"),
        ("`ircli list-steps big`", ["list-steps", "big", "--output", "json"], "50 steps"),
        (
            "`ircli list-jobs --status-equals COMPLETED` (every job)",
            ["list-jobs", "--status-equals", "COMPLETED", "--output", "json"],
            f"{job_count + 1:,} jobs, all pages",
        ),
    ]
    for label, command, note in cases:
        lines.append(row(label, measure(ircli(*command), scale_env, runs), note))

    imported, loaded, first, warm, size = validation_timing()
    lines += [
        "",
        "### Validation",
        "",
        f"The largest legal create-job request ({size:,.0f} bytes of JSON: 10 configurations with 5 parameter "
        "ranges each, 10 phases, 50 tags, full container and VPC configuration): importing the validator (with "
        f"the `regex` module) {imported * 1000:.1f} ms, loading its schema {loaded * 1000:.1f} ms, then the "
        f"first check {first * 1000:.1f} ms and later ones {warm * 1000:.2f} ms.",
    ]
    ranking = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ranking.py")], capture_output=True, text=True, check=False
    )
    lines += ["", "### Ranking (`benchmarks/ranking.py`)", "", ranking.stdout.rstrip()]
    shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(lines))
    return 0


def server_rows(seconds: float) -> list[str]:
    """The same operation against both servers, as `benchmarks/server_rate.py` measures it."""
    sys.path.insert(0, str(REPO))
    from benchmarks.server_rate import server_rates

    measured = server_rates(seconds)
    lines = [
        "| server | operation | requests/s (one boto3 client, best of 3) | server CPU a request |",
        "|---|---|---|---|",
    ]
    for name, (rate, cpu) in measured.items():
        label = "ircli simulator serve" if name == "ircli" else "moto server (same machine, same run)"
        lines.append(f"| {label} | DescribeEndpointConfig | {rate:,.0f} | {cpu:.2f} ms |")
    if "moto" not in measured:
        lines.append("| moto server | DescribeEndpointConfig | moto[server] not installed | |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
