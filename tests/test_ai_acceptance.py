"""The acceptance test of the generative-AI path: the developer guide's boto3 workflow
(`examples/genai_guide.py`: both kinds of workload configuration, recommendation jobs for cost and for time to
first token with optimisation, every recommendation read and checked, the best deployed the documented way
and waited for, invoked, benchmarked, listed, stopped, deleted, the documented errors) runs unmodified, in its
own process, against the served simulator, with only AWS_ENDPOINT_URL pointing at it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "examples" / "genai_guide.py"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[RunningServer]:
    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), region="us-west-2", speed="instant"))
    yield running
    running.shutdown()
    thread.join(timeout=5)


@pytest.mark.slow
def test_the_guides_boto3_workflow_runs_unmodified_against_the_served_simulator(served: RunningServer) -> None:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("AWS_") and key != "IRCLI_SIM_SPEED"
    }
    environment.update(
        AWS_ENDPOINT_URL=served.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-west-2",
        RUN_ID="acceptance",
    )
    ran = subprocess.run(
        [sys.executable, str(GUIDE)], capture_output=True, text=True, timeout=120, env=environment, cwd=REPO
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.rstrip().endswith("guide ran through")
    assert "simulated" in ran.stdout  # the LLM endpoint answered as its container, marked simulated
