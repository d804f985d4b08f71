"""ircli report: a page that stands alone (no script, nothing fetched), parses without errors, escapes
what the jobs hold, and shows every ranked recommendation as a row and as a point; in a real headless
Chromium it loads without console errors and its screenshot is taken."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRunner


def two_jobs(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"),
               "--job-description", "<script>alert('x')</script> & more").code == 0  # fmt: skip
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "candidate-job.yaml")).code == 0


def test_the_report_stands_alone_parses_and_shows_every_recommendation(cli: CliRunner, tmp_path: Path) -> None:
    import html5lib

    two_jobs(cli)
    page = tmp_path / "report.html"
    made = cli("report", "xgboost-default", "candidate", "--html", str(page),
               "--traffic-profile", str(EXAMPLES / "traffic-day.csv"))  # fmt: skip
    assert made.code == 0, made.err
    assert f"Wrote the report to {page}" in made.err and made.out == ""
    text = page.read_text("utf-8")
    html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error
    assert "<script" not in text.replace("&lt;script", "") and "<link" not in text
    assert re.findall(r"(?:src|href)=", text) == []
    assert [url for url in re.findall(r"https?://[^\s\"'<>]+", text) if "www.w3.org/2000/svg" not in url] == []
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in text  # the description, escaped
    for job in ("xgboost-default", "candidate"):
        ids = [
            r["RecommendationId"] for r in cli("describe-job", job, "--output", "json").json["InferenceRecommendations"]
        ]
        for recommendation_id in ids:
            assert f'data-recommendation="{recommendation_id}"' in text
            assert f"<td>{recommendation_id}</td>" in text
    assert text.count('class="point pareto"') >= 2 and 'class="frontier"' in text
    assert "Monthly cost at your traffic" in text and "Assumptions" in text and ">730<" in text
    assert "xgboost-default (A) vs candidate (B)" in text  # two jobs: their comparison
    assert "prefers-color-scheme: dark" in text and "@media print" in text


def test_a_report_needs_a_folder_that_exists(cli: CliRunner, tmp_path: Path) -> None:
    two_jobs(cli)
    refused = cli("report", "xgboost-default", "--html", str(tmp_path / "missing" / "r.html"), expect=252)
    assert refused.code == 252 and "a folder that exists" in refused.err
    assert not (tmp_path / "missing").exists()
    unknown = cli("report", "no-such-job", "--html", str(tmp_path / "r.html"), expect=254)
    assert unknown.code == 254 and not (tmp_path / "r.html").exists()


@pytest.mark.slow
def test_the_report_in_a_real_headless_chromium(cli: CliRunner, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium when it can)")
    two_jobs(cli)
    page = tmp_path / "report.html"
    assert cli("report", "xgboost-default", "candidate", "--html", str(page)).code == 0
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'p'}"]
    shot = tmp_path / "report.png"
    screenshot = subprocess.run(
        [browser, *flags, "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", "--window-size=1280,2400",
         page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shot.is_file() and shot.stat().st_size > 10_000, screenshot.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    console = [line for line in screenshot.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console  # no console message at all: no error, no failed load
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    drawn = dom.count('<circle class="point pareto" ') + dom.count('<circle class="point other" ')
    recommendations = sum(
        len(cli("describe-job", job, "--output", "json").json["InferenceRecommendations"])
        for job in ("xgboost-default", "candidate")
    )
    assert dom.count('<tr class="row') >= recommendations and drawn == recommendations
    assert "xgboost-default (A) vs candidate (B)" in dom
