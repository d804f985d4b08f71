"""The pytest plugin (registered through the `pytest11` entry point as `ircli`): fixtures for the simulator
in process (`ircli_mock`) and served on a free loopback port (`ircli_server`, with `AWS_ENDPOINT_URL` set for
the test), the `ircli_speed` marker, and a failure when a test leaves a recommendation job running.

Nothing is imported until a test asks for a fixture and no fixture is autouse, so a suite that never uses
them runs as fast as without the plugin.

- `@pytest.mark.ircli_speed("default")`: the fixtures' speed (instant when no marker says otherwise).
- A test whose simulator still has a job PENDING, IN_PROGRESS or STOPPING when it ends gets an error at its
  teardown naming the jobs (not when the test itself failed: that failure says enough). With the ini option
  `ircli_running_jobs = warn` it gets a `RunningJobWarning` instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ircli.testing.mock import IrcliMock
    from ircli.testing.served import ServedSimulator

FAILED_KEY = pytest.StashKey[bool]()


class RunningJobWarning(UserWarning):
    """A test ended with recommendation jobs still running in its simulator."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "ircli_running_jobs",
        "What a test that leaves an ircli recommendation job running gets: fail (an error at its teardown, the "
        "default) or warn.",
        default="fail",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ircli_speed(speed): the speed of the ircli_mock and ircli_server simulators (instant, default, realtime, "
        "or a speed-up factor); instant when not marked.",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: Any = yield
    if call.when == "call" and report.failed:
        item.stash[FAILED_KEY] = True
    return report  # type: ignore[no-any-return]


def _speed(request: pytest.FixtureRequest) -> str:
    marker = request.node.get_closest_marker("ircli_speed")
    if marker is None:
        return "instant"
    speed = marker.args[0] if marker.args else marker.kwargs.get("speed")
    if not isinstance(speed, str | int | float):
        raise pytest.UsageError(f'@pytest.mark.ircli_speed needs a speed, e.g. ircli_speed("instant"): {marker}')
    return str(speed)


def _check_running(request: pytest.FixtureRequest, running: list[str]) -> None:
    if not running or request.node.stash.get(FAILED_KEY, False):
        return
    message = (
        f"{request.node.nodeid} left recommendation job(s) running in the ircli simulator: {', '.join(running)}. "
        "Wait for them to end, stop them (StopInferenceRecommendationsJob), advance the clock "
        '(ircli_mock.advance(seconds)) or run at @pytest.mark.ircli_speed("instant").'
    )
    if request.config.getini("ircli_running_jobs").strip().lower() == "warn":
        warnings.warn(RunningJobWarning(message), stacklevel=1)
    else:
        pytest.fail(message + " (Set `ircli_running_jobs = warn` in the pytest ini to be warned instead.)")


@pytest.fixture
def ircli_mock(request: pytest.FixtureRequest) -> Iterator[IrcliMock]:
    """The simulator in process: boto3's calls to SageMaker, its runtime, CloudWatch Logs and Application
    Auto Scaling are answered here (see `ircli.testing.mock_ircli`); everything else passes through."""
    from ircli.testing.mock import mock_ircli

    with mock_ircli(speed=_speed(request)) as mock:
        yield mock
        _check_running(request, mock.running_jobs())


@pytest.fixture
def ircli_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedSimulator]:
    """The simulator served on a free loopback port, AWS_ENDPOINT_URL (and fake credentials and a region
    where the environment has none) set for the test; the server stopped and its state removed after."""
    from ircli.testing.served import serve_ircli

    with serve_ircli(speed=_speed(request)) as served:
        for name, value in served.variables().items():
            if value:
                monkeypatch.setenv(name, value)
            else:
                monkeypatch.delenv(name, raising=False)
        yield served
        _check_running(request, served.running_jobs())
