"""The sample suite in examples/testing (a deployment script and its tests) runs under the plugin as a user's
suite would: in its own pytest process, with the network blocked (loopback aside, for the served fixture),
and with the SageMaker SDK in a virtual environment of its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO
from tests.test_clients import SDK, client_venv

pytestmark = pytest.mark.slow

SUITE = EXAMPLES / "testing"
# Where a virtual environment's ircli comes from, and whether its pytest plugin is registered.
WHERE = (
    "import importlib.metadata as m, pathlib, ircli; "
    "print(pathlib.Path(ircli.__file__).parent.parent, "
    "any(e.name == 'ircli' for e in m.entry_points(group='pytest11')))"
)


def run_suite(python: Path | str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IRCLI_", "PYTEST_"))}
    # No credentials, no region, no profile: the fixtures provide what the tests need; no_network (from
    # tests/, put on the path alone so that ircli is the installed one) refuses every connection and name
    # look-up off loopback.
    environ.update(
        PYTHONPATH=str(REPO / "tests"),
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return subprocess.run(
        [str(python), "-m", "pytest", "-p", "no_network", "-rs", "-q"],
        cwd=SUITE,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
    )


def outcomes(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    line = result.stdout.strip().splitlines()[-1]
    return {word: int(count) for count, word in re.findall(r"(\d+) (\w+)", line)}


def test_the_sample_suite_passes_with_the_network_blocked() -> None:
    result = run_suite(sys.executable)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    counts = outcomes(result)
    # Every test but the SDK's, which is skipped where the SDK is not installed (it has its own test below).
    passed, skipped = counts.get("passed", 0), counts.get("skipped", 0)
    assert passed + skipped == 6 and skipped <= 1, result.stdout[-2000:]


def test_the_sample_suite_with_the_sagemaker_sdk() -> None:
    python = client_venv("sdk-testing", (*SDK, "pytest>=8", "moto[s3]>=5.0"))
    # ircli from this checkout, editable (so its pytest11 entry point is what the suite loads), once per checkout.
    where = subprocess.run(
        [str(python), "-I", "-c", WHERE],  # isolated: not the ircli of the current directory
        capture_output=True,
        text=True,
        cwd=SUITE,
    )
    if where.stdout.split() != [str(REPO), "True"]:
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(REPO)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert installed.returncode == 0, installed.stderr[-2000:]
    result = run_suite(python)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    counts = outcomes(result)
    assert counts.get("passed") == 6 and not counts.keys() & {"failed", "skipped", "error", "errors"}, counts
