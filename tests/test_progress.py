"""What waiting shows: each benchmark's stage (deploying, which phase or stair of the load test, done)
and its load test's time against the time expected, worked out from the job and its steps alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ircli.cli.output.progress import clock_text, summary, timing
from ircli.errors import WaitTimedOut
from ircli.lib.progress import DEFAULT_LOAD_TEST_SECONDS, benchmark_states, load_test_segments, overall_fraction
from ircli.lib.service import JobProgress

NOW = 1_800_000_000.0


def at(seconds_ago: float) -> datetime:
    return datetime.fromtimestamp(NOW - seconds_ago, tz=UTC)


def step(status: str, started: float | None = None, ended: float | None = None) -> dict[str, Any]:
    benchmark: dict[str, Any] = {"EndpointConfiguration": {"InstanceType": "ml.c5.large", "InitialInstanceCount": 1}}
    if started is not None:
        benchmark["InvocationStartTime"] = at(started)
    if ended is not None:
        benchmark["InvocationEndTime"] = at(ended)
    return {"Status": status, "InferenceBenchmark": benchmark}


PHASED = {
    "JobType": "Advanced",
    "InputConfig": {
        "TrafficPattern": {
            "TrafficType": "PHASES",
            "Phases": [
                {"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120},
                {"InitialNumberOfUsers": 3, "SpawnRate": 2, "DurationInSeconds": 240},
            ],
        }
    },
}


def test_a_phased_load_test_says_which_phase_and_how_far() -> None:
    assert [s.label for s in load_test_segments(PHASED)] == ["phase 1/2 at 1->3 users", "phase 2/2 at 3->11 users"]
    states = benchmark_states(
        PHASED, [step("PENDING"), step("IN_PROGRESS"), step("IN_PROGRESS", started=60), step("IN_PROGRESS", 180)],
        now=NOW, time_scale=1.0,
    )  # fmt: skip
    assert [s.stage for s in states] == [
        "waiting",
        "deploying endpoint",
        "phase 1/2 at 1->3 users",
        "phase 2/2 at 3->11 users",
    ]
    assert states[3].elapsed == 180 and states[3].expected == 360 and states[3].fraction == 0.5
    assert timing(states[3]) == "3:00 of ~6:00" and timing(states[0]) == ""
    assert overall_fraction(states) == (0 + 0 + 60 / 360 + 0.5) / 4


def test_stairs_count_their_users_and_the_simulators_speed_scales_the_estimate() -> None:
    # Five steps of 120 s each: DurationInSeconds is each step's (API reference).
    pattern = {"Stairs": {"DurationInSeconds": 120, "NumberOfSteps": 5, "UsersPerStep": 2}}
    stairs = {"JobType": "Advanced", "InputConfig": {"TrafficPattern": pattern}}
    # The simulator's timestamps keep the service's pace: 150 of its seconds are 2.5 wall seconds at 60x.
    states = benchmark_states(stairs, [step("IN_PROGRESS", started=150)], now=NOW, time_scale=1 / 60)
    assert states[0].expected == 10 and states[0].elapsed == 2.5 and states[0].stage == "stair 2/5 at 4 users"
    done = benchmark_states(stairs, [step("COMPLETED", started=900, ended=300)], now=NOW, time_scale=1 / 60)
    assert done[0].elapsed == 10  # 600 of the service's seconds


def test_a_finished_benchmark_replaces_the_estimate_and_a_default_job_uses_the_published_one() -> None:
    default = {"JobType": "Default", "InputConfig": {}}
    alone = benchmark_states(default, [step("IN_PROGRESS", started=100)], now=NOW, time_scale=1.0)
    assert alone[0].expected == DEFAULT_LOAD_TEST_SECONDS and alone[0].stage == "load test"
    measured = benchmark_states(
        default, [step("COMPLETED", started=500, ended=100), step("IN_PROGRESS", started=300)], now=NOW, time_scale=1.0
    )
    assert measured[1].expected == 400 and measured[1].fraction == 0.75 and measured[0].fraction == 1.0
    assert timing(measured[0]) == "6:40"  # a finished load test shows how long it took
    overdue = benchmark_states(default, [step("IN_PROGRESS", started=5000)], now=NOW, time_scale=1.0)
    assert overdue[0].fraction == 0.99  # never shown finished while it runs


def test_the_line_per_change_names_the_stages_and_not_the_times() -> None:
    job = {**PHASED, "Status": "IN_PROGRESS"}
    steps = [step("COMPLETED", 400, 40), step("IN_PROGRESS"), step("IN_PROGRESS", started=10)]
    progress = JobProgress(job, steps, elapsed=75.0)
    states = benchmark_states(job, steps, now=NOW, time_scale=1.0)
    assert summary(progress, states) == (
        "IN_PROGRESS, 1/3 benchmarks done, 2 running (1 deploying endpoint, 1 in phase 1/2 at 1->3 users)"
    )
    assert clock_text(75) == "1:15" and clock_text(3725) == "1:02:05"


def test_the_wait_reads_the_simulators_clock_for_its_sped_up_timestamps(tmp_path: Any) -> None:
    from ircli.backends.local import LocalBackend
    from ircli.cli.output.progress import job_clock
    from ircli.lib.service import RecommenderService

    class Clock:
        now = NOW

        def __call__(self) -> float:
            return self.now

    backend = LocalBackend(tmp_path / "state")  # the default speed: 90 times the service's
    clock = Clock()
    backend.simulator.clock = clock
    service = RecommenderService(backend)
    job = {"JobName": "w", "JobType": "Default", "RoleArn": "arn:aws:iam::123456789012:role/R"}
    service.call("CreateInferenceRecommendationsJob", {**job, "InputConfig": {"ModelName": "churn-xgboost"}})
    clock.now = NOW + 10
    seen: list[JobProgress] = []
    times = iter([0.0, 0.0, 100.0])
    with pytest.raises(WaitTimedOut):  # one observation, then the (fake) clock is past the timeout
        service.wait_for_job(
            "w", timeout=50, interval=1, on_update=seen.append, sleep=lambda _: None, clock=lambda: next(times)
        )
    progress = seen[0]
    described = progress.job
    assert progress.clock == described["CreationTime"].timestamp() + 10 * 90  # 10 wall seconds in
    assert job_clock(progress, 1.0, NOW + 11) == progress.clock + 90
    states = benchmark_states(described, progress.steps, now=progress.clock, time_scale=progress.time_scale)
    running = [s for s in states if s.status == "IN_PROGRESS" and s.elapsed is not None]
    assert running and all(0 < s.elapsed < s.expected for s in running)  # type: ignore[operator]
