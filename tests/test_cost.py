"""cost-estimate: every figure recomputed by hand from the job's own numbers and the traffic profile, the
profile files a team would write, bad traffic refused, the assumptions in every format."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from ircli.lib.catalog import instance, serverless_prices
from ircli.lib.cost import HOURS_PER_MONTH
from tests.conftest import EXAMPLES, CliRunner

# A working day: quiet nights, a morning ramp, a busy afternoon.
PROFILE = [300, 200, 200, 200, 300, 800, 2500, 6000, 9000, 11000, 12000, 12500,
           13000, 14000, 15000, 14500, 13000, 11000, 8000, 6000, 4000, 2500, 1200, 600]  # fmt: skip


def test_an_instance_options_monthly_cost_is_its_price_times_the_fleet_the_profile_needs(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    profile = tmp_path / "day.json"
    profile.write_text(json.dumps(PROFILE))
    estimate = cli("cost-estimate", "xgboost-default", "--traffic-profile", str(profile), "--output", "json").json
    job = cli("describe-job", "xgboost-default", "--output", "json").json
    recommendation = next(
        r for r in job["InferenceRecommendations"] if r["EndpointConfiguration"]["InstanceType"] == "ml.c5.large"
    )
    # The scaling recommendation, as `scaling-recommendation` shows it for this traffic.
    scaling = cli(
        "scaling-recommendation", "--job-name", "xgboost-default", "--recommendation-id",
        recommendation["RecommendationId"], "--min-invocations-per-minute", str(min(PROFILE)),
        "--max-invocations-per-minute", str(max(PROFILE)), "--output", "json",
    ).json["DynamicScalingConfiguration"]  # fmt: skip
    target = scaling["ScalingPolicies"][0]["TargetTracking"]["TargetValue"]
    low, high = scaling["MinCapacity"], scaling["MaxCapacity"]
    # The hourly price is the (simulated) Price List API's for the job's region: the catalog's, which the
    # job's CostPerHour (a float32) also holds.
    unit = instance("ml.c5.large")["price_per_hour"]
    per_hour = (
        recommendation["Metrics"]["CostPerHour"] / recommendation["EndpointConfiguration"]["InitialInstanceCount"]
    )
    assert per_hour == pytest.approx(unit, rel=1e-6)
    fleet = [min(high, max(low, math.ceil(load / target))) for load in PROFILE]
    by_hand = unit * sum(fleet) / 24 * 730
    at_peak = unit * min(high, max(low, math.ceil(max(PROFILE) / target))) * 730
    mine = next(e for e in estimate["Estimates"] if e["RecommendationId"] == recommendation["RecommendationId"])
    assert mine["InstancesByHour"] == fleet
    assert mine["MonthlyCost"] == pytest.approx(by_hand, rel=1e-12)
    assert mine["MonthlyCostFixedAtPeak"] == pytest.approx(at_peak, rel=1e-12)
    assert mine["MonthlyCost"] < mine["MonthlyCostFixedAtPeak"]  # autoscaling follows the quiet hours down
    # Options within the limits first, cheapest first (the example names its instance types: real-time only).
    within = [e["MonthlyCost"] for e in estimate["Estimates"] if e["WithinLimits"]]
    assert within == sorted(within)
    assert [e["Rank"] for e in estimate["Estimates"]] == list(range(1, len(estimate["Estimates"]) + 1))
    assert {"Assumption": "Hours in a month", "Value": "730"} in estimate["Assumptions"]


def test_a_serverless_options_cost_is_invocations_times_duration_times_memory_times_the_price(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml")).code == 0
    profile = tmp_path / "day.csv"
    profile.write_text("hour,invocations_per_minute\n" + "".join(f"{h},{v // 100}\n" for h, v in enumerate(PROFILE)))
    shown = cli("cost-estimate", "distilbert-serverless", "--traffic-profile", str(profile), "--output", "json").json
    job = cli("describe-job", "distilbert-serverless", "--output", "json").json
    for estimate in (e for e in shown["Estimates"] if e["Kind"] == "Serverless"):
        recommendation = next(
            r for r in job["InferenceRecommendations"] if r["RecommendationId"] == estimate["RecommendationId"]
        )
        gigabytes = recommendation["EndpointConfiguration"]["ServerlessConfig"]["MemorySizeInMB"] / 1024
        price = serverless_prices()["price_per_gb_second"]
        duration = recommendation["Metrics"]["CostPerInference"] / (gigabytes * price)
        invocations = sum(v // 100 for v in PROFILE) / 24 * 60 * HOURS_PER_MONTH
        assert estimate["MonthlyCost"] == pytest.approx(invocations * duration * gigabytes * price, rel=1e-9)
    breakeven = shown["BreakEven"]
    assert breakeven is not None
    serverless = next(e for e in shown["Estimates"] if e["RecommendationId"] == breakeven["Serverless"])
    real_time = next(e for e in shown["Estimates"] if e["RecommendationId"] == breakeven["RealTime"])
    at = breakeven["InvocationsPerMinute"]
    assert steady_monthly_cost(serverless, at * 0.98) < steady_monthly_cost(real_time, at * 0.98)
    assert steady_monthly_cost(serverless, at * 1.02) > steady_monthly_cost(real_time, at * 1.02)


def steady_monthly_cost(estimate: dict[str, Any], per_minute: float) -> float:
    """An option's monthly cost at a steady traffic, by hand from the figures it prints."""
    if estimate["Kind"] == "Serverless":
        gb_seconds = per_minute * 60 * HOURS_PER_MONTH * estimate["BilledSecondsPerInvocation"]
        usage = gb_seconds * estimate["MemorySizeInMB"] / 1024 * serverless_prices()["price_per_gb_second"]
        return float(usage + estimate["MonthlyProvisionedConcurrencyCost"])
    instances = max(estimate["MinCapacity"], math.ceil(per_minute / estimate["TargetInvocationsPerInstance"]))
    return float(estimate["UnitPricePerHour"] * instances * HOURS_PER_MONTH)


def test_provisioned_concurrency_is_priced_on_top_with_its_source(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml")).code == 0
    plain = cli("cost-estimate", "distilbert-serverless", "--average-per-minute", "100", "--peak-per-minute", "150",
                "--output", "json").json  # fmt: skip
    warm = cli("cost-estimate", "distilbert-serverless", "--average-per-minute", "100", "--peak-per-minute", "150",
               "--provisioned-concurrency", "2", "--output", "json").json  # fmt: skip
    prices = serverless_prices()
    for before, after in zip(plain["Estimates"], warm["Estimates"], strict=True):
        if after["Kind"] != "Serverless":
            continue
        gigabytes = after["MemorySizeInMB"] / 1024
        extra = 2 * gigabytes * prices["provisioned_concurrency_per_gb_second"] * 3600 * 730
        assert after["MonthlyCost"] - before["MonthlyCost"] == pytest.approx(extra, rel=1e-9)
    assert any("estimate" in row["Value"] for row in warm["Assumptions"] if "Provisioned" in row["Assumption"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--average-per-minute", "100"], "Say what traffic to price"),
        (["--average-per-minute", "200", "--peak-per-minute", "100"], "is below --average-per-minute"),
        (["--average-per-minute", "nan", "--peak-per-minute", "100"], "must be a finite number"),
        (["--average-per-minute", "-5", "--peak-per-minute", "100"], "must be 0 or more"),
        (["--traffic-profile", "PROFILE", "--average-per-minute", "1"], "not both"),
    ],
)
def test_bad_traffic_is_refused_with_its_reason(cli: CliRunner, arguments: list[str], message: str) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    result = cli("cost-estimate", "xgboost-default", *arguments, expect=252)
    assert result.code == 252 and message in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("[1, 2, 3]", ".json", "has 3 values"),
        (json.dumps([*PROFILE[:-1], "lots"]), ".json", "hour 23 is 'lots'"),
        (json.dumps([0] * 24), ".json", "no traffic in any hour"),
        ("InvocationsPerMinute: [-1" + ", 1" * 23 + "]", ".yaml", "must be 0 or more"),
        ("1\n2\nthree\n", ".csv", "row 3: 'three' is not a number"),
        ("", ".yaml", "is empty"),
    ],
)
def test_bad_profiles_are_refused_with_where_the_problem_is(
    cli: CliRunner, tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    profile = tmp_path / f"profile{suffix}"
    profile.write_text(content)
    result = cli("cost-estimate", "xgboost-default", "--traffic-profile", str(profile), expect=252)
    assert result.code == 252 and message in result.err, result.err


def test_every_format_carries_the_assumptions(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    traffic = ["--average-per-minute", "20000", "--peak-per-minute", "30000"]
    for output in ("table", "json", "yaml", "csv", "markdown", "text"):
        shown = cli("cost-estimate", "xgboost-default", *traffic, "--output", output, width=200)
        assert shown.code == 0, shown.err
        assert "730" in shown.out and "ml.c5.large" in shown.out and "price" in shown.out, output
    charted = cli("cost-estimate", "xgboost-default", *traffic, "--output", "table", width=120).out
    assert "Monthly cost against steady traffic" in charted and "A ml." in charted
    plain = cli("cost-estimate", "xgboost-default", *traffic, "--output", "table", "--no-chart", width=120).out
    assert "Monthly cost against steady traffic" not in plain


def test_the_aws_backend_gives_the_same_estimate(cli: CliRunner, tmp_path: Path) -> None:
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store

    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    host, port = running.server_address[:2]
    remote = ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", f"http://{host}:{port}"]
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    traffic = ["--average-per-minute", "20000", "--peak-per-minute", "30000", "--output", "json"]
    try:
        job = str(EXAMPLES / "default-job.yaml")
        assert cli(*remote, "create-job", "--cli-input-yaml", job, environ=credentials).code == 0
        assert cli("create-job", "--cli-input-yaml", job).code == 0
        served = cli(*remote, "cost-estimate", "xgboost-default", *traffic, environ=credentials)
        local = cli("cost-estimate", "xgboost-default", *traffic)
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)
    assert served.code == 0, served.err

    def figures(result: Any) -> list[dict[str, Any]]:  # the same figures; only the prices' source is named apart
        return [{k: v for k, v in e.items() if k != "PriceSource"} for e in result.json["Estimates"]]

    assert figures(served) == figures(local)
    assert served.json["PriceSource"] == local.json["PriceSource"]  # both the simulator's catalog, said so
    assert local.json["PriceSource"].startswith("ircli simulator's Price List API (ircli catalog), us-east-1, ")
