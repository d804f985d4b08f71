"""The repository keeps its promises: the README's set-up commands and CI's run agree."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"```bash\n(?:#.*\n)?(.+)\n```", readme)
    assert len(commands) >= 2
    install, test = commands[0], commands[1]
    assert "pip install -e ." in install and "examples/default-job.yaml" in install
    test_command = test.split("&&")[-1].strip()
    assert test_command == ".venv/bin/pytest"
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci[-1] == test_command
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'" in (REPO / ".ci" / "run").read_text()
