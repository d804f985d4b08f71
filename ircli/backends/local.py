"""The local backend: the embedded simulator, called in process over its SQLite store, with each request
converted by its operation's input shape into the Python values a served protocol would hand the handler
(`ircli.simulator.protocols.shapes.from_params`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ircli.errors import ServiceError
from ircli.lib.backend import BackendKind
from ircli.simulator import open_simulator
from ircli.simulator.exceptions import SimulatorError


class LocalBackend:
    kind = BackendKind.LOCAL
    poll_interval = 1.0

    def __init__(
        self, state_dir: Path, *, region: str = "us-east-1", speed: str | None = None, clock: str | None = None
    ) -> None:
        from ircli.simulator.clock import virtual_clock
        from ircli.simulator.common import speed_factor

        # A bad IRCLI_SIM_SPEED or IRCLI_SIM_CLOCK is the environment's fault, said before anything runs.
        self.time_scale = speed_factor(speed)
        ticking = virtual_clock(clock)
        self.simulator = open_simulator(state_dir, region=region, speed=speed)
        if ticking is not None:  # a test's virtual clock (IRCLI_SIM_CLOCK) in place of the wall clock
            self.simulator.clock = ticking

    def prepare(self, operation: str) -> None:
        """The simulator needs nothing before a call."""

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        from ircli.operations import find
        from ircli.simulator.protocols.shapes import from_params, request_shape

        try:
            key = find(operation).key
        except KeyError:  # the simulator says so, as the service does
            key = None
        try:
            # The handler sees the Python values the served protocols parse the same request into.
            members = request if key is None else from_params(request_shape(key), request)
            # RecommenderService.call validated the request before handing it over.
            return self.simulator.dispatch(key or operation, members, validated=True)
        except SimulatorError as exc:
            raise ServiceError(exc.code, exc.message, operation) from None
        except sqlite3.DatabaseError as exc:  # a damaged store, a full disk: the environment's problem
            raise self.simulator.store.problem(exc) from None

    def get_products(self, request: dict[str, Any]) -> dict[str, Any]:
        """GetProducts as the simulator's Price List API answers it (`ircli.lib.prices.PriceSource`)."""
        return self.call("GetProducts", request)

    def job_clock(self, job_name: str) -> float | None:
        """Now, as the job's timestamps count it (they keep the service's pace: `ircli.simulator.timeline`);
        None for a job the store does not hold."""
        try:
            return self.simulator.jobs.clock_of(job_name)
        except sqlite3.DatabaseError as exc:
            raise self.simulator.store.problem(exc) from None

    def read_object(self, uri: str) -> bytes | None:
        from ircli.errors import InputError
        from ircli.simulator.objects import split_uri

        try:
            bucket, key = split_uri(uri)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        try:
            return self.simulator.objects.get(bucket, key)
        except sqlite3.DatabaseError as exc:
            raise self.simulator.store.problem(exc) from None

    def close(self) -> None:
        self.simulator.store.close()
