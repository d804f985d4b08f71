"""The report's scatter: round ticks, labels that never overlap another label or a circle and never leave
the plot (the points numbered with a list under the chart when a label cannot be placed), a size legend, and
a caption true of the marks drawn."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ircli.cli.output.report.svg import HEIGHT, WIDTH, Point, caption, nice_ticks, place_labels, scatter


def test_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(0.0616) == [0.0, 0.02, 0.04, 0.06, 0.08]
    assert nice_ticks(1099) == [0, 250, 500, 750, 1000, 1250]
    assert nice_ticks(17) == [0, 5, 10, 15, 20]
    assert nice_ticks(0.0) == [0.0, 1.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 10_000), min_size=1, max_size=8))
def test_every_tick_is_one_two_two_and_a_half_or_five_times_a_power_of_ten(highs: list[float]) -> None:
    for high in highs:
        ticks = nice_ticks(high)
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert any(abs(mantissa - m) < 1e-6 for m in (1, 2, 2.5, 5, 10))
        assert ticks[-1] >= high * (1 - 1e-9) and ticks[-1] - step < high and len(ticks) <= 7  # to float rounding


Circle = tuple[float, float, float]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(80, 600), st.floats(20, 280), st.floats(5, 15), st.text("ab.x1 ", min_size=1, max_size=24)),
        min_size=1,
        max_size=10,
    )
)
def test_placed_labels_never_overlap_each_other_a_circle_or_the_edge(
    spots: list[tuple[float, float, float, str]],
) -> None:
    area = (74.0, 18.0, 622.0, 310.0)
    circles: list[Circle] = [(x, y, r) for x, y, r, _ in spots]
    boxes = place_labels([t for *_, t in spots], circles, area)
    placed = [box for box in boxes if box is not None]
    for i, box in enumerate(placed):
        assert area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]
        for other in placed[i + 1 :]:
            assert not (box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3])
        for cx, cy, r in circles:
            assert not (box[0] < cx + r and cx - r < box[2] and box[1] < cy + r and cy - r < box[3])


def point(label: str, ms: float, cost: float, inv: float, pareto: bool) -> Point:
    return Point(label, label, ms, cost, inv, pareto)


def test_crowded_points_are_numbered_and_listed_and_the_caption_matches_the_marks() -> None:
    crowded = [point(f"ml.c5.{n}xlarge x1 long label", 60 + n, 0.2, 1000 * n, n % 2 == 0) for n in range(1, 7)]
    chart = scatter(crowded, "t")
    assert len(chart.legend) == 6 and chart.legend[0].startswith("ml.c5.1xlarge")
    labels = re.findall(r'<text class="label"[^>]*>([^<]*)</text>', chart.svg)
    assert set(labels) <= {str(n) for n in range(1, 7)}
    assert "Hollow" not in caption([p for p in crowded if p.pareto]) and "Every one" in caption([crowded[1]])
    assert "Filled circles" in chart.caption and chart.svg.count('class="point other"') == 3
    assert "Circle size: invocations per minute" in chart.svg


def test_roomy_points_keep_their_labels_inside_the_canvas() -> None:
    roomy = [point("ml.c5.large x1", 10, 0.1, 500, True), point("serverless 2048 MB x5", 90, 0.7, 900, False)]
    chart = scatter(roomy, "t")
    assert chart.legend == []
    for x, text in re.findall(r'<text class="label" x="([\d.]+)"[^>]*>([^<]*)</text>', chart.svg):
        assert float(x) >= 0 and float(x) + len(text) * 6.4 <= WIDTH
    assert f'viewBox="0 0 {WIDTH} {HEIGHT}"' in chart.svg
