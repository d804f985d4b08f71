"""The same job ranks the same everywhere: describe-job's ranked table and the deployment wizards rank and
price at the job's region's quote, as rank-recommendations, report and cost-estimate do (the cached Price
List answer, refreshed with --refresh-prices), and say where the prices came from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest

from tests.conftest import CliRunner
from tests.scripted import ScriptedPrompter
from tests.test_report_prices import QUOTED, SERVED, job  # noqa: F401 (job: the fixture, quoted ml.c5.xlarge 0.05)


def ranked_ids(cli: CliRunner, name: str, *options: str) -> list[str]:
    ranked = cli("rank-recommendations", name, *options, "--output", "json").json
    return [str(r["Recommendation"]["RecommendationId"]) for r in ranked]


def table_ids(table: str) -> list[str]:
    return re.findall(r"xgboost-default/[0-9a-f]{8}", table)


@pytest.mark.parametrize("rank_by", ["cost=highest", "cost=high,latency=low"])
def test_describe_job_ranks_at_the_quote_as_rank_recommendations_does(cli: CliRunner, job: str, rank_by: str) -> None:  # noqa: F811
    table = cli("describe-job", job, "--rank-by", rank_by, "--output", "table", width=220).out
    assert table_ids(table) == ranked_ids(cli, job, "--rank-by", rank_by)
    assert f"Price source: {QUOTED} (ml.c5.xlarge, " in table
    if rank_by == "cost=highest":
        assert re.search(r"1 +\* +ml\.c5\.xlarge x1 +\$0\.0500", table), table


def test_describe_job_refreshes_prices_when_asked(cli: CliRunner, job: str) -> None:  # noqa: F811
    args = ("describe-job", job, "--rank-by", "cost=highest", "--output", "table")
    refreshed = cli(*args, "--refresh-prices", width=220).out
    assert f"Price source: {SERVED} (" in refreshed and QUOTED not in refreshed
    assert table_ids(refreshed) == ranked_ids(cli, job, "--rank-by", "cost=highest")
    assert f"Price source: {SERVED} (" in cli(*args, width=220).out  # the refreshed answer is the cached one now


def test_the_raw_answer_is_untouched_by_the_quote(cli: CliRunner, job: str) -> None:  # noqa: F811
    described = cli("describe-job", job, "--rank-by", "cost=highest", "--output", "json").json
    xlarge = next(
        r for r in described["InferenceRecommendations"] if r["EndpointConfiguration"]["InstanceType"] == "ml.c5.xlarge"
    )
    assert xlarge["Metrics"]["CostPerHour"] == pytest.approx(0.204)


class Recording(ScriptedPrompter):
    """A scripted prompter that keeps the choices each question offered."""

    def __init__(self, answers: list[Any]) -> None:
        super().__init__(answers)
        self.offered: dict[str, list[str]] = {}

    def select(self, question: str, choices: Sequence[str], *, default: str | None = None) -> str:
        self.offered[question] = list(choices)
        return super().select(question, choices, default=default)


@pytest.mark.parametrize("command", [("endpoint-config", "create"), ("scaling-recommendation",)])
def test_the_wizards_offer_recommendations_ranked_and_priced_at_the_quote(
    cli: CliRunner,
    job: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    import ircli.cli.prompts

    prompter = Recording([job, "#", KeyboardInterrupt])  # the job, the first-ranked recommendation, then Ctrl-C
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: prompter)
    cli(*command, "--interactive", expect=130)
    (offered,) = [choices for question, choices in prompter.offered.items() if question.startswith("Which rec")]
    assert [entry.split()[-1] for entry in offered] == ranked_ids(cli, job)
    xlarge = next(entry for entry in offered if " ml.c5.xlarge x1 " in entry)
    assert "$0.0500/h" in xlarge
    assert any(line.startswith(f"shown: Price source: {QUOTED} (ml.c5.xlarge, ") for line in prompter.log)
