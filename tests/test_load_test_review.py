"""Kept load tests where the review found them misbehave: list-jobs' time filters and paging with them,
the backend, region and endpoint they belong to, a name the service already has, the report's figures, the
profile a simulated endpoint answers with, live progress, the price source, and where CustomAttributes
are sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner
from tests.test_load_test import _kept


def _names(listed: dict[str, Any]) -> list[str]:
    return [job["JobName"] for job in listed["InferenceRecommendationsJobs"]]


def test_time_filters_select_kept_load_tests_by_their_times(cli: CliRunner, isolated_state: Path) -> None:
    _kept(isolated_state, "measured")  # created at epoch 1.7e9, 2023-11-14
    for flags, listed in (
        (("--creation-time-after", "2023-01-01"), ["measured"]),
        (("--creation-time-after", "2023-01-01T00:00:00Z"), ["measured"]),
        (("--creation-time-after", "1600000000"), ["measured"]),
        (("--creation-time-after", "1800000000"), []),
        (("--creation-time-before", "2023-01-01"), []),
        (("--last-modified-time-before", "2030-01-01"), ["measured"]),
        (("--last-modified-time-after", "2030-01-01"), []),
    ):
        assert _names(cli("list-jobs", *flags, "--output", "json").json) == listed, flags


def test_max_items_pages_through_service_jobs_and_kept_load_tests(cli: CliRunner, isolated_state: Path) -> None:
    for name in ("kept-a", "kept-b", "kept-c"):
        _kept(isolated_state, name)
    cli("create-job", "--cli-input-yaml", "examples/default-job.yaml")
    everything = _names(cli("list-jobs", "--output", "json").json)
    assert sorted(everything) == ["kept-a", "kept-b", "kept-c", "xgboost-default"]
    seen: list[str] = []
    token: tuple[str, ...] = ()
    for _ in range(10):
        page = cli("list-jobs", "--max-items", "1", *token, "--output", "json").json
        assert len(page["InferenceRecommendationsJobs"]) == 1
        seen += _names(page)
        if "NextToken" not in page:
            break
        token = ("--starting-token", page["NextToken"])
    assert seen == everything
    two = cli("list-jobs", "--max-items", "2", "--output", "json").json
    assert _names(two) == everything[:2] and "NextToken" in two
    rest = cli("list-jobs", "--starting-token", two["NextToken"], "--output", "json").json
    assert _names(rest) == everything[2:] and "NextToken" not in rest


def _rescoped(state: Path, name: str, scope: Any) -> None:
    from ircli.lib.loadtest.store import MeasuredStore

    kept = MeasuredStore(lambda: state)
    job, document = kept.job(name), kept.load_test(name)
    assert job is not None and document is not None
    MeasuredStore(lambda: state, scope).save(name, job, document)


def test_a_kept_load_test_belongs_to_the_backend_region_and_endpoint_it_ran_on(
    cli: CliRunner, isolated_state: Path
) -> None:
    from ircli.lib.loadtest.store import MeasuredStore, Scope

    _kept(isolated_state, "here")
    _rescoped(isolated_state, "here", Scope("local", "us-east-1"))
    assert _names(cli("list-jobs", "--output", "json").json) == ["here"]
    assert _names(cli("--region", "eu-west-1", "list-jobs", "--output", "json").json) == []
    cli("--region", "eu-west-1", "describe-job", "here", expect=254)
    assert cli("describe-job", "here", "--output", "json").json["JobName"] == "here"
    for elsewhere in (Scope("aws", "us-east-1", None), Scope("local", "eu-west-1"), Scope("aws", "us-east-1", "x")):
        store = MeasuredStore(lambda: isolated_state, elsewhere)
        assert store.jobs() == [] and store.job("here") is None and store.load_test("here") is None, elsewhere
    _rescoped(isolated_state, "here", Scope("aws", "us-east-1", "http://127.0.0.1:9"))
    on_aws = MeasuredStore(lambda: isolated_state, Scope("aws", "us-east-1", "http://127.0.0.1:9"))
    assert [job["JobName"] for job in on_aws.jobs()] == ["here"]
    assert MeasuredStore(lambda: isolated_state, Scope("aws", "us-east-1", None)).jobs() == []
    assert _names(cli("list-jobs", "--output", "json").json) == []  # the local backend's listing
    saved = json.loads((isolated_state / "load-tests" / "here.json").read_text())
    assert saved["ran_on"] == {"Backend": "aws", "Region": "us-east-1", "EndpointUrl": "http://127.0.0.1:9"}


def test_the_cli_points_the_store_where_it_is_pointed(isolated_state: Path) -> None:
    import io

    from ircli.cli.context import CliContext, GlobalOptions
    from ircli.cli.environment import Environment
    from ircli.lib.backend import BackendKind

    environ = {
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_SAGEMAKER": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO(), environ=environ)
    options = GlobalOptions(backend=BackendKind.AWS, state_dir=isolated_state)
    scope = CliContext(options, env).service.measured.scope  # type: ignore[union-attr]
    assert (scope.backend, scope.region, scope.endpoint_url) == ("aws", "eu-west-1", "http://127.0.0.1:9")


def test_the_report_draws_a_load_tests_own_series_once(cli: CliRunner, isolated_state: Path, tmp_path: Path) -> None:
    import html
    import re

    kept = _kept(isolated_state, "drawn")
    page = tmp_path / "report.html"
    cli("report", "drawn", "--html", str(page), "--load-curves")
    text = page.read_text()
    described = [html.unescape(d) for d in re.findall(r"<desc[^>]*>(.*?)</desc>", text, re.S)]
    assert len(described) == 1 and "no datapoints" not in text  # one run, one chart, from what was kept
    invocations = [int(m["Invocations"]) for m in kept["Minutes"]]  # type: ignore[index]
    latencies = [float(m["P95Ms"]) for m in kept["Minutes"]]  # type: ignore[index]
    assert f"highest {max(invocations):,}" in described[0] or f"steady at {max(invocations):,}" in described[0]
    assert f"{max(latencies):,.0f} ms" in described[0]
    assert "From the load test's own per-minute series, as <code>ircli metrics drawn</code>" in html.unescape(text)


def test_a_load_test_may_not_take_a_service_jobs_name(cli: CliRunner, isolated_state: Path, tmp_path: Path) -> None:
    cli("create-job", "--cli-input-yaml", "examples/default-job.yaml")
    payload = tmp_path / "one.csv"
    payload.write_text("1,2,3\n")
    traffic = ("--phase", "InitialNumberOfUsers=1,SpawnRate=1,DurationInSeconds=20", "--payload", str(payload))
    refused = cli("load-test", "--url", "http://127.0.0.1:9", *traffic, "--name", "xgboost-default", expect=252)
    assert "already has a recommendation job named xgboost-default" in refused.err and "--name" in refused.err
    assert not (isolated_state / "load-tests" / "xgboost-default.json").exists()
    assert ":000000000000:" not in cli("describe-job", "xgboost-default", "--output", "json").json["JobArn"]


class _Runtime:
    """A sagemaker-runtime on loopback that records each request's headers; `simulator` makes it answer as
    ircli's served simulator does (x-ircli-time-scale, the modelled latency in CustomAttributes)."""

    def __init__(self, simulator: bool) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        seen: list[dict[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen.append({k.lower(): v for k, v in self.headers.items()})
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", "1")
                if simulator:
                    self.send_header("x-ircli-time-scale", "1.0")
                    self.send_header("X-Amzn-SageMaker-Custom-Attributes", "ircli-model-latency-ms=5,x=1")
                self.end_headers()
                self.wfile.write(b"0")

            def log_message(self, *args: Any) -> None:
                pass

        self.seen = seen
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow  # a server on loopback
def test_custom_attributes_go_only_to_a_runtime_that_answers_as_the_simulator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ircli.loadtest.targets import EndpointClient

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    attribute = "x-amzn-sagemaker-custom-attributes"
    for simulator, told in ((False, False), (False, True), (True, True)):
        runtime = _Runtime(simulator)
        try:
            target = {"endpoint_name": "e", "region": "us-east-1", "endpoint_url": runtime.url, "simulated": told}
            client = EndpointClient(target, "text/csv", None)
            answers = [client.invoke(b"1,2,3", users=3) for _ in range(4)]
        finally:
            runtime.close()
        assert all(answer.ok for answer in answers)
        if simulator:  # the first plain request asked; every answer kept was told the load and modelled
            assert attribute not in runtime.seen[0] and len(runtime.seen) == 5
            assert all(seen[attribute] == "ircli-load-users=3" for seen in runtime.seen[1:])
            assert all(answer.model_ms == 5.0 for answer in answers)
        else:  # a real runtime (whatever the control plane said) never sees the attribute
            assert len(runtime.seen) == 4 and not any(attribute in seen for seen in runtime.seen), told
            assert all(answer.model_ms is None for answer in answers)


def test_the_modelled_latency_is_read_as_the_endpoint_reads_what_it_is_told() -> None:
    from ircli.loadtest.targets import modelled
    from ircli.simulator.sagemaker_runtime.load import declared_users

    for separator in (";", ","):
        told = f"trace=abc{separator}ircli-load-users=3"
        answered = f"ircli-model-latency-ms=41.5{separator} ircli-overhead-latency-ms=105"
        assert declared_users(told) == 3 and modelled(answered) == (41.5, 105.0), separator


def test_a_simulated_endpoint_keeps_the_profile_it_was_deployed_with(tmp_path: Path) -> None:
    import yaml

    from ircli.simulator.models import Simulator
    from ircli.simulator.sagemaker_runtime.load import capacity_of
    from ircli.simulator.store import Store

    sim = Simulator(Store(tmp_path / "state"), speed="instant")
    # churn-xgboost is one of the simulator's own models (the README tour deploys it)
    job = yaml.safe_load(Path("examples/default-job.yaml").read_text())
    sim.dispatch("CreateInferenceRecommendationsJob", job)
    variant = {"VariantName": "AllTraffic", "ModelName": "churn-xgboost", "InstanceType": "ml.c5.large"}
    sim.dispatch(
        "CreateEndpointConfig",
        {"EndpointConfigName": "c", "ProductionVariants": [dict(variant, InitialInstanceCount=1)]},
    )
    sim.dispatch("CreateEndpoint", {"EndpointName": "churn", "EndpointConfigName": "c"})

    def capacity() -> Any:
        endpoint = sim.endpoints.materialized_endpoint("churn")
        return capacity_of(sim, endpoint["variants"][0])

    deployed = capacity()
    assert deployed is not None
    later = yaml.safe_load(Path("examples/advanced-phases.yaml").read_text())
    later["JobName"] = "later-advanced"
    later["InputConfig"].pop("ModelPackageVersionArn")
    later["InputConfig"].pop("ContainerConfig")
    later["InputConfig"]["ModelName"] = "churn-xgboost"
    sim.dispatch("CreateInferenceRecommendationsJob", later)
    assert capacity() == deployed  # a job created later names the model: the endpoint answers as deployed


@pytest.mark.slow  # the engine's own process
def test_locusts_statistics_of_a_simulated_endpoint_are_its_modelled_latencies(
    cli: CliRunner, isolated_state: Path, tmp_path: Path
) -> None:
    cli("create-job", "--cli-input-yaml", "examples/default-job.yaml")
    recommended = cli("describe-job", "xgboost-default", "--output", "json").json["InferenceRecommendations"][0]
    cli("endpoint-config", "create", "--endpoint-config-name", "churn-config", "--model-name", "churn-xgboost",
        "--from-recommendation", recommended["RecommendationId"])  # fmt: skip
    cli("endpoint-config", "deploy", "--endpoint-name", "churn", "--endpoint-config-name", "churn-config")
    payload = tmp_path / "one.csv"
    payload.write_text("1,2,3\n")
    document = cli(
        "load-test", "--endpoint-name", "churn", "--payload", str(payload), "--content-type", "text/csv",
        "--phase", "InitialNumberOfUsers=2,SpawnRate=2,DurationInSeconds=60", "--name", "live", "--output", "json",
    ).json  # fmt: skip
    modelled, locust = document["Metrics"]["ModelLatency"], document["Locust"]
    assert document["FiguresFrom"].startswith("modelled") and locust["Requests"] > 0
    # What Locust was told (its statistics, the live progress's percentiles) is what the result keeps, not
    # the round trips on this machine.
    assert abs(locust["P95Ms"] - modelled) <= max(2.0, 0.2 * modelled), (locust, modelled)


def test_a_load_test_prices_its_instances_at_its_regions_quote(isolated_state: Path, tmp_path: Path) -> None:
    import io

    from ircli.cli.commands.load_test import _priced
    from ircli.cli.context import CliContext, GlobalOptions
    from ircli.cli.environment import Environment
    from ircli.cli.prices import price_lookup
    from ircli.lib.loadtest.setup import LoadTestFlags, plan

    payload = tmp_path / "one.csv"
    payload.write_text("1,2,3\n")
    flags = LoadTestFlags(
        url="http://127.0.0.1:9", payload=str(payload), name="priced", instance_type="ml.m5.xlarge", instance_count=2,
        phases=["InitialNumberOfUsers=1,SpawnRate=1,DurationInSeconds=60"],
    )  # fmt: skip
    prices = []
    for region in ("us-east-1", "eu-west-1"):
        err = io.StringIO()
        cli = CliContext(
            GlobalOptions(region=region, state_dir=isolated_state), Environment(stdout=io.StringIO(), stderr=err)
        )
        lookup = price_lookup(cli, refresh=False)
        assert lookup is not None
        quote = lookup(region)
        target = _priced(cli, plan({}, flags)).target
        assert target.price_per_hour == quote.price("ml.m5.xlarge") and target.price_source == quote.label
        assert region in quote.label and quote.label in err.getvalue()  # the source is said
        prices.append(target.price_per_hour)
    assert prices[0] != prices[1]  # each region's own price, not us-east-1's everywhere
    assert target.to_document()["PriceSource"] == quote.label


def _as_json(document: dict[str, Any]) -> Any:
    return json.loads(json.dumps(document, default=lambda value: value.isoformat()))


def test_one_core_function_answers_metrics_of_a_load_test_or_a_job(cli: CliRunner, isolated_state: Path) -> None:
    import io

    from ircli.cli.context import CliContext, GlobalOptions
    from ircli.cli.environment import Environment
    from ircli.errors import InputError
    from ircli.lib.loadtest.series import load_test_metrics, metrics_of

    _kept(isolated_state, "kept")
    cli("create-job", "--cli-input-yaml", "examples/default-job.yaml")
    service = CliContext(GlobalOptions(state_dir=isolated_state), Environment(stdout=io.StringIO())).service
    assert service.measured is not None
    kept_job, kept_document = service.describe_job("kept"), service.measured.load_test("kept")
    assert kept_document is not None
    assert metrics_of(service, "kept") == load_test_metrics(kept_job, kept_document)
    assert _as_json(metrics_of(service, "kept").to_document()) == cli("metrics", "kept", "--output", "json").json
    with pytest.raises(InputError, match="per minute"):
        metrics_of(service, "kept", period=300)
    job = metrics_of(service, "xgboost-default", metrics=("Invocations",))
    shown = cli("metrics", "xgboost-default", "--metric", "Invocations", "--output", "json").json
    assert _as_json(job.to_document()) == shown


def test_the_list_jobs_table_says_the_job_type_every_format_says(cli: CliRunner, isolated_state: Path) -> None:
    _kept(isolated_state, "kept")
    (listed,) = cli("list-jobs", "--output", "json").json["InferenceRecommendationsJobs"]
    table = cli("list-jobs", "--output", "table", environ={"COLUMNS": "200"}).out
    row = next(line for line in table.splitlines() if line.startswith("kept"))
    assert f"{listed['JobType']} (measured)" in row
    assert listed["JobType"] in cli("list-jobs", "--output", "text").out


def test_a_load_test_may_not_take_the_name_of_one_already_kept(
    cli: CliRunner, isolated_state: Path, tmp_path: Path
) -> None:
    _kept(isolated_state, "kept-once")
    kept = isolated_state / "load-tests" / "kept-once.json"
    before = kept.read_bytes()
    payload = tmp_path / "one.csv"
    payload.write_text("1,2,3\n")
    traffic = ("--phase", "InitialNumberOfUsers=1,SpawnRate=1,DurationInSeconds=20", "--payload", str(payload))
    refused = cli("load-test", "--url", "http://127.0.0.1:9", *traffic, "--name", "kept-once", expect=252)
    assert "already keeps a load test named kept-once" in refused.err and "--name" in refused.err
    assert kept.read_bytes() == before  # never overwritten, whichever backend or region asks
    elsewhere = cli("--region", "eu-west-1", "load-test", "--url", "http://127.0.0.1:9", *traffic, "--name",
                    "kept-once", expect=252)  # fmt: skip
    assert "already keeps a load test named kept-once" in elsewhere.err and kept.read_bytes() == before


def test_a_default_name_taken_in_the_same_second_gets_a_suffix(isolated_state: Path) -> None:
    from dataclasses import dataclass
    from types import SimpleNamespace

    from ircli.cli.commands.load_test import _with_a_free_name
    from ircli.lib.loadtest.store import MeasuredStore

    for name in ("load-test-20261201-000000", "load-test-20261201-000000-2"):
        _kept(isolated_state, name)
    cli = SimpleNamespace(service=SimpleNamespace(measured=MeasuredStore(lambda: isolated_state)))

    @dataclass(frozen=True)
    class Planned:  # the one member of a LoadTestPlan the naming reads
        name: str

    planned = Planned("load-test-20261201-000000")
    assert _with_a_free_name(cli, planned).name == "load-test-20261201-000000-3"  # type: ignore[arg-type]
    fresh = Planned("load-test-20261201-000001")
    assert _with_a_free_name(cli, fresh) is fresh  # type: ignore[arg-type]
