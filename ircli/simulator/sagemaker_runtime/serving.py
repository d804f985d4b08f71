"""Which endpoints answer invocations: the statuses that serve, and the error for an endpoint that does not
(shared by InvokeEndpoint and the LLM containers behind it)."""

from __future__ import annotations

from ircli.simulator.common import ACCOUNT_ID
from ircli.simulator.exceptions import SimulatorError, ValidationError

SERVING_STATUSES = ("InService", "Updating")


def not_found(name: str) -> SimulatorError:
    return ValidationError(f"Endpoint {name} of account {ACCOUNT_ID} not found.")
