"""`ircli report --ai-recommendation/--ai-benchmark`: the page's generative-AI section shows each option's
time to first token and tokens per second against concurrency (a line per option on each chart, and the
figures in a table), cost per million tokens, the goal's winner and what it trades, in the summary too; a
benchmark's AIPerf figures at each level priced per million tokens at the endpoint's price."""

from __future__ import annotations

import html as htmllib
import itertools
import re
from pathlib import Path

import pytest

from ircli.cli.output.report.genai_chart import Series, line_chart
from ircli.lib import genai
from tests.conftest import EXAMPLES, CliRunner

ROLE = "arn:aws:iam::123456789012:role/R"


def make_jobs(cli: CliRunner, *, benchmark: bool = False) -> None:
    """A workload at three levels, a cost job over three GPU types and, if asked, a benchmark of its third
    option deployed (two copies: inference components)."""
    assert (
        cli(
            "ai-workload",
            "create",
            "--name",
            "chat",
            "--input-tokens-mean",
            "550",
            "--output-tokens-mean",
            "150",
            "--concurrency",
            "1",
            "--concurrency",
            "8",
            "--concurrency",
            "32",
            "--streaming",
        ).code
        == 0
    )
    assert cli("ai-recommendation", "create", "--name", "cheap", "--model-s3-uri", "s3://bucket/models/llama-3-8b/",
               "--output-s3-uri", "s3://bucket/out/", "--workload", "chat", "--goal", "cost",
               "--instance-type", "ml.g5.12xlarge", "--instance-type", "ml.g6e.2xlarge",
               "--instance-type", "ml.p5.48xlarge", "--role-arn", ROLE).code == 0  # fmt: skip
    assert cli("ai-recommendation", "wait", "cheap").code == 0
    if benchmark:
        assert (
            cli("ai-recommendation", "deploy", "cheap", "--rank", "2", "--endpoint-name", "llama", "--wait").code == 0
        )
        assert cli("ai-benchmark", "create", "--name", "bench", "--endpoint", "llama", "--workload", "chat",
                   "--output-s3-uri", "s3://bucket/bench/", "--role-arn", ROLE).code == 0  # fmt: skip
        assert cli("ai-benchmark", "wait", "bench").code == 0


def text_of(page: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_section_charts_each_option_and_names_the_winner_and_its_trades(cli: CliRunner, tmp_path: Path) -> None:
    make_jobs(cli)
    target = tmp_path / "r.html"
    assert cli("report", "--ai-recommendation", "cheap", "--html", str(target)).code == 0
    page = target.read_text("utf-8")
    job = cli("ai-recommendation", "describe", "cheap", "--output", "json").json
    options = genai.options(job)
    best, trades = genai.winner(job) or (None, [])
    assert best is not None and trades
    said = text_of(page)
    assert "<title>Inference recommendations: cheap</title>" in page
    assert f"Best for cost: option {best.rank}, {best.instance_type} x1" in said
    assert f"It trades {', '.join(trades)}." in said
    summary = said.split("Generative AI")[0]
    assert "Summary" in summary and f"option {best.rank}" in summary  # the winner is in the summary too
    # Two charts (TTFT, tokens/s), each a line per charted option, one point per concurrency level.
    charts = re.findall(r'<svg class="genai-chart".*?</svg>', page, re.S)
    assert len(charts) == 2 and 'aria-label="Time to first token"' in charts[0]
    charted = min(len(options), 4)
    curve = cli("ai-recommendation", "describe", "cheap", "--curves", "--output", "json").json["Curves"]
    for chart in charts:
        lines = re.findall(r'<polyline class="series s\d" points="([^"]+)"', chart)
        assert len(lines) == charted
        assert [len(points.split()) for points in lines] == [len(c) for c in curve[:charted]]
    # Every option's cost per million tokens, as describe shows it.
    for option in options:
        assert f"${option.get('cost_per_million_tokens'):,.2f}" in said
    # The table against concurrency holds the curve's figures.
    first = curve[0][0]
    assert f"{first['ttft_ms']:,.1f}" in said and f"${first['cost_per_million_tokens']:,.2f}" in said


def test_a_benchmark_is_shown_per_level_and_priced_at_the_endpoints_instances(cli: CliRunner, tmp_path: Path) -> None:
    make_jobs(cli, benchmark=True)
    target = tmp_path / "r.html"
    made = cli("report", "xgboost-default", "--ai-recommendation", "cheap", "--ai-benchmark", "bench",
               "--html", str(target), expect=(0, 254))  # fmt: skip
    assert made.code == 254  # a classic job that does not exist fails the report before anything is written
    assert not target.exists()
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    made = cli("report", "xgboost-default", "--ai-recommendation", "cheap", "--ai-benchmark", "bench",
               "--html", str(target))  # fmt: skip
    assert made.code == 0, made.err
    said = text_of(target.read_text("utf-8"))
    assert "Job xgboost-default" in said and "Benchmark job bench" in said  # the classic job's section stays
    results = cli("ai-benchmark", "results", "bench", "--output", "json").json["ConcurrencyLevels"]
    assert [level["Concurrency"] for level in results] == [1, 8, 32]
    deployed = cli("ai-recommendation", "describe", "cheap", "--output", "json").json["Recommendations"][1]
    instance = deployed["DeploymentConfiguration"]["InstanceType"]
    from ircli.lib.catalog import instance as catalogued

    price = catalogued(instance)["price_per_hour"]
    for level in results:
        tokens = level["Results"]["output_token_throughput"]["avg"]
        assert f"${price / (tokens * 3600) * 1_000_000:,.2f}" in said
        assert f"{level['Results']['time_to_first_token']['avg']:,.1f}" in said
    assert f"Most output tokens/s on {instance} x1 at concurrency 32" in said


def test_a_report_needs_a_job_and_a_classic_report_has_no_genai_section(cli: CliRunner, tmp_path: Path) -> None:
    assert "Give a job to report on" in cli("report", "--html", str(tmp_path / "r.html"), expect=252).err
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    assert cli("report", "xgboost-default", "--html", str(tmp_path / "r.html")).code == 0
    assert 'id="genai"' not in (tmp_path / "r.html").read_text("utf-8")


@pytest.mark.parametrize("levels", [[1], [1, 2, 4, 8, 16, 32, 64, 128]])
def test_the_chart_puts_concurrency_on_a_base_2_scale_and_values_from_zero(levels: list[int]) -> None:
    svg = line_chart([Series("a", [(c, float(c)) for c in levels])], title="t", unit="ms")
    xs = [float(x) for x, _ in re.findall(r'<circle class="series-point s0" cx="([\d.]+)" cy="([\d.]+)"', svg)]
    assert len(xs) == len(levels)
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert not gaps or max(gaps) - min(gaps) < 0.2  # doubling concurrency moves one equal step
    assert ">0</text>" in svg and line_chart([Series("empty", [])], title="t", unit="ms") == ""
