"""A job's steps page as every other listing pages: MaxResults a page, an offset NextToken tied to the
listing's filters, refused when it comes from another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ircli.simulator.exceptions import ValidationException
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.test_simulator import default_job

LIST = "ListInferenceRecommendationsJobSteps"


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    simulator = Simulator(Store(tmp_path / "sim"), clock=lambda: 1_700_000_000.0, speed="instant")
    simulator.dispatch("CreateInferenceRecommendationsJob", default_job())
    return simulator


def test_pages_of_one_step_add_up_to_the_whole_listing(sim: Simulator) -> None:
    whole = sim.dispatch(LIST, {"JobName": "job-1"})
    assert len(whole["Steps"]) == 3 and "NextToken" not in whole
    pages, token = [], None
    while True:
        request = {"JobName": "job-1", "MaxResults": 1, **({"NextToken": token} if token else {})}
        page = sim.dispatch(LIST, request)
        pages.extend(page["Steps"])
        token = page.get("NextToken")
        if token is None:
            break
    assert len(pages) == 3
    assert json.dumps(pages, default=str) == json.dumps(whole["Steps"], default=str)


def test_a_token_from_another_filter_is_refused(sim: Simulator) -> None:
    token = sim.dispatch(LIST, {"JobName": "job-1", "MaxResults": 1})["NextToken"]
    with pytest.raises(ValidationException, match="Invalid pagination token"):
        sim.dispatch(LIST, {"JobName": "job-1", "Status": "PENDING", "NextToken": token})
