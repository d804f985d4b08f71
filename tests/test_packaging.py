"""The wheel carries everything ircli needs: built, installed into a fresh venv outside the repository,
and used there for a local job end to end and `ircli schema validate`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

pytestmark = pytest.mark.slow


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


def test_wheel_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO), cwd=tmp_path)
    (wheel,) = dist.glob("ircli-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ircli/schemas/sagemaker/CreateInferenceRecommendationsJob.request.json" in names
    assert "ircli/lib/catalog.json" in names
    assert not any(name.startswith(("tests/", "tools/", "ircli/schemas/generate")) for name in names)

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    python = target / "bin" / "python"
    # --no-compile: pip would byte-compile every module of every dependency; ircli's runs import a few.
    run(str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", str(wheel),
        cwd=tmp_path)  # fmt: skip

    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(EXAMPLES / "default-job.yaml", work / "job.yaml")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"IRCLI_HOME": str(tmp_path / "state"), "IRCLI_SIM_SPEED": "instant"})
    ircli = str(target / "bin" / "ircli")
    located = run(str(python), "-c", "import ircli, sys; print(ircli.__file__)", cwd=work, env=env)
    assert str(target) in located.stdout and str(REPO) not in located.stdout
    run(ircli, "schema", "validate", "job.yaml", "--operation", "create-job", cwd=work, env=env)
    run(ircli, "create-job", "--cli-input-yaml", "job.yaml", "--wait", "--output", "json", cwd=work, env=env)
    described = json.loads(run(ircli, "describe-job", "xgboost-default", cwd=work, env=env).stdout)
    # The four instance types the example names (named types ask for real-time recommendations only).
    assert described["Status"] == "COMPLETED" and len(described["InferenceRecommendations"]) == 4
