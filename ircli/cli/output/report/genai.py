"""The report's generative-AI section (`report --ai-recommendation/--ai-benchmark`): per recommendation job
its options as the terminal shows them (TTFT, ITL, tokens/s, cost per million tokens), each option's time
to first token and tokens per second against concurrency as charts and a table, and the goal's winner with
what it trades; per benchmark job AIPerf's figures at each level with their cost per million tokens. Its
summary lines join the report's summary. Laid out by `genai.html.j2` into the page's own styles."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from ircli.cli.output.model import Column, TableData
from ircli.cli.output.report.genai_chart import Series, legend, line_chart

if TYPE_CHECKING:
    from ircli.lib.genai_report import BenchmarkReport, GenAiContents, RecommendationReport

CHARTED = 4  # options drawn on one chart: more lines than this no longer read


def _figure(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def _option_label(report: RecommendationReport, rank: int) -> str:
    option = report.options[rank - 1] if rank <= len(report.options) else None
    if option is None:
        return f"#{rank}"
    copies = f", {option.copies_per_instance} copies" if option.copies_per_instance > 1 else ""
    return f"#{rank} {option.instance_type} x{option.instance_count}{copies}"


def winner_lines(report: RecommendationReport) -> list[str]:
    """What the summary says of a recommendation job: its goal's winner, its figures and what it trades."""
    best = report.winner
    if best is None:
        status = report.job.get("AIRecommendationJobStatus", "")
        return [f"No recommendations ({status}); goal {report.goal}."]
    figures = [
        f"{_money(best.get('cost_per_million_tokens'))} per million tokens",
        f"time to first token {_figure(best.get('ttft_ms'))} ms",
        f"{_figure(best.get('tokens_per_second'), 0)} output tokens/s",
    ]
    lines = [
        f"Best for {report.goal}: option {best.rank}, {_option_label(report, best.rank)[3:]}: {', '.join(figures)}."
    ]
    lines.append(
        f"It trades {', '.join(report.trades)}." if report.trades else "It trades nothing the others do better."
    )
    return lines


def curve_table(report: RecommendationReport) -> TableData | None:
    ranks = sorted(report.curves)[:CHARTED]
    if not ranks:
        return None
    levels = sorted({p.concurrency for r in ranks for p in report.curves[r]})
    columns = [Column("Concurrency", justify="right")]
    for rank in ranks:
        columns += [
            Column(f"#{rank} TTFT ms", justify="right"),
            Column(f"#{rank} tokens/s", justify="right"),
            Column(f"#{rank} $/1M tokens", justify="right"),
        ]
    rows = []
    for level in levels:
        row = [str(level)]
        for rank in ranks:
            point = next((p for p in report.curves[rank] if p.concurrency == level), None)
            row += [
                _figure(point.ttft_ms if point else None),
                _figure(point.tokens_per_second if point else None, 0),
                _money(point.cost_per_million_tokens if point else None),
            ]
        rows.append(row)
    return TableData("Against concurrency", columns, rows, caption="Options numbered as in the table above.")


def _charts(series_of: dict[str, list[Series]]) -> list[dict[str, Any]]:
    from markupsafe import Markup

    charts = []
    for (title, unit), series in zip(
        (("Time to first token", "ms"), ("Output tokens per second", "tokens/s")), series_of.values(), strict=True
    ):
        svg = line_chart(series, title=title, unit=unit)
        if svg:
            charts.append({"title": title, "svg": Markup(svg), "legend": legend(series)})
    return charts


def recommendation_section(report: RecommendationReport) -> dict[str, Any]:
    from ircli.cli.output.views.ai import OPTION_COLUMNS, option_rows, recommendation_job_tables

    ranks = sorted(report.curves)[:CHARTED]
    series = {
        "ttft": [Series(_option_label(report, r), [(p.concurrency, p.ttft_ms) for p in report.curves[r]
                                                   if p.ttft_ms is not None]) for r in ranks],
        "tokens": [Series(_option_label(report, r), [(p.concurrency, p.tokens_per_second) for p in report.curves[r]
                                                     if p.tokens_per_second is not None]) for r in ranks],
    }  # fmt: skip
    job = dict(report.job)
    inputs = [(str(k), str(v)) for k, v in recommendation_job_tables(job)[0].rows]
    options = TableData("Options, in the goal's order", OPTION_COLUMNS, option_rows(job)) if report.options else None
    return {
        "kind": "Recommendation job",
        "name": report.name,
        "inputs": inputs,
        "winner": winner_lines(report),
        "options": options,
        "charts": _charts(series),
        "curves": curve_table(report),
        "note": "" if report.curves else "The job wrote no figures against concurrency (the service documents none).",
    }


LEVEL_COLUMNS = [
    Column("Concurrency", justify="right"),
    Column("TTFT ms", justify="right"),
    Column("TTFT p99 ms", justify="right"),
    Column("ITL ms", justify="right"),
    Column("Request ms", justify="right"),
    Column("Tokens/s", justify="right"),
    Column("Tokens/s/user", justify="right"),
    Column("$/1M tokens", justify="right"),
]


def benchmark_lines(report: BenchmarkReport) -> list[str]:
    if not report.levels:
        return [f"No results ({report.job.get('AIBenchmarkJobStatus', '')})."]
    best = max(report.levels, key=lambda level: level.tokens_per_second or 0.0)
    where = f" on {report.deployment}" if report.deployment else ""
    cost = f", {_money(best.cost_per_million_tokens)} per million tokens" if best.cost_per_million_tokens else ""
    return [
        f"Most output tokens/s{where} at concurrency {best.concurrency}: "
        f"{_figure(best.tokens_per_second, 0)} tokens/s, time to first token {_figure(best.ttft_ms)} ms{cost}."
    ]


def benchmark_section(report: BenchmarkReport) -> dict[str, Any]:
    from ircli.cli.output.views.ai import benchmark_job_tables

    rows = [
        [str(lv.concurrency), _figure(lv.ttft_ms), _figure(lv.ttft_p99_ms), _figure(lv.itl_ms),
         _figure(lv.request_latency_ms), _figure(lv.tokens_per_second, 0), _figure(lv.tokens_per_second_per_user),
         _money(lv.cost_per_million_tokens)]
        for lv in report.levels
    ]  # fmt: skip
    label = report.deployment or "the endpoint"
    series = {
        "ttft": [Series(label, [(lv.concurrency, lv.ttft_ms) for lv in report.levels if lv.ttft_ms is not None])],
        "tokens": [Series(label, [(lv.concurrency, lv.tokens_per_second) for lv in report.levels
                                  if lv.tokens_per_second is not None])],
    }  # fmt: skip
    priced = "" if report.price_per_hour is None else f"; $/1M tokens at {_money(report.price_per_hour)} an hour"
    table = TableData("Measured by AIPerf", LEVEL_COLUMNS, rows, caption=f"{report.location or ''}{priced}".strip("; "))
    return {
        "kind": "Benchmark job",
        "name": report.name,
        "inputs": [(str(k), str(v)) for k, v in benchmark_job_tables(dict(report.job))[0].rows],
        "winner": benchmark_lines(report),
        "options": table if rows else None,
        "charts": _charts(series),
        "curves": None,
        "note": "" if rows else "The benchmark has no results yet.",
    }


def summary_items(contents: GenAiContents) -> list[dict[str, Any]]:
    """The report summary's entries for the generative-AI jobs, in the summary's own shape."""
    items = [{"job": r.name, "lines": winner_lines(r)} for r in contents.recommendations]
    return items + [{"job": b.name, "lines": benchmark_lines(b)} for b in contents.benchmarks]


def genai_html(contents: GenAiContents) -> str:
    """The section as HTML for the page's `genai` slot ("" when no generative-AI job was asked for)."""
    import jinja2
    from markupsafe import Markup

    if not contents.names:
        return Markup("")
    sections = [recommendation_section(r) for r in contents.recommendations]
    sections += [benchmark_section(b) for b in contents.benchmarks]
    text = resources.files(__package__).joinpath("genai.html.j2").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True)
    return Markup(environment.from_string(text).render(sections=sections))
