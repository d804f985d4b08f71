"""The Locust side of `ircli load-test`, run only as its own process (`python -m ircli.loadtest.engine`):
gevent's monkey-patching happens here and nowhere else, so ircli's own process is never patched.

One process runs the test alone (Locust's LocalRunner) or as the master of workers (MasterRunner: the
workers it starts itself with `--workers N`, or ones started on other machines with `--worker`); a worker
(WorkerRunner) gets the test (target, payloads) from its master, so a remote worker needs no files. Users
are closed loops (no wait between requests). The shape is the traffic's schedule of levels; after each
level the stopping conditions are applied (`ircli.lib.loadtest.results.stop_reason`) to what every process
measured, which workers send with Locust's own reports. Progress goes to stdout as JSON lines; the result
is written as one JSON document to the `--out` file.

Against a simulated endpoint the schedule runs at the spec's `pace` (wall seconds per second of the traffic:
the simulator's time scale, held to at least MIN_LEVEL_WALL_SECONDS a level by the CLI), and the figures are
those the simulator modelled, in the service's time; levels and seconds are kept in the traffic's own time.
"""

from gevent import monkey

monkey.patch_all()

# ruff: noqa: E402  (the imports after the patching must see the patched modules)
import argparse
import base64
import itertools
import json
import logging
import signal
import socket
import subprocess
import sys
import time
from typing import Any, ClassVar

import gevent
import locust.runners
from locust import User, constant, task
from locust.env import Environment
from locust.shape import LoadTestShape

from ircli.lib.loadtest.results import Measurements, evaluate, stop_reason
from ircli.lib.loadtest.traffic import Level, Traffic, traffic_from
from ircli.loadtest.targets import make_client

REPORT_INTERVAL = 1.0  # seconds between a worker's reports (Locust's default is 3)
SPAWN_RATE = 1000.0  # users a second: a level's users all start at once, as the service's steps do
WORKER_WAIT_SECONDS = 60.0
locust.runners.WORKER_REPORT_INTERVAL = REPORT_INTERVAL


class State:
    """What this process knows of the test: its spec, the current level and what it measured."""

    spec: dict[str, Any] | None = None
    ready = gevent.event.Event()
    level = 0
    level_start = 0.0  # the level's start in the test's seconds
    level_seen = 0.0  # this process's monotonic time when it learned of the level
    users = 1  # the level's users, across every process (what a simulated endpoint is told)
    pace = 1.0  # wall seconds per second of the traffic
    measurements = Measurements()
    time_scale: float | None = None
    payloads: ClassVar[list[bytes]] = []
    counter = itertools.count()

    @classmethod
    def take(cls, spec: dict[str, Any]) -> None:
        cls.spec = spec
        cls.pace = float(spec.get("pace") or 1.0)
        cls.payloads = [base64.b64decode(p) for p in spec["payloads"]]
        cls.ready.set()

    @classmethod
    def enter(cls, index: int, start: float, users: int) -> None:
        cls.level, cls.level_start, cls.level_seen, cls.users = index, start, time.monotonic(), users

    @classmethod
    def second(cls) -> int:
        return int(cls.level_start + (time.monotonic() - cls.level_seen) / cls.pace)


class Invoker(User):
    """One closed loop: send a payload, wait for the answer, send the next."""

    wait_time = constant(0)

    def on_start(self) -> None:
        State.ready.wait()
        assert State.spec is not None
        self.target = make_client(State.spec["target"], State.spec["content_type"], State.spec.get("accept"))

    @task
    def invoke(self) -> None:
        payload = State.payloads[next(State.counter) % len(State.payloads)]
        started = time.perf_counter()
        answer = self.target.invoke(payload, State.users)
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        if answer.time_scale is not None:
            State.time_scale = answer.time_scale
        latency, cycle = elapsed_ms, None
        if answer.model_ms is not None:  # a simulated endpoint's modelled latency, in the service's time
            latency, cycle = answer.model_ms, answer.model_ms + (answer.overhead_ms or 0.0)
        State.measurements.add(
            State.level, State.second(), latency, ok=answer.ok, status=answer.status, body=answer.body, cycle_ms=cycle
        )
        self.environment.events.request.fire(
            request_type="POST",
            name=self.target.name,
            response_time=latency,  # live progress and Locust's statistics say the figures the result keeps
            response_length=answer.length,
            exception=None if answer.ok else RuntimeError(f"{answer.status}: {answer.body[:200]}"),
            context={},
        )


class Shape(LoadTestShape):
    """The traffic's levels; the stopping conditions after each one."""

    def __init__(self, traffic: Traffic, announce: Any, lag: float) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Locust leaves it untyped
        self.traffic, self.announce, self.lag = traffic, announce, lag
        self.current: Level | None = None
        self.ran: dict[int, float] = {}
        self.done: list[Any] = []
        self.reason: str | None = None
        self.interrupted = False
        self.finished = False

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time() / State.pace  # type: ignore[no-untyped-call]
        self._judge(elapsed)
        level = self.traffic.level_at(elapsed)
        if self.reason or self.interrupted or level is None:
            if self.current is not None:
                self.ran[self.current.index] = min(self.current.seconds, elapsed - self.current.start)
            self.finished = True
            return None
        if self.current is None or level.index != self.current.index:
            if self.current is not None:
                self.ran[self.current.index] = self.current.seconds
            self.current = level
            self.announce(level)
        return level.users, SPAWN_RATE

    def _judge(self, elapsed: float) -> None:
        for level in self.traffic.levels[len(self.done) :]:
            if level.end + self.lag / State.pace > elapsed or self.reason:
                return
            scale = State.time_scale or State.measurements.time_scale or 1.0
            self.done.append(evaluate(State.measurements, level, level.seconds, self.traffic.conditions, scale))
            self.reason = stop_reason(self.done, self.traffic.conditions)


def emit(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def progress(env: Environment, shape: Shape) -> None:
    started = time.monotonic()
    while not shape.finished:
        total = env.stats.total
        emit(
            {
                "event": "progress",
                "elapsed": round(time.monotonic() - started, 1),
                "level": shape.current.label if shape.current else "",
                "users": env.runner.user_count if env.runner else 0,
                "rps": round(total.current_rps, 1),
                "p50": total.get_current_response_time_percentile(0.5),
                "p95": total.get_current_response_time_percentile(0.95),
                "errors": total.num_failures,
                "workers": len(getattr(env.runner, "clients", ())),
            }
        )
        gevent.sleep(1.0)


def locust_totals(env: Environment) -> dict[str, Any]:
    total = env.stats.total
    return {
        "Requests": total.num_requests,
        "Failures": total.num_failures,
        "MedianMs": total.median_response_time,
        "P95Ms": total.get_response_time_percentile(0.95),
        "AverageMs": round(total.avg_response_time, 3),
        "RequestsPerSecond": round(total.total_rps, 3),
        "Seconds": round(total.last_request_timestamp - total.start_time, 3) if total.last_request_timestamp else 0,
    }


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start_workers(count: int, host: str, port: int) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "ircli.loadtest.engine", "--worker", "--master-host", host]
    return [subprocess.Popen([*command, "--master-port", str(port)], stdout=subprocess.DEVNULL) for _ in range(count)]


def run_master(spec: dict[str, Any], traffic: Traffic, out: str) -> None:
    env = Environment(user_classes=[Invoker])
    local = not spec.get("workers") and not spec.get("master_bind")
    if local:
        runner: Any = env.create_local_runner()
        announce = lambda level: State.enter(level.index, level.start, level.users)  # noqa: E731
    else:
        host, _, port_text = (spec.get("master_bind") or "127.0.0.1:0").rpartition(":")
        port = int(port_text) or free_port(host or "127.0.0.1")
        runner = env.create_master_runner(master_bind_host=host or "*", master_bind_port=port)
        env.events.worker_report.add_listener(  # type: ignore[no-untyped-call]
            lambda client_id, data: State.measurements.merge(data.get("ircli", {}))
        )

        def announce(level: Level) -> None:
            State.enter(level.index, level.start, level.users)
            runner.send_message("ircli_level", [level.index, level.start, level.users])

        children = start_workers(int(spec.get("workers") or 0), "127.0.0.1", port) if spec.get("workers") else []
        expected = int(spec.get("workers") or spec.get("expect_workers") or 1)
        emit({"event": "waiting", "workers": expected, "port": port})
        deadline = time.monotonic() + WORKER_WAIT_SECONDS
        while len(runner.clients.ready) < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(runner.clients.ready)} of {expected} workers connected in time")
            gevent.sleep(0.1)
        runner.send_message("ircli_spec", spec)
    shape = Shape(traffic, announce, lag=0.05 if local else REPORT_INTERVAL * 2 + 0.5)
    env.shape_class = shape
    shape.runner = runner
    gevent.signal_handler(signal.SIGINT, lambda: setattr(shape, "interrupted", True))
    State.take(spec)
    started = time.time()
    runner.start_shape()
    progress(env, shape)
    if not local:
        gevent.sleep(REPORT_INTERVAL * 2 + 0.5)  # the workers' last reports
    result = {
        "measurements": State.measurements.to_json(),
        "ran": shape.ran,
        "interrupted": shape.interrupted,
        "time_scale": State.time_scale or State.measurements.time_scale,
        "locust": locust_totals(env),
        "started": started,
        "ended": time.time(),
        "workers": 0 if local else len(runner.clients),
    }
    runner.quit()
    if not local:
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


def run_worker(host: str, port: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the master decides when the test ends
    env = Environment(user_classes=[Invoker])
    runner = env.create_worker_runner(master_host=host, master_port=port)
    runner.register_message("ircli_spec", lambda msg, **_: State.take(msg.data))
    runner.register_message(
        "ircli_level", lambda msg, **_: State.enter(int(msg.data[0]), float(msg.data[1]), int(msg.data[2]))
    )

    def report(client_id: str, data: dict[str, Any]) -> None:
        data["ircli"] = State.measurements.to_json()  # rides on Locust's own report to the master
        State.measurements.clear()
        if State.time_scale is not None:
            data["ircli"]["time_scale"] = State.time_scale

    env.events.report_to_master.add_listener(report)  # type: ignore[no-untyped-call]
    runner.greenlet.join()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ircli-load-test-engine")
    parser.add_argument("--spec")
    parser.add_argument("--out")
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--master-host", default="127.0.0.1")
    parser.add_argument("--master-port", type=int, default=5557)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.worker:
        run_worker(args.master_host, args.master_port)
        return
    with open(args.spec, encoding="utf-8") as handle:
        spec = json.load(handle)
    traffic = traffic_from(spec["traffic"]["TrafficPattern"], spec["traffic"].get("StoppingConditions"))
    run_master(spec, traffic, args.out)


if __name__ == "__main__":
    main()
