"""Prices everywhere: rank-recommendations and report price a job's recommendations at the job's region's
quote (the one cost-estimate prices with: the cached Price List answer, refreshed with --refresh-prices),
rank and limit by it, and say where every price came from and when; the report's cost section takes
--baseline-per-minute and states what it assumed between peaks."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from ircli.lib.catalog import catalog
from ircli.lib.prices import JOB_COST, PriceQuote, hourly_cost
from ircli.lib.ranking import Weights, rank
from ircli.lib.report import between_peaks
from ircli.lib.traffic import from_average_and_peak, from_values
from tests.conftest import EXAMPLES, CliRunner

QUOTED = "Price List API, us-east-1, 2026-12-01"
SERVED = "ircli simulator's Price List API (ircli catalog), us-east-1, 2026-11"


def recommendation(rid: str, instance: str, count: int, cost: float, invocations: float, latency: float) -> dict:
    return {
        "RecommendationId": rid,
        "EndpointConfiguration": {"InstanceType": instance, "InitialInstanceCount": count},
        "Metrics": {"CostPerHour": cost, "MaxInvocations": invocations, "ModelLatency": latency},
    }


SERVERLESS = {
    "RecommendationId": "s",
    "EndpointConfiguration": {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
    "Metrics": {"CostPerHour": 0.3, "CostPerInference": 1e-6, "MaxInvocations": 5000, "ModelLatency": 30},
}


def test_a_quote_prices_each_instance_type_times_its_count_and_the_job_prices_the_rest() -> None:
    quote = PriceQuote("us-east-1", {"ml.a": 0.5}, "Price List API", "2026-12-01")
    assert hourly_cost(recommendation("1", "ml.a", 3, 9.0, 1, 1), quote) == (1.5, QUOTED)
    assert hourly_cost(recommendation("2", "ml.b", 2, 0.7, 1, 1), quote) == (0.7, JOB_COST)
    assert hourly_cost(SERVERLESS, quote) == (0.3, JOB_COST)


def test_the_ranking_ranks_limits_and_explains_by_the_quoted_cost() -> None:
    cheap_in_job = recommendation("1", "ml.a", 1, 0.1, 1000, 10)
    dear_in_job = recommendation("2", "ml.b", 1, 0.4, 1000, 10)
    weights = Weights.parse("cost=highest")
    assert rank([cheap_in_job, dear_in_job], weights).ranked[0].recommendation is cheap_in_job
    quote = PriceQuote("us-east-1", {"ml.a": 0.9, "ml.b": 0.2}, "Price List API", "2026-12-01")
    ranking = rank([cheap_in_job, dear_in_job, SERVERLESS], weights, prices=quote)
    top = ranking.ranked[0]
    assert (top.recommendation, top.cost_per_hour, top.price_source) == (dear_in_job, 0.2, QUOTED)
    assert "lowest cost ($0.2000/h)" in ranking.top_pick_reason
    assert top.priced()["Metrics"]["CostPerHour"] == 0.2 and dear_in_job["Metrics"]["CostPerHour"] == 0.4
    assert top.priced()["Metrics"]["CostPerInference"] == pytest.approx(0.2 / 60_000)
    assert ranking.price_sources() == [
        f"Price source: {QUOTED} (ml.b, ml.a).",
        f"Price source: {JOB_COST} (serverless).",
    ]
    from ircli.lib.ranking import Limits

    limited = rank([cheap_in_job, dear_in_job], weights, Limits(max_cost_per_hour=0.3), prices=quote)
    assert [item.recommendation for item in limited.ranked] == [dear_in_job]
    assert "cost $0.9000/h > $0.3/h" in limited.excluded[0][1]


def test_the_report_states_what_it_assumed_between_peaks() -> None:
    spiky = from_average_and_peak(200, 1000)
    assert between_peaks(spiky, None) == (
        "Between peaks: assumed no traffic at all in the other 19 h of the day (set the traffic between peaks "
        "with --baseline-per-minute N); traffic starts from none once a day, and serverless options count cold "
        "starts each time."
    )
    based = from_average_and_peak(200, 1000, 50)
    assert between_peaks(based, 50) == (
        "Between peaks: 50 invocations/min, as --baseline-per-minute says; traffic never starts from none, so "
        "serverless options count no cold start."
    )
    week = from_values([0, 0, 10, 10] * 42, "a week")
    assert "the quietest hour's 0 invocations/min" in str(between_peaks(week, None))
    assert "starts from none 42 times a week" in str(between_peaks(week, None))
    assert between_peaks(None, None) is None


def quote_in_cache(prices: dict[str, float]) -> None:
    """A cached Price List answer for us-east-1 on the local backend, as cost-estimate would have left it."""
    folder = Path(os.environ["IRCLI_HOME"]) / "cache" / "prices" / "local"
    folder.mkdir(parents=True, exist_ok=True)
    document = {"region": "us-east-1", "source": "Price List API", "as_of": "2026-12-01", "prices": prices}
    (folder / "us-east-1.json").write_text(json.dumps(document), "utf-8")


def catalog_prices() -> dict[str, float]:
    return {name: spec["price_per_hour"] for name, spec in catalog()["instances"].items() if spec.get("price_per_hour")}


@pytest.fixture
def job(cli: CliRunner) -> str:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    # ml.c5.xlarge, the dearest in the job (0.204/h), is the cheapest in this quote.
    quote_in_cache({**catalog_prices(), "ml.c5.xlarge": 0.05})
    return "xgboost-default"


def test_rank_recommendations_ranks_at_the_quote_and_says_where_its_prices_came_from(cli: CliRunner, job: str) -> None:
    ranked = cli("rank-recommendations", job, "--rank-by", "cost=highest", "--output", "json").json
    top = ranked[0]
    assert top["Recommendation"]["EndpointConfiguration"]["InstanceType"] == "ml.c5.xlarge"
    assert (top["CostPerHour"], top["PriceSource"]) == (0.05, QUOTED)
    assert top["Recommendation"]["Metrics"]["CostPerHour"] == pytest.approx(0.204)  # the API's answer, as it was
    table = cli("rank-recommendations", job, "--rank-by", "cost=highest", "--output", "table", "--no-chart", width=200)
    assert f"Price source: {QUOTED} (ml.c5.xlarge, " in table.out
    assert re.search(r"1 +\* +ml\.c5\.xlarge x1 +\$0\.0500", table.out), table.out
    limited = cli("rank-recommendations", job, "--max-cost-per-hour", "0.06", "--output", "json").json
    assert [r["Recommendation"]["EndpointConfiguration"]["InstanceType"] for r in limited] == ["ml.c5.xlarge"]
    refreshed = cli("rank-recommendations", job, "--refresh-prices", "--output", "json").json
    assert {r["PriceSource"] for r in refreshed} == {SERVED}
    xlarge = next(
        r for r in refreshed if r["Recommendation"]["EndpointConfiguration"]["InstanceType"] == "ml.c5.xlarge"
    )
    assert xlarge["CostPerHour"] == 0.204


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text("utf-8")))


def test_the_report_ranks_and_costs_at_the_quote_and_says_so(cli: CliRunner, job: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    traffic = ["--average-per-minute", "200", "--peak-per-minute", "1000", "--baseline-per-minute", "100"]
    made = cli("report", job, "--html", str(page), "--rank-by", "cost=highest", *traffic)
    assert made.code == 0 and "could not be reached" not in made.err
    text = text_of(page)
    assert f"Top pick: ml.c5.xlarge x1 ({job}/" in text
    assert f"Prices: {QUOTED}" in text
    assert text.count(f"Price source: {QUOTED} (") == 2  # under the ranked table and under the monthly costs
    assert "$0.0500/h" in page.read_text("utf-8")  # the scatter's point, at the quoted cost
    assert "ml.c5.xlarge price $0.0500/h from " + QUOTED in " ".join(text.split())
    assert "Between peaks: 100 invocations/min, as --baseline-per-minute says" in text
    cost = cli("cost-estimate", job, *traffic, "--output", "json").json
    monthly = next(e for e in cost["Estimates"] if e["EndpointConfiguration"].startswith("ml.c5.xlarge"))
    assert f"${monthly['MonthlyCost']:,.2f}" in text and monthly["UnitPricePerHour"] == 0.05  # the same figures


def test_report_refuses_a_baseline_without_average_and_peak(cli: CliRunner, job: str, tmp_path: Path) -> None:
    refused = cli("report", job, "--html", str(tmp_path / "r.html"), "--baseline-per-minute", "5", expect=252)
    assert "--baseline-per-minute goes with --average-per-minute and --peak-per-minute" in refused.err


@pytest.mark.slow  # a server thread
def test_on_aws_an_unreachable_price_list_is_said_and_the_catalog_prices_rank_and_report(
    cli: CliRunner, tmp_path: Path
) -> None:
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store
    from tests.test_prices_served import KEYS, closed_port, url_of

    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    try:
        environ = {
            **KEYS,
            "AWS_MAX_ATTEMPTS": "1",
            "IRCLI_SIM_CLOCK": "1796083200",
            "AWS_ENDPOINT_URL": url_of(running),
        }
        aws = ["--backend", "aws", "--region", "us-east-1"]
        created = cli(*aws, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), environ=environ)
        assert created.code == 0
        refused = {**environ, "AWS_ENDPOINT_URL_PRICING": f"http://127.0.0.1:{closed_port()}"}
        ranked = cli(*aws, "rank-recommendations", "xgboost-default", "--output", "json", environ=refused)
        assert "The Price List API could not be reached" in ranked.err
        assert all(r["PriceSource"].startswith("ircli catalog (us-east-1, published 2026-11") for r in ranked.json)
        page = tmp_path / "report.html"
        made = cli(*aws, "report", "xgboost-default", "--html", str(page), "--average-per-minute", "200",
                   "--peak-per-minute", "1000", environ=refused)  # fmt: skip
        assert made.err.count("The Price List API could not be reached") == 1  # said once, not per section
        assert "Prices: ircli catalog (us-east-1, published 2026-11" in text_of(page)
        served = cli(*aws, "report", "xgboost-default", "--html", str(page), environ=environ)
        assert served.err.startswith("Wrote the report") and f"Prices: {SERVED}" in text_of(page)
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)
