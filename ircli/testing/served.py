"""The simulator served on a free loopback port in a thread of this process (`serve_ircli()`), for code under
test that must reach it over HTTP (another process, a tool, a client that is not botocore).

Its `url` goes in `AWS_ENDPOINT_URL`; stopping it closes the port and removes its fresh state.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ircli.simulator.common import speed_factor
from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer
from ircli.simulator.store import Store
from ircli.testing import environment
from ircli.testing.checks import running_jobs
from ircli.testing.clock import MockClock


class ServedSimulator:
    """A running server: `url`, `simulator`, `state_dir`, `clock` (`advance`), and the variables a client
    needs to reach it (`variables`)."""

    def __init__(self, server: RunningServer, simulator: Simulator, clock: MockClock, state_dir: Path) -> None:
        self.server = server
        self.simulator = simulator
        self.clock = clock
        self.state_dir = state_dir

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def advance(self, seconds: float) -> float:
        return self.clock.advance(seconds)

    def running_jobs(self) -> list[str]:
        return running_jobs(self.simulator)

    def variables(self) -> dict[str, str]:
        """AWS_ENDPOINT_URL for every service, and fake credentials and a region for the environment of a
        client that has none (`missing_variables`)."""
        return {"AWS_ENDPOINT_URL": self.url, **environment.missing_variables(self.simulator.region)}


@contextmanager
def serve_ircli(
    *,
    speed: str | None = "instant",
    state_dir: str | Path | None = None,
    clock: float | Callable[[], float] | MockClock | None = None,
    region: str = environment.DEFAULT_REGION,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[ServedSimulator]:
    """The simulator served on `host:port` (a free port by default) until the block ends; `speed`, `clock`
    and `state_dir` as for `mock_ircli`."""
    speed_factor(speed)
    temporary = state_dir is None
    directory = Path(tempfile.mkdtemp(prefix="ircli-served-")) if state_dir is None else Path(state_dir)
    the_clock = clock if isinstance(clock, MockClock) else MockClock(clock)
    simulator = Simulator(Store(directory), clock=the_clock, region=region, speed=speed)
    server = RunningServer(simulator, host, port).start()
    try:
        yield ServedSimulator(server, simulator, the_clock, directory)
    finally:
        server.shutdown()
        simulator.store.close()
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)
