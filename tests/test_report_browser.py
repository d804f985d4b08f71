"""ircli report in a real headless Chromium: screenshots at 1280 and 390 px, light and dark (the dark one is
dark), no sideways scrolling at 360 and 390 px (the document is no wider than the window; wide tables scroll
in their own box), and printed to PDF, no page ends with a heading and the first page holds more than the
title; every benchmark's load curve is drawn (its strips and lines laid out with a size, inside the window
at phone widths) and printed. The screenshots and the PDF are kept in the folder IRCLI_TEST_ARTEFACTS names (default
`<tmp>/ircli-report-artefacts`), to look at after the run."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRunner

pytestmark = pytest.mark.slow

# Holds the report in a frame of the phone's width (headless Chromium's window is at least 500 px wide) and,
# once it has loaded and laid out, writes its widths into the DOM, which --dump-dom then prints.
PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="report.html" style="width:WIDTHpx;height:800px;border:0"></iframe>
<script>
document.getElementById("f").addEventListener("load", () => {
  const inner = document.getElementById("f").contentDocument;
  const root = inner.documentElement;
  const drawn = (selector) => [...inner.querySelectorAll(selector)].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= root.clientWidth;
  }).length;
  const p = document.createElement("pre");
  p.id = "probe";
  p.textContent = JSON.stringify({scroll: root.scrollWidth, width: root.clientWidth,
    charts: inner.querySelectorAll("svg.curves").length, chartsDrawn: drawn("svg.curves"),
    lines: inner.querySelectorAll("svg.curves path.curve").length, linesDrawn: drawn("svg.curves path.curve")});
  document.body.appendChild(p);
});
</script></body></html>"""


def artefacts() -> Path:
    folder = Path(os.environ.get("IRCLI_TEST_ARTEFACTS") or Path(tempfile.gettempdir()) / "ircli-report-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}"]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=180)


@pytest.fixture
def page(cli: CliRunner, tmp_path: Path) -> Path:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium when it can)")
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "candidate-job.yaml")).code == 0
    target = tmp_path / "report.html"
    made = cli("report", "xgboost-default", "candidate", "--html", str(target),
               "--traffic-profile", str(EXAMPLES / "traffic-day.csv"))  # fmt: skip
    assert made.code == 0, made.err
    return target


def browser_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found is not None
    return found


def test_screenshots_light_and_dark_at_desktop_and_phone_widths(page: Path, tmp_path: Path) -> None:
    from PIL import Image

    folder = artefacts()
    for width in (1280, 390):
        for scheme in ("light", "dark"):
            shot = folder / f"report-{width}-{scheme}.png"
            shot.unlink(missing_ok=True)
            dark = ["--force-dark-mode"] if scheme == "dark" else []
            run = chromium(browser_path(), tmp_path / f"p-{width}-{scheme}", *dark, f"--screenshot={shot}",
                           f"--window-size={width},2400", page.as_uri())  # fmt: skip
            assert shot.is_file() and shot.stat().st_size > 10_000, run.stderr[-2000:]
            with Image.open(shot) as image:
                assert image.size[0] == width
                background = image.convert("L").getpixel((2, 2))
            assert (background < 60) if scheme == "dark" else (background > 200), (shot, background)


def benchmarks(page: Path) -> int:
    """How many benchmarks the two jobs of the page ran (a curve each), from the page's own cards."""
    return page.read_text("utf-8").count('<figure class="curve">')


def test_no_sideways_scrolling_at_phone_widths(page: Path, tmp_path: Path) -> None:
    for width in (360, 390):
        probe = page.parent / f"probe-{width}.html"
        probe.write_text(PROBE.replace("WIDTH", str(width)), "utf-8")
        dom = chromium(browser_path(), tmp_path / f"p{width}", "--allow-file-access-from-files", "--dump-dom",
                       probe.as_uri()).stdout  # fmt: skip
        found = re.search(r'<pre id="probe">(\{.*?\})</pre>', dom)
        assert found is not None, dom[-500:]
        laid = json.loads(html.unescape(found.group(1)))
        assert laid["width"] == width and laid["scroll"] <= width, (width, laid)
        # Every benchmark's curve is drawn inside the window: three strips' lines each, all with a size.
        assert laid["charts"] == benchmarks(page) and laid["chartsDrawn"] == laid["charts"], laid
        assert laid["lines"] == 3 * laid["charts"] and laid["linesDrawn"] == laid["lines"], laid


def headings(html: str) -> set[str]:
    return {re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[123][^>]*>(.*?)</h[123]>", html, re.S)}


def test_printed_no_page_ends_with_a_heading(page: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = artefacts() / "report.pdf"
    pdf.unlink(missing_ok=True)
    run = chromium(browser_path(), tmp_path / "pdf", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.is_file(), run.stderr[-2000:]
    titles = headings(page.read_text("utf-8"))
    pages = [
        [line.strip() for line in (p.extract_text() or "").splitlines() if line.strip()] for p in PdfReader(pdf).pages
    ]
    assert len(pages) >= 2
    assert len(pages[0]) > 5  # the first page holds the summary, not just the title
    printed = "\n".join("\n".join(lines) for lines in pages)
    # The curves print: their strips' names once a chart, with the heading they sit under.
    assert printed.count("Invocations/min") >= benchmarks(page) >= 8 and "Load during each benchmark" in printed
    stranded = [(number, lines[-1]) for number, lines in enumerate(pages, 1) if lines and lines[-1] in titles]
    assert stranded == [], stranded
