"""The invocations each deployed endpoint's variant really received, counted per minute (the store's
`invocation_counts`), for its CloudWatch metrics. SageMaker Runtime records each InvokeEndpoint here; the
variant's hardware goes with each count, so the metrics outlive the endpoint."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ircli.simulator import documents

if TYPE_CHECKING:
    from ircli.simulator.store import Store

# What became of an invocation -> the error columns it counts in. A container's 4xx is a model error too
# (InvocationModelErrors counts every answer of the model that was not 2xx).
OUTCOMES = {
    "ok": (),
    "model-4xx": ("errors_4xx", "model_errors"),
    "model-5xx": ("errors_5xx", "model_errors"),
    "4xx": ("errors_4xx",),
    "5xx": ("errors_5xx",),
}


def record(store: Store, endpoint: str, variant: dict[str, Any], at: float, outcome: str = "ok") -> None:
    """Count one invocation of `endpoint`'s `variant` (as the endpoint runs it) at wall-clock `at`."""
    hardware = {key: variant.get(key) for key in ("instance_type", "instance_count", "serverless")}
    errors = OUTCOMES[outcome]
    sets = "".join(f", {column} = {column} + 1" for column in errors)
    values = {column: int(column in errors) for column in ("errors_4xx", "errors_5xx", "model_errors")}
    with store.write() as db:
        db.execute(
            "INSERT INTO invocation_counts (endpoint, variant, minute, invocations, errors_4xx, errors_5xx,"
            " model_errors, hardware) VALUES (:endpoint, :variant, :minute, 1, :errors_4xx, :errors_5xx,"
            " :model_errors, :hardware) ON CONFLICT (endpoint, variant, minute) DO UPDATE SET"
            f" invocations = invocations + 1, hardware = :hardware{sets}",
            {
                "endpoint": endpoint,
                "variant": variant["VariantName"],
                "minute": int(math.floor(at / 60) * 60),
                "hardware": documents.dumps(hardware),
                **values,
            },
        )


def counted(store: Store, endpoint: str | None = None) -> list[Any]:
    """The counted minutes of one endpoint (any case), or of every endpoint."""
    if endpoint is None:
        return store.read().execute("SELECT * FROM invocation_counts").fetchall()
    return store.read().execute("SELECT * FROM invocation_counts WHERE endpoint = ?", (endpoint,)).fetchall()
