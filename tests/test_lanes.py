"""The test lanes as CI runs them: `pytest -n auto` picks the workers by lane, and every worker and process a
test starts reuses the bytecode caches."""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from tests import conftest


def workers(markexpr: str, monkeypatch: pytest.MonkeyPatch, cores: int, override: str | None = None) -> int:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    if override is None:
        monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    else:
        monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", override)
    config: Any = SimpleNamespace(getoption=lambda name: {"markexpr": markexpr}[name])
    return conftest.pytest_xdist_auto_num_workers(config)


def test_the_fast_lane_gets_a_worker_a_core(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workers("not slow", monkeypatch, cores=2) == 2
    assert workers("not slow", monkeypatch, cores=8) == 8


def test_runs_with_slow_tests_get_three_workers_a_core_and_at_least_four(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workers("slow", monkeypatch, cores=2) == 6
    assert workers("", monkeypatch, cores=2) == 6  # the whole suite, as the README runs it
    assert workers("slow", monkeypatch, cores=1) == 4


def test_pytest_xdist_s_variable_overrides_the_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workers("not slow", monkeypatch, cores=2, override="5") == 5
    assert workers("slow", monkeypatch, cores=2, override="1") == 1


def test_bytecode_caches_are_written_for_the_tests_and_the_processes_they_start() -> None:
    assert sys.dont_write_bytecode is False
    assert "PYTHONDONTWRITEBYTECODE" not in os.environ
