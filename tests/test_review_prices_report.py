"""Review findings on prices, the report's load curves, shared options and the baseline rule: each test
reproduces one finding (it failed before the fix) and pins the behaviour that replaced it."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, CliRunner

SERVED = "ircli simulator's Price List API (ircli catalog), us-east-1, 2026-11"


@pytest.mark.slow  # a server thread
def test_served_simulator_prices_say_so_and_are_cached_apart_from_other_pricing_endpoints(
    cli: CliRunner, tmp_path: Path
) -> None:
    """Finding 8: the served simulator's catalog was cached as AWS's, labelled "Price List API", and reused by
    a later run whose pricing endpoint was another one."""
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store
    from tests.test_prices_served import KEYS, closed_port, url_of

    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    try:
        environ = {**KEYS, "AWS_MAX_ATTEMPTS": "1", "IRCLI_SIM_CLOCK": "1796083200"}
        remote = ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", url_of(running)]
        job = str(EXAMPLES / "default-job.yaml")
        assert cli(*remote, "create-job", "--cli-input-yaml", job, environ=environ).code == 0
        ranked = cli(*remote, "rank-recommendations", "xgboost-default", "--output", "json", environ=environ)
        assert {r["PriceSource"] for r in ranked.json} == {SERVED}
        aws_cache = Path(os.environ["IRCLI_HOME"]) / "cache" / "prices" / "aws"
        assert not (aws_cache / "us-east-1.json").exists() and not (aws_cache / "default").exists()
        # Another pricing endpoint (here one refusing connections) is asked, not answered from the cache.
        other = {
            **environ,
            "AWS_ENDPOINT_URL": url_of(running),
            "AWS_ENDPOINT_URL_PRICING": f"http://127.0.0.1:{closed_port()}",
        }
        again = cli("--backend", "aws", "--region", "us-east-1", "rank-recommendations", "xgboost-default",
                    "--output", "json", environ=other)  # fmt: skip
        assert "The Price List API could not be reached" in again.err
        assert all(r["PriceSource"].startswith("ircli catalog (us-east-1, published 2026-11") for r in again.json)
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)


def hostile_cloudwatch(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """The recorded job's answers; CloudWatch (and anything else) fails with ESC and BEL in its message."""
    from tests.canned_service import recorded_answer

    try:
        return recorded_answer(operation, request)
    except KeyError:
        raise Refused(500, {"__type": "InternalFailure", "message": "boom \x1b]0;owned\x07 \x1b[2J"}) from None


class Refused(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status, self.body = status, body


@contextmanager
def hostile_service() -> Iterator[str]:
    """A loopback service answering from `hostile_cloudwatch`: its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            try:
                status, body = 200, hostile_cloudwatch(self.headers["X-Amz-Target"].split(".")[-1], request)
            except Refused as refused:
                status, body = refused.status, refused.body
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.slow  # a server thread
def test_control_characters_in_a_cloudwatch_error_never_reach_the_report(cli: CliRunner, tmp_path: Path) -> None:
    """Finding 11: the load curves' reason (CloudWatch's error message) was written raw into the page."""
    from tests.canned_service import CREDENTIALS

    page = tmp_path / "report.html"
    with hostile_service() as url:
        remote = ["--backend", "aws", "--region", "us-east-2", "--endpoint-url", url]
        made = cli(
            *remote, "report", "xgb-recorded", "--html", str(page), environ={**CREDENTIALS, "AWS_MAX_ATTEMPTS": "1"}
        )
    assert made.code == 0, made.err
    html = page.read_text("utf-8")
    assert not {"\x1b", "\x07"} & set(html)
    assert "GetMetricData operation: boom \\x1b]0;owned\\x07 \\x1b[2J" in html  # shown, escaped


def test_the_page_escapes_control_characters_in_text_and_in_prebuilt_markup() -> None:
    from markupsafe import Markup

    from ircli.cli.output.report import printable

    assert printable("a\x1bb\u202ec\nd") == "a\\x1bb\\u202ec\nd"
    escaped = printable(Markup("<svg><title>x\x07</title>\n</svg>"))
    assert isinstance(escaped, Markup) and escaped == "<svg><title>x\\x07</title>\n</svg>"
    assert printable(3) == 3


class PagedCloudWatch:
    """GetMetricData answered two pages a request (a NextToken after the first), one datapoint a page for
    every query; DescribeInferenceRecommendationsJob answers `job`."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job
        self.requests: list[dict[str, Any]] = []

    def describe_job(self, job_name: str) -> dict[str, Any]:
        return self.job

    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        assert operation == "GetMetricData"
        self.requests.append(request)
        second = "NextToken" in request
        minute = datetime(2026, 12, 1, 0, 1 if second else 0, tzinfo=timezone.utc)
        results = [
            {"Id": q["Id"], "Timestamps": [minute], "Values": [2.0 if second else 1.0], "StatusCode": "Complete"}
            for q in request["MetricDataQueries"]
        ]
        return {"MetricDataResults": results, **({} if second else {"NextToken": "more"})}


def test_metrics_and_the_reports_load_curves_read_getmetricdata_through_one_pager() -> None:
    """Finding 12(a): the GetMetricData paging loop was written twice, in lib/metrics.py and lib/load_curves.py."""
    from ircli.lib import load_curves, metric_pages, metrics

    lib = Path(metrics.__file__).parent
    callers = sorted(p.name for p in lib.glob("*.py") if "call(GET_METRIC_DATA" in p.read_text("utf-8"))
    assert callers == ["metric_pages.py"]
    job = {
        "JobName": "j",
        "CreationTime": datetime(2026, 12, 1, tzinfo=timezone.utc),
        "LastModifiedTime": datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc),
        "InferenceRecommendations": [
            {"RecommendationId": "j/1", "EndpointConfiguration": {"EndpointName": "e", "VariantName": "v",
                                                                  "InstanceType": "ml.c5.large"}}
        ],
    }  # fmt: skip
    service = PagedCloudWatch(job)
    curves = load_curves.load_curves(service, job)
    (benchmark,) = curves.benchmarks
    assert all(s.values == (1.0, 2.0) for s in benchmark.series)  # both pages of every curve
    assert len(service.requests) == 2 and service.requests[1]["NextToken"] == "more"
    many = [{"Id": f"q{i}", "MetricStat": {}} for i in range(501)]  # over the API's 500 a request
    service.requests.clear()
    read = metric_pages.metric_data(service, many, "2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z")
    assert [len(r["MetricDataQueries"]) for r in service.requests] == [500, 500, 1, 1]
    assert read["q500"] == {"Timestamps": [job["CreationTime"], job["CreationTime"] + timedelta(minutes=1)],
                            "Values": [1.0, 2.0], "StatusCode": "Complete"}  # fmt: skip


def test_cost_estimate_and_report_share_their_sizing_options() -> None:
    """Finding 12(b): --provisioned-concurrency and --target-cpu-utilization-per-core were declared twice
    (cost-estimate's and report's), already apart in their help panels."""
    import click

    from ircli.cli.app import app_command

    commands = Path(__file__).parent.parent / "ircli" / "cli" / "commands"
    for flag in ("--provisioned-concurrency", "--target-cpu-utilization-per-core"):
        assert [n for n in ("costs.py", "report.py") if f'"{flag}"' in (commands / n).read_text("utf-8")] == []

    def described(command: str, flag: str) -> tuple[object, ...]:
        found = app_command().get_command(click.Context(click.Command("ircli")), command)
        assert found is not None
        (option,) = [p for p in found.params if flag in p.opts]
        return option.help, repr(option.type), getattr(option, "rich_help_panel", None)

    for flag in ("--provisioned-concurrency", "--target-cpu-utilization-per-core"):
        assert described("cost-estimate", flag) == described("report", flag)
        assert described("report", flag)[2] == "Sizing (for the monthly cost)"


@pytest.mark.parametrize(
    ("baseline", "average", "peak", "says"),
    [
        ("100", "100", "200", "would leave the peak (200/min) 0 h a day"),  # no hour at the peak at all
        ("99.99999", "100", "200", "give at most 95.65, or leave it out"),  # a few seconds of it
        ("0", "10", "1000", "averages at least 41.67/min: raise --average-per-minute or lower --peak-per-minute"),
    ],
)
def test_a_baseline_that_leaves_the_peak_under_an_hour_is_refused(
    cli: CliRunner, baseline: str, average: str, peak: str, says: str
) -> None:
    """Finding 14: such a baseline gave "200/min for 0 h a day" (or "2.4e-06 h a day")."""
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    traffic = ["--baseline-per-minute", baseline, "--average-per-minute", average, "--peak-per-minute", peak]
    refused = cli("cost-estimate", "xgboost-default", *traffic, "--no-chart", expect=252)
    assert (
        "--peak-per-minute is the busiest hour's traffic: it lasts at least an hour" in refused.err
        and says in refused.err
    )
    assert "Traceback" not in refused.err and refused.out == ""


def test_the_peak_over_a_baseline_is_said_in_plain_hours() -> None:
    from ircli.lib.traffic import from_average_and_peak

    assert "(200/min for 2.18 h a day, 90/min otherwise)" in from_average_and_peak(100, 200, 90).source
    edge = from_average_and_peak(100, 200, 95.65)  # the highest baseline the refusal offers: the peak lasts an hour
    assert "(200/min for 1 h a day, 96/min otherwise)" in edge.source
    assert abs(edge.average - 100) < 1e-9 and edge.peak == 200
    flat = from_average_and_peak(100, 100, 100)  # baseline, average and peak one figure: that traffic all day
    assert "(100/min all day)" in flat.source and flat.per_minute == (100.0,) * 24


def test_rank_and_cost_estimate_name_the_jobs_own_cost_in_one_wording(cli: CliRunner) -> None:
    """Finding 15(b): where the region's quote has no price (us-west-2), rank-recommendations said "the job's
    CostPerHour" and cost-estimate "the job's CostPerHour / InitialInstanceCount" for the same figure."""
    from ircli.lib.cost import unit_price_of
    from ircli.lib.prices import JOB_COST

    west = ["--region", "us-west-2"]
    assert cli(*west, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    ranked = cli(*west, "rank-recommendations", "xgboost-default", "--output", "json").json
    traffic = ["--average-per-minute", "200", "--peak-per-minute", "300", "--output", "json"]
    estimated = cli(*west, "cost-estimate", "xgboost-default", *traffic).json
    instances = [e for e in estimated["Estimates"] if e["Kind"] == "Instances"]
    assert instances and {e["PriceSource"] for e in instances} == {r["PriceSource"] for r in ranked} == {JOB_COST}
    # An endpoint of several instances is priced per instance, and says how its cost was split.
    two = {
        "EndpointConfiguration": {"InstanceType": "ml.x", "InitialInstanceCount": 2},
        "Metrics": {"CostPerHour": 0.5},
    }
    assert unit_price_of(two, None) == (0.25, f"{JOB_COST} / 2 instances")


def test_metrics_of_a_job_without_benchmarks_says_so_on_one_line(cli: CliRunner) -> None:
    """Finding 15(c): the message was wrapped into its empty table's 6-character column ("free-c / hurn2: ...")."""
    still = {"IRCLI_SIM_SPEED": "1", "IRCLI_SIM_CLOCK": "1796083200"}  # the clock stands still: no benchmark ends
    job = ["--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--job-name", "free-churn2"]
    assert cli("create-job", *job, environ=still).code == 0
    for datapoints in ([], ["--datapoints"]):
        shown = cli("metrics", "free-churn2", *datapoints, "--output", "table", width=80, environ=still)
        assert shown.out.splitlines() == ["free-churn2: no benchmark to show"]


def test_a_table_title_wraps_at_the_terminals_width_not_its_columns() -> None:
    from rich.console import Console

    from ircli.cli.output.formats.table import rich_table
    from ircli.cli.output.model import Column, TableData

    console = Console(width=60, record=True, color_system=None)
    title = "Ranked recommendations of a long job name, measured"
    console.print(rich_table(TableData(title, [Column("N")], [["1"]], caption="a note"), 60))
    assert console.export_text().splitlines()[0].rstrip() == title


def test_a_load_curves_latency_strip_names_the_percentile_its_series_is_at() -> None:
    from datetime import datetime, timedelta, timezone

    from ircli.cli.output.report.curves import curve_svg
    from ircli.lib.metrics import Benchmark, Series

    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    minutes = tuple(start + timedelta(minutes=m) for m in range(3))

    def drawn(statistic: str) -> str:
        latency = Series("ModelLatency", statistic, "Microseconds", minutes, (20_000.0, 30_000.0, 40_000.0))
        users = Series("NumberOfUsers", "Maximum", "None", minutes, (1.0, 2.0, 2.0))
        svg = curve_svg(Benchmark("e", "AllTraffic", "ml.c5.large x1", None, (users, latency)), 2.0, "t", "c1")
        assert svg is not None
        return svg

    at_p99 = drawn("p99")
    assert ">p99 model latency<" in at_p99 and "p99 model latency from 20 ms to 40 ms" in at_p99
    assert "p95" not in at_p99
    assert ">p95 model latency<" in drawn("p95")
