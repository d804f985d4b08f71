"""A load test of a simulated endpoint in the service's time, in process: the endpoint told the load in
CustomAttributes answers with the latency the performance model gives at it (and says so in its own
CustomAttributes, over the runtime's wire too); the figures of such answers follow the closed loops
(Little's law), not how fast the machine drove them; the schedule's pace. The end-to-end reproduction of a
recommendation at the default speed is in test_load_test_slow.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest

from ircli.lib.loadtest.results import Measurements, minutes, summarise
from ircli.lib.loadtest.setup import MIN_LEVEL_WALL_SECONDS, pace_for
from ircli.lib.loadtest.traffic import traffic_from
from ircli.loadtest.targets import modelled
from ircli.operations import OperationKey, Service
from ircli.simulator.models import Simulator
from ircli.simulator.protocols import HttpRequest
from ircli.simulator.protocols.restjson import RuntimeRestJson
from ircli.simulator.sagemaker.load import Station
from ircli.simulator.sagemaker_runtime.load import Capacity, capacity_of, closed_loop_latency_ms, declared_users
from ircli.simulator.store import Store
from tests.shapes import walk

ROLE = "arn:aws:iam::123456789012:role/ExampleRole"


def deployed(tmp_path: Path, count: int) -> Simulator:
    sim = Simulator(Store(tmp_path / "state"), speed="instant")
    sim.dispatch("CreateModel", {"ModelName": "m", "PrimaryContainer": {"Image": "img"}, "ExecutionRoleArn": ROLE})
    variant = {"VariantName": "AllTraffic", "ModelName": "m", "InstanceType": "ml.c5.xlarge"}
    variant["InitialInstanceCount"] = count  # type: ignore[assignment]
    sim.dispatch("CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": [variant]})
    sim.dispatch("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})
    return sim


def test_a_load_test_declares_its_users_in_custom_attributes() -> None:
    assert declared_users("ircli-load-users=12") == 12
    assert declared_users("trace=abc; ircli-load-users=3") == 3
    assert declared_users("ircli-load-users=0") is None and declared_users("ircli-load-users=x") is None
    assert declared_users(None) is None and declared_users("other=1") is None
    assert declared_users("ircli-load-users=" + "9" * 5000) is None  # refused, not a ValueError
    assert declared_users("ircli-load-users=999999999") == 100_000  # at most what one test could run
    assert modelled("ircli-model-latency-ms=41.5;ircli-overhead-latency-ms=105") == (41.5, 105.0)
    assert modelled("junk;ircli-model-latency-ms=") == (None, None)


def test_the_modelled_latency_is_the_performance_models_closed_loop_at_the_declared_users() -> None:
    capacity = Capacity(service_ms=60.0, slots=2, instances=3, overhead_ms=20.0)
    station = Station(60.0, 2, 20.0)
    for users in (1, 3, 12, 40):
        assert closed_loop_latency_ms(capacity, users, 0.95) == pytest.approx(1.5 * station.latency_ms(users / 3))
        assert closed_loop_latency_ms(capacity, users, 0.5) == pytest.approx(station.latency_ms(users / 3))


def test_a_simulated_endpoint_told_the_load_answers_what_it_modelled(tmp_path: Path) -> None:
    sim = deployed(tmp_path, 2)
    request = {"EndpointName": "e", "Body": b"1,2,3", "ContentType": "text/csv", "CustomAttributes": ""}
    plain = sim.dispatch("InvokeEndpoint", {k: v for k, v in request.items() if k != "CustomAttributes"})
    assert "CustomAttributes" not in plain  # nothing changes for a caller that does not declare its load
    endpoint = sim.endpoints.materialized_endpoint("e", sim.endpoints.endpoint_row("e"))
    capacity = capacity_of(sim, endpoint["variants"][0])
    assert capacity is not None and capacity.instances == 2
    station = Station(capacity.service_ms, capacity.slots, capacity.overhead_ms)
    shape = botocore.session.get_session().get_service_model("sagemaker-runtime")
    for users in (1, 30):
        answers: list[tuple[float, float]] = []
        for _ in range(200):
            answer = sim.dispatch("InvokeEndpoint", dict(request, CustomAttributes=f"ircli-load-users={users}"))
            model_ms, overhead_ms = modelled(answer["CustomAttributes"])
            assert model_ms is not None and overhead_ms == pytest.approx(capacity.overhead_ms, abs=1e-3)
            answers.append((model_ms, overhead_ms))
        assert walk(shape.operation_model("InvokeEndpoint").output_shape, answer) == []
        latencies = sorted(m for m, _ in answers)
        mean = station.latency_ms(users / 2)
        assert latencies[int(0.95 * 200) - 1] == pytest.approx(1.5 * mean, rel=0.02)  # the model's P95
        assert sum(latencies) / 200 == pytest.approx(mean, rel=0.02)


def test_custom_attributes_cross_the_runtimes_wire_both_ways() -> None:
    protocol = RuntimeRestJson()
    key = OperationKey(Service.RUNTIME, "InvokeEndpoint")
    headers = {"content-type": "text/csv", "x-amzn-sagemaker-custom-attributes": "ircli-load-users=5"}
    parsed = protocol.parse(HttpRequest("POST", "/endpoints/e/invocations", headers, b"1"), key)
    assert parsed["CustomAttributes"] == "ircli-load-users=5"
    result = {"Body": b"0", "ContentType": "text/csv", "InvokedProductionVariant": "v", "CustomAttributes": "a=1"}
    reply = protocol.serialize(key, result)
    assert ("X-Amzn-SageMaker-Custom-Attributes", "a=1") in reply.headers


def _modelled(level_answers: dict[int, list[tuple[int, float, float]]]) -> Measurements:
    """(second, model ms, overhead ms) answers by level."""
    measured = Measurements()
    for level, answers in level_answers.items():
        for second, model_ms, overhead_ms in answers:
            measured.add(level, second, model_ms, ok=True, cycle_ms=model_ms + overhead_ms)
    return measured


def test_modelled_answers_give_the_closed_loops_rate_whatever_the_machines_pace() -> None:
    traffic = traffic_from({"Stairs": {"DurationInSeconds": 120, "NumberOfSteps": 2, "UsersPerStep": 4}}, None)
    # 4 users then 8, each answer 100 ms of the model and 50 outside it: 4 x 60000 / 150 = 1600 a minute,
    # however few answers the machine managed in the level (here 30, then 45), and 3200 with 8 users.
    level_1 = [(s % 60, 100.0, 50.0) for s in range(30)]
    level_2 = [(60 + s % 60, 100.0, 50.0) for s in range(45)]
    merged = Measurements()
    merged.merge(_modelled({0: level_1, 1: level_2}).to_json())  # as workers send it to the master
    summary = summarise(merged, traffic, {0: 60.0, 1: 60.0}, time_scale=1 / 90)
    assert [round(level.per_minute) for level in summary.levels] == [1600, 3200]
    assert summary.max_invocations == 3200 and summary.model_latency_ms == 100  # not scaled by the speed
    series = minutes(merged, traffic, 1 / 90, {0: 60.0, 1: 60.0})
    assert [(m.users, m.invocations) for m in series] == [(4, 1600), (8, 3200)]
    assert [m.latency_ms for m in series] == [pytest.approx(100.0, rel=0.003)] * 2  # the histogram's bins


def test_an_answer_in_flight_at_a_levels_end_counts_in_its_last_minute() -> None:
    traffic = traffic_from({"Stairs": {"DurationInSeconds": 60, "NumberOfSteps": 1, "UsersPerStep": 2}}, None)
    measured = _modelled({0: [(10, 80.0, 20.0), (60, 80.0, 20.0)]})  # the last one answered after the end
    series = minutes(measured, traffic, 1.0, {0: 60.0})
    assert [(m.minute, m.invocations) for m in series] == [(0, 1200)]


def test_a_simulated_endpoints_traffic_runs_at_its_pace_with_levels_long_enough_to_measure() -> None:
    phases: dict[str, Any] = {"Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}]}
    traffic = traffic_from(phases, None)  # two levels of 60 s
    assert pace_for(traffic, 1 / 90) == pytest.approx(MIN_LEVEL_WALL_SECONDS / 60)  # held to 2 s a level
    assert pace_for(traffic, 0.0) == pytest.approx(MIN_LEVEL_WALL_SECONDS / 60)  # instant as well
    assert pace_for(traffic, 1.0) == 1.0  # realtime stays real time
    long = traffic_from({"Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 0, "DurationInSeconds": 3600}]}, None)
    assert pace_for(long, 1 / 90) == pytest.approx(1 / 90)


def test_more_users_than_one_process_drives_default_to_one_worker_a_core() -> None:
    from ircli.lib.loadtest.setup import HEAVY_USERS, LoadTestFlags, default_workers

    def stairs(users: int) -> Any:
        return traffic_from({"Stairs": {"DurationInSeconds": 60, "NumberOfSteps": 2, "UsersPerStep": users}}, None)

    light, heavy = stairs(HEAVY_USERS // 2), stairs(HEAVY_USERS // 2 + 1)  # the most users: the last step's
    assert default_workers(light, LoadTestFlags(), False, 8) is None
    assert default_workers(heavy, LoadTestFlags(), False, 8) == 8
    assert default_workers(heavy, LoadTestFlags(), False, None) == 1
    assert default_workers(heavy, LoadTestFlags(workers=0), False, 8) is None  # --workers given wins
    assert default_workers(heavy, LoadTestFlags(master_bind="0.0.0.0:5557"), False, 8) is None
    assert default_workers(heavy, LoadTestFlags(), True, 8) is None  # a simulated endpoint's figures are modelled


def test_load_tests_help_says_heavy_traffic_runs_on_a_worker_a_core(cli: Any) -> None:
    text = " ".join(cli("load-test", "--help", environ={"COLUMNS": "200"}).out.split())
    assert "one worker a core (os.cpu_count())" in text and "more than 100 users" in text
