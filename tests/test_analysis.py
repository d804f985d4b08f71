"""rank-recommendations and compare-jobs through the CLI, and the comparison function."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ircli.lib.compare import compare_jobs, configuration_key, percent_change
from tests.conftest import EXAMPLES, CliRunner

DEFAULT_JOB = str(EXAMPLES / "default-job.yaml")


def test_rank_recommendations_json_rows(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", DEFAULT_JOB)
    rows = cli("rank-recommendations", "xgboost-default", "--rank-by", "cost=highest").json
    # Four instance types and, SupportedEndpointType unset, two serverless sizes (the API's combined list).
    assert [row["Rank"] for row in rows] == [1, 2, 3, 4]  # the four instance types the example names
    assert rows[0]["TopPick"] and not any(row["TopPick"] for row in rows[1:])
    # The cost each was ranked by, at the job's region's prices, and where that price came from.
    assert set(rows[0]) == {"Rank", "Score", "ParetoOptimal", "TopPick", "CostPerHour", "PriceSource", "Recommendation"}
    described = cli("describe-job", "xgboost-default").json
    assert {r["RecommendationId"] for r in described["InferenceRecommendations"]} == {
        row["Recommendation"]["RecommendationId"] for row in rows
    }
    assert rows == sorted(rows, key=lambda row: -row["Score"])


def test_rank_limits_top_and_errors(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", DEFAULT_JOB)
    assert len(cli("rank-recommendations", "xgboost-default", "--top", "2").json) == 2
    every = cli("rank-recommendations", "xgboost-default").json
    limited = cli("rank-recommendations", "xgboost-default", "--max-latency-ms", "60").json
    assert all(row["Recommendation"]["Metrics"]["ModelLatency"] <= 60 for row in limited)
    assert 0 < len(limited) < len(every)
    none = cli("rank-recommendations", "xgboost-default", "--max-cost-per-hour", "0.01", expect=252)
    assert none.code == 252 and "No recommendation meets the limits" in none.err
    assert cli("rank-recommendations", "xgboost-default", "--rank-by", "speed=high", expect=252).code == 252
    table = cli("describe-job", "xgboost-default", "--rank-by", "latency=highest", "--output", "table", width=160)
    assert "ranks first with" in table.out and "the lowest latency" in table.out


def test_describe_json_stays_the_raw_response_when_ranking(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", DEFAULT_JOB)
    plain = cli("describe-job", "xgboost-default").json
    ranked = cli("describe-job", "xgboost-default", "--rank-by", "cost=high").json
    assert plain == ranked


def _two_jobs(cli: CliRunner, tmp_path: Path) -> None:
    cli("create-job", "--cli-input-yaml", DEFAULT_JOB, "--job-name", "model-v1")
    changed = json.loads(cli("create-job", "--cli-input-yaml", DEFAULT_JOB, "--dry-run", "--output", "json").out)
    changed["JobName"] = "model-v2"
    changed["InputConfig"]["ContainerConfig"]["NearestModelName"] = "bert-base"  # a heavier model: slower, dearer
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(changed))
    assert cli("create-job", "--cli-input-json", str(path)).code == 0


def test_compare_jobs_and_the_regression_gate(cli: CliRunner, tmp_path: Path) -> None:
    _two_jobs(cli, tmp_path)
    document = cli("compare-jobs", "model-v1", "model-v2").json
    # The four instance types the example names (real-time only when types are named).
    assert len(document["Comparisons"]) == 4
    first = document["Comparisons"][0]["Metrics"]
    assert first["ModelLatency"]["ChangePercent"] > 0
    assert first["MaxInvocations"]["ChangePercent"] < 0
    same = cli("compare-jobs", "model-v1", "model-v1", "--fail-on-regression", "0")
    assert same.code == 0
    gate = cli("compare-jobs", "model-v1", "model-v2", "--fail-on-regression", "10", expect=3)
    assert gate.code == 3 and "regression(s) beyond 10%" in gate.err
    assert gate.json["Comparisons"][0]["Regressions"]
    table = cli("compare-jobs", "model-v1", "model-v2", "--output", "markdown")
    assert table.out.startswith("**model-v1 (A) vs model-v2 (B)**")
    assert cli("compare-jobs", "model-v1", "missing", expect=254).code == 254


def test_comparison_function() -> None:
    def rec(instance: str, cost: float, latency: int, invocations: Any) -> dict[str, Any]:
        return {
            "EndpointConfiguration": {"InstanceType": instance, "InitialInstanceCount": 1},
            "Metrics": {"CostPerHour": cost, "ModelLatency": latency, "MaxInvocations": invocations},
        }

    a = {
        "JobName": "a",
        "InferenceRecommendations": [rec("ml.c5.large", 0.1, 100, 1000), rec("ml.m5.large", 0.1, 1, 1)],
    }
    b = {
        "JobName": "b",
        "InferenceRecommendations": [rec("ml.c5.large", 0.1, 120, "NaN"), rec("ml.g5.xlarge", 1, 1, 1)],
    }
    comparison = compare_jobs(a, b)
    assert [item.key for item in comparison.matched] == ["ml.c5.large"]
    changes = {change.objective.value: change.change for change in comparison.matched[0].changes}
    assert changes["cost"] == 0.0 and round(changes["latency"] or 0, 6) == 20.0 and changes["throughput"] is None
    assert [r["EndpointConfiguration"]["InstanceType"] for r in comparison.only_in_a] == ["ml.m5.large"]
    assert len(comparison.regressions(19.9)) == 1 and comparison.regressions(20.1) == []
    assert percent_change(0, 5) is None
    env = {
        "EndpointConfiguration": {"InstanceType": "ml.c5.large"},
        "ModelConfiguration": {"EnvironmentParameters": [{"Key": "B", "Value": "2"}, {"Key": "A", "Value": "1"}]},
    }
    assert configuration_key(env) == "ml.c5.large A=1 B=2"
