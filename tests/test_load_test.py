"""ircli load-test's core, in process: the traffic's levels as the job's semantics define them, the stopping
conditions as the service applies them, the figures picked from what was measured, payloads, the results
store read as a job, and the simulated endpoint's latency under load. The tests that run Locust are in
test_load_test_slow.py."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from ircli.errors import InputError
from ircli.lib.loadtest.payloads import load_payloads
from ircli.lib.loadtest.results import Measurements, evaluate, percentile, stop_reason, summarise
from ircli.lib.loadtest.traffic import Conditions, traffic_from
from ircli.simulator.sagemaker import perf
from ircli.simulator.sagemaker_runtime.load import SPREAD, Capacity, latency_ms, spread


def test_phases_start_at_their_initial_users_and_add_spawn_rate_users_a_minute() -> None:
    traffic = traffic_from(
        {
            "Phases": [
                {"InitialNumberOfUsers": 2, "SpawnRate": 3, "DurationInSeconds": 60},
                {"InitialNumberOfUsers": 1, "SpawnRate": 0, "DurationInSeconds": 30},
            ]
        },
        None,
    )
    assert [(level.start, level.seconds, level.users) for level in traffic.levels] == [
        (0.0, 20.0, 2),
        (20.0, 20.0, 3),
        (40.0, 20.0, 4),
        (60.0, 30.0, 1),
    ]
    assert traffic.seconds == 90.0


def test_stairs_last_duration_over_steps_each_with_n_times_users_per_step() -> None:
    traffic = traffic_from({"Stairs": {"DurationInSeconds": 600, "NumberOfSteps": 5, "UsersPerStep": 2}}, None)
    assert [(level.start, level.seconds, level.users) for level in traffic.levels] == [
        (0.0, 120.0, 2),
        (120.0, 120.0, 4),
        (240.0, 120.0, 6),
        (360.0, 120.0, 8),
        (480.0, 120.0, 10),
    ]


def test_the_services_limits_are_warnings_and_real_mistakes_are_refused() -> None:
    traffic = traffic_from(
        {"Phases": [{"InitialNumberOfUsers": 5, "SpawnRate": 0, "DurationInSeconds": 20}]},
        {"MaxInvocations": 50000},
    )
    assert any("InitialNumberOfUsers" in w and "would refuse" in w for w in traffic.warnings)
    assert any("DurationInSeconds" in w for w in traffic.warnings)
    assert any("MaxInvocations" in w for w in traffic.warnings)
    with pytest.raises(InputError):
        traffic_from({"Stairs": {"DurationInSeconds": 60, "NumberOfSteps": 0, "UsersPerStep": 1}}, None)
    with pytest.raises(InputError):
        traffic_from({}, None)
    with pytest.raises(InputError):
        traffic_from({"Stairs": {"DurationInSeconds": 60}}, {"FlatInvocations": "Maybe"})


def _measured(levels: list[tuple[int, list[float], int]]) -> Measurements:
    measurements = Measurements()
    for index, latencies, errors in levels:
        for number, value in enumerate(latencies):
            measurements.add(index, number % 10, value, ok=True)
        for _ in range(errors):
            measurements.add(index, 0, 5.0, ok=False, status="500", body="boom")
    return measurements


def test_the_figures_are_from_the_highest_load_that_met_the_threshold() -> None:
    traffic = traffic_from(
        {"Stairs": {"DurationInSeconds": 30, "NumberOfSteps": 3, "UsersPerStep": 1}},
        {"ModelLatencyThresholds": [{"Percentile": "P90", "ValueInMilliseconds": 50}], "FlatInvocations": "Continue"},
    )
    # 10 s levels: 100, 190 and 250 answers; the third level's P90 breaks the threshold.
    measured = _measured([(0, [20.0] * 100, 0), (1, [30.0] * 150 + [45.0] * 40, 0), (2, [40.0] * 200 + [90.0] * 50, 0)])
    summary = summarise(measured, traffic, {0: 10.0, 1: 10.0, 2: 10.0})
    assert summary.max_invocations == 1140  # 190 answers in 10 s
    assert summary.model_latency_ms == 45  # the P90 of that level, whole milliseconds
    assert summary.stop_reason is not None and "above the threshold" in summary.stop_reason
    assert [level.met for level in summary.levels] == [True, True, False]


def test_max_invocations_stops_the_test_once_a_level_reaches_it() -> None:
    conditions = Conditions(max_invocations=1000)
    traffic = traffic_from({"Stairs": {"DurationInSeconds": 30, "NumberOfSteps": 3, "UsersPerStep": 1}}, None)
    measured = _measured([(0, [10.0] * 100, 0), (1, [10.0] * 200, 0)])
    done = [evaluate(measured, traffic.levels[i], 10.0, conditions) for i in (0, 1)]
    assert stop_reason(done[:1], conditions) is None  # 600 per minute
    assert "MaxInvocations reached" in str(stop_reason(done, conditions))  # 1200 per minute


def test_flat_invocations_stop_unless_continue() -> None:
    traffic = traffic_from({"Stairs": {"DurationInSeconds": 20, "NumberOfSteps": 2, "UsersPerStep": 1}}, None)
    measured = _measured([(0, [10.0] * 100, 0), (1, [20.0] * 104, 0)])  # twice the users, 4% more answers
    done = [evaluate(measured, level, 10.0, Conditions()) for level in traffic.levels]
    assert "flat" in str(stop_reason(done, Conditions()))
    assert stop_reason(done, Conditions(stop_when_flat=False)) is None
    rising = _measured([(0, [10.0] * 100, 0), (1, [10.0] * 190, 0)])
    done = [evaluate(rising, level, 10.0, Conditions()) for level in traffic.levels]
    assert stop_reason(done, Conditions()) is None


def test_errors_are_counted_with_their_bodies_and_a_level_with_errors_does_not_count() -> None:
    traffic = traffic_from({"Stairs": {"DurationInSeconds": 10, "NumberOfSteps": 1, "UsersPerStep": 1}}, None)
    summary = summarise(_measured([(0, [10.0] * 5, 3)]), traffic, {0: 10.0})
    assert summary.errors == 3 and summary.statuses == {"200": 5, "500": 3}
    assert summary.best is None and summary.max_invocations == 0


def test_measurements_merge_across_processes() -> None:
    one, two = _measured([(0, [1.0, 2.0], 1)]), _measured([(0, [3.0], 0)])
    merged = Measurements()
    merged.merge(one.to_json())
    merged.merge(two.to_json())
    buckets = merged.level_buckets(0)
    assert sum(b.answered for b in buckets) == 3 and sum(b.errors for b in buckets) == 1
    assert merged.error_samples[0]["Body"] == "boom"


def test_latencies_are_kept_as_a_histogram_within_a_quarter_percent() -> None:
    from ircli.lib.loadtest.results import histogram_percentile, latency_bin

    values = [0.8 + 0.37 * n for n in range(2000)]
    histogram: dict[int, int] = {}
    for value in values:
        histogram[latency_bin(value)] = histogram.get(latency_bin(value), 0) + 1
    for quantile in (0.5, 0.9, 0.95, 0.99, 1.0):
        exact = percentile(values, quantile)
        assert histogram_percentile(histogram, quantile) == pytest.approx(exact, rel=0.0026)
    assert histogram_percentile({}, 0.5) is None


def test_a_simulators_time_scale_turns_figures_back_into_the_services_time() -> None:
    traffic = traffic_from({"Stairs": {"DurationInSeconds": 10, "NumberOfSteps": 1, "UsersPerStep": 1}}, None)
    # At 10x speed: 1 ms answers on the wall clock are 10 ms of the service's, 600 a minute are 60.
    summary = summarise(_measured([(0, [1.0] * 100, 0)]), traffic, {0: 10.0}, time_scale=0.1)
    assert summary.model_latency_ms == 10 and summary.max_invocations == 60


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0 and percentile(values, 0.5) == 50.0 and percentile([], 0.5) is None


def test_payloads_from_an_archive_a_folder_or_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "payloads"
    folder.mkdir()
    (folder / "a.csv").write_text("1,2\n")
    (folder / "b.csv").write_text("3,4\n")
    archive = tmp_path / "payload.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ("a.csv", "b.csv"):
            tar.add(folder / name, arcname=f"sample/{name}")
        info = tarfile.TarInfo("sample/.hidden")
        tar.addfile(info, io.BytesIO(b""))
    for source in (folder, archive):
        payloads = load_payloads(str(source), None)
        assert payloads.bodies == (b"1,2\n", b"3,4\n") and payloads.content_type == "text/csv"
    assert load_payloads(str(folder / "a.csv"), "application/x-custom").content_type == "application/x-custom"
    (folder / "c.bin").write_bytes(b"\x00")
    with pytest.raises(InputError, match="content type"):
        load_payloads(str(folder), None)


def test_the_simulated_latency_is_the_performance_models_at_the_same_utilisation() -> None:
    capacity = Capacity(service_ms=60.0, slots=2, instances=3)
    assert [spread(q) for q, _ in SPREAD[:-1]] == [f for _, f in SPREAD[:-1]]
    for rho in (0.1, 0.5, 0.8):
        rate = rho * capacity.slots * capacity.instances / 0.060  # arrivals per second
        p95 = latency_ms(capacity, rate, 0.95)
        expected = 60.0 * perf.PERCENTILE_FACTORS["P95"] * (1 + rho / ((1 - rho) * capacity.slots))
        assert p95 == pytest.approx(expected)
    assert latency_ms(capacity, 0.0, 0.5) == pytest.approx(60.0)


def need_locust() -> None:
    """Never imported here: importing Locust monkey-patches the process, which only its own may be."""
    import importlib.util

    if importlib.util.find_spec("locust") is None:
        pytest.skip("Locust is not installed (pip install 'ircli[load-test]')")


def test_a_url_that_does_not_answer_ping_is_a_clear_error(cli: object, tmp_path: Path) -> None:
    need_locust()
    payload = tmp_path / "p.csv"
    payload.write_text("1,2,3\n")
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli(  # type: ignore[operator]
        "load-test", "--url", f"http://127.0.0.1:{port}", "--payload", str(payload),
        "--stairs", "DurationInSeconds=2,NumberOfSteps=1,UsersPerStep=1", expect=253,
    )  # fmt: skip
    assert "did not answer GET /ping" in result.err and "Traceback" not in result.err


def test_a_load_test_needs_one_target_and_payloads(cli: object, tmp_path: Path) -> None:
    need_locust()
    payload = tmp_path / "p.csv"
    payload.write_text("1\n")
    stairs = ("--stairs", "DurationInSeconds=2,NumberOfSteps=1,UsersPerStep=1")
    result = cli("load-test", "--payload", str(payload), *stairs, expect=252)  # type: ignore[operator]
    assert "Give one target" in result.err
    result = cli("load-test", "--url", "http://127.0.0.1:1", *stairs, expect=252)  # type: ignore[operator]
    assert "--payload" in result.err


def test_only_the_engines_own_package_imports_locust_or_gevent() -> None:
    """gevent's monkey-patching is confined to the engine's process: nothing ircli's process loads imports it."""
    import ast

    root = Path(__file__).resolve().parent.parent / "ircli"
    importers = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("locust", "gevent", "geventhttpclient") for n in names):
                importers.add(path.relative_to(root).parts[0])
    assert importers == {"loadtest"}


def _kept(state: Path, name: str, body: str = "boom") -> dict[str, object]:
    """A finished test, made from measurements rather than run, kept where load-test keeps it."""
    from ircli.lib.loadtest.measured import LoadTestResult, Target
    from ircli.lib.loadtest.results import minutes
    from ircli.lib.loadtest.run import Run
    from ircli.lib.loadtest.store import MeasuredStore

    traffic = traffic_from(
        {"Stairs": {"DurationInSeconds": 20, "NumberOfSteps": 2, "UsersPerStep": 2}},
        {"ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 100}]},
    )
    measured = _measured([(0, [40.0] * 600, 0), (1, [60.0] * 1100, 0)])
    measured.add(1, 3, 9.0, ok=False, status="500", body=body)
    run = Run(measured, {0: 10.0, 1: 10.0}, False, None, {"Requests": 1701}, 1.7e9, 1.7e9 + 20, 0)
    target = Target("url", "http://127.0.0.1:8080", "ml.c5.large", 2, price_per_hour=0.102)
    summary = summarise(measured, traffic, run.ran)
    result = LoadTestResult(name, target, traffic, summary, tuple(minutes(measured, traffic)), run, "here", "p", "x")
    MeasuredStore(lambda: state).save(name, result.to_job(), result.to_document())
    return result.to_document()


def test_a_kept_load_test_reads_as_a_job(cli: object, isolated_state: Path) -> None:
    document = _kept(isolated_state, "measured")
    assert document["Metrics"]["MaxInvocations"] == 3600 and document["Errors"]["Count"] == 1
    job = cli("describe-job", "measured", "--output", "json").json  # type: ignore[operator]
    assert job["JobDescription"].startswith("Measured by ircli load-test on http://127.0.0.1:8080 from here")
    assert ":000000000000:" in job["JobArn"] and job["Status"] == "COMPLETED"
    recommendation = job["InferenceRecommendations"][0]
    assert recommendation["Metrics"]["MaxInvocations"] == 3600 and recommendation["Metrics"]["ModelLatency"] == 40
    assert recommendation["EndpointConfiguration"]["InitialInstanceCount"] == 2
    assert recommendation["Metrics"]["CostPerHour"] == pytest.approx(0.204)
    steps = cli("list-steps", "measured", "--output", "json").json  # type: ignore[operator]
    assert steps["Steps"][0]["InferenceBenchmark"]["Metrics"]["MaxInvocations"] == 3600
    _kept(isolated_state, "measured-again")
    compared = cli("compare-jobs", "measured", "measured-again", "--output", "json").json  # type: ignore[operator]
    assert compared["Comparisons"][0]["Metrics"]["MaxInvocations"]["ChangePercent"] == 0.0
    cli("cost-estimate", "measured", "--average-per-minute", "100", "--peak-per-minute", "200")  # type: ignore[operator]
    cli("rank-recommendations", "measured")  # type: ignore[operator]
    missing = cli("describe-job", "never-kept", expect=254)  # type: ignore[operator]
    assert "never-kept" in missing.err


def test_what_a_container_answered_reaches_the_terminal_escaped(isolated_state: Path) -> None:
    from ircli.cli.output.views.loadtest import load_test_tables

    document = _kept(isolated_state, "hostile", body="\x1b]52;c;cGF5bG9hZA==\x07\x1b[2J error")
    tables = load_test_tables(document)
    assert tables[0].title.startswith("Errors")  # the finding first
    cells = [cell for table in tables for row in table.rows for cell in row]
    assert any("error" in cell for cell in cells) and not any("\x1b" in cell or "\x07" in cell for cell in cells)


def test_a_kept_load_test_is_answered_in_the_services_own_shapes(isolated_state: Path) -> None:
    import botocore.session

    from ircli.lib.loadtest.store import MeasuredStore
    from tests.shapes import walk

    _kept(isolated_state, "shaped")
    store = MeasuredStore(lambda: isolated_state)
    model = botocore.session.get_session().get_service_model("sagemaker")
    job, steps = store.job("shaped"), store.steps("shaped")
    recommendation_id = job["InferenceRecommendations"][0]["RecommendationId"]  # type: ignore[index]
    scaling = store.scaling({"InferenceRecommendationsJobName": "shaped", "RecommendationId": recommendation_id})
    for operation, answer in (
        ("DescribeInferenceRecommendationsJob", job),
        ("ListInferenceRecommendationsJobSteps", {"Steps": steps}),
        ("GetScalingConfigurationRecommendation", scaling),
    ):
        assert walk(model.operation_model(operation).output_shape, answer) == [], operation
