"""The report's generative-AI section in a real headless Chromium: screenshots at 1280 and 390 px, light and
dark, the charts drawn (their lines are coloured, not the page's background), no sideways scrolling at 360 and
390 px (the wide table against concurrency scrolls in its own box), and printed to PDF with no page ending on
a heading. Screenshots go to the folder IRCLI_TEST_ARTEFACTS names, as test_report_browser's do."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import CliRunner
from tests.test_report_browser import PROBE, artefacts, browser_path, chromium, headings
from tests.test_report_genai import make_jobs

pytestmark = pytest.mark.slow


@pytest.fixture
def page(cli: CliRunner, tmp_path: Path) -> Path:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium when it can)")
    make_jobs(cli, benchmark=True)
    target = tmp_path / "report.html"
    made = cli("report", "--ai-recommendation", "cheap", "--ai-benchmark", "bench", "--html", str(target))
    assert made.code == 0, made.err
    return target


def test_screenshots_show_the_charts_in_light_and_dark(page: Path, tmp_path: Path) -> None:
    from PIL import Image

    for width in (1280, 390):
        for scheme in ("light", "dark"):
            shot = artefacts() / f"report-genai-{width}-{scheme}.png"
            shot.unlink(missing_ok=True)
            dark = ["--force-dark-mode"] if scheme == "dark" else []
            run = chromium(browser_path(), tmp_path / f"p-{width}-{scheme}", *dark, f"--screenshot={shot}",
                           f"--window-size={width},3600", page.as_uri())  # fmt: skip
            assert shot.is_file() and shot.stat().st_size > 10_000, run.stderr[-2000:]
            with Image.open(shot) as image:
                rgb = image.convert("RGB")
                assert rgb.size[0] == width
                background = rgb.convert("L").getpixel((2, 2))
                assert (background < 60) if scheme == "dark" else (background > 200), (shot, background)
                # The lines' colours (blue, orange, green) are on the page: the charts were drawn.
                colours = {pixel for count, pixel in rgb.getcolors(maxcolors=1 << 20) or [] if count > 20}
                saturated = [c for c in colours if max(c) - min(c) > 120]
                assert len(saturated) >= 3, (shot, len(saturated))


def test_no_sideways_scrolling_at_phone_widths(page: Path, tmp_path: Path) -> None:
    for width in (360, 390):
        probe = page.parent / f"probe-{width}.html"
        probe.write_text(PROBE.replace("WIDTH", str(width)), "utf-8")
        dom = chromium(browser_path(), tmp_path / f"p{width}", "--allow-file-access-from-files", "--dump-dom",
                       probe.as_uri()).stdout  # fmt: skip
        found = re.search(r'<pre id="probe">(\{.*?\})</pre>', dom)
        assert found is not None, dom[-500:]
        measured = json.loads(found.group(1))
        assert measured["width"] == width and measured["scroll"] <= width, (width, measured)


def test_printed_no_page_ends_with_a_heading(page: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = artefacts() / "report-genai.pdf"
    pdf.unlink(missing_ok=True)
    run = chromium(browser_path(), tmp_path / "pdf", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.is_file(), run.stderr[-2000:]
    titles = headings(page.read_text("utf-8"))
    pages = [
        [line.strip() for line in (p.extract_text() or "").splitlines() if line.strip()] for p in PdfReader(pdf).pages
    ]
    assert len(pages) >= 2 and "Generative AI" in " ".join(" ".join(p) for p in pages)
    stranded = [(number, lines[-1]) for number, lines in enumerate(pages, 1) if lines and lines[-1] in titles]
    assert stranded == [], stranded
