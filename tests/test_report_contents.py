"""ircli report's contents agree with the commands they summarise: the comparison's Regressions column is
compare-jobs' at the same threshold, the top pick's scaling is sized at the traffic the cost table uses, the
summary names the top pick, the cheapest at the traffic and the verdict, and `--rank-by` ranks the page as
rank-recommendations does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES, CliRunner

TRAFFIC = ("--traffic-profile", str(EXAMPLES / "traffic-day.csv"))


def two_jobs(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "candidate-job.yaml")).code == 0


def tables(text: str) -> dict[str, list[list[str]]]:
    """Each table of the page by its class: its rows' cell texts (header first)."""
    import html5lib

    tree = html5lib.parse(text, namespaceHTMLElements=False)
    found: dict[str, list[list[str]]] = {}
    for table in tree.iter("table"):
        rows = [["".join(cell.itertext()).strip() for cell in row] for row in table.iter("tr")]
        found[table.get("class", "")] = rows
    return found


def report(cli: CliRunner, tmp_path: Path, *args: str) -> str:
    page = tmp_path / "report.html"
    made = cli("report", *args, "--html", str(page))
    assert made.code == 0, made.err
    return page.read_text("utf-8")


def test_the_comparison_lists_the_regressions_compare_jobs_lists(cli: CliRunner, tmp_path: Path) -> None:
    two_jobs(cli)
    gate = cli("compare-jobs", "xgboost-default", "candidate", "--fail-on-regression", "10", "--output", "json",
               expect=3).json  # fmt: skip
    from ircli.cli.output.views.analysis import REGRESSION_WORDS  # the tables name them in words

    expected = {
        item["EndpointConfiguration"]: ", ".join(REGRESSION_WORDS[name] for name in item["Regressions"])
        for item in gate["Comparisons"]
    }
    assert any(expected.values())  # the pair has regressions at 10%
    for given in ((), ("--fail-on-regression", "10")):  # 10% is also the report's default
        text = report(cli, tmp_path, "xgboost-default", "candidate", *given)
        rows = tables(text)["comparison"]
        column = rows[0].index("Regressions")
        shown = {row[0]: row[column] for row in rows[1:]}
        assert shown == expected
        assert "beyond 10%" in text
    loose = tables(report(cli, tmp_path, "xgboost-default", "candidate", "--fail-on-regression", "5000"))
    assert all(row[column] == "" for row in loose["comparison"][1:])


def test_the_top_picks_scaling_is_sized_at_the_traffic_the_cost_table_uses(cli: CliRunner, tmp_path: Path) -> None:
    two_jobs(cli)
    top = cli("rank-recommendations", "xgboost-default", "--output", "json").json[0]
    top_id = top["Recommendation"]["RecommendationId"]
    sizes = set()
    for heavy in (TRAFFIC, ("--average-per-minute", "10000", "--peak-per-minute", "60000")):
        costs = cli("cost-estimate", "xgboost-default", *heavy, "--output", "json").json
        by_id = {e["RecommendationId"]: e for e in costs["Estimates"] if e["Kind"] == "Instances"}
        text = report(cli, tmp_path, "xgboost-default", *heavy)
        instances = re.search(r"<dt>Instances</dt><dd>([^<]*)</dd>", text)
        assert instances is not None
        assert instances.group(1) == f"{by_id[top_id]['MinCapacity']} to {by_id[top_id]['MaxCapacity']}"
        sizes.add(instances.group(1))
    assert len(sizes) == 2  # heavier traffic, more instances: the sizing follows the traffic


def summary(text: str) -> str:
    found = re.search(r'<section class="summary".*?</section>', text, re.S)
    assert found is not None, "no summary section"
    return re.sub(r"<[^>]+>", "", found.group(0))


def test_the_summary_comes_first_and_names_the_pick_the_cheapest_and_the_verdict(
    cli: CliRunner, tmp_path: Path
) -> None:
    two_jobs(cli)
    text = report(cli, tmp_path, "xgboost-default", "candidate", *TRAFFIC)
    assert text.index('class="summary"') < text.index('class="job"')
    said = summary(text)
    top = cli("rank-recommendations", "xgboost-default", "--output", "json").json[0]["Recommendation"]
    assert top["RecommendationId"] in said
    cheapest = cli("cost-estimate", "xgboost-default", *TRAFFIC, "--output", "json").json["Estimates"][0]
    assert cheapest["RecommendationId"] in said
    gate = cli("compare-jobs", "xgboost-default", "candidate", "--fail-on-regression", "10", "--output", "json",
               expect=3).json  # fmt: skip
    regressed = [item["EndpointConfiguration"] for item in gate["Comparisons"] if item["Regressions"]]
    verdict = said[said.index("Verdict:") :]
    assert "candidate regresses on xgboost-default beyond 10%" in verdict  # the verdict, with the threshold used
    assert all(f"{key} (" in verdict for key in regressed)
    calm = summary(report(cli, tmp_path, "xgboost-default", "candidate", "--fail-on-regression", "5000"))
    assert "Verdict: no regression beyond 5000%" in calm


def ranked_ids(text: str, job: int = 1) -> list[str]:
    found = re.search(rf'<section class="job" id="job-{job}">.*?</section>', text, re.S)
    assert found is not None
    ranked = tables(found.group(0))["ranked"]
    column = next(i for i, header in enumerate(ranked[0]) if header.lower() in ("id", "recommendation"))
    return [row[column] for row in ranked[1:]]


def test_rank_by_ranks_the_page_as_rank_recommendations_does(cli: CliRunner, tmp_path: Path) -> None:
    two_jobs(cli)
    for weights in ("latency=highest,cost=lowest", "cost=highest"):
        expected: list[Any] = [
            item["Recommendation"]["RecommendationId"]
            for item in cli("rank-recommendations", "xgboost-default", "--rank-by", weights, "--output", "json").json
        ]
        text = report(cli, tmp_path, "xgboost-default", "--rank-by", weights, *TRAFFIC)
        assert ranked_ids(text) == expected
        said = summary(text)
        assert expected[0] in said and f"by --rank-by {weights}" in said
        costs = cli("cost-estimate", "xgboost-default", *TRAFFIC, "--output", "json").json["Estimates"]
        if costs[0]["RecommendationId"] != expected[0]:  # two winners: the page says why
            assert "The cheapest at your traffic is" in said and "It is not the top pick because" in said
        else:
            assert "The top pick is also the cheapest at your traffic" in said
    refused = cli("report", "xgboost-default", "--rank-by", "speed=high", "--html", str(tmp_path / "r.html"),
                  expect=252)  # fmt: skip
    assert refused.code == 252
