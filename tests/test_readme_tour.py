"""The README's tour is executed: each pasted output is what a terminal of the stated width shows, at
instant speed; and at a speed-up where jobs and endpoints take visible time, the same commands end on the
same screens while the waiting shows on the way."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO
from tools import readme_tour as tour

pytestmark = pytest.mark.slow

CLOCK = re.compile(r"\b\d+:\d\d\b")
DURATION = re.compile(r"\b\d+m\d\ds\b")
SECONDS = re.compile(r"\(\d+s elapsed\)")
PASSING_STATUS = re.compile(r"^(endpoint|ai-recommendation|ai-benchmark) \S+: (Creating|Updating|InProgress)\b")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_the_pasted_outputs_are_what_the_terminal_shows() -> None:
    lines = (REPO / "README.md").read_text("utf-8").split("\n")
    blocks = tour.tour_blocks(lines)
    assert sum(len(block.steps) for block in blocks) >= 7
    found = tour.differences(blocks, tour.run_tour(blocks, "instant"))
    assert found == [], "the README's tour drifted; run python tools/readme_tour.py\n\n" + "\n\n".join(found)


def steady(lines: list[str]) -> list[str]:
    """A screen without what depends on how fast time ran: clocks, durations, statuses on the way."""
    kept = [line for line in lines if not PASSING_STATUS.match(line)]
    return [
        SECONDS.sub("(Ns elapsed)", DURATION.sub("<d>", CLOCK.sub("<c>", tour.without_times(line)))) for line in kept
    ]


def test_at_a_speed_up_the_waiting_shows_and_the_tour_ends_the_same() -> None:
    lines = (REPO / "README.md").read_text("utf-8").split("\n")
    blocks = tour.tour_blocks(lines)
    raw: list[str] = []
    screens = tour.run_tour(blocks, "600", raw=raw)
    steps = [step for block in blocks for step in block.steps]
    for step, shown in zip(steps, [s for block in screens for s in block], strict=True):
        start, end = step.expected_ends()
        seen = steady(shown)
        assert seen[: len(start)] == steady(start), step.command
        if end is None:
            assert len(seen) == len(start), step.command
        elif end:
            assert seen[len(seen) - len(end) :] == steady(end), step.command
    streams = dict(zip((step.command for step in steps), raw, strict=True))
    waited = next(text for command, text in streams.items() if command.startswith("ircli create-job"))
    assert "IN_PROGRESS" in waited and re.search(r"load test +0:0\d of ~0:0\d", ANSI.sub("", waited))
    deployed = next(text for command, text in streams.items() if command.startswith("ircli endpoint-config deploy"))
    updated = next(
        text for command, text in streams.items() if command.startswith("ircli endpoint-config update-capacity")
    )
    assert "endpoint churn: Creating" in deployed and "endpoint churn: Updating" in updated
