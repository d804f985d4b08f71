"""The report's load curves: each benchmark's users, invocations per minute and p95 latency from the same
CloudWatch series `ircli metrics` reads, beside its figures (the curve's peak is the recommendation's
MaxInvocations and ModelLatency), read in one GetMetricData request per job, accessible SVG, and a page that
says so instead of failing when CloudWatch refuses or holds nothing."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from ircli.backends.local import LocalBackend
from ircli.errors import ServiceError
from ircli.lib.cost import Options
from ircli.lib.load_curves import load_curves
from ircli.lib.report import report_contents
from ircli.lib.service import RecommenderService
from tests.conftest import EXAMPLES, CliRunner


class Watching:
    """The service, counting GetMetricData calls, refusing them (as IAM does) or answering none."""

    def __init__(self, service: RecommenderService, mode: str = "pass") -> None:
        self.service, self.mode, self.metric_calls = service, mode, 0

    def describe_job(self, job_name: str) -> dict[str, Any]:
        return self.service.describe_job(job_name)

    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        if operation == "GetMetricData":
            self.metric_calls += 1
            if self.mode == "deny":
                raise ServiceError("AccessDenied", "not authorized to perform cloudwatch:GetMetricData", operation)
            if self.mode == "empty":
                ids = [q["Id"] for q in request["MetricDataQueries"]]
                return {"MetricDataResults": [{"Id": i, "Timestamps": [], "Values": []} for i in ids]}
        return self.service.call(operation, request, validated=validated)


@pytest.fixture
def service(tmp_path: Path) -> RecommenderService:
    service = RecommenderService(LocalBackend(tmp_path / "state", speed="instant"))
    import yaml

    request = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    service.call("CreateInferenceRecommendationsJob", request)
    return service


def test_every_benchmark_gets_its_curves_in_one_request(service: RecommenderService) -> None:
    watching = Watching(service)
    job = service.describe_job("xgboost-default")
    curves = load_curves(watching, job)
    assert watching.metric_calls == 1 and curves.unavailable is None
    ids = {r["RecommendationId"] for r in job["InferenceRecommendations"]}
    assert {b.recommendation_id for b in curves.benchmarks} == ids
    for recommendation in job["InferenceRecommendations"]:
        benchmark = curves.of(recommendation["RecommendationId"])
        assert benchmark is not None
        by_metric = {s.metric: s for s in benchmark.series}
        assert set(by_metric) == {"NumberOfUsers", "Invocations", "ModelLatency"}
        assert len(by_metric["Invocations"].values) > 10
        # Consistent with the recommendation: its peak minute is MaxInvocations, its latency there ModelLatency.
        assert max(by_metric["Invocations"].values) == recommendation["Metrics"]["MaxInvocations"]
        assert max(by_metric["ModelLatency"].values) == pytest.approx(recommendation["Metrics"]["ModelLatency"] * 1000)
        assert by_metric["NumberOfUsers"].values[0] < by_metric["NumberOfUsers"].values[-1]


def page_of(contents: Any) -> str:
    from ircli.cli.output.report import render_html, report_sections

    return render_html(report_sections(contents), version="test", backend="local", region=None)


def test_the_page_draws_a_titled_described_chart_beside_each_benchmarks_figures(service: RecommenderService) -> None:
    import html5lib

    page = page_of(report_contents(service, ["xgboost-default"], None, Options()))
    html5lib.HTMLParser(strict=True).parse(page)
    job = service.describe_job("xgboost-default")
    cards = re.findall(r'<figure class="curve">(.*?)</figure>', page, re.S)
    assert len(cards) == len(job["InferenceRecommendations"])
    for recommendation in job["InferenceRecommendations"]:
        rid = recommendation["RecommendationId"]
        (card,) = [c for c in cards if rid in c]
        metrics = recommendation["Metrics"]
        assert f"{metrics['MaxInvocations']:,} invocations/min" in card  # the figures beside the chart
        assert f">max {metrics['MaxInvocations']:,}<" in card and f">max {metrics['ModelLatency']} ms<" in card
        labelled = re.search(r'aria-labelledby="([^ "]+) ([^"]+)"', card)
        assert labelled is not None and f'id="{labelled.group(1)}"' in card and f'id="{labelled.group(2)}"' in card
        desc = html.unescape(re.search(r"<desc[^>]*>(.*?)</desc>", card).group(1))  # type: ignore[union-attr]
        assert desc.startswith("Over ") and f"highest {metrics['MaxInvocations']:,} at minute" in desc
    assert len(set(re.findall(r' id="([^"]+)"', page))) == len(re.findall(r' id="([^"]+)"', page))  # ids unique
    assert "Load during each benchmark" in page and "ircli metrics xgboost-default" in page


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        (
            "deny",
            "The load curves could not be read from CloudWatch: An error occurred (AccessDenied) when calling the "
            "GetMetricData operation: not authorized to perform cloudwatch:GetMetricData.",
        ),
        ("empty", "CloudWatch holds no datapoints for this benchmark"),
    ],
)
def test_unavailable_series_are_said_not_failed(service: RecommenderService, mode: str, said: str) -> None:
    page = page_of(report_contents(Watching(service, mode), ["xgboost-default"], None, Options()))
    assert said in html.unescape(page)
    assert 'class="curves"' not in page and 'class="point pareto"' in page  # the rest of the report stands


def test_no_load_curves_asks_cloudwatch_nothing(service: RecommenderService) -> None:
    watching = Watching(service)
    page = page_of(report_contents(watching, ["xgboost-default"], None, Options(), curves=False))
    assert watching.metric_calls == 0 and "Load during each benchmark" not in page


def test_the_report_command_draws_the_curves_and_leaves_them_out_on_request(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    page = tmp_path / "r.html"
    assert cli("report", "xgboost-default", "--html", str(page)).code == 0
    assert page.read_text("utf-8").count('class="curves"') == 4
    assert cli("report", "xgboost-default", "--html", str(page), "--no-load-curves").code == 0
    assert 'class="curves"' not in page.read_text("utf-8")


@pytest.mark.slow  # a server thread
def test_on_aws_the_curves_come_from_cloudwatch_and_an_unreachable_one_is_said(cli: CliRunner, tmp_path: Path) -> None:
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store
    from tests.test_prices_served import KEYS, closed_port, url_of

    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    try:
        environ = {**KEYS, "AWS_MAX_ATTEMPTS": "1", "AWS_ENDPOINT_URL": url_of(running)}
        aws = ["--backend", "aws", "--region", "us-east-1"]
        created = cli(*aws, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), environ=environ)
        assert created.code == 0
        page = tmp_path / "report.html"
        assert cli(*aws, "report", "xgboost-default", "--html", str(page), environ=environ).code == 0
        drawn = page.read_text("utf-8")
        described = cli(*aws, "describe-job", "xgboost-default", "--output", "json", environ=environ).json
        assert drawn.count('class="curves"') == len(described["InferenceRecommendations"])
        for recommendation in described["InferenceRecommendations"]:  # the served CloudWatch's series, peak and all
            assert f">max {recommendation['Metrics']['MaxInvocations']:,}<" in drawn
        refused = {**environ, "AWS_ENDPOINT_URL_CLOUDWATCH": f"http://127.0.0.1:{closed_port()}"}
        made = cli(*aws, "report", "xgboost-default", "--html", str(page), environ=refused)
        assert made.code == 0
        text = html.unescape(page.read_text("utf-8"))
        assert "The load curves could not be read from CloudWatch: " in text and 'class="curves"' not in text
        assert 'class="point pareto"' in text  # the rest of the report stands
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)
