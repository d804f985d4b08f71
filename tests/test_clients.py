"""Real clients nobody here wrote, unmodified, against `ircli simulator serve`: the SageMaker Python SDK,
sagemaker-core and the AWS CLI, each installed in a virtual environment of its own (so their pins never
constrain ircli's) and sent to the simulator only by AWS_ENDPOINT_URL.

The virtual environments live in `.venv-clients/`, or where IRCLI_CLIENT_VENVS says (CI keeps them outside
its fresh clone), one directory per client and requirements, reused between runs while it works. Where
they cannot be installed (no package index), the tests skip with the reason; CI installs them.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

pytestmark = pytest.mark.slow

CLIENTS = Path(os.environ.get("IRCLI_CLIENT_VENVS") or REPO / ".venv-clients")
SDK = ("sagemaker==2.257.7",)  # the SDK release the reference facts were read from; sagemaker-core comes with it
AWS_CLI = ("awscli>=1.44",)


@functools.cache
def client_venv(name: str, packages: tuple[str, ...]) -> Path:
    """A virtual environment with `packages`, made once for these requirements and this Python, and reused
    while its interpreter still runs. A lock file beside it makes parallel test workers (pytest -n) wait for
    the one that builds it rather than build it twice in the same place."""
    key = hashlib.sha256("\n".join([sys.version, *packages]).encode()).hexdigest()[:12]
    target = CLIENTS / f"{name}-{key}"
    CLIENTS.mkdir(parents=True, exist_ok=True)
    with open(CLIENTS / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _made(target, packages)


def _made(target: Path, packages: tuple[str, ...]) -> Path:
    python = target / "bin" / "python"
    marker = target / "installed.txt"
    if marker.exists() and marker.read_text() == "\n".join(packages) and works(python):
        return python
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if installed.returncode != 0:
        pytest.skip(f"{' '.join(packages)} could not be installed: {installed.stderr.strip()[-300:]}")
    marker.write_text("\n".join(packages))
    return python


def works(python: Path) -> bool:
    """Whether a kept environment still runs (its base interpreter may have moved or gone)."""
    try:
        return subprocess.run([str(python), "-c", "import pip"], capture_output=True, timeout=60).returncode == 0
    except OSError:
        return False


class Served:
    def __init__(self, url: str, state: Path) -> None:
        self.url = url
        self.state = state

    def env(self) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IRCLI_"))}
        environ.update(
            AWS_ENDPOINT_URL=self.url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_EC2_METADATA_DISABLED="true",
            IRCLI_HOME=str(self.state),
            IRCLI_SIM_SPEED="instant",
        )
        return environ


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`ircli simulator serve` on a free loopback port, at instant speed, in a fresh state."""
    state = tmp_path / "state"
    environ = {**os.environ, "IRCLI_HOME": str(state), "IRCLI_SIM_SPEED": "instant"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, line
    try:
        yield Served(match[1], state)
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_client(python: Path, script: str, served: Served) -> str:
    result = subprocess.run(
        [str(python), str(REPO / "tests" / "clients" / script)],
        capture_output=True,
        text=True,
        timeout=600,
        env=served.env(),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_sagemaker_python_sdk_right_size_deploy_predict_and_clean_up(served: Served) -> None:
    output = run_client(client_venv("sdk", SDK), "sdk_flow.py", served)
    # The SDK prints its progress marks ("-", "!") without a newline, so a step's line may follow them.
    lines = {m[1]: m[0] for m in re.finditer(r"\b([A-Z][A-Z-]+) .*$|\b(DONE)$", output, re.MULTILINE) if m[1]}
    lines["DONE"] = "DONE" if re.search(r"DONE$", output.rstrip()) else ""
    # The two supported instance types named: real-time recommendations only (as AWS's notebooks read them).
    assert lines["DEFAULT"].startswith("DEFAULT 2 sdk-default/")
    # The Verbose wait printed the job's execution log from CloudWatch Logs.
    assert "Retrieved logStream: sdk-advanced/execution" in output
    assert "Benchmark 4/4 completed: ml.c5.2xlarge" in output
    assert "'Key': 'OMP_NUM_THREADS'" in lines["ADVANCED"]
    predictions = lines["PREDICT"].split(" ", 1)[1]
    assert predictions.count("'0.") == 2  # one simulated value per CSV row
    assert lines["PACKAGE"].startswith("PACKAGE sdk-package/")
    assert lines["PACKAGE-ENDPOINT"] == "PACKAGE-ENDPOINT InService"
    assert lines["DONE"] == "DONE"


def test_sagemaker_core_resources(served: Served) -> None:
    output = run_client(client_venv("sdk", SDK), "core_flow.py", served)
    assert "MODEL arn:aws:sagemaker:us-east-1:123456789012:model/core-model" in output
    assert re.search(r"^JOB COMPLETED \d+$", output, re.MULTILINE)
    assert "ENDPOINT InService" in output
    assert "ALL ['core-endpoint'] ['core-config'] ['core-model'," in output
    assert "GONE []" in output and output.rstrip().endswith("DONE")


def aws(python: Path, served: Served, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "awscli", *args, "--output", "json"],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        env=served.env(),
    )


def test_the_aws_cli_drives_models_endpoints_logs_scaling_and_invocations(served: Served, tmp_path: Path) -> None:
    python = client_venv("awscli", AWS_CLI)

    def ok(*args: str) -> dict[str, object]:
        result = aws(python, served, *args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    created = ok(
        "sagemaker", "create-model", "--model-name", "cli-model", "--execution-role-arn",
        "arn:aws:iam::123456789012:role/R", "--primary-container", "Image=img,ModelDataUrl=s3://b/m.tar.gz",
    )  # fmt: skip
    assert str(created["ModelArn"]).endswith(":model/cli-model")
    missing = aws(
        python, served, "sagemaker", "create-endpoint-config", "--endpoint-config-name", "bad",
        "--production-variants", "VariantName=v,ModelName=nope,InstanceType=ml.c5.large,InitialInstanceCount=1",
    )  # fmt: skip
    # The AWS CLI v1 (the one on PyPI) exits 255 for a service error, where v2 exits 254.
    assert missing.returncode in (254, 255) and 'Could not find model "arn:aws:sagemaker' in missing.stderr
    ok(
        "sagemaker", "create-endpoint-config", "--endpoint-config-name", "cli-config", "--production-variants",
        "VariantName=AllTraffic,ModelName=cli-model,InstanceType=ml.c5.xlarge,InitialInstanceCount=1",
    )  # fmt: skip
    ok("sagemaker", "create-endpoint", "--endpoint-name", "cli-endpoint", "--endpoint-config-name", "cli-config")
    ok("sagemaker", "wait", "endpoint-in-service", "--endpoint-name", "cli-endpoint")

    out = tmp_path / "answer.csv"
    invoked = ok(
        "sagemaker-runtime", "invoke-endpoint", "--endpoint-name", "cli-endpoint", "--content-type", "text/csv",
        "--body", "1,2,3", str(out),
    )  # fmt: skip
    assert invoked["ContentType"] == "text/csv" and invoked["InvokedProductionVariant"] == "AllTraffic"
    assert 0 <= float(out.read_text()) < 1

    # A job, its execution log, and its scaling recommendation applied as ircli prints it.
    environ = served.env()
    ircli = [sys.executable, "-m", "ircli"]
    job = subprocess.run(
        [*ircli, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")], env=environ, capture_output=True
    )
    assert job.returncode == 0, job.stderr
    events = ok(
        "logs", "get-log-events", "--log-group-name", "/aws/sagemaker/InferenceRecommendationsJobs",
        "--log-stream-name", "xgboost-default/execution", "--start-from-head",
    )  # fmt: skip
    assert "COMPLETED" in str(events["events"][-1])  # type: ignore[index]
    described = json.loads(
        subprocess.run(
            [*ircli, "describe-job", "xgboost-default", "--output", "json"], env=environ, capture_output=True, text=True
        ).stdout
    )
    recommendation = described["InferenceRecommendations"][0]["RecommendationId"]
    emitted = subprocess.run(
        [
            *ircli, "scaling-recommendation", "--job-name", "xgboost-default", "--recommendation-id", recommendation,
            "--emit", "application-autoscaling", "--target-endpoint-name", "cli-endpoint", "--output", "json",
        ],
        env=environ, capture_output=True, text=True,
    )  # fmt: skip
    assert emitted.returncode == 0, emitted.stderr
    inputs = json.loads(emitted.stdout)
    target = tmp_path / "target.json"
    target.write_text(json.dumps(inputs["RegisterScalableTarget"]))
    ok("application-autoscaling", "register-scalable-target", "--cli-input-json", f"file://{target}")
    for index, policy in enumerate(inputs["PutScalingPolicy"]):
        path = tmp_path / f"policy{index}.json"
        path.write_text(json.dumps(policy))
        assert "PolicyARN" in ok("application-autoscaling", "put-scaling-policy", "--cli-input-json", f"file://{path}")
    policies = ok("application-autoscaling", "describe-scaling-policies", "--service-namespace", "sagemaker")
    assert len(policies["ScalingPolicies"]) == len(inputs["PutScalingPolicy"])  # type: ignore[arg-type]

    ok("sagemaker", "delete-endpoint", "--endpoint-name", "cli-endpoint")
    ok("sagemaker", "wait", "endpoint-deleted", "--endpoint-name", "cli-endpoint")
    gone = aws(python, served, "sagemaker", "describe-endpoint", "--endpoint-name", "cli-endpoint")
    assert gone.returncode in (254, 255) and "Could not find endpoint" in gone.stderr
