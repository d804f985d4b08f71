"""Every request the bundled schemas allow, for every operation the simulator serves, gets an answer or
one of the service's errors: never an internal error, whatever the values."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ircli.lib.validation import schema_violations
from ircli.operations import OPERATIONS, OperationKey
from ircli.simulator.exceptions import SimulatorError
from ircli.simulator.models import Simulator
from ircli.simulator.protocols.shapes import from_params, request_shape
from ircli.simulator.store import Store
from tests.schema_strategies import request_for
from tests.valid_requests import VALID_REQUESTS


@cache
def simulator() -> Simulator:
    """One simulator holding a completed job, an endpoint configuration and an InService endpoint."""
    served = Simulator(Store(Path(tempfile.mkdtemp(prefix="ircli-properties-"))), speed="instant")
    for operation in ("CreateInferenceRecommendationsJob", "CreateEndpointConfig", "CreateEndpoint"):
        served.dispatch(operation, VALID_REQUESTS[operation])
    return served


# Built once, at the first draw (not when the module is collected, in every test worker): strategies for
# large schemas are costly to build and to validate.
REQUESTS = st.deferred(lambda: st.one_of([st.tuples(st.just(op), request_for(op)) for op in sorted(OPERATIONS)]))


def answers_without_internal_error(operation: OperationKey, request: dict[str, object]) -> None:
    if schema_violations(operation, "request", request):
        return  # a rare generated string outside its pattern: not the property's business
    try:
        # In the Python values handlers see, as the local backend and the served protocols hand them over.
        response = simulator().dispatch(operation, from_params(request_shape(operation), request))
    except SimulatorError as error:
        assert error.code != "InternalFailure" and 400 <= error.status < 500, (operation, error.code, error.message)
        return
    assert isinstance(response, dict)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(REQUESTS)
def test_schema_valid_requests_never_meet_an_internal_error(case: tuple[OperationKey, dict[str, object]]) -> None:
    answers_without_internal_error(*case)


@pytest.mark.slow
@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(REQUESTS)
def test_schema_valid_requests_never_meet_an_internal_error_at_length(
    case: tuple[OperationKey, dict[str, object]],
) -> None:
    answers_without_internal_error(*case)
